// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane, spoken as raw generic netlink: every command
 * round-trips, every bad request is refused with the right errno and an
 * extack message, privilege and namespace boundaries hold, large tables
 * load, dump exactly once and go away without a trace.
 *
 * Each test gets a fresh network namespace (the harness forks per test, so
 * the namespace dies with it) holding vtep0, local 192.0.2.1.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vtep_nl.h"

#define BIG		100000	/* entries in the scale tests */
#define PER_MSG		1500	/* entries per batched FDB_NEW */

FIXTURE(vtep_dev) {
	struct vnl *nl;		/* genl, in the test's namespace */
	struct vnl *rt;		/* rtnetlink, same */
	int ifindex;		/* vtep0 */
	int init_netns;		/* the namespace the test started in */
};

FIXTURE_SETUP(vtep_dev)
{
	self->init_netns = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, self->init_netns);
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	self->rt = vnl_open(NETLINK_ROUTE);
	ASSERT_NE(NULL, self->rt);
	ASSERT_EQ(0, vnl_newlink_vtep(self->rt, "vtep0", "192.0.2.1"))
		TH_LOG("RTM_NEWLINK vtep0: %s", self->rt->msg);
	self->ifindex = if_nametoindex("vtep0");
	ASSERT_NE(0, self->ifindex);
	self->nl = vnl_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, self->nl) TH_LOG("genl family \"vtep\": %s", strerror(errno));
}

FIXTURE_TEARDOWN(vtep_dev)
{
	vnl_close(self->nl);
	vnl_close(self->rt);
	close(self->init_netns);
}

/* A refusal: errno and a piece of the extack message. */
#define ASSERT_REFUSED(_err, _errno, _text) do {				\
	int __e = (_err);							\
	ASSERT_EQ(-(_errno), __e)						\
		TH_LOG("got %d (%s), extack \"%s\"", __e, strerror(-__e),	\
		       self->nl->msg);						\
	ASSERT_NE(NULL, strstr(self->nl->msg, _text))				\
		TH_LOG("extack \"%s\" does not say \"%s\"", self->nl->msg,	\
		       _text);							\
} while (0)

#define ASSERT_OK(_err) do {							\
	int __e = (_err);							\
	ASSERT_EQ(0, __e)							\
		TH_LOG("refused: %s, extack \"%s\"", strerror(-__e),		\
		       self->nl->msg);						\
} while (0)

/* The offset of @a within the request that holds it */
static uint32_t offset_in(const struct nlmsghdr *nlh, const void *a)
{
	return (const char *)a - (const char *)nlh;
}

static void mac_of(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = i >> 24;
	mac[3] = i >> 16;
	mac[4] = i >> 8;
	mac[5] = i;
}

static uint32_t index_of(const uint8_t *mac)
{
	return (uint32_t)mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5];
}

/* VTEP_A_VNI { ID, VLAN (0: UNTAGGED), [GROUP] } */
static struct nlattr *put_vni(struct nlmsghdr *nlh, uint32_t id, int vlan,
			      const char *group)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);

	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, id);
	if (vlan > 0)
		mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, vlan);
	else if (vlan == 0)
		mnl_attr_put(nlh, VTEP_VNI_A_UNTAGGED, 0, NULL);
	if (group)
		mnl_attr_put_u32(nlh, VTEP_VNI_A_GROUP, vnl_ip4(group));
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

static int vni_new(struct vnl *nl, int ifindex, uint32_t id, int vlan,
		   const char *group, uint16_t flags)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_VNI_NEW, flags, ifindex);

	put_vni(nlh, id, vlan, group);
	return vnl_run(nl, nlh, NULL, NULL);
}

/* VTEP_A_FDB { VNI, MAC of @i, DST } */
static struct nlattr *put_fdb(struct nlmsghdr *nlh, uint16_t type,
			      uint32_t vni, uint32_t i, const char *dst)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	uint8_t mac[6];

	mac_of(i, mac);
	mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, vni);
	mnl_attr_put(nlh, VTEP_FDB_A_MAC, 6, mac);
	if (dst)
		mnl_attr_put_u32(nlh, VTEP_FDB_A_DST, vnl_ip4(dst));
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

static int fdb_cmd(struct vnl *nl, int ifindex, uint8_t cmd, uint16_t flags,
		   uint32_t vni, uint32_t i, const char *dst)
{
	struct nlmsghdr *nlh = vnl_genl(nl, cmd, flags, ifindex);

	put_fdb(nlh, VTEP_A_FDB, vni, i, dst);
	return vnl_run(nl, nlh, NULL, NULL);
}

/* Loads entries [first, first + n) of @vni in batches of PER_MSG. */
static int fdb_load(struct vnl *nl, int ifindex, uint32_t vni, uint32_t first,
		    uint32_t n)
{
	uint32_t i, end = first + n;
	int err;

	for (i = first; i < end;) {
		struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_NEW, 0, ifindex);
		struct nlattr *list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
		uint32_t stop = i + PER_MSG < end ? i + PER_MSG : end;

		for (; i < stop; i++)
			put_fdb(nlh, VTEP_A_FDB, vni, i, "198.51.100.7");
		mnl_attr_nest_end(nlh, list);
		err = vnl_run(nl, nlh, NULL, NULL);
		if (err)
			return err;
	}
	return 0;
}

/* What an FDB dump returned */
struct fdb_seen {
	uint32_t count, dups, bad;
	uint32_t statics, learned;
	uint8_t *seen;		/* one byte per entry index < BIG */
};

static int fdb_seen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fdb_seen *s = data;
	struct vnl_tb tb, f;
	uint32_t i;

	vnl_attrs(nlh, &tb);
	vnl_nested(tb.a[VTEP_A_FDB], &f);
	if (!f.a[VTEP_FDB_A_MAC] || !f.a[VTEP_FDB_A_TYPE]) {
		s->bad++;
		return MNL_CB_OK;
	}
	s->count++;
	if (mnl_attr_get_u8(f.a[VTEP_FDB_A_TYPE]) == VTEP_FDB_TYPE_STATIC)
		s->statics++;
	else
		s->learned++;
	i = index_of(mnl_attr_get_payload(f.a[VTEP_FDB_A_MAC]));
	if (s->seen && i < BIG && s->seen[i]++)
		s->dups++;
	return MNL_CB_OK;
}

/*
 * Dumps the FDB (filters: @vni 0 = any, @type) into @s; retried whole when
 * the table changed under the dump (NLM_F_DUMP_INTR), as the uapi asks.
 */
static int fdb_dump(struct vnl *nl, int ifindex, uint32_t vni, uint8_t type,
		    struct fdb_seen *s)
{
	int err, tries;

	for (tries = 0; tries < 5; tries++) {
		struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_GET, NLM_F_DUMP,
						ifindex);
		uint8_t *seen = s->seen;

		if (vni || type) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);

			if (vni)
				mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, vni);
			if (type)
				mnl_attr_put_u8(nlh, VTEP_FDB_A_TYPE, type);
			mnl_attr_nest_end(nlh, nest);
		}
		memset(s, 0, sizeof(*s));
		s->seen = seen;
		if (seen)
			memset(seen, 0, BIG);
		err = vnl_run(nl, nlh, fdb_seen_cb, s);
		if (err || !nl->intr)
			return err;
	}
	return -EINTR;
}

static int fdb_count(struct vnl *nl, int ifindex, uint32_t vni, uint8_t type)
{
	struct fdb_seen s = {};
	int err = fdb_dump(nl, ifindex, vni, type, &s);

	return err ? err : (int)s.count;
}

/* Replies of a "do" or dump, kept whole for the test to read */
struct replies {
	int n;
	char msg[16][4096];
};

static int keep_cb(const struct nlmsghdr *nlh, void *data)
{
	struct replies *r = data;

	if (r->n < 16 && nlh->nlmsg_len <= sizeof(r->msg[0]))
		memcpy(r->msg[r->n], nlh, nlh->nlmsg_len);
	r->n++;
	return MNL_CB_OK;
}

static const struct nlmsghdr *reply(const struct replies *r, int i)
{
	return (const struct nlmsghdr *)r->msg[i];
}

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

static int vni_get(struct vnl *nl, int ifindex, uint32_t id,
		   struct replies *r, struct vnl_tb *v)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_VNI_GET, 0, ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	struct vnl_tb tb;
	int err;

	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, id);
	mnl_attr_nest_end(nlh, nest);
	memset(r, 0, sizeof(*r));
	err = vnl_run(nl, nlh, keep_cb, r);
	if (err)
		return err;
	if (r->n != 1)
		return -EPROTO;
	vnl_attrs(reply(r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_VNI], v);
	return 0;
}

TEST_F(vtep_dev, vni_add_then_get_returns_it)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_VNI_NEW, 0,
					self->ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v, st;

	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, 100);
	mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, 10);
	mnl_attr_put_u32(nlh, VTEP_VNI_A_GROUP, vnl_ip4("239.1.1.1"));
	mnl_attr_put_u8(nlh, VTEP_VNI_A_FLOOD, 0);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));

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
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct vnl_tb v;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, "239.1.1.1", 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_SET, 0, self->ifindex);
	nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, 100);
	mnl_attr_put_u8(nlh, VTEP_VNI_A_FLOOD, 0);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(0, mnl_attr_get_u8(v.a[VTEP_VNI_A_FLOOD]));
	EXPECT_EQ(10, mnl_attr_get_u16(v.a[VTEP_VNI_A_VLAN]));
	EXPECT_EQ(vnl_ip4("239.1.1.1"), mnl_attr_get_u32(v.a[VTEP_VNI_A_GROUP]));

	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_SET, 0, self->ifindex);
	put_vni(nlh, 100, 20, NULL);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(20, mnl_attr_get_u16(v.a[VTEP_VNI_A_VLAN]));
	EXPECT_EQ(0, mnl_attr_get_u8(v.a[VTEP_VNI_A_FLOOD]));
	/* VLAN 10 is free again */
	ASSERT_OK(vni_new(self->nl, self->ifindex, 101, 10, NULL, 0));
	free(r);
}

TEST_F(vtep_dev, vni_set_of_a_missing_vni_is_enoent)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_VNI_SET, 0,
					self->ifindex);

	put_vni(nlh, 555, 5, NULL);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ENOENT,
		       "does not exist");
}

TEST_F(vtep_dev, vni_del_removes_it)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh;
	struct vnl_tb v;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_DEL, 0, self->ifindex);
	put_vni(nlh, 100, -1, NULL);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	ASSERT_REFUSED(vni_get(self->nl, self->ifindex, 100, r, &v), ENOENT,
		       "VNI is not configured");
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_DEL, 0, self->ifindex);
	put_vni(nlh, 100, -1, NULL);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ENOENT,
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
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	struct nlattr *id = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, 0);
	mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, 10);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ERANGE,
		       "out of range");
	/* The extack points at the attribute */
	EXPECT_EQ(offset_in(nlh, id), self->nl->offs);
}

TEST_F(vtep_dev, refuses_vni_of_2_to_the_24)
{
	ASSERT_REFUSED(vni_new(self->nl, self->ifindex, 1 << 24, 10, NULL, 0),
		       ERANGE, "out of range");
	ASSERT_OK(vni_new(self->nl, self->ifindex, (1 << 24) - 1, 10, NULL, 0));
}

TEST_F(vtep_dev, refuses_vlan_zero)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_VNI_NEW, 0,
					self->ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);

	/* put_vni() would send VLAN 0 as UNTAGGED: spell it out */
	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, 100);
	mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, 0);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), ERANGE,
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
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_VNI_NEW, 0,
					self->ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);

	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, 100);
	mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, 10);
	mnl_attr_put(nlh, VTEP_VNI_A_UNTAGGED, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "not both");
}

/* ---- malformed requests ---- */

TEST_F(vtep_dev, refuses_a_missing_required_attribute)
{
	struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_VNI_NEW, 0,
					self->ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);

	mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, 10);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "");
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
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, VTEP_A_MAX + 1, 1);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "Unknown attribute type");
	EXPECT_EQ(offset_in(nlh, a), self->nl->offs);

	/* inside a nest too */
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_NEW, 0, self->ifindex);
	nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, 100);
	mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, 10);
	mnl_attr_put_u32(nlh, VTEP_VNI_A_MAX + 1, 1);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EINVAL,
		       "Unknown attribute type");
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
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_NEW, 0, if_nametoindex("lo"));
	put_vni(nlh, 100, 10, NULL);
	ASSERT_REFUSED(vnl_run(self->nl, nlh, NULL, NULL), EOPNOTSUPP,
		       "not a vtep device");
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

static int fdb_flush(struct vnl *nl, int ifindex, uint32_t vni, uint8_t type)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_FLUSH, 0, ifindex);

	if (vni || type) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);

		if (vni)
			mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, vni);
		if (type)
			mnl_attr_put_u8(nlh, VTEP_FDB_A_TYPE, type);
		mnl_attr_nest_end(nlh, nest);
	}
	return vnl_run(nl, nlh, NULL, NULL);
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
	struct nlmsghdr *nlh;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 30));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 200, 100, 20));
	nlh = vnl_genl(self->nl, VTEP_CMD_VNI_DEL, 0, self->ifindex);
	put_vni(nlh, 100, -1, NULL);
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
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
	nlh = vnl_genl(self->nl, VTEP_CMD_STATS_GET, 0, self->ifindex);
	put_vni(nlh, 100, -1, NULL);
	ASSERT_OK(vnl_run(self->nl, nlh, keep_cb, r));
	vnl_attrs(reply(r, 0), &tb);
	vnl_nested(tb.a[VTEP_A_VNI], &v);
	EXPECT_EQ(100, mnl_attr_get_u32(v.a[VTEP_VNI_A_ID]));
	vnl_nested(tb.a[VTEP_A_STATS], &st);
	EXPECT_NE(NULL, st.a[VTEP_STAT_TX_PACKETS]);
	free(r);
}

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
			put_vni(nlh, 100, 11, NULL);
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
	nlh = vnl_genl(other, VTEP_CMD_VNI_NEW, 0, self->ifindex);
	put_vni(nlh, 100, 10, NULL);
	EXPECT_EQ(-ENODEV, vnl_run(other, nlh, NULL, NULL));
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

/* ---- teardown ---- */

#define SLABS 4096

struct slabs {
	int n;
	char name[SLABS][64];
	long active[SLABS];
};

static int read_slabs(struct slabs *s)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512];

	if (!f)
		return -1;
	s->n = 0;
	while (fgets(line, sizeof(line), f) && s->n < SLABS) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %ld", s->name[s->n], &s->active[s->n]) == 2)
			s->n++;
	}
	fclose(f);
	return 0;
}

static long slab_active(const struct slabs *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return s->active[i];
	return 0;
}

/*
 * Counting objects in the slab caches is the one view of kernel memory a
 * test gets without a debug kernel. The caches that hold the entries are
 * found by their growth while 100,000 entries load (the entry's cache is
 * fdb.c's business, and kmalloc caches are shared), then must come back
 * to within 2% of that growth of where they started: other kernel users
 * of a shared cache move its count a little, a leak moves it by the
 * number of entries. (So no test before these leaves thousands of entries
 * behind to be freed while they count.) Frees after a grace period and namespace cleanup are
 * asynchronous, so the count is polled, for at most a minute.
 */
static void teardown_leaves_no_entries(struct __test_metadata *_metadata,
				       FIXTURE_DATA(vtep_dev) *self,
				       bool whole_netns)
{
	struct slabs *before = calloc(1, sizeof(*before));
	struct slabs *loaded = calloc(1, sizeof(*loaded));
	struct slabs *after = calloc(1, sizeof(*after));
	int i, tries, grown = 0, back = 0;

	ASSERT_EQ(0, read_slabs(before)) TH_LOG("/proc/slabinfo: %s", strerror(errno));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, BIG));
	ASSERT_EQ(0, read_slabs(loaded));
	for (i = 0; i < loaded->n; i++)
		if (loaded->active[i] - slab_active(before, loaded->name[i]) >=
		    BIG * 9 / 10) {
			grown++;
			TH_LOG("%s: %ld -> %ld", loaded->name[i],
			       slab_active(before, loaded->name[i]),
			       loaded->active[i]);
		}
	if (!grown) {
		for (i = 0; i < loaded->n; i++)
			if (loaded->active[i] - slab_active(before, loaded->name[i]) > 1000)
				TH_LOG("%s: %ld -> %ld", loaded->name[i],
				       slab_active(before, loaded->name[i]),
				       loaded->active[i]);
	}
	ASSERT_LT(0, grown) TH_LOG("no slab cache grew by the entries");

	if (whole_netns) {
		vnl_close(self->nl);
		vnl_close(self->rt);
		self->nl = self->rt = NULL;
		ASSERT_EQ(0, setns(self->init_netns, CLONE_NEWNET));
	} else {
		ASSERT_EQ(0, vnl_dellink(self->rt, "vtep0"));
	}
	for (tries = 0; tries < 600 && back < grown; tries++) {
		usleep(100 * 1000);
		ASSERT_EQ(0, read_slabs(after));
		back = 0;
		for (i = 0; i < loaded->n; i++) {
			long b = slab_active(before, loaded->name[i]);

			if (loaded->active[i] - b >= BIG * 9 / 10 &&
			    slab_active(after, loaded->name[i]) - b < BIG / 50)
				back++;
		}
	}
	for (i = 0; i < loaded->n; i++) {
		long b = slab_active(before, loaded->name[i]);

		if (loaded->active[i] - b < BIG * 9 / 10)
			continue;
		EXPECT_GT(BIG / 50, slab_active(after, loaded->name[i]) - b)
			TH_LOG("%s: %ld before, %ld loaded, %ld after",
			       loaded->name[i], b, loaded->active[i],
			       slab_active(after, loaded->name[i]));
	}
	free(before);
	free(loaded);
	free(after);
}

TEST_F_TIMEOUT(vtep_dev, deleting_the_device_with_100000_entries_frees_them, 600)
{
	teardown_leaves_no_entries(_metadata, self, false);
}

TEST_F_TIMEOUT(vtep_dev, deleting_the_namespace_with_100000_entries_frees_them, 600)
{
	teardown_leaves_no_entries(_metadata, self, true);
}

/*
 * Last: its 100,000 entries are freed asynchronously after the test's
 * namespace goes, and would blur the slab counts of the teardown tests.
 */
TEST_F_TIMEOUT(vtep_dev, loads_100000_entries_and_dumps_each_exactly_once, 600)
{
	struct fdb_seen s = { .seen = calloc(1, BIG) };
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v;
	uint32_t i, missing = 0;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, BIG));
	ASSERT_OK(fdb_dump(self->nl, self->ifindex, 0, 0, &s));
	EXPECT_EQ(BIG, s.count);
	EXPECT_EQ(0, s.dups);
	EXPECT_EQ(0, s.bad);
	for (i = 0; i < BIG; i++)
		missing += !s.seen[i];
	EXPECT_EQ(0, missing);
	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(BIG, mnl_attr_get_u32(v.a[VTEP_VNI_A_FDB_COUNT]));
	free(s.seen);
	free(r);
}

TEST_HARNESS_MAIN
