// SPDX-License-Identifier: GPL-2.0
/* alias.c: parsing, messages, show output */
#include <arpa/inet.h>
#include <string.h>

#include <linux/genetlink.h>

#include "unit.h"

static const struct cmd_case cases[] = {
	{ "alias add 192.0.2.11 to 192.0.2.1 dev vtep0", 0, "",
	  VTEP_CMD_ALIAS_NEW, NLM_F_CREATE | NLM_F_EXCL,
	  "ifname=vtep0 alias{addr=192.0.2.11 peer=192.0.2.1}" },
	{ "alias replace 2001:db8::11 to 2001:db8::1 dev vtep6", 0, "",
	  VTEP_CMD_ALIAS_NEW, NLM_F_CREATE | NLM_F_REPLACE,
	  "ifname=vtep6 alias{addr6=2001:db8::11 peer6=2001:db8::1}" },
	{ "alias del dev vtep0 192.0.2.11", 0, "", VTEP_CMD_ALIAS_DEL, 0,
	  "ifname=vtep0 alias{addr=192.0.2.11}" },
	{ "alias show dev vtep0", 0, "", VTEP_CMD_ALIAS_GET, 0, "ifname=vtep0" },
	BAD("alias add 192.0.2.11 dev vtep0",
	    "Error: \"to\" is required for \"alias add\"\n"),
	BAD("alias add 192.0.2.11 to 192.0.2.1",
	    "Error: \"dev\" is required for \"alias add\"\n"),
	BAD("alias add to 192.0.2.1 dev vtep0",
	    "Error: \"ADDR\" is required for \"alias add\"\n"),
	BAD("alias add 239.0.0.1 to 192.0.2.1 dev vtep0",
	    "Error: argument \"239.0.0.1\" is wrong: the address must be unicast\n"),
	BAD("alias add 192.0.2.11 to 239.0.0.1 dev vtep0",
	    "Error: argument \"239.0.0.1\" is wrong: the peer's address must be unicast\n"),
	BAD("alias del 192.0.2.11 to 192.0.2.1 dev vtep0",
	    "Error: unknown keyword \"to\" for \"alias del\", try \"vtepctl alias help\"\n"),
};

START_TEST(commands)
{
	check_cmd(&cases[_i]);
}
END_TEST

static int alias_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		       void *data, struct nl_ext *ext)
{
	static const char *const addrs[] = { "192.0.2.11", "192.0.2.21" };
	struct nlmsghdr *nlh;
	struct in_addr a, p;
	char b[256];

	(void)f; (void)req; (void)ext;
	nlh = reply_start(b, VTEP_CMD_ALIAS_GET, "vtep0", 7);
	inet_pton(AF_INET, "192.0.2.1", &p);
	for (int i = 0; i < 2; i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_ALIAS);

		inet_pton(AF_INET, addrs[i], &a);
		mnl_attr_put(nlh, VTEP_ALIAS_A_ADDR, 4, &a);
		mnl_attr_put(nlh, VTEP_ALIAS_A_PEER, 4, &p);
		mnl_attr_nest_end(nlh, nest);
	}
	cb(nlh, data);
	return 0;
}

START_TEST(show_output)
{
	struct fake f = { .reply = alias_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("alias show dev vtep0", &f, false, &c), 0);
	ck_assert_str_eq(c.obuf, "192.0.2.11 to 192.0.2.1 dev vtep0\n"
				 "192.0.2.21 to 192.0.2.1 dev vtep0\n");
	cap_free(&c);
	ck_assert_int_eq(run_cmd("alias show dev vtep0", &f, true, &c), 0);
	ck_assert_str_eq(c.obuf,
			 "[{\"addr\":\"192.0.2.11\",\"peer\":\"192.0.2.1\",\"ifname\":\"vtep0\"},"
			 "{\"addr\":\"192.0.2.21\",\"peer\":\"192.0.2.1\",\"ifname\":\"vtep0\"}]\n");
	cap_free(&c);
}
END_TEST

Suite *suite_alias(void)
{
	Suite *s = suite_create("alias");
	TCase *tc = tcase_create("alias");

	tcase_add_loop_test(tc, commands, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, show_output);
	suite_add_tcase(s, tc);
	return s;
}
