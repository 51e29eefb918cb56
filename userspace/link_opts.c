// SPDX-License-Identifier: GPL-2.0
/*
 * link_opts: the link settings table (link_opts.h) and what both vtepctl
 * and the ip plugin do with it: parse a keyword's value, write the
 * attributes, print the settings as text and JSON. libc only.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_opts.h"

#define LO_BIT(i) (1u << (i))

const char *const link_df_words[] = {
	[VTEP_DF_UNSET] = "unset",
	[VTEP_DF_SET] = "set",
	[VTEP_DF_INHERIT] = "inherit",
	NULL,
};

#define LINK_OPT_ROW(id, kw, a, h, ...)					\
	[LO_##id] = { .name = kw, .arg = a, .help = h, __VA_ARGS__ },
const struct link_opt link_opts[LO__COUNT] = { LINK_OPTS(LINK_OPT_ROW) };

const struct link_opt *link_opt_find(const char *w)
{
	for (unsigned int i = 0; i < LO__COUNT; i++)
		if (!strcmp(link_opts[i].name, w))
			return &link_opts[i];
	return NULL;
}

/* Exact digits of base 10 (or 16 after "0x" when hex) in [lo, hi] */
static int parse_num(const char *s, uint64_t lo, uint64_t hi, bool hex,
		     uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (hex && s[0] == '0' && s[1] == 'x') {
		s += 2;
		base = 16;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The kernel's dev_valid_name() */
static int valid_ifname(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ' ' ||
		    (*s >= '\t' && *s <= '\r'))
			return 0;
	return 1;
}

static const char *add_local(struct link_vals *vals, const char *s)
{
	struct link_addr a = { 0 };
	struct in_addr v4;

	if (inet_pton(AF_INET, s, &v4) == 1) {
		if (IN_MULTICAST(ntohl(v4.s_addr)) ||
		    v4.s_addr == INADDR_BROADCAST)
			return link_opts[LO_LOCAL].why;
		a.family = AF_INET;
		memcpy(a.a, &v4, 4);
	} else if (inet_pton(AF_INET6, s, a.a) == 1) {
		if (a.a[0] == 0xff)
			return link_opts[LO_LOCAL].why;
		a.family = AF_INET6;
	} else {
		return "not an IPv4 or IPv6 address";
	}
	if (vals->nlocal == VTEP_LOCAL_ADDRS_MAX)
		return "a device has at most 8 local addresses";
	if (vals->nlocal && a.family != vals->local[0].family)
		return "local addresses must all be IPv4 or all IPv6";
	for (unsigned int i = 0; i < vals->nlocal; i++)
		if (!memcmp(&a, &vals->local[i], sizeof(a)))
			return "local address given twice";
	vals->local[vals->nlocal++] = a;
	return NULL;
}

int link_opt_parse(const struct link_opt *o, char *const *v,
		   struct link_vals *vals, const char **why, const char **bad)
{
	unsigned int i = (unsigned int)(o - link_opts);
	uint64_t n = 0, hi;

	*bad = v[0];
	*why = o->why;
	switch (o->type) {
	case LT_ADDR:
		*why = add_local(vals, v[0]);
		if (*why)
			return -1;
		break;
	case LT_DEV:
		if (o->word && !strcmp(v[0], o->word)) {
			vals->dev[0] = 0;
		} else {
			if (!valid_ifname(v[0]))
				return -1;
			strcpy(vals->dev, v[0]);
		}
		break;
	case LT_ON_OFF:
		*why = "expected \"on\" or \"off\"";
		if (strcmp(v[0], "on") && strcmp(v[0], "off"))
			return -1;
		n = !strcmp(v[0], "on");
		break;
	case LT_U8:
		if (o->word && !strcmp(v[0], o->word))
			n = o->word_val;
		else if (parse_num(v[0], o->lo, o->hi, o->flags & LO_HEX, &n) ||
			 (o->word && n == o->word_val))
			return -1;
		break;
	case LT_WORDS:
		for (n = 0; o->words[n] && strcmp(o->words[n], v[0]); n++)
			;
		if (!o->words[n])
			return -1;
		break;
	case LT_RANGE:
		if (parse_num(v[0], o->lo, o->hi, false, &n)) {
			*why = "source ports must be 1-65535";
			return -1;
		}
		*bad = v[1];
		if (parse_num(v[1], n, o->hi, false, &hi))
			return -1;
		n = n << 16 | hi;
		break;
	default:	/* LT_PORT, LT_U32, LT_U64 */
		if (parse_num(v[0], o->lo, o->hi, false, &n))
			return -1;
	}
	vals->n[i] = n;
	vals->given |= LO_BIT(i);
	return 0;
}

static void put_locals(const struct link_put *p, const struct link_vals *vals)
{
	const struct link_addr *a = vals->local;
	void *nest;

	nest = p->nest_start(p->msg, VTEP_LINK_A_LOCALS);
	for (unsigned int i = 0; i < vals->nlocal; i++, a++)
		p->put(p->msg, a->family == AF_INET ? VTEP_LOCAL_A_ADDR :
			       VTEP_LOCAL_A_ADDR6, a->a,
		       a->family == AF_INET ? 4 : 16);
	p->nest_end(p->msg, nest);
}

void link_opts_put(const struct link_put *p, const struct link_vals *vals)
{
	for (unsigned int i = 0; i < LO__COUNT; i++) {
		const struct link_opt *o = &link_opts[i];
		uint64_t n = vals->n[i];
		uint16_t u16;
		uint32_t u32;
		uint8_t u8 = (uint8_t)n;

		if (!(vals->given & LO_BIT(i)))
			continue;
		switch (o->type) {
		case LT_ADDR:	/* several: LOCALS, last */
			if (vals->nlocal == 1)
				p->put(p->msg, o->attr + (vals->local[0].family != AF_INET),
				       vals->local[0].a,
				       vals->local[0].family == AF_INET ? 4 : 16);
			break;
		case LT_DEV:
			break;		/* the caller's: IFLA_LINK or last */
		case LT_PORT:
			u16 = htons((uint16_t)n);
			p->put(p->msg, o->attr, &u16, 2);
			break;
		case LT_U32:
			u32 = (uint32_t)n;
			p->put(p->msg, o->attr, &u32, 4);
			break;
		case LT_U64:
			p->put(p->msg, o->attr, &n, 8);
			break;
		case LT_RANGE:
			u16 = (uint16_t)(n >> 16);
			p->put(p->msg, o->attr, &u16, 2);
			u16 = (uint16_t)n;
			p->put(p->msg, o->attr + 1, &u16, 2);
			break;
		default:	/* LT_ON_OFF, LT_U8, LT_WORDS */
			p->put(p->msg, o->attr, &u8, 1);
		}
	}
	if (vals->nlocal > 1)
		put_locals(p, vals);
}

bool link_json_compat(void)
{
	const char *c = getenv("VTEPCTL_JSON_COMPAT");

	return c && !strcmp(c, "1");
}

const char *link_opt_key(const struct link_opt *o)
{
	return link_json_compat() ? o->json_v0 : o->json;
}

/* A number of len bytes at d, if it has that size */
static bool get_num(link_attr_fn get, const void *tb, unsigned int attr,
		    size_t size, uint64_t *v)
{
	size_t len = 0;
	const void *d = get(tb, attr, &len);
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	if (!d || len < size)
		return false;
	switch (size) {
	case 1: memcpy(&u8, d, 1); *v = u8; break;
	case 2: memcpy(&u16, d, 2); *v = u16; break;
	case 4: memcpy(&u32, d, 4); *v = u32; break;
	default: memcpy(v, d, 8);
	}
	return true;
}

static void textf(const struct link_printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void textf(const struct link_printer *p, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	p->text(buf);
}

static bool addr_str(const void *d, size_t len, char *buf)
{
	static const uint8_t zero[16];

	if (len != 4 && len != 16)
		return false;
	if (!memcmp(d, zero, len))
		return false;		/* none: 0.0.0.0 or :: */
	return inet_ntop(len == 4 ? AF_INET : AF_INET6, d, buf,
			 INET6_ADDRSTRLEN) != NULL;
}

/* "local A [local B ...]"; JSON "local" or "local6", and "locals" */
static void print_local(const struct link_printer *p, const struct link_opt *o,
			link_attr_fn get, const void *tb)
{
	char buf[INET6_ADDRSTRLEN];
	const uint8_t *d, *end;
	size_t len = 0;
	bool first = true;

	d = get(tb, VTEP_LINK_A_LOCAL, &len);
	if (!d || !addr_str(d, len, buf))
		d = get(tb, VTEP_LINK_A_LOCAL6, &len);
	if (d && addr_str(d, len, buf)) {
		/* vxlan's keys: local, local6 */
		p->json_str(len == 16 && !link_json_compat() ? "local6" : "local",
			    buf);
		textf(p, "%s %s ", o->name, buf);
	} else {
		p->json_str("local", NULL);
	}
	d = get(tb, VTEP_LINK_A_LOCALS, &len);
	if (!d)
		return;
	p->json_open("locals", true);
	for (end = d + len; d + 4 <= end;) {
		uint16_t alen, type;

		memcpy(&alen, d, 2);
		memcpy(&type, d + 2, 2);
		if (alen < 4 || d + alen > end)
			break;
		if (addr_str(d + 4, alen - 4u, buf)) {
			p->json_str(NULL, buf);
			if (!first)	/* the primary is "local" already */
				textf(p, "%s %s ", o->name, buf);
			first = false;
		}
		d += (alen + 3u) & ~3u;
	}
	p->json_close(true);
}

static void print_opt(const struct link_printer *p, const struct link_opt *o,
		      link_attr_fn get, const void *tb)
{
	static const unsigned char size[] = {
		[LT_PORT] = 2, [LT_ON_OFF] = 1, [LT_U8] = 1, [LT_U32] = 4,
		[LT_U64] = 8, [LT_WORDS] = 1, [LT_DEV] = 4, [LT_RANGE] = 2,
	};
	const char *key = link_opt_key(o);
	char buf[INET6_ADDRSTRLEN];
	uint64_t v, hi;

	if (o->type == LT_ADDR) {
		print_local(p, o, get, tb);
		return;
	}
	if (!get_num(get, tb, o->attr, size[o->type], &v)) {
		if (o->type == LT_DEV)
			p->json_str(key, NULL);
		return;
	}
	switch (o->type) {
	case LT_DEV:
		if (!v) {
			p->json_str(key, NULL);
			break;
		}
		if (!p->ifname((uint32_t)v, buf))
			snprintf(buf, sizeof(buf), "if%u", (unsigned int)v);
		p->json_str(key, buf);
		textf(p, "%s %s ", o->name, buf);
		break;
	case LT_PORT:
		v = ntohs((uint16_t)v);
		/* fall through */
	case LT_U32:
	case LT_U64:
		p->json_uint(key, v);
		textf(p, "%s %llu ", o->name, (unsigned long long)v);
		break;
	case LT_ON_OFF:
		if ((o->flags & LO_SHOW_ON) && !v)
			break;
		p->json_bool(key, v);
		textf(p, "%s %s ", o->name, v ? "on" : "off");
		break;
	case LT_U8:
		if (o->flags & LO_HEX) {
			snprintf(buf, sizeof(buf), "0x%x", (unsigned int)v);
			p->json_str(key, buf);
		} else {
			p->json_uint(key, v);
		}
		if (o->word && v == o->word_val)
			textf(p, "%s %s ", o->name, o->word);
		else
			textf(p, o->flags & LO_HEX ? "%s 0x%02x " : "%s %u ",
			      o->name, (unsigned int)v);
		break;
	case LT_WORDS:
		if (v > o->hi)
			break;
		p->json_str(key, o->words[v]);
		textf(p, "%s %s ", o->name, o->words[v]);
		break;
	case LT_RANGE:
		if (!get_num(get, tb, o->attr + 1u, 2, &hi))
			break;
		p->json_open(key, false);
		p->json_uint("low", v);
		p->json_uint("high", hi);
		p->json_close(false);
		textf(p, "%s %u %u ", o->name, (unsigned int)v,
		      (unsigned int)hi);
		break;
	}
}

void link_opts_print(const struct link_printer *p, link_attr_fn get,
		     const void *tb)
{
	uint64_t v;

	for (unsigned int i = 0; i < LO__COUNT; i++)
		print_opt(p, &link_opts[i], get, tb);
	if (get_num(get, tb, VTEP_LINK_A_VNI_COUNT, 4, &v)) {
		p->json_uint("vni_count", v);
		textf(p, "vnis %u ", (unsigned int)v);
	}
	if (get_num(get, tb, VTEP_LINK_A_FDB_COUNT, 4, &v)) {
		p->json_uint("fdb_count", v);
		textf(p, "fdb %u ", (unsigned int)v);
	}
}
