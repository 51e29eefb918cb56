// SPDX-License-Identifier: GPL-2.0
/* fdb.c: parsing, messages, show output (text and JSON) */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "unit.h"

static const struct cmd_case cases[] = {
	{ "fdb add 00:11:22:33:44:55 vni 100 dst 192.0.2.2 dev vtep0", 0, "",
	  VTEP_CMD_FDB_NEW, NLM_F_CREATE | NLM_F_EXCL,
	  "ifname=vtep0 fdb{vni=100 mac=00:11:22:33:44:55 dst=192.0.2.2 owner=2}" },
	{ "fdb replace 02:00:00:00:00:01 vni 5 dst 2001:db8::5 dev vtep0", 0, "",
	  VTEP_CMD_FDB_NEW, NLM_F_CREATE | NLM_F_REPLACE,
	  "ifname=vtep0 fdb{vni=5 mac=02:00:00:00:00:01 dst6=2001:db8::5 owner=2}" },
	/* owners: by name or number; add's default is user, del's none */
	{ "fdb add 00:11:22:33:44:55 vni 100 dst 192.0.2.2 dev vtep0 owner evpn",
	  0, "", VTEP_CMD_FDB_NEW, NLM_F_CREATE | NLM_F_EXCL,
	  "ifname=vtep0 fdb{vni=100 mac=00:11:22:33:44:55 dst=192.0.2.2 owner=4}" },
	{ "fdb replace 00:11:22:33:44:55 owner 200 vni 100 dst 192.0.2.2 dev vtep0",
	  0, "", VTEP_CMD_FDB_NEW, NLM_F_CREATE | NLM_F_REPLACE,
	  "ifname=vtep0 fdb{vni=100 mac=00:11:22:33:44:55 dst=192.0.2.2 owner=200}" },
	{ "fdb add 00:11:22:33:44:55 vni 100 dst 192.0.2.2 dev vtep0 owner unspec",
	  0, "", VTEP_CMD_FDB_NEW, NLM_F_CREATE | NLM_F_EXCL,
	  "ifname=vtep0 fdb{vni=100 mac=00:11:22:33:44:55 dst=192.0.2.2 owner=0}" },
	{ "fdb del 00:11:22:33:44:55 vni 100 dev vtep0 owner hook", 0, "",
	  VTEP_CMD_FDB_DEL, 0,
	  "ifname=vtep0 fdb{vni=100 mac=00:11:22:33:44:55 owner=5}" },
	{ "fdb flush dev vtep0 owner conf", 0, "", VTEP_CMD_FDB_FLUSH, 0,
	  "ifname=vtep0 fdb{owner=3}" },
	{ "fdb flush dev vtep0 vni 9 static owner user", 0, "",
	  VTEP_CMD_FDB_FLUSH, 0, "ifname=vtep0 fdb{vni=9 type=1 owner=2}" },
	/* a show filters owners itself: none is sent */
	{ "fdb show dev vtep0 owner evpn", 0, "", VTEP_CMD_FDB_GET, NLM_F_DUMP,
	  "ifname=vtep0" },
	{ "fdb show dev vtep0 static owner evpn", 0, "", VTEP_CMD_FDB_GET,
	  NLM_F_DUMP, "ifname=vtep0 fdb{type=1}" },
	BAD("fdb add 00:11:22:33:44:55 vni 1 dst 192.0.2.2 dev vtep0 owner bgp",
	    "Error: argument \"bgp\" is wrong: owner must be unspec, kernel, user, conf, evpn, hook or 0-255\n"),
	BAD("fdb add 00:11:22:33:44:55 vni 1 dst 192.0.2.2 dev vtep0 owner 256",
	    "Error: argument \"256\" is wrong: owner must be unspec, kernel, user, conf, evpn, hook or 0-255\n"),
	BAD("fdb del 00:11:22:33:44:55 vni 1 dev vtep0 owner user owner evpn",
	    "Error: duplicate \"owner\": \"evpn\" is the second value\n"),
	{ "fdb del 00:11:22:33:44:55 vni 100 dev vtep0", 0, "", VTEP_CMD_FDB_DEL, 0,
	  "ifname=vtep0 fdb{vni=100 mac=00:11:22:33:44:55}" },
	/* del only if the entry points there: the destination in the nest */
	{ "fdb del 00:11:22:33:44:55 vni 1 dst 192.0.2.2 dev vtep0", 0, "",
	  VTEP_CMD_FDB_DEL, 0,
	  "ifname=vtep0 fdb{vni=1 mac=00:11:22:33:44:55 dst=192.0.2.2}" },
	{ "fdb del 00:11:22:33:44:55 dst 2001:db8::5 vni 1 dev vtep0", 0, "",
	  VTEP_CMD_FDB_DEL, 0,
	  "ifname=vtep0 fdb{vni=1 mac=00:11:22:33:44:55 dst6=2001:db8::5}" },
	{ "fdb show dev vtep0", 0, "", VTEP_CMD_FDB_GET, NLM_F_DUMP, "ifname=vtep0" },
	{ "fdb show dev vtep0 vni 100 learned", 0, "", VTEP_CMD_FDB_GET, NLM_F_DUMP,
	  "ifname=vtep0 fdb{vni=100 type=2}" },
	{ "fdb show dev vtep0 static", 0, "", VTEP_CMD_FDB_GET, NLM_F_DUMP,
	  "ifname=vtep0 fdb{type=1}" },
	{ "fdb show 00:11:22:33:44:55 vni 100 dev vtep0", 0, "", VTEP_CMD_FDB_GET, 0,
	  "ifname=vtep0 fdb{vni=100 mac=00:11:22:33:44:55}" },
	{ "fdb flush dev vtep0", 0, "", VTEP_CMD_FDB_FLUSH, 0, "ifname=vtep0" },
	{ "fdb flush dev vtep0 vni 9 learned", 0, "", VTEP_CMD_FDB_FLUSH, 0,
	  "ifname=vtep0 fdb{vni=9 type=2}" },
	BAD("fdb add 00:11:22:33:44:55 vni 100 dev vtep0",
	    "Error: \"dst\" is required for \"fdb add\"\n"),
	BAD("fdb add 00:11:22:33:44:55 dst 192.0.2.2 dev vtep0",
	    "Error: \"vni\" is required for \"fdb add\"\n"),
	BAD("fdb add vni 1 dst 192.0.2.2 dev vtep0",
	    "Error: \"MAC\" is required for \"fdb add\"\n"),
	BAD("fdb add 00:11:22:33:44 vni 1 dst 192.0.2.2 dev vtep0",
	    "Error: argument \"00:11:22:33:44\" is wrong: MAC must be xx:xx:xx:xx:xx:xx\n"),
	BAD("fdb add 00:11:22:33:44:55 vni 16777216 dst 192.0.2.2 dev vtep0",
	    "Error: argument \"16777216\" is wrong: VNI must be 1-16777215\n"),
	BAD("fdb add 00:11:22:33:44:55 vni 1 dst nowhere dev vtep0",
	    "Error: argument \"nowhere\" is wrong: not an IPv4 or IPv6 address\n"),
	BAD("fdb add 00:11:22:33:44:55 vni 1 dst 192.0.2.2 dev vtep0 static",
	    "Error: unknown keyword \"static\" for \"fdb add\", try \"vtepctl fdb help\"\n"),
	BAD("fdb del 00:11:22:33:44:55 vni 1 dst 192.0.2 dev vtep0",
	    "Error: argument \"192.0.2\" is wrong: not an IPv4 or IPv6 address\n"),
	BAD("fdb del 00:11:22:33:44:55 vni 1 dev vtep0 dst 192.0.2.2 dst 192.0.2.3",
	    "Error: duplicate \"dst\": \"192.0.2.3\" is the second value\n"),
	BAD("fdb flush dev vtep0 dst 192.0.2.2",
	    "Error: unknown keyword \"dst\" for \"fdb flush\", try \"vtepctl fdb help\"\n"),
	BAD("fdb show dev vtep0 static learned",
	    "Error: \"static\" and \"learned\" cannot be used together\n"),
	BAD("fdb show 00:11:22:33:44:55 dev vtep0",
	    "Error: \"fdb show MAC\" needs \"vni VNI\" and \"dev NAME\"\n"),
	BAD("fdb flush",
	    "Error: \"dev\" is required for \"fdb flush\"\n"),
	BAD("fdb flush dev vtep0 00:11:22:33:44:55",
	    "Error: unknown keyword \"00:11:22:33:44:55\" for \"fdb flush\", try \"vtepctl fdb help\"\n"),
};

START_TEST(commands)
{
	check_cmd(&cases[_i]);
}
END_TEST

static void put_entry(nl_cb cb, void *data, const char *dev, const char *mac,
		      uint32_t vni, const char *dst, uint8_t type, int owner,
		      int age)
{
	char b[512];
	struct nlmsghdr *nlh = reply_start(b, VTEP_CMD_FDB_GET, dev, 7);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);
	struct vtep_ip ip;
	uint8_t m[6];

	parse_mac(mac, m);
	parse_ip(dst, &ip);
	mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, vni);
	mnl_attr_put(nlh, VTEP_FDB_A_MAC, 6, m);
	attr_put_ip(nlh, VTEP_FDB_A_DST, VTEP_FDB_A_DST6, &ip);
	mnl_attr_put_u8(nlh, VTEP_FDB_A_TYPE, type);
	if (owner >= 0)
		mnl_attr_put_u8(nlh, VTEP_FDB_A_OWNER, (uint8_t)owner);
	if (age >= 0)
		mnl_attr_put_u32(nlh, VTEP_FDB_A_AGE, (uint32_t)age);
	mnl_attr_nest_end(nlh, nest);
	cb(nlh, data);
}

int fdb_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
	      void *data, struct nl_ext *ext)
{
	char b[256];

	if (genl_cmd_of(req) == VTEP_CMD_LINK_GET) {
		cb(reply_start(b, VTEP_CMD_LINK_GET, "vtep0", 7), data);
		return 0;
	}
	put_entry(cb, data, "vtep0", "00:11:22:33:44:55", 100, "192.0.2.2",
		  VTEP_FDB_TYPE_STATIC, VTEP_OWNER_EVPN, -1);
	put_entry(cb, data, "vtep0", "02:00:00:00:00:0a", 100, "2001:db8::7",
		  VTEP_FDB_TYPE_LEARNED, VTEP_OWNER_KERNEL, 1234);
	put_entry(cb, data, "vtep0", "02:00:00:00:00:0b", 100, "192.0.2.3",
		  VTEP_FDB_TYPE_STATIC, VTEP_OWNER_UNSPEC, -1);
	put_entry(cb, data, "vtep0", "02:00:00:00:00:0c", 100, "192.0.2.4",
		  VTEP_FDB_TYPE_STATIC, 200, -1);
	/* an older kernel's: no owner at all */
	put_entry(cb, data, "vtep0", "02:00:00:00:00:0d", 100, "192.0.2.5",
		  VTEP_FDB_TYPE_STATIC, -1, -1);
	return 0;
}

static const struct {
	const char *line;
	bool json;
	const char *want;
	bool compat;		/* VTEPCTL_JSON_COMPAT=1 */
} show_cases[] = {
	/* text leaves out owner unspec; a number has no name */
	{ "fdb show dev vtep0", false,
	  "00:11:22:33:44:55 vni 100 dst 192.0.2.2 static owner evpn\n"
	  "02:00:00:00:00:0a vni 100 dst 2001:db8::7 learned owner kernel age 1234ms\n"
	  "02:00:00:00:00:0b vni 100 dst 192.0.2.3 static\n"
	  "02:00:00:00:00:0c vni 100 dst 192.0.2.4 static owner 200\n"
	  "02:00:00:00:00:0d vni 100 dst 192.0.2.5 static\n", false },
	/* all devices: each line names its device */
	{ "fdb show owner evpn", false,
	  "00:11:22:33:44:55 vni 100 dst 192.0.2.2 dev vtep0 static owner evpn\n", false },
	{ "fdb show dev vtep0 owner kernel", false,
	  "02:00:00:00:00:0a vni 100 dst 2001:db8::7 learned owner kernel age 1234ms\n", false },
	{ "fdb show dev vtep0 owner unspec", false,
	  "02:00:00:00:00:0b vni 100 dst 192.0.2.3 static\n", false },
	{ "fdb show dev vtep0 owner 200", true,
	  "[{\"mac\":\"02:00:00:00:00:0c\",\"vni\":100,\"dst\":\"192.0.2.4\","
	  "\"ifname\":\"vtep0\",\"state\":\"permanent\",\"owner\":200}]\n", false },
	/* bridge -j fdb show's keys: "state", "updated" in seconds */
	{ "fdb show dev vtep0", true,
	  "[{\"mac\":\"00:11:22:33:44:55\",\"vni\":100,\"dst\":\"192.0.2.2\","
	  "\"ifname\":\"vtep0\",\"state\":\"permanent\",\"owner\":\"evpn\"},"
	  "{\"mac\":\"02:00:00:00:00:0a\",\"vni\":100,\"dst\":\"2001:db8::7\","
	  "\"ifname\":\"vtep0\",\"state\":\"\",\"owner\":\"kernel\",\"updated\":1},"
	  "{\"mac\":\"02:00:00:00:00:0b\",\"vni\":100,\"dst\":\"192.0.2.3\","
	  "\"ifname\":\"vtep0\",\"state\":\"permanent\",\"owner\":\"unspec\"},"
	  "{\"mac\":\"02:00:00:00:00:0c\",\"vni\":100,\"dst\":\"192.0.2.4\","
	  "\"ifname\":\"vtep0\",\"state\":\"permanent\",\"owner\":200},"
	  "{\"mac\":\"02:00:00:00:00:0d\",\"vni\":100,\"dst\":\"192.0.2.5\","
	  "\"ifname\":\"vtep0\",\"state\":\"permanent\"}]\n", false },
	/* the keys of before, one release behind VTEPCTL_JSON_COMPAT */
	{ "fdb show dev vtep0 owner kernel", true,
	  "[{\"mac\":\"02:00:00:00:00:0a\",\"vni\":100,\"dst\":\"2001:db8::7\","
	  "\"ifname\":\"vtep0\",\"type\":\"learned\",\"owner\":\"kernel\","
	  "\"age_ms\":1234}]\n", true },
	/* text is the same either way */
	{ "fdb show dev vtep0 owner kernel", false,
	  "02:00:00:00:00:0a vni 100 dst 2001:db8::7 learned owner kernel age 1234ms\n", true },
};

START_TEST(show_output)
{
	struct fake f = { .reply = fdb_reply };
	struct cap c;

	if (show_cases[_i].compat)
		setenv("VTEPCTL_JSON_COMPAT", "1", 1);
	ck_assert_int_eq(run_cmd(show_cases[_i].line, &f, show_cases[_i].json, &c), 0);
	unsetenv("VTEPCTL_JSON_COMPAT");
	ck_assert_msg(!strcmp(c.obuf, show_cases[_i].want),
		      "\"%s\":\n%s\nwant\n%s", show_cases[_i].line, c.obuf,
		      show_cases[_i].want);
	cap_free(&c);
}
END_TEST

START_TEST(kernel_message_wins)
{
	struct fake f = { .err = -ENOSPC,
			  .ext_msg = "FDB is full (VTEP_LINK_A_FDB_MAX)" };
	struct cap c;

	ck_assert_int_eq(run_cmd("fdb add 00:11:22:33:44:55 vni 100 dst 192.0.2.2 dev vtep0",
				 &f, false, &c), VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.ebuf, "Error: fdb 00:11:22:33:44:55 vni 100 dev vtep0: "
			 "FDB is full (VTEP_LINK_A_FDB_MAX)\n");
	cap_free(&c);
}
END_TEST

/* A dump's error names the device it was of */
START_TEST(dump_error_names_device)
{
	struct fake f = { .err = -ENODEV };
	struct cap c;

	ck_assert_int_eq(run_cmd("fdb show dev nosuch0", &f, true, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.ebuf, "Error: dev nosuch0: no such device\n");
	ck_assert_str_eq(c.obuf, "[]\n");
	cap_free(&c);
}
END_TEST

Suite *suite_fdb(void)
{
	Suite *s = suite_create("fdb");
	TCase *tc = tcase_create("fdb");

	tcase_add_loop_test(tc, commands, 0, ARRAY_SIZE(cases));
	tcase_add_loop_test(tc, show_output, 0, ARRAY_SIZE(show_cases));
	tcase_add_test(tc, kernel_message_wins);
	tcase_add_test(tc, dump_error_names_device);
	suite_add_tcase(s, tc);
	return s;
}
