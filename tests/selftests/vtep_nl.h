/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw netlink for the vtep selftests: requests built by hand with libmnl
 * (so a test can send what vtepctl never would: a truncated attribute, an
 * unknown one, a bad entry in the middle of a batch), replies walked with a
 * callback, and what the kernel said about a refusal (errno, extack
 * message, offending attribute, missing attribute) kept for the test to
 * assert on.
 */
#ifndef VTEP_NL_H
#define VTEP_NL_H

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/vtep.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE 5
#endif

#define VNL_BUF		(128 * 1024)
#define VNL_MAXATTR	64

struct vnl {
	struct mnl_socket *sk;
	uint16_t family;		/* genl: the "vtep" family id */
	uint32_t events;		/* genl: the "events" group id */
	uint32_t seq;
	char *req, *rcv;
	/* What the last request's NLMSG_ERROR (or NLMSG_DONE) said */
	int err;
	char msg[256];			/* extack message, "" if none */
	uint32_t offs;			/* extack offset in the request, 0 if none */
	int miss_type;			/* extack missing attribute, -1 if none */
	bool intr;			/* a dump message had NLM_F_DUMP_INTR */
};

/* Attributes of one level, by type (types above VNL_MAXATTR dropped) */
struct vnl_tb {
	const struct nlattr *a[VNL_MAXATTR + 1];
};

static int vnl_tb_cb(const struct nlattr *a, void *data)
{
	struct vnl_tb *tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= VNL_MAXATTR)
		tb->a[type] = a;
	return MNL_CB_OK;
}

/* The attributes of a genl message (after its genlmsghdr). */
static inline void vnl_attrs(const struct nlmsghdr *nlh, struct vnl_tb *tb)
{
	memset(tb, 0, sizeof(*tb));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), vnl_tb_cb, tb);
}

static inline void vnl_nested(const struct nlattr *nest, struct vnl_tb *tb)
{
	memset(tb, 0, sizeof(*tb));
	if (nest)
		mnl_attr_parse_nested(nest, vnl_tb_cb, tb);
}

static int vnl_ext_cb(const struct nlattr *a, void *data)
{
	struct vnl *v = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		snprintf(v->msg, sizeof(v->msg), "%s", mnl_attr_get_str(a));
		break;
	case NLMSGERR_ATTR_OFFS:
		v->offs = mnl_attr_get_u32(a);
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		v->miss_type = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

/* Reads the extack TLVs of an NLMSG_ERROR. */
static inline void vnl_extack(struct vnl *v, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_parse(nlh, off, vnl_ext_cb, v);
}

/*
 * Sends @nlh and reads until its NLMSG_ERROR or NLMSG_DONE, handing every
 * other message to @cb. Returns 0 or the negative errno of the refusal.
 */
static inline int vnl_run(struct vnl *v, struct nlmsghdr *nlh, mnl_cb_t cb,
			  void *data)
{
	uint32_t portid = mnl_socket_get_portid(v->sk);
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;

	v->err = 0;
	v->msg[0] = '\0';
	v->offs = 0;
	v->miss_type = -1;
	v->intr = false;
	if (mnl_socket_sendto(v->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *m;
		int len;

		n = mnl_socket_recvfrom(v->sk, v->rcv, VNL_BUF);
		if (n < 0)
			return -errno;
		len = n;
		for (m = (void *)v->rcv; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq || m->nlmsg_pid != portid)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				v->intr = true;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				vnl_extack(v, m);
				return v->err = e->error;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				v->err = *(int *)mnl_nlmsg_get_payload(m);
				if (v->err && (m->nlmsg_flags & NLM_F_ACK_TLVS))
					mnl_attr_parse(m, sizeof(int),
						       vnl_ext_cb, v);
				return v->err;
			}
			if (cb && cb(m, data) < MNL_CB_OK)
				return v->err = -EPROTO;
		}
	}
}

/* Starts a request in v->req: netlink header, and genlmsghdr for genl. */
static inline struct nlmsghdr *vnl_msg(struct vnl *v, uint16_t type,
				       uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(v->req);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++v->seq;
	return nlh;
}

/* A "vtep" command; @ifindex, when not 0, goes in as VTEP_A_IFINDEX. */
static inline struct nlmsghdr *vnl_genl(struct vnl *v, uint8_t cmd,
					uint16_t flags, uint32_t ifindex)
{
	struct nlmsghdr *nlh = vnl_msg(v, v->family, flags);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = VTEP_GENL_VERSION;
	if (ifindex)
		mnl_attr_put_u32(nlh, VTEP_A_IFINDEX, ifindex);
	return nlh;
}

static int vnl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vnl *v = data;
	struct vnl_tb tb, grp;
	const struct nlattr *g;

	vnl_attrs(nlh, &tb);
	if (tb.a[CTRL_ATTR_FAMILY_ID])
		v->family = mnl_attr_get_u16(tb.a[CTRL_ATTR_FAMILY_ID]);
	if (!tb.a[CTRL_ATTR_MCAST_GROUPS])
		return MNL_CB_OK;
	mnl_attr_for_each_nested(g, tb.a[CTRL_ATTR_MCAST_GROUPS]) {
		vnl_nested(g, &grp);
		if (grp.a[CTRL_ATTR_MCAST_GRP_NAME] && grp.a[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(grp.a[CTRL_ATTR_MCAST_GRP_NAME]),
			    VTEP_MCGRP_EVENTS))
			v->events = mnl_attr_get_u32(grp.a[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return MNL_CB_OK;
}

static inline void vnl_close(struct vnl *v)
{
	if (!v)
		return;
	if (v->sk)
		mnl_socket_close(v->sk);
	free(v->req);
	free(v->rcv);
	free(v);
}

/*
 * A socket of @proto (NETLINK_GENERIC or NETLINK_ROUTE) in the caller's
 * namespace, asking for extended acks; for genl, with the "vtep" family
 * resolved. NULL (errno set) on failure.
 */
static inline struct vnl *vnl_open(int proto)
{
	struct vnl *v = calloc(1, sizeof(*v));
	int one = 1, err;

	if (!v)
		return NULL;
	v->req = malloc(VNL_BUF);
	v->rcv = malloc(VNL_BUF);
	v->sk = mnl_socket_open(proto);
	v->seq = time(NULL);
	if (!v->req || !v->rcv || !v->sk ||
	    mnl_socket_bind(v->sk, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(v->sk, NETLINK_EXT_ACK, &one, sizeof(one)))
		goto fail;
	if (proto == NETLINK_GENERIC) {
		struct nlmsghdr *nlh = vnl_msg(v, GENL_ID_CTRL, 0);
		struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

		g->cmd = CTRL_CMD_GETFAMILY;
		g->version = 1;
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VTEP_GENL_NAME);
		err = vnl_run(v, nlh, vnl_family_cb, v);
		if (err || !v->family) {
			errno = err ? -err : ENOENT;
			goto fail;
		}
	}
	return v;
fail:
	err = errno;
	vnl_close(v);
	errno = err;
	return NULL;
}

/* rtnetlink: creates a vtep device with local address @local (0: none). */
static inline int vnl_newlink_vtep(struct vnl *rt, const char *name,
				   const char *local)
{
	struct nlmsghdr *nlh = vnl_msg(rt, RTM_NEWLINK,
				       NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info, *data;
	struct in_addr a;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vtep");
	if (local) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		inet_pton(AF_INET, local, &a);
		mnl_attr_put(nlh, VTEP_LINK_A_LOCAL, sizeof(a), &a);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
	return vnl_run(rt, nlh, NULL, NULL);
}

static inline int vnl_dellink(struct vnl *rt, const char *name)
{
	struct nlmsghdr *nlh = vnl_msg(rt, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return vnl_run(rt, nlh, NULL, NULL);
}

/* An IPv4 address in network order, for attributes */
static inline uint32_t vnl_ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/*
 * One attribute of a request's nest, spelled out so a test can send what
 * vtepctl never would (VNI 0, VLAN and UNTAGGED together, an unknown
 * type). A list ends with type 0; VNL_NEST() builds one in place.
 */
struct vnl_attr {
	uint16_t type;
	uint16_t len;			/* 0 (a flag), 1, 2 or 4 */
	uint32_t val;			/* host order; addresses as they go */
};

#define VNL_NEST(...)	((const struct vnl_attr[]){ __VA_ARGS__, { 0 } })
#define VNL_U8(t, v)	{ (t), 1, (v) }
#define VNL_U16(t, v)	{ (t), 2, (v) }
#define VNL_U32(t, v)	{ (t), 4, (v) }
#define VNL_FLAG(t)	{ (t), 0, 0 }
/* The VTEP_A_VNI attributes tests use most */
#define VNI_ID(v)	VNL_U32(VTEP_VNI_A_ID, v)
#define VNI_VLAN(v)	VNL_U16(VTEP_VNI_A_VLAN, v)
#define VNI_UNTAGGED	VNL_FLAG(VTEP_VNI_A_UNTAGGED)
#define VNI_GROUP(s)	VNL_U32(VTEP_VNI_A_GROUP, vnl_ip4(s))
#define VNI_FLOOD(v)	VNL_U8(VTEP_VNI_A_FLOOD, v)

/* Adds nest @type holding @attrs to @nlh; returns the nest. */
static inline struct nlattr *vnl_put_nest(struct nlmsghdr *nlh, uint16_t type,
					  const struct vnl_attr *attrs)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	const struct vnl_attr *a;

	for (a = attrs; a->type; a++) {
		switch (a->len) {
		case 0:
			mnl_attr_put(nlh, a->type, 0, NULL);
			break;
		case 1:
			mnl_attr_put_u8(nlh, a->type, a->val);
			break;
		case 2:
			mnl_attr_put_u16(nlh, a->type, a->val);
			break;
		default:
			mnl_attr_put_u32(nlh, a->type, a->val);
		}
	}
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

/* A VNI command: VTEP_A_IFINDEX @ifindex, VTEP_A_VNI { @attrs } */
static inline struct nlmsghdr *vnl_vni_req(struct vnl *v, uint8_t cmd,
					   uint16_t flags, uint32_t ifindex,
					   const struct vnl_attr *attrs)
{
	struct nlmsghdr *nlh = vnl_genl(v, cmd, flags, ifindex);

	vnl_put_nest(nlh, VTEP_A_VNI, attrs);
	return nlh;
}

/* The same, sent: 0 or the negative errno of the refusal */
static inline int vnl_vni(struct vnl *v, uint8_t cmd, uint16_t flags,
			  uint32_t ifindex, const struct vnl_attr *attrs)
{
	return vnl_run(v, vnl_vni_req(v, cmd, flags, ifindex, attrs), NULL,
		       NULL);
}

#endif /* VTEP_NL_H */
