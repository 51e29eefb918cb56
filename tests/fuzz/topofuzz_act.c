// SPDX-License-Identifier: GPL-2.0
/*
 * topofuzz: the actions a step draws (by weight), each one request or a
 * few, logged before they are sent.
 */
#include <linux/membarrier.h>
#include <sys/syscall.h>

#include "topofuzz.h"

/* ---- actions ---- */

const char *const addrs[] = { "192.0.2.1", "192.0.2.2", "0.0.0.0" };
const uint16_t ports[] = { 4789, 4790 };

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

unsigned long applied, refused, n_frames, n_delivered, n_undelivered;
unsigned long n_bursts, n_burst_learned, n_burst_checked, n_unjudged;

int result(int err)
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

int link_up(int ns, int ifindex, bool up)
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
	pending.ns = ns;
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
	/* Its creator: the memory cgroup of its sockets' namespace (-m) */
	cg_enter(src);
	result(talk(nss[src].rt, h, NULL, NULL));
	cg_enter(-1);
}

static void act_del(void)
{
	struct dev *d = pick(ANY_DEV, -1);

	if (!d)
		return;
	logf_("ns%d: del %s %s", d->ns, kind_name[d->kind], d->name);
	dev_del(d);
}

/* Delete @d in its namespace; the kernel's answer, counted */
int dev_del(struct dev *d)
{
	return result(talk(nss[d->ns].rt, rt_msg(RTM_DELLINK, 0, d->ifindex, NULL), NULL, NULL));
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
				/*
				 * A vtep whose creating request was mutated
				 * past its name (the kernel named it vtepN)
				 * has sockets the model cannot place: it
				 * cannot be judged.
				 */
				if (!devs[i].src_sure)
					n_unjudged++;
				else if (&devs[i] != owner)
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

/* VTEP_VNI_A_LEARNED of the VNI a VNI_GET answered with */
static int learned_cb(const struct nlmsghdr *h, void *data)
{
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, h, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != VTEP_A_VNI)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == VTEP_VNI_A_LEARNED)
				*(long *)data = mnl_attr_get_u32(b);
	}
	return MNL_CB_OK;
}

static long learned(struct dev *d, uint32_t vni)
{
	struct nlmsghdr *h = gn_msg(VTEP_CMD_VNI_GET, 0);
	struct nlattr *n;
	long v = -1;

	mnl_attr_put_u32(h, VTEP_A_IFINDEX, d->ifindex);
	n = mnl_attr_nest_start(h, VTEP_A_VNI);
	mnl_attr_put_u32(h, VTEP_VNI_A_ID, vni);
	mnl_attr_nest_end(h, n);
	return talk(nss[d->ns].gn, h, learned_cb, &v) ? -1 : v;
}

#define BURST		4096	/* frames, each from a MAC not seen before */
#define SETTLE_MS	3000	/* the longest wait for a group to settle */
#define BURST_MIN	2048	/* learned, for the memory oracle to judge */
#define ENTRY_MIN	64	/* bytes an entry at least (~260 with slub_debug) */

/*
 * The memory oracle (-m): a burst of frames from new MACs to a vtep for a
 * VNI it holds, sent from CGROUP/send. What it learns is allocated in
 * softirq and must be charged to its creator, CGROUP/ns<its sockets'
 * namespace>: that group's memory.current grows by ENTRY_MIN bytes an
 * entry learned, at least. (Charges move in batches of up to 64 pages a
 * CPU, so a burst is thousands of entries, and no verdict is given on
 * fewer than BURST_MIN.)
 */
/*
 * The memory.current of group idx, once frees that earlier steps started
 * have landed. A deleted device's learned entries are freed by kfree_rcu():
 * a grace period after a batch is handed off, and that after another (one
 * step before a burst, 6.1-rt's soak saw the creator's group shrink by
 * 340 kB while 4,096 entries were learned). Two grace periods
 * (membarrier(MEMBARRIER_CMD_GLOBAL) is synchronize_rcu()), then the value
 * is read until it holds for 50 ms. *waited: the milliseconds it took.
 */
static long cg_settled(int idx, long *waited)
{
	long m = cg_current(idx), prev;
	int same = 0, ms = 0;

	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	while (same < 5 && ms < SETTLE_MS) {
		usleep(10000);
		ms += 10;
		prev = m;
		m = cg_current(idx);
		same = m == prev ? same + 1 : 0;
	}
	*waited = ms;
	return m;
}

static void act_learn(void)
{
	static uint32_t mac_seq;
	struct dev *d = pick(K(D_VTEP), -1);
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t f[8 + 14 + 46] = { 0x08 };
	long l0, l1, m0, m1, l, settle;
	uint32_t vni;
	int v, i, sent = 0;

	if (!cg_on() || !d || !d->up || !d->src_sure || d->fam != AF_INET || !d->vnis)
		return;
	do
		v = rn(VNI_N);
	while (!(d->vnis & (1u << v)));
	vni = VNI_BASE + v;
	to.sin_port = htons(d->port);
	inet_aton(d->local[0] ? (d->local[3] == 1 ? addrs[0] : addrs[1]) : addrs[0], &to.sin_addr);
	f[4] = vni >> 16;
	f[5] = vni >> 8;
	f[6] = vni;
	memset(f + 8, 0xff, 6);
	f[14] = 0x02;				/* unicast, locally administered */
	f[15] = 0x5f;
	f[20] = 0x88;
	f[21] = 0xb5;
	l0 = learned(d, vni);
	m0 = cg_settled(d->src, &settle);
	logf_("ns%d: burst of %d frames from new MACs to %s VNI %u (learned %ld, creator's memory %ld, settled in %ld ms)",
	      d->src, BURST, d->name, vni, l0, m0, settle);
	n_bursts++;
	for (i = 0; i < BURST; i++, mac_seq++) {
		f[16] = mac_seq >> 24;
		f[17] = mac_seq >> 16;
		f[18] = mac_seq >> 8;
		f[19] = mac_seq;
		sent += sendto(nss[d->src].udp, f, sizeof(f), 0, (struct sockaddr *)&to,
			       sizeof(to)) == sizeof(f);
	}
	/* received in softirq, mostly before sendto returned: wait until it settles */
	for (l1 = learned(d, vni), i = 0; i < 50; i++, l1 = l) {
		usleep(2000);
		l = learned(d, vni);
		if (l == l1)
			break;
	}
	m1 = cg_current(d->src);
	logf_("  -> sent %d, learned %ld -> %ld, creator's memory.current %ld -> %ld (%+ld)",
	      sent, l0, l1, m0, m1, m1 - m0);
	if (l0 < 0 || l1 < 0 || m0 < 0 || m1 < 0)
		return;
	n_burst_learned += l1 - l0;
	if (l1 - l0 < BURST_MIN)
		return;		/* at a limit, or another device took them */
	n_burst_checked++;
	if (m1 - m0 < (l1 - l0) * ENTRY_MIN)
		finding(F_MEMORY, "%s (sockets in ns%d) learned %ld entries; its creator's memcg grew by %ld bytes, not %ld",
			d->name, d->src, l1 - l0, m1 - m0, (l1 - l0) * ENTRY_MIN);
}

const struct action actions[] = {
	{ act_underlay_new, 8, "underlay" },
	{ act_vtep_new, 16, "vtep" },
	{ act_del, 6, "del" },
	{ act_updown, 12, "up/down" },
	{ act_mtu, 10, "mtu" },
	{ act_move, 4, "move" },
	{ act_link_set, 14, "link set" },
	{ act_vni, 18, "vni" },
	{ act_frame, 12, "frame" },
	{ act_learn, 2, "learn burst" },
};
const unsigned int n_actions = sizeof(actions) / sizeof(actions[0]);
unsigned long act_count[sizeof(actions) / sizeof(actions[0])];
