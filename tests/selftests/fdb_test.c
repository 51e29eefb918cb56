// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane, spoken as raw generic netlink: replication lists
 * (remotes), the FDB and counters (tables of 100,000 entries are
 * fdb_scale_test's).
 */
#include "vtep_fixture.h"

/* ---- remotes ---- */

static int remote_cmd(struct vnl *nl, int ifindex, uint8_t cmd,
		      uint16_t flags, uint32_t vni, const char *addr)
{
	struct nlmsghdr *nlh = vnl_genl(nl, cmd, flags, ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_REMOTE);
	struct in6_addr a6;

	mnl_attr_put_u32(nlh, VTEP_REMOTE_A_VNI, vni);
	if (strchr(addr, ':')) {
		inet_pton(AF_INET6, addr, &a6);
		mnl_attr_put(nlh, VTEP_REMOTE_A_ADDR6, sizeof(a6), &a6);
	} else {
		mnl_attr_put_u32(nlh, VTEP_REMOTE_A_ADDR, vnl_ip4(addr));
	}
	mnl_attr_nest_end(nlh, nest);
	return vnl_run(nl, nlh, NULL, NULL);
}

static int remote_dump(struct vnl *nl, int ifindex, uint32_t vni,
		       struct replies *r)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_REMOTE_GET, NLM_F_DUMP,
					ifindex);

	if (vni) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_REMOTE);

		mnl_attr_put_u32(nlh, VTEP_REMOTE_A_VNI, vni);
		mnl_attr_nest_end(nlh, nest);
	}
	memset(r, 0, sizeof(*r));
	return vnl_run(nl, nlh, keep_cb, r);
}

TEST_F(vtep_dev, remote_add_then_dump_lists_it)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb tb, rem, v;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	ASSERT_OK(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW, 0,
			     100, "198.51.100.1"));
	ASSERT_OK(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW, 0,
			     100, "198.51.100.2"));
	ASSERT_OK(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW, 0,
			     200, "198.51.100.3"));
	ASSERT_OK(remote_dump(self->nl, self->ifindex, 0, r));
	EXPECT_EQ(3, r->n);
	ASSERT_OK(remote_dump(self->nl, self->ifindex, 100, r));
	ASSERT_EQ(2, r->n);
	vnl_attrs(reply(r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_REMOTE], &rem);
	EXPECT_EQ(100, mnl_attr_get_u32(rem.a[VTEP_REMOTE_A_VNI]));
	EXPECT_EQ(vnl_ip4("198.51.100.1"),
		  mnl_attr_get_u32(rem.a[VTEP_REMOTE_A_ADDR]));
	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(2, mnl_attr_get_u32(v.a[VTEP_VNI_A_REMOTES]));
	free(r);
}

TEST_F(vtep_dev, remote_add_twice_is_eexist_and_replace_is_a_noop)
{
	struct replies *r = calloc(1, sizeof(*r));

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW, 0,
			     100, "198.51.100.1"));
	ASSERT_REFUSED(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW,
				  0, 100, "198.51.100.1"), EEXIST, "already");
	ASSERT_OK(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW,
			     NLM_F_REPLACE, 100, "198.51.100.1"));
	ASSERT_OK(remote_dump(self->nl, self->ifindex, 100, r));
	EXPECT_EQ(1, r->n);
	free(r);
}

TEST_F(vtep_dev, remote_del_removes_it)
{
	struct replies *r = calloc(1, sizeof(*r));

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW, 0,
			     100, "198.51.100.1"));
	ASSERT_OK(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_DEL, 0,
			     100, "198.51.100.1"));
	ASSERT_OK(remote_dump(self->nl, self->ifindex, 0, r));
	EXPECT_EQ(0, r->n);
	ASSERT_REFUSED(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_DEL,
				  0, 100, "198.51.100.1"), ENOENT,
		       "replication list");
	free(r);
}

TEST_F(vtep_dev, refuses_an_ipv6_remote_on_an_ipv4_device)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_REFUSED(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW,
				  0, 100, "2001:db8::1"), EAFNOSUPPORT,
		       "not of the family");
}

TEST_F(vtep_dev, refuses_a_multicast_remote)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_REFUSED(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW,
				  0, 100, "239.1.1.1"), EINVAL, "unicast");
}

TEST_F(vtep_dev, refuses_a_remote_on_a_missing_vni)
{
	ASSERT_REFUSED(remote_cmd(self->nl, self->ifindex, VTEP_CMD_REMOTE_NEW,
				  0, 100, "198.51.100.1"), ENOENT,
		       "VNI is not configured");
}

/* ---- FDB ---- */

TEST_F(vtep_dev, fdb_add_then_get_returns_it)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh;
	struct vnl_tb tb, f;
	uint8_t mac[6];

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100, 1,
			  "198.51.100.1"));
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_GET, 0, self->ifindex);
	put_fdb(nlh, VTEP_A_FDB, 100, 1, NULL);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, r));
	ASSERT_EQ(1, r->n);
	vnl_attrs(reply(r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_FDB], &f);
	mac_of(1, mac);
	EXPECT_EQ(100, mnl_attr_get_u32(f.a[VTEP_FDB_A_VNI]));
	EXPECT_EQ(0, memcmp(mac, mnl_attr_get_payload(f.a[VTEP_FDB_A_MAC]), 6));
	EXPECT_EQ(vnl_ip4("198.51.100.1"), mnl_attr_get_u32(f.a[VTEP_FDB_A_DST]));
	EXPECT_EQ(VTEP_FDB_TYPE_STATIC, mnl_attr_get_u8(f.a[VTEP_FDB_A_TYPE]));
	EXPECT_EQ(NULL, f.a[VTEP_FDB_A_AGE]);
	free(r);
}

TEST_F(vtep_dev, fdb_add_twice_is_eexist_and_replace_changes_the_destination)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh;
	struct vnl_tb tb, f;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100, 1,
			  "198.51.100.1"));
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       100, 1, "198.51.100.2"), EEXIST, "exists");
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW,
			  NLM_F_REPLACE, 100, 1, "198.51.100.2"));
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_GET, 0, self->ifindex);
	put_fdb(nlh, VTEP_A_FDB, 100, 1, NULL);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, r));
	vnl_attrs(reply(r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_FDB], &f);
	EXPECT_EQ(vnl_ip4("198.51.100.2"), mnl_attr_get_u32(f.a[VTEP_FDB_A_DST]));
	EXPECT_EQ(1, fdb_count(self->nl, self->ifindex, 0, 0));
	free(r);
}

TEST_F(vtep_dev, fdb_del_removes_the_entry)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100, 1,
			  "198.51.100.1"));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_DEL, 0, 100, 1,
			  NULL));
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_GET, 0,
			       100, 1, NULL), ENOENT, "no such FDB entry");
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_DEL, 0,
			       100, 1, NULL), ENOENT, "no such FDB entry");
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0));
}

TEST_F(vtep_dev, fdb_dump_filters_by_vni_and_type)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 30));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 200, 100, 20));
	EXPECT_EQ(50, fdb_count(self->nl, self->ifindex, 0, 0));
	EXPECT_EQ(30, fdb_count(self->nl, self->ifindex, 100, 0));
	EXPECT_EQ(20, fdb_count(self->nl, self->ifindex, 200, 0));
	EXPECT_EQ(50, fdb_count(self->nl, self->ifindex, 0,
				VTEP_FDB_TYPE_STATIC));
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0,
			       VTEP_FDB_TYPE_LEARNED));
	ASSERT_REFUSED(fdb_count(self->nl, self->ifindex, 300, 0), ENOENT,
		       "VNI is not configured");
}

TEST_F(vtep_dev, fdb_flush_removes_what_it_says)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 30));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 200, 100, 20));
	/* learned only: every entry here is static */
	ASSERT_OK(fdb_flush(self->nl, self->ifindex, 0, VTEP_FDB_TYPE_LEARNED));
	EXPECT_EQ(50, fdb_count(self->nl, self->ifindex, 0, 0));
	/* one VNI */
	ASSERT_OK(fdb_flush(self->nl, self->ifindex, 100, 0));
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 100, 0));
	EXPECT_EQ(20, fdb_count(self->nl, self->ifindex, 200, 0));
	/* everything */
	ASSERT_OK(fdb_flush(self->nl, self->ifindex, 0, 0));
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0));
	ASSERT_REFUSED(fdb_flush(self->nl, self->ifindex, 300, 0), ENOENT,
		       "VNI is not configured");
}

TEST_F(vtep_dev, deleting_a_vni_removes_its_fdb_entries)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 30));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 200, 100, 20));
	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_DEL, 0, self->ifindex,
			  VNL_NEST(VNI_ID(100))));
	EXPECT_EQ(20, fdb_count(self->nl, self->ifindex, 0, 0));
	/* back again, empty */
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 100, 0));
}

TEST_F(vtep_dev, refuses_an_fdb_entry_on_a_missing_vni)
{
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       100, 1, "198.51.100.1"), ENOENT,
		       "VNI is not configured");
}

TEST_F(vtep_dev, refuses_an_ipv6_fdb_destination_on_an_ipv4_device)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint8_t mac[6];
	struct in6_addr a6;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_NEW, 0, self->ifindex);
	nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);
	mac_of(1, mac);
	inet_pton(AF_INET6, "2001:db8::1", &a6);
	mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, 100);
	mnl_attr_put(nlh, VTEP_FDB_A_MAC, 6, mac);
	mnl_attr_put(nlh, VTEP_FDB_A_DST6, sizeof(a6), &a6);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EAFNOSUPPORT,
		       "not of the family");
}

TEST_F(vtep_dev, fdb_limit_refuses_with_enospc)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_SET, 0,
					self->ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);

	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_MAX, 10);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 10));
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       100, 10, "198.51.100.1"), ENOSPC, "full");
	/* a batch that would cross the limit adds nothing */
	ASSERT_OK(fdb_flush(self->nl, self->ifindex, 0, 0));
	ASSERT_REFUSED(fdb_load(self->nl, self->ifindex, 100, 0, 11), ENOSPC,
		       "full");
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0));
}

/*
 * A batch of 100 whose 51st entry is refused: nothing of it stays, and the
 * extack points at that entry. Once refused while checking (a VNI that is
 * not there), once while adding (a duplicate: the first 50 were in).
 */
TEST_F(vtep_dev, batch_with_a_bad_entry_adds_nothing_and_points_at_it)
{
	struct nlmsghdr *nlh;
	struct nlattr *list, *bad = NULL;
	int pass, i;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100,
			  1000, "198.51.100.1"));
	for (pass = 0; pass < 2; pass++) {
		nlh = vnl_genl(self->nl, VTEP_CMD_FDB_NEW, 0, self->ifindex);
		list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
		for (i = 0; i < 100; i++) {
			if (i == 50) {
				bad = put_fdb(nlh, VTEP_A_FDB, pass ? 100 : 999,
					      pass ? 1000 : i, "198.51.100.1");
				continue;
			}
			put_fdb(nlh, VTEP_A_FDB, 100, i, "198.51.100.1");
		}
		mnl_attr_nest_end(nlh, list);
		if (pass) {
			ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL),
				       EEXIST, "exists");
		} else {
			ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL),
				       ENOENT, "VNI is not configured");
		}
		EXPECT_EQ(offset_in(nlh, bad), self->nl->offs);
		EXPECT_EQ(1, fdb_count(self->nl, self->ifindex, 0, 0));
	}
}

/* The destination of (VNI 100, MAC i), as a network-order IPv4 address */
static uint32_t fdb_dst4(struct vnl *nl, int ifindex, int i)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_GET, 0, ifindex);
	struct vnl_tb tb, f;
	uint32_t dst = 0;

	put_fdb(nlh, VTEP_A_FDB, 100, i, NULL);
	if (!vnl_run(nl, nlh, keep_cb, r) && r->n == 1) {
		vnl_attrs(reply(r, 0), &tb);
		vnl_nested(tb.a[VTEP_A_FDB], &f);
		if (f.a[VTEP_FDB_A_DST])
			dst = mnl_attr_get_u32(f.a[VTEP_FDB_A_DST]);
	}
	free(r);
	return dst;
}

/*
 * A REPLACE batch refused half way (its third entry crosses the FDB limit)
 * leaves the entry its first one replaced pointing where it did: a
 * rollback puts back what it overwrote, not only what it created.
 */
TEST_F(vtep_dev, refused_replace_batch_puts_back_what_it_overwrote)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_LINK_SET, 0,
					self->ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	struct nlattr *list, *bad;

	mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_MAX, 2);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100, 1,
			  "198.51.100.1"));

	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_NEW, NLM_F_REPLACE,
		       self->ifindex);
	list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
	put_fdb(nlh, VTEP_A_FDB, 100, 1, "198.51.100.2");	/* replaces */
	put_fdb(nlh, VTEP_A_FDB, 100, 2, "198.51.100.2");	/* fits */
	bad = put_fdb(nlh, VTEP_A_FDB, 100, 3, "198.51.100.2");	/* full */
	mnl_attr_nest_end(nlh, list);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ENOSPC, "full");
	EXPECT_EQ(offset_in(nlh, bad), self->nl->offs);
	EXPECT_EQ(1, fdb_count(self->nl, self->ifindex, 0, 0));
	EXPECT_EQ(vnl_ip4("198.51.100.1"), fdb_dst4(self->nl, self->ifindex, 1));
}

/*
 * FDB_DEL with a destination deletes the entry only while it points
 * there: a late hook of the host a VM left cannot remove the entry the
 * VM's new host installed. A delete batch goes whole or not at all.
 */
TEST_F(vtep_dev, fdb_del_with_a_destination_deletes_only_a_match)
{
	struct nlmsghdr *nlh;
	struct nlattr *list;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100, 1,
			  "198.51.100.2"));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, 100, 2,
			  "198.51.100.2"));
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_DEL, 0,
			       100, 1, "198.51.100.1"), ENOENT,
		       "no such FDB entry");
	EXPECT_EQ(vnl_ip4("198.51.100.2"), fdb_dst4(self->nl, self->ifindex, 1));

	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_DEL, 0, self->ifindex);
	list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
	put_fdb(nlh, VTEP_A_FDB, 100, 1, "198.51.100.2");
	put_fdb(nlh, VTEP_A_FDB, 100, 3, NULL);			/* absent */
	mnl_attr_nest_end(nlh, list);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ENOENT,
		       "no such FDB entry");
	EXPECT_EQ(2, fdb_count(self->nl, self->ifindex, 0, 0));

	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_DEL, 0, 100, 1,
			  "198.51.100.2"));
	EXPECT_EQ(1, fdb_count(self->nl, self->ifindex, 0, 0));
}

/*
 * A change between two messages of a dump is flagged with NLM_F_DUMP_INTR,
 * on the message that sees it and on NLMSG_DONE, so a reader that only
 * looks at the end still knows to dump again.
 */
TEST_F(vtep_dev, a_dump_that_sees_the_table_change_says_so)
{
	struct vnl *other = vnl_open(NETLINK_GENERIC);
	uint32_t portid = mnl_socket_get_portid(self->nl->sk);
	int batches = 0, entries = 0, intr = 0;
	bool done = false, done_intr = false;
	struct nlmsghdr *nlh;

	ASSERT_NE(NULL, other);
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 3000));
	/*
	 * The load grew the table, and the kernel rehashes in a worker: a
	 * dump that overlaps that move sees part of the entries and is
	 * flagged for it, a different case (a_dump_during_a_resize_...).
	 * One clean dump first: the table holds still by then, and the one
	 * entry added below does not grow it again.
	 */
	ASSERT_EQ(3000, fdb_count(self->nl, self->ifindex, 0, 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_GET, NLM_F_DUMP, self->ifindex);
	ASSERT_LT(0, mnl_socket_sendto(self->nl->sk, nlh, nlh->nlmsg_len));
	while (!done) {
		ssize_t n = mnl_socket_recvfrom(self->nl->sk, self->nl->rcv, VNL_BUF);
		const struct nlmsghdr *m;
		int len = n;

		ASSERT_LT(0, n);
		/* after the first message, change the table under the dump */
		if (batches++ == 0)
			ASSERT_OK(fdb_cmd(other, self->ifindex, VTEP_CMD_FDB_NEW,
					  0, 100, 5000, "198.51.100.1"));
		for (m = (void *)self->nl->rcv; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_pid != portid || m->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				ASSERT_TRUE(false) TH_LOG("dump refused");
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				done = true;
				done_intr = m->nlmsg_flags & NLM_F_DUMP_INTR;
				break;
			}
			entries++;
			intr += !!(m->nlmsg_flags & NLM_F_DUMP_INTR);
		}
	}
	ASSERT_LT(1, batches) TH_LOG("the dump fit one message: nothing to see");
	EXPECT_LE(3000, entries);
	EXPECT_LT(0, intr);
	EXPECT_TRUE(done_intr);
	/* and a dump of an unchanging table is not flagged */
	EXPECT_EQ(3001, fdb_count(self->nl, self->ifindex, 0, 0));
	EXPECT_FALSE(self->nl->intr);
	vnl_close(other);
}

/*
 * The VNI dump too: a VNI added between two of its messages flags the dump
 * (NLM_F_DUMP_INTR, on NLMSG_DONE at least), and a dump of an unchanging
 * table is not flagged.
 */
TEST_F(vtep_dev, a_vni_dump_that_sees_the_table_change_says_so)
{
	struct vnl *other = vnl_open(NETLINK_GENERIC);
	uint32_t portid = mnl_socket_get_portid(self->nl->sk);
	int batches = 0, vnis = 0, vlan;
	bool done = false, done_intr = false;
	struct nlmsghdr *nlh;

	ASSERT_NE(NULL, other);
	for (vlan = 1; vlan <= 300; vlan++)
		ASSERT_OK(vni_new(self->nl, self->ifindex, vlan, vlan, NULL, 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_GET, NLM_F_DUMP, self->ifindex);
	ASSERT_LT(0, mnl_socket_sendto(self->nl->sk, nlh, nlh->nlmsg_len));
	while (!done) {
		ssize_t n = mnl_socket_recvfrom(self->nl->sk, self->nl->rcv, VNL_BUF);
		const struct nlmsghdr *m;
		int len = n;

		ASSERT_LT(0, n);
		if (batches++ == 0)
			ASSERT_OK(vni_new(other, self->ifindex, 4000, 4000, NULL, 0));
		for (m = (void *)self->nl->rcv; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_pid != portid || m->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			ASSERT_NE(NLMSG_ERROR, m->nlmsg_type) TH_LOG("dump refused");
			if (m->nlmsg_type == NLMSG_DONE) {
				done = true;
				done_intr = m->nlmsg_flags & NLM_F_DUMP_INTR;
				break;
			}
			vnis++;
		}
	}
	ASSERT_LT(1, batches) TH_LOG("the dump fit one message: nothing to see");
	EXPECT_LE(300, vnis);
	EXPECT_TRUE(done_intr);
	vnl_close(other);
}

/*
 * A dump holds nothing between messages: a reader that stops half way
 * (reading needs no privilege) does not keep the device from going away,
 * and learns when it reads on that its dump was cut short.
 */
TEST_F(vtep_dev, a_stalled_dump_does_not_keep_the_device_alive)
{
	uint32_t portid = mnl_socket_get_portid(self->nl->sk);
	bool done = false, done_intr = false;
	struct nlmsghdr *nlh;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 3000));
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_GET, NLM_F_DUMP, self->ifindex);
	ASSERT_LT(0, mnl_socket_sendto(self->nl->sk, nlh, nlh->nlmsg_len));
	/* with the first messages unread, the device goes (or the test hangs) */
	ASSERT_EQ(0, vnl_dellink(self->rt, "vtep0"));
	EXPECT_EQ(0, if_nametoindex("vtep0"));
	while (!done) {
		ssize_t n = mnl_socket_recvfrom(self->nl->sk, self->nl->rcv, VNL_BUF);
		const struct nlmsghdr *m;
		int len = n;

		ASSERT_LT(0, n);
		for (m = (void *)self->nl->rcv; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_pid != portid || m->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE) {
				done = true;
				done_intr = m->nlmsg_flags & NLM_F_DUMP_INTR;
			}
		}
	}
	EXPECT_TRUE(done_intr);
}

/* ---- statistics ---- */

TEST_F(vtep_dev, stats_get_returns_device_and_vni_counters)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh;
	struct vnl_tb tb, st, v;
	int i;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_STATS_GET, 0, self->ifindex);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, r));
	ASSERT_EQ(1, r->n);
	vnl_attrs(reply(r, 0), &tb);
	EXPECT_EQ(NULL, tb.a[VTEP_A_VNI]);
	vnl_nested(tb.a[VTEP_A_STATS], &st);
	for (i = 0; i <= VTEP_STAT_MAX; i++) {
		EXPECT_NE(NULL, st.a[i]) TH_LOG("counter %d", i);
	}

	memset(r, 0, sizeof(*r));
	nlh = vnl_vni_req(self->nl, VTEP_CMD_STATS_GET, 0, self->ifindex,
			  VNL_NEST(VNI_ID(100)));
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, r));
	vnl_attrs(reply(r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_VNI], &v);
	EXPECT_EQ(100, mnl_attr_get_u32(v.a[VTEP_VNI_A_ID]));
	vnl_nested(tb.a[VTEP_A_STATS], &st);
	EXPECT_NE(NULL, st.a[VTEP_STAT_TX_PACKETS]);
	free(r);
}

TEST_HARNESS_MAIN
