// SPDX-License-Identifier: GPL-2.0
/*
 * link_opts.h, the one link grammar: every option of its table is in
 * vtepctl's help, the ip plugin's usage and vtepctl.8; vtepctl and the
 * plugin (iplink_harness.c) send the same attributes for it, refuse a bad
 * value with the same words, and print the same text and JSON.
 * scripts/link-opts.sh checks the completion and the man page's block.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "unit.h"
#include "iplink_harness.h"

/* A value row o takes: "3", "on", "set", "3 4", an address, "lo" */
static void sample(const struct link_opt *o, char *buf, size_t len)
{
	switch (o->type) {
	case LT_ADDR:
		snprintf(buf, len, "192.0.2.1");
		break;
	case LT_DEV:
		snprintf(buf, len, "lo");
		break;
	case LT_ON_OFF:
		snprintf(buf, len, "on");
		break;
	case LT_WORDS:
		snprintf(buf, len, "%s", o->words[1]);
		break;
	case LT_RANGE:
		snprintf(buf, len, "%llu %llu", (unsigned long long)o->lo + 2,
			 (unsigned long long)o->lo + 3);
		break;
	default:
		snprintf(buf, len, "%llu", (unsigned long long)o->lo + 2);
	}
}

/* "KEYWORD VALUE ..." of every row (all: one line of every option) */
static void args_of(int row, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < LO__COUNT; i++) {
		char v[64];

		if (row >= 0 && i != row)
			continue;
		sample(&link_opts[i], v, sizeof(v));
		n += (size_t)snprintf(buf + n, len - n, "%s%s %s",
				      n ? " " : "", link_opts[i].name, v);
	}
}

/* What vtepctl sends for "link set vtep0 ARGS": the link{...} part */
static void vtepctl_sends(const char *args, struct fake *f, char *out,
			  size_t len)
{
	char line[1024], r[2048];
	struct cap c;
	int ret;

	snprintf(line, sizeof(line), "link set vtep0 %s", args);
	memset(f, 0, sizeof(*f));
	ret = run_cmd(line, f, false, &c);
	ck_assert_msg(ret == 0, "vtepctl %s: %s", line, c.ebuf);
	cap_free(&c);
	render((void *)f->msg[0], SCHEMA_GENL, r, sizeof(r));
	snprintf(out, len, "%s", strstr(r, "link{") ? strstr(r, "link{") : r);
}

/* What the plugin sends for "type vtep ARGS", in a vtep nest the same */
static int plugin_sends(const char *args, char *out, size_t len, char *err,
			size_t errlen)
{
	static char b[8192];
	char copy[1024], *argv[64], r[2048];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int argc;

	memset(b, 0, sizeof(b));
	nlh = reply_start(b, VTEP_CMD_LINK_SET, "vtep0", 7);
	nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	argc = split(args, copy, sizeof(copy), argv, 63);
	if (iph_parse(argc, argv, nlh, err, errlen))
		return -1;
	mnl_attr_nest_end(nlh, nest);
	render(nlh, SCHEMA_GENL, r, sizeof(r));
	snprintf(out, len, "%s", strstr(r, "link{") ? strstr(r, "link{") : r);
	return 0;
}

START_TEST(help_and_usage_list_every_option)
{
	const struct link_opt *o = &link_opts[_i];
	char want[128], usage[8192];

	snprintf(want, sizeof(want), "\n    %s %s\n        ", o->name, o->arg);
	ck_assert_msg(strstr(link_object.help, want),
		      "vtepctl link help lacks \"%s %s\"", o->name, o->arg);
	iph_usage(usage, sizeof(usage));
	ck_assert_msg(strstr(usage, want), "ip link help vtep lacks \"%s %s\"",
		      o->name, o->arg);
}
END_TEST

/* not inlined: gcc then takes begin for a pointer to read_man's local */
__attribute__((noinline)) static char *read_man(void)
{
	static const char *const paths[] = { "userspace/vtepctl.8",
					     "../userspace/vtepctl.8",
					     "../../userspace/vtepctl.8" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = NULL;

	for (unsigned int i = 0; i < ARRAY_SIZE(paths) && !f; i++)
		f = fopen(paths[i], "r");
	ck_assert_msg(f != NULL, "vtepctl.8 not found");
	ck_assert(getdelim(&text, &len, 0, f) > 0);
	fclose(f);
	return text;
}

/* In the LINK_OPTIONS block as "[ \fBname\fR", and a .TP entry of its own */
START_TEST(man_page_has_every_option)
{
	const struct link_opt *o = &link_opts[_i];
	char *man = read_man(), name[64], want[128], *begin, *end;
	size_t j = 0;

	for (const char *p = o->name; *p && j < sizeof(name) - 2; p++) {
		if (*p == '-')
			name[j++] = '\\';
		name[j++] = *p;
	}
	name[j] = 0;
	begin = strstr(man, ".\\\" BEGIN LINK_OPTIONS");
	end = begin ? strstr(begin, ".\\\" END LINK_OPTIONS") : NULL;
	ck_assert_msg(begin && end, "vtepctl.8 has no LINK_OPTIONS block");
	*end = 0;
	snprintf(want, sizeof(want), "[ \\fB%s\\fR ", name);
	ck_assert_msg(strstr(begin, want), "vtepctl.8's LINK_OPTIONS lack %s",
		      o->name);
	*end = '.';
	ck_assert_msg(strstr(man, (snprintf(want, sizeof(want), ".TP\n.BI %s ",
					    name), want)) ||
		      strstr(man, (snprintf(want, sizeof(want), ".TP\n.BR %s ",
					    name), want)),
		      "vtepctl.8 has no .TP entry for %s", o->name);
	free(man);
}
END_TEST

START_TEST(vtepctl_and_plugin_send_the_same)
{
	char args[1024], got[2048], want[2048], err[256];
	struct fake f;

	args_of(_i < LO__COUNT ? _i : -1, args, sizeof(args));
	if (_i == LO__COUNT + 1)	/* several: LOCALS */
		snprintf(args, sizeof(args), "local 192.0.2.1 local 192.0.2.11 port 4790");
	vtepctl_sends(args, &f, want, sizeof(want));
	ck_assert_msg(!plugin_sends(args, got, sizeof(got), err, sizeof(err)),
		      "the plugin refuses %s: %s", args, err);
	ck_assert_msg(!strcmp(got, want), "%s: the plugin sends\n  %s\nvtepctl\n  %s",
		      args, got, want);
}
END_TEST

/* A bad value: the same words from both (but for the underlay, which
 * each looks up its own way) */
START_TEST(vtepctl_and_plugin_refuse_the_same)
{
	const struct link_opt *o = &link_opts[_i];
	char args[128], line[160], got[256], out[2048], want[300];
	struct fake f = { 0 };
	struct cap c;

	if (o->type == LT_DEV)
		return;
	snprintf(args, sizeof(args), "%s x%s", o->name,
		 o->type == LT_RANGE ? " 5" : "");
	snprintf(line, sizeof(line), "link set vtep0 %s", args);
	ck_assert_int_eq(run_cmd(line, &f, false, &c), VTEP_EXIT_USAGE);
	ck_assert_msg(plugin_sends(args, out, sizeof(out), got, sizeof(got)),
		      "the plugin takes %s", args);
	snprintf(want, sizeof(want), "%s\n", got);
	ck_assert_msg(!strcmp(c.ebuf, want), "%s: vtepctl says\n  %splugin\n  %s",
		      args, c.ebuf, want);
	cap_free(&c);
}
END_TEST

/* The kernel's answer: the settings vtepctl sent for every option */
static char sent[8192];

static int replay_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
			void *data, struct nl_ext *ext)
{
	const struct nlmsghdr *s = (void *)sent;
	const struct nlattr *a, *in;
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	char b[4096];

	nlh = reply_start(b, VTEP_CMD_LINK_GET, "vtep0", 7);
	nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	mnl_attr_for_each(a, s, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != VTEP_A_LINK)
			continue;
		mnl_attr_for_each_nested(in, a)
			mnl_attr_put(nlh, mnl_attr_get_type(in),
				     mnl_attr_get_payload_len(in),
				     mnl_attr_get_payload(in));
	}
	mnl_attr_put_u32(nlh, VTEP_LINK_A_VNI_COUNT, 2);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_COUNT, 10);
	mnl_attr_nest_end(nlh, nest);
	memcpy(f->msg[1], b, nlh->nlmsg_len);
	if (cb)
		cb(nlh, data);
	return 0;
}

/* vtepctl's output for the replayed settings, and the plugin's */
static void show_both(bool json, char *v, char *p, size_t len)
{
	struct rtattr *tb[VTEP_LINK_A_MAX + 1] = { 0 };
	const struct nlattr *a, *in;
	struct fake f = { .reply = replay_reply };
	char args[1024], tmp[2048];
	struct cap c;

	args_of(-1, args, sizeof(args));
	vtepctl_sends(args, &f, tmp, sizeof(tmp));
	memcpy(sent, f.msg[0], sizeof(sent));
	memset(&f, 0, sizeof(f));
	f.reply = replay_reply;
	ck_assert_int_eq(run_cmd("link show vtep0", &f, json, &c), 0);
	snprintf(v, len, "%s", c.obuf);
	cap_free(&c);
	mnl_attr_for_each((a), (struct nlmsghdr *)f.msg[1], GENL_HDRLEN)
		if (mnl_attr_get_type(a) == VTEP_A_LINK)
			mnl_attr_for_each_nested(in, a)
				tb[mnl_attr_get_type(in)] = (struct rtattr *)in;
	iph_print(tb, json, p, len);
}

START_TEST(vtepctl_and_plugin_print_the_same)
{
	char v[4096], p[4096], want[4096];

	show_both(false, v, p, sizeof(p));
	snprintf(want, sizeof(want), "7: vtep0: %.*s\n", (int)strlen(p) - 1, p);
	ck_assert_msg(!strcmp(v, want), "text: vtepctl\n  %splugin\n  %s", v, want);
	for (int i = 0; i < LO__COUNT; i++) {
		char w[64];

		snprintf(w, sizeof(w), " %s ", link_opts[i].name);
		ck_assert_msg(strstr(v, w), "link show lacks %s: %s",
			      link_opts[i].name, v);
	}
	show_both(true, v, p, sizeof(p));
	snprintf(want, sizeof(want), "[{\"ifindex\":7,\"ifname\":\"vtep0\",%s}]\n", p);
	ck_assert_msg(!strcmp(v, want), "JSON: vtepctl\n  %splugin\n  %s", v, want);
	for (int i = 0; i < LO__COUNT; i++) {
		char w[64];

		snprintf(w, sizeof(w), "\"%s\":", link_opts[i].json);
		ck_assert_msg(strstr(v, w), "link show -j lacks %s: %s", w, v);
	}
}
END_TEST

/* The keys as ip -j -d link show names vxlan's; the old ones on demand */
START_TEST(json_keys_are_vxlans_and_the_old_ones_on_demand)
{
	char v[4096], p[4096];

	show_both(true, v, p, sizeof(p));
	ck_assert_msg(strstr(v, "\"link\":\"lo\"") &&
		      strstr(v, "\"udp_zero_csum6_rx\":true") &&
		      !strstr(v, "underlay"), "%s", v);
	setenv("VTEPCTL_JSON_COMPAT", "1", 1);
	show_both(true, v, p, sizeof(p));
	unsetenv("VTEPCTL_JSON_COMPAT");
	ck_assert_msg(strstr(v, "\"underlay\":\"lo\"") &&
		      strstr(v, "\"udp6zerocsumrx\":true") &&
		      !strstr(v, "\"link\""), "compat: %s", v);
	ck_assert_msg(strstr(p, "\"underlay\":\"lo\""), "plugin compat: %s", p);
}
END_TEST

/* An IPv6 local address is "local6", as vxlan's; "local" with the compat */
START_TEST(json_local6)
{
	struct rtattr *tb[VTEP_LINK_A_MAX + 1] = { 0 };
	uint32_t b[8] = { 0 };
	struct nlattr *a = (void *)b;
	char p[512];

	a->nla_len = NLA_HDRLEN + 16;
	a->nla_type = VTEP_LINK_A_LOCAL6;
	ck_assert(inet_pton(AF_INET6, "2001:db8::1", b + 1) == 1);
	tb[VTEP_LINK_A_LOCAL6] = (void *)a;
	iph_print(tb, true, p, sizeof(p));
	ck_assert_str_eq(p, "\"local6\":\"2001:db8::1\",\"link\":null");
	setenv("VTEPCTL_JSON_COMPAT", "1", 1);
	iph_print(tb, true, p, sizeof(p));
	unsetenv("VTEPCTL_JSON_COMPAT");
	ck_assert_str_eq(p, "\"local\":\"2001:db8::1\",\"underlay\":null");
	iph_print(tb, false, p, sizeof(p));
	ck_assert_str_eq(p, "local 2001:db8::1 ");
}
END_TEST

Suite *suite_link_opts(void)
{
	Suite *s = suite_create("link_opts");
	TCase *tc = tcase_create("link_opts");

	tcase_add_loop_test(tc, help_and_usage_list_every_option, 0, LO__COUNT);
	tcase_add_loop_test(tc, man_page_has_every_option, 0, LO__COUNT);
	/* each row, all rows at once, several local addresses */
	tcase_add_loop_test(tc, vtepctl_and_plugin_send_the_same, 0,
			    LO__COUNT + 2);
	tcase_add_loop_test(tc, vtepctl_and_plugin_refuse_the_same, 0,
			    LO__COUNT);
	tcase_add_test(tc, vtepctl_and_plugin_print_the_same);
	tcase_add_test(tc, json_keys_are_vxlans_and_the_old_ones_on_demand);
	tcase_add_test(tc, json_local6);
	suite_add_tcase(s, tc);
	return s;
}
