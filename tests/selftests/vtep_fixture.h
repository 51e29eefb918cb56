/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture of the control-plane selftests (control_test, fdb_test,
 * fdb_scale_test, access_test): a fresh network namespace per test (the
 * harness forks per test, so the namespace dies with it) holding vtep0,
 * local 192.0.2.1, with a genl and an rtnetlink socket; and the request
 * helpers they share.
 */
#ifndef VTEP_FIXTURE_H
#define VTEP_FIXTURE_H

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

/* genl LINK_SET of one u32 setting */
static inline int link_set_u32(struct vnl *nl, int ifindex, uint16_t attr,
			       uint32_t v)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_LINK_SET, 0, ifindex);
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);

	mnl_attr_put_u32(nlh, attr, v);
	mnl_attr_nest_end(nlh, nest);
	return vnl_run(nl, nlh, NULL, NULL);
}

/* Write @text to the file @path (a sysctl, a parameter, a map): 0 or -1 */
static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/* The offset of @a within the request that holds it */
static inline uint32_t offset_in(const struct nlmsghdr *nlh, const void *a)
{
	return (const char *)a - (const char *)nlh;
}

static inline void mac_of(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = i >> 24;
	mac[3] = i >> 16;
	mac[4] = i >> 8;
	mac[5] = i;
}

static inline uint32_t index_of(const uint8_t *mac)
{
	return (uint32_t)mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5];
}

/* VNI_NEW of @id on VLAN @vlan (0: untagged), in @group if given */
static inline int vni_new(struct vnl *nl, int ifindex, uint32_t id, int vlan,
		   const char *group, uint16_t flags)
{
	struct vnl_attr a[4] = { VNI_ID(id), VNI_UNTAGGED };

	if (vlan)
		a[1] = (struct vnl_attr)VNI_VLAN(vlan);
	if (group)
		a[2] = (struct vnl_attr)VNI_GROUP(group);
	return vnl_vni(nl, VTEP_CMD_VNI_NEW, flags, ifindex, a);
}

/* VTEP_A_FDB { VNI, MAC of @i, DST } */
static inline struct nlattr *put_fdb(struct nlmsghdr *nlh, uint16_t type,
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

static inline int fdb_cmd(struct vnl *nl, int ifindex, uint8_t cmd, uint16_t flags,
		   uint32_t vni, uint32_t i, const char *dst)
{
	struct nlmsghdr *nlh = vnl_genl(nl, cmd, flags, ifindex);

	put_fdb(nlh, VTEP_A_FDB, vni, i, dst);
	return vnl_run(nl, nlh, NULL, NULL);
}

/* Loads entries [first, first + n) of @vni in batches of PER_MSG. */
static inline int fdb_load(struct vnl *nl, int ifindex, uint32_t vni, uint32_t first,
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

static inline int fdb_seen_cb(const struct nlmsghdr *nlh, void *data)
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

/* The optional { VNI, TYPE } filter of an FDB dump or flush */
static inline void put_fdb_filter(struct nlmsghdr *nlh, uint32_t vni,
				  uint8_t type)
{
	struct nlattr *nest;

	if (!vni && !type)
		return;
	nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);
	if (vni)
		mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, vni);
	if (type)
		mnl_attr_put_u8(nlh, VTEP_FDB_A_TYPE, type);
	mnl_attr_nest_end(nlh, nest);
}

/*
 * Dumps the FDB (filters: @vni 0 = any, @type) into @s; retried whole when
 * the table changed under the dump (NLM_F_DUMP_INTR), as the uapi asks,
 * after a pause that grows: a resize of a large table runs in the
 * background for a while, and every dump meanwhile is flagged.
 */
static inline int fdb_dump(struct vnl *nl, int ifindex, uint32_t vni, uint8_t type,
		    struct fdb_seen *s)
{
	int err, tries;

	for (tries = 0; tries < 20; tries++) {
		if (tries)
			usleep(20000 * tries);
		struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_GET, NLM_F_DUMP,
						ifindex);
		uint8_t *seen = s->seen;

		put_fdb_filter(nlh, vni, type);
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

static inline int fdb_count(struct vnl *nl, int ifindex, uint32_t vni, uint8_t type)
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

static inline int keep_cb(const struct nlmsghdr *nlh, void *data)
{
	struct replies *r = data;

	if (r->n < 16 && nlh->nlmsg_len <= sizeof(r->msg[0]))
		memcpy(r->msg[r->n], nlh, nlh->nlmsg_len);
	r->n++;
	return MNL_CB_OK;
}

static inline const struct nlmsghdr *reply(const struct replies *r, int i)
{
	return (const struct nlmsghdr *)r->msg[i];
}

static inline int vni_get(struct vnl *nl, int ifindex, uint32_t id,
		   struct replies *r, struct vnl_tb *v)
{
	struct nlmsghdr *nlh = vnl_vni_req(nl, VTEP_CMD_VNI_GET, 0, ifindex,
					   VNL_NEST(VNI_ID(id)));
	struct vnl_tb tb;
	int err;

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

static inline int fdb_flush(struct vnl *nl, int ifindex, uint32_t vni, uint8_t type)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_FLUSH, 0, ifindex);

	put_fdb_filter(nlh, vni, type);
	return vnl_run(nl, nlh, NULL, NULL);
}

/*
 * Reads all that is queued on @ev (a socket in the events group); counts
 * the events @what of @ifindex, and in @other (if not NULL) those of
 * @other_ifindex.
 */
static inline int count_events(struct vnl *ev, uint8_t what, int ifindex,
			 int other_ifindex, int *other)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(ev->sk), .events = POLLIN };
	int found = 0;

	while (poll(&pfd, 1, 0) == 1) {
		ssize_t n = mnl_socket_recvfrom(ev->sk, ev->rcv, VNL_BUF);
		const struct nlmsghdr *m;
		int len = n;

		if (n < 0)
			return -errno;
		for (m = (void *)ev->rcv; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			const struct genlmsghdr *g = mnl_nlmsg_get_payload(m);
			struct vnl_tb tb;

			if (m->nlmsg_type != ev->family ||
			    g->cmd != VTEP_CMD_EVENT)
				continue;
			vnl_attrs(m, &tb);
			if (!tb.a[VTEP_A_EVENT] || !tb.a[VTEP_A_IFINDEX] ||
			    mnl_attr_get_u8(tb.a[VTEP_A_EVENT]) != what)
				continue;
			if ((int)mnl_attr_get_u32(tb.a[VTEP_A_IFINDEX]) == ifindex)
				found++;
			else if (other && (int)mnl_attr_get_u32(tb.a[VTEP_A_IFINDEX]) ==
				 other_ifindex)
				(*other)++;
		}
	}
	return found;
}

#endif /* VTEP_FIXTURE_H */
