// SPDX-License-Identifier: GPL-2.0
/*
 * What learning may cost, and who pays (issue 24, findings 3 and 6):
 *  - learned entries are charged to the memory cgroup of the device's
 *    creator, though they are allocated in softirq;
 *  - LEARN_MAX_DEV caps the learned entries of all VNIs together;
 *  - a device owned by a user namespace other than the initial one may
 *    not make learning unbounded (LEARN_MAX, LEARN_MAX_DEV, PEER_MAX 0);
 *  - a MAC flapping between two sources moves on every frame, each move
 *    counted, and its FDB_MOVED events are rate-limited and the rest
 *    counted.
 *
 * Frames are real VXLAN frames, as in limits_test.c: vtep0 (local
 * 192.0.2.1) is up on dummy0, which also holds 192.0.2.2-9; UDP sockets
 * bound to those send to 192.0.2.1:4789 over lo.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <time.h>

#include "vtep_fixture.h"
#include "vtep_sh.h"

/* The harness gives a TEST() 30 s; learning 30,000 frames took longer on
 * the lockdep and KASAN kernel (6.1-debug) in a TCG guest. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300

#define VNI	100
#define CG	"/sys/fs/cgroup"

/* vtep0 up on dummy0 (192.0.2.1-9), with VNI 100 untagged */
static int bring_up(struct vnl *nl, int ifindex)
{
	if (sh("ip link add dummy0 type dummy && ip link set dummy0 up && ip link set lo up"))
		return -1;
	if (sh("for i in 1 2 3 4 5 6 7 8 9; do ip addr add 192.0.2.$i/24 dev dummy0 || exit 1; done"))
		return -1;
	if (sh("ip link set vtep0 up"))
		return -1;
	return vni_new(nl, ifindex, VNI, 0, NULL, 0);
}

/* Sockets bound to 192.0.2.2-9, sending to vtep0's port */
struct senders {
	int fd[10];
};

static int senders_open(struct senders *s)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	int i;

	for (i = 2; i <= 9; i++) {
		s->fd[i] = socket(AF_INET, SOCK_DGRAM, 0);
		src.sin_addr.s_addr = vnl_ip4("192.0.2.0") | htonl(i);
		if (s->fd[i] < 0 ||
		    bind(s->fd[i], (struct sockaddr *)&src, sizeof(src)))
			return -1;
	}
	return 0;
}

static void senders_close(struct senders *s)
{
	int i;

	for (i = 2; i <= 9; i++)
		close(s->fd[i]);
}

/* A broadcast frame of @vni from inner MAC @i, outer source 192.0.2.@from */
static int send_frame(struct senders *s, int from, uint32_t vni, uint32_t i)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(4789) };
	uint8_t pkt[8 + 60] = { 0x08 };

	dst.sin_addr.s_addr = vnl_ip4("192.0.2.1");
	pkt[4] = vni >> 16;
	pkt[5] = vni >> 8;
	pkt[6] = vni & 0xff;
	memset(pkt + 8, 0xff, 6);
	mac_of(i, pkt + 8 + 6);
	pkt[8 + 12] = 0x88;			/* local experimental */
	pkt[8 + 13] = 0xb5;
	return sendto(s->fd[from], pkt, sizeof(pkt), 0,
		      (struct sockaddr *)&dst, sizeof(dst)) == sizeof(pkt) ?
	       0 : -1;
}

/* One counter of the device (@vni 0) or of a VNI; ~0 if not reported */
static uint64_t stat_of(struct vnl *nl, int ifindex, uint32_t vni, int idx)
{
	struct replies *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh = vnl_genl(nl, VTEP_CMD_STATS_GET, 0, ifindex);
	struct vnl_tb tb, s;
	uint64_t v = ~0ULL;

	if (vni) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);

		mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, vni);
		mnl_attr_nest_end(nlh, nest);
	}
	if (!vnl_run(nl, nlh, keep_cb, r) && r->n == 1) {
		vnl_attrs(reply(r, 0), &tb);
		vnl_nested(tb.a[VTEP_A_STATS], &s);
		if (idx <= VTEP_STAT_MAX && s.a[idx])
			v = mnl_attr_get_u64(s.a[idx]);
	}
	free(r);
	return v;
}

/* Wait (up to 10 s) until the device counted @want frames received */
static int wait_rx(struct vnl *nl, int ifindex, uint64_t want)
{
	int t;

	for (t = 0; t < 1000; t++) {
		if (stat_of(nl, ifindex, 0, VTEP_STAT_RX_PACKETS) >= want)
			return 0;
		usleep(10000);
	}
	return -1;
}

static int learned_total(struct vnl *nl, int ifindex)
{
	return fdb_count(nl, ifindex, 0, VTEP_FDB_TYPE_LEARNED);
}

TEST_F(vtep_dev, learn_max_dev_caps_the_learned_entries_of_all_vnis)
{
	struct senders s;
	uint32_t v, i;

	ASSERT_EQ(0, bring_up(self->nl, self->ifindex));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 101, 11, NULL, 0));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 102, 12, NULL, 0));
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_LEARN_MAX, 20));
	ASSERT_OK(link_set_u32(self->nl, self->ifindex,
			       VTEP_LINK_A_LEARN_MAX_DEV, 30));
	ASSERT_EQ(0, senders_open(&s));
	for (v = 0; v < 3; v++)
		for (i = 0; i < 20; i++)
			ASSERT_EQ(0, send_frame(&s, 2, VNI + v, v * 100 + i));
	ASSERT_EQ(0, wait_rx(self->nl, self->ifindex, 60));
	senders_close(&s);
	EXPECT_EQ(30, learned_total(self->nl, self->ifindex));
	EXPECT_EQ(30, stat_of(self->nl, self->ifindex, 0,
			      VTEP_STAT_DROP_FDB_FULL));
	/* each VNI still within its own limit */
	EXPECT_EQ(20, fdb_count(self->nl, self->ifindex, VNI,
				VTEP_FDB_TYPE_LEARNED));
	/* a flush makes room again: the device's count follows removals */
	ASSERT_OK(fdb_flush(self->nl, self->ifindex, VNI, VTEP_FDB_TYPE_ANY));
	ASSERT_EQ(0, senders_open(&s));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, send_frame(&s, 2, VNI, 1000 + i));
	ASSERT_EQ(0, wait_rx(self->nl, self->ifindex, 65));
	senders_close(&s);
	EXPECT_EQ(15, learned_total(self->nl, self->ifindex));
}

/* ---- a user namespace's device ---- */

/* RTM_NEWLINK vtep0 with one u32 setting */
static int newlink_u32(struct vnl *rt, uint16_t attr, uint32_t v)
{
	struct nlmsghdr *nlh = vnl_msg(rt, RTM_NEWLINK,
				       NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info, *data;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vtep0");
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vtep");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, attr, v);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return vnl_run(rt, nlh, NULL, NULL);
}

#define ASSERT_REFUSED_BY(_nl, _err, _text) do {				\
	int __e = (_err);							\
	ASSERT_EQ(-EINVAL, __e)							\
		TH_LOG("got %d (%s), extack \"%s\"", __e, strerror(-__e),	\
		       (_nl)->msg);						\
	ASSERT_NE(NULL, strstr((_nl)->msg, _text))				\
		TH_LOG("extack \"%s\" does not say \"%s\"", (_nl)->msg,	\
		       _text);							\
} while (0)

TEST(a_user_namespace_device_may_not_make_learning_unbounded)
{
	static const struct { uint16_t attr; const char *name; } lim[] = {
		{ VTEP_LINK_A_LEARN_MAX, "LEARN_MAX" },
		{ VTEP_LINK_A_LEARN_MAX_DEV, "LEARN_MAX_DEV" },
		{ VTEP_LINK_A_PEER_MAX, "PEER_MAX" },
	};
	struct vnl *rt, *nl;
	unsigned int i;
	int ifindex;

	/* Such a device exists only where the administrator allows it */
	ASSERT_EQ(0, write_file("/sys/module/vtep/parameters/userns_create", "Y"));
	if (unshare(CLONE_NEWUSER))
		SKIP(return, "no user namespace here (chrooted VM?): %s",
		     strerror(errno));
	ASSERT_EQ(0, write_file("/proc/self/setgroups", "deny"));
	ASSERT_EQ(0, write_file("/proc/self/uid_map", "0 0 1"));
	ASSERT_EQ(0, write_file("/proc/self/gid_map", "0 0 1"));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	rt = vnl_open(NETLINK_ROUTE);
	ASSERT_NE(NULL, rt);
	for (i = 0; i < 3; i++)
		ASSERT_REFUSED_BY(rt, newlink_u32(rt, lim[i].attr, 0),
				  lim[i].name);
	ASSERT_EQ(0, newlink_u32(rt, VTEP_LINK_A_LEARN_MAX, 1000))
		TH_LOG("RTM_NEWLINK: %s", rt->msg);
	ifindex = if_nametoindex("vtep0");
	ASSERT_NE(0, ifindex);
	nl = vnl_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, nl);
	for (i = 0; i < 3; i++) {
		ASSERT_REFUSED_BY(nl, link_set_u32(nl, ifindex, lim[i].attr, 0),
				  lim[i].name);
		EXPECT_EQ(0, link_set_u32(nl, ifindex, lim[i].attr, 100000))
			TH_LOG("LINK_SET %s 100000: %s", lim[i].name, nl->msg);
	}
	vnl_close(nl);
	vnl_close(rt);
	/* (uid 0 here is the host's root, which owns the parameter's file) */
	EXPECT_EQ(0, write_file("/sys/module/vtep/parameters/userns_create", "N"));
}

/* ---- the creator's memory cgroup ---- */

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atol(buf) : -1;
}

/*
 * MACs @first .. @last - 1, each from one of 8 senders and on VNI or
 * VNI + 1 in turn; then wait for the device to have received @last
 * frames in all.
 */
static int send_macs(struct vnl *nl, int ifindex, uint32_t first,
		     uint32_t last)
{
	struct senders s;
	uint32_t i;

	if (senders_open(&s))
		return -1;
	for (i = first; i < last; i++)
		if (send_frame(&s, 2 + i % 8, VNI + i % 2, i))
			break;
	senders_close(&s);
	return i == last ? wait_rx(nl, ifindex, last) : -1;
}

/*
 * After @sent new MACs: each learned or counted as not learned
 * (drop_fdb_full), and each one learned still in the table, none aged out.
 * Returns the entries in the table.
 */
static int all_accounted(struct __test_metadata *_metadata, struct vnl *nl,
			 int ifindex, uint64_t sent, const char *when)
{
	int entries = learned_total(nl, ifindex);
	uint64_t added = stat_of(nl, ifindex, 0, VTEP_STAT_FDB_LEARNED);
	uint64_t aged = stat_of(nl, ifindex, 0, VTEP_STAT_FDB_AGED);
	uint64_t full = stat_of(nl, ifindex, 0, VTEP_STAT_DROP_FDB_FULL);

	TH_LOG("%s: learned %llu (%d in the table, %llu aged out), not learned %llu",
	       when, (unsigned long long)added, entries,
	       (unsigned long long)aged, (unsigned long long)full);
	EXPECT_EQ(sent, added + full);
	EXPECT_EQ(0, aged);
	EXPECT_EQ(added, entries);
	return entries;
}

#define NLEARN	30000		/* learned entries: 64 bytes each */
#define NMORE	10000		/* and more, learned during a sweep */

TEST(learned_entries_are_charged_to_the_creators_memcg)
{
	char g[64], path[128], pid[16];
	struct vnl *rt, *nl;
	long m0, m1;
	int ifindex, learned;

	if (access(CG "/cgroup.controllers", F_OK))
		sh("mount -t cgroup2 none " CG);
	if (sh("grep -qw memory " CG "/cgroup.controllers"))
		SKIP(return, "no memory cgroup controller");
	ASSERT_EQ(0, write_file(CG "/cgroup.subtree_control", "+memory"));
	snprintf(g, sizeof(g), CG "/vtep-learn-%d", getpid());
	ASSERT_EQ(0, mkdir(g, 0755));
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(path, sizeof(path), "%s/cgroup.procs", g);
	/* created from the group ... */
	ASSERT_EQ(0, write_file(path, pid));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	rt = vnl_open(NETLINK_ROUTE);
	ASSERT_NE(NULL, rt);
	ASSERT_EQ(0, vnl_newlink_vtep(rt, "vtep0", "192.0.2.1"));
	ifindex = if_nametoindex("vtep0");
	nl = vnl_open(NETLINK_GENERIC);
	ASSERT_NE(NULL, nl);
	/*
	 * The longest ageing: nothing may age out here, though sweeps run
	 * (every 30 s, and one at the start) while the frames come.
	 */
	ASSERT_EQ(0, link_set_u32(nl, ifindex, VTEP_LINK_A_AGEING,
				  VTEP_AGEING_MAX));
	ASSERT_EQ(0, bring_up(nl, ifindex));
	ASSERT_EQ(0, vni_new(nl, ifindex, 101, 11, NULL, 0));
	/* ... and left: what follows is charged to the group or to nobody */
	ASSERT_EQ(0, write_file(CG "/cgroup.procs", pid));
	snprintf(path, sizeof(path), "%s/memory.current", g);
	m0 = read_long(path);
	ASSERT_LE(0, m0);
	ASSERT_EQ(0, send_macs(nl, ifindex, 0, NLEARN));
	/*
	 * Every new MAC is learned or counted as not learned, nearly all are
	 * learned, and every one learned is still in the table. On 6.1-debug
	 * 36 to 50 of 30,000 were aged out at once, with the default ageing
	 * of 300 s: an ageing sweep took its time once, at its start, and an
	 * entry learned after that looked 2^32 ticks old (fdb.h,
	 * vtep_ticks_since()).
	 */
	learned = all_accounted(_metadata, nl, ifindex, NLEARN, "30,000 MACs");
	EXPECT_LE(NLEARN * 99 / 100, learned);
	m1 = read_long(path);
	TH_LOG("memory.current %ld -> %ld (+%ld B for %d learned entries)",
	       m0, m1, m1 - m0, learned);
	/*
	 * 64 bytes an entry: at least half of it shows (the CPUs' charge
	 * stocks may hold up to 64 pages each charged already).
	 */
	EXPECT_LE((long)learned * 32, m1 - m0);

	/*
	 * A sweep over the 30,000 entries (a new ageing time runs one at
	 * once) while NMORE new MACs are learned: none of them may go. Before
	 * vtep_ticks_since(), those learned after the sweep began were aged
	 * out on 6.1-debug.
	 */
	ASSERT_EQ(0, link_set_u32(nl, ifindex, VTEP_LINK_A_AGEING,
				  VTEP_AGEING_MAX - 1));
	ASSERT_EQ(0, send_macs(nl, ifindex, NLEARN, NLEARN + NMORE));
	all_accounted(_metadata, nl, ifindex, NLEARN + NMORE, "during a sweep");
	vnl_close(nl);
	vnl_close(rt);
	/* the device goes with the namespace, later: leave the group behind */
}

/* ---- a flapping MAC ---- */

#define FLAPS	300

TEST_F(vtep_dev, a_flapping_mac_moves_on_every_frame_with_rate_limited_events)
{
	struct vnl *ev = vnl_open(NETLINK_GENERIC);
	int group, rcvbuf = 4 << 20, events;
	uint64_t moved, suppressed;
	struct timespec t0, t1;
	struct senders s;
	long windows;
	uint32_t dst;
	int i;

	ASSERT_NE(NULL, ev);
	group = ev->events;
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(ev->sk), SOL_SOCKET,
				SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)));
	ASSERT_EQ(0, mnl_socket_setsockopt(ev->sk, NETLINK_ADD_MEMBERSHIP,
					   &group, sizeof(group)));
	ASSERT_EQ(0, bring_up(self->nl, self->ifindex));
	ASSERT_EQ(0, senders_open(&s));
	/* one MAC, its frames from 192.0.2.2 and .3 in turn */
	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &t0));
	for (i = 0; i <= FLAPS; i++)
		ASSERT_EQ(0, send_frame(&s, 2 + i % 2, VNI, 7));
	senders_close(&s);
	ASSERT_EQ(0, wait_rx(self->nl, self->ifindex, FLAPS + 1));
	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &t1));
	/*
	 * The one-second windows of the event limit (ratelimit: 10 a window,
	 * HZ long) that the moves can have touched: every move happened
	 * between t0 and t1, and a window may start a tick before t0.
	 */
	windows = t1.tv_sec - t0.tv_sec + 2;
	moved = stat_of(self->nl, self->ifindex, 0, VTEP_STAT_FDB_MOVED);
	suppressed = stat_of(self->nl, self->ifindex, 0,
			     VTEP_STAT_MOVE_EVENTS_SUPPRESSED);
	events = count_events(ev, VTEP_EVENT_FDB_MOVED, self->ifindex, 0, NULL);
	TH_LOG("%d frames: %llu moves, %d FDB_MOVED events, %llu suppressed, in at most %ld windows",
	       FLAPS + 1, (unsigned long long)moved, events,
	       (unsigned long long)suppressed, windows);
	EXPECT_EQ(FLAPS, moved);
	/* at most 10 events in each one-second window the moves touched */
	EXPECT_GE(10 * windows, events);
	EXPECT_LE(1, events);
	EXPECT_EQ(moved, suppressed + events);
	/* and the entry follows its last frame (from .2: FLAPS is even) */
	EXPECT_EQ(1, fdb_count(self->nl, self->ifindex, VNI,
			       VTEP_FDB_TYPE_LEARNED));
	dst = 0;
	{
		struct replies *r = calloc(1, sizeof(*r));
		struct nlmsghdr *nlh = vnl_genl(self->nl, VTEP_CMD_FDB_GET, 0,
						self->ifindex);
		struct vnl_tb tb, f;

		put_fdb(nlh, VTEP_A_FDB, VNI, 7, NULL);
		if (!vnl_run(self->nl, nlh, keep_cb, r) && r->n == 1) {
			vnl_attrs(reply(r, 0), &tb);
			vnl_nested(tb.a[VTEP_A_FDB], &f);
			if (f.a[VTEP_FDB_A_DST])
				dst = mnl_attr_get_u32(f.a[VTEP_FDB_A_DST]);
		}
		free(r);
	}
	EXPECT_EQ(vnl_ip4("192.0.2.2"), dst);
	vnl_close(ev);
}

TEST_HARNESS_MAIN
