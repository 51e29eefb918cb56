// SPDX-License-Identifier: GPL-2.0
/*
 * topofuzz: requests on the namespaces' netlink sockets, answered or a
 * finding, and the kernel's state (every namespace's links, the vteps'
 * VNIs) read back into the model after each step.
 */
#include "topofuzz.h"

/* ---- netlink ---- */

int in_ns(int ns)
{
	return setns(ns < 0 ? home_fd : nss[ns].fd, CLONE_NEWNET);
}

/*
 * Send @h on @nl and read until its ACK, error or NLMSG_DONE; @cb sees the
 * data. Returns 0 or a negative errno; an answer that does not come within
 * 10 s, or one that is not 0 or an errno, is a finding.
 */
int talk(struct mnl_socket *nl, struct nlmsghdr *h, mnl_cb_t cb, void *data)
{
	uint32_t portid = mnl_socket_get_portid(nl);
	int ret;

	h->nlmsg_seq = ++seq;
	h->nlmsg_flags |= NLM_F_REQUEST;
	/* (NLM_F_EXCL is one of NLM_F_DUMP's bits) */
	if ((h->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		h->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 10000) <= 0) {
			finding(F_ANSWER, "no answer within 10 s (type %u)", h->nlmsg_type);
			return -ETIMEDOUT;
		}
		n = mnl_socket_recvfrom(nl, rbuf, BUFSZ);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(rbuf, n, h->nlmsg_seq, portid, cb, data);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR) {
			if (errno <= 0 || errno > 4095) {
				finding(F_ANSWER, "answer %d (type %u)", errno, h->nlmsg_type);
				return -EINVAL;
			}
			return -errno;
		}
	}
}

struct nlmsghdr *rt_msg(int type, int flags, int ifindex, struct ifinfomsg **ifip)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (ifip)
		*ifip = ifi;
	return h;
}

struct nlmsghdr *gn_msg(uint8_t cmd, int flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	h->nlmsg_type = family;
	h->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->cmd = cmd;
	g->version = VTEP_GENL_VERSION;
	return h;
}

unsigned long n_mutated;

/* Now and then, flip bytes of the attributes past the headers (@hdr). */
bool mutate(struct nlmsghdr *h, size_t hdr)
{
	size_t start = NLMSG_HDRLEN + hdr, i;

	if (h->nlmsg_len <= start || !chance(7))
		return false;
	for (i = 1 + rn(3); i; i--) {
		size_t at = start + rn(h->nlmsg_len - start);

		((uint8_t *)h)[at] = chance(50) ? (uint8_t)rnd() : ((uint8_t *)h)[at] ^ (1 << rn(8));
	}
	n_mutated++;
	return true;
}

/* ---- reading the kernel's state ---- */

struct dev *dev_at(int ns, int ifindex)
{
	int i;

	for (i = 0; i < DEV_MAX; i++)
		if (devs[i].used && devs[i].ns == ns && devs[i].ifindex == ifindex)
			return &devs[i];
	return NULL;
}

struct dev *dev_named(const char *name)
{
	int i;

	for (i = 0; i < DEV_MAX; i++)
		if (devs[i].used && !strcmp(devs[i].name, name))
			return &devs[i];
	return NULL;
}

struct dev *dev_new(void)
{
	int i;

	for (i = 0; i < DEV_MAX; i++)
		if (!devs[i].used) {
			memset(&devs[i], 0, sizeof(devs[i]));
			devs[i].used = true;
			return &devs[i];
		}
	return NULL;
}

/* What a request that created a vtep said, for when it shows up. */
struct pending pending;

static void parse_vtep_data(struct dev *d, const struct nlattr *data)
{
	const struct nlattr *a;

	d->under = 0;
	d->port = VTEP_DEFAULT_PORT;
	d->fam = AF_INET;
	memset(d->local, 0, sizeof(d->local));
	mnl_attr_for_each_nested(a, data) {
		switch (mnl_attr_get_type(a)) {
		case VTEP_LINK_A_UNDERLAY:
			d->under = mnl_attr_get_u32(a);
			break;
		case VTEP_LINK_A_PORT:
			d->port = ntohs(mnl_attr_get_u16(a));
			break;
		case VTEP_LINK_A_LOCAL:
			memcpy(d->local, mnl_attr_get_payload(a), 4);
			break;
		case VTEP_LINK_A_LOCAL6:
			d->fam = AF_INET6;
			memcpy(d->local, mnl_attr_get_payload(a), 16);
			break;
		}
	}
}

/*
 * A tunnel module's fallback device, made in every namespace and never
 * deleted (RTM_DELLINK succeeds, the device stays): a kernel with sit or
 * ip_gre built in (6.1-debug's defconfig) has them, Debian's load none.
 * Part of the namespace, like its base device.
 */
static bool fallback_tunnel(const char *name)
{
	static const char *const names[] = {
		"sit0", "tunl0", "gre0", "gretap0", "erspan0", "ip_vti0",
		"ip6_vti0", "ip6tnl0", "ip6gre0",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static int link_cb(const struct nlmsghdr *h, void *data)
{
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	const struct nlattr *a, *b, *info = NULL, *ldata = NULL;
	int ns = *(int *)data, mtu = 0;
	const char *name = NULL, *kind = "";
	uint64_t rx = 0;
	bool is_pending;
	struct dev *d;

	if (h->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(a, h, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME: name = mnl_attr_get_str(a); break;
		case IFLA_MTU: mtu = mnl_attr_get_u32(a); break;
		case IFLA_LINKINFO: info = a; break;
		case IFLA_STATS64:
			rx = ((struct rtnl_link_stats64 *)mnl_attr_get_payload(a))->rx_packets;
			break;
		}
	}
	if (info)
		mnl_attr_for_each_nested(b, info) {
			if (mnl_attr_get_type(b) == IFLA_INFO_KIND)
				kind = mnl_attr_get_str(b);
			else if (mnl_attr_get_type(b) == IFLA_INFO_DATA)
				ldata = b;
		}
	if (!name || ifi->ifi_index == LO_IFINDEX)
		return MNL_CB_OK;	/* lo */
	/*
	 * The vtep just requested, by its name where it was made. Names are
	 * unique only in a namespace (a mutated IFLA_IFNAME can make one the
	 * model named otherwise): another device of the name is not it.
	 */
	is_pending = ns == pending.ns && !strcmp(name, pending.name);
	d = dev_at(ns, ifi->ifi_index);
	if (d && strcmp(d->name, name))
		d = NULL;		/* the ifindex is another's now */
	if (!d && !is_pending) {
		d = dev_named(name);	/* moved here */
		if (d && d->seen)
			d = NULL;
	}
	if (!d) {
		d = dev_new();
		if (!d)
			return MNL_CB_OK;
		snprintf(d->name, sizeof(d->name), "%s", name);
		d->kind = !strcmp(kind, "vtep") ? D_VTEP : !strcmp(kind, "dummy") ? D_DUMMY :
			  !strcmp(kind, "veth") ? D_VETH : D_OTHER;
		d->src = ns;
		if (is_pending) {
			d->src = pending.src;
			d->src_sure = true;
		}
		if (ifi->ifi_index == nss[ns].base || fallback_tunnel(name))
			d->kind = D_BASE;
	}
	d->seen = true;
	d->ns = ns;
	d->ifindex = ifi->ifi_index;
	d->mtu = mtu;
	d->up = ifi->ifi_flags & IFF_UP;
	if (d->kind == D_VTEP) {
		d->rx = rx;
		if (ldata)
			parse_vtep_data(d, ldata);
	}
	return MNL_CB_OK;
}

int reconcile(void)
{
	int ns, i, err;

	for (i = 0; i < DEV_MAX; i++)
		devs[i].seen = false;
	for (ns = 0; ns < NS_N; ns++) {
		struct nlmsghdr *h = rt_msg(RTM_GETLINK, NLM_F_DUMP, 0, NULL);

		err = talk(nss[ns].rt, h, link_cb, &ns);
		if (err)
			return err;
	}
	for (i = 0; i < DEV_MAX; i++)
		if (devs[i].used && !devs[i].seen)
			devs[i].used = false;
	pending.name[0] = 0;
	return 0;
}

static int vni_cb(const struct nlmsghdr *h, void *data)
{
	const struct nlattr *a, *b;
	struct dev *d = data;

	mnl_attr_for_each(a, h, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != VTEP_A_VNI)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == VTEP_VNI_A_ID) {
				uint32_t id = mnl_attr_get_u32(b);

				if (id >= VNI_BASE && id < VNI_BASE + VNI_N)
					d->vnis |= 1u << (id - VNI_BASE);
			}
	}
	return MNL_CB_OK;
}

/* The VNIs of every vtep, from the kernel (after a request the model did not build) */
void resync_vnis(void)
{
	int i;

	for (i = 0; i < DEV_MAX; i++) {
		struct dev *d = &devs[i];
		struct nlmsghdr *h;

		if (!d->used || d->kind != D_VTEP)
			continue;
		d->vnis = 0;
		h = gn_msg(VTEP_CMD_VNI_GET, NLM_F_DUMP);
		mnl_attr_put_u32(h, VTEP_A_IFINDEX, d->ifindex);
		talk(nss[d->ns].gn, h, vni_cb, d);
	}
}
