// SPDX-License-Identifier: GPL-2.0
/*
 * topofuzz: a topology fuzzer for vtep. One process builds random device
 * graphs in network namespaces of its own and checks, after every step,
 * invariants that hold whatever the request sequence.
 *
 *   topofuzz [-s SEED] [-n STEPS] [-v] [-k] [-m CGROUP]
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
 *  - every request is answered, with 0 or an errno;
 *  - memory (with -m, a cgroup v2 directory): the fuzzer creates the
 *    devices whose sockets are in namespace N from memory cgroup
 *    CGROUP/nsN and sends everything else from CGROUP/send; after a burst
 *    of frames that a vtep learns thousands of new MACs from, its
 *    creator's memory.current has grown by at least 64 bytes an entry
 *    (slub_debug makes one about 260).
 * At the end every device it made must delete. Before step 1, with no
 * random number drawn, step 0 tests the model itself: two vteps of one
 * name in two namespaces (selftest_names()).
 *
 * A finding ends the run (with -k, the run goes on and reports the first
 * step of each kind) and prints the last steps of the log; the whole
 * log replays with the same seed (-v prints it as it goes, each step
 * before it is sent, so a panic leaves the step that caused it on the
 * console). Exit status 1 on a finding, 2 if it could not start.
 */
#include "topofuzz.h"

uint64_t rs;

const char *const kind_name[] = { "base", "dummy", "veth", "vtep", "other" };
struct dev devs[DEV_MAX];
struct nsx nss[NS_N];
int home_fd;
uint16_t family;
uint32_t seq = 1000;
unsigned int name_seq;
char *buf, *rbuf;

/* ---- the step log ---- */

unsigned long step, nsteps, seed;
bool verbose, keep_going;
static struct timespec t0;
static char **slog;
static unsigned long slog_n;

long ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
}

void __attribute__((format(printf, 1, 2))) logf_(const char *fmt, ...)
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

static const char *const finding_name[F_N] = {
	[F_KMSG] = "kernel log: warning or BUG",
	[F_CYCLE] = "underlay cycle accepted",
	[F_SELF] = "a vtep accepted as its own underlay",
	[F_DEPTH] = "underlay chain deeper than MAX_NEST_DEV",
	[F_DANGLING] = "underlay names no device",
	[F_OWNER] = "two devices on one socket hold one VNI",
	[F_DELIVERY] = "frame delivered by a device that does not own its VNI",
	[F_MEMORY] = "learned entries not charged to the device's creator",
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

void __attribute__((format(printf, 2, 3))) finding(enum finding f, const char *fmt, ...)
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

/* ---- memory cgroups (-m) ---- */

static const char *cg_dir;

static int cg_path(char *p, size_t n, int idx, const char *file)
{
	char grp[8];

	snprintf(grp, sizeof(grp), idx < 0 ? "send" : "ns%d", idx);
	return snprintf(p, n, "%s/%s%s%s", cg_dir, grp, file ? "/" : "", file ?: "");
}

static int cg_write(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, what, strlen(what)) == (ssize_t)strlen(what);
	close(fd);
	return ok ? 0 : -1;
}

bool cg_on(void)
{
	return cg_dir;
}

/* Move the fuzzer into CGROUP/ns@idx (CGROUP/send for -1) */
int cg_enter(int idx)
{
	char p[512], pid[16];

	if (!cg_dir)
		return 0;
	cg_path(p, sizeof(p), idx, "cgroup.procs");
	snprintf(pid, sizeof(pid), "%d", getpid());
	return cg_write(p, pid);
}

/* memory.current of CGROUP/ns@idx, or -1 */
long cg_current(int idx)
{
	char p[512], v[32];
	ssize_t n;
	int fd;

	cg_path(p, sizeof(p), idx, "memory.current");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, v, sizeof(v) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	v[n] = 0;
	return strtol(v, NULL, 10);
}

static int cg_setup(const char *dir)
{
	char p[512];
	int i;

	cg_dir = dir;
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", dir);
	if (cg_write(p, "+memory"))
		return -1;
	for (i = -1; i < NS_N; i++) {
		cg_path(p, sizeof(p), i, NULL);
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
	}
	return cg_enter(-1);
}

/* ---- kernel log ---- */

static int kmsg = -1;

void kmsg_check(void)
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

/* ---- oracles ---- */

/* Only where the model knows the namespace the ifindex is in */
struct dev *underlay_of(const struct dev *d)
{
	return d->under && d->src_sure ? dev_at(d->src, d->under) : NULL;
}

unsigned long max_depth, cycles_sent, shared_seen;

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
		/*
		 * The model leaves lo out (ifindex 1 in every namespace): an
		 * underlay of lo names a real device, as vxlan's "dev lo" does.
		 */
		if (d->under && d->under != LO_IFINDEX && d->src_sure && !underlay_of(d)) {
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

bool same_sock(const struct dev *a, const struct dev *b)
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

/*
 * Make a device in @ns, from @from's rtnetlink socket: a vtep over
 * @under (0: none), else a dummy at ifindex @ifindex. The self-test's.
 */
static int make_dev(int from, int ns, const char *name, bool vtep, int ifindex, int under)
{
	struct nlmsghdr *h = rt_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, ifindex, NULL);
	struct nlattr *li, *dt;

	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	if (ns != from)
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, nss[ns].fd);
	li = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, vtep ? "vtep" : "dummy");
	if (vtep && under) {
		dt = mnl_attr_nest_start(h, IFLA_INFO_DATA);
		mnl_attr_put_u32(h, VTEP_LINK_A_UNDERLAY, under);
		mnl_attr_nest_end(h, dt);
	}
	mnl_attr_nest_end(h, li);
	logf_("ns%d: add %s %s in ns%d%s", from, vtep ? "vtep" : "dummy", name, ns,
	      vtep && under ? ", over the dummy" : "");
	return result(talk(nss[from].rt, h, NULL, NULL));
}

/*
 * Step 0, the model's one guess by name: a device new in a namespace is
 * the vtep just requested when it has its name there. Names are unique
 * per namespace only, and a mutated IFLA_IFNAME makes one the model
 * called otherwise (6.1-debug soak, seed 1796625452 step 2661): the model
 * took such a vtep of ns2 for the new one of ns1 and gave it the new
 * one's socket namespace, so its underlay "named no device". Here, with
 * no random number drawn: "tfdup" in ns2 over a dummy of ifindex 4000
 * (ns0 has none), then the pending "tfdup" made by ns0 in ns1; the graph
 * check must find nothing. Everything made is deleted again.
 */
static int selftest_names(void)
{
	const int under = 4000;
	int i, err, derr;

	err = make_dev(2, 2, "tfdupu", false, under, 0);
	if (!err)
		err = make_dev(2, 2, "tfdup", true, 0, under);
	if (!err)
		err = reconcile();
	if (!err) {
		snprintf(pending.name, sizeof(pending.name), "tfdup");
		pending.ns = 1;
		pending.src = 0;
		err = make_dev(0, 1, "tfdup", true, 0, 0);
	}
	if (!err)
		err = reconcile();
	if (!err)
		check_graph();
	for (i = 0; i < DEV_MAX; i++) {
		struct dev *d = &devs[i];

		if (!d->used || strncmp(d->name, "tfdup", 5))
			continue;
		derr = dev_del(d);
		if (derr && derr != -ENODEV && !err)
			err = derr;
	}
	if (reconcile() && !err)
		err = -EIO;
	if (err == -EPERM) {	/* a user namespace that may not make vteps */
		printf("# topofuzz: step-0 self-test skipped: %s\n", strerror(-err));
		return 0;
	}
	return err;
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
		err = dev_del(d);
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
	const char *cg_arg = NULL;
	unsigned int a;
	int c, ns, i;

	seed = time(NULL);
	nsteps = 1000;
	while ((c = getopt(argc, argv, "s:n:vkm:")) != -1) {
		switch (c) {
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'n': nsteps = strtoul(optarg, NULL, 0); break;
		case 'v': verbose = true; break;
		case 'k': keep_going = true; break;
		case 'm': cg_arg = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n STEPS] [-v] [-k] [-m CGROUP]\n", argv[0]);
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rs = seed * 2654435761u + 0x9e3779b97f4a7c15ull;
	for (a = 0; a < n_actions; a++)
		total += actions[a].weight;
	buf = malloc(BUFSZ);
	rbuf = malloc(BUFSZ);
	home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	if (!buf || !rbuf || home_fd < 0)
		return 2;
	if (cg_arg && cg_setup(cg_arg)) {
		printf("# topofuzz: cannot set up memory cgroups in %s: %s\n", cg_arg, strerror(errno));
		return 2;
	}
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
	printf("# topofuzz: seed %lu, %lu steps, %d namespaces, memory oracle %s%s\n", seed,
	       nsteps, NS_N, cg_dir ? "on" : "off (no -m)",
	       kmsg < 0 ? "; /dev/kmsg not readable: the kernel log is checked by the caller only" : "");
	fflush(stdout);
	if (reconcile())
		return 2;
	if (selftest_names()) {
		printf("# topofuzz: the step-0 self-test could not make or delete its devices\n");
		dump_tail();
		return 2;
	}
	n_delete = 0;
	if (stop)
		nsteps = 0;	/* the self-test's finding stands alone */

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
			dev_del(d);
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
	       "frames %lu (delivered %lu, owner but not delivered %lu, by a device the model cannot place %lu); deepest chain %lu; "
	       "cycle requests %lu; up devices sharing a socket %lu times; "
	       "learning bursts %lu (%lu entries learned, %lu judged by the memory oracle)\n",
	       seed, done, ms_now(), applied, refused, n_mutated, n_frames, n_delivered,
	       n_undelivered, n_unjudged, max_depth, cycles_sent, shared_seen, n_bursts, n_burst_learned,
	       n_burst_checked);
	printf("# topofuzz: actions:");
	for (a = 0; a < n_actions; a++)
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
