// SPDX-License-Identifier: GPL-2.0
/* vni.c: parsing, messages (add/replace/set flags), show output */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>

#include "unit.h"

static const struct cmd_case cases[] = {
	{ "vni add 100 dev vtep0 untagged", 0, "", VTEP_CMD_VNI_NEW,
	  NLM_F_CREATE | NLM_F_EXCL, "ifname=vtep0 vni{id=100 untagged}" },
	{ "vni add 100 dev vtep0 vlan 10 group 239.1.1.1 flood off", 0, "",
	  VTEP_CMD_VNI_NEW, NLM_F_CREATE | NLM_F_EXCL,
	  "ifname=vtep0 vni{id=100 vlan=10 group=239.1.1.1 flood=0}" },
	{ "vni add dev vtep0 vlan 4094 16777215", 0, "", VTEP_CMD_VNI_NEW,
	  NLM_F_CREATE | NLM_F_EXCL, "ifname=vtep0 vni{id=16777215 vlan=4094}" },
	{ "vni add 7 dev vtep0 vlan 1 group ff0e::1", 0, "", VTEP_CMD_VNI_NEW,
	  NLM_F_CREATE | NLM_F_EXCL, "ifname=vtep0 vni{id=7 vlan=1 group6=ff0e::1}" },
	{ "vni replace 100 dev vtep0 vlan 20", 0, "", VTEP_CMD_VNI_NEW,
	  NLM_F_CREATE | NLM_F_REPLACE, "ifname=vtep0 vni{id=100 vlan=20}" },
	{ "vni set 100 dev vtep0 flood on", 0, "", VTEP_CMD_VNI_SET, 0,
	  "ifname=vtep0 vni{id=100 flood=1}" },
	{ "vni set 100 dev vtep0 group none", 0, "", VTEP_CMD_VNI_SET, 0,
	  "ifname=vtep0 vni{id=100 group=0.0.0.0}" },
	{ "vni del 100 dev vtep0", 0, "", VTEP_CMD_VNI_DEL, 0,
	  "ifname=vtep0 vni{id=100}" },
	{ "vni show 100 dev vtep0", 0, "", VTEP_CMD_VNI_GET, 0,
	  "ifname=vtep0 vni{id=100}" },
	{ "vni show dev vtep0", 0, "", VTEP_CMD_VNI_GET, NLM_F_DUMP,
	  "ifname=vtep0" },
	BAD("vni add 0 dev vtep0 untagged",
	    "Error: argument \"0\" is wrong: VNI must be 1-16777215\n"),
	BAD("vni add 16777216 dev vtep0 untagged",
	    "Error: argument \"16777216\" is wrong: VNI must be 1-16777215\n"),
	BAD("vni add 100 dev vtep0 vlan 0",
	    "Error: argument \"0\" is wrong: VLAN must be 1-4094\n"),
	BAD("vni add 100 dev vtep0 vlan 4095",
	    "Error: argument \"4095\" is wrong: VLAN must be 1-4094\n"),
	BAD("vni add 100 dev vtep0 vlan 10 untagged",
	    "Error: \"vlan\" and \"untagged\" cannot be used together\n"),
	BAD("vni add 100 dev vtep0 untagged vlan 10",
	    "Error: \"untagged\" and \"vlan\" cannot be used together\n"),
	BAD("vni add 100 dev vtep0",
	    "Error: \"vlan\" or \"untagged\" is required for \"vni add\"\n"),
	BAD("vni replace 100 dev vtep0",
	    "Error: \"vlan\" or \"untagged\" is required for \"vni replace\"\n"),
	BAD("vni add 100 vlan 10",
	    "Error: \"dev\" is required for \"vni add\"\n"),
	BAD("vni add dev vtep0 vlan 10",
	    "Error: \"VNI\" is required for \"vni add\"\n"),
	BAD("vni add 100 dev vtep0 vlan 10 group 192.0.2.1",
	    "Error: argument \"192.0.2.1\" is wrong: group must be a multicast address\n"),
	BAD("vni add 100 dev vtep0 vlan 10 group 239.1.1",
	    "Error: argument \"239.1.1\" is wrong: not an IPv4 or IPv6 address\n"),
	BAD("vni add 100 dev vtep0 vlan 10 flood maybe",
	    "Error: argument \"maybe\" is wrong: expected \"on\" or \"off\"\n"),
	BAD("vni add 100 dev vtep0 vlan 10 vlan 11",
	    "Error: duplicate \"vlan\": \"11\" is the second value\n"),
	BAD("vni add 100 dev vtep0 untagged untagged",
	    "Error: duplicate \"untagged\"\n"),
	BAD("vni add 100 101 dev vtep0 untagged",
	    "Error: unknown keyword \"101\" for \"vni add\", try \"vtepctl vni help\"\n"),
	BAD("vni del 100 dev vtep0 vlan 10",
	    "Error: unknown keyword \"vlan\" for \"vni del\", try \"vtepctl vni help\"\n"),
	BAD("vni del 100",
	    "Error: \"dev\" is required for \"vni del\"\n"),
	BAD("vni show 100 dev vtep0 flood on",
	    "Error: unknown keyword \"flood\" for \"vni show\", try \"vtepctl vni help\"\n"),
	BAD("vni add 100 dev vtep0 vla 10",
	    "Error: unknown keyword \"vla\" for \"vni add\", try \"vtepctl vni help\"\n"),
};

START_TEST(commands)
{
	check_cmd(&cases[_i]);
}
END_TEST

static void put_vni(nl_cb cb, void *data, const char *dev, uint32_t id,
		    uint16_t vlan, uint32_t group)
{
	char b[512];
	struct nlmsghdr *nlh = reply_start(b, VTEP_CMD_VNI_GET, dev, 7);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	uint32_t g = htonl(group);

	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, id);
	if (vlan)
		mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, vlan);
	else
		mnl_attr_put(nlh, VTEP_VNI_A_UNTAGGED, 0, NULL);
	mnl_attr_put(nlh, VTEP_VNI_A_GROUP, 4, &g);
	mnl_attr_put_u8(nlh, VTEP_VNI_A_FLOOD, vlan != 0);
	mnl_attr_put_u32(nlh, VTEP_VNI_A_REMOTES, 2);
	mnl_attr_put_u32(nlh, VTEP_VNI_A_FDB_COUNT, 5);
	mnl_attr_put_u32(nlh, VTEP_VNI_A_LEARNED, 3);
	mnl_attr_nest_end(nlh, nest);
	cb(nlh, data);
}

/* one device "vtep0" with VNIs 100 (vlan 10, group) and 200 (untagged) */
int vni_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
	      void *data, struct nl_ext *ext)
{
	char b[256];

	if (genl_cmd_of(req) == VTEP_CMD_LINK_GET) {
		cb(reply_start(b, VTEP_CMD_LINK_GET, "vtep0", 7), data);
		return 0;
	}
	put_vni(cb, data, "vtep0", 100, 10, 0xef010101);
	put_vni(cb, data, "vtep0", 200, 0, 0);
	return 0;
}

static const struct {
	const char *line;
	bool json;
	const char *want;
} show_cases[] = {
	{ "vni show dev vtep0", false,
	  "vni 100 dev vtep0 vlan 10 group 239.1.1.1 flood on remotes 2 fdb 5 learned 3\n"
	  "vni 200 dev vtep0 untagged flood off remotes 2 fdb 5 learned 3\n" },
	{ "vni show", false,
	  "vni 100 dev vtep0 vlan 10 group 239.1.1.1 flood on remotes 2 fdb 5 learned 3\n"
	  "vni 200 dev vtep0 untagged flood off remotes 2 fdb 5 learned 3\n" },
	{ "vni show 200", false,
	  "vni 200 dev vtep0 untagged flood off remotes 2 fdb 5 learned 3\n" },
	{ "vni show dev vtep0", true,
	  "[{\"vni\":100,\"ifname\":\"vtep0\",\"vlan\":10,\"untagged\":false,"
	  "\"group\":\"239.1.1.1\",\"flood\":true,\"remote_count\":2,\"fdb_count\":5,\"learned_count\":3},"
	  "{\"vni\":200,\"ifname\":\"vtep0\",\"vlan\":null,\"untagged\":true,"
	  "\"group\":null,\"flood\":false,\"remote_count\":2,\"fdb_count\":5,\"learned_count\":3}]\n" },
	{ "vni", true,
	  "[{\"vni\":100,\"ifname\":\"vtep0\",\"vlan\":10,\"untagged\":false,"
	  "\"group\":\"239.1.1.1\",\"flood\":true,\"remote_count\":2,\"fdb_count\":5,\"learned_count\":3},"
	  "{\"vni\":200,\"ifname\":\"vtep0\",\"vlan\":null,\"untagged\":true,"
	  "\"group\":null,\"flood\":false,\"remote_count\":2,\"fdb_count\":5,\"learned_count\":3}]\n" },
};

START_TEST(show_output)
{
	struct fake f = { .reply = vni_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd(show_cases[_i].line, &f, show_cases[_i].json, &c), 0);
	ck_assert_msg(!strcmp(c.obuf, show_cases[_i].want),
		      "\"%s\":\n%s\nwant\n%s", show_cases[_i].line, c.obuf,
		      show_cases[_i].want);
	ck_assert_str_eq(c.ebuf, "");
	cap_free(&c);
}
END_TEST

/* A hook re-run: add says "exists", replace succeeds */
START_TEST(add_exists_replace_succeeds)
{
	struct fake f = { .err = -EEXIST };
	struct cap c;

	ck_assert_int_eq(run_cmd("vni add 100 dev vtep0 untagged", &f, false, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.ebuf, "Error: vni 100 dev vtep0: exists\n");
	cap_free(&c);
	f.err = 0;
	ck_assert_int_eq(run_cmd("vni replace 100 dev vtep0 untagged", &f, false, &c), 0);
	ck_assert_str_eq(c.ebuf, "");
	cap_free(&c);
}
END_TEST

/* A dump interrupted by changes is retried, and printed once */
static int intr_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		      void *data, struct nl_ext *ext)
{
	vni_reply(f, req, cb, data, ext);
	return f->n == 1 ? -EINTR : 0;
}

START_TEST(interrupted_dump_retried)
{
	struct fake f = { .reply = intr_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("vni show dev vtep0", &f, true, &c), 0);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(c.obuf, show_cases[3].want);
	cap_free(&c);
}
END_TEST

Suite *suite_vni(void)
{
	Suite *s = suite_create("vni");
	TCase *tc = tcase_create("vni");

	tcase_add_loop_test(tc, commands, 0, ARRAY_SIZE(cases));
	tcase_add_loop_test(tc, show_output, 0, ARRAY_SIZE(show_cases));
	tcase_add_test(tc, add_exists_replace_succeeds);
	tcase_add_test(tc, interrupted_dump_retried);
	suite_add_tcase(s, tc);
	return s;
}
