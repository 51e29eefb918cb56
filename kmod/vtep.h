/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtep: private structures and the functions each file offers the others.
 *
 * Locking, in one place:
 *  - RTNL serialises configuration: device settings, VNI add/set/del,
 *    remote add/del, open/stop, the per-netns socket list. Every mutating
 *    genl command runs under RTNL.
 *  - vtep->lock (a BH spinlock) serialises writers of the FDB, the local MAC
 *    table, the VNI table, the remote hash and the replication lists, since
 *    learning and ageing write the FDB from softirq and the workqueue.
 *  - Readers on the datapath use RCU (rcu_read_lock_bh / softirq) only.
 */
#ifndef _VTEP_H
#define _VTEP_H

#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rhashtable.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/in6.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/genetlink.h>
#include <uapi/linux/vtep.h>

#include "compat.h"

/* Outer IPv4/IPv6 + UDP + VXLAN + inner Ethernet header */
#define VTEP_HLEN		(sizeof(struct udphdr) + 8)
#define VTEP_OVERHEAD4		(20 + VTEP_HLEN + ETH_HLEN)	/* 50 */
#define VTEP_OVERHEAD6		(40 + VTEP_HLEN + ETH_HLEN)	/* 70 */

/* An underlay address: the family is AF_INET or AF_INET6 (AF_UNSPEC: none) */
struct vtep_addr {
	sa_family_t family;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	};
};

/* Device settings; written under RTNL, read on the datapath with READ_ONCE */
struct vtep_cfg {
	struct vtep_addr local;		/* family decides the underlay family */
	__be16 port;
	u16 port_min, port_max;
	int link;			/* underlay ifindex, 0 = none */
	u8 ttl, tos, df;
	bool learning, udp_csum, move_notice;
	u32 ageing;			/* seconds, 0 = never */
	u32 fdb_max;			/* 0 = unlimited */
};

/* Per-CPU counters, indexed by enum vtep_stat */
struct vtep_pcpu_stats {
	u64 c[__VTEP_STAT_MAX];
	struct u64_stats_sync syncp;
};

/*
 * One remote VTEP, shared by every FDB entry and replication list of the
 * device that points at it; holds the route cache so a MAC entry stays small.
 */
struct vtep_remote {
	struct hlist_node node;		/* vtep->remotes[], under vtep->lock */
	struct vtep_addr addr;
	refcount_t ref;
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

/* An entry of a VNI's head-end replication list */
struct vtep_vni_remote {
	struct list_head node;		/* vni->remotes, RCU */
	struct vtep_remote *remote;	/* holds a reference */
	struct rcu_head rcu;
};

struct vtep_vni {
	struct rhash_head node;		/* vtep->vnis, keyed by id */
	u32 id;
	u16 vlan;			/* 0 = untagged */
	bool flood;
	struct vtep_addr group;		/* AF_UNSPEC = no group */
	struct list_head remotes;	/* struct vtep_vni_remote, RCU */
	u32 nremotes;
	atomic_t fdb_count;
	struct vtep_pcpu_stats __percpu *stats;
	struct rcu_head rcu;
};

/* FDB key: zero the padding, the whole struct is hashed and compared */
struct vtep_fdb_key {
	u32 vni;
	u8 mac[ETH_ALEN];
	u8 pad[2];
};

#define VTEP_FDB_STATIC		BIT(0)
#define VTEP_FDB_LOCAL		BIT(1)	/* entry of the local MAC table */

struct vtep_fdb {
	struct rhash_head node;
	struct vtep_fdb_key key;
	u8 flags;
	struct vtep_remote __rcu *remote;	/* NULL in the local MAC table */
	unsigned long seen;		/* jiffies: last received from, or set */
	struct rcu_head rcu;
};

struct vtep_sock;

struct vtep_dev {
	struct net_device *dev;
	struct net *net;
	struct list_head net_node;	/* vtep_net->devs, under RTNL */
	struct list_head sock_node;	/* vs->devs, RCU, under RTNL */
	struct vtep_sock __rcu *sock;	/* set while up */
	struct vtep_cfg cfg;

	spinlock_t lock;		/* see the top of this file */
	struct rhashtable fdb;
	atomic_t fdb_count;
	struct rhashtable locals;	/* local MACs seen, for move notices */
	atomic_t local_count;
	struct rhashtable vnis;
	u32 vni_count;
	struct vtep_vni __rcu *vlan_map[VLAN_N_VID];	/* [0] = untagged */
	struct hlist_head remotes[256];
	atomic_t generation;		/* bumped by every FDB change, for dumps */
	struct delayed_work ageing;

	struct vtep_pcpu_stats __percpu *stats;
	struct gro_cells gro;
};

/* main.c */
extern unsigned int vtep_net_id;
struct vtep_net {
	struct list_head devs;		/* vtep_dev, under RTNL */
	struct list_head socks;		/* vtep_sock, under RTNL */
};

/* device.c */
extern struct rtnl_link_ops vtep_link_ops;
int vtep_device_init(void);
void vtep_device_uninit(void);
bool vtep_is_vtep(const struct net_device *dev);
int vtep_dev_apply(struct vtep_dev *vtep, struct nlattr *tb[],
		   struct netlink_ext_ack *extack);
int vtep_dev_fill_cfg(struct sk_buff *skb, const struct vtep_dev *vtep);
int vtep_dev_vni_add(struct vtep_dev *vtep, struct nlattr *tb[], bool replace,
		     struct netlink_ext_ack *extack);
int vtep_dev_vni_set(struct vtep_dev *vtep, struct nlattr *tb[],
		     struct netlink_ext_ack *extack);
int vtep_dev_vni_del(struct vtep_dev *vtep, u32 id,
		     struct netlink_ext_ack *extack);

/* vni.c: the VNI table and the VLAN -> VNI map */
int vtep_vni_init(struct vtep_dev *vtep);
void vtep_vni_uninit(struct vtep_dev *vtep);
struct vtep_vni *vtep_vni_lookup(struct vtep_dev *vtep, u32 id);
static inline struct vtep_vni *vtep_vni_by_vlan(struct vtep_dev *vtep, u16 vid)
{
	return rcu_dereference_bh(vtep->vlan_map[vid]);
}
struct vtep_vni *vtep_vni_create(struct vtep_dev *vtep, u32 id, u16 vlan,
				 const struct vtep_addr *group, bool flood,
				 struct netlink_ext_ack *extack);
int vtep_vni_remap(struct vtep_dev *vtep, struct vtep_vni *vni, u16 vlan,
		   struct netlink_ext_ack *extack);
void vtep_vni_destroy(struct vtep_dev *vtep, struct vtep_vni *vni);
int vtep_vni_remote_add(struct vtep_dev *vtep, struct vtep_vni *vni,
			const struct vtep_addr *addr, bool replace,
			struct netlink_ext_ack *extack);
int vtep_vni_remote_del(struct vtep_dev *vtep, struct vtep_vni *vni,
			const struct vtep_addr *addr,
			struct netlink_ext_ack *extack);

/* remote.c: shared, refcounted remote VTEPs */
struct vtep_remote *vtep_remote_get(struct vtep_dev *vtep,
				    const struct vtep_addr *addr, gfp_t gfp);
/* with vtep->lock held: the last put unhashes the remote under that lock */
void vtep_remote_put(struct vtep_dev *vtep, struct vtep_remote *r);
bool vtep_addr_equal(const struct vtep_addr *a, const struct vtep_addr *b);

/* fdb.c: the MAC table */
int vtep_fdb_init(struct vtep_dev *vtep);
void vtep_fdb_uninit(struct vtep_dev *vtep);	/* ndo_uninit: empties */
void vtep_fdb_free(struct vtep_dev *vtep);	/* priv_destructor: frees */
struct vtep_fdb *vtep_fdb_lookup(struct vtep_dev *vtep, u32 vni,
				 const u8 *mac);
int vtep_fdb_add(struct vtep_dev *vtep, struct vtep_vni *vni, const u8 *mac,
		 const struct vtep_addr *dst, bool replace,
		 struct netlink_ext_ack *extack);
int vtep_fdb_del(struct vtep_dev *vtep, u32 vni, const u8 *mac);
unsigned int vtep_fdb_flush(struct vtep_dev *vtep, u32 vni, u8 type);
void vtep_fdb_learn(struct vtep_dev *vtep, struct vtep_vni *vni,
		    const u8 *mac, const struct vtep_addr *src);
bool vtep_fdb_local_is_new(struct vtep_dev *vtep, u32 vni, const u8 *mac);
/* start: on open and when cfg.ageing changes while up (runs a sweep now) */
void vtep_fdb_ageing_start(struct vtep_dev *vtep);
void vtep_fdb_ageing_stop(struct vtep_dev *vtep);

/* flow.c: inner-flow hash -> outer UDP source port */
__be16 vtep_flow_src_port(const struct vtep_dev *vtep, struct sk_buff *skb,
			   u32 vni);

/* tx.c */
netdev_tx_t vtep_xmit(struct sk_buff *skb, struct net_device *dev);

/* rx.c */
int vtep_rx_encap(struct sock *sk, struct sk_buff *skb);

/* underlay.c: shared UDP sockets and multicast joins */

/* The VXLAN header (RFC 7348): 8 flag bits (only I), 24 reserved, VNI, 8 reserved */
struct vtep_hdr {
	__be32 flags;
	__be32 vni;			/* VNI << 8 */
};
#define VTEP_HDR_I		cpu_to_be32(0x08000000)
#define VTEP_HDR_FLAGS		cpu_to_be32(0xff000000)

struct vtep_sock {
	struct list_head node;		/* vtep_net->socks, under RTNL */
	struct socket *sock;
	int (*encap_rcv)(struct sock *sk, struct sk_buff *skb);
	struct list_head devs;		/* vtep_dev.sock_node, RCU */
	struct vtep_addr local;
	__be16 port;
	int refcnt;			/* under RTNL */
	struct list_head groups;	/* joined groups, under RTNL */
	struct rcu_head rcu;
};
int vtep_underlay_open(struct vtep_dev *vtep,
		       int (*encap_rcv)(struct sock *sk, struct sk_buff *skb));
void vtep_underlay_close(struct vtep_dev *vtep);
int vtep_underlay_join(struct vtep_dev *vtep, const struct vtep_addr *group);
void vtep_underlay_leave(struct vtep_dev *vtep, const struct vtep_addr *group);

/* stats.c */
int vtep_stats_alloc(struct vtep_pcpu_stats __percpu **stats);
void vtep_stats_free(struct vtep_pcpu_stats __percpu *stats);
void vtep_stats_add(struct vtep_dev *vtep, struct vtep_vni *vni,
		    enum vtep_stat idx, u64 n);
static inline void vtep_stats_inc(struct vtep_dev *vtep, struct vtep_vni *vni,
				  enum vtep_stat idx)
{
	vtep_stats_add(vtep, vni, idx, 1);
}
void vtep_stats_sum(const struct vtep_pcpu_stats __percpu *stats,
		    u64 out[__VTEP_STAT_MAX]);
extern const char vtep_stat_names[__VTEP_STAT_MAX][ETH_GSTRING_LEN];
int vtep_stats_fill(struct sk_buff *skb, int attrtype,
		    const struct vtep_pcpu_stats __percpu *stats);
void vtep_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
extern const struct ethtool_ops vtep_ethtool_ops;
/* the room vtep_stats_fill() takes in a message */
static inline size_t vtep_stats_size(void)
{
	return nla_total_size(0) + __VTEP_STAT_MAX * nla_total_size(sizeof(u64));
}

/* events.c: the genl family and its "events" group */
extern struct genl_family vtep_genl_family;
int vtep_events_register(const struct genl_ops *ops, unsigned int n_ops,
			 const struct nla_policy *policy, unsigned int maxattr);
void vtep_events_unregister(void);
void vtep_event_fdb(struct vtep_dev *vtep, enum vtep_event ev, u32 vni,
		    const u8 *mac, const struct vtep_addr *dst, u8 flags,
		    gfp_t gfp);
void vtep_event_vni(struct vtep_dev *vtep, enum vtep_event ev, u32 vni);
int vtep_nla_put_addr(struct sk_buff *skb, int attr4, int attr6,
		      const struct vtep_addr *a);

/* netlink.c: the genl policies, request checks and the commands that change */
int vtep_netlink_init(void);
void vtep_netlink_uninit(void);
struct vtep_dev *vtep_nl_dev(struct net *net, struct nlattr **attrs,
			     struct netlink_ext_ack *extack);
struct vtep_vni *vtep_nl_vni(struct vtep_dev *vtep, struct nlattr *id,
			     struct netlink_ext_ack *extack);
int vtep_nl_vni_parse(struct genl_info *info, struct nlattr **tb);
struct vtep_nl_fdb {			/* one VTEP_A_FDB of a request */
	struct vtep_vni *vni;
	const u8 *mac;
	struct vtep_addr dst;
};
int vtep_nl_fdb_parse(struct vtep_dev *vtep, struct nlattr *nest, bool add,
		      struct vtep_nl_fdb *req, struct netlink_ext_ack *extack);
int vtep_nl_fdb_filter(struct vtep_dev *vtep, struct nlattr *nest, u32 *vni,
		       u8 *type, struct netlink_ext_ack *extack);
int vtep_nl_remote_filter(struct vtep_dev *vtep, struct nlattr *nest,
			  u32 *vni, struct netlink_ext_ack *extack);

/* dump.c: replies to the commands that get, and the dumps */
int vtep_nl_get(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_dump_start(struct netlink_callback *cb);
int vtep_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _VTEP_H */
