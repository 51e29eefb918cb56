// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of single arguments (pure: no output, 0 or -1) and the keyword
 * walker that turns an object's argv into its request struct.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "vtepctl.h"

/*
 * Decimal only: "010" is ten, not eight, and "0x10" is refused, so a VNI
 * typed in a hook means what it reads as. Sign, spaces and trailing
 * garbage are refused too (strtoul would accept " -1" as 4294967295).
 */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	/* by hand, not strtoull: -batch parses a number on every line */
	if (!s || *s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		/* v * 10 + d past UINT64_MAX, by constants: no division */
		if (v >= UINT64_MAX / 10 &&
		    (v > UINT64_MAX / 10 || d > UINT64_MAX % 10))
			return -1;
		v = v * 10 + d;
	}
	if (*s || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int parse_vni(const char *s, uint32_t *vni)
{
	return parse_u32(s, 1, VTEP_VNI_MAX, vni);
}

int parse_vlan(const char *s, uint16_t *vid)
{
	uint32_t v;

	if (parse_u32(s, 1, VTEP_VLAN_MAX, &v))
		return -1;
	*vid = (uint16_t)v;
	return 0;
}

int parse_port(const char *s, uint16_t *port)
{
	uint32_t v;

	if (parse_u32(s, 1, 65535, &v))
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static const char *const owner_names[] = {
	[VTEP_OWNER_UNSPEC] = "unspec",
	[VTEP_OWNER_KERNEL] = "kernel",
	[VTEP_OWNER_USER] = "user",
	[VTEP_OWNER_CONF] = "conf",
	[VTEP_OWNER_EVPN] = "evpn",
	[VTEP_OWNER_HOOK] = "hook",
};

int parse_owner(const char *s, uint8_t *owner)
{
	uint32_t n;

	for (n = 0; n < ARRAY_SIZE(owner_names); n++) {
		if (!strcmp(s, owner_names[n])) {
			*owner = (uint8_t)n;
			return 0;
		}
	}
	if (parse_u32(s, 0, UINT8_MAX, &n))
		return -1;
	*owner = (uint8_t)n;
	return 0;
}

const char *owner_name(uint8_t owner)
{
	return owner < ARRAY_SIZE(owner_names) ? owner_names[owner] : NULL;
}

int parse_on_off(const char *s, uint8_t *on)
{
	if (!strcmp(s, "on"))
		*on = 1;
	else if (!strcmp(s, "off"))
		*on = 0;
	else
		return -1;
	return 0;
}

int parse_seconds(const char *s, uint32_t *secs)
{
	return parse_u32(s, 0, VTEP_AGEING_MAX, secs);
}

/* A hex digit's value + 1, 0 for any other byte: one look-up a digit */
static const unsigned char hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hexval(char c)
{
	return hex1[(unsigned char)c] - 1;
}

/* Six groups of one or two hex digits separated by ':' */
int parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	int i;

	for (i = 0; i < 6; i++) {
		int hi = hexval(*s), lo;

		if (hi < 0)
			return -1;
		s++;
		lo = hexval(*s);
		if (lo >= 0) {
			hi = hi * 16 + lo;
			s++;
		}
		m[i] = (uint8_t)hi;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	if (*s)
		return -1;
	memcpy(mac, m, 6);
	return 0;
}

/*
 * The plain forms of an IPv6 address (hex groups, at most one "::"), as
 * inet_pton() reads them but in a fraction of its time: -batch parses one
 * on every line. Anything else (a dotted IPv4 tail, a zone) is left to
 * inet_pton(), so what is accepted, and as what, does not change.
 */
static int parse_ip6_plain(const char *s, struct in6_addr *a)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int n = 0, len = 0, v = 0, from;
	uint16_t g[8];
	int gap = -1;			/* where "::" stands, in groups */

	if (p[0] == ':' && p[1] == ':') {
		gap = 0;
		p += 2;
		if (!*p)
			goto done;
	}
	for (;; p++) {
		unsigned int d = hex1[*p];

		if (d) {
			if (++len > 4)
				return -1;
			v = v << 4 | (d - 1);
			continue;
		}
		if (!len || n == 8)	/* an empty group, or a ninth */
			return -1;
		g[n++] = (uint16_t)v;
		v = len = 0;
		if (!*p)
			break;
		if (*p != ':')
			return -1;
		if (p[1] == ':') {
			if (gap >= 0)
				return -1;
			gap = (int)n;
			p++;		/* onto the second ':' */
			if (!p[1])
				break;	/* "::" ends the address */
		}
	}
done:
	if (gap < 0 ? n != 8 : n > 7)
		return -1;
	/* the groups from the gap on go last, zeros in between */
	from = gap < 0 ? 8 : (unsigned int)gap;
	memset(a, 0, sizeof(*a));
	for (unsigned int i = 0; i < n; i++) {
		unsigned int j = i < from ? i : i + 8 - n;

		a->s6_addr[2 * j] = (uint8_t)(g[i] >> 8);
		a->s6_addr[2 * j + 1] = (uint8_t)g[i];
	}
	return 0;
}

/*
 * A dotted quad as inet_pton() takes it: four decimal parts of 0-255, none
 * with a leading zero. Its own, for the same reason as the IPv6 one above
 * (a million-line batch spent 190 instructions a line in inet_pton()).
 */
static int parse_ip4_plain(const char *s, struct in_addr *a)
{
	uint32_t v = 0;

	for (int part = 0; part < 4; part++) {
		unsigned int n = 0, digits = 0;

		for (; *s >= '0' && *s <= '9'; s++) {
			if (digits++ && !n)	/* "01" */
				return -1;
			n = n * 10 + (unsigned int)(*s - '0');
			if (n > 255)
				return -1;
		}
		if (!digits || (part < 3 && *s++ != '.'))
			return -1;
		v = v << 8 | n;
	}
	if (*s)
		return -1;
	a->s_addr = htonl(v);
	return 0;
}

int parse_ip(const char *s, struct vtep_ip *ip)
{
	struct vtep_ip a = { 0 };

	/* what parse_ip6_plain() takes has a ':', so is no IPv4 address */
	if (!parse_ip6_plain(s, &a.v6))
		a.family = AF_INET6;
	else if (!parse_ip4_plain(s, &a.v4))
		a.family = AF_INET;
	else if (inet_pton(AF_INET, s, &a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a.v6) == 1)
		a.family = AF_INET6;
	else
		return -1;
	*ip = a;
	return 0;
}

bool ip_is_multicast(const struct vtep_ip *ip)
{
	if (ip->family == AF_INET)
		return IN_MULTICAST(ntohl(ip->v4.s_addr));
	if (ip->family == AF_INET6)
		return IN6_IS_ADDR_MULTICAST(&ip->v6);
	return false;
}

/* The kernel's dev_valid_name(), so a bad name fails here, not there */
int parse_ifname(const char *s, char name[IFNAMSIZ])
{
	size_t len;

	if (s[0] == '.' && (!s[1] || (s[1] == '.' && !s[2])))
		return -1;		/* "." or ".." */
	/* one pass: length and characters; isspace() of the C locale */
	for (len = 0; s[len]; len++) {
		char c = s[len];

		if (len == IFNAMSIZ - 1 || c == '/' || c == ':' || c == ' ' ||
		    (c >= '\t' && c <= '\r'))
			return -1;
	}
	if (!len)
		return -1;
	memcpy(name, s, len + 1);
	return 0;
}

const char *format_ip(const struct vtep_ip *ip, char *buf, size_t len)
{
	if (ip->family == AF_UNSPEC ||
	    !inet_ntop(ip->family, &ip->v4, buf, (socklen_t)len))
		snprintf(buf, len, "none");
	return buf;
}

const char *format_mac(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

void format_at(char *buf, size_t len, const char *word,
	       const struct vtep_ip *addr, uint32_t vni, const char *dev)
{
	char ip[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s %s vni %u dev %s", word,
		 format_ip(addr, ip, sizeof(ip)), vni, dev);
}

int find_word(const char *const *words, const char *w)
{
	for (int i = 0; words && words[i]; i++)
		if (!strcmp(words[i], w))
			return i;
	return -1;
}

bool kw_is_positional(const struct kw *k)
{
	return k->name[0] >= 'A' && k->name[0] <= 'Z';
}

/*
 * A keyword table, indexed: -batch parses every line of a file against
 * the same table, and walking its rows for each word, then again for the
 * positional argument and the required ones, was a third of a line's
 * parse. The index of the table last used is kept (one parser thread).
 */
#define KW_ROWS 64		/* rows a table may have: seen is a u64 */
#define KW_CMDS 32		/* commands: cmds is a bit mask of an int */
static struct kw_index {
	const struct kw *tab;
	unsigned char first[128];	/* 1 + first row of an initial letter */
	unsigned char next[KW_ROWS];	/* 1 + next row of the same letter */
	unsigned char pos[KW_CMDS];	/* 1 + a command's positional row */
	uint64_t needed[KW_CMDS];	/* the rows a command requires */
} kwx;

/* Rows are walked last to first, each put ahead: chains run in row order */
static void kw_index_build(const struct kw *tab)
{
	unsigned int n, c;

	memset(&kwx, 0, sizeof(kwx));
	for (n = 0; tab[n].name; n++)
		;
	if (n > KW_ROWS)
		abort();	/* a table past seen's bits: a bug */
	while (n--) {
		const struct kw *k = &tab[n];

		for (c = 0; c < KW_CMDS; c++) {
			if (k->needed & BIT(c))
				kwx.needed[c] |= BIT(n);
			if (kw_is_positional(k) && (k->cmds & BIT(c)))
				kwx.pos[c] = (unsigned char)(n + 1);
		}
		c = (unsigned char)k->name[0];
		if (kw_is_positional(k) || c >= 128)
			continue;
		kwx.next[n] = kwx.first[c];
		kwx.first[c] = (unsigned char)(n + 1);
	}
	kwx.tab = tab;
}

static const struct kw_index *kw_index(const struct kw *tab)
{
	if (kwx.tab != tab)
		kw_index_build(tab);
	return &kwx;
}

static const struct kw *kw_find(const struct kw_index *x, const char *w)
{
	unsigned char c = (unsigned char)w[0];
	unsigned int i;

	for (i = c < 128 ? x->first[c] : 0; i; i = x->next[i - 1])
		if (str_eq(x->tab[i - 1].name, w))
			return &x->tab[i - 1];
	return NULL;
}

const struct kw_type_info kw_types[] = {
	[KW_DEV] = { IFNAMSIZ, 0, 0,
		     "device name must be 1-15 characters, no '/' ':' or spaces" },
	[KW_VNI] = { 4, 1, VTEP_VNI_MAX, "VNI must be 1-16777215" },
	[KW_VLAN] = { 2, 1, VTEP_VLAN_MAX, "VLAN must be 1-4094" },
	[KW_PORT] = { 2, 1, 65535, "port must be 1-65535" },
	[KW_MAC] = { 6, 0, 0, "MAC must be xx:xx:xx:xx:xx:xx" },
	[KW_IP] = { 0, 0, 0, "not an IPv4 or IPv6 address" },
	[KW_UNICAST] = { 0, 0, 0, "not an IPv4 or IPv6 address" },
	[KW_GROUP] = { 0, 0, 0, "not an IPv4 or IPv6 address" },
	[KW_ON_OFF] = { 1, 0, 0, "expected \"on\" or \"off\"" },
	[KW_SECS] = { 4, 0, VTEP_AGEING_MAX },
	[KW_U32] = { 4, 0, UINT32_MAX },
	[KW_U8] = { 1 },
	[KW_RANGE] = { 4 },
	[KW_CONST] = { 1 },
	[KW_U64] = { 8 },
	[KW_OWNER] = { 1, 0, 0,
		       "owner must be unspec, kernel, user, conf, evpn, hook or 0-255" },
};

/* An address row: any address, a unicast one, or a group (or "none") */
static int kw_ip(const struct kw *k, struct vtep_ip *ip, const char *v)
{
	if (k->type == KW_GROUP && !strcmp(v, "none")) {
		memset(ip, 0, sizeof(*ip));
		return 0;
	}
	if (parse_ip(v, ip))
		return invarg(kw_types[k->type].why, v);
	if (k->type != KW_IP &&
	    ip_is_multicast(ip) != (k->type == KW_GROUP))
		return invarg(k->why, v);
	return 0;
}

/* A typed row's value: parsed by type, stored at off, attr set in the
 * request's mask. Rows with a callback parse (and mark) for themselves. */
static int kw_value(const struct kw *k, void *req, char **v)
{
	const struct kw_type_info *t = &kw_types[k->type];
	void *p = (char *)req + k->off;
	uint32_t n = 0;
	int bad = 0;

	if (k->parse)
		return k->parse(req, v);
	if (k->type == KW_U64) {
		bad = parse_u64(v[0], k->lo, k->hi ? k->hi : UINT64_MAX, p);
	} else if (t->max) {
		bad = parse_u32(v[0], k->hi ? (uint32_t)k->lo : t->min,
				k->hi ? (uint32_t)k->hi : t->max, &n);
		if (t->size == 2)
			*(uint16_t *)p = (uint16_t)n;
		else
			*(uint32_t *)p = n;
	} else if (k->type == KW_DEV) {
		bad = parse_ifname(v[0], p);
	} else if (k->type == KW_MAC) {
		bad = parse_mac(v[0], p);
	} else if (k->type == KW_ON_OFF) {
		bad = parse_on_off(v[0], p);
	} else if (k->type == KW_OWNER) {
		bad = parse_owner(v[0], p);
	} else if (k->type == KW_TRUE || k->type == KW_CONST) {
		*(uint8_t *)p = k->type == KW_TRUE ? 1 : k->val;
	} else if (k->type != KW_NONE && kw_ip(k, p, v[0])) {
		return -1;
	}
	if (bad)
		return invarg(k->why ? k->why : t->why, v[0]);
	if (k->attr)
		*(uint64_t *)req |= BIT(k->attr);
	return 0;
}

/*
 * ip(8)-style walking: each keyword is matched exactly (no prefixes: a
 * hook written today must not change meaning when a keyword is added),
 * takes its values (NEXT_ARG), and may be given once. A word that is no
 * keyword is the positional argument, once.
 */
#define NEXT_ARG()							\
	do {								\
		if (argc < 2) {						\
			pr_err("\"%s\" needs %s, try \"vtepctl %s help\"", \
			       word, k->nargs > 1 ? "two values" : "a value", \
			       obj);					\
			return -1;					\
		}							\
		argc--;							\
		argv++;							\
	} while (0)

int kw_walk(const struct kw *tab, const char *obj, const char *cmdname,
	    unsigned int cmd, int argc, char **argv, void *req)
{
	const struct kw_index *x = kw_index(tab);
	const struct kw *excl_seen[8] = { 0 };
	uint64_t seen = 0, miss;

	for (; argc > 0; argc--, argv++) {
		const struct kw *k = kw_find(x, *argv);
		const char *word = *argv;
		char **val;
		int i;

		if (str_eq(word, "help"))
			return KW_HELP;
		if (!k || !(k->cmds & BIT(cmd))) {
			k = cmd < KW_CMDS && x->pos[cmd] ?
			    &tab[x->pos[cmd] - 1] : NULL;
			if (!k || (seen & BIT(k - tab))) {
				pr_err("unknown keyword \"%s\" for \"%s%s%s\", try \"vtepctl %s help\"",
				       word, obj, *cmdname ? " " : "", cmdname,
				       obj);
				return -1;
			}
			val = argv;
		} else {
			val = argv + 1;
			for (i = 0; i < k->nargs; i++)
				NEXT_ARG();
			if ((seen & BIT(k - tab)) && !k->many) {
				if (k->nargs)
					pr_err("duplicate \"%s\": \"%s\" is the second value",
					       k->name, *val);
				else
					pr_err("duplicate \"%s\"", k->name);
				return -1;
			}
		}
		if (k->excl) {
			const struct kw *o = excl_seen[k->excl & 7];

			if (o) {
				pr_err("\"%s\" and \"%s\" cannot be used together",
				       o->name, k->name);
				return -1;
			}
			excl_seen[k->excl & 7] = k;
		}
		seen |= BIT(k - tab);
		if (kw_value(k, req, val))
			return -1;
	}
	miss = cmd < KW_CMDS ? x->needed[cmd] & ~seen : 0;
	if (miss) {
		pr_err("\"%s\" is required for \"%s%s%s\"",
		       tab[__builtin_ctzll(miss)].name, obj,
		       *cmdname ? " " : "", cmdname);
		return -1;
	}
	return 0;
}
