// SPDX-License-Identifier: GPL-2.0
/*
 * topofuzz: a topology fuzzer for vtep. One process builds random device
 * graphs in network namespaces of its own and checks, after every step,
 * invariants that hold whatever the request sequence.
 *
 *   topofuzz [-s SEED] [-n STEPS] [-v] [-k]
 *
 * It makes three network namespaces (unshare, kept by fd; requests go
 * out on netlink sockets opened in each, so no process is started per
 * step) and, in them, at random: dummies and veth pairs (the peer often in
 * another namespace) as underlays, vtep devices on them or on vteps it
 * made before (by IFLA_INFO_DATA's VTEP_LINK_A_UNDERLAY or IFLA_LINK),
 * created in their own namespace or in another (IFLA_NET_NS_FD: the
 * device there, its sockets and underlay here), on two local addresses,
 * the wildcard and two ports, so devices share sockets. Then deletes,
 * moves to other namespaces, MTU changes (68 to 65535), up and down,
 * underlay and address changes by genl LINK_SET and by rtnetlink
 * changelink (an underlay above the device included), VNI adds and
 * deletes over a small pool, requests with mutated attribute bytes, and
 * VXLAN frames from a UDP socket to the devices' address and port.
 *
 * After each step it reads every namespace's links (one RTM_GETLINK dump
 * each: settings in IFLA_INFO_DATA, flags, rx counters) and checks:
 *  - the kernel log (/dev/kmsg, when readable) shows no WARNING, BUG,
 *    Oops or stack guard hit;
 *  - no vtep's underlay chain comes back to itself (a cycle) or is deeper
 *    than MAX_NEST_DEV (8 devices with the bottom one); each underlay
 *    names a device of the namespace that holds the vtep's sockets;
 *  - ownership: two vteps that are up on one socket (same namespace of
 *    the sockets, address and port) never carry the same VNI, and a frame
 *    for VNI V is delivered (rx_packets) by the VNI's owner on that
 *    socket only;
 *  - every request is answered, with 0 or an errno.
 * At the end every device it made must delete.
 *
 * A finding ends the run (with -k, the run goes on and reports the first
 * step of each kind) and prints the last steps of the log; the whole
 * log replays with the same seed (-v prints it as it goes, each step
 * before it is sent, so a panic leaves the step that caused it on the
 * console). Exit status 1 on a finding, 2 if it could not start.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <linux/vtep.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NS_N		3	/* namespaces */
#define DEV_MAX		48	/* devices of the model, all namespaces */
#define VNI_BASE	100	/* VNIs 100 .. 107: a small pool, so they collide */
#define VNI_N		8
#define NEST_MAX	8	/* the kernel's MAX_NEST_DEV */
#define LOG_TAIL	80	/* steps printed with a finding */
#define BUFSZ		(64 * 1024)

static uint64_t rs;
static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 11);
}
static uint32_t rn(uint32_t n) { return n ? rnd() % n : 0; }
static bool chance(int pct) { return (int)rn(100) < pct; }

/* ---- the model ---- */

enum kind { D_BASE, D_DUMMY, D_VETH, D_VTEP, D_OTHER };
static const char *const kind_name[] = { "base", "dummy", "veth", "vtep", "other" };

struct dev {
	bool used, seen;
	enum kind kind;
	char name[IFNAMSIZ];
	int ns;			/* where it lives */
	int ifindex;		/* there */
	int mtu;
	bool up;
	/* vtep only */
	int src;		/* namespace of its sockets and underlay */
	bool src_sure;		/* created by a request the model built */
	int under;		/* ifindex in src, 0 = none */
	int fam;		/* AF_INET or AF_INET6 */
	uint8_t local[16];
	uint16_t port;		/* host order */
	uint32_t vnis;		/* bit i: VNI VNI_BASE + i */
	uint64_t rx;
};

static struct dev devs[DEV_MAX];

struct nsx {
	int fd;
	struct mnl_socket *rt, *gn;
	int udp;
	int base;		/* ifindex of the dummy that holds the addresses */
};

static struct nsx nss[NS_N];
static int home_fd;
static uint16_t family;
static uint32_t seq = 1000;
static unsigned int name_seq;
static char *buf, *rbuf;

/* ---- the step log ---- */

static unsigned long step, nsteps, seed;
static bool verbose, keep_going;
static struct timespec t0;
static char **slog;
static unsigned long slog_n;

static long ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
}

static void __attribute__((format(printf, 1, 2))) logf_(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "%lu %ldms ", step, ms_now());
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (!(slog_n & (slog_n - 1))) {		/* 0, 1, 2, 4, ...: grow */
		slog = realloc(slog, (slog_n ? 2 * slog_n : 1) * sizeof(*slog));
		if (!slog)
			exit(2);
	}
	slog[slog_n++] = strdup(line);
	if (verbose) {
		printf("# %s\n", line);
		fflush(stdout);
	}
}

/* ---- findings ---- */

enum finding { F_KMSG, F_CYCLE, F_SELF, F_DEPTH, F_DANGLING, F_OWNER,
	       F_DELIVERY, F_ANSWER, F_DELETE, F_N };
static const char *const finding_name[F_N] = {
	[F_KMSG] = "kernel log: warning or BUG",
	[F_CYCLE] = "underlay cycle accepted",
	[F_SELF] = "a vtep accepted as its own underlay",
	[F_DEPTH] = "underlay chain deeper than MAX_NEST_DEV",
	[F_DANGLING] = "underlay names no device",
	[F_OWNER] = "two devices on one socket hold one VNI",
	[F_DELIVERY] = "frame delivered by a device that does not own its VNI",
	[F_ANSWER] = "request not answered with 0 or an errno",
	[F_DELETE] = "device cannot be deleted",
};
static unsigned long first_step[F_N], n_found[F_N];
static long first_ms[F_N];
static bool found_any, stop;

static void dump_tail(void)
{
	unsigned long i = slog_n > LOG_TAIL ? slog_n - LOG_TAIL : 0;

	printf("# step log, last %lu of %lu lines (all: topofuzz -s %lu -n %lu -v):\n",
	       slog_n - i, slog_n, seed, step > nsteps ? nsteps : step);
	for (; i < slog_n; i++)
		printf("#   %s\n", slog[i]);
}

static void __attribute__((format(printf, 2, 3))) finding(enum finding f, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!n_found[f] || !keep_going)
		logf_("FINDING %s: %s", finding_name[f], what);
	if (!n_found[f]++) {
		first_step[f] = step;
		first_ms[f] = ms_now();
		printf("# FINDING at step %lu (%ld ms), seed %lu: %s: %s\n",
		       step, first_ms[f], seed, finding_name[f], what);
		fflush(stdout);
	}
	found_any = true;
	if (!keep_going || f == F_KMSG || f == F_ANSWER)
		stop = true;
}

/* ---- kernel log ---- */

static int kmsg = -1;

static void kmsg_check(void)
{
	char line[2048];
	ssize_t n;

	if (kmsg < 0)
		return;
	for (;;) {
		n = read(kmsg, line, sizeof(line) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return;
		line[n] = 0;
		if (strstr(line, "WARNING:") || strstr(line, "BUG:") ||
		    strstr(line, "Oops") || strstr(line, "stack guard") ||
		    strstr(line, "general protection") || strstr(line, "refcount_t:")) {
			line[strcspn(line, "\n")] = 0;
			finding(F_KMSG, "%s", strchr(line, ';') ? strchr(line, ';') + 1 : line);
		}
	}
}

/* ---- netlink ---- */

static int in_ns(int ns)
{
	return setns(ns < 0 ? home_fd : nss[ns].fd, CLONE_NEWNET);
}

/*
 * Send @h on @nl and read until its ACK, error or NLMSG_DONE; @cb sees the
 * data. Returns 0 or a negative errno; an answer that does not come within
 * 10 s, or one that is not 0 or an errno, is a finding.
 */
static int talk(struct mnl_socket *nl, struct nlmsghdr *h, mnl_cb_t cb, void *data)
{
	uint32_t portid = mnl_socket_get_portid(nl);
	int ret;

	h->nlmsg_seq = ++seq;
	h->nlmsg_flags |= NLM_F_REQUEST;
	/* (NLM_F_EXCL is one of NLM_F_DUMP's bits) */
	if ((h->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		h->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 10000) <= 0) {
			finding(F_ANSWER, "no answer within 10 s (type %u)", h->nlmsg_type);
			return -ETIMEDOUT;
		}
		n = mnl_socket_recvfrom(nl, rbuf, BUFSZ);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(rbuf, n, h->nlmsg_seq, portid, cb, data);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR) {
			if (errno <= 0 || errno > 4095) {
				finding(F_ANSWER, "answer %d (type %u)", errno, h->nlmsg_type);
				return -EINVAL;
			}
			return -errno;
		}
	}
}

static struct nlmsghdr *rt_msg(int type, int flags, int ifindex, struct ifinfomsg **ifip)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (ifip)
		*ifip = ifi;
	return h;
}

static struct nlmsghdr *gn_msg(uint8_t cmd, int flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	h->nlmsg_type = family;
	h->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->cmd = cmd;
	g->version = VTEP_GENL_VERSION;
	return h;
}

static unsigned long n_mutated;

/* Now and then, flip bytes of the attributes past the headers (@hdr). */
static bool mutate(struct nlmsghdr *h, size_t hdr)
{
	size_t start = NLMSG_HDRLEN + hdr, i;

	if (h->nlmsg_len <= start || !chance(7))
		return false;
	for (i = 1 + rn(3); i; i--) {
		size_t at = start + rn(h->nlmsg_len - start);

		((uint8_t *)h)[at] = chance(50) ? (uint8_t)rnd() : ((uint8_t *)h)[at] ^ (1 << rn(8));
	}
	n_mutated++;
	return true;
}

/* ---- reading the kernel's state ---- */

static struct dev *dev_at(int ns, int ifindex)
{
	int i;

	for (i = 0; i < DEV_MAX; i++)
		if (devs[i].used && devs[i].ns == ns && devs[i].ifindex == ifindex)
			return &devs[i];
	return NULL;
}

static struct dev *dev_named(const char *name)
{
	int i;

	for (i = 0; i < DEV_MAX; i++)
		if (devs[i].used && !strcmp(devs[i].name, name))
			return &devs[i];
	return NULL;
}

static struct dev *dev_new(void)
{
	int i;

	for (i = 0; i < DEV_MAX; i++)
		if (!devs[i].used) {
			memset(&devs[i], 0, sizeof(devs[i]));
			devs[i].used = true;
			return &devs[i];
		}
	return NULL;
}

/* What a request that created a vtep said, for when it shows up. */
static struct { char name[IFNAMSIZ]; int src; } pending;

static void parse_vtep_data(struct dev *d, const struct nlattr *data)
{
	const struct nlattr *a;

	d->under = 0;
	d->port = VTEP_DEFAULT_PORT;
	d->fam = AF_INET;
	memset(d->local, 0, sizeof(d->local));
	mnl_attr_for_each_nested(a, data) {
		switch (mnl_attr_get_type(a)) {
		case VTEP_LINK_A_UNDERLAY:
			d->under = mnl_attr_get_u32(a);
			break;
		case VTEP_LINK_A_PORT:
			d->port = ntohs(mnl_attr_get_u16(a));
			break;
		case VTEP_LINK_A_LOCAL:
			memcpy(d->local, mnl_attr_get_payload(a), 4);
			break;
		case VTEP_LINK_A_LOCAL6:
			d->fam = AF_INET6;
			memcpy(d->local, mnl_attr_get_payload(a), 16);
			break;
		}
	}
}

static int link_cb(const struct nlmsghdr *h, void *data)
{
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	const struct nlattr *a, *b, *info = NULL, *ldata = NULL;
	int ns = *(int *)data, mtu = 0;
	const char *name = NULL, *kind = "";
	uint64_t rx = 0;
	struct dev *d;

	if (h->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(a, h, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME: name = mnl_attr_get_str(a); break;
		case IFLA_MTU: mtu = mnl_attr_get_u32(a); break;
		case IFLA_LINKINFO: info = a; break;
		case IFLA_STATS64:
			rx = ((struct rtnl_link_stats64 *)mnl_attr_get_payload(a))->rx_packets;
			break;
		}
	}
	if (info)
		mnl_attr_for_each_nested(b, info) {
			if (mnl_attr_get_type(b) == IFLA_INFO_KIND)
				kind = mnl_attr_get_str(b);
			else if (mnl_attr_get_type(b) == IFLA_INFO_DATA)
				ldata = b;
		}
	if (!name || ifi->ifi_index == 1)
		return MNL_CB_OK;	/* lo */
	d = dev_at(ns, ifi->ifi_index);
	if (d && strcmp(d->name, name))
		d = NULL;		/* the ifindex is another's now */
	if (!d) {
		d = dev_named(name);	/* moved here */
		if (d && d->seen)
			d = NULL;
	}
	if (!d) {
		d = dev_new();
		if (!d)
			return MNL_CB_OK;
		snprintf(d->name, sizeof(d->name), "%s", name);
		d->kind = !strcmp(kind, "vtep") ? D_VTEP : !strcmp(kind, "dummy") ? D_DUMMY :
			  !strcmp(kind, "veth") ? D_VETH : D_OTHER;
		d->src = ns;
		if (!strcmp(name, pending.name)) {
			d->src = pending.src;
			d->src_sure = true;
		}
		if (ifi->ifi_index == nss[ns].base)
			d->kind = D_BASE;
	}
	d->seen = true;
	d->ns = ns;
	d->ifindex = ifi->ifi_index;
	d->mtu = mtu;
	d->up = ifi->ifi_flags & IFF_UP;
	if (d->kind == D_VTEP) {
		d->rx = rx;
		if (ldata)
			parse_vtep_data(d, ldata);
	}
	return MNL_CB_OK;
}

static int reconcile(void)
{
	int ns, i, err;

	for (i = 0; i < DEV_MAX; i++)
		devs[i].seen = false;
	for (ns = 0; ns < NS_N; ns++) {
		struct nlmsghdr *h = rt_msg(RTM_GETLINK, NLM_F_DUMP, 0, NULL);

		err = talk(nss[ns].rt, h, link_cb, &ns);
		if (err)
			return err;
	}
	for (i = 0; i < DEV_MAX; i++)
		if (devs[i].used && !devs[i].seen)
			devs[i].used = false;
	pending.name[0] = 0;
	return 0;
}

static int vni_cb(const struct nlmsghdr *h, void *data)
{
	const struct nlattr *a, *b;
	struct dev *d = data;

	mnl_attr_for_each(a, h, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != VTEP_A_VNI)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == VTEP_VNI_A_ID) {
				uint32_t id = mnl_attr_get_u32(b);

				if (id >= VNI_BASE && id < VNI_BASE + VNI_N)
					d->vnis |= 1u << (id - VNI_BASE);
			}
	}
	return MNL_CB_OK;
}

/* The VNIs of every vtep, from the kernel (after a request the model did not build) */
static void resync_vnis(void)
{
	int i;

	for (i = 0; i < DEV_MAX; i++) {
		struct dev *d = &devs[i];
		struct nlmsghdr *h;

		if (!d->used || d->kind != D_VTEP)
			continue;
		d->vnis = 0;
		h = gn_msg(VTEP_CMD_VNI_GET, NLM_F_DUMP);
		mnl_attr_put_u32(h, VTEP_A_IFINDEX, d->ifindex);
		talk(nss[d->ns].gn, h, vni_cb, d);
	}
}

/* ---- oracles ---- */

/* Only where the model knows the namespace the ifindex is in */
static struct dev *underlay_of(const struct dev *d)
{
	return d->under && d->src_sure ? dev_at(d->src, d->under) : NULL;
}

static unsigned long max_depth, cycles_sent, shared_seen;

/*
 * With -k a device the graph oracle flags is deleted, so that the run
 * goes on from a graph the fixed kernel could have: a cycle left in place
 * takes the next MTU change of its members into unbounded recursion.
 */
static struct dev *to_delete[DEV_MAX];
static int n_delete;

static void flag(struct dev *d)
{
	if (keep_going && n_delete < DEV_MAX)
		to_delete[n_delete++] = d;
}

static void check_graph(void)
{
	int i;

	for (i = 0; i < DEV_MAX; i++) {
		struct dev *d = &devs[i], *u = d;
		uint64_t seen = 0;
		int depth = 1;

		if (!d->used || d->kind != D_VTEP)
			continue;
		if (d->under && d->src_sure && !underlay_of(d)) {
			finding(F_DANGLING, "%s (ns%d) has underlay ifindex %d, nothing in ns%d",
				d->name, d->ns, d->under, d->src);
			flag(d);
			continue;
		}
		if (underlay_of(d) == d) {
			finding(F_SELF, "%s (ns%d) is its own underlay", d->name, d->ns);
			flag(d);
			continue;
		}
		while (u->kind == D_VTEP && (u = underlay_of(u))) {
			depth++;
			if (u == d) {
				finding(F_CYCLE, "%s (ns%d) is its own underlay through %d devices",
					d->name, d->ns, depth - 1);
				flag(d);
				break;
			}
			if (seen & (1ull << (u - devs)))
				break;	/* a cycle that does not pass d: found from its members */
			seen |= 1ull << (u - devs);
		}
		if (u && (seen & (1ull << (u - devs))))
			continue;
		if (u != d && depth > NEST_MAX) {
			finding(F_DEPTH, "%s (ns%d): %d devices down to the bottom one",
				d->name, d->ns, depth);
			flag(d);
		}
		if (u != d && (unsigned long)depth > max_depth)
			max_depth = depth;
	}
}

static bool same_sock(const struct dev *a, const struct dev *b)
{
	return a->kind == D_VTEP && b->kind == D_VTEP && a->up && b->up &&
	       a->src_sure && b->src_sure && a->src == b->src && a->fam == b->fam &&
	       a->port == b->port && !memcmp(a->local, b->local, 16);
}

static void check_owners(void)
{
	int i, j;

	for (i = 0; i < DEV_MAX; i++)
		for (j = i + 1; j < DEV_MAX; j++) {
			struct dev *a = &devs[i], *b = &devs[j];

			if (!a->used || !b->used || !same_sock(a, b))
				continue;
			shared_seen++;
			if (a->vnis & b->vnis)
				finding(F_OWNER, "%s (ns%d) and %s (ns%d), both up on ns%d %s:%u, both hold VNI %d",
					a->name, a->ns, b->name, b->ns, a->src,
					inet_ntoa(*(struct in_addr *)a->local), a->port,
					VNI_BASE + __builtin_ctz(a->vnis & b->vnis));
		}
}

/* ---- actions ---- */

static const char *const addrs[] = { "192.0.2.1", "192.0.2.2", "0.0.0.0" };
static const uint16_t ports[] = { 4789, 4790 };

static struct dev *pick(int kinds, int ns)
{
	struct dev *c[DEV_MAX];
	int i, n = 0;

	for (i = 0; i < DEV_MAX; i++)
		if (devs[i].used && (kinds & (1 << devs[i].kind)) &&
		    (ns < 0 || devs[i].ns == ns))
			c[n++] = &devs[i];
	return n ? c[rn(n)] : NULL;
}

#define K(k) (1 << (k))
#define ANY_DEV (K(D_DUMMY) | K(D_VETH) | K(D_VTEP) | K(D_OTHER))

static unsigned long applied, refused, n_frames, n_delivered, n_undelivered;

static int result(int err)
{
	logf_("  -> %d%s%s", err, err ? " " : "", err ? strerror(-err) : "");
	if (err)
		refused++;
	else
		applied++;
	return err;
}

static int count(void)
{
	int i, n = 0;

	for (i = 0; i < DEV_MAX; i++)
		n += devs[i].used;
	return n;
}

/* An underlay for a vtep whose sockets live in @src: any device there, or none */
static int pick_underlay(int src, const char **what)
{
	struct dev *u;

	if (chance(10)) {
		*what = "none";
		return 0;
	}
	if (chance(4)) {
		*what = "junk";
		return chance(50) ? 9999 : (int)(rnd() & 0xffff);
	}
	u = pick(ANY_DEV | K(D_BASE), src);
	*what = u ? u->name : "none";
	return u ? u->ifindex : 0;
}

static void put_link_settings(struct nlmsghdr *h, int under, bool by_link)
{
	struct in_addr a;

	/* Few choices, so that devices often share a socket. */
	if (chance(70)) {
		inet_aton(addrs[chance(60) ? 0 : 1 + rn(2)], &a);
		mnl_attr_put(h, VTEP_LINK_A_LOCAL, 4, &a);
	}
	if (chance(50))
		mnl_attr_put_u16(h, VTEP_LINK_A_PORT, htons(ports[chance(70) ? 0 : 1]));
	if (under >= 0 && !by_link)
		mnl_attr_put_u32(h, VTEP_LINK_A_UNDERLAY, under);
}

static int link_up(int ns, int ifindex, bool up)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *h = rt_msg(RTM_NEWLINK, 0, ifindex, &ifi);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return talk(nss[ns].rt, h, NULL, NULL);
}

static void act_underlay_new(void)
{
	int ns = rn(NS_N), peer_ns = chance(50) ? (int)rn(NS_N) : ns;
	bool veth = chance(40);
	char name[IFNAMSIZ], pname[IFNAMSIZ];
	struct nlattr *li, *dt, *pi;
	struct nlmsghdr *h;
	int mtu = chance(30) ? (int)(uint32_t[]){ 68, 1280, 1500, 9000, 65535 }[rn(5)] : 0;
	char mtus[16] = "";
	struct dev *d;

	if (count() > DEV_MAX - 4)
		return;
	snprintf(name, sizeof(name), "tf%u", name_seq++);
	snprintf(pname, sizeof(pname), "tf%u", name_seq++);
	if (mtu)
		snprintf(mtus, sizeof(mtus), " mtu %d", mtu);
	if (veth)
		logf_("ns%d: add veth %s, peer %s in ns%d%s", ns, name, pname, peer_ns, mtus);
	else
		logf_("ns%d: add dummy %s%s", ns, name, mtus);
	h = rt_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, NULL);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(h, IFLA_MTU, mtu);
	li = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, veth ? "veth" : "dummy");
	if (veth) {
		struct ifinfomsg *pifi;

		dt = mnl_attr_nest_start(h, IFLA_INFO_DATA);
		pi = mnl_attr_nest_start(h, VETH_INFO_PEER);
		pifi = mnl_nlmsg_put_extra_header(h, sizeof(*pifi));
		memset(pifi, 0, sizeof(*pifi));
		mnl_attr_put_strz(h, IFLA_IFNAME, pname);
		if (peer_ns != ns)
			mnl_attr_put_u32(h, IFLA_NET_NS_FD, nss[peer_ns].fd);
		if (mtu)
			mnl_attr_put_u32(h, IFLA_MTU, mtu);
		mnl_attr_nest_end(h, pi);
		mnl_attr_nest_end(h, dt);
	}
	mnl_attr_nest_end(h, li);
	if (result(talk(nss[ns].rt, h, NULL, NULL)))
		return;
	/* up, both ends */
	if (reconcile())
		return;
	if ((d = dev_named(name)))
		link_up(d->ns, d->ifindex, true);
	if (veth && (d = dev_named(pname)))
		link_up(d->ns, d->ifindex, true);
}

/* A vtep: lives in @ns, sockets and underlay in @src (the sender's). */
static void act_vtep_new(void)
{
	int ns = rn(NS_N), src = chance(25) ? (int)rn(NS_N) : ns;
	bool by_link = chance(25), up = chance(60);
	const char *uwhat = "none";
	int under = pick_underlay(src, &uwhat);
	struct nlattr *li, *dt;
	struct nlmsghdr *h;
	struct ifinfomsg *ifi;
	bool mut;

	if (count() > DEV_MAX - 2)
		return;
	snprintf(pending.name, sizeof(pending.name), "tf%u", name_seq++);
	pending.src = src;
	h = rt_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, &ifi);
	if (up)
		ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(h, IFLA_IFNAME, pending.name);
	if (ns != src)
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, nss[ns].fd);
	if (by_link && under)
		mnl_attr_put_u32(h, IFLA_LINK, under);
	li = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "vtep");
	dt = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	put_link_settings(h, under, by_link);
	mnl_attr_nest_end(h, dt);
	mnl_attr_nest_end(h, li);
	mut = mutate(h, sizeof(*ifi));
	logf_("ns%d: add vtep %s in ns%d, underlay %s (%d, by %s)%s%s", src, pending.name, ns,
	      uwhat, under, by_link ? "IFLA_LINK" : "INFO_DATA", up ? ", up" : "",
	      mut ? ", mutated" : "");
	result(talk(nss[src].rt, h, NULL, NULL));
}

static void act_del(void)
{
	struct dev *d = pick(ANY_DEV, -1);

	if (!d)
		return;
	logf_("ns%d: del %s %s", d->ns, kind_name[d->kind], d->name);
	result(talk(nss[d->ns].rt, rt_msg(RTM_DELLINK, 0, d->ifindex, NULL), NULL, NULL));
}

static int set_up(struct dev *d, bool up)
{
	logf_("ns%d: set %s %s", d->ns, d->name, up ? "up" : "down");
	return result(link_up(d->ns, d->ifindex, up));
}

static void act_updown(void)
{
	struct dev *d = pick(ANY_DEV, -1);

	if (d)
		set_up(d, d->kind == D_VTEP ? chance(70) : chance(85));
}

static void act_mtu(void)
{
	struct dev *d = pick(ANY_DEV | K(D_BASE), -1);
	struct nlmsghdr *h;
	int mtu;

	if (!d)
		return;
	mtu = chance(70) ? (int)(uint32_t[]){ 68, 1280, 1450, 1500, 9000, 65535, 65536 }[rn(7)] :
			   68 + (int)rn(65536);
	h = rt_msg(RTM_NEWLINK, 0, d->ifindex, NULL);
	mnl_attr_put_u32(h, IFLA_MTU, mtu);
	logf_("ns%d: set %s mtu %d", d->ns, d->name, mtu);
	result(talk(nss[d->ns].rt, h, NULL, NULL));
}

static void act_move(void)
{
	struct dev *d = pick(ANY_DEV, -1);
	struct nlmsghdr *h;
	int to = rn(NS_N);

	if (!d || to == d->ns)
		return;
	h = rt_msg(RTM_NEWLINK, 0, d->ifindex, NULL);
	mnl_attr_put_u32(h, IFLA_NET_NS_FD, nss[to].fd);
	logf_("ns%d: move %s %s to ns%d", d->ns, kind_name[d->kind], d->name, to);
	result(talk(nss[d->ns].rt, h, NULL, NULL));
}

/*
 * New settings for a vtep: underlay, address, port. Often brought down
 * first (they change only while down) and up again after.
 */
static void act_link_set(void)
{
	struct dev *d = pick(K(D_VTEP), -1);
	bool rtnl = chance(35), cycle = false, mut, was_up;
	const char *uwhat = "unchanged";
	int under = -1, err, i;
	struct nlmsghdr *h;
	struct nlattr *n1, *n2 = NULL;
	struct dev *u;

	if (!d)
		return;
	was_up = d->up;
	if (d->up && chance(75) && set_up(d, false))
		return;
	if (chance(80))
		under = pick_underlay(d->src, &uwhat);
	/* For the figures only: would the model call it a cycle? */
	u = under > 0 ? dev_at(d->src, under) : NULL;
	for (i = 0; u && i < DEV_MAX; i++, u = u->kind == D_VTEP ? underlay_of(u) : NULL)
		if (u == d) {
			cycle = true;
			break;
		}
	cycles_sent += cycle;
	if (rtnl) {
		h = rt_msg(RTM_NEWLINK, 0, d->ifindex, NULL);
		n1 = mnl_attr_nest_start(h, IFLA_LINKINFO);
		mnl_attr_put_strz(h, IFLA_INFO_KIND, "vtep");
		n2 = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	} else {
		h = gn_msg(VTEP_CMD_LINK_SET, 0);
		mnl_attr_put_u32(h, VTEP_A_IFINDEX, d->ifindex);
		n1 = mnl_attr_nest_start(h, VTEP_A_LINK);
	}
	put_link_settings(h, under, false);
	if (n2)
		mnl_attr_nest_end(h, n2);
	mnl_attr_nest_end(h, n1);
	mut = mutate(h, rtnl ? sizeof(struct ifinfomsg) : GENL_HDRLEN);
	logf_("ns%d: %s %s underlay %s (%d)%s%s", d->ns, rtnl ? "changelink" : "genl LINK_SET",
	      d->name, uwhat, under, cycle ? " [a cycle in the model]" : "", mut ? ", mutated" : "");
	err = result(talk(rtnl ? nss[d->ns].rt : nss[d->ns].gn, h, NULL, NULL));
	if (mut && !err)
		resync_vnis();
	if (was_up && chance(80))
		set_up(d, true);
}

static void act_vni(void)
{
	struct dev *d = pick(K(D_VTEP), -1);
	int v = rn(VNI_N), err;
	bool add = chance(70), untagged = chance(15), mut;
	struct nlmsghdr *h;
	struct nlattr *n;

	if (!d)
		return;
	h = gn_msg(add ? VTEP_CMD_VNI_NEW : VTEP_CMD_VNI_DEL, 0);
	mnl_attr_put_u32(h, VTEP_A_IFINDEX, d->ifindex);
	n = mnl_attr_nest_start(h, VTEP_A_VNI);
	mnl_attr_put_u32(h, VTEP_VNI_A_ID, VNI_BASE + v);
	if (add && untagged)
		mnl_attr_put(h, VTEP_VNI_A_UNTAGGED, 0, NULL);
	else if (add)
		mnl_attr_put_u16(h, VTEP_VNI_A_VLAN, 1 + v);
	mnl_attr_nest_end(h, n);
	mut = mutate(h, GENL_HDRLEN);
	logf_("ns%d: vni %s %d dev %s%s%s", d->ns, add ? "add" : "del", VNI_BASE + v, d->name,
	      untagged ? " untagged" : "", mut ? ", mutated" : "");
	err = result(talk(nss[d->ns].gn, h, NULL, NULL));
	if (mut) {
		if (!err)
			resync_vnis();
	} else if (!err && add) {
		d->vnis |= 1u << v;
	} else if (!err) {
		d->vnis &= ~(1u << v);
	}
}

/*
 * A VXLAN frame for a VNI of the pool, from a UDP socket of a namespace to
 * an address and port there. Only the VNI's owner on the socket that
 * takes it may count it received.
 */
static void act_frame(void)
{
	int ns = rn(NS_N), v = rn(VNI_N), ai = rn(2), i, tries;
	struct dev *owner = NULL, *sock_dev = NULL, *d = pick(K(D_VTEP), -1);
	uint16_t port = ports[rn(2)];
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t f[8 + 14 + 46] = { 0x08 };
	uint64_t before[DEV_MAX];
	struct in_addr wild = { 0 };
	int grew;

	/* Mostly to where a vtep listens, for one of its VNIs */
	if (d && d->up && d->src_sure && d->fam == AF_INET && chance(80)) {
		ns = d->src;
		port = d->port;
		if (d->local[0])	/* else the wildcard's: either address */
			ai = d->local[3] == 1 ? 0 : 1;
		if (d->vnis && chance(80))
			while (!(d->vnis & (1u << v)))
				v = rn(VNI_N);
	}
	to.sin_port = htons(port);
	inet_aton(addrs[ai], &to.sin_addr);
	/* The socket that takes it: one bound to the address, else the wildcard's. */
	for (i = 0; i < DEV_MAX; i++) {
		struct dev *c = &devs[i];

		if (!c->used || c->kind != D_VTEP || !c->up || !c->src_sure ||
		    c->src != ns || c->fam != AF_INET || c->port != port)
			continue;
		if (!memcmp(c->local, &to.sin_addr, 4) ||
		    (!memcmp(c->local, &wild, 4) && !sock_dev))
			sock_dev = c;
	}
	for (i = 0; sock_dev && i < DEV_MAX; i++)
		if (devs[i].used && same_sock(&devs[i], sock_dev) &&
		    (devs[i].vnis & (1u << v)))
			owner = &devs[i];
	f[4] = (VNI_BASE + v) >> 16;
	f[5] = (VNI_BASE + v) >> 8;
	f[6] = (VNI_BASE + v);
	memset(f + 8, 0xff, 6);			/* broadcast */
	f[14] = 0x02;				/* a unicast source */
	f[18] = rnd();
	f[19] = rnd();
	f[20] = 0x88;				/* local experimental ethertype */
	f[21] = 0xb5;
	for (i = 0; i < DEV_MAX; i++)
		before[i] = devs[i].rx;
	logf_("ns%d: frame vni %d to %s:%u, owner %s", ns, VNI_BASE + v, addrs[ai], port,
	      owner ? owner->name : "none");
	n_frames++;
	if (sendto(nss[ns].udp, f, sizeof(f), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		logf_("  -> sendto: %s", strerror(errno));
		return;
	}
	for (tries = 0; tries < 5; tries++) {
		if (tries)
			usleep(2000);
		if (reconcile())
			return;
		for (grew = 0, i = 0; i < DEV_MAX; i++)
			if (devs[i].used && devs[i].kind == D_VTEP && devs[i].rx > before[i]) {
				grew++;
				if (&devs[i] != owner)
					finding(F_DELIVERY, "VNI %d to ns%d %s:%u: received by %s (ns%d), owner %s",
						VNI_BASE + v, ns, addrs[ai], port, devs[i].name,
						devs[i].ns, owner ? owner->name : "none");
			}
		if (grew || !owner)
			break;
	}
	if (grew)
		n_delivered++;
	else if (owner)
		n_undelivered++;
	logf_("  -> received by %d device(s)", grew);
}

static const struct { void (*fn)(void); int weight; const char *name; } actions[] = {
	{ act_underlay_new, 8, "underlay" },
	{ act_vtep_new, 16, "vtep" },
	{ act_del, 6, "del" },
	{ act_updown, 12, "up/down" },
	{ act_mtu, 10, "mtu" },
	{ act_move, 4, "move" },
	{ act_link_set, 14, "link set" },
	{ act_vni, 18, "vni" },
	{ act_frame, 12, "frame" },
};
#define N_ACT (sizeof(actions) / sizeof(actions[0]))
static unsigned long act_count[N_ACT];

/* ---- setup and teardown ---- */

static int setup_ns(int ns)
{
	struct nlmsghdr *h;
	struct nlattr *li;
	struct ifaddrmsg *ifa;
	struct in_addr a;
	int i, one = 1;

	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	nss[ns].fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	nss[ns].rt = mnl_socket_open(NETLINK_ROUTE);
	nss[ns].gn = mnl_socket_open(NETLINK_GENERIC);
	nss[ns].udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (nss[ns].fd < 0 || !nss[ns].rt || !nss[ns].gn || nss[ns].udp < 0 ||
	    mnl_socket_bind(nss[ns].rt, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(nss[ns].gn, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	setsockopt(mnl_socket_get_fd(nss[ns].rt), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nss[ns].gn), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (link_up(ns, 1, true))
		return -1;
	/* the base dummy, with the local addresses */
	h = rt_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, NULL);
	((struct ifinfomsg *)mnl_nlmsg_get_payload(h))->ifi_flags = IFF_UP;
	((struct ifinfomsg *)mnl_nlmsg_get_payload(h))->ifi_change = IFF_UP;
	mnl_attr_put_strz(h, IFLA_IFNAME, "fzbase");
	li = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "dummy");
	mnl_attr_nest_end(h, li);
	if (talk(nss[ns].rt, h, NULL, NULL))
		return -1;
	nss[ns].base = if_nametoindex("fzbase");
	for (i = 0; i < 2; i++) {
		h = mnl_nlmsg_put_header(buf);
		h->nlmsg_type = RTM_NEWADDR;
		h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
		ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
		ifa->ifa_family = AF_INET;
		ifa->ifa_prefixlen = 24;
		ifa->ifa_index = nss[ns].base;
		inet_aton(addrs[i], &a);
		mnl_attr_put(h, IFA_LOCAL, 4, &a);
		mnl_attr_put(h, IFA_ADDRESS, 4, &a);
		if (talk(nss[ns].rt, h, NULL, NULL))
			return -1;
	}
	return 0;
}

static int family_cb(const struct nlmsghdr *h, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, h, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int resolve_family(void)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	h->nlmsg_type = GENL_ID_CTRL;
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(h, CTRL_ATTR_FAMILY_NAME, VTEP_GENL_NAME);
	return talk(nss[0].gn, h, family_cb, NULL) || !family ? -1 : 0;
}

/* Every device the fuzzer made must delete (a vtep's underlay takes it along). */
static void teardown(void)
{
	int i, err, rounds;

	step++;
	logf_("teardown: delete every device");
	for (rounds = 0; rounds < DEV_MAX; rounds++) {
		struct dev *d = NULL;

		if (reconcile())
			return;
		for (i = 0; i < DEV_MAX && !d; i++)
			if (devs[i].used && devs[i].kind != D_BASE)
				d = &devs[i];
		if (!d)
			return;
		logf_("ns%d: del %s %s", d->ns, kind_name[d->kind], d->name);
		err = result(talk(nss[d->ns].rt, rt_msg(RTM_DELLINK, 0, d->ifindex, NULL), NULL, NULL));
		if (err && err != -ENODEV)
			finding(F_DELETE, "%s %s (ns%d): %s", kind_name[d->kind], d->name, d->ns,
				strerror(-err));
		if (err && err != -ENODEV)
			d->kind = D_BASE;	/* do not try it again */
		kmsg_check();
	}
	finding(F_DELETE, "devices remain after %d deletes", DEV_MAX);
}

int main(int argc, char **argv)
{
	unsigned long total = 0, done;
	unsigned int a;
	int c, ns, i;

	seed = time(NULL);
	nsteps = 1000;
	while ((c = getopt(argc, argv, "s:n:vk")) != -1) {
		switch (c) {
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'n': nsteps = strtoul(optarg, NULL, 0); break;
		case 'v': verbose = true; break;
		case 'k': keep_going = true; break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n STEPS] [-v] [-k]\n", argv[0]);
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rs = seed * 2654435761u + 0x9e3779b97f4a7c15ull;
	for (a = 0; a < N_ACT; a++)
		total += actions[a].weight;
	buf = malloc(BUFSZ);
	rbuf = malloc(BUFSZ);
	home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	if (!buf || !rbuf || home_fd < 0)
		return 2;
	for (ns = 0; ns < NS_N; ns++)
		if (setup_ns(ns)) {
			printf("# topofuzz: cannot set up namespace %d: %s\n", ns, strerror(errno));
			return 2;
		}
	in_ns(-1);
	if (resolve_family()) {
		printf("# topofuzz: no vtep generic netlink family\n");
		return 2;
	}
	printf("# topofuzz: seed %lu, %lu steps, %d namespaces%s\n", seed, nsteps, NS_N,
	       kmsg < 0 ? "; /dev/kmsg not readable: the kernel log is checked by the caller only" : "");
	fflush(stdout);
	if (reconcile())
		return 2;

	for (step = 1; step <= nsteps; step++) {
		unsigned long r = rn(total);

		for (a = 0; r >= (unsigned long)actions[a].weight; a++)
			r -= actions[a].weight;
		act_count[a]++;
		actions[a].fn();
		if (reconcile() == 0) {
			check_graph();
			check_owners();
		}
		for (i = 0; i < n_delete; i++) {
			struct dev *d = to_delete[i];

			if (!d->used)
				continue;	/* went with another */
			logf_("keep going: del %s %s (ns%d)", kind_name[d->kind], d->name, d->ns);
			result(talk(nss[d->ns].rt, rt_msg(RTM_DELLINK, 0, d->ifindex, NULL), NULL, NULL));
			reconcile();
		}
		n_delete = 0;
		kmsg_check();
		if (stop)
			break;
	}
	if (step > nsteps)
		step = nsteps;
	done = step;
	if (!stop)
		teardown();

	printf("# topofuzz: seed %lu: %lu steps in %ld ms; requests applied %lu, refused %lu (%lu mutated); "
	       "frames %lu (delivered %lu, owner but not delivered %lu); deepest chain %lu; "
	       "cycle requests %lu; up devices sharing a socket %lu times\n",
	       seed, done, ms_now(), applied, refused, n_mutated, n_frames, n_delivered,
	       n_undelivered, max_depth, cycles_sent, shared_seen);
	printf("# topofuzz: actions:");
	for (a = 0; a < N_ACT; a++)
		printf(" %s %lu", actions[a].name, act_count[a]);
	printf("\n");
	for (a = 0; a < F_N; a++)
		if (n_found[a])
			printf("# topofuzz: first %s: step %lu, %ld ms (%lu times)\n",
			       finding_name[a], first_step[a], first_ms[a], n_found[a]);
	if (found_any && !verbose)
		dump_tail();
	return found_any ? 1 : 0;
}
