// SPDX-License-Identifier: GPL-2.0
/*
 * Who may change a vtep device (CAP_NET_ADMIN in its namespace), who may
 * see it (its namespace only), and who hears of its changes (the events
 * group).
 */
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

TEST_F(vtep_dev, unprivileged_caller_cannot_change_anything_but_can_read)
{
	static const uint8_t mutating[] = {
		VTEP_CMD_LINK_SET, VTEP_CMD_VNI_NEW, VTEP_CMD_VNI_SET,
		VTEP_CMD_VNI_DEL, VTEP_CMD_REMOTE_NEW, VTEP_CMD_REMOTE_DEL,
		VTEP_CMD_FDB_NEW, VTEP_CMD_FDB_DEL, VTEP_CMD_FDB_FLUSH,
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

	/* reading needs nothing */
	nlh = vnl_genl(nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	EXPECT_EQ(0, vnl_run(nl, nlh, NULL, NULL));
	EXPECT_EQ(0, vni_get(nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(1, fdb_count(nl, self->ifindex, 0, 0));
	nlh = vnl_genl(nl, VTEP_CMD_STATS_GET, 0, self->ifindex);
	EXPECT_EQ(0, vnl_run(nl, nlh, NULL, NULL));
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

TEST_HARNESS_MAIN
