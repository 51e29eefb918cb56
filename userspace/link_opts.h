/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The link settings grammar, once: every keyword of "vtepctl link add/set"
 * and of "ip link ... type vtep", its netlink attribute, value, bounds,
 * JSON key and help. vtepctl (link.c) and the ip plugin (ip/link_vtep.c)
 * parse, send and print through this table and build their usage text
 * from it; scripts/link-opts.sh writes the man page's LINK_OPTIONS block
 * from that text and the bash completion reads it at run time, so a row
 * added here reaches all four (tests/unit/test_link_opts.c checks).
 *
 * Pure C and libc only: the plugin compiles link_opts.c too, and must
 * not pull in vtepctl or libmnl (their names would clash with ip's).
 */
#ifndef VTEP_LINK_OPTS_H
#define VTEP_LINK_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vtep.h>

enum link_opt_type {
	LT_ADDR,	/* unicast IPv4 (attr) or IPv6 (attr + 1); several: LOCALS */
	LT_DEV,		/* a device name, or word (ifindex 0); sent as u32 ifindex */
	LT_PORT,	/* u16 lo-hi, sent big-endian */
	LT_ON_OFF,	/* u8 0/1 */
	LT_U8,		/* u8 lo-hi, or word for word_val */
	LT_U32,		/* u32 lo-hi */
	LT_U64,		/* u64 lo-hi */
	LT_WORDS,	/* u8: the index of the value in words */
	LT_RANGE,	/* two u16 lo-hi, MIN <= MAX, as attr and attr + 1 */
};

#define LO_HEX		1	/* 0x.. accepted; JSON a "0x.." string */
#define LO_SHOW_ON	2	/* shown only when on (vxlan's udp6zerocsumrx) */
#define LO_MANY		4	/* may be given up to VTEP_LOCAL_ADDRS_MAX times */

struct link_opt {
	const char *name;	/* the keyword */
	const char *arg;	/* its value in the usage: "{ TTL | auto }" */
	const char *help;	/* one line: what, bounds, default */
	unsigned char type;	/* enum link_opt_type */
	unsigned char flags;	/* LO_HEX, LO_SHOW_ON, LO_MANY */
	unsigned short attr;	/* VTEP_LINK_A_* */
	uint64_t lo, hi;	/* the bounds of a number */
	const char *word;	/* a word for a value: "auto", "inherit", "none" */
	unsigned char word_val;	/* ... and that value, which no number may take */
	const char *const *words;	/* LT_WORDS, by value */
	const char *json;	/* the key, as ip -j -d link shows vxlan's */
	const char *json_v0;	/* the key before 0.2, VTEPCTL_JSON_COMPAT=1 */
	const char *why;	/* the refusal of a bad value */
};

extern const char *const link_df_words[];

/*
 * X(ID, "keyword", "ARG", "help", designated fields of struct link_opt).
 * The order is the order of "link show"; ARG and help are literals so the
 * usage texts are built at compile time (LINK_OPTS_USAGE).
 */
#define LINK_OPTS(X)							\
	X(LOCAL, "local", "ADDR",					\
	  "local IPv4 or IPv6 address, its family the underlay's; up to 8 of\n" \
	  "        one family: the first is the primary, each flow takes one by its hash", \
	  .type = LT_ADDR, .flags = LO_MANY, .attr = VTEP_LINK_A_LOCAL,	\
	  .json = "local", .json_v0 = "local",				\
	  .why = "the local address must be unicast")			\
	X(PORT, "port", "PORT",						\
	  "UDP destination port, 1-65535 (default 4789)",		\
	  .type = LT_PORT, .attr = VTEP_LINK_A_PORT, .lo = 1, .hi = 65535, \
	  .json = "port", .json_v0 = "port",				\
	  .why = "port must be 1-65535")				\
	X(UNDERLAY, "underlay", "{ IF | none }",			\
	  "the underlay device, for multicast and for binding",		\
	  .type = LT_DEV, .attr = VTEP_LINK_A_UNDERLAY, .word = "none",	\
	  .json = "link", .json_v0 = "underlay",			\
	  .why = "device name must be 1-15 characters, no '/' ':' or spaces") \
	X(TTL, "ttl", "{ TTL | auto }",					\
	  "outer TTL, 1-255; auto: the route's (default)",		\
	  .type = LT_U8, .attr = VTEP_LINK_A_TTL, .lo = 1, .hi = 255,	\
	  .word = "auto", .word_val = 0, .json = "ttl", .json_v0 = "ttl", \
	  .why = "TTL must be 1-255 or \"auto\"")			\
	X(TOS, "tos", "{ TOS | inherit }",				\
	  "outer TOS, 0-255 or 0x00-0xff but 1; inherit: the inner header's", \
	  .type = LT_U8, .flags = LO_HEX, .attr = VTEP_LINK_A_TOS,	\
	  .lo = 0, .hi = 255, .word = "inherit", .word_val = VTEP_TOS_INHERIT, \
	  .json = "tos", .json_v0 = "tos",				\
	  .why = "TOS must be 0-255 (0x00-0xff), not 1, or \"inherit\"") \
	X(DF, "df", "{ unset | set | inherit }",			\
	  "the outer IPv4 DF bit: clear, set, or the inner header's",	\
	  .type = LT_WORDS, .attr = VTEP_LINK_A_DF, .hi = VTEP_DF_MAX,	\
	  .words = link_df_words, .json = "df", .json_v0 = "df",	\
	  .why = "DF must be \"set\", \"unset\" or \"inherit\"")	\
	X(LEARNING, "learning", "{ on | off }",				\
	  "learn inner source MACs from received frames (default on)",	\
	  .type = LT_ON_OFF, .attr = VTEP_LINK_A_LEARNING,		\
	  .json = "learning", .json_v0 = "learning")			\
	X(AGEING, "ageing", "SECS",					\
	  "learned entries' ageing time, 0-1000000 s, 0 = never (default 300)", \
	  .type = LT_U32, .attr = VTEP_LINK_A_AGEING, .hi = VTEP_AGEING_MAX, \
	  .json = "ageing", .json_v0 = "ageing",			\
	  .why = "ageing must be 0-1000000 seconds (0 = never)")	\
	X(FDB_MAX, "max-fdb", "N",					\
	  "static FDB entries of the device, 0-4294967295, 0 = no limit (default)", \
	  .type = LT_U32, .attr = VTEP_LINK_A_FDB_MAX, .hi = UINT32_MAX, \
	  .json = "limit", .json_v0 = "limit",				\
	  .why = "max-fdb must be 0-4294967295 (0 = no limit)")		\
	X(LEARN_MAX, "max-learned", "N",				\
	  "learned entries per VNI, 0 = no limit (default 16384)",	\
	  .type = LT_U32, .attr = VTEP_LINK_A_LEARN_MAX, .hi = UINT32_MAX, \
	  .json = "max_learned", .json_v0 = "max_learned",		\
	  .why = "max-learned must be 0-4294967295 (0 = no limit)")	\
	X(LEARN_MAX_DEV, "max-learned-dev", "N",			\
	  "learned entries of the device, 0 = no limit (default 262144)", \
	  .type = LT_U32, .attr = VTEP_LINK_A_LEARN_MAX_DEV, .hi = UINT32_MAX, \
	  .json = "max_learned_dev", .json_v0 = "max_learned_dev",	\
	  .why = "max-learned-dev must be 0-4294967295 (0 = no limit)")	\
	X(PEER_MAX, "max-peers", "N",					\
	  "peers of the device, 0 = no limit (default 65536)",		\
	  .type = LT_U32, .attr = VTEP_LINK_A_PEER_MAX, .hi = UINT32_MAX, \
	  .json = "max_peers", .json_v0 = "max_peers",			\
	  .why = "max-peers must be 0-4294967295 (0 = no limit)")	\
	X(REMOTE_MAX, "max-remotes", "N",				\
	  "remotes per VNI, 0 = no limit (default 1024)",		\
	  .type = LT_U32, .attr = VTEP_LINK_A_REMOTE_MAX, .hi = UINT32_MAX, \
	  .json = "max_remotes", .json_v0 = "max_remotes",		\
	  .why = "max-remotes must be 0-4294967295 (0 = no limit)")	\
	X(SRCPORT, "srcport", "MIN MAX",				\
	  "UDP source port range, 1-65535 (default 32768 65535)",	\
	  .type = LT_RANGE, .attr = VTEP_LINK_A_PORT_MIN, .lo = 1, .hi = 65535, \
	  .json = "port_range", .json_v0 = "port_range",		\
	  .why = "source ports must be MIN MAX, MIN <= MAX <= 65535")	\
	X(UDP_CSUM, "udpcsum", "{ on | off }",				\
	  "outer UDP checksum over IPv4 (default off)",			\
	  .type = LT_ON_OFF, .attr = VTEP_LINK_A_UDP_CSUM,		\
	  .json = "udp_csum", .json_v0 = "udp_csum")			\
	X(MOVE_NOTICE, "move-notice", "{ on | off }",			\
	  "flood a frame from a MAC new on its VNI, for migrations (default on)", \
	  .type = LT_ON_OFF, .attr = VTEP_LINK_A_MOVE_NOTICE,		\
	  .json = "move_notice", .json_v0 = "move_notice")		\
	X(UDP6_ZERO_CSUM_RX, "udp6zerocsumrx", "{ on | off }",		\
	  "accept zero UDP checksums over IPv6 (default off)",		\
	  .type = LT_ON_OFF, .flags = LO_SHOW_ON,			\
	  .attr = VTEP_LINK_A_UDP6_ZERO_CSUM_RX,			\
	  .json = "udp_zero_csum6_rx", .json_v0 = "udp6zerocsumrx")	\
	X(RESTEER, "resteer", "{ on | off }",				\
	  "move elephants to a new source port at flowlet gaps (default off)", \
	  .type = LT_ON_OFF, .attr = VTEP_LINK_A_RESTEER,		\
	  .json = "resteer", .json_v0 = "resteer")			\
	X(FLOWLET_GAP, "flowlet-gap", "USEC",				\
	  "the pause after which an elephant may move, 1-1000000 us (default 500)", \
	  .type = LT_U32, .attr = VTEP_LINK_A_FLOWLET_GAP, .lo = 1,	\
	  .hi = VTEP_FLOWLET_GAP_MAX,					\
	  .json = "flowlet_gap", .json_v0 = "flowlet_gap",		\
	  .why = "flowlet-gap must be 1-1000000 microseconds")		\
	X(SAMPLE, "sample", "N",					\
	  "sample one sent frame in N for elephants, 0-1048576, 0 = off (default 256)", \
	  .type = LT_U32, .attr = VTEP_LINK_A_SAMPLE, .hi = VTEP_SAMPLE_MAX, \
	  .json = "sample", .json_v0 = "sample",			\
	  .why = "sample must be 0-1048576 (0 = off)")			\
	X(ELEPHANT_RATE, "elephant-rate", "BYTES",			\
	  "bytes/s that make a flow an elephant, at least 1000 (default 125000000)", \
	  .type = LT_U64, .attr = VTEP_LINK_A_ELEPHANT_RATE,		\
	  .lo = VTEP_ELEPHANT_RATE_MIN, .hi = UINT64_MAX,		\
	  .json = "elephant_rate", .json_v0 = "elephant_rate",		\
	  .why = "elephant-rate must be at least 1000 bytes/s")

#define LINK_OPT_ENUM(id, ...) LO_##id,
enum { LINK_OPTS(LINK_OPT_ENUM) LO__COUNT };
#undef LINK_OPT_ENUM

extern const struct link_opt link_opts[LO__COUNT];

/* The usage's option list: "    keyword ARG\n        help\n" a row (a
 * help of two lines indents its second itself) */
#define LINK_OPT_USAGE(id, name, arg, help, ...)			\
	"    " name " " arg "\n        " help "\n"
#define LINK_OPTS_USAGE LINK_OPTS(LINK_OPT_USAGE)

/* ---- values --------------------------------------------------------- */

struct link_addr {
	int family;		/* AF_INET, AF_INET6 */
	uint8_t a[16];
};

/* What a command line sets: the bit of each LO_* given, its value */
struct link_vals {
	uint32_t given;		/* BIT(LO_*) */
	uint64_t n[LO__COUNT];	/* numbers; LO_SRCPORT: lo << 16 | hi */
	struct link_addr local[VTEP_LOCAL_ADDRS_MAX];
	unsigned int nlocal;
	char dev[16];		/* LO_UNDERLAY's name, "" for the word */
	uint32_t ifindex;	/* ... resolved by the caller */
};

/* The row of keyword w, or NULL */
const struct link_opt *link_opt_find(const char *w);

/*
 * Parse the value(s) v of row o into vals. On error returns -1, *why the
 * refusal and *bad the word refused (for invarg()); nothing is stored.
 */
int link_opt_parse(const struct link_opt *o, char *const *v,
		   struct link_vals *vals, const char **why, const char **bad);

/* Attribute writers of the caller's message (libmnl, or ip's addattr) */
struct link_put {
	void (*put)(void *msg, unsigned int attr, const void *data, size_t len);
	void *(*nest_start)(void *msg, unsigned int attr);
	void (*nest_end)(void *msg, void *nest);
	void *msg;
};

/* Every value given but the underlay, in table order, LOCALS last */
void link_opts_put(const struct link_put *p, const struct link_vals *vals);

/* ---- printing --------------------------------------------------------- */

/*
 * The caller's output: text is written by text() only (already
 * formatted); JSON by the typed calls, which write nothing as text.
 */
struct link_printer {
	void (*text)(const char *s);
	void (*json_str)(const char *key, const char *v);	/* v NULL: null */
	void (*json_uint)(const char *key, uint64_t v);
	void (*json_bool)(const char *key, bool v);
	void (*json_open)(const char *key, bool array);
	void (*json_close)(bool array);
	/* ifindex's name into buf (16 bytes); NULL if unknown */
	const char *(*ifname)(uint32_t ifindex, char *buf);
};

/* An attribute's payload in the device's table, NULL if absent */
typedef const void *(*link_attr_fn)(const void *tb, unsigned int attr,
				    size_t *len);

/* The settings and counts: "local A port P ... vnis N fdb N " */
void link_opts_print(const struct link_printer *p, link_attr_fn get,
		     const void *tb);

/* VTEPCTL_JSON_COMPAT=1 in the environment: the keys of vtep 0.1 (one
 * release, for scripts): underlay, udp6zerocsumrx, local for IPv6 too */
bool link_json_compat(void);
/* The JSON key of o, by link_json_compat() */
const char *link_opt_key(const struct link_opt *o);

#endif /* VTEP_LINK_OPTS_H */
