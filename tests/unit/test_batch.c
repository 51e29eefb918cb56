// SPDX-License-Identifier: GPL-2.0
/*
 * batch.c: line splitting, FDB coalescing into VTEP_A_FDB_LIST messages,
 * and mapping a refused list entry back to its FILE:LINE, against a
 * stand-in kernel that applies a list whole or not at all.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "unit.h"

static const struct {
	const char *line;
	int argc;
	const char *words;	/* joined with '|' */
} split_cases[] = {
	{ "fdb add 00:11:22:33:44:55 vni 1", 5, "fdb|add|00:11:22:33:44:55|vni|1" },
	{ "  vni\tadd  100 \r\n", 3, "vni|add|100" },
	{ "", 0, "" },
	{ "   \n", 0, "" },
	{ "# a comment", 0, "" },
	{ "link show # trailing comment", 2, "link|show" },
	{ "link show a#b", 3, "link|show|a#b" },
	{ "x \"two words\" 'single q' end", 4, "x|two words|single q|end" },
	{ "x \"\" y", 3, "x||y" },
	{ "x \"open", -2, "" },
	{ "a b c d e f g h i j", -1, "" },	/* more than the 9 allowed */
	/* words across and at the 8-byte steps of makeargs_padded() */
	{ "1234567 12345678 123456789 x", 4, "1234567|12345678|123456789|x" },
	{ "abcdefghijklmnopqrstuvwxyz0123456789\tz", 2,
	  "abcdefghijklmnopqrstuvwxyz0123456789|z" },
	/* control bytes that are no blank, and bytes past 0x7f, are a word's */
	{ "a\001b\033[0m c\x7f\x80\xff\xc3\xa9" "d e", 3,
	  "a\001b\033[0m|c\x7f\x80\xff\xc3\xa9" "d|e" },
	{ "\001\002\003\004\005\006\007\010\011x", 2,
	  "\001\002\003\004\005\006\007\010|x" },
	{ "fdb add 0a:00:00:00:00:01 vni 100 dst 2001:db8:1::0:1 dev vtep6", 9,
	  "fdb|add|0a:00:00:00:00:01|vni|100|dst|2001:db8:1::0:1|dev|vtep6" },
};

/*
 * Both splitters on each case: makeargs(), and makeargs_padded() with the
 * line at every offset from an 8-byte boundary, the pad after it filled
 * with bytes that would end a word early if it read them as the line's.
 */
static int split_both(int i, int shift, char *buf, size_t len, char **argv,
		      int max)
{
	size_t n = strlen(split_cases[i].line);

	if (shift < 0)
		return split(split_cases[i].line, buf, len, argv, max);
	ck_assert(shift + n + 1 + 8 <= len);
	memset(buf, ' ', len);
	memcpy(buf + shift, split_cases[i].line, n + 1);
	return makeargs_padded(buf + shift, argv, max);
}

START_TEST(split_lines)
{
	char buf[256], joined[256] = "", *argv[10];
	int c = _i % (int)ARRAY_SIZE(split_cases);
	int shift = _i / (int)ARRAY_SIZE(split_cases) - 1;
	int argc = split_both(c, shift, buf, sizeof(buf), argv, 9);

	ck_assert_msg(argc == split_cases[c].argc, "\"%s\" (shift %d): %d words, want %d",
		      split_cases[c].line, shift, argc, split_cases[c].argc);
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(joined, "|");
		strcat(joined, argv[i]);
	}
	if (argc >= 0)
		ck_assert_msg(!strcmp(joined, split_cases[c].words),
			      "\"%s\" (shift %d): \"%s\"", split_cases[c].line,
			      shift, joined);
}
END_TEST

static void entry(struct fdb_batch_entry *e, unsigned int i, int family)
{
	memset(e, 0, sizeof(*e));
	e->vni = 100 + i % 3;
	e->mac[0] = 2;
	e->mac[4] = (uint8_t)(i >> 8);
	e->mac[5] = (uint8_t)i;
	e->dst.family = family;
	if (family == AF_INET)
		e->dst.v4.s_addr = htonl(0xc0000200 | (i & 0xff));
	else
		inet_pton(AF_INET6, "2001:db8::1", &e->dst.v6);
	e->line = i + 1;
}

static const int families[] = { AF_INET, AF_INET6 };

/* A message fills up to its limit, the list nest stays under 64 KB, and
 * every entry is a VTEP_A_FDB nest at the offset it recorded. */
START_TEST(build_fills_and_walks)
{
	static struct fdb_batch_entry e[5000];
	static char buf[FDB_BATCH_BYTES + 8192];
	const struct nlattr *list = NULL, *a, *f;
	struct nlmsghdr *nlh;
	unsigned int n, i = 0;

	for (unsigned int k = 0; k < 5000; k++)
		entry(&e[k], k, families[_i]);
	nlh = genl_msg(buf, 0x42, VTEP_CMD_FDB_NEW, 0);
	n = fdb_batch_build(nlh, "vtep0", e, 5000, FDB_BATCH_BYTES);
	ck_assert_uint_gt(n, 1000);
	ck_assert_uint_lt(n, 5000);
	ck_assert_uint_le(nlh->nlmsg_len, FDB_BATCH_BYTES);
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == VTEP_A_FDB_LIST)
			list = a;
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_lt(mnl_attr_get_len(list), 65536);
	mnl_attr_for_each_nested(f, list) {
		const struct nlattr *t[VTEP_FDB_A_MAX + 1];
		struct vtep_ip ip;
		uint32_t vni;

		ck_assert_uint_eq(mnl_attr_get_type(f), VTEP_A_FDB);
		ck_assert_uint_eq((uint32_t)((const char *)f - (const char *)nlh),
				  e[i].off);
		attr_parse_nest(f, t, VTEP_FDB_A_MAX);
		ck_assert(attr_u32(t[VTEP_FDB_A_VNI], &vni));
		ck_assert_uint_eq(vni, e[i].vni);
		ck_assert(!memcmp(mnl_attr_get_payload(t[VTEP_FDB_A_MAC]), e[i].mac, 6));
		ck_assert(attr_ip(t[VTEP_FDB_A_DST], t[VTEP_FDB_A_DST6], &ip));
		ck_assert_int_eq(ip.family, families[_i]);
		i++;
	}
	ck_assert_uint_eq(i, n);
}
END_TEST

START_TEST(offset_to_entry)
{
	struct fdb_batch_entry e[3] = { { .off = 100 }, { .off = 132 },
					{ .off = 164 } };
	static const struct { uint32_t off; int want; } c[] = {
		{ 0, -1 }, { 99, -1 }, { 100, 0 }, { 104, 0 }, { 131, 0 },
		{ 132, 1 }, { 163, 1 }, { 164, 2 }, { 4000, 2 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(c); i++)
		ck_assert_msg(fdb_batch_find(e, 3, c[i].off) == c[i].want,
			      "offset %u: entry %d, want %d", c[i].off,
			      fdb_batch_find(e, 3, c[i].off), c[i].want);
	ck_assert_int_eq(fdb_batch_find(e, 0, 100), -1);
}
END_TEST

/* pthread_create, made to fail on demand: vtepctl's calls come here */
static bool no_threads;

int pthread_create(pthread_t *t, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *,
			   void *(*)(void *), void *);

	if (no_threads)
		return EAGAIN;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	return real(t, attr, fn, arg);
}

/* ---- a stand-in kernel with an FDB: MAC bytes 4-5 carry the line ---- */

struct fdb_kernel {
	unsigned int bad;		/* the line whose entry is refused */
	bool no_offset;			/* refuse without naming the entry */
	bool no_del_list;		/* an older kernel: FDB_DEL takes no list */
	unsigned int applied[32768];
	unsigned int napplied;
	unsigned int lists, entries_max;
	char order[256];		/* one letter per request */
	/* who sent each request: 'p' the parser (the test's thread), 's'
	 * another (the sender), if parser is set */
	pthread_t parser;
	bool parser_set;
	char who[256];
	unsigned int applied_before_other;	/* at the first other request */
	/* if set, the first list waits until the parser stops moving and
	 * notes the line it stopped at */
	const unsigned int *line;
	unsigned int line_seen;
};

/* Read while the parser may write it: a probe that only has to see the
 * parser stand still, so not synchronised (and not for TSan to report) */
__attribute__((no_sanitize_thread))
static unsigned int line_now(const unsigned int *line)
{
	return __atomic_load_n(line, __ATOMIC_RELAXED);
}

/* The line the parser stands still at (or is at after 5 s) */
static unsigned int wait_for_parser(const unsigned int *line)
{
	struct timespec ms = { 0, 5 * 1000 * 1000 };
	unsigned int last = line_now(line), still = 0;

	for (int i = 0; i < 1000 && still < 40; i++) {
		nanosleep(&ms, NULL);
		still = line_now(line) == last ? still + 1 : 0;
		last = line_now(line);
	}
	return last;
}

static unsigned int line_of(const struct nlattr *fdb)
{
	const struct nlattr *t[VTEP_FDB_A_MAX + 1];
	const uint8_t *m;

	attr_parse_nest(fdb, t, VTEP_FDB_A_MAX);
	m = mnl_attr_get_payload(t[VTEP_FDB_A_MAC]);
	return (unsigned int)(m[4] << 8 | m[5]);
}

static int fdb_kernel(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		      void *data, struct nl_ext *ext)
{
	struct fdb_kernel *k = f->priv;
	const struct nlattr *a, *e, *list = NULL, *one = NULL;
	size_t len = strlen(k->order);
	unsigned int n = 0;

	if (len < sizeof(k->order) - 1) {
		char c = genl_cmd_of(req) == VTEP_CMD_FDB_NEW ?
			 (req->nlmsg_flags & NLM_F_REPLACE ? 'R' : 'A') :
			 genl_cmd_of(req) == VTEP_CMD_FDB_DEL ? 'D' : 'o';

		k->order[len] = c;
		if (k->parser_set)
			k->who[len] = pthread_equal(pthread_self(), k->parser) ?
				      'p' : 's';
	}
	if (genl_cmd_of(req) != VTEP_CMD_FDB_NEW &&
	    genl_cmd_of(req) != VTEP_CMD_FDB_DEL) {
		if (!strchr(k->order, 'o') || k->order[len] == 'o')
			k->applied_before_other = k->napplied;
		return 0;
	}
	mnl_attr_for_each(a, req, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == VTEP_A_FDB_LIST)
			list = a;
		if (mnl_attr_get_type(a) == VTEP_A_FDB)
			one = a;
	}
	/* as the 6.1-era module: "missing attribute", no offset */
	if (!one && k->no_del_list && genl_cmd_of(req) == VTEP_CMD_FDB_DEL)
		return -EINVAL;
	if (one) {
		if (line_of(one) == k->bad)
			return -EEXIST;
		k->applied[k->napplied++] = line_of(one);
		return 0;
	}
	if (k->line && !k->lists++)
		k->line_seen = wait_for_parser(k->line);
	else if (!k->line)
		k->lists++;
	mnl_attr_for_each_nested(e, list) {
		n++;
		if (line_of(e) != k->bad)
			continue;
		if (!k->no_offset || n == 1) {
			ext->off = (uint32_t)((const char *)e - (const char *)req);
			ext->has_off = !k->no_offset;
		}
		return -EEXIST;		/* nothing applied */
	}
	if (n > k->entries_max)
		k->entries_max = n;
	mnl_attr_for_each_nested(e, list)
		k->applied[k->napplied++] = line_of(e);
	return 0;
}

static char *write_file(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/vtepctl-unit-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* "fdb add" lines first .. first + n - 1, line i adding MAC
 * 02:00:00:00:hi(i):lo(i), at p; returns the end */
static char *add_lines(char *p, unsigned int first, unsigned int n,
		       const char *dev)
{
	for (unsigned int i = first; i < first + n; i++)
		p += sprintf(p, "fdb add 02:00:00:00:%02x:%02x vni 100 dst 192.0.2.2 dev %s\n",
			     i >> 8, i & 0xff, dev);
	*p = 0;
	return p;
}

/* n "fdb add" lines, line i adding MAC 02:00:00:00:hi(i):lo(i) */
static char *fdb_lines(unsigned int n, const char *dev)
{
	char *text = malloc(n * 80 + 1);

	add_lines(text, 1, n, dev);
	return text;
}

/* n "fdb del" lines, line i deleting MAC 02:00:00:00:hi(i):lo(i); the odd
 * ones only if it points at 192.0.2.2 */
static char *fdb_del_lines(unsigned int n, const char *dev)
{
	char *text = malloc(n * 80 + 1), *p = text;

	for (unsigned int i = 1; i <= n; i++)
		p += sprintf(p, "fdb del 02:00:00:00:%02x:%02x vni 100 dev %s%s\n",
			     i >> 8, i & 0xff, dev, i % 2 ? " dst 192.0.2.2" : "");
	*p = 0;
	return text;
}

static int run_file_ctx(struct vtep_ctx *ctx, const char *text,
			struct fake *f, struct cap *c, char **path_out)
{
	char *path = write_file(text);
	int r;

	ctx->nl = nl_fake(fake_kernel, f);
	cap_begin(c, false, false);
	r = run_batch(ctx, path);
	cap_end(c);
	nl_close(ctx->nl);
	unlink(path);
	if (path_out)
		*path_out = path;
	return r;
}

static int run_file(const char *text, bool force, struct fake *f,
		    struct cap *c, char **path_out)
{
	struct vtep_ctx ctx = { .force = force };
	char *path = write_file(text);
	int r;

	ctx.nl = nl_fake(fake_kernel, f);
	cap_begin(c, false, false);
	r = run_batch(&ctx, path);
	cap_end(c);
	nl_close(ctx.nl);
	unlink(path);
	if (path_out)
		*path_out = path;
	return r;
}

START_TEST(coalesces_into_few_messages)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	char *text = fdb_lines(4000, "vtep0");
	struct cap c;

	ck_assert_int_eq(run_file(text, false, &f, &c, NULL), 0);
	ck_assert_str_eq(c.ebuf, "");
	ck_assert_uint_eq(k.napplied, 4000);
	for (unsigned int i = 0; i < 4000; i++)
		ck_assert_uint_eq(k.applied[i], i + 1);
	/* 40 bytes an IPv4 entry with its owner: 4000 of them take 3 messages of < 56 KB */
	ck_assert_uint_eq(f.n, 3);
	ck_assert_uint_eq(k.lists, 3);
	ck_assert_uint_gt(k.entries_max, 1400);
	cap_free(&c);
	free(text);
}
END_TEST

/*
 * Line 1500 is refused inside a list of ~1432: the error names line 1500,
 * lines 1-1499 (rolled back with the list) are applied again, and without
 * -force nothing after 1500 is.
 */
static const struct {
	bool force;
	bool no_offset;
	unsigned int bad;
	unsigned int lines;
} refuse_cases[] = {
	{ false, false, 1500, 4000 },
	{ true, false, 1500, 4000 },
	{ false, true, 1500, 4000 },	/* found by sending one at a time */
	{ true, true, 1500, 4000 },
	{ false, false, 1, 4000 },
	{ true, false, 4000, 4000 },
	{ false, false, 1433, 4000 },	/* first of the second list */
	/* in the second list, while the parser is lists ahead */
	{ false, false, 2500, 20000 },
	{ true, false, 2500, 20000 },
	{ false, true, 2500, 20000 },
	{ false, false, 19999, 20000 },
};

static void refused_line(unsigned int i, bool del)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k,
			  .ext_msg = del ? "no such FDB entry" :
				     "FDB entry exists (NLM_F_REPLACE replaces it)" };
	unsigned int lines = refuse_cases[i].lines;
	char *text = del ? fdb_del_lines(lines, "vtep0") : fdb_lines(lines, "vtep0");
	unsigned int bad = refuse_cases[i].bad, j = 0;
	char *path, want[256];
	struct cap c;

	memset(&k, 0, sizeof(k));
	k.bad = bad;
	k.no_offset = refuse_cases[i].no_offset;
	ck_assert_int_eq(run_file(text, refuse_cases[i].force, &f, &c, &path), VTEP_EXIT_REFUSED);
	snprintf(want, sizeof(want),
		 "%s:%u: Error: fdb 02:00:00:00:%02x:%02x vni 100 dev vtep0: %s\n",
		 path, bad, bad >> 8, bad & 0xff, f.ext_msg);
	ck_assert_msg(!strcmp(c.ebuf, want), "stderr:\n%s\nwant\n%s", c.ebuf, want);
	/* exactly the lines a line-by-line run would have applied, in order */
	for (unsigned int l = 1; l <= (refuse_cases[i].force ? lines : bad - 1); l++) {
		if (l == bad)
			continue;
		ck_assert_msg(j < k.napplied && k.applied[j] == l,
			      "applied[%u] = %u, want line %u", j,
			      j < k.napplied ? k.applied[j] : 0, l);
		j++;
	}
	ck_assert_uint_eq(k.napplied, j);
	/* in lists, not a message a line (but for the one-at-a-time search) */
	if (!refuse_cases[i].no_offset)
		ck_assert_uint_lt(f.n, 30);
	ck_assert(strchr(k.order, del ? 'A' : 'D') == NULL);
	cap_free(&c);
	free(text);
}

START_TEST(refused_entry_names_its_line)
{
	refused_line((unsigned int)_i, false);
}
END_TEST

/* The same for a delete batch: FDB_DEL lists, all-or-nothing in the
 * kernel, and the refused (absent) entry's nest named by the extack */
START_TEST(refused_delete_names_its_line)
{
	refused_line((unsigned int)_i, true);
}
END_TEST

START_TEST(deletes_coalesce)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	char *text = fdb_del_lines(4000, "vtep0");
	struct cap c;

	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(run_file(text, false, &f, &c, NULL), 0);
	ck_assert_str_eq(c.ebuf, "");
	ck_assert_uint_eq(k.napplied, 4000);
	for (unsigned int i = 0; i < 4000; i++)
		ck_assert_uint_eq(k.applied[i], i + 1);
	/* 24 bytes an unconditional entry, 32 a conditional one (no owner): 2 lists */
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(k.lists, 2);
	ck_assert_str_eq(k.order, "DD");
	cap_free(&c);
	free(text);
}
END_TEST

/* A kernel whose FDB_DEL takes no list: every line still gets deleted,
 * one message each, and nothing is reported */
START_TEST(deletes_on_a_kernel_without_lists)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	char *text = fdb_del_lines(50, "vtep0");
	struct cap c;

	memset(&k, 0, sizeof(k));
	k.no_del_list = true;
	ck_assert_int_eq(run_file(text, false, &f, &c, NULL), 0);
	ck_assert_str_eq(c.ebuf, "");
	ck_assert_uint_eq(k.napplied, 50);
	for (unsigned int i = 0; i < 50; i++)
		ck_assert_uint_eq(k.applied[i], i + 1);
	ck_assert_uint_eq(f.n, 51);
	cap_free(&c);
	free(text);
}
END_TEST

/* Other lines send the queue first, so the file's order holds */
START_TEST(other_lines_flush_first)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	struct cap c;
	const char *text =
		"fdb add 02:00:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0\n"
		"fdb add 02:00:00:00:00:02 vni 100 dst 192.0.2.2 dev vtep0\n"
		"vni add 200 dev vtep0 vlan 20\n"
		"fdb add 02:00:00:00:00:04 vni 200 dst 2001:db8::2 dev vtep1\n"
		"fdb replace 02:00:00:00:00:05 vni 200 dst 192.0.2.3 dev vtep1\n"
		"fdb add 02:00:00:00:00:06 vni 200 dst 192.0.2.3 dev vtep0\n"
		"\n"
		"# done\n";

	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(run_file(text, false, &f, &c, NULL), 0);
	ck_assert_str_eq(k.order, "AoARA");
	ck_assert_uint_eq(k.napplied, 5);
	ck_assert_uint_eq(k.applied[2], 4);
	cap_free(&c);
}
END_TEST

static const char del_text[] =
	"fdb add 02:00:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0\n"
	"fdb add 02:00:00:00:00:02 vni 100 dst 192.0.2.2 dev vtep0\n"
	"fdb del 02:00:00:00:00:01 vni 100 dev vtep0 dst 192.0.2.2\n"
	"fdb del 02:00:00:00:00:02 vni 100 dev vtep0\n"
	"fdb del 02:00:00:00:00:03 vni 100 dev vtep1\n"
	"fdb add 02:00:00:00:00:03 vni 100 dst 192.0.2.2 dev vtep0\n";

/* Consecutive deletes of one device go as one FDB_DEL list, each entry
 * with its own condition; another device starts another message */
START_TEST(deletes_one_list_a_device)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	char got[512];
	struct cap c;

	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(run_file(del_text, false, &f, &c, NULL), 0);
	ck_assert_str_eq(k.order, "ADDA");
	ck_assert_uint_eq(((struct nlmsghdr *)f.msg[1])->nlmsg_flags & 0xf00, 0);
	ck_assert_str_eq(render((void *)f.msg[1], SCHEMA_GENL, got, sizeof(got)),
			 "ifname=vtep0 fdb_list{fdb{vni=100 mac=02:00:00:00:00:01 dst=192.0.2.2} "
			 "fdb{vni=100 mac=02:00:00:00:00:02}}");
	ck_assert_str_eq(render((void *)f.msg[2], SCHEMA_GENL, got, sizeof(got)),
			 "ifname=vtep1 fdb{vni=100 mac=02:00:00:00:00:03}");
	cap_free(&c);
}
END_TEST

/* -ignore-missing: one message a line, so an absent entry skips only its
 * own line and the others are still deleted */
START_TEST(ignore_missing_deletes_one_message_a_line)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	struct vtep_ctx ctx = { .ignore_missing = true };
	char got[512];
	struct cap c;

	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(run_file_ctx(&ctx, del_text, &f, &c, NULL), 0);
	ck_assert_str_eq(k.order, "ADDDA");
	ck_assert_str_eq(render((void *)f.msg[1], SCHEMA_GENL, got, sizeof(got)),
			 "ifname=vtep0 fdb{vni=100 mac=02:00:00:00:00:01 dst=192.0.2.2}");
	ck_assert_str_eq(render((void *)f.msg[2], SCHEMA_GENL, got, sizeof(got)),
			 "ifname=vtep0 fdb{vni=100 mac=02:00:00:00:00:02}");
	cap_free(&c);
}
END_TEST

/* A parse error after queued lines: the queued lines' own error comes
 * first and, without -force, is the only one. */
START_TEST(errors_in_file_order)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k, .ext_msg = "exists" };
	const char *text =
		"fdb add 02:00:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0\n"
		"fdb add 02:00:00:00:00:99 vni 100 dst 192.0.2.2 dev vtep0 extra\n"
		"frob\n";
	char want[512], *path;
	struct cap c;

	memset(&k, 0, sizeof(k));
	k.bad = 1;
	ck_assert_int_eq(run_file(text, false, &f, &c, &path), VTEP_EXIT_REFUSED);
	snprintf(want, sizeof(want),
		 "%s:1: Error: fdb 02:00:00:00:00:01 vni 100 dev vtep0: exists\n", path);
	ck_assert_str_eq(c.ebuf, want);
	cap_free(&c);

	memset(&k, 0, sizeof(k));
	k.bad = 1;
	ck_assert_int_eq(run_file(text, true, &f, &c, &path), VTEP_EXIT_REFUSED);
	snprintf(want, sizeof(want),
		 "%s:1: Error: fdb 02:00:00:00:00:01 vni 100 dev vtep0: exists\n"
		 "%s:2: Error: unknown keyword \"extra\" for \"fdb add\", try \"vtepctl fdb help\"\n"
		 "%s:3: Object \"frob\" is unknown, try \"vtepctl help\".\n",
		 path, path, path);
	ck_assert_str_eq(c.ebuf, want);
	cap_free(&c);
}
END_TEST

/* -batch's status is the first failed line's: usage (2) or refusal (1) */
static int refuses_del_and_fdb(struct fake *f, struct nlmsghdr *req,
			       nl_cb cb, void *data, struct nl_ext *ext)
{
	if (genl_cmd_of(req) == VTEP_CMD_VNI_DEL)
		return -ENOENT;
	return genl_cmd_of(req) == VTEP_CMD_FDB_NEW ? -EEXIST : 0;
}

static const struct {
	const char *text;
	bool force, ignore_missing;
	int ret;
	unsigned int sent;
} status_cases[] = {
	{ "vni add 0 dev vtep0 untagged\nvni del 5 dev vtep0\n", false, false,
	  VTEP_EXIT_USAGE, 0 },
	{ "vni add 0 dev vtep0 untagged\nvni del 5 dev vtep0\n", true, false,
	  VTEP_EXIT_USAGE, 1 },
	{ "vni del 5 dev vtep0\nvni add 0 dev vtep0 untagged\n", true, false,
	  VTEP_EXIT_REFUSED, 1 },
	{ "vni del 5 dev vtep0\nvni add 5 dev vtep0 untagged\n", false, false,
	  VTEP_EXIT_REFUSED, 1 },
	{ "'unterminated\nvni del 5 dev vtep0\n", true, false,
	  VTEP_EXIT_USAGE, 1 },
	/* a hook's idempotent teardown: every line runs, the file succeeds */
	{ "vni del 5 dev vtep0\nvni del 5 dev vtep0\nvni add 5 dev vtep0 untagged\n",
	  false, true, 0, 3 },
	/* a queued FDB add refused when a later line flushes the queue */
	{ "fdb add 02:00:00:00:00:01 vni 1 dst 192.0.2.2 dev vtep0\n"
	  "vni add 0 dev vtep0 untagged\n", true, false, VTEP_EXIT_REFUSED, 1 },
};

START_TEST(status_of_first_failure)
{
	struct fake f = { .reply = refuses_del_and_fdb };
	struct vtep_ctx ctx = { .force = status_cases[_i].force,
				.ignore_missing = status_cases[_i].ignore_missing };
	char *path = write_file(status_cases[_i].text);
	struct cap c;
	int r;

	ctx.nl = nl_fake(fake_kernel, &f);
	cap_begin(&c, false, false);
	r = run_batch(&ctx, path);
	cap_end(&c);
	nl_close(ctx.nl);
	unlink(path);
	ck_assert_msg(r == status_cases[_i].ret, "case %d: returned %d, stderr %s",
		      _i, r, c.ebuf);
	ck_assert_uint_eq(f.n, status_cases[_i].sent);
	cap_free(&c);
}
END_TEST

/* The nest written directly is the one the keyword table builds */
START_TEST(entry_as_the_keyword_table_builds_it)
{
	static const int fam[] = { AF_INET, AF_INET6, 0 };
	char buf[2][1024];

	for (unsigned int i = 0; i < ARRAY_SIZE(fam); i++) {
		struct fdb_batch_entry e;
		struct fdb_req r = { .set = BIT(VTEP_FDB_A_VNI) |
					    BIT(VTEP_FDB_A_MAC) };
		struct nlmsghdr *batch, *table;
		const struct nlattr *nest;

		entry(&e, 300 + i, AF_INET);
		e.vni = 0x123456;
		e.dst.family = fam[i];
		if (fam[i] == AF_INET6)
			inet_pton(AF_INET6, "2001:db8:1::9:1", &e.dst.v6);
		r.vni = e.vni;
		memcpy(r.mac, e.mac, 6);
		r.dst = e.dst;
		if (fam[i])
			r.set |= BIT(VTEP_FDB_A_DST);
		memset(buf, 0, sizeof(buf));	/* libmnl leaves padding as is */
		batch = genl_msg(buf[0], 0x42, VTEP_CMD_FDB_NEW, 0);
		ck_assert_uint_eq(fdb_batch_build(batch, "vtep0", &e, 1, 1024), 1);
		table = genl_msg(buf[1], 0x42, VTEP_CMD_FDB_NEW, 0);
		put_dev(table, "vtep0");
		nest = mnl_attr_nest_start(table, VTEP_A_FDB_LIST);
		fdb_put_entry(table, &r);
		mnl_attr_nest_end(table, (struct nlattr *)nest);
		ck_assert_uint_eq(batch->nlmsg_len, table->nlmsg_len);
		ck_assert_msg(!memcmp(batch, table, batch->nlmsg_len),
			      "family %d: the entry differs from fdb_put_entry's",
			      fam[i]);
	}
}
END_TEST

/*
 * While the kernel holds the first list, the parser goes on: it queues a
 * second list and fills a third, and waits there (two lists handed off
 * at most). The lists come from a thread of their own; everything is
 * applied, in order.
 */
START_TEST(parser_runs_ahead_of_the_kernel)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	struct vtep_ctx ctx = { 0 };
	char *text = fdb_lines(20000, "vtep0");
	struct cap c;

	memset(&k, 0, sizeof(k));
	k.parser = pthread_self();
	k.parser_set = true;
	k.line = &ctx.line;
	ck_assert_int_eq(run_file_ctx(&ctx, text, &f, &c, NULL), 0);
	ck_assert_str_eq(c.ebuf, "");
	/* 1432 entries a list: the parser stopped handing off the third */
	ck_assert_msg(k.line_seen > 2 * 1432 && k.line_seen <= 3 * 1432 + 1,
		      "the parser stood at line %u while the first list was in the kernel",
		      k.line_seen);
	ck_assert_uint_eq(k.napplied, 20000);
	for (unsigned int i = 0; i < 20000; i++)
		ck_assert_uint_eq(k.applied[i], i + 1);
	ck_assert_msg(!strchr(k.who, 'p'), "a list went from the parser: %s",
		      k.who);
	cap_free(&c);
	free(text);
}
END_TEST

/* One list, or one command: no thread; more lists: a sender thread */
START_TEST(a_thread_only_for_several_lists)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	char *text = fdb_lines(1432, "vtep0");
	struct cap c;

	memset(&k, 0, sizeof(k));
	k.parser = pthread_self();
	k.parser_set = true;
	ck_assert_int_eq(run_file(text, false, &f, &c, NULL), 0);
	ck_assert_str_eq(k.who, "p");
	cap_free(&c);
	free(text);

	memset(&k, 0, sizeof(k));
	k.parser = pthread_self();
	k.parser_set = true;
	f.n = 0;
	ck_assert_int_eq(run_cmd("fdb add 02:00:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0",
				 &f, false, &c), 0);
	ck_assert_str_eq(k.who, "p");
	cap_free(&c);

	memset(&k, 0, sizeof(k));
	k.parser = pthread_self();
	k.parser_set = true;
	f.n = 0;
	text = fdb_lines(1433, "vtep0");
	ck_assert_int_eq(run_file(text, false, &f, &c, NULL), 0);
	ck_assert_str_eq(k.order, "AA");
	ck_assert_str_eq(k.who, "ss");
	cap_free(&c);
	free(text);
}
END_TEST

/* Without a thread (none could start) the parser sends, as before: the
 * same lists, the same refusal, nothing after it */
START_TEST(the_parser_sends_if_no_thread_starts)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k, .ext_msg = "exists" };
	char *text = fdb_lines(20000, "vtep0"), want[256], *path;
	struct cap c;

	memset(&k, 0, sizeof(k));
	k.parser = pthread_self();
	k.parser_set = true;
	k.bad = 2500;
	no_threads = true;
	ck_assert_int_eq(run_file(text, false, &f, &c, &path), VTEP_EXIT_REFUSED);
	no_threads = false;
	snprintf(want, sizeof(want),
		 "%s:2500: Error: fdb 02:00:00:00:09:c4 vni 100 dev vtep0: exists\n",
		 path);
	ck_assert_str_eq(c.ebuf, want);
	ck_assert_str_eq(k.who, "ppp");	/* list 1, list 2 refused, 1433-2499 */
	ck_assert_uint_eq(k.napplied, 2499);
	for (unsigned int i = 0; i < 2499; i++)
		ck_assert_uint_eq(k.applied[i], i + 1);
	cap_free(&c);
	free(text);
}
END_TEST

/* A line of another object waits until every list before it is applied,
 * and is sent by the parser itself */
START_TEST(other_lines_wait_for_every_list)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k };
	char *text = malloc(8001 * 80), *p;
	struct cap c;

	p = add_lines(text, 1, 4000, "vtep0");
	p += sprintf(p, "vni add 200 dev vtep0 vlan 20\n");
	add_lines(p, 4002, 4000, "vtep0");
	memset(&k, 0, sizeof(k));
	k.parser = pthread_self();
	k.parser_set = true;
	ck_assert_int_eq(run_file(text, false, &f, &c, NULL), 0);
	ck_assert_str_eq(k.order, "AAAoAAA");
	ck_assert_str_eq(k.who, "ssspsss");
	ck_assert_uint_eq(k.applied_before_other, 4000);
	ck_assert_uint_eq(k.napplied, 8000);
	cap_free(&c);
	free(text);
}
END_TEST

/*
 * A line that fails to parse while lists before it are in flight: their
 * refusal comes first and, without -force, is the only error (the file
 * stopped there); with -force both come, in file order, and the rest runs.
 */
static const struct {
	unsigned int bad_line;		/* does not parse */
	bool force;
} late_cases[] = {
	{ 1437, false }, { 1437, true },	/* the first list in flight */
	{ 4001, false }, { 4001, true },	/* after three lists */
};

START_TEST(parse_error_after_lists_in_flight)
{
	static struct fdb_kernel k;
	struct fake f = { .reply = fdb_kernel, .priv = &k, .ext_msg = "exists" };
	unsigned int bad = late_cases[_i].bad_line;
	char *text = malloc(6001 * 80), *p, want[1024], *path;
	struct cap c;

	p = add_lines(text, 1, bad - 1, "vtep0");
	p += sprintf(p, "fdb add 02:00:00:00:ff:ff vni 100 dst 192.0.2.2 dev vtep0 extra\n");
	add_lines(p, bad + 1, 6000 - bad, "vtep0");
	memset(&k, 0, sizeof(k));
	k.bad = 1200;
	ck_assert_int_eq(run_file(text, late_cases[_i].force, &f, &c, &path), VTEP_EXIT_REFUSED);
	if (late_cases[_i].force)
		snprintf(want, sizeof(want),
			 "%s:1200: Error: fdb 02:00:00:00:04:b0 vni 100 dev vtep0: exists\n"
			 "%s:%u: Error: unknown keyword \"extra\" for \"fdb add\", try \"vtepctl fdb help\"\n",
			 path, path, bad);
	else
		snprintf(want, sizeof(want),
			 "%s:1200: Error: fdb 02:00:00:00:04:b0 vni 100 dev vtep0: exists\n",
			 path);
	ck_assert_msg(!strcmp(c.ebuf, want), "stderr:\n%s\nwant\n%s", c.ebuf, want);
	ck_assert_uint_eq(k.napplied, late_cases[_i].force ? 5998 : 1199);
	for (unsigned int i = 0, l = 1; i < k.napplied; i++, l++) {
		l += l == 1200 || l == bad;
		ck_assert_uint_eq(k.applied[i], l);
	}
	cap_free(&c);
	free(text);
}
END_TEST

START_TEST(missing_file)
{
	struct vtep_ctx ctx = { 0 };
	struct cap c;

	cap_begin(&c, false, false);
	ck_assert_int_eq(run_batch(&ctx, "/nonexistent/vtep.batch"),
			 VTEP_EXIT_USAGE);
	cap_end(&c);
	ck_assert_str_eq(c.ebuf, "Error: cannot open \"/nonexistent/vtep.batch\": "
			 "No such file or directory\n");
	cap_free(&c);
}
END_TEST

Suite *suite_batch(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("batch");

	/* makeargs(), then makeargs_padded() at shifts 0-7 */
	tcase_add_loop_test(tc, split_lines, 0, 9 * ARRAY_SIZE(split_cases));
	tcase_add_loop_test(tc, build_fills_and_walks, 0, ARRAY_SIZE(families));
	tcase_add_test(tc, offset_to_entry);
	tcase_add_test(tc, coalesces_into_few_messages);
	tcase_add_loop_test(tc, refused_entry_names_its_line, 0,
			    ARRAY_SIZE(refuse_cases));
	tcase_add_test(tc, other_lines_flush_first);
	tcase_add_test(tc, errors_in_file_order);
	tcase_add_loop_test(tc, refused_delete_names_its_line, 0,
			    ARRAY_SIZE(refuse_cases));
	tcase_add_test(tc, deletes_coalesce);
	tcase_add_test(tc, deletes_on_a_kernel_without_lists);
	tcase_add_test(tc, deletes_one_list_a_device);
	tcase_add_test(tc, ignore_missing_deletes_one_message_a_line);
	tcase_add_test(tc, entry_as_the_keyword_table_builds_it);
	tcase_add_test(tc, parser_runs_ahead_of_the_kernel);
	tcase_add_test(tc, a_thread_only_for_several_lists);
	tcase_add_test(tc, the_parser_sends_if_no_thread_starts);
	tcase_add_test(tc, other_lines_wait_for_every_list);
	tcase_add_loop_test(tc, parse_error_after_lists_in_flight, 0,
			    ARRAY_SIZE(late_cases));
	tcase_add_test(tc, missing_file);
	tcase_add_loop_test(tc, status_of_first_failure, 0,
			    ARRAY_SIZE(status_cases));
	suite_add_tcase(s, tc);
	return s;
}
