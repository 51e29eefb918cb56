// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane, spoken as raw generic netlink: devices and VNIs.
 * Every command round-trips, every bad request is refused with the right
 * errno and an extack message. fdb_test.c does remotes, the FDB and
 * counters; access_test.c privilege, namespaces and events.
 */
#include "vtep_fixture.h"

/* ---- devices ---- */

TEST_F(vtep_dev, link_set_then_get_returns_the_new_settings)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_SET, 0,
					self->ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	struct replies r = {};
	struct vnl_tb tb, l;

	mnl_attr_put_u8(nlh, VTEP_LINK_A_TTL, 64);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_TOS, 1);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_DF, VTEP_DF_INHERIT);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_LEARNING, 0);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_AGEING, 60);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_MAX, 1000);
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT_MIN, 40000);
	mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT_MAX, 50000);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_UDP_CSUM, 1);
	mnl_attr_put_u8(nlh, VTEP_LINK_A_MOVE_NOTICE, 0);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));

	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, &r));
	ASSERT_EQ(1, r.n);
	vnl_attrs(reply(&r, 0), &tb);
	ASSERT_STREQ("vtep0", mnl_attr_get_str(tb.a[VTEP_A_IFNAME]));
	ASSERT_EQ(self->ifindex, mnl_attr_get_u32(tb.a[VTEP_A_IFINDEX]));
	vnl_nested(tb.a[VTEP_A_LINK], &l);
	ASSERT_NE(NULL, l.a[VTEP_LINK_A_LOCAL]);
	EXPECT_EQ(vnl_ip4("192.0.2.1"), mnl_attr_get_u32(l.a[VTEP_LINK_A_LOCAL]));
	EXPECT_EQ(htons(4789), mnl_attr_get_u16(l.a[VTEP_LINK_A_PORT]));
	EXPECT_EQ(64, mnl_attr_get_u8(l.a[VTEP_LINK_A_TTL]));
	EXPECT_EQ(1, mnl_attr_get_u8(l.a[VTEP_LINK_A_TOS]));
	EXPECT_EQ(VTEP_DF_INHERIT, mnl_attr_get_u8(l.a[VTEP_LINK_A_DF]));
	EXPECT_EQ(0, mnl_attr_get_u8(l.a[VTEP_LINK_A_LEARNING]));
	EXPECT_EQ(60, mnl_attr_get_u32(l.a[VTEP_LINK_A_AGEING]));
	EXPECT_EQ(1000, mnl_attr_get_u32(l.a[VTEP_LINK_A_FDB_MAX]));
	EXPECT_EQ(40000, mnl_attr_get_u16(l.a[VTEP_LINK_A_PORT_MIN]));
	EXPECT_EQ(50000, mnl_attr_get_u16(l.a[VTEP_LINK_A_PORT_MAX]));
	EXPECT_EQ(1, mnl_attr_get_u8(l.a[VTEP_LINK_A_UDP_CSUM]));
	EXPECT_EQ(0, mnl_attr_get_u8(l.a[VTEP_LINK_A_MOVE_NOTICE]));
	EXPECT_EQ(0, mnl_attr_get_u32(l.a[VTEP_LINK_A_FDB_COUNT]));
	EXPECT_EQ(0, mnl_attr_get_u32(l.a[VTEP_LINK_A_VNI_COUNT]));
}

TEST_F(vtep_dev, link_get_finds_the_device_by_name)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, 0);
	struct replies r = {};
	struct vnl_tb tb;

	mnl_attr_put_strz(nlh, VTEP_A_IFNAME, "vtep0");
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, &r));
	ASSERT_EQ(1, r.n);
	vnl_attrs(reply(&r, 0), &tb);
	EXPECT_EQ(self->ifindex, mnl_attr_get_u32(tb.a[VTEP_A_IFINDEX]));
}

TEST_F(vtep_dev, link_dump_lists_every_vtep_device_and_nothing_else)
{
	struct nlmsghdr *nlh;
	struct replies r = {};
	bool seen0 = false, seen1 = false;
	struct vnl_tb tb;
	int i;

	ASSERT_EQ(0, vnl_newlink_vtep(self->rt, "vtep1", NULL));
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, NLM_F_DUMP, 0);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, &r));
	ASSERT_EQ(2, r.n);
	for (i = 0; i < r.n; i++) {
		vnl_attrs(reply(&r, i), &tb);
		if (!strcmp(mnl_attr_get_str(tb.a[VTEP_A_IFNAME]), "vtep0"))
			seen0 = true;
		if (!strcmp(mnl_attr_get_str(tb.a[VTEP_A_IFNAME]), "vtep1"))
			seen1 = true;
		EXPECT_NE(NULL, tb.a[VTEP_A_LINK]);
	}
	EXPECT_TRUE(seen0);
	EXPECT_TRUE(seen1);
}

/*
 * RTM_NEWLINK of vtep @name with IFLA_INFO_DATA { PORT @port }: creates it
 * with NLM_F_CREATE | NLM_F_EXCL in @flags, else changes it.
 */
static int rtnl_link_port(struct vnl *rt, const char *name, uint16_t flags,
			  uint16_t port)
{
	struct nlmsghdr *nlh = vnl_msg(rt, RTM_NEWLINK, flags);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vtep");
	vnl_put_nest(nlh, IFLA_INFO_DATA,
		     VNL_NEST(VNL_U16(VTEP_LINK_A_PORT, htons(port))));
	mnl_attr_nest_end(nlh, info);
	return vnl_run(rt, nlh, NULL, NULL);
}

/* One policy for the link nest: both families refuse alike. */
TEST_F(vtep_dev, link_set_refuses_port_0_as_rtnetlink_does)
{
	struct nlmsghdr *nlh;
	char rt_msg[256];
	int rt_err;

	rt_err = rtnl_link_port(self->rt, "vtep1", NLM_F_CREATE | NLM_F_EXCL, 0);
	ASSERT_EQ(-ERANGE, rt_err) TH_LOG("newlink: \"%s\"", self->rt->msg);
	ASSERT_NE('\0', self->rt->msg[0]);
	EXPECT_EQ(0, if_nametoindex("vtep1"));
	snprintf(rt_msg, sizeof(rt_msg), "%s", self->rt->msg);

	/* changelink says the same */
	EXPECT_EQ(rt_err, rtnl_link_port(self->rt, "vtep0", 0, 0));
	EXPECT_STREQ(rt_msg, self->rt->msg);

	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_SET, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_LINK,
		     VNL_NEST(VNL_U16(VTEP_LINK_A_PORT, htons(0))));
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), -rt_err, rt_msg);
	EXPECT_STREQ(rt_msg, self->nl->msg);

	/* and both take port 1 */
	EXPECT_EQ(0, rtnl_link_port(self->rt, "vtep0", 0, 1));
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_SET, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_LINK,
		     VNL_NEST(VNL_U16(VTEP_LINK_A_PORT, htons(1))));
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
}

TEST_F(vtep_dev, link_set_refuses_a_read_only_attribute)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_SET, 0,
					self->ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);

	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_COUNT, 5);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "VTEP_LINK_A_FDB_COUNT is read only");
}

/* ---- VNIs ---- */

TEST_F(vtep_dev, vni_add_then_get_returns_it)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v, st;

	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex,
			  VNL_NEST(VNI_ID(100), VNI_VLAN(10),
				   VNI_GROUP("239.1.1.1"), VNI_FLOOD(0))));

	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(100, mnl_attr_get_u32(v.a[VTEP_VNI_A_ID]));
	ASSERT_NE(NULL, v.a[VTEP_VNI_A_VLAN]);
	EXPECT_EQ(10, mnl_attr_get_u16(v.a[VTEP_VNI_A_VLAN]));
	EXPECT_EQ(NULL, v.a[VTEP_VNI_A_UNTAGGED]);
	ASSERT_NE(NULL, v.a[VTEP_VNI_A_GROUP]);
	EXPECT_EQ(vnl_ip4("239.1.1.1"), mnl_attr_get_u32(v.a[VTEP_VNI_A_GROUP]));
	EXPECT_EQ(0, mnl_attr_get_u8(v.a[VTEP_VNI_A_FLOOD]));
	EXPECT_EQ(0, mnl_attr_get_u32(v.a[VTEP_VNI_A_REMOTES]));
	EXPECT_EQ(0, mnl_attr_get_u32(v.a[VTEP_VNI_A_FDB_COUNT]));
	vnl_nested(v.a[VTEP_VNI_A_STATS], &st);
	EXPECT_NE(NULL, st.a[VTEP_STAT_MAX]);
	free(r);
}

TEST_F(vtep_dev, vni_add_untagged_then_get_says_untagged)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 7, 0, NULL, 0));
	ASSERT_OK(vni_get(self->nl, self->ifindex, 7, r, &v));
	EXPECT_NE(NULL, v.a[VTEP_VNI_A_UNTAGGED]);
	EXPECT_EQ(NULL, v.a[VTEP_VNI_A_VLAN]);
	EXPECT_EQ(NULL, v.a[VTEP_VNI_A_GROUP]);
	EXPECT_EQ(1, mnl_attr_get_u8(v.a[VTEP_VNI_A_FLOOD]));
	free(r);
}

TEST_F(vtep_dev, vni_set_changes_only_what_it_names)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, "239.1.1.1", 0));
	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_SET, 0, self->ifindex,
			  VNL_NEST(VNI_ID(100), VNI_FLOOD(0))));
	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(0, mnl_attr_get_u8(v.a[VTEP_VNI_A_FLOOD]));
	EXPECT_EQ(10, mnl_attr_get_u16(v.a[VTEP_VNI_A_VLAN]));
	EXPECT_EQ(vnl_ip4("239.1.1.1"), mnl_attr_get_u32(v.a[VTEP_VNI_A_GROUP]));

	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_SET, 0, self->ifindex,
			  VNL_NEST(VNI_ID(100), VNI_VLAN(20))));
	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(20, mnl_attr_get_u16(v.a[VTEP_VNI_A_VLAN]));
	EXPECT_EQ(0, mnl_attr_get_u8(v.a[VTEP_VNI_A_FLOOD]));
	/* VLAN 10 is free again */
	ASSERT_OK(vni_new(self->nl, self->ifindex, 101, 10, NULL, 0));
	free(r);
}

TEST_F(vtep_dev, vni_set_of_a_missing_vni_is_enoent)
{
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_SET, 0, self->ifindex,
			       VNL_NEST(VNI_ID(555), VNI_VLAN(5))), ENOENT,
		       "does not exist");
}

TEST_F(vtep_dev, vni_del_removes_it)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_DEL, 0, self->ifindex,
			  VNL_NEST(VNI_ID(100))));
	ASSERT_REFUSED(vni_get(self->nl, self->ifindex, 100, r, &v), ENOENT,
		       "VNI is not configured");
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_DEL, 0, self->ifindex,
			       VNL_NEST(VNI_ID(100))), ENOENT,
		       "does not exist");
	free(r);
}

struct vni_seen {
	int count, dups;
	uint8_t seen[4096];
};

static int vni_seen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vni_seen *s = data;
	struct vnl_tb tb, v;
	uint32_t id;

	vnl_attrs(nlh, &tb);
	vnl_nested(tb.a[VTEP_A_VNI], &v);
	id = mnl_attr_get_u32(v.a[VTEP_VNI_A_ID]);
	s->count++;
	if (id >= 1000 && id < 1000 + 4096 && s->seen[id - 1000]++)
		s->dups++;
	return MNL_CB_OK;
}

TEST_F(vtep_dev, vni_dump_returns_each_of_1000_vnis_once)
{
	struct vni_seen *s = calloc(1, sizeof(*s));
	struct nlmsghdr *nlh;
	int i;

	/* With counters, 1000 VNIs take several dump messages. */
	for (i = 0; i < 1000; i++)
		ASSERT_OK(vni_new(self->nl, self->ifindex, 1000 + i, i + 1,
				  NULL, 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_GET, NLM_F_DUMP, self->ifindex);
	ASSERT_OK(vnl_run(self->nl, nlh, vni_seen_cb, s));
	EXPECT_EQ(1000, s->count);
	EXPECT_EQ(0, s->dups);
	for (i = 0; i < 1000; i++) {
		EXPECT_EQ(1, s->seen[i]) TH_LOG("VNI %d", 1000 + i);
	}
	free(s);
}

TEST_F(vtep_dev, refuses_a_duplicate_vni_unless_nlm_f_replace)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_REFUSED(vni_new(self->nl, self->ifindex, 100, 11, NULL, 0),
		       EEXIST, "exists");
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 11, NULL,
			  NLM_F_REPLACE));
	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(11, mnl_attr_get_u16(v.a[VTEP_VNI_A_VLAN]));
	/* Replacing a VNI that does not exist creates it */
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL,
			  NLM_F_REPLACE));
	free(r);
}

TEST_F(vtep_dev, refuses_vni_zero)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_VNI_NEW, 0,
					self->ifindex);
	struct nlattr *nest = vnl_put_nest(nlh, VTEP_A_VNI,
					   VNL_NEST(VNI_ID(0), VNI_VLAN(10)));

	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ERANGE,
		       "out of range");
	/* The extack points at the attribute, the nest's first */
	EXPECT_EQ(offset_in(nlh, mnl_attr_get_payload(nest)), self->nl->offs);
}

TEST_F(vtep_dev, refuses_vni_of_2_to_the_24)
{
	ASSERT_REFUSED(vni_new(self->nl, self->ifindex, 1 << 24, 10, NULL, 0),
		       ERANGE, "out of range");
	ASSERT_OK(vni_new(self->nl, self->ifindex, (1 << 24) - 1, 10, NULL, 0));
}

TEST_F(vtep_dev, refuses_vlan_zero)
{
	/* vni_new() would send VLAN 0 as UNTAGGED: spell it out */
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex,
			       VNL_NEST(VNI_ID(100), VNI_VLAN(0))), ERANGE,
		       "out of range");
}

TEST_F(vtep_dev, refuses_vlan_4095)
{
	ASSERT_REFUSED(vni_new(self->nl, self->ifindex, 100, 4095, NULL, 0),
		       ERANGE, "out of range");
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 4094, NULL, 0));
}

TEST_F(vtep_dev, refuses_a_unicast_group)
{
	ASSERT_REFUSED(vni_new(self->nl, self->ifindex, 100, 10, "198.51.100.1",
			       0), EINVAL, "must be a multicast address");
}

TEST_F(vtep_dev, refuses_a_second_vni_on_one_vlan)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_REFUSED(vni_new(self->nl, self->ifindex, 101, 10, NULL, 0),
		       EBUSY, "already mapped");
}

TEST_F(vtep_dev, refuses_a_second_untagged_vni)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 0, NULL, 0));
	ASSERT_REFUSED(vni_new(self->nl, self->ifindex, 101, 0, NULL, 0),
		       EBUSY, "already mapped");
}

TEST_F(vtep_dev, refuses_both_vlan_and_untagged)
{
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex,
			       VNL_NEST(VNI_ID(100), VNI_VLAN(10),
					VNI_UNTAGGED)), EINVAL, "not both");
}

/* ---- malformed requests ---- */

TEST_F(vtep_dev, refuses_a_missing_required_attribute)
{
	struct nlmsghdr *nlh;

	/* the kernel's REQ_ATTR_CHECK names the attribute, with no text */
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex,
			       VNL_NEST(VNI_VLAN(10))), EINVAL, "");
	EXPECT_EQ(VTEP_VNI_A_ID, self->nl->miss_type);

	/* and the nest itself */
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "");
	EXPECT_EQ(VTEP_A_VNI, self->nl->miss_type);
}

TEST_F(vtep_dev, refuses_a_truncated_attribute)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, 0);
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);
	uint16_t half = self->ifindex;

	/* VTEP_A_IFINDEX is a u32: two bytes of it */
	mnl_attr_put(nlh, VTEP_A_IFINDEX, sizeof(half), &half);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "invalid attribute length");
	EXPECT_EQ(offset_in(nlh, a), self->nl->offs);

	/* A MAC of five bytes */
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_GET, 0, self->ifindex);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);
		uint8_t mac[5] = { 2, 0, 0, 0, 1 };

		mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, 100);
		mnl_attr_put(nlh, VTEP_FDB_A_MAC, sizeof(mac), mac);
		mnl_attr_nest_end(nlh, nest);
	}
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ERANGE,
		       "size out of range");
}

TEST_F(vtep_dev, refuses_an_unknown_attribute)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0,
					self->ifindex);
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put_u32(nlh, VTEP_A_MAX + 1, 1);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "Unknown attribute type");
	EXPECT_EQ(offset_in(nlh, a), self->nl->offs);

	/* inside a nest too */
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex,
			       VNL_NEST(VNI_ID(100), VNI_VLAN(10),
					VNL_U32(VTEP_VNI_A_MAX + 1, 1))),
		       EINVAL, "Unknown attribute type");
}

TEST_F(vtep_dev, refuses_a_device_that_does_not_exist)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, 99999);

	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ENODEV,
		       "no such device");
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, 0);
	mnl_attr_put_strz(nlh, VTEP_A_IFNAME, "nosuchdev");
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ENODEV,
		       "no such device");
}

TEST_F(vtep_dev, refuses_a_device_that_is_not_a_vtep)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, 0);

	mnl_attr_put_strz(nlh, VTEP_A_IFNAME, "lo");
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EOPNOTSUPP,
		       "not a vtep device");
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0,
			       if_nametoindex("lo"),
			       VNL_NEST(VNI_ID(100), VNI_VLAN(10))),
		       EOPNOTSUPP, "not a vtep device");
}

TEST_F(vtep_dev, refuses_no_device_and_two_devices)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, 0);

	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "exactly one of VTEP_A_IFINDEX and VTEP_A_IFNAME");
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	mnl_attr_put_strz(nlh, VTEP_A_IFNAME, "vtep0");
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "exactly one of VTEP_A_IFINDEX and VTEP_A_IFNAME");
}

/* VTEP_A_PEER { VNI, ADDR, [PREFIX] } */
#define PEER_VNI(v)	VNL_U32(VTEP_PEER_A_VNI, v)
#define PEER_ADDR(s)	VNL_U32(VTEP_PEER_A_ADDR, vnl_ip4(s))
#define PEER_PREFIX(v)	VNL_U8(VTEP_PEER_A_PREFIX, v)

static int peer_cmd(struct vnl *nl, uint8_t cmd, uint16_t flags, int ifindex,
		    const struct vnl_attr *attrs, mnl_cb_t cb, void *data)
{
	struct nlmsghdr *nlh = vnl_genl(nl, cmd, flags, ifindex);

	vnl_put_nest(nlh, VTEP_A_PEER, attrs);
	return vnl_run(nl, nlh, cb, data);
}

static int peers_cb(const struct nlmsghdr *nlh, void *data)
{
	int *n = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == VTEP_A_PEER)
			(*n)++;
	return MNL_CB_OK;
}

TEST_F(vtep_dev, peer_allowances_are_checked_stored_and_listed)
{
	int n = 0;

	/* the VNI's mode is a u8 of enum vtep_peers, and says so in a get */
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex,
			       VNL_NEST(VNI_ID(100), VNI_VLAN(10),
					VNL_U8(VTEP_VNI_A_PEERS, 2))),
		       ERANGE, "");
	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex,
			  VNL_NEST(VNI_ID(100), VNI_VLAN(10),
				   VNL_U8(VTEP_VNI_A_PEERS, VTEP_PEERS_KNOWN))));

	/* VNI and address are required; a prefix longer than IPv4's is not */
	ASSERT_REFUSED(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
				VNL_NEST(PEER_ADDR("198.51.100.1")), NULL, NULL),
		       EINVAL, "");
	EXPECT_EQ(VTEP_PEER_A_VNI, self->nl->miss_type);
	ASSERT_REFUSED(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
				VNL_NEST(PEER_VNI(100)), NULL, NULL),
		       EINVAL, "Remote address must be given");
	ASSERT_REFUSED(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
				VNL_NEST(PEER_VNI(100), PEER_ADDR("198.51.100.0"),
					 PEER_PREFIX(33)), NULL, NULL),
		       EINVAL, "Prefix is longer than the address");
	ASSERT_REFUSED(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
				VNL_NEST(PEER_VNI(100), PEER_ADDR("224.0.0.1")),
				NULL, NULL), EINVAL, "unicast");
	ASSERT_REFUSED(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
				VNL_NEST(PEER_VNI(200), PEER_ADDR("198.51.100.1")),
				NULL, NULL), ENOENT, "VNI is not configured");

	/* stored masked; listed by PEER_GET in one reply */
	ASSERT_OK(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
			   VNL_NEST(PEER_VNI(100), PEER_ADDR("198.51.100.77"),
				    PEER_PREFIX(26)), NULL, NULL));
	ASSERT_REFUSED(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
				VNL_NEST(PEER_VNI(100), PEER_ADDR("198.51.100.64"),
					 PEER_PREFIX(26)), NULL, NULL),
		       EEXIST, "already allowed");
	ASSERT_OK(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, NLM_F_REPLACE,
			   self->ifindex,
			   VNL_NEST(PEER_VNI(100), PEER_ADDR("198.51.100.64"),
				    PEER_PREFIX(26)), NULL, NULL));
	ASSERT_OK(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
			   VNL_NEST(PEER_VNI(100), PEER_ADDR("198.51.100.1")),
			   NULL, NULL));
	ASSERT_OK(peer_cmd(self->nl, VTEP_CMD_PEER_GET, 0, self->ifindex,
			   VNL_NEST(PEER_VNI(100)), peers_cb, &n));
	EXPECT_EQ(2, n);

	/* deleting: what is not there is -ENOENT */
	ASSERT_OK(peer_cmd(self->nl, VTEP_CMD_PEER_DEL, 0, self->ifindex,
			   VNL_NEST(PEER_VNI(100), PEER_ADDR("198.51.100.1")),
			   NULL, NULL));
	ASSERT_REFUSED(peer_cmd(self->nl, VTEP_CMD_PEER_DEL, 0, self->ifindex,
				VNL_NEST(PEER_VNI(100), PEER_ADDR("198.51.100.1")),
				NULL, NULL), ENOENT, "not allowed");
	n = 0;
	ASSERT_OK(peer_cmd(self->nl, VTEP_CMD_PEER_GET, 0, self->ifindex,
			   VNL_NEST(PEER_VNI(100)), peers_cb, &n));
	EXPECT_EQ(1, n);
}

TEST_F(vtep_dev, a_remote_listed_twice_is_found_without_a_walk)
{
	struct vnl_attr r[] = { VNL_U32(VTEP_REMOTE_A_VNI, 100),
				VNL_U32(VTEP_REMOTE_A_ADDR, vnl_ip4("198.51.100.2")),
				{ 0 } };
	struct nlmsghdr *nlh;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_REMOTE_NEW, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_REMOTE, r);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	nlh = vnl_genl(self->nl, VTEP_CMD_REMOTE_NEW, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_REMOTE, r);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EEXIST,
		       "already in the VNI's replication list");
	/* an allowance of the same address is a separate thing */
	ASSERT_OK(peer_cmd(self->nl, VTEP_CMD_PEER_NEW, 0, self->ifindex,
			   VNL_NEST(PEER_VNI(100), PEER_ADDR("198.51.100.2")),
			   NULL, NULL));
	nlh = vnl_genl(self->nl, VTEP_CMD_REMOTE_DEL, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_REMOTE, r);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	nlh = vnl_genl(self->nl, VTEP_CMD_REMOTE_NEW, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_REMOTE, r);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
}

TEST_HARNESS_MAIN

/* ---- several local addresses; peers with several (issue 15) ---- */

/* LINK_SET with VTEP_A_LINK { LOCALS { ADDR @addrs[0..n) } }, @v6: ADDR6 */
static int set_locals(struct vnl *nl, int ifindex, const char *const *addrs,
		      int n, bool v6)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_LINK_SET, 0, ifindex);
	struct nlattr *link = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	struct nlattr *list = mnl_attr_nest_start(nlh, VTEP_LINK_A_LOCALS);
	struct in6_addr a6;
	int i;

	for (i = 0; i < n; i++) {
		if (v6 || strchr(addrs[i], ':')) {
			inet_pton(AF_INET6, addrs[i], &a6);
			mnl_attr_put(nlh, VTEP_LOCAL_A_ADDR6, 16, &a6);
		} else {
			mnl_attr_put_u32(nlh, VTEP_LOCAL_A_ADDR,
					 vnl_ip4(addrs[i]));
		}
	}
	mnl_attr_nest_end(nlh, list);
	mnl_attr_nest_end(nlh, link);
	return vnl_run(nl, nlh, NULL, NULL);
}

TEST_F(vtep_dev, local_lists_are_checked_stored_and_listed)
{
	static const char *const four[] = {
		"192.0.2.1", "192.0.2.11", "192.0.2.21", "192.0.2.31",
	};
	static const char *const nine[] = {
		"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5",
		"192.0.2.6", "192.0.2.7", "192.0.2.8", "192.0.2.9",
	};
	static const char *const mixed[] = { "192.0.2.1", "2001:db8::1" };
	static const char *const twice[] = { "192.0.2.1", "192.0.2.1" };
	static const char *const any[] = { "0.0.0.0", "192.0.2.1" };
	struct nlmsghdr *nlh;
	struct replies r = {};
	struct vnl_tb tb, l;
	struct nlattr *a;
	int i = 0;

	ASSERT_OK(set_locals(self->nl, self->ifindex, four, 4, false));
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, &r));
	vnl_attrs(reply(&r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_LINK], &l);
	EXPECT_EQ(vnl_ip4("192.0.2.1"), mnl_attr_get_u32(l.a[VTEP_LINK_A_LOCAL]));
	ASSERT_NE(NULL, l.a[VTEP_LINK_A_LOCALS]);
	mnl_attr_for_each_nested(a, l.a[VTEP_LINK_A_LOCALS]) {
		ASSERT_LT(i, 4);
		EXPECT_EQ(VTEP_LOCAL_A_ADDR, mnl_attr_get_type(a));
		EXPECT_EQ(vnl_ip4(four[i]), mnl_attr_get_u32(a));
		i++;
	}
	EXPECT_EQ(4, i);

	ASSERT_REFUSED(set_locals(self->nl, self->ifindex, nine, 9, false),
		       EINVAL, "at most 8 local addresses");
	ASSERT_REFUSED(set_locals(self->nl, self->ifindex, mixed, 2, false),
		       EINVAL, "all be IPv4 or all IPv6");
	ASSERT_REFUSED(set_locals(self->nl, self->ifindex, twice, 2, false),
		       EINVAL, "given twice");
	ASSERT_REFUSED(set_locals(self->nl, self->ifindex, any, 2, false),
		       EINVAL, "wildcard only alone");
	ASSERT_REFUSED(set_locals(self->nl, self->ifindex, four, 0, false),
		       EINVAL, "must hold an address");

	/* LOCAL alone is a list of one: no LOCALS in the reply */
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_SET, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_LINK,
		     VNL_NEST(VNL_U32(VTEP_LINK_A_LOCAL, vnl_ip4("192.0.2.5"))));
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	r.n = 0;
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, &r));
	vnl_attrs(reply(&r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_LINK], &l);
	EXPECT_EQ(vnl_ip4("192.0.2.5"), mnl_attr_get_u32(l.a[VTEP_LINK_A_LOCAL]));
	EXPECT_EQ(NULL, l.a[VTEP_LINK_A_LOCALS]);
}

/* ALIAS_NEW/DEL { ADDR, [PEER] }, all IPv4 */
static int alias_cmd(struct vnl *nl, uint8_t cmd, uint16_t flags, int ifindex,
		     const char *addr, const char *peer, mnl_cb_t cb, void *data)
{
	struct nlmsghdr *nlh = vnl_genl(nl, cmd, flags, ifindex);
	struct nlattr *nest;

	if (cmd != VTEP_CMD_ALIAS_GET) {
		nest = mnl_attr_nest_start(nlh, VTEP_A_ALIAS);
		mnl_attr_put_u32(nlh, VTEP_ALIAS_A_ADDR, vnl_ip4(addr));
		if (peer)
			mnl_attr_put_u32(nlh, VTEP_ALIAS_A_PEER, vnl_ip4(peer));
		mnl_attr_nest_end(nlh, nest);
	}
	return vnl_run(nl, nlh, cb, data);
}

static int aliases_cb(const struct nlmsghdr *nlh, void *data)
{
	int *n = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == VTEP_A_ALIAS)
			(*n)++;
	return MNL_CB_OK;
}

TEST_F(vtep_dev, aliases_are_checked_stored_and_listed)
{
	char addr[32];
	int i, n = 0;

	ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, 0, self->ifindex,
			    "198.51.100.11", "198.51.100.1", NULL, NULL));
	ASSERT_REFUSED(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, 0, self->ifindex,
				 "198.51.100.11", "198.51.100.1", NULL, NULL),
		       EEXIST, "in a peer set already");
	ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, NLM_F_REPLACE,
			    self->ifindex, "198.51.100.11", "198.51.100.1",
			    NULL, NULL));
	/* naming the set by another of its addresses joins the same set */
	ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, 0, self->ifindex,
			    "198.51.100.12", "198.51.100.11", NULL, NULL));
	ASSERT_REFUSED(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, 0, self->ifindex,
				 "198.51.100.1", "198.51.100.1", NULL, NULL),
		       EINVAL, "alias of itself");
	ASSERT_REFUSED(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, 0, self->ifindex,
				 "224.0.0.1", "198.51.100.1", NULL, NULL),
		       EINVAL, "unicast");
	ASSERT_REFUSED(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, 0, self->ifindex,
				 "198.51.100.13", NULL, NULL, NULL),
		       EINVAL, "");
	/* a set holds 8 addresses */
	for (i = 13; i < 18; i++) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", i);
		ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, 0,
				    self->ifindex, addr, "198.51.100.1",
				    NULL, NULL));
	}
	ASSERT_REFUSED(alias_cmd(self->nl, VTEP_CMD_ALIAS_NEW, 0, self->ifindex,
				 "198.51.100.18", "198.51.100.1", NULL, NULL),
		       ENOSPC, "at most 8 addresses");
	ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_GET, 0, self->ifindex,
			    NULL, NULL, aliases_cb, &n));
	EXPECT_EQ(7, n);

	/* an alias leaves alone; the primary takes its set */
	ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_DEL, 0, self->ifindex,
			    "198.51.100.12", NULL, NULL, NULL));
	n = 0;
	ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_GET, 0, self->ifindex,
			    NULL, NULL, aliases_cb, &n));
	EXPECT_EQ(6, n);
	ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_DEL, 0, self->ifindex,
			    "198.51.100.1", NULL, NULL, NULL));
	n = 0;
	ASSERT_OK(alias_cmd(self->nl, VTEP_CMD_ALIAS_GET, 0, self->ifindex,
			    NULL, NULL, aliases_cb, &n));
	EXPECT_EQ(0, n);
	ASSERT_REFUSED(alias_cmd(self->nl, VTEP_CMD_ALIAS_DEL, 0, self->ifindex,
				 "198.51.100.11", NULL, NULL, NULL),
		       ENOENT, "in no peer set");
}
