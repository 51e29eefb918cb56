// SPDX-License-Identifier: GPL-2.0
/* prom.c: stats -o prom, the Prometheus text format of the counters */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "unit.h"

static const struct cmd_case cases[] = {
	{ "stats -o prom dev vtep0", 0, "", VTEP_CMD_STATS_GET, 0,
	  "ifname=vtep0" },
	{ "stats show dev vtep0 -o prom", 0, "", VTEP_CMD_STATS_GET, 0,
	  "ifname=vtep0" },
	{ "stats -o prom dev vtep0 vni 100", 0, "", VTEP_CMD_STATS_GET, 0,
	  "ifname=vtep0 vni{id=100}" },
	{ "stats -o text dev vtep0", 0, "", VTEP_CMD_STATS_GET, 0,
	  "ifname=vtep0" },
	BAD("stats -o xml",
	    "Error: output format \"xml\" is unknown: \"-o\" takes \"text\" or \"prom\"\n"),
	BAD("stats show -o",
	    "Error: \"-o\" needs a value, try \"vtepctl stats help\"\n"),
	BAD("stats -o prom -o text",
	    "Error: duplicate \"-o\": \"text\" is the second value\n"),
	BAD("stats -x",
	    "Error: unknown keyword \"-x\" for \"stats show\", try \"vtepctl stats help\"\n"),
	BAD("stats -o prom vni 100",
	    "Error: \"stats show vni VNI\" needs \"dev NAME\"\n"),
};

START_TEST(commands)
{
	check_cmd(&cases[_i]);
}
END_TEST

/* Every counter is in a family; a drop's reason is its name less drop_ */
START_TEST(every_counter_has_a_family)
{
	for (int i = 0; i < __VTEP_STAT_MAX; i++) {
		const struct prom_metric *m = &prom_metrics[i];

		ck_assert_msg(m->family && m->help, "counter %s has no family",
			      vtep_stat_names[i]);
		if (m->drop) {
			ck_assert_msg(!strncmp(vtep_stat_names[i], "drop_", 5),
				      "%s is no drop", vtep_stat_names[i]);
			ck_assert_msg(!strcmp(m->family, "tx_dropped") ||
				      !strcmp(m->family, "rx_dropped"),
				      "%s: family %s", vtep_stat_names[i],
				      m->family);
		} else if (i != VTEP_STAT_DROP_FDB_FULL) {
			ck_assert_str_eq(m->family, vtep_stat_names[i]);
		}
		ck_assert_msg(!strchr(m->help, '\n') && !strchr(m->help, '\\'),
			      "%s: HELP needs escaping", vtep_stat_names[i]);
	}
	ck_assert(prom_metrics[VTEP_STAT_DROP_PEER].drop);
	ck_assert_str_eq(prom_metrics[VTEP_STAT_DROP_PEER].family, "rx_dropped");
	ck_assert_str_eq(prom_metrics[VTEP_STAT_DROP_NO_ROUTE].family,
			 "tx_dropped");
	ck_assert(!prom_metrics[VTEP_STAT_DROP_FDB_FULL].drop);
}
END_TEST

#define ODD_DEV "a\"b\\c"	/* a valid interface name: a"b\c */

static void put_stats(struct nlmsghdr *nlh, uint16_t type, uint64_t base)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	for (uint16_t i = 0; i < __VTEP_STAT_MAX; i++)
		mnl_attr_put_u64(nlh, i, base + i);
	mnl_attr_put_u64(nlh, __VTEP_STAT_MAX + 3, 99);	/* a newer one */
	mnl_attr_nest_end(nlh, nest);
}

/* vtep0 (counters 1000 + i) with VNIs 100 (2000 + i) and 200 (3000 + i);
 * ODD_DEV (counters 5000 + i) with none */
static int prom_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		      void *data, struct nl_ext *ext)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	char b[2048];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	const char *dev;
	bool odd;

	attr_parse_genl(req, tb, VTEP_A_MAX);
	dev = attr_str(tb[VTEP_A_IFNAME]);
	odd = dev && !strcmp(dev, ODD_DEV);
	switch (genl_cmd_of(req)) {
	case VTEP_CMD_LINK_GET:
		cb(reply_start(b, VTEP_CMD_LINK_GET, "vtep0", 7), data);
		cb(reply_start(b, VTEP_CMD_LINK_GET, ODD_DEV, 8), data);
		return 0;
	case VTEP_CMD_STATS_GET:
		if (f->priv && odd)
			return -ENODEV;
		nlh = reply_start(b, VTEP_CMD_STATS_GET, dev, odd ? 8 : 7);
		if (tb[VTEP_A_VNI]) {	/* a VNI's: the request's nest back */
			mnl_attr_put(nlh, VTEP_A_VNI,
				     mnl_attr_get_payload_len(tb[VTEP_A_VNI]),
				     mnl_attr_get_payload(tb[VTEP_A_VNI]));
			put_stats(nlh, VTEP_A_STATS, 7000);
		} else {
			put_stats(nlh, VTEP_A_STATS, odd ? 5000 : 1000);
		}
		cb(nlh, data);
		return 0;
	case VTEP_CMD_VNI_GET:
		for (uint32_t v = 100; v <= 200 && !odd; v += 100) {
			nlh = reply_start(b, VTEP_CMD_VNI_GET, dev, 7);
			nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
			mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, v);
			put_stats(nlh, VTEP_VNI_A_STATS, v * 20);
			mnl_attr_nest_end(nlh, nest);
			cb(nlh, data);
		}
		return 0;
	}
	return -EINVAL;
}

static unsigned int count_lines(const char *text, const char *prefix)
{
	unsigned int n = 0;
	size_t len = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		n += !strncmp(p, prefix, len);
	return n;
}

START_TEST(every_device_and_vni)
{
	struct fake f = { .reply = prom_reply };
	const char *o, *h, *t, *s;
	struct cap c;

	ck_assert_int_eq(run_cmd("stats -o prom", &f, false, &c), 0);
	o = c.obuf;
	ck_assert_str_eq(c.ebuf, "");
	/* 32 counters, 15 of them drops in 2 families: 19, at each level */
	ck_assert_uint_eq(count_lines(o, "# TYPE vtep_vni_"), 19);
	ck_assert_uint_eq(count_lines(o, "# TYPE vtep_"), 38);
	ck_assert_uint_eq(count_lines(o, "# HELP vtep_"), 38);
	/* device: 2 x 32 samples; VNIs: 2 x 32 */
	ck_assert_uint_eq(count_lines(o, "vtep_vni_"), 64);
	ck_assert_uint_eq(count_lines(o, "vtep_"), 128);
	h = strstr(o, "# HELP vtep_tx_packets_total Frames sent into the tunnel\n");
	t = strstr(o, "# TYPE vtep_tx_packets_total counter\n");
	s = strstr(o, "vtep_tx_packets_total{dev=\"vtep0\"} 1000\n");
	ck_assert(h && t && s && h < t && t < s);
	ck_assert(strstr(o, "vtep_tx_bytes_total{dev=\"vtep0\"} 1001\n"));
	ck_assert(strstr(o, "vtep_tx_packets_total{dev=\"a\\\"b\\\\c\"} 5000\n"));
	ck_assert(strstr(o, "# TYPE vtep_rx_dropped_total counter\n"));
	ck_assert(strstr(o, "vtep_rx_dropped_total{dev=\"vtep0\",reason=\"peer\"} 1024\n"));
	ck_assert(strstr(o, "vtep_tx_dropped_total{dev=\"vtep0\",reason=\"no_vni\"} 1009\n"));
	ck_assert(strstr(o, "vtep_fdb_full_total{dev=\"vtep0\"} 1020\n"));
	ck_assert(strstr(o, "vtep_vni_rx_packets_total{dev=\"vtep0\",vni=\"100\"} 2002\n"));
	ck_assert(strstr(o, "vtep_vni_rx_dropped_total{dev=\"vtep0\",vni=\"200\",reason=\"unknown_vni\"} 4018\n"));
	ck_assert(strstr(o, "vtep_pmtu_suppressed_total{dev=\"vtep0\"} 1031\n"));
	/* a family's samples are together: both devices' before the next */
	ck_assert(strstr(o, "vtep_tx_packets_total{dev=\"vtep0\"} 1000\n"
			    "vtep_tx_packets_total{dev=\"a\\\"b\\\\c\"} 5000\n"
			    "# HELP vtep_tx_bytes_total "));
	ck_assert(!strstr(o, "stat_"));
	ck_assert(!strstr(o, " 99\n"));
	ck_assert(!strstr(o, "_dropped_total{dev=\"vtep0\",reason=\"fdb_full\""));
	cap_free(&c);
}
END_TEST

START_TEST(one_vni)
{
	struct fake f = { .reply = prom_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("stats -o prom dev vtep0 vni 100", &f, false, &c), 0);
	/* one STATS_GET of the VNI, and only its series */
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(count_lines(c.obuf, "# TYPE vtep_vni_"), 19);
	ck_assert_uint_eq(count_lines(c.obuf, "# TYPE vtep_"), 19);
	ck_assert_uint_eq(count_lines(c.obuf, "vtep_"), 32);
	ck_assert(strstr(c.obuf, "vtep_vni_tx_packets_total{dev=\"vtep0\",vni=\"100\"} 7000\n"));
	cap_free(&c);
}
END_TEST

/* A device that fails: nothing printed, not half a scrape */
START_TEST(failure_prints_nothing)
{
	struct fake f = { .reply = prom_reply, .priv = &f };
	struct cap c;

	ck_assert_int_eq(run_cmd("stats -o prom", &f, false, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.obuf, "");
	ck_assert_str_eq(c.ebuf, "Error: stats dev " ODD_DEV ": no such device\n");
	cap_free(&c);
}
END_TEST

START_TEST(not_with_json)
{
	struct fake f = { 0 };
	struct cap c;

	ck_assert_int_eq(run_cmd("stats -o prom", &f, true, &c),
			 VTEP_EXIT_USAGE);
	ck_assert_str_eq(c.ebuf, "Error: \"-o prom\" and \"-j\" cannot be used together\n");
	ck_assert_uint_eq(f.n, 0);
	cap_free(&c);
}
END_TEST

Suite *suite_prom(void)
{
	Suite *s = suite_create("prom");
	TCase *tc = tcase_create("prom");

	tcase_add_loop_test(tc, commands, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, every_counter_has_a_family);
	tcase_add_test(tc, every_device_and_vni);
	tcase_add_test(tc, one_vni);
	tcase_add_test(tc, failure_prints_nothing);
	tcase_add_test(tc, not_with_json);
	suite_add_tcase(s, tc);
	return s;
}
