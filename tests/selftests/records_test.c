// SPDX-License-Identifier: GPL-2.0
/*
 * VTEP_A_FDB_RECORDS: FDB_NEW and FDB_DEL batches as fixed records
 * (struct vtep_fdb_rec), which the kernel reads without a nest per entry.
 * Each record is held to what its nest would be: a whole number of
 * records, known flags, zero reserved bytes, a configured VNI, a unicast
 * MAC, a unicast destination of the device's family; a refusal names the
 * refused record by its offset, and the batch is applied whole or not at
 * all. vtep0's local address is 192.0.2.1 (IPv4).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "vtep_fixture.h"

#define VNI	100

/* Record @i: MAC of @i in VNI @vni, to the IPv4 address @dst (NULL: none) */
static void rec_of(struct vtep_fdb_rec *r, uint32_t vni, uint32_t i,
		   const char *dst)
{
	uint32_t a;

	memset(r, 0, sizeof(*r));
	r->vni = vni;
	mac_of(i, r->mac);
	if (dst) {
		r->family = AF_INET;
		a = vnl_ip4(dst);
		memcpy(r->dst, &a, 4);
	}
}

/* @cmd of @n records; the records' offsets in the request are at @off0 + 32k */
static int send_recs(struct vnl *nl, int ifindex, uint8_t cmd, uint16_t flags,
		     const struct vtep_fdb_rec *r, size_t n, uint32_t *off0)
{
	struct nlmsghdr *nlh = vnl_genl(nl, cmd, flags, ifindex);
	struct nlattr *a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);

	mnl_attr_put(nlh, VTEP_A_FDB_RECORDS, n * sizeof(*r), r);
	if (off0)
		*off0 = (uint32_t)((char *)a - (char *)nlh) + MNL_ATTR_HDRLEN;
	return vnl_run(nl, nlh, NULL, NULL);
}

static int up(struct vnl *nl, int ifindex)
{
	return vni_new(nl, ifindex, VNI, 0, NULL, 0);
}

TEST_F(vtep_dev, records_add_and_delete_a_batch)
{
	struct vtep_fdb_rec r[300];
	struct fdb_seen s = { .seen = calloc(1, BIG) };
	unsigned int i;

	ASSERT_OK(up(self->nl, self->ifindex));
	for (i = 0; i < 300; i++)
		rec_of(&r[i], VNI, i, i % 2 ? "198.51.100.7" : "198.51.100.8");
	r[5].flags = VTEP_FDB_REC_F_OWNER;
	r[5].owner = VTEP_OWNER_HOOK;
	ASSERT_OK(send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_NEW,
			    NLM_F_CREATE | NLM_F_EXCL, r, 300, NULL));
	ASSERT_OK(fdb_dump(self->nl, self->ifindex, 0, 0, &s));
	EXPECT_EQ(300, s.count);
	EXPECT_EQ(300, s.statics);
	for (i = 0; i < 300; i++)
		EXPECT_EQ(1, s.seen[i]);
	/* the same again: each exists */
	ASSERT_REFUSED(send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_NEW,
				 NLM_F_CREATE | NLM_F_EXCL, r, 300, NULL),
		       EEXIST, "exists");
	/* a delete of another owner's entry is refused, whole */
	r[5].owner = VTEP_OWNER_EVPN;
	ASSERT_REFUSED(send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_DEL, 0,
				 r, 300, NULL), ENOENT, "another owner");
	EXPECT_EQ(300, fdb_count(self->nl, self->ifindex, 0, 0));
	/* deletes with no destination, one with its owner: all go */
	r[5].owner = VTEP_OWNER_HOOK;
	for (i = 0; i < 300; i++)
		if (i != 7)
			r[i].family = 0, memset(r[i].dst, 0, 16);
	ASSERT_OK(send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_DEL, 0, r,
			    300, NULL));
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0));
	free(s.seen);
}

/* Each record is checked as its nest; the refusal points at the record */
TEST_F(vtep_dev, a_bad_record_is_named_and_nothing_applied)
{
	static const struct {
		const char *what;
		int field, err;
		const char *says;
	} cases[] = {
		{ "multicast MAC", 0, EINVAL, "unicast" },
		{ "unknown VNI", 1, ENOENT, "VNI" },
		{ "VNI 0", 2, ERANGE, "VNI" },
		{ "IPv6 on an IPv4 device", 3, EAFNOSUPPORT, "family" },
		{ "no destination in an add", 4, EINVAL, "destination" },
		{ "IPv4 with bytes after it", 5, EINVAL, "destination" },
		{ "unknown flag", 6, EINVAL, "flags" },
		{ "reserved byte", 7, EINVAL, "reserved" },
		{ "owner KERNEL", 8, EINVAL, "KERNEL" },
		{ "multicast destination", 9, EINVAL, "unicast" },
	};
	struct vtep_fdb_rec r[10];
	unsigned int c, i;
	uint32_t off0;

	ASSERT_OK(up(self->nl, self->ifindex));
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (i = 0; i < 10; i++)
			rec_of(&r[i], VNI, 1000 * c + i, "198.51.100.7");
		switch (cases[c].field) {
		case 0: r[6].mac[0] = 0x01; break;
		case 1: r[6].vni = 4242; break;
		case 2: r[6].vni = 0; break;
		case 3: r[6].family = AF_INET6; break;
		case 4: r[6].family = 0; break;
		case 5: r[6].dst[9] = 1; break;
		case 6: r[6].flags = 0x80; break;
		case 7: r[6].reserved[1] = 1; break;
		case 8: r[6].flags = VTEP_FDB_REC_F_OWNER;
			r[6].owner = VTEP_OWNER_KERNEL; break;
		case 9: r[6].dst[0] = 239; break;
		}
		EXPECT_EQ(-cases[c].err,
			  send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_NEW,
				    NLM_F_CREATE, r, 10, &off0))
			TH_LOG("%s: extack \"%s\"", cases[c].what, self->nl->msg);
		EXPECT_NE(NULL, strstr(self->nl->msg, cases[c].says))
			TH_LOG("%s: extack \"%s\"", cases[c].what, self->nl->msg);
		EXPECT_EQ(off0 + 6 * sizeof(struct vtep_fdb_rec), self->nl->offs)
			TH_LOG("%s: offset %u, record 6 at %zu", cases[c].what,
			       self->nl->offs, off0 + 6 * sizeof(struct vtep_fdb_rec));
		EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0))
			TH_LOG("%s: entries before record 6 stayed", cases[c].what);
	}
}

/* A refusal by the table (max-fdb at record 4) names that record too */
TEST_F(vtep_dev, a_record_past_max_fdb_is_named_and_the_batch_undone)
{
	struct vtep_fdb_rec r[8];
	unsigned int i;
	uint32_t off0;

	ASSERT_OK(up(self->nl, self->ifindex));
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_FDB_MAX, 4));
	for (i = 0; i < 8; i++)
		rec_of(&r[i], VNI, i, "198.51.100.7");
	ASSERT_REFUSED(send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_NEW,
				 NLM_F_CREATE, r, 8, &off0), ENOSPC, "full");
	EXPECT_EQ(off0 + 4 * sizeof(struct vtep_fdb_rec), self->nl->offs);
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0));
	ASSERT_OK(send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_NEW,
			    NLM_F_CREATE, r, 4, NULL));
	EXPECT_EQ(4, fdb_count(self->nl, self->ifindex, 0, 0));
}

/* The attribute's shape is the policy's: whole records, at least one, alone */
TEST_F(vtep_dev, records_of_a_broken_length_or_beside_nests_are_refused)
{
	struct vtep_fdb_rec r[2];
	struct nlmsghdr *nlh;

	ASSERT_OK(up(self->nl, self->ifindex));
	rec_of(&r[0], VNI, 1, "198.51.100.7");
	rec_of(&r[1], VNI, 2, "198.51.100.7");
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_NEW, NLM_F_CREATE, self->ifindex);
	mnl_attr_put(nlh, VTEP_A_FDB_RECORDS, sizeof(r) - 4, r);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL, "whole");
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_NEW, NLM_F_CREATE, self->ifindex);
	mnl_attr_put(nlh, VTEP_A_FDB_RECORDS, 0, r);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL, "whole");
	nlh = vnl_genl(self->nl, VTEP_CMD_FDB_NEW, NLM_F_CREATE, self->ifindex);
	mnl_attr_put(nlh, VTEP_A_FDB_RECORDS, sizeof(r), r);
	put_fdb(nlh, VTEP_A_FDB, VNI, 3, "198.51.100.7");
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL, "one of");
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0));
}

/*
 * The largest requests netlink can carry apply whole: 2,047 records (a
 * 64 KB attribute) and a VTEP_A_FDB_LIST of 2,730 delete nests of 24
 * bytes, the most entries one request can name. The module keeps the
 * arrays of a request between requests (kmod/scratch.c), sized for these;
 * a refusal at the last entry leaves the table as it was.
 */
TEST_F(vtep_dev, the_largest_requests_apply_whole)
{
	enum { RECS = 65535 / sizeof(struct vtep_fdb_rec), NESTS = 2730 };
	struct vtep_fdb_rec *r = calloc(RECS, sizeof(*r));
	struct nlmsghdr *nlh;
	struct nlattr *list, *last = NULL;
	unsigned int i, pass;

	ASSERT_EQ(2047, RECS);
	ASSERT_OK(up(self->nl, self->ifindex));
	for (i = 0; i < RECS; i++)
		rec_of(&r[i], VNI, i, "198.51.100.7");
	ASSERT_OK(send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_NEW,
			    NLM_F_CREATE | NLM_F_EXCL, r, RECS, NULL));
	EXPECT_EQ(RECS, fdb_count(self->nl, self->ifindex, 0, 0));
	for (i = 0; i < NESTS - RECS; i++)
		rec_of(&r[i], VNI, RECS + i, "198.51.100.8");
	ASSERT_OK(send_recs(self->nl, self->ifindex, VTEP_CMD_FDB_NEW,
			    NLM_F_CREATE | NLM_F_EXCL, r, NESTS - RECS, NULL));
	EXPECT_EQ(NESTS, fdb_count(self->nl, self->ifindex, 0, 0));

	/* first with an absent MAC last (refused, whole), then all of them */
	for (pass = 0; pass < 2; pass++) {
		nlh = vnl_genl(self->nl, VTEP_CMD_FDB_DEL, 0, self->ifindex);
		list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
		for (i = 0; i < NESTS; i++)
			last = put_fdb(nlh, VTEP_A_FDB, VNI,
				       !pass && i == NESTS - 1 ? 99999 : i, NULL);
		mnl_attr_nest_end(nlh, list);
		ASSERT_GE(65535, mnl_attr_get_payload_len(list) + MNL_ATTR_HDRLEN);
		if (pass) {
			ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
			break;
		}
		ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ENOENT,
			       "no such");
		EXPECT_EQ((uint32_t)((char *)last - (char *)nlh), self->nl->offs);
		EXPECT_EQ(NESTS, fdb_count(self->nl, self->ifindex, 0, 0));
	}
	EXPECT_EQ(0, fdb_count(self->nl, self->ifindex, 0, 0));
	free(r);
}

TEST_HARNESS_MAIN
