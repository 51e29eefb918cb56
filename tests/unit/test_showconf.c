// SPDX-License-Identifier: GPL-2.0
/* showconf.c: a device's configuration as -batch lines that recreate it */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "unit.h"

#define ODD_DEV "#v1"	/* a valid name that -batch would read as a comment */

struct sc_fake {
	uint8_t fail_cmd;	/* answer this command with fail_err */
	int fail_err;
};

static void put_ip(struct nlmsghdr *nlh, uint16_t a4, const char *s)
{
	struct vtep_ip ip;

	ck_assert_int_eq(parse_ip(s, &ip), 0);
	attr_put_ip(nlh, a4, a4 + 1, &ip);
}

static void put_mac(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	uint8_t mac[6];

	ck_assert_int_eq(parse_mac(s, mac), 0);
	mnl_attr_put(nlh, type, 6, mac);
}

/* vtep0: everything; ODD_DEV: IPv6, three locals, nothing else */
static void link_of(nl_cb cb, void *data, const char *dev)
{
	char b[2048];
	struct nlmsghdr *nlh = reply_start(b, VTEP_CMD_LINK_GET, dev, 7);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_LINK), *l;
	bool odd = !strcmp(dev, ODD_DEV);

	if (odd) {
		put_ip(nlh, VTEP_LINK_A_LOCAL, "2001:db8::1");
		l = mnl_attr_nest_start(nlh, VTEP_LINK_A_LOCALS);
		put_ip(nlh, VTEP_LOCAL_A_ADDR, "2001:db8::1");
		put_ip(nlh, VTEP_LOCAL_A_ADDR, "2001:db8::2");
		put_ip(nlh, VTEP_LOCAL_A_ADDR, "2001:db8::3");
		mnl_attr_nest_end(nlh, l);
	} else {
		put_ip(nlh, VTEP_LINK_A_LOCAL, "192.0.2.1");
	}
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT, htons(odd ? 4789 : 8472));
	mnl_attr_put_u32(nlh, VTEP_LINK_A_UNDERLAY, odd ? 0 : 1);	/* lo */
	mnl_attr_put_u8(nlh, VTEP_LINK_A_TTL, odd ? 0 : 17);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_TOS, odd ? 1 : 0x10);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_DF, odd ? VTEP_DF_INHERIT : VTEP_DF_SET);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_LEARNING, odd);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_AGEING, 120);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_MAX, 1000);
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT_MIN, 40000);
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT_MAX, 40100);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_UDP_CSUM, 1);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_MOVE_NOTICE, 0);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_COUNT, 10);	/* read only */
	mnl_attr_put_u32(nlh, VTEP_LINK_A_VNI_COUNT, 2);	/* read only */
	mnl_attr_put_u8(nlh, VTEP_LINK_A_UDP6_ZERO_CSUM_RX, odd);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_LEARN_MAX, 500);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_PEER_MAX, 600);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_REMOTE_MAX, 700);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_RESTEER, 1);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_FLOWLET_GAP, 800);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_SAMPLE, 0);
	mnl_attr_put_u64(nlh, VTEP_LINK_A_ELEPHANT_RATE, 5000000000ULL);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_LEARN_MAX_DEV, 900);
	mnl_attr_nest_end(nlh, nest);
	cb(nlh, data);
}

static void vnis(nl_cb cb, void *data)
{
	static const struct { uint32_t id; uint16_t vlan; const char *group;
			      uint8_t flood, peers, suppress; } v[] = {
		/* not in order: the output is sorted */
		{ 200, 0, "0.0.0.0", 0, VTEP_PEERS_KNOWN, 1 },
		{ 100, 10, "239.1.1.1", 1, VTEP_PEERS_ANY, 0 },
	};
	char b[512];

	for (unsigned int i = 0; i < ARRAY_SIZE(v); i++) {
		struct nlmsghdr *nlh = reply_start(b, VTEP_CMD_VNI_GET, "vtep0", 7);
		struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);

		mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, v[i].id);
		if (v[i].vlan)
			mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, v[i].vlan);
		else
			mnl_attr_put(nlh, VTEP_VNI_A_UNTAGGED, 0, NULL);
		put_ip(nlh, VTEP_VNI_A_GROUP, v[i].group);
		mnl_attr_put_u8(nlh, VTEP_VNI_A_FLOOD, v[i].flood);
		mnl_attr_put_u8(nlh, VTEP_VNI_A_PEERS, v[i].peers);
		mnl_attr_put_u8(nlh, VTEP_VNI_A_SUPPRESS, v[i].suppress);
		mnl_attr_put_u32(nlh, VTEP_VNI_A_REMOTES, 1);
		mnl_attr_put_u32(nlh, VTEP_VNI_A_FDB_COUNT, 3);
		mnl_attr_nest_end(nlh, nest);
		cb(nlh, data);
	}
}

static void fdb_entry(nl_cb cb, void *data, const char *mac, uint32_t vni,
		      const char *dst, uint8_t type)
{
	char b[256];
	struct nlmsghdr *nlh = reply_start(b, VTEP_CMD_FDB_GET, "vtep0", 7);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);

	mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, vni);
	put_mac(nlh, VTEP_FDB_A_MAC, mac);
	put_ip(nlh, VTEP_FDB_A_DST, dst);
	mnl_attr_put_u8(nlh, VTEP_FDB_A_TYPE, type);
	if (type == VTEP_FDB_TYPE_LEARNED)
		mnl_attr_put_u32(nlh, VTEP_FDB_A_AGE, 1234);
	mnl_attr_nest_end(nlh, nest);
	cb(nlh, data);
}

static int sc_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		    void *data, struct nl_ext *ext)
{
	const struct nlattr *tb[VTEP_A_MAX + 1], *t[VTEP_PEER_A_MAX + 1];
	const struct sc_fake *sf = f->priv;
	char b[1024];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	const char *dev;
	uint32_t vni = 0;

	attr_parse_genl(req, tb, VTEP_A_MAX);
	dev = attr_str(tb[VTEP_A_IFNAME]);
	if (sf && sf->fail_cmd == genl_cmd_of(req))
		return sf->fail_err;
	if (dev && strcmp(dev, "vtep0") && strcmp(dev, ODD_DEV))
		return -ENODEV;
	switch (genl_cmd_of(req)) {
	case VTEP_CMD_LINK_GET:
		if (!dev || !strcmp(dev, "vtep0"))
			link_of(cb, data, "vtep0");
		if (!dev || !strcmp(dev, ODD_DEV))
			link_of(cb, data, ODD_DEV);
		return 0;
	}
	if (strcmp(dev, "vtep0")) {	/* ODD_DEV: empty tables */
		if (genl_cmd_of(req) == VTEP_CMD_ALIAS_GET)
			cb(reply_start(b, VTEP_CMD_ALIAS_GET, dev, 8), data);
		return 0;
	}
	switch (genl_cmd_of(req)) {
	case VTEP_CMD_VNI_GET:
		vnis(cb, data);
		return 0;
	case VTEP_CMD_REMOTE_GET:
		for (uint32_t v = 100; v <= 200; v += 100) {
			nlh = reply_start(b, VTEP_CMD_REMOTE_GET, dev, 7);
			nest = mnl_attr_nest_start(nlh, VTEP_A_REMOTE);
			mnl_attr_put_u32(nlh, VTEP_REMOTE_A_VNI, v);
			put_ip(nlh, VTEP_REMOTE_A_ADDR, "198.51.100.2");
			mnl_attr_nest_end(nlh, nest);
			cb(nlh, data);
		}
		return 0;
	case VTEP_CMD_PEER_GET:	/* one reply, every prefix of the VNI */
		attr_parse_nest(tb[VTEP_A_PEER], t, VTEP_PEER_A_MAX);
		attr_u32(t[VTEP_PEER_A_VNI], &vni);
		nlh = reply_start(b, VTEP_CMD_PEER_GET, dev, 7);
		for (int i = 0; vni == 200 && i < 2; i++) {
			nest = mnl_attr_nest_start(nlh, VTEP_A_PEER);
			mnl_attr_put_u32(nlh, VTEP_PEER_A_VNI, vni);
			put_ip(nlh, VTEP_PEER_A_ADDR,
			       i ? "198.51.100.9" : "203.0.113.0");
			mnl_attr_put_u8(nlh, VTEP_PEER_A_PREFIX, i ? 32 : 24);
			mnl_attr_nest_end(nlh, nest);
		}
		cb(nlh, data);
		return 0;
	case VTEP_CMD_ALIAS_GET:
		nlh = reply_start(b, VTEP_CMD_ALIAS_GET, dev, 7);
		nest = mnl_attr_nest_start(nlh, VTEP_A_ALIAS);
		put_ip(nlh, VTEP_ALIAS_A_ADDR, "198.51.100.12");
		put_ip(nlh, VTEP_ALIAS_A_PEER, "198.51.100.2");
		mnl_attr_nest_end(nlh, nest);
		cb(nlh, data);
		return 0;
	case VTEP_CMD_FDB_GET:	/* a learned one, as a kernel ignoring
				 * the filter would send it */
		fdb_entry(cb, data, "02:00:00:00:00:02", 200, "2001:db8::7",
			  VTEP_FDB_TYPE_STATIC);
		fdb_entry(cb, data, "02:00:00:00:00:0a", 100, "198.51.100.3",
			  VTEP_FDB_TYPE_LEARNED);
		fdb_entry(cb, data, "02:00:00:00:00:01", 100, "198.51.100.2",
			  VTEP_FDB_TYPE_STATIC);
		return 0;
	case VTEP_CMD_NEIGH_GET:
		nlh = reply_start(b, VTEP_CMD_NEIGH_GET, dev, 7);
		nest = mnl_attr_nest_start(nlh, VTEP_A_NEIGH);
		mnl_attr_put_u32(nlh, VTEP_NEIGH_A_VNI, 200);
		put_ip(nlh, VTEP_NEIGH_A_ADDR, "203.0.113.5");
		put_mac(nlh, VTEP_NEIGH_A_LLADDR, "02:00:00:00:00:05");
		mnl_attr_nest_end(nlh, nest);
		cb(nlh, data);
		return 0;
	}
	return -EINVAL;
}

#define VTEP0 \
	"link add vtep0 local 192.0.2.1 port 8472 underlay lo ttl 17 tos 0x10" \
	" df set learning off ageing 120 max-fdb 1000 max-learned 500" \
	" max-learned-dev 900 max-peers 600 max-remotes 700 srcport 40000 40100" \
	" udpcsum on move-notice off udp6zerocsumrx off resteer on" \
	" flowlet-gap 800 sample 0 elephant-rate 5000000000\n" \
	"vni add 100 dev vtep0 vlan 10 group 239.1.1.1 flood on peers any suppress off\n" \
	"vni add 200 dev vtep0 untagged flood off peers known suppress on\n" \
	"remote add 198.51.100.2 vni 100 dev vtep0\n" \
	"remote add 198.51.100.2 vni 200 dev vtep0\n" \
	"peer add 198.51.100.9/32 vni 200 dev vtep0\n" \
	"peer add 203.0.113.0/24 vni 200 dev vtep0\n" \
	"alias add 198.51.100.12 to 198.51.100.2 dev vtep0\n" \
	"fdb add 02:00:00:00:00:01 vni 100 dst 198.51.100.2 dev vtep0\n" \
	"fdb add 02:00:00:00:00:02 vni 200 dst 2001:db8::7 dev vtep0\n" \
	"neigh add 203.0.113.5 lladdr 02:00:00:00:00:05 vni 200 dev vtep0\n"

#define ODD \
	"link add \"#v1\" local 2001:db8::1 local 2001:db8::2 local 2001:db8::3" \
	" port 4789 ttl auto tos inherit df inherit learning on ageing 120" \
	" max-fdb 1000 max-learned 500 max-learned-dev 900 max-peers 600" \
	" max-remotes 700 srcport 40000 40100 udpcsum on move-notice off" \
	" udp6zerocsumrx on resteer on flowlet-gap 800 sample 0" \
	" elephant-rate 5000000000\n"

START_TEST(one_device)
{
	struct fake f = { .reply = sc_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("showconf dev vtep0", &f, false, &c), 0);
	ck_assert_str_eq(c.ebuf, "");
	ck_assert_str_eq(c.obuf, VTEP0);
	/* LINK, VNI, REMOTE, PEER x 2 VNIs, ALIAS, FDB, NEIGH */
	ck_assert_uint_eq(f.n, 8);
	cap_free(&c);
}
END_TEST

/* The FDB dump asks for static entries only */
START_TEST(fdb_dump_asks_static)
{
	struct fake f = { .reply = sc_reply };
	char got[512];
	struct cap c;

	ck_assert_int_eq(run_cmd("showconf dev vtep0", &f, false, &c), 0);
	cap_free(&c);
	ck_assert_uint_eq(genl_cmd_of((void *)f.msg[6]), VTEP_CMD_FDB_GET);
	ck_assert_str_eq(render((void *)f.msg[6], SCHEMA_GENL, got, sizeof(got)),
			 "ifname=vtep0 fdb{type=1}");
	ck_assert(((struct nlmsghdr *)f.msg[6])->nlmsg_flags & NLM_F_DUMP);
}
END_TEST

START_TEST(every_device)
{
	struct fake f = { .reply = sc_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("showconf", &f, false, &c), 0);
	ck_assert_str_eq(c.ebuf, "");
	ck_assert_str_eq(c.obuf, VTEP0 "\n" ODD);
	cap_free(&c);
}
END_TEST

/* Every line it prints is one -batch parses, with nothing left out: the
 * request built from it says what the line says */
START_TEST(lines_parse_back)
{
	static const char *const want[] = {
		"ifname=vtep0 link=1 linkinfo{kind=vtep data{local=192.0.2.1"
		" port=8472 ttl=17 tos=16 df=1 learning=0 ageing=120"
		" fdb_max=1000 learn_max=500 learn_max_dev=900 peer_max=600"
		" remote_max=700 port_min=40000 port_max=40100 udp_csum=1"
		" move_notice=0 udp6_zero_csum_rx=0 resteer=1 flowlet_gap=800"
		" sample=0 elephant_rate=5000000000}}",
		"ifname=#v1 linkinfo{kind=vtep data{port=4789 ttl=0 tos=1 df=2"
		" learning=1 ageing=120 fdb_max=1000 learn_max=500"
		" learn_max_dev=900 peer_max=600 remote_max=700 port_min=40000"
		" port_max=40100 udp_csum=1 move_notice=0 udp6_zero_csum_rx=1"
		" resteer=1 flowlet_gap=800 sample=0 elephant_rate=5000000000"
		" locals{addr6=2001:db8::1 addr6=2001:db8::2 addr6=2001:db8::3}}}",
	};
	struct fake f = { .reply = sc_reply };
	char *text, *line, *save = NULL, got[2048];
	unsigned int n = 0, links = 0;
	struct cap c;

	ck_assert_int_eq(run_cmd("showconf", &f, false, &c), 0);
	text = strdup(c.obuf);
	cap_free(&c);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct fake g = { 0 };
		const struct nlmsghdr *nlh = (void *)g.msg[0];

		ck_assert_msg(run_cmd(line, &g, false, &c) == 0, "\"%s\": %s",
			      line, c.ebuf);
		ck_assert_str_eq(c.ebuf, "");
		cap_free(&c);
		ck_assert_uint_eq(g.n, 1);
		if (!strncmp(line, "link add", 8)) {
			render(nlh, SCHEMA_RTNL, got, sizeof(got));
			ck_assert_str_eq(got, want[links]);
			links++;
		}
		n++;
	}
	free(text);
	ck_assert_uint_eq(n, 12);
	ck_assert_uint_eq(links, 2);
}
END_TEST

/* A device that is not there, a read that fails late: nothing printed */
START_TEST(failure_prints_nothing)
{
	struct sc_fake late = { VTEP_CMD_NEIGH_GET, -EPERM };
	struct fake f = { .reply = sc_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("showconf dev vtep9", &f, false, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.obuf, "");
	ck_assert(strstr(c.ebuf, "vtep9"));
	cap_free(&c);
	f = (struct fake){ .reply = sc_reply, .priv = &late };
	ck_assert_int_eq(run_cmd("showconf", &f, false, &c), VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.obuf, "");
	ck_assert_str_ne(c.ebuf, "");
	cap_free(&c);
}
END_TEST

START_TEST(json_refused)
{
	struct fake f = { .reply = sc_reply };
	struct cap c;

	ck_assert_int_eq(run_cmd("showconf dev vtep0", &f, true, &c),
			 VTEP_EXIT_USAGE);
	ck_assert_str_eq(c.obuf, "");
	ck_assert_str_eq(c.ebuf,
			 "Error: \"showconf\" writes a -batch file: \"-j\" cannot be used with it\n");
	ck_assert_uint_eq(f.n, 0);
	cap_free(&c);
}
END_TEST

static const struct cmd_case cases[] = {
	BAD("showconf vtep0",
	    "Error: unknown keyword \"vtep0\" for \"showconf\", try \"vtepctl showconf help\"\n"),
	BAD("showconf dev",
	    "Error: \"dev\" needs a value, try \"vtepctl showconf help\"\n"),
};

START_TEST(bad_commands)
{
	check_cmd(&cases[_i]);
}
END_TEST

Suite *suite_showconf(void)
{
	Suite *s = suite_create("showconf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, one_device);
	tcase_add_test(tc, fdb_dump_asks_static);
	tcase_add_test(tc, every_device);
	tcase_add_test(tc, lines_parse_back);
	tcase_add_test(tc, failure_prints_nothing);
	tcase_add_test(tc, json_refused);
	tcase_add_loop_test(tc, bad_commands, 0, ARRAY_SIZE(cases));
	suite_add_tcase(s, tc);
	return s;
}
