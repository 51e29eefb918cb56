// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink I/O on libmnl: the only file that opens sockets.
 *
 * One generic netlink socket carries every request of a process (a whole
 * -batch file included); rtnetlink gets a second one, opened on first use,
 * for creating and deleting devices; monitor opens a third, joined to the
 * "events" group, so the replies of its resync dumps never mix with events.
 *
 * Replies are walked here rather than with mnl_cb_run(), which hides the
 * extended ack (the kernel's message and the offset of the refused
 * attribute) and stops reading at NLM_F_DUMP_INTR, leaving the rest of the
 * dump queued on the socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "vtepctl.h"

#define RBUF_SIZE (64 * 1024)	/* the kernel caps a dump skb at 32 KB */
#define MON_RCVBUF (4 * 1024 * 1024)

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
};

struct vtep_nl {
	struct nl_sock genl, rtnl, mon;
	uint16_t family;
	uint32_t maxattr;		/* the family's VTEP_A_MAX */
	uint32_t events_grp;
	uint32_t seq;
	char *rbuf;
	struct nl_ext ext;
	nl_fake_fn fake;
	void *fake_priv;
};

/* ---- attributes ---- */

static bool attr_len_is(const struct nlattr *a, size_t len)
{
	return a && mnl_attr_get_payload_len(a) == len;
}

/* Copy a payload of exactly len bytes (host order, as the kernel puts) */
static bool attr_copy(const struct nlattr *a, void *v, size_t len)
{
	if (!attr_len_is(a, len))
		return false;
	memcpy(v, mnl_attr_get_payload(a), len);
	return true;
}

bool attr_u8(const struct nlattr *a, uint8_t *v)
{
	return attr_copy(a, v, sizeof(*v));
}

bool attr_u16(const struct nlattr *a, uint16_t *v)
{
	return attr_copy(a, v, sizeof(*v));
}

bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	return attr_copy(a, v, sizeof(*v));
}

bool attr_u64(const struct nlattr *a, uint64_t *v)
{
	return attr_copy(a, v, sizeof(*v));
}

const char *attr_parse_dev(const struct nlmsghdr *nlh,
			   const struct nlattr **tb, uint32_t *ifindex)
{
	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_u32(tb[VTEP_A_IFINDEX], ifindex);
	return attr_str(tb[VTEP_A_IFNAME]);
}

const char *attr_str(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		return NULL;
	return mnl_attr_get_str(a);
}

bool attr_ip(const struct nlattr *a4, const struct nlattr *a6,
	     struct vtep_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (attr_len_is(a4, 4)) {
		ip->family = AF_INET;
		memcpy(&ip->v4, mnl_attr_get_payload(a4), 4);
	} else if (attr_len_is(a6, 16)) {
		ip->family = AF_INET6;
		memcpy(&ip->v6, mnl_attr_get_payload(a6), 16);
	}
	return ip->family != AF_UNSPEC;
}

void attr_put_ip(struct nlmsghdr *nlh, uint16_t a4, uint16_t a6,
		 const struct vtep_ip *ip)
{
	if (ip->family == AF_INET6)
		mnl_attr_put(nlh, a6, sizeof(ip->v6), &ip->v6);
	else
		mnl_attr_put(nlh, a4, sizeof(ip->v4), &ip->v4);
}

void attr_parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		     unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (!nest)
		return;
	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);

		if (t <= max)
			tb[t] = a;
	}
}

void attr_parse_genl(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		uint16_t t = mnl_attr_get_type(a);

		if (t <= max)
			tb[t] = a;
	}
}

void put_dev(struct nlmsghdr *nlh, const char *ifname)
{
	mnl_attr_put_strz(nlh, VTEP_A_IFNAME, ifname);
}

struct nlmsghdr *genl_msg(void *buf, uint16_t family, uint8_t cmd,
			  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = VTEP_GENL_VERSION;
	return nlh;
}

struct nlmsghdr *nl_genl_msg(struct vtep_nl *nl, void *buf, uint8_t cmd,
			     uint16_t flags)
{
	return genl_msg(buf, nl->family, cmd, flags);
}

/* ---- replies ---- */

static void parse_ext_tlvs(const struct nlmsghdr *nlh, size_t off,
			   struct nl_ext *ext)
{
	const struct nlattr *a;

	if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return;
	mnl_attr_for_each(a, nlh, off) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(ext->msg, sizeof(ext->msg), "%s",
					 mnl_attr_get_str(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			ext->has_off = attr_u32(a, &ext->off);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			ext->has_miss = attr_u32(a, &ext->miss_type);
			break;
		}
	}
}

static void parse_error(const struct nlmsghdr *nlh, struct nl_ext *ext)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
		ext->err = -EBADMSG;
		return;
	}
	ext->err = e->error > 0 ? -e->error : e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* without NETLINK_CAP_ACK the request is echoed before the TLVs */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	parse_ext_tlvs(nlh, off, ext);
}

static void parse_done(const struct nlmsghdr *nlh, struct nl_ext *ext)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err < 0)
		ext->err = err;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_ext_tlvs(nlh, sizeof(int), ext);
}

/*
 * Walk one buffer of replies to request seq: data messages go to cb, the
 * final NLMSG_ERROR (ack) or NLMSG_DONE ends the request. A callback's
 * error does not stop the walk: the rest of a dump must still be read.
 */
int nl_process(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	       nl_cb cb, void *data, struct nl_state *st)
{
	const struct nlmsghdr *nlh = buf;
	int rem = (int)len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != seq ||
		    (portid && nlh->nlmsg_pid && nlh->nlmsg_pid != portid))
			continue;	/* left over from an earlier request */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			st->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR:
			parse_error(nlh, &st->ext);
			st->done = true;
			return 0;
		case NLMSG_DONE:
			parse_done(nlh, &st->ext);
			st->done = true;
			return 0;
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			break;
		default:
			if (cb && !st->cb_err) {
				int r = cb(nlh, data);

				if (r < 0)
					st->cb_err = r;
			}
		}
	}
	return rem ? -EBADMSG : 0;
}

/* ---- sockets ---- */

static int sock_open(struct nl_sock *s, int bus)
{
	int one = 1;

	s->mnl = mnl_socket_open(bus);
	if (!s->mnl)
		return -errno;
	/* best effort: old kernels answer without the extended ack */
	mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(s->mnl);
		s->mnl = NULL;
		return err;
	}
	s->portid = mnl_socket_get_portid(s->mnl);
	return 0;
}

static void sock_close(struct nl_sock *s)
{
	if (s->mnl)
		mnl_socket_close(s->mnl);
	s->mnl = NULL;
}

static int transact(struct vtep_nl *nl, struct nl_sock *s,
		    struct nlmsghdr *nlh, nl_cb cb, void *data, bool warn)
{
	struct nl_state st = { 0 };

	nlh->nlmsg_seq = ++nl->seq;
	memset(&nl->ext, 0, sizeof(nl->ext));
	if (nl->fake) {
		int err = nl->fake(nlh, cb, data, &nl->ext, nl->fake_priv);

		nl->ext.err = err;
		return err;
	}
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0) {
		nl->ext.err = -errno;
		return nl->ext.err;
	}
	while (!st.done) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, nl->rbuf, RBUF_SIZE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			nl->ext.err = -errno;
			return nl->ext.err;
		}
		if (nl_process(nl->rbuf, (size_t)n, nlh->nlmsg_seq, s->portid,
			       cb, data, &st)) {
			nl->ext.err = -EBADMSG;
			return nl->ext.err;
		}
	}
	nl->ext = st.ext;
	if (warn && !st.ext.err && st.ext.msg[0])
		pr_warn("%s", st.ext.msg);
	if (st.ext.err)
		return st.ext.err;
	if (st.cb_err)
		return st.cb_err;
	return st.intr ? -EINTR : 0;
}

int nl_request(struct vtep_nl *nl, struct nlmsghdr *nlh, nl_cb cb, void *data)
{
	nlh->nlmsg_flags |= NLM_F_ACK;
	return transact(nl, &nl->genl, nlh, cb, data, true);
}

int nl_request_quiet(struct vtep_nl *nl, struct nlmsghdr *nlh, nl_cb cb,
		     void *data)
{
	nlh->nlmsg_flags |= NLM_F_ACK;
	return transact(nl, &nl->genl, nlh, cb, data, false);
}

/* Returns -EINTR, after reading it whole, if the dump was interrupted */
int nl_dump(struct vtep_nl *nl, struct nlmsghdr *nlh, nl_cb cb, void *data)
{
	int err;

	nlh->nlmsg_flags |= NLM_F_DUMP;
	err = transact(nl, &nl->genl, nlh, cb, data, true);
	return err;
}

int nl_rtnl_request(struct vtep_nl *nl, struct nlmsghdr *nlh)
{
	if (!nl->rtnl.mnl && !nl->fake) {
		int err = sock_open(&nl->rtnl, NETLINK_ROUTE);

		if (err) {
			nl->ext.err = err;
			return err;
		}
	}
	nlh->nlmsg_flags |= NLM_F_ACK;
	return transact(nl, &nl->rtnl, nlh, NULL, NULL, true);
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *g;
	struct vtep_nl *nl = data;

	attr_parse_genl(nlh, tb, CTRL_ATTR_MAX);
	if (!attr_u16(tb[CTRL_ATTR_FAMILY_ID], &nl->family))
		return -EBADMSG;
	attr_u32(tb[CTRL_ATTR_MAXATTR], &nl->maxattr);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(g, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *gt[CTRL_ATTR_MCAST_GRP_MAX + 1];

		attr_parse_nest(g, gt, CTRL_ATTR_MCAST_GRP_MAX);
		if (!gt[CTRL_ATTR_MCAST_GRP_NAME] ||
		    mnl_attr_validate(gt[CTRL_ATTR_MCAST_GRP_NAME],
				      MNL_TYPE_NUL_STRING) ||
		    strcmp(mnl_attr_get_str(gt[CTRL_ATTR_MCAST_GRP_NAME]),
			   VTEP_MCGRP_EVENTS))
			continue;
		attr_u32(gt[CTRL_ATTR_MCAST_GRP_ID], &nl->events_grp);
	}
	return 0;
}

struct vtep_nl *nl_open(int *errp)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct vtep_nl *nl;
	int err;

	nl = calloc(1, sizeof(*nl));
	if (!nl || !(nl->rbuf = malloc(RBUF_SIZE))) {
		pr_err("out of memory");
		free(nl);
		*errp = -ENOMEM;
		return NULL;
	}
	err = sock_open(&nl->genl, NETLINK_GENERIC);
	if (err) {
		pr_err("cannot open a generic netlink socket: %s",
		       strerror(-err));
		goto err_free;
	}
	nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VTEP_GENL_NAME);
	err = nl_request(nl, nlh, family_cb, nl);
	if (err == -ENOENT) {
		pr_err("generic netlink family \"%s\" not found: is the vtep module loaded?",
		       VTEP_GENL_NAME);
		goto err_close;
	}
	if (err || !nl->family) {
		nl_perror(nl, "resolving the \"" VTEP_GENL_NAME "\" family");
		err = err ?: -EBADMSG;
		goto err_close;
	}
	return nl;

err_close:
	sock_close(&nl->genl);
err_free:
	free(nl->rbuf);
	free(nl);
	*errp = err;
	return NULL;
}

struct vtep_nl *nl_fake(nl_fake_fn fn, void *priv)
{
	struct vtep_nl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return NULL;
	nl->family = 0x42;
	nl->fake = fn;
	nl->fake_priv = priv;
	return nl;
}

void nl_close(struct vtep_nl *nl)
{
	if (!nl)
		return;
	sock_close(&nl->genl);
	sock_close(&nl->rtnl);
	sock_close(&nl->mon);
	free(nl->rbuf);
	free(nl);
}

/* ---- errors ---- */

bool nl_has_attr(const struct vtep_nl *nl, unsigned int attr)
{
	return nl->maxattr >= attr;
}

const struct nl_ext *nl_last_error(const struct vtep_nl *nl)
{
	return &nl->ext;
}

/* errno in words that fit what vtepctl asks for */
const char *nl_strerror(int err)
{
	switch (-err) {
	case EEXIST:
		return "exists";
	case ENOENT:
		return "does not exist";
	case ENODEV:
		return "no such device";
	case EOPNOTSUPP:
		return "operation not supported";
	case EPERM:
		return "operation not permitted (CAP_NET_ADMIN is needed)";
	case ENOSPC:
		return "limit reached";
	case EAFNOSUPPORT:
		return "address family differs from the device's local address";
	case EINTR:
		return "dump interrupted by concurrent changes";
	default:
		return strerror(-err);
	}
}

const char *nl_errmsg(const struct vtep_nl *nl, char *buf, size_t len)
{
	const struct nl_ext *e = &nl->ext;

	if (e->msg[0])
		return e->msg;
	if (e->has_miss) {
		snprintf(buf, len, "missing attribute (type %u)", e->miss_type);
		return buf;
	}
	return nl_strerror(e->err);
}

void nl_perror(const struct vtep_nl *nl, const char *what)
{
	char buf[64];
	const char *m = nl_errmsg(nl, buf, sizeof(buf));

	if (what)
		pr_err("%s: %s", what, m);
	else
		pr_err("%s", m);
}

/* ---- names ---- */

unsigned int nl_ifindex(const char *name)
{
	return if_nametoindex(name);
}

const char *nl_ifname(unsigned int ifindex, char buf[IFNAMSIZ])
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IFNAMSIZ, "if%u", ifindex);
	return buf;
}

/* ---- events ---- */

int nl_monitor_open(struct vtep_nl *nl)
{
	int fd, size = MON_RCVBUF;
	int err;

	if (!nl->events_grp) {
		pr_err("the \"%s\" family has no \"%s\" group",
		       VTEP_GENL_NAME, VTEP_MCGRP_EVENTS);
		return -1;
	}
	err = sock_open(&nl->mon, NETLINK_GENERIC);
	if (err) {
		pr_err("cannot open a netlink socket: %s", strerror(-err));
		return -1;
	}
	if (mnl_socket_setsockopt(nl->mon.mnl, NETLINK_ADD_MEMBERSHIP,
				  &nl->events_grp, sizeof(nl->events_grp))) {
		pr_err("cannot join the \"%s\" group: %s", VTEP_MCGRP_EVENTS,
		       strerror(errno));
		sock_close(&nl->mon);
		return -1;
	}
	/* a deep queue makes overruns rarer; FORCE needs CAP_NET_ADMIN */
	fd = mnl_socket_get_fd(nl->mon.mnl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

/* One recv of events; -ENOBUFS when the kernel dropped some */
int nl_monitor_recv(struct vtep_nl *nl, nl_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int rem;

	n = mnl_socket_recvfrom(nl->mon.mnl, nl->rbuf, RBUF_SIZE);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	nlh = (const struct nlmsghdr *)nl->rbuf;
	for (rem = (int)n; mnl_nlmsg_ok(nlh, rem);
	     nlh = mnl_nlmsg_next(nlh, &rem)) {
		const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
		int r;

		if (nlh->nlmsg_type != nl->family ||
		    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
		    g->cmd != VTEP_CMD_EVENT)
			continue;
		r = cb(nlh, data);
		if (r < 0)
			return r;
	}
	return 0;
}
