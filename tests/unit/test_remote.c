// SPDX-License-Identifier: GPL-2.0
/* remote.c: parsing, messages, show output */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>

#include "unit.h"

static const struct cmd_case cases[] = {
	{ "remote add 192.0.2.2 vni 100 dev vtep0", 0, "", VTEP_CMD_REMOTE_NEW,
	  NLM_F_CREATE | NLM_F_EXCL,
	  "ifname=vtep0 remote{vni=100 addr=192.0.2.2 owner=2}" },
	{ "remote replace 2001:db8::2 vni 100 dev vtep0", 0, "",
	  VTEP_CMD_REMOTE_NEW, NLM_F_CREATE | NLM_F_REPLACE,
	  "ifname=vtep0 remote{vni=100 addr6=2001:db8::2 owner=2}" },
	{ "remote add 192.0.2.2 vni 100 dev vtep0 owner evpn", 0, "",
	  VTEP_CMD_REMOTE_NEW, NLM_F_CREATE | NLM_F_EXCL,
	  "ifname=vtep0 remote{vni=100 addr=192.0.2.2 owner=4}" },
	{ "remote del 192.0.2.2 vni 100 dev vtep0 owner conf", 0, "",
	  VTEP_CMD_REMOTE_DEL, 0,
	  "ifname=vtep0 remote{vni=100 addr=192.0.2.2 owner=3}" },
	{ "remote show dev vtep0 owner hook", 0, "", VTEP_CMD_REMOTE_GET,
	  NLM_F_DUMP, "ifname=vtep0" },
	BAD("remote add 192.0.2.2 vni 100 dev vtep0 owner -1",
	    "Error: argument \"-1\" is wrong: owner must be unspec, kernel, user, conf, evpn, hook or 0-255\n"),
	{ "remote del vni 7 dev vtep0 198.51.100.9", 0, "", VTEP_CMD_REMOTE_DEL, 0,
	  "ifname=vtep0 remote{vni=7 addr=198.51.100.9}" },
	{ "remote show dev vtep0 vni 100", 0, "", VTEP_CMD_REMOTE_GET, NLM_F_DUMP,
	  "ifname=vtep0 remote{vni=100}" },
	{ "remote show dev vtep0", 0, "", VTEP_CMD_REMOTE_GET, NLM_F_DUMP,
	  "ifname=vtep0" },
	BAD("remote add 192.0.2.2 vni 100",
	    "Error: \"dev\" is required for \"remote add\"\n"),
	BAD("remote add 192.0.2.2 dev vtep0",
	    "Error: \"vni\" is required for \"remote add\"\n"),
	BAD("remote add vni 100 dev vtep0",
	    "Error: \"ADDR\" is required for \"remote add\"\n"),
	BAD("remote add 192.0.2.300 vni 100 dev vtep0",
	    "Error: argument \"192.0.2.300\" is wrong: not an IPv4 or IPv6 address\n"),
	BAD("remote add 192.0.2.2 vni 0 dev vtep0",
	    "Error: argument \"0\" is wrong: VNI must be 1-16777215\n"),
	BAD("remote add 192.0.2.2 192.0.2.3 vni 1 dev vtep0",
	    "Error: unknown keyword \"192.0.2.3\" for \"remote add\", try \"vtepctl remote help\"\n"),
	BAD("remote show 192.0.2.2",
	    "Error: unknown keyword \"192.0.2.2\" for \"remote show\", try \"vtepctl remote help\"\n"),
};

START_TEST(commands)
{
	check_cmd(&cases[_i]);
}
END_TEST

int remote_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		 void *data, struct nl_ext *ext)
{
	static const char *const addrs[] = { "192.0.2.2", "192.0.2.3" };
	char b[256];

	for (int i = 0; i < 2; i++) {
		struct nlmsghdr *nlh = reply_start(b, VTEP_CMD_REMOTE_GET, "vtep0", 7);
		struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_REMOTE);
		struct in_addr a;

		inet_pton(AF_INET, addrs[i], &a);
		mnl_attr_put_u32(nlh, VTEP_REMOTE_A_VNI, 100 + i);
		mnl_attr_put(nlh, VTEP_REMOTE_A_ADDR, 4, &a);
		mnl_attr_put_u8(nlh, VTEP_REMOTE_A_OWNER,
				i ? VTEP_OWNER_EVPN : VTEP_OWNER_UNSPEC);
		mnl_attr_nest_end(nlh, nest);
		cb(nlh, data);
	}
	return 0;
}

START_TEST(show_output)
{
	struct fake f = { .reply = remote_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("remote show dev vtep0", &f, false, &c), 0);
	ck_assert_str_eq(c.obuf, "192.0.2.2 vni 100 dev vtep0\n"
				 "192.0.2.3 owner evpn vni 101 dev vtep0\n");
	cap_free(&c);
	ck_assert_int_eq(run_cmd("remote show dev vtep0 vni 101", &f, true, &c), 0);
	ck_assert_str_eq(c.obuf,
			 "[{\"dst\":\"192.0.2.3\",\"owner\":\"evpn\",\"vni\":101,\"ifname\":\"vtep0\"}]\n");
	cap_free(&c);
	ck_assert_int_eq(run_cmd("remote show dev vtep0 owner unspec", &f, true,
				 &c), 0);
	ck_assert_str_eq(c.obuf,
			 "[{\"dst\":\"192.0.2.2\",\"owner\":\"unspec\",\"vni\":100,\"ifname\":\"vtep0\"}]\n");
	cap_free(&c);
}
END_TEST

START_TEST(remote_other_family)
{
	struct fake f = { .err = -EAFNOSUPPORT };
	struct cap c;

	ck_assert_int_eq(run_cmd("remote add 2001:db8::2 vni 1 dev vtep0", &f,
				 false, &c), VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.ebuf, "Error: remote 2001:db8::2 vni 1 dev vtep0: "
			 "address family differs from the device's local address\n");
	cap_free(&c);
}
END_TEST

Suite *suite_remote(void)
{
	Suite *s = suite_create("remote");
	TCase *tc = tcase_create("remote");

	tcase_add_loop_test(tc, commands, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, show_output);
	tcase_add_test(tc, remote_other_family);
	suite_add_tcase(s, tc);
	return s;
}
