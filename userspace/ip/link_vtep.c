// SPDX-License-Identifier: GPL-2.0
/*
 * link_vtep.so: the "vtep" link kind for iproute2's ip(8).
 *
 *   ip link add vtep0 type vtep local 192.0.2.1 underlay eth0 port 4789
 *   ip link set vtep0 type vtep learning off ageing 600
 *   ip -d link show vtep0      ip -j -d link show vtep0      ip link help vtep
 *
 * ip dlopens $IP_LIB_DIR/link_vtep.so (default /usr/lib/<multiarch>/ip)
 * and looks up vtep_link_util, the one symbol this object exports. The
 * settings travel in IFLA_INFO_DATA as the VTEP_LINK_A_* attributes of
 * uapi/linux/vtep.h, the same the module takes from vtepctl. Nothing of
 * vtepctl (nor libmnl) is linked in: its names would clash with ip's.
 * The keywords are vtepctl's link grammar ("dev IF" too, as for vxlan);
 * the text is vtepctl's "link show" line and the JSON keys and values are
 * those of "vtepctl -j link show" (tests/topo/iplink_plugin.sh diffs them).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vtep.h>

#include "iproute2.h"

#define EXPORT __attribute__((visibility("default")))

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ... vtep [ local ADDR ] [ underlay { IF | none } ]\n"
		"                [ port PORT ] [ ttl { TTL | auto } ]\n"
		"                [ tos { TOS | inherit } ] [ df { set | unset | inherit } ]\n"
		"                [ learning { on | off } ] [ ageing SECS ] [ max-fdb N ]\n"
		"                [ max-learned N ] [ max-learned-dev N ] [ max-peers N ]\n"
		"                [ max-remotes N ]\n"
		"                [ srcport MIN MAX ] [ udpcsum { on | off } ]\n"
		"                [ move-notice { on | off } ] [ resteer { on | off } ]\n"
		"                [ flowlet-gap USEC ] [ sample N ] [ elephant-rate BYTES ]\n"
		"\n"
		"Where: ADDR := local IPv4 or IPv6 address (its family is the underlay's)\n"
		"       IF   := underlay device, for multicast and for binding;\n"
		"               \"dev IF\" is the same as \"underlay IF\"\n"
		"       PORT := 1-65535, UDP destination port (default 4789)\n"
		"       TTL  := 1-255; auto: the route's\n"
		"       TOS  := 0-255 or 0x00-0xff, not 1; inherit: from the inner header\n"
		"       SECS := 0-1000000, learned entries' ageing time (default 300, 0 = never)\n"
		"       N    := 0-4294967295, 0 = no limit: static FDB entries of the\n"
		"               device (default 0), learned entries per VNI (16384),\n"
		"               peers of the device (65536), remotes per VNI (1024)\n"
		"       MIN MAX := UDP source port range, 1-65535 (default 32768 65535)\n"
		"       USEC := 1-1000000, idle time after which an elephant flow may\n"
		"               take a new source port (default 500)\n"
		"       N    := 0-1048576, sample one transmitted frame in N (default\n"
		"               256, 0 = off)\n"
		"       BYTES := bytes/s from which a flow is an elephant, at least 1000\n"
		"               (default 125000000)\n"
		"VNIs, remotes and FDB entries are programmed with vtepctl(8).\n");
}

static const char *const df_names[] = {
	[VTEP_DF_UNSET] = "unset",
	[VTEP_DF_SET] = "set",
	[VTEP_DF_INHERIT] = "inherit",
};

/* Exact decimal (or 0x hex when hex is set) in [min, max], nothing else */
static int parse_num(const char *s, uint32_t min, uint32_t max, bool hex,
		     uint32_t *out)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (hex && s[0] == '0' && s[1] == 'x') {
		s += 2;
		base = 16;
	}
	if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	v = strtoull(s, &end, base);
	if (*end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static uint8_t on_off(const char *v)
{
	if (!strcmp(v, "on"))
		return 1;
	if (!strcmp(v, "off"))
		return 0;
	invarg("expected \"on\" or \"off\"", v);
}

/* Each keyword once: a repeated one is an error, as in ip's other kinds */
static void once(uint32_t *seen, unsigned int attr, const char *key,
		 const char *arg)
{
	if (*seen & (1u << attr))
		duparg2(key, arg);
	*seen |= 1u << attr;
}

static void put_local(struct nlmsghdr *n, const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		if (IN_MULTICAST(ntohl(a4.s_addr)) || a4.s_addr == INADDR_BROADCAST)
			invarg("the local address must be unicast", s);
		addattr_l(n, IPLINK_REQ_MAX, VTEP_LINK_A_LOCAL, &a4, sizeof(a4));
	} else if (inet_pton(AF_INET6, s, &a6) == 1) {
		if (IN6_IS_ADDR_MULTICAST(&a6))
			invarg("the local address must be unicast", s);
		addattr_l(n, IPLINK_REQ_MAX, VTEP_LINK_A_LOCAL6, &a6, sizeof(a6));
	} else {
		invarg("not an IPv4 or IPv6 address", s);
	}
}

static void put_underlay(struct nlmsghdr *n, const char *s)
{
	unsigned int ifindex = 0;

	if (strcmp(s, "none")) {
		ifindex = ll_name_to_index(s);
		if (!ifindex)
			invarg("underlay device does not exist", s);
	}
	addattr32(n, IPLINK_REQ_MAX, VTEP_LINK_A_UNDERLAY, ifindex);
}

static void put_tos(struct nlmsghdr *n, const char *s)
{
	uint32_t tos = VTEP_TOS_INHERIT;

	if (strcmp(s, "inherit") &&
	    (parse_num(s, 0, 255, true, &tos) || tos == VTEP_TOS_INHERIT))
		invarg("TOS must be 0-255 (0x00-0xff), not 1, or \"inherit\"", s);
	addattr8(n, IPLINK_REQ_MAX, VTEP_LINK_A_TOS, (uint8_t)tos);
}

static void put_df(struct nlmsghdr *n, const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(df_names) / sizeof(df_names[0]); i++) {
		if (!strcmp(s, df_names[i])) {
			addattr8(n, IPLINK_REQ_MAX, VTEP_LINK_A_DF, (uint8_t)i);
			return;
		}
	}
	invarg("DF must be \"set\", \"unset\" or \"inherit\"", s);
}

static void put_srcport(struct nlmsghdr *n, const char *lo, const char *hi)
{
	uint32_t min, max;

	if (parse_num(lo, 1, 65535, false, &min))
		invarg("source ports must be 1-65535", lo);
	if (parse_num(hi, 1, 65535, false, &max) || max < min)
		invarg("source ports must be MIN MAX, MIN <= MAX <= 65535", hi);
	addattr16(n, IPLINK_REQ_MAX, VTEP_LINK_A_PORT_MIN, (uint16_t)min);
	addattr16(n, IPLINK_REQ_MAX, VTEP_LINK_A_PORT_MAX, (uint16_t)max);
}

/* The limits: u32, 0 = none */
static const struct {
	const char *key;
	unsigned int attr;
} max_kws[] = {
	{ "max-fdb", VTEP_LINK_A_FDB_MAX },
	{ "max-learned", VTEP_LINK_A_LEARN_MAX },
	{ "max-learned-dev", VTEP_LINK_A_LEARN_MAX_DEV },
	{ "max-peers", VTEP_LINK_A_PEER_MAX },
	{ "max-remotes", VTEP_LINK_A_REMOTE_MAX },
};

static unsigned int max_attr(const char *key)
{
	unsigned int i;

	for (i = 0; i < sizeof(max_kws) / sizeof(max_kws[0]); i++)
		if (!strcmp(key, max_kws[i].key))
			return max_kws[i].attr;
	return 0;
}

static void put_max(struct nlmsghdr *n, unsigned int attr, const char *key,
		    const char *s)
{
	char why[64];
	uint32_t v;

	if (parse_num(s, 0, UINT32_MAX, false, &v)) {
		snprintf(why, sizeof(why), "%s must be 0-4294967295 (0 = no limit)",
			 key);
		invarg(why, s);
	}
	addattr32(n, IPLINK_REQ_MAX, attr, v);
}

/* elephant-rate: exact decimal bytes/s, at least VTEP_ELEPHANT_RATE_MIN */
static void put_rate(struct nlmsghdr *n, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno ||
	    v < VTEP_ELEPHANT_RATE_MIN)
		invarg("elephant-rate must be at least 1000 bytes/s", s);
	addattr64(n, IPLINK_REQ_MAX, VTEP_LINK_A_ELEPHANT_RATE, v);
}

#define NEXT_ARG() do { argv++; if (--argc <= 0) incomplete_command(); } while (0)

static int vtep_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	uint32_t seen = 0, v;
	unsigned int attr;

	for (; argc > 0; argc--, argv++) {
		const char *key = *argv;

		if (!strcmp(key, "help")) {
			usage(stdout);
			return -1;
		}
		if (!strcmp(key, "local")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_LOCAL, key, *argv);
			put_local(n, *argv);
		} else if (!strcmp(key, "dev") || !strcmp(key, "underlay")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_UNDERLAY, key, *argv);
			put_underlay(n, *argv);
		} else if (!strcmp(key, "port")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_PORT, key, *argv);
			if (parse_num(*argv, 1, 65535, false, &v))
				invarg("port must be 1-65535", *argv);
			addattr16(n, IPLINK_REQ_MAX, VTEP_LINK_A_PORT,
				  htons((uint16_t)v));
		} else if (!strcmp(key, "ttl")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_TTL, key, *argv);
			v = 0;
			if (strcmp(*argv, "auto") &&
			    parse_num(*argv, 1, 255, false, &v))
				invarg("TTL must be 1-255 or \"auto\"", *argv);
			addattr8(n, IPLINK_REQ_MAX, VTEP_LINK_A_TTL, (uint8_t)v);
		} else if (!strcmp(key, "tos")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_TOS, key, *argv);
			put_tos(n, *argv);
		} else if (!strcmp(key, "df")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_DF, key, *argv);
			put_df(n, *argv);
		} else if (!strcmp(key, "learning")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_LEARNING, key, *argv);
			addattr8(n, IPLINK_REQ_MAX, VTEP_LINK_A_LEARNING,
				 on_off(*argv));
		} else if (!strcmp(key, "ageing")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_AGEING, key, *argv);
			if (parse_num(*argv, 0, VTEP_AGEING_MAX, false, &v))
				invarg("ageing must be 0-1000000 seconds (0 = never)",
				       *argv);
			addattr32(n, IPLINK_REQ_MAX, VTEP_LINK_A_AGEING, v);
		} else if ((attr = max_attr(key))) {
			NEXT_ARG();
			once(&seen, attr, key, *argv);
			put_max(n, attr, key, *argv);
		} else if (!strcmp(key, "srcport")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_PORT_MIN, key, *argv);
			NEXT_ARG();
			put_srcport(n, argv[-1], *argv);
		} else if (!strcmp(key, "udpcsum")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_UDP_CSUM, key, *argv);
			addattr8(n, IPLINK_REQ_MAX, VTEP_LINK_A_UDP_CSUM,
				 on_off(*argv));
		} else if (!strcmp(key, "move-notice")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_MOVE_NOTICE, key, *argv);
			addattr8(n, IPLINK_REQ_MAX, VTEP_LINK_A_MOVE_NOTICE,
				 on_off(*argv));
		} else if (!strcmp(key, "resteer")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_RESTEER, key, *argv);
			addattr8(n, IPLINK_REQ_MAX, VTEP_LINK_A_RESTEER,
				 on_off(*argv));
		} else if (!strcmp(key, "flowlet-gap")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_FLOWLET_GAP, key, *argv);
			if (parse_num(*argv, 1, VTEP_FLOWLET_GAP_MAX, false, &v))
				invarg("flowlet-gap must be 1-1000000 microseconds",
				       *argv);
			addattr32(n, IPLINK_REQ_MAX, VTEP_LINK_A_FLOWLET_GAP, v);
		} else if (!strcmp(key, "sample")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_SAMPLE, key, *argv);
			if (parse_num(*argv, 0, VTEP_SAMPLE_MAX, false, &v))
				invarg("sample must be 0-1048576 (0 = off)", *argv);
			addattr32(n, IPLINK_REQ_MAX, VTEP_LINK_A_SAMPLE, v);
		} else if (!strcmp(key, "elephant-rate")) {
			NEXT_ARG();
			once(&seen, VTEP_LINK_A_ELEPHANT_RATE, key, *argv);
			put_rate(n, *argv);
		} else {
			fprintf(stderr, "vtep: unknown option \"%s\"?\n", key);
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

static bool get_u8(struct rtattr *a, uint8_t *v)
{
	if (!a || RTA_PAYLOAD(a) < sizeof(*v))
		return false;
	*v = *(uint8_t *)RTA_DATA(a);
	return true;
}

static bool get_u16(struct rtattr *a, uint16_t *v)
{
	if (!a || RTA_PAYLOAD(a) < sizeof(*v))
		return false;
	memcpy(v, RTA_DATA(a), sizeof(*v));
	return true;
}

static bool get_u64(struct rtattr *a, unsigned long long *v)
{
	uint64_t x;

	if (!a || RTA_PAYLOAD(a) < sizeof(x))
		return false;
	memcpy(&x, RTA_DATA(a), sizeof(x));
	*v = x;
	return true;
}

static bool get_u32(struct rtattr *a, uint32_t *v)
{
	if (!a || RTA_PAYLOAD(a) < sizeof(*v))
		return false;
	memcpy(v, RTA_DATA(a), sizeof(*v));
	return true;
}

static void print_local(struct rtattr *tb[])
{
	char buf[INET6_ADDRSTRLEN];
	struct rtattr *a4 = tb[VTEP_LINK_A_LOCAL], *a6 = tb[VTEP_LINK_A_LOCAL6];
	const char *s = NULL;

	if (a4 && RTA_PAYLOAD(a4) == 4 && *(uint32_t *)RTA_DATA(a4))
		s = inet_ntop(AF_INET, RTA_DATA(a4), buf, sizeof(buf));
	else if (a6 && RTA_PAYLOAD(a6) == 16 &&
		 !IN6_IS_ADDR_UNSPECIFIED((struct in6_addr *)RTA_DATA(a6)))
		s = inet_ntop(AF_INET6, RTA_DATA(a6), buf, sizeof(buf));
	if (s)
		print_color_string(PRINT_ANY, COLOR_NONE, "local", "local %s ", s);
	else
		print_color_null(PRINT_JSON, COLOR_NONE, "local", NULL, NULL);
}

static void print_on_off(struct rtattr *a, const char *key, const char *fmt)
{
	uint8_t v;

	if (get_u8(a, &v))
		print_color_on_off(PRINT_ANY, COLOR_NONE, key, fmt, v);
}

static void print_u32(struct rtattr *a, const char *key, const char *fmt)
{
	uint32_t v;

	if (get_u32(a, &v))
		print_color_uint(PRINT_ANY, COLOR_NONE, key, fmt, v);
}

static void vtep_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	unsigned long long u64;
	uint16_t u16, u16b;
	const char *name;
	char hex[8];
	uint32_t u32;
	uint8_t u8;

	if (!tb)
		return;
	print_local(tb);
	if (get_u16(tb[VTEP_LINK_A_PORT], &u16))
		print_color_uint(PRINT_ANY, COLOR_NONE, "port", "port %u ",
				 ntohs(u16));
	if (get_u32(tb[VTEP_LINK_A_UNDERLAY], &u32) && u32) {
		name = ll_index_to_name(u32);
		print_color_string(PRINT_ANY, COLOR_IFNAME, "underlay",
				   "underlay %s ", name);
	} else {
		print_color_null(PRINT_JSON, COLOR_NONE, "underlay", NULL, NULL);
	}
	if (get_u8(tb[VTEP_LINK_A_TTL], &u8)) {
		print_color_uint(PRINT_JSON, COLOR_NONE, "ttl", NULL, u8);
		if (u8)
			print_color_uint(PRINT_FP, COLOR_NONE, NULL, "ttl %u ", u8);
		else
			print_color_string(PRINT_FP, COLOR_NONE, NULL, "ttl %s ",
					   "auto");
	}
	if (get_u8(tb[VTEP_LINK_A_TOS], &u8)) {
		/* a hex string, 1 = inherit, as vtepctl and vxlan print it */
		snprintf(hex, sizeof(hex), "0x%x", u8);
		print_color_string(PRINT_JSON, COLOR_NONE, "tos", NULL, hex);
		if (u8 == VTEP_TOS_INHERIT)
			print_color_string(PRINT_FP, COLOR_NONE, NULL, "tos %s ",
					   "inherit");
		else
			print_color_uint(PRINT_FP, COLOR_NONE, NULL, "tos 0x%02x ",
					 u8);
	}
	if (get_u8(tb[VTEP_LINK_A_DF], &u8) && u8 <= VTEP_DF_MAX)
		print_color_string(PRINT_ANY, COLOR_NONE, "df", "df %s ",
				   df_names[u8]);
	print_on_off(tb[VTEP_LINK_A_LEARNING], "learning", "learning %s ");
	print_u32(tb[VTEP_LINK_A_AGEING], "ageing", "ageing %u ");
	print_u32(tb[VTEP_LINK_A_FDB_MAX], "limit", "max-fdb %u ");
	print_u32(tb[VTEP_LINK_A_LEARN_MAX], "max_learned", "max-learned %u ");
	print_u32(tb[VTEP_LINK_A_LEARN_MAX_DEV], "max_learned_dev",
		  "max-learned-dev %u ");
	print_u32(tb[VTEP_LINK_A_PEER_MAX], "max_peers", "max-peers %u ");
	print_u32(tb[VTEP_LINK_A_REMOTE_MAX], "max_remotes", "max-remotes %u ");
	if (get_u16(tb[VTEP_LINK_A_PORT_MIN], &u16) &&
	    get_u16(tb[VTEP_LINK_A_PORT_MAX], &u16b)) {
		open_json_object("port_range");
		print_color_uint(PRINT_ANY, COLOR_NONE, "low", "srcport %u ",
				 u16);
		print_color_uint(PRINT_ANY, COLOR_NONE, "high", "%u ", u16b);
		close_json_object();
	}
	print_on_off(tb[VTEP_LINK_A_UDP_CSUM], "udp_csum", "udpcsum %s ");
	print_on_off(tb[VTEP_LINK_A_MOVE_NOTICE], "move_notice",
		     "move-notice %s ");
	print_on_off(tb[VTEP_LINK_A_RESTEER], "resteer", "resteer %s ");
	print_u32(tb[VTEP_LINK_A_FLOWLET_GAP], "flowlet_gap", "flowlet-gap %u ");
	print_u32(tb[VTEP_LINK_A_SAMPLE], "sample", "sample %u ");
	if (get_u64(tb[VTEP_LINK_A_ELEPHANT_RATE], &u64))
		print_color_u64(PRINT_ANY, COLOR_NONE, "elephant_rate",
				"elephant-rate %llu ", u64);
	print_u32(tb[VTEP_LINK_A_VNI_COUNT], "vni_count", "vnis %u ");
	print_u32(tb[VTEP_LINK_A_FDB_COUNT], "fdb_count", "fdb %u ");
}

static void vtep_print_help(struct link_util *lu, int argc, char **argv,
			    FILE *f)
{
	usage(f);
}

/* Not const: ip links it into its list of kinds through ->next */
EXPORT struct link_util vtep_link_util = {
	.id		= "vtep",
	.maxattr	= VTEP_LINK_A_MAX,
	.parse_opt	= vtep_parse_opt,
	.print_opt	= vtep_print_opt,
	.print_help	= vtep_print_help,
};
