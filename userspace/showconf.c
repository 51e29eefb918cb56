// SPDX-License-Identifier: GPL-2.0
/*
 * showconf: a device's configuration as a -batch file that recreates it,
 * like "wg showconf". Everything is read first (the link, its VNIs,
 * aliases, remotes, peers, static FDB entries and neighbours) into one
 * buffer per call: a failure anywhere prints nothing.
 *
 * The link line names every setting the kernel reports, not only those
 * that differ from a default: the file then means the same device on a
 * module whose defaults differ, and needs no table of defaults to drift.
 * Left out, as they are not the device's vtep configuration: learned FDB
 * entries (the data plane's), counters, and what ip(8) sets (admin state,
 * MTU, MAC address, master).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"
#include "conf.h"

#define SC_DUMP_TRIES 10

/* The text being written: grows, and shrinks back when a dump is retried */
struct sc_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

__attribute__((format(printf, 2, 3)))
static void sc_printf(struct sc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

/* What one device's reading gathers */
struct sc_dev {
	struct sc_buf *out;
	const char *name;	/* as -batch reads it: quoted if need be */
	uint32_t *vnis;		/* for the peers, asked per VNI */
	unsigned int nvnis, cap;
	int err;		/* a reply that cannot be written */
	int owner;		/* print only this owner's entries; -1: all */
};

/*
 * A device name as one word of -batch: makeargs() takes a word starting
 * with a quote as quoted and one starting with '#' as a comment, and
 * nothing else in a name (no blanks: the kernel refuses them) splits it.
 * Returns NULL if the name has both quotes and starts with one.
 */
static const char *sc_word(const char *name, char *buf, size_t len)
{
	char q;

	if (name[0] != '"' && name[0] != '\'' && name[0] != '#')
		return name;
	q = strchr(name, '"') ? '\'' : '"';
	if (strchr(name, q))
		return NULL;
	snprintf(buf, len, "%c%s%c", q, name, q);
	return buf;
}

static const char *sc_ip(const struct nlattr *a4, const struct nlattr *a6,
			 char buf[INET6_ADDRSTRLEN])
{
	struct vtep_ip ip;

	return attr_ip(a4, a6, &ip) ? format_ip(&ip, buf, INET6_ADDRSTRLEN) :
				      NULL;
}

/* An entry's " owner NAME" (none for unspec) in buf; false if the owner
 * filter leaves the entry out. An absent attribute (an older module) is
 * unspec. */
static bool sc_owner(const struct sc_dev *d, const struct nlattr *a,
		     char buf[16])
{
	uint8_t o = VTEP_OWNER_UNSPEC;
	char num[4];

	attr_u8(a, &o);
	if (d->owner >= 0 && o != d->owner)
		return false;
	buf[0] = 0;
	if (o != VTEP_OWNER_UNSPEC)
		snprintf(buf, 16, " owner %s", conf_owner_name(o, num));
	return true;
}

static const char *on_off(uint8_t v)
{
	return v ? "on" : "off";
}

/* ---- the link line ---- */

static void sc_locals(struct sc_buf *b, const struct nlattr **t)
{
	char buf[INET6_ADDRSTRLEN];
	const struct nlattr *a;
	struct vtep_ip ip;

	if (t[VTEP_LINK_A_LOCALS]) {
		mnl_attr_for_each_nested(a, t[VTEP_LINK_A_LOCALS]) {
			bool v6 = mnl_attr_get_type(a) == VTEP_LOCAL_A_ADDR6;

			if (attr_ip(v6 ? NULL : a, v6 ? a : NULL, &ip))
				sc_printf(b, " local %s",
					  format_ip(&ip, buf, sizeof(buf)));
		}
		return;
	}
	if (!attr_ip(t[VTEP_LINK_A_LOCAL], t[VTEP_LINK_A_LOCAL6], &ip))
		return;
	/* the IPv4 wildcard is what no "local" means; "::" is not */
	if (ip.family == AF_INET && !ip.v4.s_addr)
		return;
	sc_printf(b, " local %s", format_ip(&ip, buf, sizeof(buf)));
}

static void sc_u32(struct sc_buf *b, const struct nlattr *a, const char *kw)
{
	uint32_t v;

	if (attr_u32(a, &v))
		sc_printf(b, " %s %u", kw, v);
}

static void sc_on_off(struct sc_buf *b, const struct nlattr *a, const char *kw)
{
	uint8_t v;

	if (attr_u8(a, &v))
		sc_printf(b, " %s %s", kw, on_off(v));
}

static const char *const df_words[] = {
	[VTEP_DF_UNSET] = "unset",
	[VTEP_DF_SET] = "set",
	[VTEP_DF_INHERIT] = "inherit",
};

/* "link add NAME local ... elephant-rate N": every setting reported */
static int sc_link(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_LINK_A_MAX + 1];
	struct sc_dev *d = data;
	struct sc_buf *b = d->out;
	char ifname[IFNAMSIZ], word[IFNAMSIZ + 2];
	uint16_t u16, u16b;
	uint64_t u64;
	uint32_t u32;
	uint8_t u8;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_LINK], t, VTEP_LINK_A_MAX);
	sc_printf(b, "link add %s", d->name);
	sc_locals(b, t);
	if (attr_u16(t[VTEP_LINK_A_PORT], &u16))
		sc_printf(b, " port %u", ntohs(u16));
	if (attr_u32(t[VTEP_LINK_A_UNDERLAY], &u32) && u32) {
		const char *w = NULL;

		if (if_indextoname(u32, ifname))
			w = sc_word(ifname, word, sizeof(word));
		if (!w) {
			pr_err("the underlay of %s (ifindex %u) has no name to write",
			       d->name, u32);
			d->err = -ENODEV;
			return 0;
		}
		sc_printf(b, " underlay %s", w);
	}
	if (attr_u8(t[VTEP_LINK_A_TTL], &u8)) {
		if (u8)
			sc_printf(b, " ttl %u", u8);
		else
			sc_printf(b, " ttl auto");
	}
	if (attr_u8(t[VTEP_LINK_A_TOS], &u8)) {
		if (u8 == VTEP_TOS_INHERIT)
			sc_printf(b, " tos inherit");
		else
			sc_printf(b, " tos 0x%02x", u8);
	}
	if (attr_u8(t[VTEP_LINK_A_DF], &u8) && u8 < ARRAY_SIZE(df_words))
		sc_printf(b, " df %s", df_words[u8]);
	sc_on_off(b, t[VTEP_LINK_A_LEARNING], "learning");
	sc_u32(b, t[VTEP_LINK_A_AGEING], "ageing");
	sc_u32(b, t[VTEP_LINK_A_FDB_MAX], "max-fdb");
	sc_u32(b, t[VTEP_LINK_A_LEARN_MAX], "max-learned");
	sc_u32(b, t[VTEP_LINK_A_LEARN_MAX_DEV], "max-learned-dev");
	sc_u32(b, t[VTEP_LINK_A_PEER_MAX], "max-peers");
	sc_u32(b, t[VTEP_LINK_A_REMOTE_MAX], "max-remotes");
	if (attr_u16(t[VTEP_LINK_A_PORT_MIN], &u16) &&
	    attr_u16(t[VTEP_LINK_A_PORT_MAX], &u16b))
		sc_printf(b, " srcport %u %u", u16, u16b);
	sc_on_off(b, t[VTEP_LINK_A_UDP_CSUM], "udpcsum");
	sc_on_off(b, t[VTEP_LINK_A_MOVE_NOTICE], "move-notice");
	sc_on_off(b, t[VTEP_LINK_A_UDP6_ZERO_CSUM_RX], "udp6zerocsumrx");
	sc_on_off(b, t[VTEP_LINK_A_RESTEER], "resteer");
	sc_u32(b, t[VTEP_LINK_A_FLOWLET_GAP], "flowlet-gap");
	sc_u32(b, t[VTEP_LINK_A_SAMPLE], "sample");
	if (attr_u64(t[VTEP_LINK_A_ELEPHANT_RATE], &u64))
		sc_printf(b, " elephant-rate %llu", (unsigned long long)u64);
	sc_printf(b, "\n");
	return 0;
}

/* ---- the tables ---- */

/* "vni add 100 dev vtep0 vlan 10 group 239.1.1.1 flood on peers any ..." */
static int sc_vni(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_VNI_A_MAX + 1];
	struct sc_dev *d = data;
	struct sc_buf *b = d->out;
	char buf[INET6_ADDRSTRLEN];
	struct vtep_ip ip;
	uint32_t id;
	uint16_t vlan;
	uint8_t u8;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_VNI], t, VTEP_VNI_A_MAX);
	if (!attr_u32(t[VTEP_VNI_A_ID], &id))
		return 0;
	if (d->nvnis == d->cap) {
		unsigned int cap = d->cap ? d->cap * 2 : 64;
		uint32_t *p = realloc(d->vnis, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		d->vnis = p;
		d->cap = cap;
	}
	d->vnis[d->nvnis++] = id;
	sc_printf(b, "vni add %u dev %s", id, d->name);
	if (attr_u16(t[VTEP_VNI_A_VLAN], &vlan))
		sc_printf(b, " vlan %u", vlan);
	else
		sc_printf(b, " untagged");
	if (attr_ip(t[VTEP_VNI_A_GROUP], t[VTEP_VNI_A_GROUP6], &ip) &&
	    ip_is_multicast(&ip))
		sc_printf(b, " group %s", format_ip(&ip, buf, sizeof(buf)));
	if (attr_u8(t[VTEP_VNI_A_FLOOD], &u8))
		sc_printf(b, " flood %s", on_off(u8));
	if (attr_u8(t[VTEP_VNI_A_PEERS], &u8))
		sc_printf(b, " peers %s",
			  u8 == VTEP_PEERS_KNOWN ? "known" : "any");
	if (attr_u8(t[VTEP_VNI_A_SUPPRESS], &u8))
		sc_printf(b, " suppress %s", on_off(u8));
	sc_printf(b, "\n");
	return 0;
}

/* "remote add 192.0.2.2 vni 100 dev vtep0" */
static int sc_remote(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_REMOTE_A_MAX + 1];
	struct sc_dev *d = data;
	char buf[INET6_ADDRSTRLEN], own[16];
	const char *ip;
	uint32_t vni;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_REMOTE], t, VTEP_REMOTE_A_MAX);
	ip = sc_ip(t[VTEP_REMOTE_A_ADDR], t[VTEP_REMOTE_A_ADDR6], buf);
	if (ip && attr_u32(t[VTEP_REMOTE_A_VNI], &vni) &&
	    sc_owner(d, t[VTEP_REMOTE_A_OWNER], own))
		sc_printf(d->out, "remote add %s vni %u dev %s%s\n", ip, vni,
			  d->name, own);
	return 0;
}

/* "peer add 198.51.100.0/24 vni 100 dev vtep0", each of one reply */
static int sc_peer(const struct nlmsghdr *nlh, void *data)
{
	struct sc_dev *d = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		const struct nlattr *t[VTEP_PEER_A_MAX + 1];
		char buf[INET6_ADDRSTRLEN], own[16];
		const char *ip;
		uint32_t vni;
		uint8_t plen;

		if (mnl_attr_get_type(a) != VTEP_A_PEER)
			continue;
		attr_parse_nest(a, t, VTEP_PEER_A_MAX);
		ip = sc_ip(t[VTEP_PEER_A_ADDR], t[VTEP_PEER_A_ADDR6], buf);
		if (!ip || !attr_u32(t[VTEP_PEER_A_VNI], &vni) ||
		    !sc_owner(d, t[VTEP_PEER_A_OWNER], own))
			continue;
		sc_printf(d->out, "peer add %s", ip);
		if (attr_u8(t[VTEP_PEER_A_PREFIX], &plen))
			sc_printf(d->out, "/%u", plen);
		sc_printf(d->out, " vni %u dev %s%s\n", vni, d->name, own);
	}
	return 0;
}

/* "alias add 198.51.100.12 to 198.51.100.2 dev vtep0", each of one reply */
static int sc_alias(const struct nlmsghdr *nlh, void *data)
{
	struct sc_dev *d = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		const struct nlattr *t[VTEP_ALIAS_A_MAX + 1];
		char abuf[INET6_ADDRSTRLEN], pbuf[INET6_ADDRSTRLEN];
		const char *addr, *peer;

		if (mnl_attr_get_type(a) != VTEP_A_ALIAS)
			continue;
		attr_parse_nest(a, t, VTEP_ALIAS_A_MAX);
		addr = sc_ip(t[VTEP_ALIAS_A_ADDR], t[VTEP_ALIAS_A_ADDR6], abuf);
		peer = sc_ip(t[VTEP_ALIAS_A_PEER], t[VTEP_ALIAS_A_PEER6], pbuf);
		if (addr && peer)
			sc_printf(d->out, "alias add %s to %s dev %s\n", addr,
				  peer, d->name);
	}
	return 0;
}

/* "fdb add 02:00:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0": static
 * entries only, whatever the kernel's filter did */
static int sc_fdb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_FDB_A_MAX + 1];
	struct sc_dev *d = data;
	char buf[INET6_ADDRSTRLEN], mac[18], own[16];
	const char *ip;
	uint32_t vni;
	uint8_t type;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_FDB], t, VTEP_FDB_A_MAX);
	if (!attr_u8(t[VTEP_FDB_A_TYPE], &type) ||
	    type != VTEP_FDB_TYPE_STATIC || !t[VTEP_FDB_A_MAC] ||
	    mnl_attr_get_payload_len(t[VTEP_FDB_A_MAC]) != 6 ||
	    !attr_u32(t[VTEP_FDB_A_VNI], &vni) ||
	    !sc_owner(d, t[VTEP_FDB_A_OWNER], own))
		return 0;
	format_mac(mnl_attr_get_payload(t[VTEP_FDB_A_MAC]), mac);
	ip = sc_ip(t[VTEP_FDB_A_DST], t[VTEP_FDB_A_DST6], buf);
	if (!ip) {
		/* "fdb add" needs a destination: say so, as the file lacks it */
		pr_warn("fdb %s vni %u dev %s has no destination: left out",
			mac, vni, d->name);
		return 0;
	}
	sc_printf(d->out, "fdb add %s vni %u dst %s dev %s%s\n", mac, vni, ip,
		  d->name, own);
	return 0;
}

/* "neigh add 203.0.113.5 lladdr 02:00:00:00:00:05 vni 100 dev vtep0" */
static int sc_neigh(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_NEIGH_A_MAX + 1];
	struct sc_dev *d = data;
	char buf[INET6_ADDRSTRLEN], mac[18], own[16];
	const char *ip;
	uint32_t vni;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_NEIGH], t, VTEP_NEIGH_A_MAX);
	ip = sc_ip(t[VTEP_NEIGH_A_ADDR], t[VTEP_NEIGH_A_ADDR6], buf);
	if (!ip || !t[VTEP_NEIGH_A_LLADDR] ||
	    mnl_attr_get_payload_len(t[VTEP_NEIGH_A_LLADDR]) != 6 ||
	    !attr_u32(t[VTEP_NEIGH_A_VNI], &vni) ||
	    !sc_owner(d, t[VTEP_NEIGH_A_OWNER], own))
		return 0;
	sc_printf(d->out, "neigh add %s lladdr %s vni %u dev %s%s\n", ip,
		  format_mac(mnl_attr_get_payload(t[VTEP_NEIGH_A_LLADDR]), mac),
		  vni, d->name, own);
	return 0;
}

/* ---- reading ---- */

/* One request of the device: genl with nest { u32 attr = val } if nest */
static struct nlmsghdr *sc_msg(struct vtep_ctx *ctx, void *buf, uint8_t genl,
			       const char *ifname, uint16_t nest,
			       uint16_t attr, uint32_t val)
{
	struct nlmsghdr *nlh = nl_genl_msg(ctx->nl, buf, genl, 0);
	struct nlattr *n;

	put_dev(nlh, ifname);
	if (nest) {
		n = mnl_attr_nest_start(nlh, nest);
		if (nest == VTEP_A_FDB)
			mnl_attr_put_u8(nlh, attr, (uint8_t)val);
		else
			mnl_attr_put_u32(nlh, attr, val);
		mnl_attr_nest_end(nlh, n);
	}
	return nlh;
}

/* A dump into d's buffer, read again whole if the table changed under it:
 * a file must not miss an entry */
static int sc_dump(struct vtep_ctx *ctx, struct nlmsghdr *nlh, nl_cb cb,
		   struct sc_dev *d, const char *ifname)
{
	size_t len = d->out->len;
	unsigned int nvnis = d->nvnis;
	char what[IFNAMSIZ + 8];
	int err, tries = 0;

	for (;;) {
		err = nl_dump(ctx->nl, nlh, cb, d);
		if (err != -EINTR || ++tries == SC_DUMP_TRIES)
			break;
		d->out->len = len;
		d->nvnis = nvnis;
		usleep(10000U << (tries < 6 ? tries - 1 : 5));
	}
	if (!err)
		return d->err;
	snprintf(what, sizeof(what), "dev %s", ifname);
	if (err == -EINTR)
		pr_err("%s: the table kept changing during the dump", what);
	else
		nl_perror(ctx->nl, what);
	return -1;
}

static int line_cmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Sort the lines written since start: tables are dumped in hash order,
 * which another device with the same entries need not share, and two
 * files of one configuration should compare equal. strverscmp() puts
 * VNI 20 before VNI 100 and 192.0.2.9 before 192.0.2.10.
 */
static void sc_sort(struct sc_buf *b, size_t start)
{
	size_t n = 0, len = b->len - start;
	char *copy, **lines, *p, *save = NULL;

	if (b->oom || !len)
		return;
	for (size_t i = start; i < b->len; i++)
		n += b->p[i] == '\n';
	copy = malloc(len + 1);
	lines = malloc(n * sizeof(*lines));
	if (!copy || !lines) {
		b->oom = true;
		goto out;
	}
	memcpy(copy, b->p + start, len);
	copy[len] = 0;
	n = 0;
	for (p = strtok_r(copy, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
		lines[n++] = p;
	qsort(lines, n, sizeof(*lines), line_cmp);
	b->len = start;
	for (size_t i = 0; i < n; i++)
		sc_printf(b, "%s\n", lines[i]);
out:
	free(copy);
	free(lines);
}

struct showconf {
	struct sc_buf out;
	bool all;		/* every device: skip one that went away */
	unsigned int ndevs;
	int owner;		/* -1: every owner's entries */
};

static int sc_read(struct vtep_ctx *ctx, const char *ifname,
		   struct sc_dev *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[IFNAMSIZ + 32];
	struct sc_buf *b = d->out;
	struct nlmsghdr *nlh;
	size_t start = b->len;

	nlh = sc_msg(ctx, buf, VTEP_CMD_VNI_GET, ifname, 0, 0, 0);
	if (sc_dump(ctx, nlh, sc_vni, d, ifname))
		return -1;
	sc_sort(b, start);
	start = b->len;
	nlh = sc_msg(ctx, buf, VTEP_CMD_REMOTE_GET, ifname, 0, 0, 0);
	if (sc_dump(ctx, nlh, sc_remote, d, ifname))
		return -1;
	sc_sort(b, start);
	start = b->len;
	for (unsigned int i = 0; i < d->nvnis; i++) {
		nlh = sc_msg(ctx, buf, VTEP_CMD_PEER_GET, ifname, VTEP_A_PEER,
			     VTEP_PEER_A_VNI, d->vnis[i]);
		snprintf(what, sizeof(what), "peers of vni %u dev %s",
			 d->vnis[i], ifname);
		if (vtep_request(ctx, nlh, sc_peer, d, what))
			return -1;
	}
	sc_sort(b, start);
	start = b->len;
	nlh = sc_msg(ctx, buf, VTEP_CMD_ALIAS_GET, ifname, 0, 0, 0);
	snprintf(what, sizeof(what), "aliases of dev %s", ifname);
	if (vtep_request(ctx, nlh, sc_alias, d, what))
		return -1;
	sc_sort(b, start);
	start = b->len;
	nlh = sc_msg(ctx, buf, VTEP_CMD_FDB_GET, ifname, VTEP_A_FDB,
		     VTEP_FDB_A_TYPE, VTEP_FDB_TYPE_STATIC);
	if (sc_dump(ctx, nlh, sc_fdb, d, ifname))
		return -1;
	sc_sort(b, start);
	start = b->len;
	nlh = sc_msg(ctx, buf, VTEP_CMD_NEIGH_GET, ifname, 0, 0, 0);
	if (sc_dump(ctx, nlh, sc_neigh, d, ifname))
		return -1;
	sc_sort(b, start);
	return 0;
}

/* One device's block, after a blank line if it is not the first */
static int sc_dev_run(struct vtep_ctx *ctx, const char *ifname, void *data)
{
	struct showconf *s = data;
	char buf[MNL_SOCKET_BUFFER_SIZE], word[IFNAMSIZ + 2];
	char what[IFNAMSIZ + 8];
	struct sc_dev d = { .out = &s->out, .owner = s->owner };
	size_t start = s->out.len;
	struct nlmsghdr *nlh;
	int err;

	d.name = sc_word(ifname, word, sizeof(word));
	if (!d.name) {
		pr_err("device name \"%s\" cannot be written in a -batch file",
		       ifname);
		return -1;
	}
	if (s->ndevs)
		sc_printf(&s->out, "\n");
	snprintf(what, sizeof(what), "link %s", ifname);
	nlh = sc_msg(ctx, buf, VTEP_CMD_LINK_GET, ifname, 0, 0, 0);
	ctx->missing_ok = s->all;
	err = vtep_request(ctx, nlh, sc_link, &d, what);
	ctx->missing_ok = false;
	if (!err && s->all && nl_last_error(ctx->nl)->err) {
		s->out.len = start;	/* gone since it was listed */
		return 0;
	}
	if (!err)
		err = d.err ? -1 : sc_read(ctx, ifname, &d);
	free(d.vnis);
	s->ndevs++;
	return err ? -1 : 0;
}

static int showconf_run(struct vtep_ctx *ctx, void *req)
{
	struct showconf_req *r = req;
	struct showconf s = { .all = !r->dev[0],
			      .owner = r->has_owner ? r->owner : -1 };
	int err;

	err = for_each_vtep(ctx, r->dev, sc_dev_run, &s);
	if (!err && s.out.oom) {
		pr_err("out of memory");
		err = -1;
	}
	if (!err && s.out.len)
		print_raw(s.out.p, s.out.len);
	free(s.out.p);
	return err;
}

int showconf_read(struct vtep_ctx *ctx, const char *ifname, char **text)
{
	struct showconf s = { .all = true, .owner = -1 };

	*text = NULL;
	if (sc_dev_run(ctx, ifname, &s)) {
		free(s.out.p);
		return -1;
	}
	if (s.out.oom) {
		free(s.out.p);
		pr_err("out of memory");
		return -1;
	}
	if (!s.out.len) {
		free(s.out.p);
		return 1;
	}
	*text = s.out.p;
	return 0;
}

static int showconf_check(int cmd, void *req)
{
	(void)cmd;
	(void)req;
	if (is_json()) {
		pr_err("\"showconf\" writes a -batch file: \"-j\" cannot be used with it");
		return -1;
	}
	return 0;
}

static int p_owner(void *req, char **val)
{
	struct showconf_req *r = req;

	r->has_owner = true;
	return conf_owner_parse(val[0], &r->owner);
}

#define S BIT(0)
static const struct kw showconf_kws[] = {
	{ "dev", S, 0, 1, 0, NULL, KT(struct showconf_req, KW_DEV, 0, dev) },
	{ "owner", S, 0, 1, 0, p_owner,
	  KT(struct showconf_req, KW_U8, 0, owner) },
	{ NULL },
};

static const struct vtep_op showconf_ops[] = {
	{ NULL, .run = showconf_run },
	{ NULL },
};

const struct vtep_object showconf_object = {
	.name = "showconf",
	.summary = "a device's configuration as a -batch file that recreates it",
	.help =
	"Usage: vtepctl showconf [ dev NAME ] [ owner OWNER ]\n"
	"Prints the vtepctl -batch lines that recreate NAME (without dev,\n"
	"every vtep device, a blank line between them): link add with every\n"
	"setting, then its VNIs, remotes, peers, aliases, static FDB entries\n"
	"and neighbours, each with \"owner OWNER\" unless its owner is unspec;\n"
	"with owner, only that owner's remotes, peers, FDB entries and\n"
	"neighbours. Learned FDB entries, counters and what ip(8) sets\n"
	"(up/down, MTU, address) are left out. Everything is read before\n"
	"anything is printed: a failure prints nothing. Text only (no -j).\n"
	"  vtepctl showconf dev vtep0 > vtep0.batch\n"
	"  vtepctl link del vtep0; vtepctl -batch vtep0.batch\n"
	"Where: OWNER := { unspec | kernel | user | conf | evpn | hook | 0-255 }\n",
	.kws = showconf_kws,
	.req_size = sizeof(struct showconf_req),
	.ops = showconf_ops,
	.check = showconf_check,
};
