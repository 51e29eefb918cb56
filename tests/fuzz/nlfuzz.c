// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: random and mutated messages to the "vtep" generic netlink family
 * (and, with -r, RTM_NEWLINK of kind "vtep" with random IFLA_INFO_DATA).
 *
 *   nlfuzz [-n COUNT] [-s SEED] [-d DEV] [-U UNDERLAY] [-u] [-r] [-v]
 *
 * Messages are built from the uapi's attribute tables with values that are
 * mostly plausible (the device, VNIs 100-103, VLANs 1-20, addresses of the
 * test's underlay), often wrong (sizes, types, ranges, nesting, flags,
 * headers), and a third are byte mutations of messages the kernel accepted
 * earlier. Every command of the family is sent, dumps included.
 *
 * After each message a sync request (CTRL_CMD_GETFAMILY with an ACK) goes
 * out on the same socket; everything the kernel said about the message
 * arrives before the sync's ACK. Each message must then have been applied
 * (error 0), refused with an errno (1..4095), or - only when it asked for no
 * ACK or its header was broken - answered with nothing. An answer that
 * does not come within 10 s is a hang. With -u (a caller without
 * CAP_NET_ADMIN over the device's namespace), no change may be applied.
 *
 * Prints a TAP-friendly summary ("# ...") and exits 1 on any violation.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/vtep.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define BUF (64 * 1024)
#define RBUF (256 * 1024)
#define CORPUS 64

uint64_t rs;

enum kind { K_U8, K_U16, K_U32, K_BE16, K_VNI, K_VLAN, K_IFX, K_A4, K_G4,
	    K_A6, K_G6, K_MAC, K_STR, K_FLAG, K_BOOL, K_FDBTYPE, K_DF,
	    K_NEST_LINK, K_NEST_VNI, K_NEST_REMOTE, K_NEST_FDB, K_NEST_LIST,
	    K_NEST_STATS, K_RECORDS, K_NONE };

struct adesc { enum kind k; };

static const struct adesc top[] = {
	[VTEP_A_IFINDEX] = { K_IFX }, [VTEP_A_IFNAME] = { K_STR },
	[VTEP_A_LINK] = { K_NEST_LINK }, [VTEP_A_VNI] = { K_NEST_VNI },
	[VTEP_A_REMOTE] = { K_NEST_REMOTE }, [VTEP_A_FDB] = { K_NEST_FDB },
	[VTEP_A_FDB_LIST] = { K_NEST_LIST }, [VTEP_A_STATS] = { K_NEST_STATS },
	[VTEP_A_EVENT] = { K_U8 }, [VTEP_A_FDB_RECORDS] = { K_RECORDS },
};
static const struct adesc link_a[] = {
	[VTEP_LINK_A_LOCAL] = { K_A4 }, [VTEP_LINK_A_LOCAL6] = { K_A6 },
	[VTEP_LINK_A_PORT] = { K_BE16 }, [VTEP_LINK_A_UNDERLAY] = { K_IFX },
	[VTEP_LINK_A_TTL] = { K_U8 }, [VTEP_LINK_A_TOS] = { K_U8 },
	[VTEP_LINK_A_DF] = { K_DF }, [VTEP_LINK_A_LEARNING] = { K_BOOL },
	[VTEP_LINK_A_AGEING] = { K_U32 }, [VTEP_LINK_A_FDB_MAX] = { K_U32 },
	[VTEP_LINK_A_PORT_MIN] = { K_U16 }, [VTEP_LINK_A_PORT_MAX] = { K_U16 },
	[VTEP_LINK_A_UDP_CSUM] = { K_BOOL }, [VTEP_LINK_A_MOVE_NOTICE] = { K_BOOL },
	[VTEP_LINK_A_FDB_COUNT] = { K_U32 }, [VTEP_LINK_A_VNI_COUNT] = { K_U32 },
	[VTEP_LINK_A_LEARN_MAX] = { K_U32 }, [VTEP_LINK_A_PEER_MAX] = { K_U32 },
	[VTEP_LINK_A_LEARN_MAX_DEV] = { K_U32 },
	[VTEP_LINK_A_REMOTE_MAX] = { K_U32 },
};
static const struct adesc vni_a[] = {
	[VTEP_VNI_A_ID] = { K_VNI }, [VTEP_VNI_A_VLAN] = { K_VLAN },
	[VTEP_VNI_A_UNTAGGED] = { K_FLAG }, [VTEP_VNI_A_GROUP] = { K_G4 },
	[VTEP_VNI_A_GROUP6] = { K_G6 }, [VTEP_VNI_A_FLOOD] = { K_BOOL },
	[VTEP_VNI_A_REMOTES] = { K_U32 }, [VTEP_VNI_A_FDB_COUNT] = { K_U32 },
	[VTEP_VNI_A_STATS] = { K_NEST_STATS }, [VTEP_VNI_A_LEARNED] = { K_U32 },
};
static const struct adesc remote_a[] = {
	[VTEP_REMOTE_A_VNI] = { K_VNI }, [VTEP_REMOTE_A_ADDR] = { K_A4 },
	[VTEP_REMOTE_A_ADDR6] = { K_A6 },
};
static const struct adesc fdb_a[] = {
	[VTEP_FDB_A_VNI] = { K_VNI }, [VTEP_FDB_A_MAC] = { K_MAC },
	[VTEP_FDB_A_DST] = { K_A4 }, [VTEP_FDB_A_DST6] = { K_A6 },
	[VTEP_FDB_A_TYPE] = { K_FDBTYPE }, [VTEP_FDB_A_AGE] = { K_U32 },
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t dev_ifindex, underlay_ifindex;
static const char *dev_name = "vtep0";

struct msg {
	char *b;
	size_t len;
};

static void put(struct msg *m, const void *p, size_t n)
{
	if (m->len + n > BUF - 64)
		return;
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void pad(struct msg *m)
{
	static const char z[4];

	put(m, z, (4 - m->len % 4) % 4);
}

/* A value of kind @k in @v; returns its natural size. */
static size_t value(enum kind k, unsigned char *v)
{
	uint32_t x;

	memset(v, 0, 64);
	switch (k) {
	case K_U8: case K_BOOL: case K_FDBTYPE: case K_DF:
		v[0] = chance(70) ? rn(k == K_U8 ? 256 : 4) :
			(uint8_t[]){ 0, 1, 2, 3, 255 }[rn(5)];
		return 1;
	case K_U16:
		x = chance(50) ? 32768 + rn(32768) :
			(uint32_t[]){ 0, 1, 4789, 65535, 32767 }[rn(5)];
		memcpy(v, &(uint16_t){ x }, 2);
		return 2;
	case K_BE16:
		x = chance(60) ? 4789 + rn(3) : (chance(50) ? 0 : rnd());
		v[0] = x >> 8; v[1] = x;
		return 2;
	case K_U32:
		x = chance(50) ? rn(1000) :
			(uint32_t[]){ 0, 1, 300, 1000000, 1000001, 0xffffffff,
				      10, 100000 }[rn(8)];
		memcpy(v, &x, 4);
		return 4;
	case K_VNI:
		x = chance(80) ? 100 + rn(4) :
			(uint32_t[]){ 0, 1, 0xffffff, 0x1000000, 0xffffffff }[rn(5)];
		memcpy(v, &x, 4);
		return 4;
	case K_VLAN:
		x = chance(80) ? 1 + rn(20) :
			(uint32_t[]){ 0, 4094, 4095, 0xffff }[rn(4)];
		memcpy(v, &(uint16_t){ x }, 2);
		return 2;
	case K_IFX:
		x = chance(60) ? dev_ifindex : chance(50) ? underlay_ifindex :
			(uint32_t[]){ 0, 1, 2, 3, 4, 5, 9999, 0xffffffff }[rn(8)];
		memcpy(v, &x, 4);
		return 4;
	case K_A4: {
		static const uint8_t a[][4] = { { 192, 0, 2, 1 }, { 192, 0, 2, 2 },
			{ 192, 0, 2, 3 }, { 0, 0, 0, 0 }, { 255, 255, 255, 255 },
			{ 239, 1, 1, 1 }, { 127, 0, 0, 1 }, { 198, 51, 100, 7 } };
		if (chance(85))
			memcpy(v, a[rn(N(a))], 4);
		else
			x = rnd(), memcpy(v, &x, 4);
		return 4;
	}
	case K_G4: {
		static const uint8_t a[][4] = { { 239, 1, 1, 1 }, { 239, 1, 1, 2 },
			{ 0, 0, 0, 0 }, { 224, 0, 0, 1 }, { 192, 0, 2, 5 } };
		memcpy(v, a[rn(N(a))], 4);
		return 4;
	}
	case K_A6: case K_G6:
		if (k == K_G6 || chance(30)) {
			v[0] = 0xff; v[1] = (uint8_t[]){ 0x02, 0x0e, 0x05 }[rn(3)];
			v[15] = rn(4);
		} else if (chance(80)) {
			v[0] = 0x20; v[1] = 0x01; v[2] = 0x0d; v[3] = 0xb8;
			v[15] = 1 + rn(3);
		} else if (chance(50)) {
			v[15] = rn(2);	/* :: or ::1 */
		} else {
			for (x = 0; x < 16; x++)
				v[x] = rnd();
		}
		return 16;
	case K_MAC:
		if (chance(80)) {
			v[0] = 0x02; v[4] = rn(4); v[5] = rn(16);
		} else {
			static const uint8_t a[][6] = { { 0 }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
				{ 0x01, 0x00, 0x5e, 0, 0, 1 }, { 0x33, 0x33, 0, 0, 0, 1 } };
			memcpy(v, a[rn(N(a))], 6);
		}
		return 6;
	case K_STR:
		if (chance(60)) {
			strcpy((char *)v, dev_name);
			return strlen(dev_name) + 1;
		}
		switch (rn(4)) {
		case 0: strcpy((char *)v, "lo"); return 3;
		case 1: return 1;			/* "" */
		case 2: memset(v, 'A', 20); return 20;	/* too long, no NUL */
		default: memcpy(v, dev_name, strlen(dev_name)); return strlen(dev_name);
		}
	case K_FLAG:
		return 0;
	default:
		return 0;
	}
}

static void attrs(struct msg *m, const struct adesc *t, size_t nt, int depth);

static const struct adesc *nest_table(enum kind k, size_t *n)
{
	switch (k) {
	case K_NEST_LINK: *n = N(link_a); return link_a;
	case K_NEST_VNI: *n = N(vni_a); return vni_a;
	case K_NEST_REMOTE: *n = N(remote_a); return remote_a;
	case K_NEST_FDB: *n = N(fdb_a); return fdb_a;
	default: *n = 0; return NULL;
	}
}

/*
 * A VTEP_A_FDB_RECORDS payload: records mostly well formed (VNI, MAC and
 * destination drawn as their attributes are), some with a family, flag,
 * owner or reserved byte out of place, and sometimes a length that is no
 * whole number of records.
 */
static void records(struct msg *m)
{
	size_t cnt = chance(70) ? 1 + rn(8) : rn(300), i;
	unsigned char v[64];

	for (i = 0; i < cnt; i++) {
		struct vtep_fdb_rec r = { 0 };

		value(K_VNI, v);
		memcpy(&r.vni, v, 4);
		value(K_MAC, v);
		memcpy(r.mac, v, 6);
		r.family = chance(80) ? (chance(50) ? AF_INET : AF_INET6) :
			   (uint8_t[]){ 0, 1, 255, AF_PACKET }[rn(4)];
		value(r.family == AF_INET6 ? K_A6 : K_A4, v);
		memcpy(r.dst, v, r.family == AF_INET6 ? 16 : 4);
		if (chance(30)) {
			r.flags = chance(80) ? VTEP_FDB_REC_F_OWNER : rnd();
			r.owner = rn(8);
		}
		if (chance(3))
			r.reserved[rn(3)] = rnd();
		if (chance(3))
			r.dst[4 + rn(12)] = rnd();	/* IPv4's rest not zero */
		put(m, &r, sizeof(r));
	}
	if (chance(5))			/* no whole number of records */
		put(m, v, 1 + rn(31));
}

/* One attribute of type @type and kind @k, sometimes malformed. */
static void attr(struct msg *m, uint16_t type, enum kind k, int depth)
{
	size_t start = m->len, n, i;
	unsigned char v[64];
	struct nlattr h;

	if (chance(4))
		type |= NLA_F_NESTED;
	if (chance(2))
		type |= NLA_F_NET_BYTEORDER;
	h.nla_type = type;
	put(m, &h, sizeof(h));
	if (k >= K_NEST_LINK && k <= K_NEST_STATS && depth < 5) {
		const struct adesc *t = nest_table(k, &n);

		((struct nlattr *)(m->b + start))->nla_type |=
			chance(90) ? NLA_F_NESTED : 0;
		if (k == K_NEST_LIST) {
			size_t cnt = chance(70) ? 1 + rn(8) : rn(200);

			for (i = 0; i < cnt; i++)
				attr(m, chance(95) ? VTEP_A_FDB : rn(12),
				     K_NEST_FDB, depth + 1);
		} else if (k == K_NEST_STATS) {
			for (i = rn(30); i; i--)
				attr(m, rn(30), K_U32, depth + 1);
		} else {
			attrs(m, t, n, depth + 1);
		}
	} else if (k == K_RECORDS) {
		records(m);
	} else {
		size_t len = value(k, v);

		if (chance(8))		/* a wrong size */
			len = (size_t[]){ 0, 1, 2, 3, 5, 7, 8, 15, 17, 33, 64 }[rn(11)];
		if (len > sizeof(v))
			len = sizeof(v);
		if (chance(3))
			for (i = 0; i < len; i++)
				v[i] = rnd();
		put(m, v, len);
	}
	((struct nlattr *)(m->b + start))->nla_len = m->len - start;
	pad(m);
}

static void attrs(struct msg *m, const struct adesc *t, size_t nt, int depth)
{
	size_t cnt = chance(80) ? rn(5) + (depth ? 1 : 0) : rn(12), i;

	for (i = 0; i < cnt; i++) {
		uint16_t type = 1 + rn(nt - 1);

		if (chance(5))		/* unknown or random type */
			type = rn(64);
		if (chance(3)) {	/* deep random nesting */
			attr(m, type, (enum kind)(K_NEST_LINK + rn(6)), depth + 1);
			continue;
		}
		attr(m, type, type < nt ? t[type].k : (enum kind)rn(K_NONE), depth);
	}
}

static bool admin_cmd(uint8_t c)
{
	switch (c) {
	case VTEP_CMD_LINK_SET: case VTEP_CMD_VNI_NEW: case VTEP_CMD_VNI_SET:
	case VTEP_CMD_VNI_DEL: case VTEP_CMD_REMOTE_NEW: case VTEP_CMD_REMOTE_DEL:
	case VTEP_CMD_FDB_NEW: case VTEP_CMD_FDB_DEL: case VTEP_CMD_FDB_FLUSH:
		return true;
	}
	return false;
}

/* The attributes each command reads, so most messages get past parsing. */
static void cmd_attrs(struct msg *m, uint8_t cmd)
{
	if (chance(90)) {
		bool byname = chance(30);

		attr(m, byname ? VTEP_A_IFNAME : VTEP_A_IFINDEX,
		     byname == chance(90) ? K_STR : K_IFX, 0);
	}
	switch (cmd) {
	case VTEP_CMD_LINK_SET:
		attr(m, VTEP_A_LINK, K_NEST_LINK, 0); break;
	case VTEP_CMD_VNI_NEW: case VTEP_CMD_VNI_SET: case VTEP_CMD_VNI_DEL:
	case VTEP_CMD_VNI_GET: case VTEP_CMD_STATS_GET:
		if (chance(85))
			attr(m, VTEP_A_VNI, K_NEST_VNI, 0);
		break;
	case VTEP_CMD_REMOTE_NEW: case VTEP_CMD_REMOTE_DEL: case VTEP_CMD_REMOTE_GET:
		if (chance(85))
			attr(m, VTEP_A_REMOTE, K_NEST_REMOTE, 0);
		break;
	case VTEP_CMD_FDB_NEW:
		if (chance(20))
			attr(m, VTEP_A_FDB_RECORDS, K_RECORDS, 0);
		else
			attr(m, chance(70) ? VTEP_A_FDB : VTEP_A_FDB_LIST,
			     chance(70) ? K_NEST_FDB : K_NEST_LIST, 0);
		break;
	case VTEP_CMD_FDB_DEL:
		if (chance(20)) {
			attr(m, VTEP_A_FDB_RECORDS, K_RECORDS, 0);
			break;
		}
		/* fall through */
	case VTEP_CMD_FDB_GET: case VTEP_CMD_FDB_FLUSH:
		if (chance(80))
			attr(m, VTEP_A_FDB, K_NEST_FDB, 0);
		break;
	}
	if (chance(8))
		attrs(m, top, N(top), 0);
}

/* ---- results ---- */

static unsigned long st_sent, st_applied, st_refused, st_silent, st_bad,
		     st_mutated, st_broken_hdr, st_rtnl, st_rtnl_created;
static unsigned long per_cmd[VTEP_CMD_MAX + 3][3];
static unsigned long errnos[4096];
static bool verbose, unpriv;

static void hexdump(const char *why, const struct msg *m)
{
	size_t i;

	printf("# VIOLATION: %s; message (%zu bytes):\n#  ", why, m->len);
	for (i = 0; i < m->len && i < 256; i++)
		printf("%02x%s", (unsigned char)m->b[i], (i % 32 == 31) ? "\n#  " : "");
	printf("\n");
	st_bad++;
}

struct sk {
	int fd;
	uint32_t portid;
	char *rbuf;
};

static int sk_open(struct sk *s, int proto)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	socklen_t al = sizeof(a);
	int one = 1, rcv = 4 << 20;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (s->fd < 0)
		return -1;
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(s->fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	s->portid = a.nl_pid;
	s->rbuf = malloc(RBUF);
	return s->rbuf ? 0 : -1;
}

static void sk_close(struct sk *s)
{
	close(s->fd);
	free(s->rbuf);
}

static int send_raw(struct sk *s, const void *b, size_t len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	return sendto(s->fd, b, len, 0, (struct sockaddr *)&k, sizeof(k));
}

/*
 * Reads until the NLMSG_ERROR of @sync_seq (or, when @sync_seq is 0, until
 * the end of the dump or the error of @seq). Records what came for @seq in
 * *err (1 = nothing yet). Returns -1 on a 10 s silence.
 */
static int wait_for(struct sk *s, uint32_t seq, uint32_t sync_seq, int *err,
		    bool *data)
{
	for (;;) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t n;
		int len;

		if (poll(&p, 1, 10000) <= 0)
			return -1;
		n = recv(s->fd, s->rbuf, RBUF, 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			return -1;
		}
		len = n;
		for (h = (void *)s->rbuf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			int e = 1;

			if (h->nlmsg_type == NLMSG_ERROR)
				e = ((struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error;
			else if (h->nlmsg_type == NLMSG_DONE && h->nlmsg_len >= NLMSG_HDRLEN + 4)
				e = *(int *)mnl_nlmsg_get_payload(h);
			else if (h->nlmsg_type == NLMSG_DONE)
				e = 0;
			if (h->nlmsg_seq == seq && seq) {
				if (e != 1 && *err == 1)
					*err = e;
				else if (e == 1)
					*data = true;
				if (!sync_seq && e != 1)
					return 0;
			}
			if (sync_seq && h->nlmsg_seq == sync_seq &&
			    h->nlmsg_type == NLMSG_ERROR)
				return 0;
		}
	}
}

static uint16_t family;

static size_t sync_msg(char *b, uint32_t seq)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(b);
	struct genlmsghdr *g;

	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(h, CTRL_ATTR_FAMILY_NAME, VTEP_GENL_NAME);
	return h->nlmsg_len;
}

static int resolve_family(struct sk *s)
{
	char b[512];
	size_t len = sync_msg(b, 1);
	struct nlmsghdr *h;
	ssize_t n;
	int rlen;

	if (send_raw(s, b, len) < 0)
		return -1;
	n = recv(s->fd, s->rbuf, RBUF, 0);
	rlen = n;
	for (h = (void *)s->rbuf; n > 0 && mnl_nlmsg_ok(h, rlen); h = mnl_nlmsg_next(h, &rlen)) {
		struct nlattr *a;

		if (h->nlmsg_type != GENL_ID_CTRL)
			continue;
		mnl_attr_for_each(a, h, sizeof(struct genlmsghdr))
			if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
				family = mnl_attr_get_u16(a);
	}
	/* drain the ACK */
	recv(s->fd, s->rbuf, RBUF, MSG_DONTWAIT);
	return family ? 0 : -1;
}

/* ---- rtnetlink: RTM_NEWLINK kind vtep with random IFLA_INFO_DATA ---- */

static void rtnl_one(struct sk *r, uint32_t *seq, unsigned long i)
{
	static char b[BUF];
	struct msg m = { b, 0 };
	struct nlmsghdr *h = (void *)b;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	char name[IFNAMSIZ];
	size_t li, di;
	int err = 1;
	bool data = false;

	snprintf(name, sizeof(name), "fz%lu", i % 4);
	memset(h, 0, sizeof(*h));
	m.len = sizeof(*h);
	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	h->nlmsg_seq = ++*seq;
	if (chance(40))
		ifi.ifi_flags = ifi.ifi_change = IFF_UP;
	put(&m, &ifi, sizeof(ifi));
	{
		struct nlattr a = { .nla_len = 4 + strlen(name) + 1, .nla_type = IFLA_IFNAME };

		put(&m, &a, 4);
		put(&m, name, strlen(name) + 1);
		pad(&m);
	}
	li = m.len;
	put(&m, &(struct nlattr){ .nla_type = IFLA_LINKINFO | NLA_F_NESTED }, 4);
	put(&m, &(struct nlattr){ .nla_len = 9, .nla_type = IFLA_INFO_KIND }, 4);
	put(&m, "vtep", 5);
	pad(&m);
	di = m.len;
	put(&m, &(struct nlattr){ .nla_type = IFLA_INFO_DATA | NLA_F_NESTED }, 4);
	attrs(&m, link_a, N(link_a), 1);
	((struct nlattr *)(b + di))->nla_len = m.len - di;
	((struct nlattr *)(b + li))->nla_len = m.len - li;
	if (chance(10)) {	/* IFLA_LINK: the underlay the old way */
		put(&m, &(struct nlattr){ .nla_len = 8, .nla_type = IFLA_LINK }, 4);
		put(&m, chance(50) ? &underlay_ifindex : &dev_ifindex, 4);
	}
	h->nlmsg_len = m.len;
	st_rtnl++;
	if (send_raw(r, b, m.len) < 0 || wait_for(r, h->nlmsg_seq, 0, &err, &data) < 0) {
		hexdump("RTM_NEWLINK: no answer within 10 s", &m);
		return;
	}
	if (err > 0 || err < -4095)
		hexdump("RTM_NEWLINK: answer is not 0 or an errno", &m);
	if (err == 0) {
		st_rtnl_created++;
		memset(b, 0, 64);
		h->nlmsg_len = NLMSG_LENGTH(sizeof(ifi));
		h->nlmsg_type = RTM_DELLINK;
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		h->nlmsg_seq = ++*seq;
		ifi.ifi_index = if_nametoindex(name);
		memcpy(NLMSG_DATA(h), &ifi, sizeof(ifi));
		err = 1;
		if (!ifi.ifi_index || send_raw(r, b, h->nlmsg_len) < 0 ||
		    wait_for(r, h->nlmsg_seq, 0, &err, &data) < 0 || err) {
			printf("# VIOLATION: cannot delete %s (created by the fuzzer): %d\n", name, err);
			st_bad++;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned long count = 10000, i, seed = time(NULL);
	static char corpus[CORPUS][4096];
	static size_t corpus_len[CORPUS];
	unsigned int ncorpus = 0;
	const char *underlay = "eth0";
	bool rtnl = false;
	struct sk s, r;
	uint32_t seq = 100;
	char *b;
	int c;

	while ((c = getopt(argc, argv, "n:s:d:U:urv")) != -1) {
		switch (c) {
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'd': dev_name = optarg; break;
		case 'U': underlay = optarg; break;
		case 'u': unpriv = true; break;
		case 'r': rtnl = true; break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: %s [-n COUNT] [-s SEED] [-d DEV] [-U UNDERLAY] [-u] [-r] [-v]\n", argv[0]);
			return 2;
		}
	}
	rs = seed * 2654435761u + 1;
	dev_ifindex = if_nametoindex(dev_name);
	underlay_ifindex = if_nametoindex(underlay);
	b = malloc(BUF);
	if (!b || sk_open(&s, NETLINK_GENERIC) || resolve_family(&s) ||
	    (rtnl && sk_open(&r, NETLINK_ROUTE))) {
		printf("# nlfuzz: cannot open netlink or find the vtep family: %s\n", strerror(errno));
		return 1;
	}
	printf("# nlfuzz: %lu messages, seed %lu, device %s (%u), family %u%s\n",
	       count, seed, dev_name, dev_ifindex, family, unpriv ? ", unprivileged" : "");

	for (i = 0; i < count; i++) {
		struct msg m = { b, 0 };
		struct nlmsghdr *h = (void *)b;
		struct genlmsghdr g = { .version = VTEP_GENL_VERSION };
		bool broken = false, data = false, mutated = false;
		int err = 1;
		uint32_t sync_seq;
		uint8_t cmd;
		char sb[512];
		size_t sl;

		if (rtnl && chance(8)) {
			rtnl_one(&r, &seq, i);
			continue;
		}
		memset(h, 0, sizeof(*h));
		if (ncorpus && chance(30)) {	/* mutate an accepted message */
			unsigned int k = rn(ncorpus < CORPUS ? ncorpus : CORPUS), j;

			m.len = corpus_len[k];
			memcpy(b, corpus[k], m.len);
			for (j = 1 + rn(4); j; j--) {
				size_t at = NLMSG_HDRLEN + rn(m.len - NLMSG_HDRLEN);

				b[at] = chance(50) ? (char)rnd() : b[at] ^ (1 << rn(8));
			}
			if (chance(20))		/* cut it short, attributes and all */
				m.len = NLMSG_HDRLEN + GENL_HDRLEN + rn(m.len - NLMSG_HDRLEN - GENL_HDRLEN + 1);
			if (chance(20))		/* or add junk */
				for (j = rn(40); j; j--)
					b[m.len++] = rnd();
			h->nlmsg_len = m.len;
			mutated = true;
			st_mutated++;
		} else {
			cmd = chance(85) ? 1 + i % VTEP_CMD_MAX : rn(VTEP_CMD_MAX + 3);
			m.len = sizeof(*h);
			h->nlmsg_type = family;
			h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
			if (chance(cmd == VTEP_CMD_LINK_GET || cmd == VTEP_CMD_VNI_GET ||
				   cmd == VTEP_CMD_REMOTE_GET || cmd == VTEP_CMD_FDB_GET ? 40 : 4))
				h->nlmsg_flags |= NLM_F_DUMP;
			if (chance(20))
				h->nlmsg_flags |= NLM_F_REPLACE;
			if (chance(5))
				h->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
			if (chance(5))
				h->nlmsg_flags &= ~NLM_F_ACK;
			g.cmd = cmd;
			if (chance(3))
				g.version = rnd();
			put(&m, &g, sizeof(g));
			cmd_attrs(&m, cmd);
			h->nlmsg_len = m.len;
		}
		h->nlmsg_seq = ++seq;
		h->nlmsg_pid = 0;
		cmd = m.len >= NLMSG_HDRLEN + 1 ? (uint8_t)b[NLMSG_HDRLEN] : 0;
		if (chance(3)) {	/* a broken netlink or genl header */
			broken = true;
			st_broken_hdr++;
			switch (rn(5)) {
			case 0: h->nlmsg_len = m.len + 1 + rn(64); break;
			case 1: h->nlmsg_len = rn(NLMSG_HDRLEN); break;
			case 2: m.len = NLMSG_HDRLEN + rn(GENL_HDRLEN); h->nlmsg_len = m.len; break;
			case 3: h->nlmsg_len = NLMSG_HDRLEN + rn(m.len - NLMSG_HDRLEN + 1); break;
			default: h->nlmsg_flags = rnd(); break;
			}
		}
		st_sent++;
		if (send_raw(&s, b, m.len) < 0) {
			/* the socket refused it locally: a length it will not send */
			if (!broken)
				hexdump("sendto failed", &m);
			continue;
		}
		/* A dump is read to its end before the sync goes out. */
		if (!broken && (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
		    (h->nlmsg_flags & NLM_F_REQUEST) && h->nlmsg_len == m.len) {
			if (wait_for(&s, h->nlmsg_seq, 0, &err, &data) < 0) {
				hexdump("dump: no end within 10 s", &m);
				continue;
			}
		}
		sync_seq = ++seq;
		sl = sync_msg(sb, sync_seq);
		if (send_raw(&s, sb, sl) < 0 || wait_for(&s, h->nlmsg_seq, sync_seq, &err, &data) < 0) {
			hexdump("no answer within 10 s", &m);
			sk_close(&s);
			if (sk_open(&s, NETLINK_GENERIC))
				return 1;
			continue;
		}
		if (cmd > VTEP_CMD_MAX + 1)
			cmd = VTEP_CMD_MAX + 2;
		if (err == 1) {
			if ((h->nlmsg_flags & NLM_F_ACK) && (h->nlmsg_flags & NLM_F_REQUEST) &&
			    !broken && !data && h->nlmsg_type == family)
				hexdump("asked for an ACK, got nothing", &m);
			st_silent++;
			continue;
		}
		if (err > 0 || err < -4095) {
			hexdump("answer is not 0 or an errno", &m);
			continue;
		}
		if (err == 0 && !(h->nlmsg_flags & NLM_F_REQUEST)) {
			st_silent++;	/* not a request: acked, never applied */
			continue;
		}
		if (err == 0) {
			st_applied++;
			per_cmd[cmd][0]++;
			if (unpriv && admin_cmd(cmd) && h->nlmsg_type == family)
				hexdump("a change was applied without CAP_NET_ADMIN", &m);
			if (!mutated && m.len <= sizeof(corpus[0])) {
				memcpy(corpus[ncorpus % CORPUS], b, m.len);
				corpus_len[ncorpus % CORPUS] = m.len;
				ncorpus++;
			}
		} else {
			st_refused++;
			per_cmd[cmd][1]++;
			errnos[-err]++;
		}
		if (verbose)
			printf("# %lu cmd %u len %zu -> %d\n", i, cmd, m.len, err);
	}

	printf("# nlfuzz: sent %lu (%lu mutated, %lu broken headers): applied %lu, refused %lu, no answer (none due) %lu; rtnl %lu (%lu created and deleted); violations %lu\n",
	       st_sent, st_mutated, st_broken_hdr, st_applied, st_refused, st_silent,
	       st_rtnl, st_rtnl_created, st_bad);
	printf("# nlfuzz: per command applied/refused:");
	for (c = 0; c <= VTEP_CMD_MAX + 2; c++)
		printf(" %d:%lu/%lu", c, per_cmd[c][0], per_cmd[c][1]);
	printf("\n# nlfuzz: errnos:");
	for (c = 1; c < 4096; c++)
		if (errnos[c])
			printf(" %s=%lu", strerrorname_np(c) ? strerrorname_np(c) : "?", errnos[c]);
	printf("\n");
	return st_bad ? 1 : 0;
}
