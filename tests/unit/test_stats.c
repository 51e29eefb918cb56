// SPDX-License-Identifier: GPL-2.0
/* stats.c: parsing, message, counter names from the uapi enum, output */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "unit.h"

static const struct cmd_case cases[] = {
	{ "stats show dev vtep0", 0, "", VTEP_CMD_STATS_GET, 0, "ifname=vtep0" },
	{ "stats show dev vtep0 vni 100", 0, "", VTEP_CMD_STATS_GET, 0,
	  "ifname=vtep0 vni{id=100}" },
	BAD("stats dev vtep0",
	    "Command \"dev\" is unknown, try \"vtepctl stats help\".\n"),
	BAD("stats show vni 100",
	    "Error: \"stats show vni VNI\" needs \"dev NAME\"\n"),
	BAD("stats show dev vtep0 vni 0",
	    "Error: argument \"0\" is wrong: VNI must be 1-16777215\n"),
	BAD("stats show dev vtep0 dev vtep1",
	    "Error: duplicate \"dev\": \"vtep1\" is the second value\n"),
};

START_TEST(commands)
{
	check_cmd(&cases[_i]);
}
END_TEST

START_TEST(names_follow_the_enum)
{
	ck_assert_str_eq(vtep_stat_names[VTEP_STAT_TX_PACKETS], "tx_packets");
	ck_assert_str_eq(vtep_stat_names[VTEP_STAT_RX_BYTES], "rx_bytes");
	ck_assert_str_eq(vtep_stat_names[VTEP_STAT_DROP_NO_VNI], "drop_no_vni");
	ck_assert_str_eq(vtep_stat_names[VTEP_STAT_DROP_UNKNOWN_VNI],
			 "drop_unknown_vni");
	ck_assert_str_eq(vtep_stat_names[VTEP_STAT_DROP_RX_ERROR],
			 "drop_rx_error");
	for (int i = 0; i < __VTEP_STAT_MAX; i++) {
		const char *n = vtep_stat_names[i];

		ck_assert_msg(n && *n, "counter %d has no name", i);
		for (const char *p = n; *p; p++)
			ck_assert_msg(islower((unsigned char)*p) || *p == '_' ||
				      isdigit((unsigned char)*p),
				      "\"%s\" is not snake_case", n);
		for (int j = 0; j < i; j++)
			ck_assert_msg(strcmp(n, vtep_stat_names[j]),
				      "\"%s\" twice", n);
	}
	ck_assert_ptr_null(vtep_stat_names[__VTEP_STAT_MAX]);
}
END_TEST

/* attribute type i = counter i; an unknown (newer) counter keeps a name */
int stats_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		void *data, struct nl_ext *ext)
{
	char b[512];
	struct nlmsghdr *nlh = reply_start(b, VTEP_CMD_STATS_GET, "vtep0", 7);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, 100);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, VTEP_A_STATS);
	mnl_attr_put_u64(nlh, VTEP_STAT_TX_PACKETS, 10);
	mnl_attr_put_u64(nlh, VTEP_STAT_TX_BYTES, 1000);
	mnl_attr_put_u64(nlh, VTEP_STAT_DROP_UNKNOWN_VNI, 3);
	mnl_attr_put_u64(nlh, 40, 1);
	mnl_attr_nest_end(nlh, nest);
	cb(nlh, data);
	return 0;
}

START_TEST(show_output)
{
	struct fake f = { .reply = stats_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("stats show dev vtep0 vni 100", &f, false, &c), 0);
	ck_assert_str_eq(c.obuf, "dev vtep0 vni 100\n"
				 "    tx_packets         10\n"
				 "    tx_bytes           1000\n"
				 "    drop_unknown_vni   3\n"
				 "    stat_40            1\n");
	cap_free(&c);
	/* ip -j -s link's "stats64" for the standard counters */
	ck_assert_int_eq(run_cmd("stats show dev vtep0 vni 100", &f, true, &c), 0);
	ck_assert_str_eq(c.obuf, "[{\"ifindex\":7,\"ifname\":\"vtep0\",\"vni\":100,"
				 "\"stats64\":{\"rx\":{\"bytes\":0,\"packets\":0},"
				 "\"tx\":{\"bytes\":1000,\"packets\":10}},"
				 "\"vtep_stats\":{\"drop_unknown_vni\":3,\"stat_40\":1}}]\n");
	cap_free(&c);
	setenv("VTEPCTL_JSON_COMPAT", "1", 1);
	ck_assert_int_eq(run_cmd("stats show dev vtep0 vni 100", &f, true, &c), 0);
	unsetenv("VTEPCTL_JSON_COMPAT");
	ck_assert_str_eq(c.obuf, "[{\"ifindex\":7,\"ifname\":\"vtep0\",\"vni\":100,"
				 "\"stats\":{\"tx_packets\":10,\"tx_bytes\":1000,"
				 "\"drop_unknown_vni\":3,\"stat_40\":1}}]\n");
	cap_free(&c);
}
END_TEST

/* -s vni show: the VNIs (a dump), then each one's counters (a request) */
static int vni_stats_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
			   void *data, struct nl_ext *ext)
{
	if (genl_cmd_of(req) == VTEP_CMD_STATS_GET)
		return stats_reply(f, req, cb, data, ext);
	return vni_reply(f, req, cb, data, ext);
}

/* A dump read twice (interrupted, then read again whole) */
static int vni_twice_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
			   void *data, struct nl_ext *ext)
{
	if (genl_cmd_of(req) == VTEP_CMD_VNI_GET)
		vni_reply(f, req, cb, data, ext);
	return vni_stats_reply(f, req, cb, data, ext);
}

START_TEST(vni_stats_once_each)
{
	struct vtep_ctx opts = { .stats = true, .json = true };
	struct fake f = { .reply = vni_twice_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd_opts("vni show dev vtep0", &f, &opts, &c), 0);
	ck_assert_uint_eq(f.n, 3);	/* the dump, VNI 100's, VNI 200's */
	cap_free(&c);
}
END_TEST

START_TEST(vni_show_with_stats)
{
	struct vtep_ctx opts = { .stats = true };
	struct fake f = { .reply = vni_stats_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd_opts("vni show 200 dev vtep0", &f, &opts, &c), 0);
	ck_assert_str_eq(c.ebuf, "");
	ck_assert_str_eq(c.obuf,
			 "vni 200 dev vtep0 untagged flood off remotes 2 fdb 5 learned 3\n"
			 "    tx_packets         10\n"
			 "    tx_bytes           1000\n"
			 "    drop_unknown_vni   3\n"
			 "    stat_40            1\n");
	ck_assert_uint_eq(f.n, 2);	/* the dump, one VNI's counters */
	cap_free(&c);
	memset(&f, 0, sizeof(f));
	f.reply = vni_stats_reply;
	opts.json = true;
	ck_assert_int_eq(run_cmd_opts("vni show dev vtep0", &f, &opts, &c), 0);
	ck_assert_msg(strstr(c.obuf, "\"learned_count\":3,\"stats64\":{\"rx\":{"),
		      "no stats64 in the VNI's object: %s", c.obuf);
	ck_assert_uint_eq(f.n, 3);
	cap_free(&c);
	/* a VNI the device lacks: refused as vni show refuses it */
	memset(&f, 0, sizeof(f));
	f.err = -ENOENT;
	opts.json = false;
	ck_assert_int_eq(run_cmd_opts("vni show 300 dev vtep0", &f, &opts, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.ebuf, "Error: vni 300 dev vtep0: does not exist\n");
	ck_assert_str_eq(c.obuf, "");
	cap_free(&c);
	/* without -s: one dump, no counters */
	memset(&f, 0, sizeof(f));
	f.reply = vni_stats_reply;
	ck_assert_int_eq(run_cmd("vni show dev vtep0", &f, false, &c), 0);
	ck_assert_ptr_null(strstr(c.obuf, "tx_packets"));
	ck_assert_uint_eq(f.n, 1);
	cap_free(&c);
}
END_TEST

START_TEST(no_such_device)
{
	struct fake f = { .err = -ENODEV };
	struct cap c;

	ck_assert_int_eq(run_cmd("stats show dev nope0", &f, true, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.ebuf, "Error: stats dev nope0: no such device\n");
	ck_assert_str_eq(c.obuf, "[]\n");
	cap_free(&c);
}
END_TEST

Suite *suite_stats(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_loop_test(tc, commands, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, names_follow_the_enum);
	tcase_add_test(tc, show_output);
	tcase_add_test(tc, vni_show_with_stats);
	tcase_add_test(tc, vni_stats_once_each);
	tcase_add_test(tc, no_such_device);
	suite_add_tcase(s, tc);
	return s;
}
