// SPDX-License-Identifier: GPL-2.0
/*
 * link: vtep devices. Created and deleted over rtnetlink (kind "vtep", the
 * settings in IFLA_INFO_DATA), so "ip link add type vtep" and vtepctl make
 * the same request; changed and shown over the vtep genl family.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "vtepctl.h"

#define L(cmd) BIT(LINK_##cmd)
#define OPT (L(ADD) | L(SET))

static int p_ttl(void *req, char **v)
{
	struct link_req *r = req;
	uint32_t t = 0;

	if (strcmp(v[0], "auto") && parse_u32(v[0], 1, 255, &t))
		return invarg("TTL must be 1-255 or \"auto\"", v[0]);
	r->ttl = (uint8_t)t;
	r->set |= BIT(VTEP_LINK_A_TTL);
	return 0;
}

/* A TOS byte reads best in hex (0x10), as ip(8) prints it */
static int parse_tos(const char *s, uint8_t *tos)
{
	uint32_t t;
	char *end;

	if (s[0] == '0' && s[1] == 'x' && s[2]) {
		unsigned long v = strtoul(s + 2, &end, 16);

		if (*end || v > 255 || s[2] == '-' || s[2] == '+')
			return -1;
		t = (uint32_t)v;
	} else if (parse_u32(s, 0, 255, &t)) {
		return -1;
	}
	*tos = (uint8_t)t;
	return 0;
}

static int p_tos(void *req, char **v)
{
	struct link_req *r = req;

	if (!strcmp(v[0], "inherit"))
		r->tos = VTEP_TOS_INHERIT;
	else if (parse_tos(v[0], &r->tos) || r->tos == VTEP_TOS_INHERIT)
		return invarg("TOS must be 0-255 (0x00-0xff) or \"inherit\"",
			      v[0]);
	r->set |= BIT(VTEP_LINK_A_TOS);
	return 0;
}

static const char *const df_names[] = {
	[VTEP_DF_UNSET] = "unset",
	[VTEP_DF_SET] = "set",
	[VTEP_DF_INHERIT] = "inherit",
	NULL,
};

static int p_df(void *req, char **v)
{
	struct link_req *r = req;
	int i = find_word(df_names, v[0]);

	if (i < 0)
		return invarg("DF must be \"set\", \"unset\" or \"inherit\"",
			      v[0]);
	r->df = (uint8_t)i;
	r->set |= BIT(VTEP_LINK_A_DF);
	return 0;
}

static int p_srcport(void *req, char **v)
{
	struct link_req *r = req;

	if (parse_port(v[0], &r->port_min))
		return invarg("source ports must be 1-65535", v[0]);
	if (parse_port(v[1], &r->port_max) || r->port_max < r->port_min)
		return invarg("source ports must be MIN MAX, MIN <= MAX <= 65535",
			      v[1]);
	r->set |= BIT(VTEP_LINK_A_PORT_MIN) | BIT(VTEP_LINK_A_PORT_MAX);
	return 0;
}

/* "local A [local B ...]": one address is LOCAL(6), several LOCALS */
static int p_local(void *req, char **v)
{
	struct link_req *r = req;
	struct vtep_ip ip;
	unsigned int i;

	if (parse_ip(v[0], &ip))
		return invarg("not an IPv4 or IPv6 address", v[0]);
	if (ip_is_multicast(&ip))
		return invarg("the local address must be unicast", v[0]);
	if (r->nlocals == VTEP_LOCAL_ADDRS_MAX)
		return invarg("a device has at most 8 local addresses", v[0]);
	if (r->nlocals && ip.family != r->locals[0].family)
		return invarg("local addresses must all be IPv4 or all IPv6",
			      v[0]);
	for (i = 0; i < r->nlocals; i++)
		if (!memcmp(&ip, &r->locals[i], sizeof(ip)))
			return invarg("local address given twice", v[0]);
	r->locals[r->nlocals++] = ip;
	if (r->nlocals == 1) {
		r->local = ip;
		r->set |= BIT(VTEP_LINK_A_LOCAL);
	} else {
		r->set &= ~BIT(VTEP_LINK_A_LOCAL);
		r->set |= BIT(VTEP_LINK_A_LOCALS);
	}
	return 0;
}

/* VTEP_LINK_A_LOCALS { ADDR(6) ... }, if several were given */
static void put_locals(struct nlmsghdr *nlh, const struct link_req *r)
{
	struct nlattr *nest;
	unsigned int i;

	if (!(r->set & BIT(VTEP_LINK_A_LOCALS)))
		return;
	nest = mnl_attr_nest_start(nlh, VTEP_LINK_A_LOCALS);
	for (i = 0; i < r->nlocals; i++)
		attr_put_ip(nlh, VTEP_LOCAL_A_ADDR, VTEP_LOCAL_A_ADDR6,
			    &r->locals[i]);
	mnl_attr_nest_end(nlh, nest);
}

#define T(t, a, f) KT(struct link_req, t, a, f)

static const struct kw link_kws[] = {
	{ "NAME", L(ADD) | L(SET) | L(DEL) | L(SHOW), L(ADD) | L(SET) | L(DEL),
	  1, 0, NULL, T(KW_DEV, 0, name) },
	{ "local", OPT, 0, 1, 0, p_local, T(KW_UNICAST, VTEP_LINK_A_LOCAL, local),
	  .why = "the local address must be unicast", .many = true },
	{ "port", OPT, 0, 1, 0, NULL, T(KW_PORT, VTEP_LINK_A_PORT, port) },
	{ "ttl", OPT, 0, 1, 0, p_ttl, T(KW_U8, VTEP_LINK_A_TTL, ttl) },
	{ "tos", OPT, 0, 1, 0, p_tos, T(KW_U8, VTEP_LINK_A_TOS, tos) },
	{ "df", OPT, 0, 1, 0, p_df, T(KW_U8, VTEP_LINK_A_DF, df) },
	{ "learning", OPT, 0, 1, 0, NULL,
	  T(KW_ON_OFF, VTEP_LINK_A_LEARNING, learning) },
	{ "ageing", OPT, 0, 1, 0, NULL, T(KW_SECS, VTEP_LINK_A_AGEING, ageing),
	  .why = "ageing must be 0-1000000 seconds (0 = never)" },
	{ "max-fdb", OPT, 0, 1, 0, NULL, T(KW_U32, VTEP_LINK_A_FDB_MAX, fdb_max),
	  .why = "max-fdb must be 0-4294967295 (0 = no limit)" },
	{ "max-learned", OPT, 0, 1, 0, NULL,
	  T(KW_U32, VTEP_LINK_A_LEARN_MAX, learn_max),
	  .why = "max-learned must be 0-4294967295 (0 = no limit)" },
	{ "max-learned-dev", OPT, 0, 1, 0, NULL,
	  T(KW_U32, VTEP_LINK_A_LEARN_MAX_DEV, learn_max_dev),
	  .why = "max-learned-dev must be 0-4294967295 (0 = no limit)" },
	{ "max-peers", OPT, 0, 1, 0, NULL,
	  T(KW_U32, VTEP_LINK_A_PEER_MAX, peer_max),
	  .why = "max-peers must be 0-4294967295 (0 = no limit)" },
	{ "max-remotes", OPT, 0, 1, 0, NULL,
	  T(KW_U32, VTEP_LINK_A_REMOTE_MAX, remote_max),
	  .why = "max-remotes must be 0-4294967295 (0 = no limit)" },
	{ "srcport", OPT, 0, 2, 0, p_srcport,
	  T(KW_RANGE, VTEP_LINK_A_PORT_MIN, port_min) },
	{ "udpcsum", OPT, 0, 1, 0, NULL,
	  T(KW_ON_OFF, VTEP_LINK_A_UDP_CSUM, udp_csum) },
	{ "move-notice", OPT, 0, 1, 0, NULL,
	  T(KW_ON_OFF, VTEP_LINK_A_MOVE_NOTICE, move_notice) },
	{ "udp6zerocsumrx", OPT, 0, 1, 0, NULL,
	  T(KW_ON_OFF, VTEP_LINK_A_UDP6_ZERO_CSUM_RX, udp6_zero_csum_rx) },
	{ "resteer", OPT, 0, 1, 0, NULL,
	  T(KW_ON_OFF, VTEP_LINK_A_RESTEER, resteer) },
	{ "flowlet-gap", OPT, 0, 1, 0, NULL,
	  T(KW_U32, VTEP_LINK_A_FLOWLET_GAP, flowlet_gap),
	  .lo = 1, .hi = VTEP_FLOWLET_GAP_MAX,
	  .why = "flowlet-gap must be 1-1000000 microseconds" },
	{ "sample", OPT, 0, 1, 0, NULL, T(KW_U32, VTEP_LINK_A_SAMPLE, sample),
	  .lo = 0, .hi = VTEP_SAMPLE_MAX,
	  .why = "sample must be 0-1048576 (0 = off)" },
	{ "elephant-rate", OPT, 0, 1, 0, NULL,
	  T(KW_U64, VTEP_LINK_A_ELEPHANT_RATE, elephant_rate),
	  .lo = VTEP_ELEPHANT_RATE_MIN,
	  .why = "elephant-rate must be at least 1000 bytes/s" },
	/* last: LINK_SET sends its ifindex after the settings */
	{ "underlay", OPT, 0, 1, 0, NULL,
	  T(KW_DEV, VTEP_LINK_A_UNDERLAY, underlay) },
	{ NULL },
};

static int link_add(struct vtep_ctx *ctx, void *req);
static int link_del(struct vtep_ctx *ctx, void *req);
static int link_show(struct vtep_ctx *ctx, void *req);
static const struct vtep_op link_ops[] = {
	[LINK_ADD] = { "add", .run = link_add },
	[LINK_SET] = { "set", VTEP_CMD_LINK_SET },
	[LINK_DEL] = { "del", .run = link_del },
	[LINK_SHOW] = { "show", .run = link_show },
	{ NULL },
};

/* Rules across keywords; the underlay named is resolved here, so a
 * missing one stops the command before anything is sent */
static int link_check(int cmd, void *req)
{
	struct link_req *r = req;

	if (cmd == LINK_SET && !r->set) {
		pr_err("nothing to change, try \"vtepctl link help\"");
		return -1;
	}
	if (!(r->set & BIT(VTEP_LINK_A_UNDERLAY)))
		return 0;
	r->underlay_ifindex = nl_ifindex(r->underlay);
	if (!r->underlay_ifindex) {
		pr_err("cannot find device \"%s\"", r->underlay);
		return -1;
	}
	return 0;
}

/* nlh: a bare header; the underlay device travels as IFLA_LINK */
static void link_build_newlink(struct nlmsghdr *nlh, const struct link_req *r)
{
	struct ifinfomsg *ifm;
	struct nlattr *info, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, r->name);
	if (r->set & BIT(VTEP_LINK_A_UNDERLAY))
		mnl_attr_put_u32(nlh, IFLA_LINK, r->underlay_ifindex);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vtep");
	if (r->set & ~BIT(VTEP_LINK_A_UNDERLAY)) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		kw_put(nlh, link_kws, r);
		put_locals(nlh, r);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
}

/* nlh: a VTEP_CMD_LINK_SET header */
static void link_build_set(struct nlmsghdr *nlh, const void *req)
{
	const struct link_req *r = req;
	struct nlattr *nest;

	put_dev(nlh, r->name);
	nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	kw_put(nlh, link_kws, r);
	put_locals(nlh, r);
	if (r->set & BIT(VTEP_LINK_A_UNDERLAY))
		mnl_attr_put_u32(nlh, VTEP_LINK_A_UNDERLAY, r->underlay_ifindex);
	mnl_attr_nest_end(nlh, nest);
}

static void print_u8_on_off(const struct nlattr *a, const char *key,
			    const char *fmt)
{
	uint8_t v;

	if (attr_u8(a, &v))
		print_on_off(PRINT_ANY, key, fmt, v);
}

static void print_u32_attr(const struct nlattr *a, const char *key,
			   const char *fmt)
{
	uint32_t v;

	if (attr_u32(a, &v))
		print_uint(PRINT_ANY, key, fmt, v);
}

/* The other local addresses, "local B local C "; JSON: "locals", all */
static void print_locals(const struct nlattr *nest)
{
	char buf[INET6_ADDRSTRLEN];
	const struct nlattr *a;
	struct vtep_ip ip;
	bool first = true;

	if (!nest)
		return;
	open_json_array("locals");
	mnl_attr_for_each_nested(a, nest) {
		bool v6 = mnl_attr_get_type(a) == VTEP_LOCAL_A_ADDR6;

		if (!attr_ip(v6 ? NULL : a, v6 ? a : NULL, &ip))
			continue;
		format_ip(&ip, buf, sizeof(buf));
		print_string(PRINT_JSON, NULL, "%s", buf);
		if (!first)	/* the primary is "local" already */
			print_string(PRINT_FP, NULL, "local %s ", buf);
		first = false;
	}
	close_json_array();
}

static void print_link_attrs(const struct nlattr **t)
{
	char buf[INET6_ADDRSTRLEN], name[IFNAMSIZ];
	struct vtep_ip ip;
	uint16_t u16, u16b;
	uint64_t u64;
	uint32_t u32;
	uint8_t u8;

	if (attr_ip(t[VTEP_LINK_A_LOCAL], t[VTEP_LINK_A_LOCAL6], &ip))
		print_string(PRINT_ANY, "local", "local %s ",
			     format_ip(&ip, buf, sizeof(buf)));
	else
		print_null("local");
	print_locals(t[VTEP_LINK_A_LOCALS]);
	if (attr_u16(t[VTEP_LINK_A_PORT], &u16))
		print_uint(PRINT_ANY, "port", "port %u ", ntohs(u16));
	if (attr_u32(t[VTEP_LINK_A_UNDERLAY], &u32) && u32)
		print_string(PRINT_ANY, "underlay", "underlay %s ",
			     nl_ifname(u32, name));
	else
		print_null("underlay");
	if (attr_u8(t[VTEP_LINK_A_TTL], &u8)) {
		print_uint(PRINT_JSON, "ttl", "%u", u8);
		if (u8)
			print_uint(PRINT_FP, NULL, "ttl %u ", u8);
		else
			print_text("ttl auto ");
	}
	if (attr_u8(t[VTEP_LINK_A_TOS], &u8)) {
		/* a hex string, 1 = inherit, as vxlan's in ip -j -d link */
		snprintf(buf, sizeof(buf), "0x%x", u8);
		print_string(PRINT_JSON, "tos", "%s", buf);
		if (u8 == VTEP_TOS_INHERIT)
			print_text("tos inherit ");
		else
			print_uint(PRINT_FP, NULL, "tos 0x%02x ", u8);
	}
	if (attr_u8(t[VTEP_LINK_A_DF], &u8) && u8 <= VTEP_DF_MAX)
		print_string(PRINT_ANY, "df", "df %s ", df_names[u8]);
	print_u8_on_off(t[VTEP_LINK_A_LEARNING], "learning", "learning %s ");
	print_u32_attr(t[VTEP_LINK_A_AGEING], "ageing", "ageing %u ");
	print_u32_attr(t[VTEP_LINK_A_FDB_MAX], "limit", "max-fdb %u ");
	print_u32_attr(t[VTEP_LINK_A_LEARN_MAX], "max_learned",
		       "max-learned %u ");
	print_u32_attr(t[VTEP_LINK_A_LEARN_MAX_DEV], "max_learned_dev",
		       "max-learned-dev %u ");
	print_u32_attr(t[VTEP_LINK_A_PEER_MAX], "max_peers", "max-peers %u ");
	print_u32_attr(t[VTEP_LINK_A_REMOTE_MAX], "max_remotes",
		       "max-remotes %u ");
	if (attr_u16(t[VTEP_LINK_A_PORT_MIN], &u16) &&
	    attr_u16(t[VTEP_LINK_A_PORT_MAX], &u16b)) {
		open_json_object("port_range");
		print_uint(PRINT_ANY, "low", "srcport %u ", u16);
		print_uint(PRINT_ANY, "high", "%u ", u16b);
		close_json_object();
	}
	print_u8_on_off(t[VTEP_LINK_A_UDP_CSUM], "udp_csum", "udpcsum %s ");
	print_u8_on_off(t[VTEP_LINK_A_MOVE_NOTICE], "move_notice",
			"move-notice %s ");
	/* like ip's vxlan: shown when on */
	if (attr_u8(t[VTEP_LINK_A_UDP6_ZERO_CSUM_RX], &u8) && u8)
		print_on_off(PRINT_ANY, "udp6zerocsumrx", "udp6zerocsumrx %s ", u8);
	print_u8_on_off(t[VTEP_LINK_A_RESTEER], "resteer", "resteer %s ");
	print_u32_attr(t[VTEP_LINK_A_FLOWLET_GAP], "flowlet_gap",
		       "flowlet-gap %u ");
	print_u32_attr(t[VTEP_LINK_A_SAMPLE], "sample", "sample %u ");
	if (attr_u64(t[VTEP_LINK_A_ELEPHANT_RATE], &u64))
		print_u64(PRINT_ANY, "elephant_rate", "elephant-rate %llu ", u64);
	print_u32_attr(t[VTEP_LINK_A_VNI_COUNT], "vni_count", "vnis %u ");
	print_u32_attr(t[VTEP_LINK_A_FDB_COUNT], "fdb_count", "fdb %u ");
}

/* One VTEP_CMD_LINK_GET reply: "5: vtep0: local 192.0.2.1 port 4789 ..." */
static int link_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_LINK_A_MAX + 1];
	uint32_t ifindex = 0;
	const char *ifname = attr_parse_dev(nlh, tb, &ifindex);

	if (!ifname)
		return 0;
	attr_parse_nest(tb[VTEP_A_LINK], t, VTEP_LINK_A_MAX);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "ifindex", "%u: ", ifindex);
	print_string(PRINT_ANY, "ifname", "%s: ", ifname);
	print_link_attrs(t);
	close_json_object();
	print_nl();
	return 0;
}

static int ifindex_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_u32(tb[VTEP_A_IFINDEX], data);
	return 0;
}

static void link_what(const void *req, char *buf, size_t len)
{
	const struct link_req *r = req;

	snprintf(buf, len, "link %s", r->name);
}

static int link_del(struct vtep_ctx *ctx, void *req)
{
	const struct link_req *r = req;
	struct vtep_nl *nl = ctx->nl;
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	uint32_t ifindex = 0;

	link_what(r, what, sizeof(what));
	/* ask the vtep family first: deleting eth0 by a typo is refused */
	nlh = nl_genl_msg(nl, buf, VTEP_CMD_LINK_GET, 0);
	put_dev(nlh, r->name);
	if (vtep_request(ctx, nlh, ifindex_cb, &ifindex, what))
		return -1;
	if (nl_last_error(nl)->err)
		return 0;	/* not there, and -ignore-missing */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, r->name);
	if (nl_rtnl_request(nl, nlh))
		return vtep_refused(ctx, what);
	return 0;
}

static int link_add(struct vtep_ctx *ctx, void *req)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];

	link_build_newlink(mnl_nlmsg_put_header(buf), req);
	if (nl_rtnl_request(ctx->nl, (struct nlmsghdr *)buf)) {
		link_what(req, what, sizeof(what));
		nl_perror(ctx->nl, what);
		return -1;
	}
	return 0;
}

static int link_show(struct vtep_ctx *ctx, void *req)
{
	const struct link_req *r = req;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	if (r->name[0])
		return obj_get(ctx, &link_object, req, VTEP_CMD_LINK_GET,
			       link_print);
	open_json_array(NULL);
	err = dump_print(ctx, nl_genl_msg(ctx->nl, buf, VTEP_CMD_LINK_GET, 0),
			 link_print, NULL);
	close_json_array();
	return err;
}

const struct vtep_object link_object = {
	VTEP_OBJECT(link, LINK_SHOW),
	.summary = "create, change, delete and show vtep devices",
	.help =
	"Usage: vtepctl link add NAME [ LINK_OPTIONS ]\n"
	"       vtepctl link set NAME LINK_OPTIONS\n"
	"       vtepctl link del NAME\n"
	"       vtepctl link show [ NAME ]\n"
	"Where: LINK_OPTIONS := [ local ADDR [ local ADDR ... ] ] [ port PORT ]\n"
	"                       [ underlay IF ]\n"
	"                       [ ttl { TTL | auto } ] [ tos { TOS | inherit } ]\n"
	"                       [ df { set | unset | inherit } ]\n"
	"                       [ learning { on | off } ] [ ageing SECS ]\n"
	"                       [ max-fdb N ] [ max-learned N ]\n"
	"                       [ max-learned-dev N ] [ max-peers N ]\n"
	"                       [ max-remotes N ] [ srcport MIN MAX ]\n"
	"                       [ udpcsum { on | off } ] [ move-notice { on | off } ]\n"
	"                       [ udp6zerocsumrx { on | off } ]\n"
	"                       [ resteer { on | off } ] [ flowlet-gap USEC ]\n"
	"                       [ sample N ] [ elephant-rate BYTES ]\n"
	"       ADDR := local IPv4 or IPv6 address (its family is the underlay's);\n"
	"               up to 8, one family: the first is the primary (the\n"
	"               default source), each inner flow takes one by its hash\n"
	"       PORT := 1-65535, UDP destination port (default 4789)\n"
	"       IF   := underlay device, for multicast and for binding\n"
	"       TTL  := 1-255; auto: the route's\n"
	"       TOS  := 0-255 or 0x00-0xff; inherit: from the inner header\n"
	"       SECS := 0-1000000, learned entries' ageing time (default 300, 0 = never)\n"
	"       N    := 0-4294967295, 0 = no limit: max-fdb static FDB entries of\n"
	"               the device (default 0), max-learned learned entries per VNI\n"
	"               (16384), max-peers peers of the device (65536),\n"
	"               max-remotes remotes per VNI (1024)\n"
	"       MIN MAX := UDP source port range (default 32768 65535)\n"
	"       USEC := 1-1000000, the idle time after which an elephant may\n"
	"               take another outer source port (default 500)\n"
	"       sample N := 0-1048576, sample one transmitted frame in N to find\n"
	"               elephant flows (default 256, 0 = off)\n"
	"       BYTES := at least 1000, the rate in bytes/s that makes a flow an\n"
	"               elephant (default 125000000)\n"
	"resteer on moves elephants to a random outer source port at gaps longer\n"
	"than flowlet-gap, never inside a burst (default off); see vtepctl flows.\n",
	.check = link_check,
	.build = link_build_set,
	.what = link_what,
};
