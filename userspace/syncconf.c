// SPDX-License-Identifier: GPL-2.0
/*
 * syncconf: make a device what a showconf file says, changing only what
 * differs, like "wg syncconf". The device is read with showconf's own
 * dumps and text, both sides parsed into entries (conf.c), and only the
 * difference is applied: an entry that is already right is not touched,
 * so its counters, its age and the traffic through it go on.
 *
 * The file defines the device's link settings, VNIs and aliases. Of
 * remotes, peers, static FDB entries and neighbours, syncconf changes
 * only those of its owner (conf unless told): every DEL and replace
 * carries OWNER, so that an entry another writer took over between the
 * dump and the change is left alone by the kernel (-ENOENT), and a file
 * entry whose key another owner holds is reported as skipped. FDB changes
 * go as VTEP_A_FDB_LIST messages, each applied whole by the kernel.
 *
 * Order: the device (created if missing, from the file's link line), its
 * settings, new and changed VNIs, the entries going out (before their VNI
 * may go), VNIs going out, then the entries coming in. The first refusal
 * stops; what was applied before it is printed, as everything is, one
 * line a change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"
#include "conf.h"

/* An FDB entry of a list, at most: nest, VNI, MAC, DST6, OWNER */
#define FDB_ENTRY_MAX (4 + 8 + 12 + 20 + 8)
/* ... and at least: nest, VNI, MAC (a delete; no owner) */
#define FDB_ENTRY_MIN (4 + 8 + 12)

struct sync {
	struct vtep_ctx *ctx;
	const struct syncconf_req *r;
	uint8_t owner;
	char *buf;			/* FDB_BATCH_BYTES, for every message */
};

static char *read_text(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t len = 0, cap = 0;
	char *p = NULL, *q;

	if (!f) {
		pr_err("cannot open \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			q = realloc(p, cap);
			if (!q) {
				pr_err("out of memory");
				break;
			}
			p = q;
		}
		size_t n = fread(p + len, 1, cap - len - 1, f);

		len += n;
		if (n)
			continue;
		if (ferror(f)) {
			pr_err("cannot read \"%s\": %s", path, strerror(errno));
			break;
		}
		p[len] = 0;
		if (f != stdin)
			fclose(f);
		return p;
	}
	free(p);
	if (f != stdin)
		fclose(f);
	return NULL;
}

/* ---- printing ---- */

static const char *const op_names[] = {
	[CONF_ADD] = "add", [CONF_CHANGE] = "change", [CONF_DEL] = "del",
	[CONF_SKIP] = "skip",
};

static void print_change(const struct conf_change *c)
{
	char line[1024], key[96], val[sizeof(c->sets)], ob[4];

	if (!is_json()) {
		conf_format_change(c, line, sizeof(line));
		print_text("%s", line);
		print_nl();
		return;
	}
	conf_format_key(c->e, key, sizeof(key));
	if (c->op == CONF_CHANGE && c->e->kind <= CONF_VNI)
		snprintf(val, sizeof(val), "%s", c->sets);
	else if (c->op == CONF_DEL || c->op == CONF_SKIP)
		val[0] = 0;
	else
		conf_format_value(c->e, val, sizeof(val));
	open_json_object(NULL);
	print_string(PRINT_JSON, "action", "%s", op_names[c->op]);
	print_string(PRINT_JSON, "object", "%s", conf_kind_name(c->e->kind));
	print_string(PRINT_JSON, "key", "%s", key);
	if (val[0])
		print_string(PRINT_JSON, "value", "%s", val + 1);
	if (c->op == CONF_SKIP)
		print_string(PRINT_JSON, "owner", "%s",
			     conf_owner_name(c->old->owner, ob));
	close_json_object();
}

/* ---- applying: link, VNIs and aliases as vtepctl commands ---- */

/* "OBJ CMD A B" run as a command line, dev appended (or, for link, the
 * device name as its NAME, whatever its characters) */
static int run_line(struct sync *s, const char *cmd, const char *a,
		    const char *b)
{
	char line[1024], *argv[BATCH_MAX_ARGS];
	int argc;

	snprintf(line, sizeof(line), "%s %s%s", cmd, a, b);
	argc = makeargs(line, argv, BATCH_MAX_ARGS - 2);
	if (argc < 2)
		return -1;
	if (!strcmp(argv[0], "link")) {
		argv[2] = (char *)s->r->dev;
	} else {
		argv[argc++] = "dev";
		argv[argc++] = (char *)s->r->dev;
	}
	argv[argc] = NULL;
	return vtep_dispatch(s->ctx, argc, argv) ? -1 : 0;
}

static int apply_plain(struct sync *s, const struct conf_change *c)
{
	char key[96], val[sizeof(c->sets)];
	const struct conf_entry *e = c->e;
	static const char *const cmds[][4] = {
		[CONF_LINK] = { "link add", "link set" },
		[CONF_VNI] = { "vni add", "vni set", "vni del" },
		[CONF_ALIAS] = { "alias add", "alias replace", "alias del" },
	};

	conf_format_key(e, key, sizeof(key));
	if (c->op == CONF_CHANGE && e->kind <= CONF_VNI)
		snprintf(val, sizeof(val), "%s", c->sets);
	else if (c->op == CONF_DEL)
		val[0] = 0;
	else
		conf_format_value(e, val, sizeof(val));
	if (e->kind == CONF_LINK)	/* the name goes in as it is */
		return run_line(s, cmds[e->kind][c->op], ".", val);
	return run_line(s, cmds[e->kind][c->op], key, val);
}

/* ---- applying: owned entries as messages carrying OWNER ---- */

static void put_owner(struct nlmsghdr *nlh, uint16_t type, uint8_t owner)
{
	/* unspec is no attribute: what a module without owners takes */
	if (owner != VTEP_OWNER_UNSPEC)
		mnl_attr_put_u8(nlh, type, owner);
}

/* e's nest; a delete names the entry as the dump showed it (an FDB
 * entry's destination too, so one that moved is not deleted) */
static void put_entry(struct nlmsghdr *nlh, const struct conf_entry *e,
		      uint8_t owner, bool del)
{
	struct nlattr *n;

	switch (e->kind) {
	case CONF_REMOTE:
		n = mnl_attr_nest_start(nlh, VTEP_A_REMOTE);
		mnl_attr_put_u32(nlh, VTEP_REMOTE_A_VNI, e->vni);
		attr_put_ip(nlh, VTEP_REMOTE_A_ADDR, VTEP_REMOTE_A_ADDR6,
			    &e->addr);
		put_owner(nlh, VTEP_REMOTE_A_OWNER, owner);
		break;
	case CONF_PEER:
		n = mnl_attr_nest_start(nlh, VTEP_A_PEER);
		mnl_attr_put_u32(nlh, VTEP_PEER_A_VNI, e->vni);
		attr_put_ip(nlh, VTEP_PEER_A_ADDR, VTEP_PEER_A_ADDR6, &e->addr);
		mnl_attr_put_u8(nlh, VTEP_PEER_A_PREFIX, e->plen);
		put_owner(nlh, VTEP_PEER_A_OWNER, owner);
		break;
	case CONF_NEIGH:
		n = mnl_attr_nest_start(nlh, VTEP_A_NEIGH);
		mnl_attr_put_u32(nlh, VTEP_NEIGH_A_VNI, e->vni);
		attr_put_ip(nlh, VTEP_NEIGH_A_ADDR, VTEP_NEIGH_A_ADDR6,
			    &e->addr);
		if (!del)
			mnl_attr_put(nlh, VTEP_NEIGH_A_LLADDR, 6, e->mac);
		put_owner(nlh, VTEP_NEIGH_A_OWNER, owner);
		break;
	default:
		n = mnl_attr_nest_start(nlh, VTEP_A_FDB);
		mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, e->vni);
		mnl_attr_put(nlh, VTEP_FDB_A_MAC, 6, e->mac);
		attr_put_ip(nlh, VTEP_FDB_A_DST, VTEP_FDB_A_DST6, &e->dst);
		put_owner(nlh, VTEP_FDB_A_OWNER, owner);
		break;
	}
	mnl_attr_nest_end(nlh, n);
}

static struct nlmsghdr *entry_msg(struct sync *s, const struct conf_change *c)
{
	static const uint8_t cmds[][2] = {
		[CONF_REMOTE] = { VTEP_CMD_REMOTE_NEW, VTEP_CMD_REMOTE_DEL },
		[CONF_PEER] = { VTEP_CMD_PEER_NEW, VTEP_CMD_PEER_DEL },
		[CONF_FDB] = { VTEP_CMD_FDB_NEW, VTEP_CMD_FDB_DEL },
		[CONF_NEIGH] = { VTEP_CMD_NEIGH_NEW, VTEP_CMD_NEIGH_DEL },
	};
	bool del = c->op == CONF_DEL;
	struct nlmsghdr *nlh;

	nlh = nl_genl_msg(ctx_nl(s->ctx), s->buf, cmds[c->e->kind][del],
			  del ? 0 : c->op == CONF_CHANGE ?
			  NLM_F_CREATE | NLM_F_REPLACE :
			  NLM_F_CREATE | NLM_F_EXCL);
	put_dev(nlh, s->r->dev);
	return nlh;
}

static void refused(struct sync *s, const struct conf_change *c)
{
	const struct nl_ext *ext = nl_last_error(ctx_nl(s->ctx));
	char key[96], buf[128];

	conf_format_key(c->e, key, sizeof(key));
	pr_err("%s %s dev %s: %s%s", conf_kind_name(c->e->kind), key,
	       s->r->dev, nl_errmsg(ctx_nl(s->ctx), buf, sizeof(buf)),
	       /* a module older than owners refuses the attribute */
	       ext->err == -EINVAL && strstr(ext->msg, "Unsupported attr") &&
	       s->owner != VTEP_OWNER_UNSPEC ?
	       " (a module without owners takes only \"owner unspec\")" : "");
}

static int apply_entry(struct sync *s, const struct conf_change *c)
{
	struct nlmsghdr *nlh = entry_msg(s, c);

	put_entry(nlh, c->e, s->owner, c->op == CONF_DEL);
	if (nl_request_quiet(ctx_nl(s->ctx), nlh, NULL, NULL)) {
		refused(s, c);
		return -1;
	}
	return 0;
}

/*
 * FDB changes [i, end) of one op as lists: as many entries a message as
 * fit in FDB_BATCH_BYTES, each message applied whole. A refused list
 * names its entry by the extack offset. Returns how many were applied.
 */
static unsigned int apply_fdb(struct sync *s, const struct conf_change *c,
			      unsigned int n)
{
	/*
	 * One offset per entry of a message, however small the entries: sized
	 * by the largest, 1,103 of them, a message of 1,500 IPv4 entries
	 * wrote past its end (vtepctl crashed, or silently overwrote what
	 * followed it).
	 */
	static uint32_t offs[FDB_BATCH_BYTES / FDB_ENTRY_MIN + 1];
	const struct nl_ext *ext = nl_last_error(ctx_nl(s->ctx));
	unsigned int i = 0, first, k;

	while (i < n) {
		struct nlmsghdr *nlh = entry_msg(s, &c[i]);
		struct nlattr *list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);

		for (first = i; i < n && i - first < ARRAY_SIZE(offs) &&
				nlh->nlmsg_len + FDB_ENTRY_MAX <= FDB_BATCH_BYTES;
		     i++) {
			offs[i - first] = nlh->nlmsg_len;
			put_entry(nlh, c[i].e, s->owner, c[i].op == CONF_DEL);
		}
		mnl_attr_nest_end(nlh, list);
		if (nl_request_quiet(ctx_nl(s->ctx), nlh, NULL, NULL)) {
			for (k = 0; ext->has_off && k + 1 < i - first &&
				    offs[k + 1] <= ext->off; k++)
				;
			refused(s, &c[first + k]);
			return first;
		}
		for (k = first; k < i; k++)
			print_change(&c[k]);
	}
	return n;
}

static int apply(struct sync *s, const struct conf_diff *d)
{
	unsigned int i = 0, n;

	while (i < d->n) {
		const struct conf_change *c = &d->c[i];

		if (c->op == CONF_SKIP || s->r->dry_run) {
			print_change(c);
			i++;
			continue;
		}
		if (c->e->kind == CONF_FDB) {
			for (n = 1; i + n < d->n && d->c[i + n].op == c->op &&
				    d->c[i + n].e->kind == CONF_FDB; n++)
				;
			if (apply_fdb(s, c, n) < n)
				return -1;
			i += n;
			continue;
		}
		if (conf_kind_owned(c->e->kind) ? apply_entry(s, c) :
		    apply_plain(s, c))
			return -1;
		print_change(c);
		i++;
	}
	return 0;
}

/* ---- the command ---- */

static int sync_read(struct sync *s, struct conf *want, struct conf *cur)
{
	char *text, what[IFNAMSIZ + 8];
	int err;

	text = read_text(s->r->file);
	if (!text)
		return VTEP_RUN_USAGE;
	err = conf_parse(want, text, s->r->file, s->owner);
	free(text);
	if (err)
		return VTEP_RUN_USAGE;
	if (!ctx_nl(s->ctx)) {
		pr_err("cannot talk to the vtep module: %s",
		       nl_strerror(s->ctx->nl_err));
		return -1;
	}
	err = showconf_read(s->ctx, s->r->dev, &text);
	if (err < 0)
		return -1;
	if (err > 0) {
		if (!want->n || want->e[0].kind != CONF_LINK) {
			pr_err("dev %s does not exist and %s has no \"link add\" line to create it",
			       s->r->dev, s->r->file);
			return VTEP_RUN_USAGE;
		}
		return 0;
	}
	snprintf(what, sizeof(what), "dev %s", s->r->dev);
	err = conf_parse(cur, text, what, VTEP_OWNER_UNSPEC);
	free(text);
	return err;
}

static int syncconf_run(struct vtep_ctx *ctx, void *req)
{
	struct syncconf_req *r = req;
	struct sync s = { .ctx = ctx, .r = r,
			  .owner = r->has_owner ? r->owner : VTEP_OWNER_CONF };
	struct conf want = { 0 }, cur = { 0 };
	struct conf_diff d = { 0 };
	int err;

	snprintf(want.dev, sizeof(want.dev), "%s", r->dev);
	snprintf(cur.dev, sizeof(cur.dev), "%s", r->dev);
	s.buf = malloc(FDB_BATCH_BYTES);
	err = s.buf ? sync_read(&s, &want, &cur) : -1;
	if (!err && conf_diff(&want, &cur, s.owner, &d)) {
		pr_err("out of memory");
		err = -1;
	}
	if (!err) {
		open_json_array(NULL);
		err = apply(&s, &d);
		close_json_array();
	}
	conf_diff_free(&d);
	conf_free(&want);
	conf_free(&cur);
	free(s.buf);
	return err;
}

static int p_file(void *req, char **val)
{
	struct syncconf_req *r = req;

	if (strlen(val[0]) >= sizeof(r->file))
		return invarg("FILE is too long", val[0]);
	snprintf(r->file, sizeof(r->file), "%s", val[0]);
	return 0;
}

static int p_owner(void *req, char **val)
{
	struct syncconf_req *r = req;

	r->has_owner = true;
	if (conf_owner_parse(val[0], &r->owner))
		return -1;
	if (r->owner == VTEP_OWNER_KERNEL)
		return invarg("kernel owns learned entries only", val[0]);
	return 0;
}

#define S BIT(0)
#define T(t, f) KT(struct syncconf_req, t, 0, f)
static const struct kw syncconf_kws[] = {
	{ "dev", S, S, 1, 0, NULL, T(KW_DEV, dev) },
	{ "FILE", S, S, 1, 0, p_file, T(KW_NONE, file) },
	{ "owner", S, 0, 1, 0, p_owner, T(KW_U8, owner) },
	{ "dry-run", S, 0, 0, 0, NULL, T(KW_TRUE, dry_run) },
	{ NULL },
};

static const struct vtep_op syncconf_ops[] = {
	{ NULL, .run = syncconf_run },
	{ NULL },
};

const struct vtep_object syncconf_object = {
	.name = "syncconf",
	.summary = "apply only what differs from a showconf file to a device",
	.help =
	"Usage: vtepctl syncconf dev NAME FILE [ owner OWNER ] [ dry-run ]\n"
	"Reads FILE (\"-\": stdin), lines as showconf writes them (link, vni,\n"
	"remote, peer, alias, fdb and neigh add), reads the device and\n"
	"applies only the difference; creates NAME from the link line if it\n"
	"does not exist. The file defines the link settings, the VNIs and\n"
	"the aliases (a VNI not in it is deleted). Of remotes, peers, static\n"
	"FDB entries and neighbours, only OWNER's (default conf) are added,\n"
	"replaced or deleted; a line of another owner is left out, and an\n"
	"entry the file names that another owner holds is left alone and\n"
	"reported (\"skipped: ... is owned by evpn\"). Prints one line a\n"
	"change (+ added, - deleted, ~ changed), nothing when in sync;\n"
	"dry-run prints them and changes nothing.\n"
	"  vtepctl showconf dev vtep0 owner conf > /etc/vtep/vtep0.conf\n"
	"  vtepctl syncconf dev vtep0 /etc/vtep/vtep0.conf\n"
	"Where: OWNER := { unspec | user | conf | evpn | hook | 0-255 }\n",
	.kws = syncconf_kws,
	.req_size = sizeof(struct syncconf_req),
	.ops = syncconf_ops,
};
