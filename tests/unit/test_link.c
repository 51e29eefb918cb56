// SPDX-License-Identifier: GPL-2.0
/* link.c: parsing, the RTM_NEWLINK/LINK_SET messages, show output */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include <linux/genetlink.h>

#include "unit.h"

#define CE (NLM_F_CREATE | NLM_F_EXCL)

/* Every command line, good and bad: the request it makes or its error */
static const struct cmd_case cases[] = {
	{ "link add vtep0", 0, "", RTM_NEWLINK, CE,
	  "ifname=vtep0 linkinfo{kind=vtep}" },
	{ "link add vtep0 local 192.0.2.1 port 4790 ttl 64 tos inherit df inherit "
	  "learning off ageing 0 max-fdb 1000 srcport 40000 50000 udpcsum on "
	  "move-notice off", 0, "", RTM_NEWLINK, CE,
	  "ifname=vtep0 linkinfo{kind=vtep data{local=192.0.2.1 port=4790 "
	  "ttl=64 tos=1 df=2 learning=0 ageing=0 fdb_max=1000 port_min=40000 "
	  "port_max=50000 udp_csum=1 move_notice=0}}" },
	{ "link add vtep0 max-learned 100 max-peers 0 max-remotes 4294967295", 0,
	  "", RTM_NEWLINK, CE,
	  "ifname=vtep0 linkinfo{kind=vtep data{learn_max=100 peer_max=0 "
	  "remote_max=4294967295}}" },
	{ "link set vtep0 max-learned 0", 0, "", VTEP_CMD_LINK_SET, 0,
	  "ifname=vtep0 link{learn_max=0}" },
	{ "link add vtep6 local 2001:db8::1 ttl auto tos 0x10 df set", 0, "",
	  RTM_NEWLINK, CE,
	  "ifname=vtep6 linkinfo{kind=vtep data{local6=2001:db8::1 ttl=0 tos=16 df=1}}" },
	{ "link add vtep0 underlay lo", 0, "", RTM_NEWLINK, CE,
	  "ifname=vtep0 link=1 linkinfo{kind=vtep}" },
	{ "link set vtep0 learning off ageing 30 underlay lo", 0, "",
	  VTEP_CMD_LINK_SET, 0,
	  "ifname=vtep0 link{learning=0 ageing=30 underlay=1}" },
	{ "link set vtep0 local 198.51.100.1 port 8472", 0, "", VTEP_CMD_LINK_SET, 0,
	  "ifname=vtep0 link{local=198.51.100.1 port=8472}" },
	{ "link set vtep0 udp6zerocsumrx on", 0, "", VTEP_CMD_LINK_SET, 0,
	  "ifname=vtep0 link{udp6_zero_csum_rx=1}" },
	/* "underlay none": ifindex 0 on set, nothing on add (as the plugin) */
	{ "link set vtep0 underlay none", 0, "", VTEP_CMD_LINK_SET, 0,
	  "ifname=vtep0 link{underlay=0}" },
	{ "link add vtep0 underlay none", 0, "", RTM_NEWLINK, CE,
	  "ifname=vtep0 linkinfo{kind=vtep}" },
	{ "link set vtep0 resteer on flowlet-gap 2000 sample 1 elephant-rate 1000000",
	  0, "", VTEP_CMD_LINK_SET, 0,
	  "ifname=vtep0 link{resteer=1 flowlet_gap=2000 sample=1 elephant_rate=1000000}" },
	{ "link add vtep0 sample 0 elephant-rate 18446744073709551615", 0, "",
	  RTM_NEWLINK, CE,
	  "ifname=vtep0 linkinfo{kind=vtep data{sample=0 elephant_rate=18446744073709551615}}" },
	{ "link show vtep0", 0, "", VTEP_CMD_LINK_GET, 0, "ifname=vtep0" },
	{ "link add vtep0 local 192.0.2.1 port 4790 local 192.0.2.11 local 192.0.2.21",
	  0, "", RTM_NEWLINK, CE,
	  "ifname=vtep0 linkinfo{kind=vtep data{port=4790 locals{addr=192.0.2.1 "
	  "addr=192.0.2.11 addr=192.0.2.21}}}" },
	{ "link set vtep6 local 2001:db8::1 local 2001:db8::2", 0, "",
	  VTEP_CMD_LINK_SET, 0,
	  "ifname=vtep6 link{locals{addr6=2001:db8::1 addr6=2001:db8::2}}" },
	{ "link set vtep0 local 192.0.2.1 local 192.0.2.2 local 192.0.2.3 "
	  "local 192.0.2.4 local 192.0.2.5 local 192.0.2.6 local 192.0.2.7 "
	  "local 192.0.2.8", 0, "", VTEP_CMD_LINK_SET, 0,
	  "ifname=vtep0 link{locals{addr=192.0.2.1 addr=192.0.2.2 addr=192.0.2.3 "
	  "addr=192.0.2.4 addr=192.0.2.5 addr=192.0.2.6 addr=192.0.2.7 "
	  "addr=192.0.2.8}}" },
	BAD("link set vtep0 local 192.0.2.1 local 192.0.2.2 local 192.0.2.3 "
	    "local 192.0.2.4 local 192.0.2.5 local 192.0.2.6 local 192.0.2.7 "
	    "local 192.0.2.8 local 192.0.2.9",
	    "Error: argument \"192.0.2.9\" is wrong: a device has at most 8 local addresses\n"),
	BAD("link set vtep0 local 192.0.2.1 local 2001:db8::1",
	    "Error: argument \"2001:db8::1\" is wrong: local addresses must all be IPv4 or all IPv6\n"),
	BAD("link set vtep0 local 192.0.2.1 local 192.0.2.1",
	    "Error: argument \"192.0.2.1\" is wrong: local address given twice\n"),
	BAD("link set vtep0 local 192.0.2.1 local 239.1.1.1",
	    "Error: argument \"239.1.1.1\" is wrong: the local address must be unicast\n"),
	BAD("link add",
	    "Error: \"NAME\" is required for \"link add\"\n"),
	BAD("link add vtep0 port 0",
	    "Error: argument \"0\" is wrong: port must be 1-65535\n"),
	BAD("link add vtep0 port 4789 port 4790",
	    "Error: duplicate \"port\": \"4790\" is the second value\n"),
	BAD("link add vtep0 ttl 256",
	    "Error: argument \"256\" is wrong: TTL must be 1-255 or \"auto\"\n"),
	BAD("link add vtep0 tos 1",
	    "Error: argument \"1\" is wrong: TOS must be 0-255 (0x00-0xff), not 1, or \"inherit\"\n"),
	BAD("link add vtep0 tos 0x100",
	    "Error: argument \"0x100\" is wrong: TOS must be 0-255 (0x00-0xff), not 1, or \"inherit\"\n"),
	BAD("link add vtep0 df maybe",
	    "Error: argument \"maybe\" is wrong: DF must be \"set\", \"unset\" or \"inherit\"\n"),
	BAD("link add vtep0 ageing 1000001",
	    "Error: argument \"1000001\" is wrong: ageing must be 0-1000000 seconds (0 = never)\n"),
	BAD("link add vtep0 srcport 50000 40000",
	    "Error: argument \"40000\" is wrong: source ports must be MIN MAX, MIN <= MAX <= 65535\n"),
	BAD("link add vtep0 srcport 50000",
	    "Error: \"srcport\" needs two values, try \"vtepctl link help\"\n"),
	BAD("link add vtep0 local 239.1.1.1",
	    "Error: argument \"239.1.1.1\" is wrong: the local address must be unicast\n"),
	BAD("link add vtep0 local 192.0.2",
	    "Error: argument \"192.0.2\" is wrong: not an IPv4 or IPv6 address\n"),
	BAD("link add vtep0 learning yes",
	    "Error: argument \"yes\" is wrong: expected \"on\" or \"off\"\n"),
	BAD("link add vtep0 max-fdb -1",
	    "Error: argument \"-1\" is wrong: max-fdb must be 0-4294967295 (0 = no limit)\n"),
	BAD("link add vtep0 max-learned 4294967296",
	    "Error: argument \"4294967296\" is wrong: max-learned must be 0-4294967295 (0 = no limit)\n"),
	BAD("link add vtep0 max-peers x",
	    "Error: argument \"x\" is wrong: max-peers must be 0-4294967295 (0 = no limit)\n"),
	BAD("link add vtep0 max-remotes -1",
	    "Error: argument \"-1\" is wrong: max-remotes must be 0-4294967295 (0 = no limit)\n"),
	BAD("link add averyveryverylongname",
	    "Error: argument \"averyveryverylongname\" is wrong: device name must be 1-15 characters, no '/' ':' or spaces\n"),
	BAD("link add vtep0 underlay nosuchdev0",
	    "Error: cannot find device \"nosuchdev0\"\n"),
	BAD("link add vtep0 vtep1",
	    "Error: unknown keyword \"vtep1\" for \"link add\", try \"vtepctl link help\"\n"),
	BAD("link add vtep0 max_fdb 5",
	    "Error: unknown keyword \"max_fdb\" for \"link add\", try \"vtepctl link help\"\n"),
	BAD("link set vtep0 flowlet-gap 0",
	    "Error: argument \"0\" is wrong: flowlet-gap must be 1-1000000 microseconds\n"),
	BAD("link set vtep0 sample 1048577",
	    "Error: argument \"1048577\" is wrong: sample must be 0-1048576 (0 = off)\n"),
	BAD("link set vtep0 elephant-rate 999",
	    "Error: argument \"999\" is wrong: elephant-rate must be at least 1000 bytes/s\n"),
	BAD("link set vtep0 elephant-rate 18446744073709551616",
	    "Error: argument \"18446744073709551616\" is wrong: elephant-rate must be at least 1000 bytes/s\n"),
	BAD("link set vtep0 resteer maybe",
	    "Error: argument \"maybe\" is wrong: expected \"on\" or \"off\"\n"),
	BAD("link set vtep0",
	    "Error: nothing to change, try \"vtepctl link help\"\n"),
	BAD("link del",
	    "Error: \"NAME\" is required for \"link del\"\n"),
	BAD("link del vtep0 port 1",
	    "Error: unknown keyword \"port\" for \"link del\", try \"vtepctl link help\"\n"),
	BAD("link show vtep0 learning on",
	    "Error: unknown keyword \"learning\" for \"link show\", try \"vtepctl link help\"\n"),
	BAD("link frob",
	    "Command \"frob\" is unknown, try \"vtepctl link help\".\n"),
};

START_TEST(commands)
{
	check_cmd(&cases[_i]);
}
END_TEST

int link_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
	       void *data, struct nl_ext *ext)
{
	char b[1024];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t local = htonl(0xc0000201);	/* 192.0.2.1 */

	if (req->nlmsg_type != 0x42)
		return 0;			/* RTM_DELLINK: acked */
	nlh = reply_start(b, VTEP_CMD_LINK_GET, "vtep0", 7);
	nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	mnl_attr_put(nlh, VTEP_LINK_A_LOCAL, 4, &local);
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT, htons(4789));
	mnl_attr_put_u32(nlh, VTEP_LINK_A_UNDERLAY, f->priv ? 1 : 0);	/* lo */
	mnl_attr_put_u8(nlh, VTEP_LINK_A_TTL, 0);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_TOS, 1);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_DF, VTEP_DF_UNSET);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_LEARNING, 1);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_AGEING, 300);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_MAX, 0);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_LEARN_MAX, 16384);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_PEER_MAX, 65536);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_REMOTE_MAX, 1024);
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT_MIN, 32768);
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT_MAX, 65535);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_UDP_CSUM, 0);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_MOVE_NOTICE, 1);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_COUNT, 10);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_VNI_COUNT, 2);
	mnl_attr_nest_end(nlh, nest);
	if (cb)
		cb(nlh, data);
	return 0;
}

/* -s link show: the device's counters after its settings */
static int link_stats_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
			    void *data, struct nl_ext *ext)
{
	if (genl_cmd_of(req) == VTEP_CMD_STATS_GET)
		return stats_reply(f, req, cb, data, ext);
	return link_reply(f, req, cb, data, ext);
}

START_TEST(show_with_stats)
{
	struct vtep_ctx opts = { .stats = true };
	struct fake f = { .reply = link_stats_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd_opts("link show vtep0", &f, &opts, &c), 0);
	ck_assert_str_eq(c.ebuf, "");
	ck_assert_msg(strstr(c.obuf, " vnis 2 fdb 10\n"
			     "    tx_packets         10\n"
			     "    tx_bytes           1000\n"
			     "    drop_unknown_vni   3\n"),
		      "no counters under the link: %s", c.obuf);
	ck_assert_uint_eq(f.n, 2);	/* its counters, its settings */
	cap_free(&c);
	/* every device, in JSON: the counters in each device's object */
	memset(&f, 0, sizeof(f));
	f.reply = link_stats_reply;
	opts.json = true;
	ck_assert_int_eq(run_cmd_opts("link show", &f, &opts, &c), 0);
	ck_assert_msg(strstr(c.obuf, "\"fdb_count\":10,\"stats64\":{\"rx\":{"),
		      "no stats64 in the device's object: %s", c.obuf);
	ck_assert_uint_eq(f.n, 3);	/* the devices, then as above */
	cap_free(&c);
	/* without -s: no counters */
	memset(&f, 0, sizeof(f));
	f.reply = link_stats_reply;
	ck_assert_int_eq(run_cmd("link show vtep0", &f, false, &c), 0);
	ck_assert_ptr_null(strstr(c.obuf, "tx_packets"));
	ck_assert_uint_eq(f.n, 1);
	cap_free(&c);
}
END_TEST

START_TEST(show_text_and_json)
{
	struct fake f = { .reply = link_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("link show", &f, false, &c), 0);
	ck_assert_str_eq(c.obuf,
			 "7: vtep0: local 192.0.2.1 port 4789 ttl auto tos inherit "
			 "df unset learning on ageing 300 max-fdb 0 max-learned 16384 "
			 "max-peers 65536 max-remotes 1024 srcport 32768 "
			 "65535 udpcsum off move-notice on vnis 2 fdb 10\n");
	cap_free(&c);
	ck_assert_int_eq(run_cmd("link show vtep0", &f, true, &c), 0);
	ck_assert_str_eq(c.obuf,
			 "[{\"ifindex\":7,\"ifname\":\"vtep0\",\"local\":\"192.0.2.1\","
			 "\"port\":4789,\"link\":null,\"ttl\":0,\"tos\":\"0x1\","
			 "\"df\":\"unset\",\"learning\":true,\"ageing\":300,"
			 "\"limit\":0,\"max_learned\":16384,\"max_peers\":65536,"
			 "\"max_remotes\":1024,\"port_range\":{\"low\":32768,\"high\":65535},"
			 "\"udp_csum\":false,"
			 "\"move_notice\":true,\"vni_count\":2,\"fdb_count\":10}]\n");
	cap_free(&c);
}
END_TEST

static int locals_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
			void *data, struct nl_ext *ext)
{
	static const uint32_t addrs[] = { 0xc0000201, 0xc000020b, 0xc0000215 };
	char b[512];
	struct nlmsghdr *nlh;
	struct nlattr *nest, *list;
	uint32_t a = htonl(addrs[0]);

	(void)f; (void)req; (void)ext;
	nlh = reply_start(b, VTEP_CMD_LINK_GET, "vtep0", 7);
	nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	mnl_attr_put(nlh, VTEP_LINK_A_LOCAL, 4, &a);
	list = mnl_attr_nest_start(nlh, VTEP_LINK_A_LOCALS);
	for (int i = 0; i < 3; i++) {
		a = htonl(addrs[i]);
		mnl_attr_put(nlh, VTEP_LOCAL_A_ADDR, 4, &a);
	}
	mnl_attr_nest_end(nlh, list);
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT, htons(4789));
	mnl_attr_nest_end(nlh, nest);
	if (cb)
		cb(nlh, data);
	return 0;
}

/* several local addresses: "local A local B" in text, "locals" in JSON */
START_TEST(show_locals)
{
	struct fake f = { .reply = locals_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("link show vtep0", &f, false, &c), 0);
	ck_assert_str_eq(c.obuf, "7: vtep0: local 192.0.2.1 local 192.0.2.11 "
				 "local 192.0.2.21 port 4789\n");
	cap_free(&c);
	ck_assert_int_eq(run_cmd("link show vtep0", &f, true, &c), 0);
	ck_assert_str_eq(c.obuf,
			 "[{\"ifindex\":7,\"ifname\":\"vtep0\",\"local\":\"192.0.2.1\","
			 "\"locals\":[\"192.0.2.1\",\"192.0.2.11\",\"192.0.2.21\"],"
			 "\"port\":4789,\"link\":null}]\n");
	cap_free(&c);
}
END_TEST

/* the underlay is "underlay IF" in text and "link" in JSON, as vxlan's */
START_TEST(show_underlay)
{
	struct fake f = { .reply = link_reply, .priv = &f };
	struct cap c;

	ck_assert_int_eq(run_cmd("link show vtep0", &f, false, &c), 0);
	ck_assert_msg(strstr(c.obuf, " port 4789 underlay lo ttl auto "),
		      "text: %s", c.obuf);
	cap_free(&c);
	ck_assert_int_eq(run_cmd("link show vtep0", &f, true, &c), 0);
	ck_assert_msg(strstr(c.obuf, "\"link\":\"lo\""), "JSON: %s",
		      c.obuf);
	cap_free(&c);
}
END_TEST

/* del asks the vtep family first, so a typo cannot delete eth0 */
START_TEST(del_checks_kind_first)
{
	struct fake f = { .reply = link_reply };
	const struct nlmsghdr *del = (void *)f.msg[1];
	const struct ifinfomsg *ifm;
	struct cap c;

	ck_assert_int_eq(run_cmd("link del vtep0", &f, false, &c), 0);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(genl_cmd_of((void *)f.msg[0]), VTEP_CMD_LINK_GET);
	ck_assert_uint_eq(del->nlmsg_type, RTM_DELLINK);
	ifm = mnl_nlmsg_get_payload(del);
	ck_assert_int_eq(ifm->ifi_index, 7);
	cap_free(&c);

	memset(&f, 0, sizeof(f));
	f.err = -EOPNOTSUPP;
	ck_assert_int_eq(run_cmd("link del eth0", &f, false, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_str_eq(c.ebuf,
			 "Error: link eth0: operation not supported\n");
	cap_free(&c);
}
END_TEST

START_TEST(add_exists)
{
	struct fake f = { .err = -EEXIST };
	struct cap c;

	ck_assert_int_eq(run_cmd("link add vtep0", &f, false, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.ebuf, "Error: link vtep0: exists\n");
	cap_free(&c);
}
END_TEST

Suite *suite_link(void)
{
	Suite *s = suite_create("link");
	TCase *tc = tcase_create("link");

	tcase_add_loop_test(tc, commands, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, show_text_and_json);
	tcase_add_test(tc, show_with_stats);
	tcase_add_test(tc, show_underlay);
	tcase_add_test(tc, show_locals);
	tcase_add_test(tc, del_checks_kind_first);
	tcase_add_test(tc, add_exists);
	suite_add_tcase(s, tc);
	return s;
}
