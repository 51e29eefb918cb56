// SPDX-License-Identifier: GPL-2.0
/* monitor.c: parsing and one line (or JSON object) per event */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <linux/genetlink.h>

#include "unit.h"

static const struct {
	const char *args;
	int ret;
	const char *err;
	struct monitor_req want;
} parse_cases[] = {
	{ "", 0, "", { .dump = false } },
	{ "dev vtep0 dump noresync", 0, "",
	  { .dev = "vtep0", .dump = true, .noresync = true } },
	{ "resync", 0, "", { .dump = false } },
	{ "resync noresync", -1,
	  "Error: \"resync\" and \"noresync\" cannot be used together\n", { .dump = false } },
	{ "dump dump", -1, "Error: duplicate \"dump\"\n", { .dump = false } },
	{ "all", -1,
	  "Error: unknown keyword \"all\" for \"monitor\", try \"vtepctl monitor help\"\n",
	  { .dump = false } },
	{ "help", KW_HELP, "", { .dump = false } },
};

START_TEST(parse)
{
	char buf[128], *argv[16];
	struct monitor_req r;
	struct cap c;
	int argc, ret;

	argc = split(parse_cases[_i].args, buf, sizeof(buf), argv, 16);
	cap_begin(&c, false, false);
	ret = monitor_parse(argc, argv, &r);
	cap_end(&c);
	ck_assert_msg(ret == parse_cases[_i].ret, "\"%s\": returned %d",
		      parse_cases[_i].args, ret);
	ck_assert_str_eq(c.ebuf, parse_cases[_i].err);
	if (!ret) {
		ck_assert_str_eq(r.dev, parse_cases[_i].want.dev);
		ck_assert_int_eq(r.dump, parse_cases[_i].want.dump);
		ck_assert_int_eq(r.noresync, parse_cases[_i].want.noresync);
	}
	cap_free(&c);
}
END_TEST

START_TEST(every_event_named)
{
	for (unsigned int e = 1; e < __VTEP_EVENT_END; e++)
		ck_assert_msg(strcmp(event_name(e), "unknown"),
			      "event %u has no name", e);
	ck_assert_str_eq(event_name(__VTEP_EVENT_END), "unknown");
	ck_assert_str_eq(event_name(VTEP_EVENT_FDB_AGED), "fdb_aged");
}
END_TEST

static struct nlmsghdr *event(void *b, const char *dev, uint8_t ev)
{
	struct nlmsghdr *nlh = reply_start(b, VTEP_CMD_EVENT, dev, 7);

	mnl_attr_put_u8(nlh, VTEP_A_EVENT, ev);
	return nlh;
}

static void fdb_event(const char *dev, uint8_t ev, bool with_dst,
		      const struct monitor_req *r)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x0a };
	char b[512];
	struct nlmsghdr *nlh = event(b, dev, ev);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);
	struct in_addr a;

	inet_pton(AF_INET, "192.0.2.9", &a);
	mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, 100);
	mnl_attr_put(nlh, VTEP_FDB_A_MAC, 6, mac);
	if (with_dst) {
		mnl_attr_put(nlh, VTEP_FDB_A_DST, 4, &a);
		mnl_attr_put_u8(nlh, VTEP_FDB_A_TYPE, VTEP_FDB_TYPE_LEARNED);
	}
	mnl_attr_nest_end(nlh, nest);
	monitor_print_event(nlh, (void *)r);
}

static void vni_event(const char *dev, uint8_t ev)
{
	char b[512];
	struct nlmsghdr *nlh = event(b, dev, ev);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);

	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, 100);
	mnl_attr_nest_end(nlh, nest);
	monitor_print_event(nlh, NULL);
}

static void events(const struct monitor_req *r)
{
	fdb_event("vtep0", VTEP_EVENT_FDB_LEARNED, true, r);
	fdb_event("vtep1", VTEP_EVENT_FDB_MOVED, true, r);
	fdb_event("vtep0", VTEP_EVENT_FDB_MISS, false, r);
	vni_event("vtep0", VTEP_EVENT_VNI_DELETED);
}

START_TEST(event_lines)
{
	struct monitor_req r = { .dev = "vtep0" };
	struct cap c;

	cap_begin(&c, false, false);
	events(NULL);
	cap_end(&c);
	ck_assert_str_eq(c.obuf,
			 "fdb_learned 02:00:00:00:00:0a vni 100 dst 192.0.2.9 dev vtep0 learned\n"
			 "fdb_moved 02:00:00:00:00:0a vni 100 dst 192.0.2.9 dev vtep1 learned\n"
			 "fdb_miss 02:00:00:00:00:0a vni 100 dev vtep0\n"
			 "vni_deleted vni 100 dev vtep0\n");
	cap_free(&c);

	/* JSON lines, and the dev filter drops vtep1's event */
	cap_begin(&c, true, false);
	events(&r);
	cap_end(&c);
	ck_assert_str_eq(c.obuf,
			 "{\"event\":\"fdb_learned\",\"mac\":\"02:00:00:00:00:0a\",\"vni\":100,"
			 "\"dst\":\"192.0.2.9\",\"ifname\":\"vtep0\",\"state\":\"\"}\n"
			 "{\"event\":\"fdb_miss\",\"mac\":\"02:00:00:00:00:0a\",\"vni\":100,"
			 "\"ifname\":\"vtep0\"}\n"
			 "{\"event\":\"vni_deleted\",\"vni\":100,\"ifname\":\"vtep0\"}\n");
	cap_free(&c);
}
END_TEST

/* A fixed clock: 2026-12-06 20:01:02.000042 UTC */
static void fixed_clock(struct timeval *tv)
{
	tv->tv_sec = 1796587262;
	tv->tv_usec = 42;
}

/* -t: a line before each event; -ts: a prefix; -j: a "timestamp" key */
START_TEST(timestamps)
{
	struct monitor_req r = { .timestamp = 1 };
	void (*saved)(struct timeval *tv) = monitor_clock;
	char *tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	struct cap c;

	setenv("TZ", "UTC", 1);
	tzset();
	monitor_clock = fixed_clock;
	cap_begin(&c, false, false);
	fdb_event("vtep0", VTEP_EVENT_FDB_MISS, false, &r);
	r.timestamp = 2;
	fdb_event("vtep0", VTEP_EVENT_FDB_MISS, false, &r);
	r.timestamp = 0;
	fdb_event("vtep0", VTEP_EVENT_FDB_MISS, false, &r);
	cap_end(&c);
	ck_assert_str_eq(c.obuf,
			 "Timestamp: Sun Dec  6 20:01:02 2026 42 usec\n"
			 "fdb_miss 02:00:00:00:00:0a vni 100 dev vtep0\n"
			 "[2026-12-06T20:01:02.000042] fdb_miss 02:00:00:00:00:0a vni 100 dev vtep0\n"
			 "fdb_miss 02:00:00:00:00:0a vni 100 dev vtep0\n");
	cap_free(&c);

	r.timestamp = 1;
	cap_begin(&c, true, false);
	fdb_event("vtep0", VTEP_EVENT_FDB_MISS, false, &r);
	r.timestamp = 0;
	fdb_event("vtep0", VTEP_EVENT_FDB_MISS, false, &r);
	cap_end(&c);
	ck_assert_str_eq(c.obuf,
			 "{\"timestamp\":\"2026-12-06T20:01:02.000042\",\"event\":\"fdb_miss\","
			 "\"mac\":\"02:00:00:00:00:0a\",\"vni\":100,\"ifname\":\"vtep0\"}\n"
			 "{\"event\":\"fdb_miss\",\"mac\":\"02:00:00:00:00:0a\",\"vni\":100,"
			 "\"ifname\":\"vtep0\"}\n");
	cap_free(&c);
	monitor_clock = saved;
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	free(tz);
	tzset();
}
END_TEST

Suite *suite_monitor(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("monitor");

	tcase_add_loop_test(tc, parse, 0, ARRAY_SIZE(parse_cases));
	tcase_add_test(tc, every_event_named);
	tcase_add_test(tc, event_lines);
	tcase_add_test(tc, timestamps);
	suite_add_tcase(s, tc);
	return s;
}
