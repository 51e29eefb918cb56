/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtep: private structures and the functions each file offers the others.
 *
 * Files call downwards only, never in a circle (DESIGN.md, "Layout"); a
 * file uses only files on lower lines of this list:
 *
 *   main
 *   netlink        genl policies, parsers, dispatch of commands and dumps
 *   nl_tables      the requests of the tables (remote, alias, peer, neigh, FDB)
 *   rtnl, dump     the link nest and rtnl_link_ops; replies and dumps
 *   device, dev_vni  wires tx, rx and stats in, teardown; VNI changes
 *   tx, rx, fdb_ndo  the datapath (rx also GRO); bridge fdb's requests
 *   fdb_batch, learn  the control plane's FDB batches; learning and the
 *                  local MAC table (both use fdb's entries, via fdb.h)
 *   fdb, elephant, neigh  the MAC table; elephant flows and their outer
 *                  ports; the neighbour table and ARP/ND suppression
 *   events         the genl family and its "events" group
 *   vni, msg       VNI table; the attributes of every message
 *   peer, allow, alias, route, underlay, pmtu, flow, stats
 *   addr.h, compat.h, elephant.h, underlay.h and peer.h (structs and
 *                  prototypes of those files, included by this one; peer.h:
 *                  peer.c's, allow.c's and alias.c's); msg.h (the
 *                  prototypes of dump and msg, for the files that build
 *                  messages: not the datapath's); learn.h (what tx and rx
 *                  ask learn per frame, with its per-CPU note inline)
 *
 *  - rtnl and netlink are the boundary: the policies, and the only code
 *    that reads a struct nlattr (but fdb_ndo, which reads bridge fdb's
 *    NDA_* attributes, rtnetlink's, checking them itself). They turn a request into a plain struct
 *    (struct vtep_link_cfg, vtep_vni_cfg, vtep_fdb_cfg, a VNI and an
 *    address for a replication entry) and check each rule once; the files
 *    below trust what they are given.
 *  - dump writes the replies and the dumps; msg fills every message's
 *    attributes, replies and events alike; events owns the genl family and
 *    its "events" group (netlink hands it the ops).
 *  - device wires the datapath: tx into the ndo ops, rx (receive and GRO)
 *    into underlay's sockets; it orchestrates VNI teardown (unlink, leave
 *    the group, flush the FDB, free), so vni never calls fdb.
 *  - peer: the shared, refcounted remote VTEP ("peer") behind FDB entries
 *    and replication lists. "remote" names only a VNI's replication-list
 *    entry (VTEP_CMD_REMOTE_*); "link" only the vtep device and its
 *    settings; "underlay" the device and sockets below it.
 *
 * Locking, in one place:
 *  - RTNL serialises configuration: device settings, VNI add/set/del,
 *    remote add/del, open/stop, the per-netns socket list. Every mutating
 *    genl command runs under RTNL.
 *  - vtep->lock (a BH spinlock) serialises writers of the FDB, the local MAC
 *    table, the VNI table, the peer hash and the replication lists, since
 *    learning and ageing write the FDB from softirq and the workqueue.
 *  - Readers on the datapath use RCU (rcu_read_lock_bh / softirq) only;
 *    so do dumps (dump.c), which read the settings under cfg_seq.
 *
 * The safety model: who may do what (README, "Who may do what").
 *  - Creating a device (RTM_NEWLINK, rtnl.c) needs CAP_NET_ADMIN in the
 *    initial user namespace. The module autoloads, and on Debian's defaults
 *    any local user can be root of a user and network namespace of its own;
 *    such a root may create devices only when the administrator sets the
 *    module parameter userns_create.
 *  - Changing a device, and reading or hearing of what names tenants (VNIs,
 *    FDB, flows, neighbours, remotes, peers, aliases, a VNI's counters),
 *    needs CAP_NET_ADMIN in the user namespace that owns the device's
 *    network namespace (GENL_UNS_ADMIN_PERM, netlink.c; the events group,
 *    events.c): a namespace's root programs its own devices. The device's
 *    settings and counters are anyone's in the namespace, as rtnetlink shows
 *    them. Other namespaces do not see the device at all.
 * Invariants, whatever the sequence of requests and whoever sends them:
 *  - No loop and no unbounded stack of devices: a device is its underlay's
 *    upper device (netdev_upper_dev_link(), device.c), so the core refuses
 *    a loop and more than MAX_NEST_DEV levels; notifiers and unregistration
 *    recurse at most that deep.
 *  - One owner per (socket, VNI): an open device claims its VNIs on its
 *    socket (underlay.c); a second device on the same address and port
 *    gets -EEXIST, and receive hands a VNI's frames to its owner only.
 *  - Every table is bounded by a setting (fdb_max, learn_max and
 *    learn_max_dev, peer_max, remote_max, the VNI and neighbour limits),
 *    none of which a device of a non-initial user namespace may set to 0
 *    (unlimited). What requests allocate is charged to the requester's
 *    memory cgroup (GFP_KERNEL_ACCOUNT), what learning allocates in softirq
 *    to the device creator's (set_active_memcg(), learn.c).
 *  - Nothing is visible to a caller that the events would not show it.
 */
#ifndef _VTEP_H
#define _VTEP_H

#include <linux/ethtool.h>
#include <linux/hash.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/ratelimit.h>
#include <linux/rhashtable.h>
#include <linux/seqlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/in6.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/genetlink.h>
#include <uapi/linux/vtep.h>

#include "addr.h"
#include "compat.h"
#include "htab.h"

/* Outer IPv4/IPv6 + UDP + VXLAN + inner Ethernet header */
#define VTEP_HLEN		(sizeof(struct udphdr) + 8)
#define VTEP_OVERHEAD4		(20 + VTEP_HLEN + ETH_HLEN)	/* 50 */
#define VTEP_OVERHEAD6		(40 + VTEP_HLEN + ETH_HLEN)	/* 70 */

/*
 * Device settings; written under RTNL, read on the datapath with READ_ONCE.
 * Every field but local is in msg.c's vtep_link_fields, through which
 * device.c stores each (vtep_cfg_publish()).
 */
struct vtep_cfg {
	struct vtep_addr local;		/* family decides the underlay family */
	__be16 port;
	union {				/* one word: the datapath reads both */
		struct {
			u16 port_min, port_max;
		};
		u32 port_range;
	};
	int underlay;			/* underlay ifindex, 0 = none */
	u8 ttl, tos, df;
	bool learning, udp_csum, move_notice;
	bool udp6_zero_csum_rx;		/* part of the socket-sharing key */
	u32 ageing;			/* seconds, 0 = never */
	u32 fdb_max;			/* static entries, 0 = unlimited */
	u32 learn_max;			/* learned entries per VNI, 0 = unlimited */
	u32 learn_max_dev;		/* learned entries of the device, 0 = unlimited */
	u32 peer_max;			/* peers of the device, 0 = unlimited */
	u32 remote_max;			/* replication entries per VNI, 0 = unlimited */
	bool resteer;			/* move elephants at flowlet gaps */
	u32 flowlet_gap;		/* microseconds */
	u32 sample;			/* one frame in N, 0 = off */
	u64 elephant_rate;		/* bytes/s */
	/* local (above) and these: the device's addresses, down only */
	u8 nlocals;			/* 1 .. VTEP_LOCAL_ADDRS_MAX */
	struct vtep_addr more[VTEP_LOCAL_ADDRS_MAX - 1];
};

/* Per-CPU counters, indexed by enum vtep_stat */
struct vtep_pcpu_stats {
	u64 c[__VTEP_STAT_MAX];
	struct u64_stats_sync syncp;
};

/*
 * A peer: one remote VTEP, shared by every FDB entry and replication list of
 * the device that points at it, so a MAC entry is a key and a pointer. The
 * routes to peers are cached per device (route.c), not per peer.
 */
struct vtep_peer {
	struct vtep_hnode node;		/* vtep->peers, under vtep->lock */
	struct vtep_addr addr;
	refcount_t ref;
	/*
	 * The allow-list's count of the static entries of one VNI that send
	 * here (allow.c): a peer usually serves a single VNI, and keeping
	 * that count here spares a (VNI, peer) entry per destination.
	 * Written under vtep->lock, read by receive under RCU.
	 */
	u32 svni;
	u32 nstatic;
	struct rcu_head rcu;
};

/* The route cache of a device (route.c): a small table per CPU */
struct vtep_route_table;
struct vtep_route_cache {
	struct vtep_route_table __percpu *tables;
	atomic_t gen;			/* bumped to forget every route */
};

/* An entry of a VNI's head-end replication list */
struct vtep_vni_remote {
	struct list_head node;		/* vni->remotes, RCU */
	struct vtep_peer *peer;		/* holds a reference */
	bool dup;			/* an earlier entry reaches its peer set */
	u8 owner;			/* enum vtep_owner; WRITE_ONCE, RTNL */
	struct rcu_head rcu;
};

/* A VNI's multicast group, replaced whole when it changes (RCU) */
struct vtep_group_addr {
	struct vtep_addr addr;
	struct rcu_head rcu;
};

/* A peer with several addresses (alias.c), replaced whole (RCU) */
struct vtep_pset {
	struct list_head node;		/* vtep->psets, under RTNL */
	struct rcu_head rcu;
	u8 n;
	struct vtep_addr a[VTEP_PEER_ADDRS_MAX];	/* a[0]: the primary */
};

/* An allowed peer address or prefix of a VNI (allow.c) */
struct vtep_allow_pfx {
	struct vtep_addr addr;		/* bits past plen are zero */
	u8 plen;
	u8 owner;			/* enum vtep_owner */
};

#define VTEP_ALLOW_MAX		64	/* explicit allowances per VNI */
#define VTEP_ALLOW_PREFIXES	16	/* of which shorter than an address */

/* A VNI's explicit allowances, replaced whole (RCU) on each change */
struct vtep_allow_set {
	struct rcu_head rcu;
	u16 n, nshort;			/* e[0, nshort): shorter prefixes */
	struct vtep_allow_pfx e[];
};

struct vtep_vni {
	struct rhash_head node;		/* vtep->vnis, keyed by id */
	u32 id;
	/*
	 * While the device is up, the VNI is also in its socket's table
	 * (underlay.c): one device per VNI on a socket, and receive finds
	 * the VNI, then its device, in one lookup.
	 */
	struct rhash_head snode;	/* vtep_sock.vnis, RTNL */
	struct vtep_dev *vtep;
	bool claimed;			/* in the socket's table, RTNL */
	u16 vlan;			/* 0 = untagged */
	bool flood;
	bool suppress;			/* answer ARP/ND from neighs */
	u8 peers;			/* enum vtep_peers */
	struct vtep_allow_set __rcu *allowed;
	struct vtep_group_addr __rcu *group;	/* NULL = no group */
	struct vtep_group *mc;		/* the membership joined, under RTNL */
	struct list_head remotes;	/* struct vtep_vni_remote, RCU */
	u32 nremotes;
	atomic_t fdb_count;
	atomic_t learned;		/* learned entries, against cfg.learn_max */
	struct hlist_head fdb_list;	/* its entries (struct vtep_fdb.vnode) */
	struct hlist_head neighs;	/* struct vtep_neigh, RCU, under RTNL */
	u32 nneighs;			/* under RTNL */
	struct vtep_pcpu_stats __percpu *stats;
	u32 flow_start[2];		/* flow.c: untagged TCP, UDP */
	struct rcu_head rcu;
};

/*
 * rhashtable's obj_cmpfn for the tables of VNIs keyed by id (see
 * vtep_vni_addr_cmp() in addr.h for why not the default)
 */
static inline int vtep_vni_id_cmpfn(struct rhashtable_compare_arg *arg,
				    const void *obj)
{
	const struct vtep_vni *vni = obj;

	return vni->id != *(const u32 *)arg->key;
}

/*
 * ... and their hashfn. Only an administrator adds VNIs (a frame can name
 * any VNI, but only looks it up), so no one can fill a chain on purpose,
 * and a multiply does for a third of the cost what jhash did: the high
 * half of the 64-bit product depends on every bit of key and seed, and
 * rhashtable takes its low bits. The receive path hashes once a frame.
 */
static inline u32 vtep_vni_id_hashfn(const void *data, u32 len, u32 seed)
{
	return ((u64)(*(const u32 *)data ^ seed) * GOLDEN_RATIO_64) >> 32;
}

/* the parameters of a table of VNIs keyed by id, linked through @member */
#define VTEP_VNI_ID_PARAMS(member) {					\
	.head_offset		= offsetof(struct vtep_vni, member),	\
	.key_offset		= offsetof(struct vtep_vni, id),	\
	.key_len		= sizeof(u32),				\
	.automatic_shrinking	= true,					\
	.obj_cmpfn		= vtep_vni_id_cmpfn,			\
	.hashfn			= vtep_vni_id_hashfn,			\
}

/* flow.c: which of vni->flow_start an inner IP protocol takes, or -1 */
enum { VTEP_FLOW_TCP, VTEP_FLOW_UDP };

static inline int vtep_flow_proto(u8 proto)
{
	if (proto == IPPROTO_TCP)
		return VTEP_FLOW_TCP;
	return proto == IPPROTO_UDP ? VTEP_FLOW_UDP : -1;
}

/*
 * FDB key, hashed and compared as its 10 bytes: packed, so that it has no
 * padding to zero and the entry's flags fit in the space padding took.
 */
struct vtep_fdb_key {
	u32 vni;
	u8 mac[ETH_ALEN];
} __packed;

#define VTEP_FDB_STATIC		BIT(0)
#define VTEP_FDB_LOCAL		BIT(1)	/* entry of the local MAC table */

/*
 * One MAC: 64 bytes, one cache line. `seen` is the low 32 bits of jiffies
 * (ages are differences, exact up to 2^32 ticks: 198 days at HZ=250).
 * Entries of the MAC table (not the local one) are also on their VNI's
 * fdb_list, so that flushing a VNI costs what the VNI holds.
 */
struct vtep_fdb {
	struct vtep_hnode node;		/* vtep->fdb or vtep->locals */
	struct vtep_fdb_key key;
	u8 flags;
	u8 owner;			/* enum vtep_owner, of static entries */
	u32 seen;			/* jiffies: last received from, or set */
	struct vtep_peer __rcu *peer;	/* NULL in the local MAC table */
	struct hlist_node vnode;	/* vni->fdb_list, under vtep->lock */
	struct rcu_head rcu;
};

/*
 * An overlay neighbour (neigh.c): a tenant host's address and MAC in a
 * VNI. Never changed once published; a new MAC is a new entry.
 */
struct vtep_neigh {
	struct rhash_head node;		/* vtep->neighs */
	struct vtep_vni_addr_key key;
	u8 mac[ETH_ALEN];
	u8 owner;			/* enum vtep_owner */
	struct hlist_node vnode;	/* vni->neighs, RCU, under RTNL */
	struct rcu_head rcu;
};

#include "elephant.h"

struct vtep_sock;
struct vtep_group;

struct vtep_dev {
	struct net_device *dev;
	struct net *net;		/* the creator's: sockets, underlay */
	struct list_head net_node;	/* vtep_net->devs of net, under RTNL */
	struct list_head sock_node;	/* vs->devs, RCU, under RTNL */
	struct vtep_sock __rcu *sock;	/* set while up */
	struct vtep_cfg cfg;
	struct net_device *lower;	/* cfg.underlay's device, RTNL */

	spinlock_t lock;		/* see the top of this file */
	struct vtep_htab fdb;
	atomic_t fdb_count;
	atomic_t static_count;		/* static entries, against cfg.fdb_max */
	atomic_t learned;		/* learned entries, against cfg.learn_max_dev */
	struct mem_cgroup *memcg;	/* the creator's: learning is charged there */
	struct vtep_htab locals;	/* local MACs seen, for move notices */
	struct vtep_pcpu_seen __percpu *seen;	/* learn.c */
	atomic_t local_count;
	struct rhashtable vnis;
	u32 vni_count;
	u32 vni_gen;			/* bumped by VNI/remote/neigh changes, dumps */
	struct vtep_vni __rcu *vlan_map[VLAN_N_VID];	/* [0] = untagged */
	struct vtep_htab peers;		/* struct vtep_peer, by address */
	u32 peers_parked;		/* kept at no reference, vtep->lock */
	struct ratelimit_state move_rs;	/* VTEP_EVENT_FDB_MOVED */
	struct rhashtable allow;	/* known (VNI, peer) pairs, allow.c */
	struct vtep_allow *allow_spare;	/* for the next new pair, vtep->lock */
	struct rhashtable neighs;	/* struct vtep_neigh, neigh.c */
	struct rhashtable aliases;	/* addresses of peer sets, alias.c */
	struct list_head psets;		/* struct vtep_pset, under RTNL */
	u32 nalias;			/* addresses of sets but primaries, RTNL */
	struct ratelimit_state refused_rs; /* VTEP_EVENT_PEER_REFUSED */
	struct vtep_sampler __percpu *sampler;	/* elephant.c */
	struct vtep_elephants elephants;
	struct ratelimit_state elephant_rs; /* VTEP_EVENT_ELEPHANT */
	struct vtep_route_cache routes;
	atomic_t generation;		/* bumped by every FDB change, for dumps */
	struct delayed_work ageing;

	struct vtep_pcpu_stats __percpu *stats;
	struct gro_cells gro;

	/* miss events (tx.c): each device its own budget */
	struct ratelimit_state miss_rs;
	struct ratelimit_state pmtu_rs;	/* ICMP too-big replies (pmtu.c) */
	/* around writes of cfg, so a dump without RTNL reads one state */
	seqcount_t cfg_seq;
};

/* The plain structs the boundary (rtnl.c, netlink.c) parses requests into */

/* A VTEP_A_LINK nest or IFLA_INFO_DATA: the device's settings after it */
struct vtep_link_cfg {
	struct vtep_cfg cfg;		/* the current settings, changed */
	u32 set;			/* BIT(VTEP_LINK_A_*) of those given */
};

/* The device's local address number @i (0: cfg.local) */
static inline const struct vtep_addr *vtep_cfg_local(const struct vtep_cfg *c,
						    unsigned int i)
{
	return i ? &c->more[i - 1] : &c->local;
}

/* A VTEP_A_VNI nest of VNI_NEW or VNI_SET */
struct vtep_vni_cfg {
	u32 id;
	u16 vlan;			/* 0 = untagged; with has_map */
	bool has_map, has_group, has_flood, has_peers, has_suppress;
	bool flood, suppress;
	u8 peers;			/* enum vtep_peers; with has_peers */
	struct vtep_addr group;		/* AF_UNSPEC = no group */
};

/*
 * An owner a delete or flush matches (enum vtep_owner), or this: any.
 * Learned FDB entries are of VTEP_OWNER_KERNEL, which requests never name.
 */
#define VTEP_OWNER_ANY		(-1)

/* A VTEP_A_FDB nest: one entry of the control plane */
struct vtep_fdb_cfg {
	struct vtep_vni *vni;
	u8 mac[ETH_ALEN];
	bool match_dst;			/* a delete: only if it points at dst */
	bool match_owner;		/* a delete: only if of owner */
	u8 owner;			/* enum vtep_owner: an add's, a delete's */
	struct vtep_addr dst;		/* for an add; for a delete, optional */
};

/* What a message says about an FDB entry: a copy, taken once */
struct vtep_fdb_info {
	u32 vni;
	u8 mac[ETH_ALEN];
	u8 type;			/* VTEP_FDB_TYPE_ANY: a miss, no entry */
	u8 owner;			/* of a static entry (learned: KERNEL) */
	u32 age;			/* ms since seen */
	struct vtep_addr dst;
};

/* A dump's state between messages, in cb->ctx (see dump.c) */
struct vtep_dump {
	int ifindex;			/* the device */
	u32 pos;			/* next device, VLAN slot or FDB bucket */
	u32 sub;			/* next remote of the VNI, or entry */
	u32 vni;			/* filter, 0 = any */
	u32 seq0;			/* sequence of the first message (FDB), pass */
	unsigned long tbl;		/* FDB: the bucket table walked */
	const char *errmsg;		/* with err */
	s16 err;			/* a refusal .start could not send */
	u8 type;			/* FDB filter */
	bool remotes;			/* slot dump: remotes, not VNIs */
	bool neighs;			/* slot dump: neighbours, not VNIs */
	bool sent;			/* a message went out */
	bool moved;			/* FDB: a resize moved entries under it */
};

static inline struct vtep_dump *vtep_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct vtep_dump) > sizeof(cb->ctx));
	return (struct vtep_dump *)cb->ctx;
}

/* An attribute only the kernel sends: refused in a request, by name */
#define VTEP_READ_ONLY(attr) \
	{ .type = NLA_REJECT, .reject_message = #attr " is read only" }

/* netlink.c: the genl policies, the parsers and the commands */
int vtep_netlink_init(void);
void vtep_netlink_uninit(void);

/* rtnl.c: the link nest (both families) and "ip link add ... type vtep" */
extern const struct nla_policy vtep_link_policy[VTEP_LINK_A_MAX + 1];
int vtep_nl_link_parse(struct nlattr **tb, const struct vtep_cfg *cur,
		       struct vtep_link_cfg *lc,
		       struct netlink_ext_ack *extack);
int vtep_rtnl_init(void);
void vtep_rtnl_uninit(void);

/* device.c: the net_device, its settings and its VNIs */
void vtep_dev_setup(struct net_device *dev);
bool vtep_is_vtep(const struct net_device *dev);
int vtep_dev_configure(struct vtep_dev *vtep, const struct vtep_link_cfg *lc,
		       struct netlink_ext_ack *extack);
int vtep_dev_newlink(struct net_device *dev, struct net *net,
		     const struct vtep_link_cfg *lc, bool mtu_given,
		     struct netlink_ext_ack *extack);
int vtep_dev_notifier_init(void);
void vtep_dev_notifier_uninit(void);
int vtep_dev_vni_add(struct vtep_dev *vtep, const struct vtep_vni_cfg *vc,
		     bool replace, struct netlink_ext_ack *extack);
int vtep_dev_vni_set(struct vtep_dev *vtep, const struct vtep_vni_cfg *vc,
		     struct netlink_ext_ack *extack);
int vtep_dev_vni_del(struct vtep_dev *vtep, u32 id,
		     struct netlink_ext_ack *extack);
/* dev_vni.c (with the three above): every VNI's group, joined or left */
int vtep_dev_groups(struct vtep_dev *vtep, bool join);

/* tx.c */
netdev_tx_t vtep_xmit(struct sk_buff *skb, struct net_device *dev);

/* The VXLAN header (RFC 7348): 8 flag bits (only I), 24 reserved, VNI, 8 reserved */
struct vtep_hdr {
	__be32 flags;
	__be32 vni;			/* VNI << 8 */
};
#define VTEP_HDR_I		cpu_to_be32(0x08000000)
#define VTEP_HDR_FLAGS		cpu_to_be32(0xff000000)

/* rx.c: the underlay socket's receive and GRO callbacks */
int vtep_rx_encap(struct sock *sk, struct sk_buff *skb);
struct sk_buff *vtep_rx_gro_receive(struct sock *sk, struct list_head *head,
				    struct sk_buff *skb);
int vtep_rx_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

/* fdb.c, fdb_batch.c, learn.c: the MAC table */
int vtep_fdb_init(struct vtep_dev *vtep);
void vtep_fdb_uninit(struct vtep_dev *vtep);	/* ndo_uninit: empties */
void vtep_fdb_free(struct vtep_dev *vtep);	/* priv_destructor: frees */
/* vtep_fdb_lookup(): fdb.h */
bool vtep_fdb_snap(const struct vtep_fdb *f, struct vtep_fdb_info *i);
int vtep_fdb_add_batch(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
		       unsigned int n, bool replace, u32 expect,
		       unsigned int *bad, struct netlink_ext_ack *extack);
int vtep_fdb_del_batch(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
		       unsigned int n, unsigned int *bad,
		       struct netlink_ext_ack *extack);
unsigned int vtep_fdb_flush(struct vtep_dev *vtep, struct vtep_vni *vni,
			    u8 type, int owner);
/* vtep_fdb_learn(), vtep_fdb_local_is_new(): learn.h */
int vtep_learn_limits_check(const struct vtep_dev *vtep,
			    const struct vtep_cfg *cfg,
			    struct netlink_ext_ack *extack);
/* start: on open and when cfg.ageing changes while up (runs a sweep now) */
void vtep_fdb_ageing_start(struct vtep_dev *vtep);
void vtep_fdb_ageing_stop(struct vtep_dev *vtep);

/* elephant.c: elephant flows, found by sampling, and re-steering */
int vtep_elephant_init(struct vtep_dev *vtep);
void vtep_elephant_free(struct vtep_dev *vtep);	/* priv_destructor */
void vtep_elephant_resample(struct vtep_dev *vtep);	/* RTNL */
/* Per frame: one per-CPU decrement; true when this frame is to be sampled */
static inline bool vtep_elephant_due(struct vtep_dev *vtep)
{
	return unlikely(!__this_cpu_dec_return(vtep->sampler->countdown));
}
void vtep_elephant_sample(struct vtep_dev *vtep, struct vtep_vni *vni,
			  struct sk_buff *skb, u32 hash, __be16 sport);
__be16 vtep_elephant_steer(struct vtep_dev *vtep, struct vtep_vni *vni,
			   u32 hash, __be16 sport, unsigned int len);
bool vtep_elephant_snap(struct vtep_dev *vtep, unsigned int i,
			struct vtep_flow_info *fi);

/* neigh.c: the per-VNI neighbour tables, ARP/ND suppression */
int vtep_neigh_init(struct vtep_dev *vtep);
void vtep_neigh_uninit(struct vtep_dev *vtep);	/* ndo_uninit: empties */
void vtep_neigh_free(struct vtep_dev *vtep);	/* priv_destructor */
int vtep_neigh_add(struct vtep_dev *vtep, struct vtep_vni *vni,
		   const struct vtep_addr *addr, const u8 *mac, u8 owner,
		   bool replace, struct netlink_ext_ack *extack);
int vtep_neigh_del(struct vtep_dev *vtep, struct vtep_vni *vni,
		   const struct vtep_addr *addr, int owner,
		   struct netlink_ext_ack *extack);
void vtep_neigh_flush(struct vtep_dev *vtep, struct vtep_vni *vni);
bool vtep_neigh_answer(struct vtep_dev *vtep, struct vtep_vni *vni,
		       struct sk_buff *skb, u16 vid);

/* vni.c: the VNI table and the VLAN -> VNI map */
int vtep_vni_init(struct vtep_dev *vtep);
void vtep_vni_uninit(struct vtep_dev *vtep);
struct vtep_vni *vtep_vni_lookup(struct vtep_dev *vtep, u32 id);
static inline struct vtep_vni *vtep_vni_by_vlan(struct vtep_dev *vtep, u16 vid)
{
	return rcu_dereference_bh(vtep->vlan_map[vid]);
}
int vtep_vni_vlan_check(struct vtep_dev *vtep, u16 vlan,
			struct netlink_ext_ack *extack);
struct vtep_vni *vtep_vni_alloc(struct vtep_dev *vtep,
				const struct vtep_vni_cfg *vc,
				struct netlink_ext_ack *extack);
int vtep_vni_insert(struct vtep_dev *vtep, struct vtep_vni *vni,
		    struct netlink_ext_ack *extack);
void vtep_vni_remap(struct vtep_dev *vtep, struct vtep_vni *vni, u16 vlan);
void vtep_vni_unlink(struct vtep_dev *vtep, struct vtep_vni *vni);
void vtep_vni_free(struct vtep_vni *vni);
const struct vtep_addr *vtep_vni_group(const struct vtep_vni *vni);
struct vtep_group_addr *vtep_vni_group_alloc(const struct vtep_addr *group);
void vtep_vni_group_set(struct vtep_dev *vtep, struct vtep_vni *vni,
			struct vtep_group_addr *g);
int vtep_vni_remote_new(struct vtep_dev *vtep, struct vtep_vni *vni,
			const struct vtep_addr *addr, u8 owner, bool replace,
			struct netlink_ext_ack *extack);
int vtep_vni_remote_remove(struct vtep_dev *vtep, struct vtep_vni *vni,
			   const struct vtep_addr *addr, int owner,
			   struct netlink_ext_ack *extack);
/* Of a request that names no owner (bridge fdb): UNSPEC, and any */
static inline int vtep_vni_remote_add(struct vtep_dev *vtep,
				      struct vtep_vni *vni,
				      const struct vtep_addr *addr,
				      bool replace,
				      struct netlink_ext_ack *extack)
{
	return vtep_vni_remote_new(vtep, vni, addr, VTEP_OWNER_UNSPEC, replace,
				   extack);
}

static inline int vtep_vni_remote_del(struct vtep_dev *vtep,
				      struct vtep_vni *vni,
				      const struct vtep_addr *addr,
				      struct netlink_ext_ack *extack)
{
	return vtep_vni_remote_remove(vtep, vni, addr, VTEP_OWNER_ANY, extack);
}

/* fdb_ndo.c: the FDB through rtnetlink (bridge fdb) */
int vtep_ndo_fdb_add(struct ndmsg *ndm, struct nlattr *tb[],
		     struct net_device *dev, const unsigned char *addr,
		     u16 vid, u16 flags, struct netlink_ext_ack *extack);
int vtep_ndo_fdb_del(struct ndmsg *ndm, struct nlattr *tb[],
		     struct net_device *dev, const unsigned char *addr,
		     u16 vid, struct netlink_ext_ack *extack);
int vtep_ndo_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb,
		      struct net_device *dev, struct net_device *filter_dev,
		      int *idx);

#include "peer.h"

/* route.c: the per-device route cache (bottom halves off to get/set) */
int vtep_route_init(struct vtep_route_cache *rc);
void vtep_route_destroy(struct vtep_route_cache *rc);
void vtep_route_flush(struct vtep_route_cache *rc);
struct dst_entry *vtep_route_get(struct vtep_route_cache *rc,
				 const struct vtep_addr *to, u32 mark, u8 tos,
				 u8 local, struct vtep_addr *from);
void vtep_route_set(struct vtep_route_cache *rc, const struct vtep_addr *to,
		    u32 mark, u8 tos, u8 local, struct dst_entry *dst,
		    const struct vtep_addr *from);

/* flow.c: inner-flow hash -> outer UDP source port */
void vtep_flow_init(void);
void vtep_flow_vni_init(struct vtep_vni *vni);
u32 vtep_flow_hash(struct sk_buff *skb, const struct vtep_vni *vni, u8 inner);
__be16 vtep_flow_port(const struct vtep_dev *vtep, u32 hash);
unsigned int vtep_flow_local(u32 hash, __be16 sport, unsigned int n);
void vtep_flow_tuple(struct sk_buff *skb, struct vtep_flow_tuple *t);

/* pmtu.c: the ICMP "too big" a router on the path would send */
void vtep_pmtu_reply(struct net_device *dev, const struct sk_buff *skb,
		     u8 inner, u16 vid, int mtu);

#include "underlay.h"

/* stats.c */
int vtep_stats_alloc(struct vtep_pcpu_stats __percpu **stats);
void vtep_stats_free(struct vtep_pcpu_stats __percpu *stats);
void vtep_stats_add(struct vtep_dev *vtep, struct vtep_vni *vni,
		    enum vtep_stat idx, u64 n);
void vtep_stats_packet(struct vtep_dev *vtep, struct vtep_vni *vni,
		       enum vtep_stat idx, unsigned int len);
void vtep_stats_inc(struct vtep_dev *vtep, struct vtep_vni *vni,
		    enum vtep_stat idx);
void vtep_drop(struct vtep_dev *vtep, struct vtep_vni *vni,
	       struct sk_buff *skb, enum vtep_stat idx,
	       enum skb_drop_reason why);
/* The reason an inner CE mark that cannot be carried gives (RFC 6040) */
#ifdef VTEP_HAVE_VXLAN_DROP_REASONS
#define VTEP_SKB_REASON_ECN	SKB_DROP_REASON_IP_TUNNEL_ECN
#else
#define VTEP_SKB_REASON_ECN	SKB_DROP_REASON_NOT_SPECIFIED
#endif
void vtep_stats_sum(const struct vtep_pcpu_stats __percpu *stats,
		    u64 out[__VTEP_STAT_MAX]);
extern const char vtep_stat_names[__VTEP_STAT_MAX][ETH_GSTRING_LEN];
int vtep_stats_fill(struct sk_buff *skb, int attrtype,
		    const struct vtep_pcpu_stats __percpu *stats);
void vtep_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
void vtep_stats_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info);
int vtep_stats_sset_count(struct net_device *dev, int sset);
void vtep_stats_strings(struct net_device *dev, u32 sset, u8 *buf);
void vtep_stats_ethtool(struct net_device *dev, struct ethtool_stats *stats,
			u64 *data);

/* events.c: the genl family and its "events" group */
extern struct genl_family vtep_genl_family;
int vtep_events_register(const struct genl_ops *ops, unsigned int n_ops,
			 const struct nla_policy *policy, unsigned int maxattr);
void vtep_events_unregister(void);
bool vtep_events_wanted(struct vtep_dev *vtep);
void vtep_event_fdb(struct vtep_dev *vtep, enum vtep_event ev,
		    const struct vtep_fdb_info *i, gfp_t gfp);
void vtep_event_vni(struct vtep_dev *vtep, enum vtep_event ev, u32 vni);
void vtep_event_peer(struct vtep_dev *vtep, u32 vni,
		     const struct vtep_addr *src);
void vtep_event_elephant(struct vtep_dev *vtep,
			 const struct vtep_flow_info *fi);

#endif /* _VTEP_H */
