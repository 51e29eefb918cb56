// SPDX-License-Identifier: GPL-2.0
/*
 * The limits that keep a sender on the underlay, or a local user, from
 * growing kernel memory or starving the control plane: learned entries per
 * VNI (LEARN_MAX), static entries of the device (FDB_MAX), peers of the
 * device (PEER_MAX), and a static add that always wins over learning.
 *
 * The device learns from real VXLAN frames: vtep0 (local 192.0.2.1) is up
 * on dummy0, which also holds 192.0.2.2-9; a UDP socket bound to one of
 * those sends to 192.0.2.1:4789 over lo, so the outer source is a peer
 * address of our choosing.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "vtep_fixture.h"
#include "vtep_sh.h"

#define VNI	100

/* vtep0 up on dummy0 (192.0.2.1-9), with VNI 100 untagged */
static int bring_up(struct __test_metadata *_metadata, struct vnl *nl,
		    int ifindex)
{
	int i;

	if (sh("ip link add dummy0 type dummy && ip link set dummy0 up && ip link set lo up"))
		return -1;
	for (i = 1; i <= 9; i++)
		if (sh("ip addr add 192.0.2.%d/24 dev dummy0", i))
			return -1;
	if (sh("ip link set vtep0 up"))
		return -1;
	return vni_new(nl, ifindex, VNI, 0, NULL, 0);
}

/* One VXLAN frame of VNI 100 from 192.0.2.@from, inner source MAC @i */
static int send_frame(int from, uint32_t i)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(4789) };
	uint8_t pkt[8 + 60] = { 0x08 };
	int fd, ret;

	src.sin_addr.s_addr = vnl_ip4("192.0.2.0") | htonl(from);
	dst.sin_addr.s_addr = vnl_ip4("192.0.2.1");
	pkt[4] = VNI >> 16;
	pkt[5] = VNI >> 8;
	pkt[6] = VNI & 0xff;
	memset(pkt + 8, 0xff, 6);		/* broadcast */
	mac_of(i, pkt + 8 + 6);
	pkt[8 + 12] = 0x88;			/* local experimental */
	pkt[8 + 13] = 0xb5;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	ret = bind(fd, (struct sockaddr *)&src, sizeof(src));
	if (!ret)
		ret = sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
			     sizeof(dst)) == sizeof(pkt) ? 0 : -1;
	close(fd);
	return ret;
}

/* The VNI's learned count (VTEP_VNI_A_LEARNED), -1 if not reported */
static int learned(struct vnl *nl, int ifindex)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v;
	int n = -1;

	if (!vni_get(nl, ifindex, VNI, r, &v) && v.a[VTEP_VNI_A_LEARNED])
		n = mnl_attr_get_u32(v.a[VTEP_VNI_A_LEARNED]);
	free(r);
	return n;
}

/* One counter of the VNI */
static uint64_t vni_stat(struct vnl *nl, int ifindex, int idx)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_STATS_GET, 0, ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	struct vnl_tb tb, s;
	uint64_t v = ~0ULL;

	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, VNI);
	mnl_attr_nest_end(nlh, nest);
	if (!vnl_run(nl, nlh, keep_cb, r) && r->n == 1) {
		vnl_attrs(reply(r, 0), &tb);
		vnl_nested(tb.a[VTEP_A_STATS], &s);
		if (s.a[idx])
			v = mnl_attr_get_u64(s.a[idx]);
	}
	free(r);
	return v;
}

/* Wait (up to 2 s) until the VNI has @want learned entries (by a dump) */
static int wait_learned(struct vnl *nl, int ifindex, int want)
{
	int t;

	for (t = 0; t < 200; t++) {
		if (fdb_count(nl, ifindex, VNI, VTEP_FDB_TYPE_LEARNED) == want)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* The type and destination of (VNI 100, MAC @i); type 0 if absent */
static uint8_t fdb_get(struct vnl *nl, int ifindex, uint32_t i, uint32_t *dst)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_GET, 0, ifindex);
	struct vnl_tb tb, f;
	uint8_t type = 0;

	put_fdb(nlh, VTEP_A_FDB, VNI, i, NULL);
	if (!vnl_run(nl, nlh, keep_cb, r) && r->n == 1) {
		vnl_attrs(reply(r, 0), &tb);
		vnl_nested(tb.a[VTEP_A_FDB], &f);
		if (f.a[VTEP_FDB_A_TYPE] && f.a[VTEP_FDB_A_DST]) {
			type = mnl_attr_get_u8(f.a[VTEP_FDB_A_TYPE]);
			*dst = mnl_attr_get_u32(f.a[VTEP_FDB_A_DST]);
		}
	}
	free(r);
	return type;
}

TEST_F(vtep_dev, link_get_reports_the_three_limits_and_their_defaults)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct vnl_tb tb, l;

	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, r));
	vnl_attrs(reply(r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_LINK], &l);
	ASSERT_NE(NULL, l.a[VTEP_LINK_A_LEARN_MAX]);
	ASSERT_NE(NULL, l.a[VTEP_LINK_A_PEER_MAX]);
	ASSERT_NE(NULL, l.a[VTEP_LINK_A_REMOTE_MAX]);
	EXPECT_EQ(VTEP_DEFAULT_LEARN_MAX,
		  mnl_attr_get_u32(l.a[VTEP_LINK_A_LEARN_MAX]));
	EXPECT_EQ(VTEP_DEFAULT_PEER_MAX,
		  mnl_attr_get_u32(l.a[VTEP_LINK_A_PEER_MAX]));
	EXPECT_EQ(VTEP_DEFAULT_REMOTE_MAX,
		  mnl_attr_get_u32(l.a[VTEP_LINK_A_REMOTE_MAX]));
	EXPECT_EQ(0, mnl_attr_get_u32(l.a[VTEP_LINK_A_FDB_MAX]));

	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_SET, 0, self->ifindex);
	nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_LEARN_MAX, 7);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_PEER_MAX, 0);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_REMOTE_MAX, 4000000000U);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	memset(r, 0, sizeof(*r));
	nlh = vnl_genl(self->nl, VTEP_CMD_LINK_GET, 0, self->ifindex);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, r));
	vnl_attrs(reply(r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_LINK], &l);
	EXPECT_EQ(7, mnl_attr_get_u32(l.a[VTEP_LINK_A_LEARN_MAX]));
	EXPECT_EQ(0, mnl_attr_get_u32(l.a[VTEP_LINK_A_PEER_MAX]));
	EXPECT_EQ(4000000000U, mnl_attr_get_u32(l.a[VTEP_LINK_A_REMOTE_MAX]));
	free(r);
}

TEST_F(vtep_dev, vni_learned_count_is_read_only)
{
	ASSERT_OK(vni_new(self->nl, self->ifindex, VNI, 0, NULL, 0));
	ASSERT_REFUSED(vnl_vni(self->nl, VTEP_CMD_VNI_SET, 0, self->ifindex,
			       VNL_NEST(VNI_ID(VNI),
					VNL_U32(VTEP_VNI_A_LEARNED, 5))),
		       EINVAL, "read only");
}

TEST_F(vtep_dev, static_add_over_a_learned_entry_succeeds_without_replace)
{
	uint32_t dst = 0;

	ASSERT_EQ(0, bring_up(_metadata, self->nl, self->ifindex));
	ASSERT_EQ(0, send_frame(2, 5));
	ASSERT_EQ(0, wait_learned(self->nl, self->ifindex, 1))
		TH_LOG("nothing learned from 192.0.2.2");
	ASSERT_EQ(VTEP_FDB_TYPE_LEARNED, fdb_get(self->nl, self->ifindex, 5, &dst));
	EXPECT_EQ(vnl_ip4("192.0.2.2"), dst);

	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, VNI, 5,
			  "198.51.100.7"));
	ASSERT_EQ(VTEP_FDB_TYPE_STATIC, fdb_get(self->nl, self->ifindex, 5, &dst));
	EXPECT_EQ(vnl_ip4("198.51.100.7"), dst);
	EXPECT_EQ(0, learned(self->nl, self->ifindex));
	EXPECT_EQ(1, fdb_count(self->nl, self->ifindex, 0, 0));
	/* a static entry still refuses an add without replace */
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       VNI, 5, "198.51.100.8"), EEXIST, "exists");
}

/*
 * A batch that turns a learned entry static and is then refused puts the
 * entry back as it was: learned, behind its peer, counted as learned.
 */
TEST_F(vtep_dev, refused_batch_puts_the_learned_entry_back)
{
	struct nlmsghdr *nlh;
	struct nlattr *list;
	uint32_t dst = 0;

	ASSERT_EQ(0, bring_up(_metadata, self->nl, self->ifindex));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, VNI, 6,
			  "198.51.100.7"));
	ASSERT_EQ(0, send_frame(2, 5));
	ASSERT_EQ(0, wait_learned(self->nl, self->ifindex, 1));

	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_NEW, 0, self->ifindex);
	list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
	put_fdb(nlh, VTEP_A_FDB, VNI, 5, "198.51.100.7");	/* learned: taken */
	put_fdb(nlh, VTEP_A_FDB, VNI, 6, "198.51.100.8");	/* static: EEXIST */
	mnl_attr_nest_end(nlh, list);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EEXIST, "exists");

	ASSERT_EQ(VTEP_FDB_TYPE_LEARNED, fdb_get(self->nl, self->ifindex, 5, &dst));
	EXPECT_EQ(vnl_ip4("192.0.2.2"), dst);
	EXPECT_EQ(1, learned(self->nl, self->ifindex));
	ASSERT_EQ(VTEP_FDB_TYPE_STATIC, fdb_get(self->nl, self->ifindex, 6, &dst));
	EXPECT_EQ(vnl_ip4("198.51.100.7"), dst);
	/* the learned entry still counts against learn_max, the static not */
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_FDB_MAX, 1));
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       VNI, 7, "198.51.100.7"), ENOSPC, "max-fdb");
}

TEST_F(vtep_dev, static_adds_keep_succeeding_while_learned_entries_are_at_learn_max)
{
	uint64_t full0;
	int i;

	ASSERT_EQ(0, bring_up(_metadata, self->nl, self->ifindex));
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_LEARN_MAX, 4));
	full0 = vni_stat(self->nl, self->ifindex, VTEP_STAT_DROP_FDB_FULL);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, send_frame(2, 1000 + i));
	ASSERT_EQ(0, wait_learned(self->nl, self->ifindex, 4));
	usleep(100000);
	EXPECT_EQ(4, learned(self->nl, self->ifindex));
	EXPECT_EQ(full0 + 6, vni_stat(self->nl, self->ifindex,
				      VTEP_STAT_DROP_FDB_FULL));
	/* delivered all the same */
	EXPECT_LE(10, vni_stat(self->nl, self->ifindex, VTEP_STAT_RX_PACKETS));
	/* the control plane is not starved: 1000 static entries go in */
	ASSERT_OK(fdb_load(self->nl, self->ifindex, VNI, 0, 1000));
	EXPECT_EQ(1004, fdb_count(self->nl, self->ifindex, 0, 0));
	EXPECT_EQ(4, learned(self->nl, self->ifindex));
}

TEST_F(vtep_dev, fdb_max_caps_static_entries_only)
{
	ASSERT_EQ(0, bring_up(_metadata, self->nl, self->ifindex));
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_FDB_MAX, 3));
	ASSERT_EQ(0, send_frame(2, 1000));
	ASSERT_EQ(0, send_frame(2, 1001));
	ASSERT_EQ(0, send_frame(2, 1002));
	ASSERT_EQ(0, send_frame(2, 1003));
	ASSERT_EQ(0, send_frame(2, 1004));
	ASSERT_EQ(0, wait_learned(self->nl, self->ifindex, 5))
		TH_LOG("learning stopped at max-fdb");
	ASSERT_OK(fdb_load(self->nl, self->ifindex, VNI, 0, 3));
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       VNI, 3, "198.51.100.7"), ENOSPC, "max-fdb");
	/* turning a learned entry static needs room too */
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       VNI, 1000, "198.51.100.7"), ENOSPC, "max-fdb");
	EXPECT_EQ(3, fdb_count(self->nl, self->ifindex, 0, VTEP_FDB_TYPE_STATIC));
	EXPECT_EQ(5, learned(self->nl, self->ifindex));
	/* deleting a static entry makes room for one */
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_DEL, 0, VNI, 0,
			  NULL));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, VNI,
			  1000, "198.51.100.7"));
	EXPECT_EQ(4, learned(self->nl, self->ifindex));
}

TEST_F(vtep_dev, peer_max_refuses_a_new_peer_with_enospc)
{
	uint64_t full0;

	ASSERT_EQ(0, bring_up(_metadata, self->nl, self->ifindex));
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_PEER_MAX, 2));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, VNI, 1,
			  "198.51.100.7"));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, VNI, 2,
			  "198.51.100.8"));
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       VNI, 3, "198.51.100.9"), ENOSPC, "max-peers");
	/* an existing peer is no new one */
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, VNI, 3,
			  "198.51.100.7"));
	/* learning from a new source at the limit: delivered, not learned */
	full0 = vni_stat(self->nl, self->ifindex, VTEP_STAT_DROP_FDB_FULL);
	ASSERT_EQ(0, send_frame(2, 1000));
	usleep(200000);
	EXPECT_EQ(0, learned(self->nl, self->ifindex));
	EXPECT_EQ(full0 + 1, vni_stat(self->nl, self->ifindex,
				      VTEP_STAT_DROP_FDB_FULL));
	/* a peer freed is room again */
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_DEL, 0, VNI, 2,
			  NULL));
	ASSERT_EQ(0, send_frame(2, 1000));
	ASSERT_EQ(0, wait_learned(self->nl, self->ifindex, 1));
	/* 0: no limit */
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_PEER_MAX, 0));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, VNI, 4,
			  "198.51.100.9"));
}

/* One list of @n entries (MACs of @first on), entry k sent to dsts[k % ndst] */
static int fdb_list(struct vnl *nl, int ifindex, uint32_t first, uint32_t n,
		    const char *const *dsts, unsigned int ndst)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_NEW, 0, ifindex);
	struct nlattr *list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
	uint32_t k;

	for (k = 0; k < n; k++)
		put_fdb(nlh, VTEP_A_FDB, VNI, first + k, dsts[k % ndst]);
	mnl_attr_nest_end(nlh, list);
	return vnl_run(nl, nlh, NULL, NULL);
}

/*
 * A batch finds its peers a chunk (64 entries) at a time: those known
 * under one hold of the lock, the new ones inserted under the next. A
 * destination repeated out of turn, within a chunk and across chunks, is
 * one peer with one reference an entry: after the entries go, the peers
 * go too, which the room under max-peers shows.
 */
TEST_F(vtep_dev, a_batch_repeating_destinations_holds_one_peer_each)
{
	static const char *const three[] = { "198.51.100.7", "198.51.100.8",
					     "198.51.100.9" };
	static const char *const others[] = { "198.51.100.20", "198.51.100.21",
					      "198.51.100.22" };

	ASSERT_EQ(0, bring_up(_metadata, self->nl, self->ifindex));
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_PEER_MAX, 3));
	ASSERT_OK(fdb_list(self->nl, self->ifindex, 1, 200, three, 3));
	EXPECT_EQ(200, fdb_count(self->nl, self->ifindex, 0, VTEP_FDB_TYPE_STATIC));
	/* three peers: a fourth is refused */
	ASSERT_REFUSED(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0,
			       VNI, 500, "198.51.100.20"), ENOSPC, "max-peers");
	ASSERT_OK(fdb_flush(self->nl, self->ifindex, 0, 0));
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0));
	/* every reference went with its entry: room for three others */
	ASSERT_OK(fdb_list(self->nl, self->ifindex, 1, 3, others, 3));
}

/*
 * A batch whose new peers pass max-peers half way is refused whole, and
 * the peers it created for its earlier entries go with it.
 */
TEST_F(vtep_dev, a_batch_past_max_peers_leaves_no_peer_behind)
{
	static const char *const four[] = { "198.51.100.8", "198.51.100.9",
					    "198.51.100.8", "198.51.100.10" };
	static const char *const two[] = { "198.51.100.11", "198.51.100.12" };

	ASSERT_EQ(0, bring_up(_metadata, self->nl, self->ifindex));
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_PEER_MAX, 3));
	ASSERT_OK(fdb_cmd(self->nl, self->ifindex, VTEP_CMD_FDB_NEW, 0, VNI, 1,
			  "198.51.100.7"));
	/* .8 and .9 are the 2nd and 3rd peers; .10 would be a 4th */
	ASSERT_REFUSED(fdb_list(self->nl, self->ifindex, 10, 4, four, 4),
		       ENOSPC, "max-peers");
	EXPECT_EQ(1, fdb_count(self->nl, self->ifindex, 0, VTEP_FDB_TYPE_STATIC));
	/* .8 and .9 did not stay: two other new peers fit */
	ASSERT_OK(fdb_list(self->nl, self->ifindex, 20, 2, two, 2));
	EXPECT_EQ(3, fdb_count(self->nl, self->ifindex, 0, VTEP_FDB_TYPE_STATIC));
}

TEST_HARNESS_MAIN
