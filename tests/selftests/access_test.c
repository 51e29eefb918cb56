// SPDX-License-Identifier: GPL-2.0
/*
 * Who may change a vtep device (CAP_NET_ADMIN in its namespace), who may
 * see it (its namespace only), and who hears of its changes (the events
 * group).
 */
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>

#include "vtep_fixture.h"

/* ---- privilege and namespaces ---- */

static int drop_net_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~(1U << CAP_NET_ADMIN);
	d[0].permitted &= ~(1U << CAP_NET_ADMIN);
	d[0].inheritable &= ~(1U << CAP_NET_ADMIN);
	return syscall(SYS_capset, &h, d);
}

TEST_F(vtep_dev, unprivileged_caller_cannot_change_or_read_tenant_state)
{
	static const uint8_t mutating[] = {
		VTEP_CMD_LINK_SET, VTEP_CMD_VNI_NEW, VTEP_CMD_VNI_SET,
		VTEP_CMD_VNI_DEL, VTEP_CMD_REMOTE_NEW, VTEP_CMD_REMOTE_DEL,
		VTEP_CMD_FDB_NEW, VTEP_CMD_FDB_DEL, VTEP_CMD_FDB_FLUSH,
	};
	static const uint8_t tenant_gets[] = {
		VTEP_CMD_VNI_GET, VTEP_CMD_REMOTE_GET, VTEP_CMD_FDB_GET,
		VTEP_CMD_FLOW_GET, VTEP_CMD_NEIGH_GET,
	};
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh;
	struct vnl *nl;
	struct vnl_tb v;
	unsigned int i;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100, 1,
			  "198.51.100.1"));
	ASSERT_EQ(0, drop_net_admin()) TH_LOG("capset: %s", strerror(errno));
	nl = vnl_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, nl);
	for (i = 0; i < sizeof(mutating); i++) {
		/* well-formed, so only the privilege check can refuse it */
		nlh = vnl_genl(nl, mutating[i], 0, self->ifindex);
		if (mutating[i] == VTEP_CMD_LINK_SET) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);

			mnl_attr_put_u8(nlh, VTEP_LINK_A_TTL, 9);
			mnl_attr_nest_end(nlh, nest);
		} else if (mutating[i] <= VTEP_CMD_VNI_DEL) {
			vnl_put_nest(nlh, VTEP_A_VNI,
				     VNL_NEST(VNI_ID(100), VNI_VLAN(11)));
		} else if (mutating[i] <= VTEP_CMD_REMOTE_DEL) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_REMOTE);

			mnl_attr_put_u32(nlh, VTEP_REMOTE_A_VNI, 100);
			mnl_attr_put_u32(nlh, VTEP_REMOTE_A_ADDR,
					 vnl_ip4("198.51.100.9"));
			mnl_attr_nest_end(nlh, nest);
		} else if (mutating[i] != VTEP_CMD_FDB_FLUSH) {
			put_fdb(nlh, VTEP_A_FDB, 100, 1, "198.51.100.9");
		}
		EXPECT_EQ(-EPERM, vnl_run(nl, nlh, NULL, NULL))
			TH_LOG("command %u", mutating[i]);
	}
	/* the old socket, opened with the capability, is no way around it */
	EXPECT_EQ(-EPERM, fdb_flush(self->nl, self->ifindex, 0, 0));

	/* the device's settings and counters are anyone's, as in rtnetlink */
	nlh = vnl_genl(nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	EXPECT_EQ(0, vnl_run(nl, nlh, NULL, NULL));
	nlh = vnl_genl(nl, VTEP_CMD_STATS_GET, 0, self->ifindex);
	EXPECT_EQ(0, vnl_run(nl, nlh, NULL, NULL));
	/*
	 * Tenants' state is not, as its events are not (the events group
	 * needs CAP_NET_ADMIN): VNIs, MACs, flows, neighbours, remotes,
	 * peers, aliases, a VNI's counters; by "do" and by dump alike.
	 */
	ASSERT_EQ(-EPERM, vni_get(nl, self->ifindex, 100, r, &v));
	for (i = 0; i < sizeof(tenant_gets); i++) {
		nlh = vnl_genl(nl, tenant_gets[i], NLM_F_DUMP, self->ifindex);
		EXPECT_EQ(-EPERM, vnl_run(nl, nlh, NULL, NULL))
			TH_LOG("dump of command %u", tenant_gets[i]);
	}
	nlh = vnl_genl(nl, VTEP_CMD_FDB_GET, 0, self->ifindex);
	put_fdb(nlh, VTEP_A_FDB, 100, 1, NULL);
	EXPECT_EQ(-EPERM, vnl_run(nl, nlh, NULL, NULL));
	nlh = vnl_genl(nl, VTEP_CMD_PEER_GET, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_PEER, VNL_NEST(VNL_U32(VTEP_PEER_A_VNI, 100)));
	EXPECT_EQ(-EPERM, vnl_run(nl, nlh, NULL, NULL));
	nlh = vnl_genl(nl, VTEP_CMD_ALIAS_GET, 0, self->ifindex);
	EXPECT_EQ(-EPERM, vnl_run(nl, nlh, NULL, NULL));
	nlh = vnl_genl(nl, VTEP_CMD_STATS_GET, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_VNI, VNL_NEST(VNI_ID(100)));
	EXPECT_EQ(-EPERM, vnl_run(nl, nlh, NULL, NULL));
	vnl_close(nl);
	free(r);
}

TEST_F(vtep_dev, another_namespace_cannot_see_or_change_the_device)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh;
	struct vnl *other;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	other = vnl_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, other);
	nlh = vnl_genl(other, VTEP_CMD_LINK_GET, 0, self->ifindex);
	EXPECT_EQ(-ENODEV, vnl_run(other, nlh, NULL, NULL));
	nlh = vnl_genl(other, VTEP_CMD_LINK_GET, 0, 0);
	mnl_attr_put_strz(nlh, VTEP_A_IFNAME, "vtep0");
	EXPECT_EQ(-ENODEV, vnl_run(other, nlh, NULL, NULL));
	nlh = vnl_genl(other, VTEP_CMD_LINK_GET, NLM_F_DUMP, 0);
	EXPECT_EQ(0, vnl_run(other, nlh, keep_cb, r));
	EXPECT_EQ(0, r->n);
	EXPECT_EQ(-ENODEV, vnl_vni(other, VTEP_CMD_VNI_NEW, 0, self->ifindex,
				   VNL_NEST(VNI_ID(100), VNI_VLAN(10))));
	/* the device's own namespace still sees it, through its socket */
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	EXPECT_EQ(0, vnl_run(self->nl, nlh, NULL, NULL));
	vnl_close(other);
	free(r);
}

/* ---- events ---- */

TEST_F(vtep_dev, an_fdb_add_raises_an_event)
{
	struct vnl *ev = vnl_open(NETLINK_GENERIC);
	struct pollfd pfd;
	bool found = false;
	uint8_t mac[6];
	int group;

	ASSERT_NE(NULL, ev);
	ASSERT_NE(0, ev->events);
	group = ev->events;
	ASSERT_EQ(0, mnl_socket_setsockopt(ev->sk, NETLINK_ADD_MEMBERSHIP,
					   &group, sizeof(group)));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100, 1,
			  "198.51.100.1"));
	mac_of(1, mac);
	pfd.fd = mnl_socket_get_fd(ev->sk);
	pfd.events = POLLIN;
	/* the event is queued before the ack comes back: no waiting needed */
	while (!found && poll(&pfd, 1, 0) == 1) {
		ssize_t n = mnl_socket_recvfrom(ev->sk, ev->rcv, VNL_BUF);
		const struct nlmsghdr *m;
		int len = n;

		ASSERT_LT(0, n);
		for (m = (void *)ev->rcv; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			const struct genlmsghdr *g = mnl_nlmsg_get_payload(m);
			struct vnl_tb tb, f;

			if (m->nlmsg_type != ev->family ||
			    g->cmd != VTEP_CMD_EVENT)
				continue;
			vnl_attrs(m, &tb);
			vnl_nested(tb.a[VTEP_A_FDB], &f);
			if (tb.a[VTEP_A_EVENT] &&
			    mnl_attr_get_u8(tb.a[VTEP_A_EVENT]) ==
			    VTEP_EVENT_FDB_ADDED && f.a[VTEP_FDB_A_MAC] &&
			    !memcmp(mac, mnl_attr_get_payload(f.a[VTEP_FDB_A_MAC]), 6))
				found = true;
		}
	}
	EXPECT_TRUE(found);
	vnl_close(ev);
}

/* CAP_NET_ADMIN in the effective set only, so it can come back */
static int net_admin_effective(bool on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (on)
		d[0].effective |= 1U << CAP_NET_ADMIN;
	else
		d[0].effective &= ~(1U << CAP_NET_ADMIN);
	return syscall(SYS_capset, &h, d);
}

/*
 * Events name tenants' MACs and underlay addresses as they come and go:
 * joining the group needs CAP_NET_ADMIN, like changing the tables, on
 * every kernel whose genetlink can ask for it (GENL_MCAST_CAP_NET_ADMIN:
 * 6.7, and backports to stable series: Debian's 6.1 and 6.12 kernels both
 * have it). Older kernels let any process of the namespace join
 * (uapi/linux/vtep.h and vtepctl(8) say what it then hears).
 */
TEST_F(vtep_dev, only_a_privileged_process_can_listen_to_events)
{
	struct vnl *ev;
	int group, err;

	ev = vnl_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, ev);
	group = ev->events;
	ASSERT_NE(0, group);
	ASSERT_EQ(0, net_admin_effective(false)) TH_LOG("capset: %s", strerror(errno));
	err = mnl_socket_setsockopt(ev->sk, NETLINK_ADD_MEMBERSHIP, &group,
				    sizeof(group)) ? -errno : 0;
	ASSERT_EQ(0, net_admin_effective(true));
	EXPECT_EQ(-EPERM, err);
	/* and with the capability, the same socket can */
	EXPECT_EQ(0, mnl_socket_setsockopt(ev->sk, NETLINK_ADD_MEMBERSHIP,
					   &group, sizeof(group)));
	vnl_close(ev);
}

/* Sends @n frames from a known MAC to unknown unicast MACs through @dev. */
static int send_unknown(const char *dev, int n)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = (int)if_nametoindex(dev),
		.sll_halen = ETH_ALEN,
	};
	unsigned char f[64] = {
		0x02, 0, 0, 0xee, 0, 0,		/* dst: set below */
		0x02, 0, 0, 0x11, 0x11, 0x11,	/* src */
		0x08, 0x00,			/* IPv4 (the payload is zeros) */
	};
	int sk = socket(AF_PACKET, SOCK_RAW, 0), i, err = 0;

	if (sk < 0)
		return -errno;
	for (i = 0; i < n && !err; i++) {
		f[4] = i >> 8;
		f[5] = i;
		if (sendto(sk, f, sizeof(f), 0, (struct sockaddr *)&sll,
			   sizeof(sll)) != sizeof(f))
			err = -errno;
	}
	close(sk);
	return err;
}

/*
 * Miss events are rate-limited, each device on its own budget: a device
 * whose tenant sends to many unknown MACs (here vtep0, past its 200 a
 * second) does not silence the misses of another (vtep1), which, in
 * another namespace, may belong to someone else.
 */
TEST_F(vtep_dev, one_device_spending_its_miss_budget_leaves_another_its_own)
{
	static const struct vnl_attr no_flood[] = {
		VNI_ID(100), VNI_UNTAGGED, VNI_FLOOD(0), { 0 },
	};
	/* Devices on one address and port: a VNI has one owner there */
	static const struct vnl_attr no_flood1[] = {
		VNI_ID(101), VNI_UNTAGGED, VNI_FLOOD(0), { 0 },
	};
	struct vnl *ev = vnl_open(NETLINK_GENERIC);
	int group, rcvbuf = 8 << 20, vtep1, misses0, misses1 = 0;

	ASSERT_NE(NULL, ev);
	group = ev->events;
	ASSERT_EQ(0, mnl_socket_setsockopt(ev->sk, NETLINK_ADD_MEMBERSHIP,
					   &group, sizeof(group)));
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(ev->sk), SOL_SOCKET,
				SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)));
	ASSERT_EQ(0, system("ip link add u0 type dummy && "
			    "ip addr add 192.0.2.1/24 dev u0 && ip link set u0 up"));
	ASSERT_EQ(0, vnl_newlink_vtep(self->rt, "vtep1", "192.0.2.1"));
	vtep1 = if_nametoindex("vtep1");
	ASSERT_NE(0, vtep1);
	ASSERT_EQ(0, vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex,
			     no_flood));
	ASSERT_EQ(0, vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, vtep1, no_flood1));
	ASSERT_EQ(0, system("ip link set vtep0 up && ip link set vtep1 up"));
	count_events(ev, VTEP_EVENT_FDB_MISS, 0, 0, NULL);	/* drain */

	ASSERT_EQ(0, send_unknown("vtep0", 1000));
	ASSERT_EQ(0, send_unknown("vtep1", 1));
	misses0 = count_events(ev, VTEP_EVENT_FDB_MISS, self->ifindex, vtep1,
				&misses1);
	TH_LOG("vtep0: %d miss events for 1000 frames", misses0);
	EXPECT_LT(0, misses0);
	EXPECT_GT(1000, misses0);	/* vtep0 ran out */
	EXPECT_LE(1, misses1);		/* vtep1 did not */
	vnl_close(ev);
}

TEST_HARNESS_MAIN
