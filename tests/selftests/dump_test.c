// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps need no privilege, so they must not let a reader hold up the
 * host: they take no RTNL, and a message walks a bounded part of the FDB.
 *
 * Neither is a matter of speed the tests could time. What they assert:
 *  - while another task holds RTNL (for as long as the test wants: a
 *    multicast join whose argument sits on a userfaultfd page the test has
 *    not filled yet), every dump still runs to its end, with what it
 *    should hold; a dump that took RTNL would wait for the join;
 *  - a neighbour table larger than a message is dumped across messages,
 *    each entry exactly once, and a VNI filter or a VNI's deletion
 *    leaves exactly the entries it should;
 *  - a filter that matches nothing in a large table ends in NLMSG_DONE
 *    after many empty messages (recv() returning 0), each the kernel
 *    stopping at its budget; a dump that walked the whole table in one go
 *    answers with NLMSG_DONE alone.
 */
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "vtep_fixture.h"

/* ---- holding RTNL ---- */

/*
 * IP_ADD_MEMBERSHIP copies its argument from the caller after it has
 * taken RTNL: with the argument on a page that faults to userfaultfd,
 * the join holds RTNL until the test fills the page.
 */
struct rtnl_holder {
	int uffd, sk;
	void *page;
	long pagesz;
	pthread_t t;
	bool held;
};

static void *rtnl_join(void *arg)
{
	struct rtnl_holder *h = arg;

	/* zeros once released: not a group, refused, RTNL let go */
	setsockopt(h->sk, IPPROTO_IP, IP_ADD_MEMBERSHIP, h->page,
		   sizeof(struct ip_mreqn));
	return NULL;
}

/* Returns once the join is stuck with RTNL held; 0 or -errno */
static int rtnl_hold(struct rtnl_holder *h)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffd_msg msg;

	h->pagesz = sysconf(_SC_PAGESIZE);
	h->uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (h->uffd < 0)
		return -errno;
	if (ioctl(h->uffd, UFFDIO_API, &api))
		return -errno;
	h->page = mmap(NULL, h->pagesz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->page == MAP_FAILED)
		return -errno;
	reg.range.start = (unsigned long)h->page;
	reg.range.len = h->pagesz;
	if (ioctl(h->uffd, UFFDIO_REGISTER, &reg))
		return -errno;
	h->sk = socket(AF_INET, SOCK_DGRAM, 0);
	if (h->sk < 0)
		return -errno;
	if (pthread_create(&h->t, NULL, rtnl_join, h))
		return -EAGAIN;
	h->held = true;
	/* the fault: the join has taken RTNL and waits for the page */
	if (read(h->uffd, &msg, sizeof(msg)) != sizeof(msg))
		return -errno;
	return msg.event == UFFD_EVENT_PAGEFAULT ? 0 : -EPROTO;
}

static void rtnl_release(struct rtnl_holder *h)
{
	struct uffdio_zeropage z = {
		.range = { .start = (unsigned long)h->page, .len = h->pagesz },
	};

	if (!h->held)
		return;
	h->held = false;
	ioctl(h->uffd, UFFDIO_ZEROPAGE, &z);
	pthread_join(h->t, NULL);
	close(h->sk);
	close(h->uffd);
	munmap(h->page, h->pagesz);
}

/* ---- neighbours ---- */

/* The address of neighbour @i: 2001:db8:1::(i + 1) */
static void neigh_ip6(uint32_t i, struct in6_addr *a)
{
	uint32_t be = htonl(i + 1);

	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0x20;
	a->s6_addr[1] = 0x01;
	a->s6_addr[2] = 0x0d;
	a->s6_addr[3] = 0xb8;
	a->s6_addr[5] = 1;
	memcpy(&a->s6_addr[12], &be, 4);
}

/* NEIGH_NEW: neighbour @i, MAC 02:00:00:(i) */
static int neigh_add(struct vnl *nl, int ifindex, uint32_t vni, uint32_t i)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_NEIGH_NEW, NLM_F_CREATE,
					ifindex);
	uint8_t mac[6] = { 0x02, 0, 0, i >> 16, i >> 8, i };
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_NEIGH);
	struct in6_addr a;

	neigh_ip6(i, &a);
	mnl_attr_put_u32(nlh, VTEP_NEIGH_A_VNI, vni);
	mnl_attr_put(nlh, VTEP_NEIGH_A_ADDR6, sizeof(a), &a);
	mnl_attr_put(nlh, VTEP_NEIGH_A_LLADDR, sizeof(mac), mac);
	mnl_attr_nest_end(nlh, nest);
	return vnl_run(nl, nlh, NULL, NULL);
}

struct neigh_seen {
	uint8_t *hits;			/* per index: times listed */
	uint32_t n, bad, vni;
};

/* Marks each listed entry's index, from its address; its MAC must match. */
static int neigh_seen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_seen *s = data;
	struct vnl_tb tb, t;
	uint32_t i, vni;
	const uint8_t *mac;
	struct in6_addr a;

	vnl_attrs(nlh, &tb);
	if (!tb.a[VTEP_A_NEIGH])
		return MNL_CB_OK;
	vnl_nested(tb.a[VTEP_A_NEIGH], &t);
	if (!t.a[VTEP_NEIGH_A_ADDR6] || !t.a[VTEP_NEIGH_A_LLADDR] ||
	    !t.a[VTEP_NEIGH_A_VNI] ||
	    mnl_attr_get_payload_len(t.a[VTEP_NEIGH_A_ADDR6]) != sizeof(a)) {
		s->bad++;
		return MNL_CB_OK;
	}
	memcpy(&a, mnl_attr_get_payload(t.a[VTEP_NEIGH_A_ADDR6]), sizeof(a));
	memcpy(&i, &a.s6_addr[12], 4);
	i = ntohl(i) - 1;
	neigh_ip6(i, &a);
	if (memcmp(&a, mnl_attr_get_payload(t.a[VTEP_NEIGH_A_ADDR6]), sizeof(a)))
		i = s->n;	/* not one of ours */
	mac = mnl_attr_get_payload(t.a[VTEP_NEIGH_A_LLADDR]);
	vni = mnl_attr_get_u32(t.a[VTEP_NEIGH_A_VNI]);
	if (i >= s->n || mac[3] != (uint8_t)(i >> 16) ||
	    mac[4] != (uint8_t)(i >> 8) || mac[5] != (uint8_t)i ||
	    (s->vni && vni != s->vni))
		s->bad++;
	else
		s->hits[i]++;
	return MNL_CB_OK;
}

static int neigh_dump(struct vnl *nl, int ifindex, uint32_t vni,
		      struct neigh_seen *s)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_NEIGH_GET, NLM_F_DUMP,
					ifindex);

	if (vni)
		vnl_put_nest(nlh, VTEP_A_NEIGH,
			     VNL_NEST(VNL_U32(VTEP_NEIGH_A_VNI, vni)));
	memset(s->hits, 0, s->n);
	s->bad = 0;
	s->vni = vni;
	return vnl_run(nl, nlh, neigh_seen_cb, s);
}

#define NEIGHS	3000		/* far more than one message holds */

TEST_F_TIMEOUT(vtep_dev, a_neighbour_table_is_dumped_across_messages_each_entry_once, 600)
{
	uint8_t hits[NEIGHS + 2];
	struct neigh_seen s = { .hits = hits, .n = NEIGHS + 2 };
	uint32_t i, once, other;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	for (i = 0; i < NEIGHS; i++)
		ASSERT_OK(neigh_add(self->nl, self->ifindex, 200, i));
	ASSERT_OK(neigh_add(self->nl, self->ifindex, 100, NEIGHS));
	ASSERT_OK(neigh_add(self->nl, self->ifindex, 100, NEIGHS + 1));
	/* an entry twice is refused, and counts nothing */
	ASSERT_REFUSED(neigh_add(self->nl, self->ifindex, 200, 7), EEXIST,
		       "exists");

	ASSERT_OK(neigh_dump(self->nl, self->ifindex, 0, &s));
	for (i = once = other = 0; i < NEIGHS + 2; i++) {
		once += hits[i] == 1;
		other += hits[i] > 1;
	}
	EXPECT_EQ(0, s.bad);
	EXPECT_EQ(NEIGHS + 2, once);
	EXPECT_EQ(0, other);

	ASSERT_OK(neigh_dump(self->nl, self->ifindex, 100, &s));
	EXPECT_EQ(0, s.bad);
	for (i = once = 0; i < NEIGHS + 2; i++)
		once += hits[i];
	EXPECT_EQ(2, once);
	EXPECT_EQ(1, hits[NEIGHS]);
	EXPECT_EQ(1, hits[NEIGHS + 1]);

	/* the VNI takes its table with it */
	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_DEL, 0, self->ifindex,
			  VNL_NEST(VNI_ID(200))));
	ASSERT_OK(neigh_dump(self->nl, self->ifindex, 0, &s));
	for (i = once = 0; i < NEIGHS + 2; i++)
		once += hits[i];
	EXPECT_EQ(2, once);
	EXPECT_EQ(0, s.bad);
}

/* ---- a dump in a thread, waited for with a deadline ---- */

struct dump_job {
	struct vnl *nl;
	uint8_t cmd;
	uint16_t flags;		/* NLM_F_DUMP, or 0 for a "do" */
	int ifindex;
	uint32_t vni;		/* FDB filter */
	int err;
	int n;			/* messages, besides NLMSG_DONE */
	int done;
	pthread_mutex_t m;
	pthread_cond_t c;
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_OK;
}

static void *dump_run(void *arg)
{
	struct dump_job *j = arg;
	struct nlmsghdr *nlh = vnl_genl(j->nl, j->cmd, j->flags, j->ifindex);
	int err;

	if (j->cmd == VTEP_CMD_FDB_GET && j->flags)
		put_fdb_filter(nlh, j->vni, 0);
	err = vnl_run(j->nl, nlh, count_cb, &j->n);
	pthread_mutex_lock(&j->m);
	j->err = err;
	j->done = 1;
	pthread_cond_signal(&j->c);
	pthread_mutex_unlock(&j->m);
	return NULL;
}

/*
 * Runs the dump, waiting @secs for it; returns whether it ended in time.
 * A dump still waiting is let finish once @h lets RTNL go.
 */
static bool dump_in_time(struct dump_job *j, int secs, struct rtnl_holder *h)
{
	struct timespec ts;
	pthread_t t;
	bool done;

	pthread_mutex_init(&j->m, NULL);
	pthread_cond_init(&j->c, NULL);
	j->done = 0;
	j->n = 0;
	if (pthread_create(&t, NULL, dump_run, j))
		return false;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += secs;
	pthread_mutex_lock(&j->m);
	while (!j->done)
		if (pthread_cond_timedwait(&j->c, &j->m, &ts))
			break;
	done = j->done;
	pthread_mutex_unlock(&j->m);
	if (!done)
		rtnl_release(h);
	pthread_join(t, NULL);
	return done;
}

TEST_F_TIMEOUT(vtep_dev, every_dump_ends_while_another_task_holds_rtnl, 300)
{
	static const uint8_t cmds[] = {
		VTEP_CMD_LINK_GET, VTEP_CMD_VNI_GET, VTEP_CMD_REMOTE_GET,
		VTEP_CMD_FDB_GET, VTEP_CMD_NEIGH_GET,
	};
	static const int want[] = { 1, 2, 1, 5000, 2 };	/* messages each */
	struct rtnl_holder h = {};
	struct dump_job j = {
		.nl = self->nl, .ifindex = self->ifindex, .flags = NLM_F_DUMP,
	};
	struct nlmsghdr *nlh;
	unsigned int i;
	int err;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	nlh = vnl_genl(self->nl, VTEP_CMD_REMOTE_NEW, 0, self->ifindex);
	vnl_put_nest(nlh, VTEP_A_REMOTE,
		     VNL_NEST(VNL_U32(VTEP_REMOTE_A_VNI, 100),
			      VNL_U32(VTEP_REMOTE_A_ADDR, vnl_ip4("198.51.100.9"))));
	ASSERT_OK(vnl_run(self->nl, nlh, NULL, NULL));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 5000));
	ASSERT_OK(neigh_add(self->nl, self->ifindex, 100, 1));
	ASSERT_OK(neigh_add(self->nl, self->ifindex, 200, 2));

	err = rtnl_hold(&h);
	/* a kernel without CONFIG_USERFAULTFD (defconfig's, as 6.1-debug
	 * was first built) cannot hold RTNL this way */
	if (err == -ENOSYS)
		SKIP(return, "no userfaultfd in this kernel: RTNL cannot be held");
	ASSERT_EQ(0, err) TH_LOG("holding RTNL: %s", strerror(-err));
	for (i = 0; i < sizeof(cmds); i++) {
		j.cmd = cmds[i];
		if (!dump_in_time(&j, 10, &h)) {
			TH_LOG("dump of command %u waited for RTNL", cmds[i]);
			ASSERT_TRUE(false);
		}
		EXPECT_EQ(0, j.err) TH_LOG("dump of command %u", cmds[i]);
		EXPECT_EQ(want[i], j.n) TH_LOG("dump of command %u", cmds[i]);
	}
	/* The holder does hold RTNL: a "do", which takes it, waits. */
	j.cmd = VTEP_CMD_LINK_GET;
	j.flags = 0;
	EXPECT_FALSE(dump_in_time(&j, 2, &h));
	EXPECT_EQ(0, j.err);
	rtnl_release(&h);
}

/*
 * Sends an FDB dump filtered on @vni and reads it to its end, counting the
 * datagrams: empty ones, and those with entries.
 */
static int fdb_dump_once(struct vnl *nl, int ifindex, uint32_t vni,
			 uint8_t type, int *empty, int *entries, bool *intr)
{
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_FDB_GET, NLM_F_DUMP,
					ifindex);
	uint32_t seq = nlh->nlmsg_seq;

	put_fdb_filter(nlh, vni, type);
	*empty = *entries = 0;
	*intr = false;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl->rcv, VNL_BUF);
		const struct nlmsghdr *m;
		int len = n;

		if (n < 0)
			return -errno;
		if (!n)
			(*empty)++;
		for (m = (void *)nl->rcv; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)mnl_nlmsg_get_payload(m))->error;
			if (m->nlmsg_type == NLMSG_DONE)
				return *(int *)mnl_nlmsg_get_payload(m);
			(*entries)++;
		}
	}
}

/*
 * The same, until a dump is not flagged (NLM_F_DUMP_INTR): the table
 * loaded just before may still be growing in the background.
 */
static int fdb_dump_datagrams(struct vnl *nl, int ifindex, uint32_t vni,
			      uint8_t type, int *empty, int *entries,
			      bool *intr)
{
	int tries, err = 0;

	for (tries = 0; tries < 20; tries++) {
		if (tries)
			usleep(20000 * tries);
		err = fdb_dump_once(nl, ifindex, vni, type, empty, entries,
				    intr);
		if (err || !*intr)
			break;
	}
	return err;
}

TEST_F_TIMEOUT(vtep_dev, a_filter_matching_nothing_in_a_large_table_ends_in_many_short_steps, 600)
{
	int empty, entries, err;
	bool intr;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, BIG));
	/* no entry of VNI 200; then none learned */
	err = fdb_dump_datagrams(self->nl, self->ifindex, 200, 0, &empty,
				 &entries, &intr);
	ASSERT_EQ(0, err);
	EXPECT_EQ(0, entries);
	EXPECT_FALSE(intr);
	TH_LOG("VNI filter: %d empty messages before NLMSG_DONE", empty);
	/* a bound of at most 10,000 visits a message: 100,000 entries */
	EXPECT_LE(10, empty);
	err = fdb_dump_datagrams(self->nl, self->ifindex, 0,
				 VTEP_FDB_TYPE_LEARNED, &empty, &entries,
				 &intr);
	ASSERT_EQ(0, err);
	EXPECT_EQ(0, entries);
	EXPECT_FALSE(intr);
	EXPECT_LE(10, empty);
	/* the same walk with a filter that matches: each entry once */
	err = fdb_dump_datagrams(self->nl, self->ifindex, 100, 0, &empty,
				 &entries, &intr);
	ASSERT_EQ(0, err);
	EXPECT_FALSE(intr);
	EXPECT_EQ(BIG, entries);
}

TEST_HARNESS_MAIN
