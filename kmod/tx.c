// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: the device's ndo_start_xmit. The frame's VLAN tag (or its
 * absence) selects the VNI; the FDB says which peer (remote VTEP) has the
 * destination MAC; broadcast, multicast and unknown unicast go to the VNI's
 * group and to each remote of its replication list, one copy each. Each
 * copy is encapsulated (RFC 7348) and sent over the underlay socket.
 *
 * Runs in softirq context (BH off, under rcu_read_lock_bh from
 * dev_queue_xmit) with no lock of ours: the device is LLTX and every table
 * is read under RCU. GSO frames stay whole: they leave as UDP-tunnel GSO
 * packets and are segmented late, by the underlay device or just before it.
 *
 * Every frame that is not sent is counted under exactly one drop reason.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ratelimit.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "vtep.h"
#include "fdb.h"
#include "learn.h"

/* What every copy of one frame shares */
struct vtep_tx {
	struct vtep_dev *vtep;
	struct vtep_vni *vni;
	struct vtep_sock *vs;
	__be16 sport;		/* from the inner flow hash */
	u8 local;		/* the local address taken (cfg.local: 0) */
	u8 inner;		/* inner IP version, 0 for anything else */
	bool xnet;
};

static void vtep_tx_count(const struct vtep_tx *tx, unsigned int len)
{
	vtep_stats_packet(tx->vtep, tx->vni, VTEP_STAT_TX_PACKETS, len);
}

/*
 * Take the outer VLAN tag off the frame and return its VLAN id (0: none).
 * The VNI carries the segment across; the far end pushes its own tag.
 * Tags come out of band (the device offers CTAG_TX), but a frame may also
 * carry one in band. Any further tag stays, as payload.
 */
static int vtep_untag(struct sk_buff *skb, u16 *vid)
{
	u16 tci;
	int err;

	*vid = 0;
	if (skb_vlan_tag_present(skb)) {
		*vid = skb_vlan_tag_get_id(skb);
		__vlan_hwaccel_clear_tag(skb);
		return 0;
	}
	if (!eth_type_vlan(eth_hdr(skb)->h_proto))
		return 0;
	err = __skb_vlan_pop(skb, &tci);
	if (err)
		return err;
	*vid = tci & VLAN_VID_MASK;
	return 0;
}

/*
 * The inner IP version (4, 6, or 0 for anything else), with its header
 * made linear: TOS, DF and the ICMP replies read it.
 */
static u8 vtep_inner(struct sk_buff *skb)
{
	__be16 proto = eth_hdr(skb)->h_proto;

	if (proto != htons(ETH_P_IP) && proto != htons(ETH_P_IPV6))
		return 0;
	skb->protocol = proto;
	skb_set_network_header(skb, ETH_HLEN);
	if (proto == htons(ETH_P_IP))
		return pskb_network_may_pull(skb, sizeof(struct iphdr)) ? 4 : 0;
	return pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) ? 6 : 0;
}

/*
 * The outer TOS: the configured one, or the inner header's DS field with
 * "inherit". The inner header is read once, at the offset and with the
 * version vtep_inner() found (ip_tunnel_ecn_encap() would find both
 * again from skb->protocol, twice with inherit).
 */
static u8 vtep_tos(const struct vtep_tx *tx, const struct sk_buff *skb)
{
	u8 tos = READ_ONCE(tx->vtep->cfg.tos);
	u8 inner = 0;

	if (tx->inner == 4)
		inner = ip_hdr(skb)->tos;
	else if (tx->inner == 6)
		inner = ipv6_get_dsfield(ipv6_hdr(skb));
	if (tos == VTEP_TOS_INHERIT)
		tos = inner;
	/* RFC 6040: the outer ECN field follows the inner one */
	return INET_ECN_encapsulate(tos, inner);
}

static __be16 vtep_df(const struct vtep_tx *tx, const struct sk_buff *skb)
{
	switch (READ_ONCE(tx->vtep->cfg.df)) {
	case VTEP_DF_SET:
		return htons(IP_DF);
	case VTEP_DF_INHERIT:
		if (tx->inner == 6 ||
		    (tx->inner == 4 && (ip_hdr(skb)->frag_off & htons(IP_DF))))
			return htons(IP_DF);
	}
	return 0;
}

/*
 * Whether @skb, encapsulated, exceeds the path MTU of @dst (the caller
 * knows the outer packet may not be fragmented); if so the sender is told.
 */
static bool vtep_too_big(const struct vtep_tx *tx, const struct sk_buff *skb,
			 const struct dst_entry *dst, unsigned int iphlen)
{
	int mtu = (int)dst_mtu(dst) - (int)(iphlen + VTEP_HLEN + ETH_HLEN);

	if (skb_is_gso(skb)) {
		if (mtu > 0 && skb_gso_validate_network_len(skb, mtu))
			return false;
	} else if ((int)(skb->len - ETH_HLEN) <= mtu) {
		return false;
	}
	vtep_pmtu_reply(tx->vtep->dev, skb, tx->inner,
			READ_ONCE(tx->vni->vlan), mtu);
	return true;
}

/* ---- encapsulation and the underlay ---- */

static int vtep_encap(struct sk_buff *skb, const struct dst_entry *dst,
		      unsigned int iphlen, u32 vni, bool csum)
{
	struct vtep_hdr *vh;
	int err;

	/* Also unshares a cloned header: flood copies each get their own. */
	err = skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
				iphlen + VTEP_HLEN);
	if (err)
		return err;
	err = udp_tunnel_handle_offloads(skb, csum);
	if (err)
		return err;
	vh = __skb_push(skb, sizeof(*vh));
	vh->flags = VTEP_HDR_I;
	vh->vni = cpu_to_be32(vni << 8);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));
	return 0;
}

/*
 * Routes come from the device's route cache (route.c) where they can: the
 * key is the destination, the mark and the DS field, every input of the
 * lookup below that changes per packet. The source port is left out, as
 * it is by every cached tunnel route in the kernel.
 */
static struct rtable *vtep_route4(const struct vtep_tx *tx,
				  const struct sk_buff *skb,
				  const struct vtep_addr *to, __be32 *saddr,
				  u8 tos)
{
	struct vtep_dev *vtep = tx->vtep;
	struct vtep_addr from = { .family = AF_INET };
	struct dst_entry *dst;
	struct rtable *rt;
	struct flowi4 fl4;

	dst = vtep_route_get(&vtep->routes, to, skb->mark, tos, tx->local,
			     &from);
	if (dst) {
		*saddr = from.ip4;
		return container_of(dst, struct rtable, dst);
	}
	memset(&fl4, 0, sizeof(fl4));
	/* A group is reached on the underlay link we joined it on. */
	if (ipv4_is_multicast(to->ip4))
		fl4.flowi4_oif = READ_ONCE(vtep->cfg.underlay);
	fl4.flowi4_tos = RT_TOS(tos);
	fl4.flowi4_mark = skb->mark;
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.daddr = to->ip4;
	fl4.saddr = *saddr;
	fl4.fl4_sport = tx->sport;
	fl4.fl4_dport = vtep->cfg.port;
	rt = ip_route_output_key(vtep->net, &fl4);
	if (IS_ERR(rt))
		return rt;
	if (rt->dst.dev == vtep->dev) {		/* would come back to us */
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl4.saddr;
	from.ip4 = fl4.saddr;
	vtep_route_set(&vtep->routes, to, skb->mark, tos, tx->local, &rt->dst,
		       &from);
	return rt;
}

static void vtep_xmit4(const struct vtep_tx *tx, struct sk_buff *skb,
		       const struct vtep_addr *to)
{
	struct vtep_dev *vtep = tx->vtep;
	bool mcast = ipv4_is_multicast(to->ip4);
	__be32 saddr = vtep_cfg_local(&vtep->cfg, tx->local)->ip4;
	unsigned int len = skb->len;
	enum vtep_stat reason;
	struct rtable *rt;
	u8 tos, ttl;
	__be16 df;
	bool csum;

	tos = vtep_tos(tx, skb);
	rt = vtep_route4(tx, skb, to, &saddr, tos);
	if (IS_ERR(rt)) {
		reason = VTEP_STAT_DROP_NO_ROUTE;
		goto drop;
	}
	df = vtep_df(tx, skb);
	if (df && vtep_too_big(tx, skb, &rt->dst, sizeof(struct iphdr))) {
		ip_rt_put(rt);
		reason = VTEP_STAT_DROP_TOO_BIG;
		goto drop;
	}
	/*
	 * Floods to a group stay on the underlay segment unless told
	 * otherwise, as with the kernel's vxlan: a routed multicast underlay
	 * sets a TTL explicitly.
	 */
	ttl = READ_ONCE(vtep->cfg.ttl) ?: (mcast ? 1 : ip4_dst_hoplimit(&rt->dst));
	csum = READ_ONCE(vtep->cfg.udp_csum);
	if (vtep_encap(skb, &rt->dst, sizeof(struct iphdr), tx->vni->id, csum)) {
		ip_rt_put(rt);
		reason = VTEP_STAT_DROP_TX_ERROR;
		goto drop;
	}
	/*
	 * iptunnel_xmit() accounts to skb->dev's dev->tstats, which this
	 * device does not have (it keeps its own counters): with no device
	 * it accounts nothing. ip_output() sets the underlay device.
	 */
	skb->dev = NULL;
	udp_tunnel_xmit_skb(rt, tx->vs->sock->sk, skb, saddr, to->ip4, tos, ttl,
			    df, tx->sport, vtep->cfg.port, tx->xnet, !csum);
	vtep_tx_count(tx, len);
	return;

drop:
	vtep_drop(vtep, tx->vni, skb, reason, SKB_NOT_DROPPED_YET);
}

static struct dst_entry *vtep_route6(const struct vtep_tx *tx,
				     const struct sk_buff *skb,
				     const struct vtep_addr *to,
				     struct in6_addr *saddr, u8 tos)
{
	struct vtep_dev *vtep = tx->vtep;
	struct vtep_addr from = { .family = AF_INET6 };
	struct dst_entry *dst;
	struct flowi6 fl6;

	dst = vtep_route_get(&vtep->routes, to, skb->mark, tos, tx->local,
			     &from);
	if (dst) {
		*saddr = from.ip6;
		return dst;
	}
	memset(&fl6, 0, sizeof(fl6));
	if (ipv6_addr_is_multicast(&to->ip6) ||
	    (ipv6_addr_type(&to->ip6) & IPV6_ADDR_LINKLOCAL))
		fl6.flowi6_oif = READ_ONCE(vtep->cfg.underlay);
	fl6.daddr = to->ip6;
	fl6.saddr = *saddr;
	fl6.flowlabel = ip6_make_flowinfo(tos, 0);
	fl6.flowi6_mark = skb->mark;
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.fl6_sport = tx->sport;
	fl6.fl6_dport = vtep->cfg.port;
	dst = ipv6_stub->ipv6_dst_lookup_flow(vtep->net, tx->vs->sock->sk,
					      &fl6, NULL);
	if (IS_ERR(dst))
		return dst;
	if (dst->dev == vtep->dev) {		/* would come back to us */
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl6.saddr;
	from.ip6 = fl6.saddr;
	vtep_route_set(&vtep->routes, to, skb->mark, tos, tx->local, dst,
		       &from);
	return dst;
}

static void vtep_xmit6(const struct vtep_tx *tx, struct sk_buff *skb,
		       const struct vtep_addr *to)
{
	struct vtep_dev *vtep = tx->vtep;
	struct in6_addr saddr = vtep_cfg_local(&vtep->cfg, tx->local)->ip6;
	struct in6_addr daddr = to->ip6;
	unsigned int len = skb->len;
	enum vtep_stat reason;
	struct dst_entry *dst;
	u8 tos, ttl;

	tos = vtep_tos(tx, skb);
	dst = vtep_route6(tx, skb, to, &saddr, tos);
	if (IS_ERR(dst)) {
		reason = VTEP_STAT_DROP_NO_ROUTE;
		goto drop;
	}
	/* IPv6 routers never fragment, and we do not either. */
	if (vtep_too_big(tx, skb, dst, sizeof(struct ipv6hdr))) {
		dst_release(dst);
		reason = VTEP_STAT_DROP_TOO_BIG;
		goto drop;
	}
	ttl = READ_ONCE(vtep->cfg.ttl) ?:
	      (ipv6_addr_is_multicast(&daddr) ? 1 : ip6_dst_hoplimit(dst));
	/* udp_tunnel6_xmit_skb() does not scrub, unlike the IPv4 path */
	skb_scrub_packet(skb, tx->xnet);
	/* RFC 6935/6936: zero UDP checksums over IPv6 only by exception */
	if (vtep_encap(skb, dst, sizeof(struct ipv6hdr), tx->vni->id, true)) {
		dst_release(dst);
		reason = VTEP_STAT_DROP_TX_ERROR;
		goto drop;
	}
	/* No device: see vtep_xmit4() on tunnel statistics. */
	udp_tunnel6_xmit_skb(dst, tx->vs->sock->sk, skb, NULL, &saddr, &daddr,
			     tos, ttl, 0, tx->sport, vtep->cfg.port, false);
	vtep_tx_count(tx, len);
	return;

drop:
	vtep_drop(vtep, tx->vni, skb, reason, SKB_NOT_DROPPED_YET);
}

/* Send @skb (consumed) to @to. */
static void vtep_xmit_one(const struct vtep_tx *tx, struct sk_buff *skb,
			  const struct vtep_addr *to)
{
	if (unlikely(to->family != tx->vs->local.family)) {
		vtep_drop(tx->vtep, tx->vni, skb, VTEP_STAT_DROP_NO_ROUTE,
			  SKB_NOT_DROPPED_YET);
		return;
	}
	if (to->family == AF_INET6)
		vtep_xmit6(tx, skb, to);
	else
		vtep_xmit4(tx, skb, to);
}

/* One of our own addresses (a replication list may hold them all) */
static bool vtep_is_local(const struct vtep_cfg *cfg,
			  const struct vtep_addr *a)
{
	unsigned int i;

	if (vtep_addr_equal(a, &cfg->local))
		return true;
	for (i = 0; i + 1 < cfg->nlocals; i++)
		if (vtep_addr_equal(a, &cfg->more[i]))
			return true;
	return false;
}

/*
 * Queue @addr as the next flood destination, sending a copy to the one
 * queued before: the last destination gets the original, so a flood to
 * one destination costs no clone.
 */
static void vtep_flood_add(const struct vtep_tx *tx, struct sk_buff *skb,
			   const struct vtep_addr **prev,
			   const struct vtep_addr *addr)
{
	struct sk_buff *copy;

	if (*prev) {
		copy = skb_clone(skb, GFP_ATOMIC);
		if (copy)
			vtep_xmit_one(tx, copy, *prev);
		else
			vtep_stats_inc(tx->vtep, tx->vni,
				       VTEP_STAT_DROP_TX_ERROR);
	}
	*prev = addr;
}

/*
 * Send @skb to the VNI's group and to each remote of its replication list,
 * and to @also (the known destination of a move notice) unless the list
 * has it already. Never to ourselves.
 */
static void vtep_flood(const struct vtep_tx *tx, struct sk_buff *skb,
		       struct vtep_peer *also)
{
	const struct vtep_cfg *cfg = &tx->vtep->cfg;
	struct vtep_vni *vni = tx->vni;
	const struct vtep_addr *prev = NULL;
	const struct vtep_group_addr *g;
	struct vtep_vni_remote *vr;

	/* Old or new, never half of each: RTNL replaces it whole. */
	g = rcu_dereference_bh(vni->group);
	if (g)
		vtep_flood_add(tx, skb, &prev, &g->addr);
	list_for_each_entry_rcu(vr, &vni->remotes, node) {
		struct vtep_peer *r = vr->peer;

		if (vtep_is_local(cfg, &r->addr))
			continue;
		if (r == also)	/* peers are shared: one object per address */
			also = NULL;
		else if (unlikely(also && vtep_alias_any(tx->vtep)) &&
			 vtep_alias_same(tx->vtep, &r->addr, &also->addr))
			also = NULL;	/* or one peer, several addresses */
		if (READ_ONCE(vr->dup))	/* an earlier entry reached its peer */
			continue;
		vtep_flood_add(tx, skb, &prev, &r->addr);
	}
	if (also)
		vtep_flood_add(tx, skb, &prev, &also->addr);

	if (!prev) {
		vtep_drop(tx->vtep, vni, skb, VTEP_STAT_DROP_NO_DEST,
			  SKB_NOT_DROPPED_YET);
		return;
	}
	vtep_stats_inc(tx->vtep, vni, VTEP_STAT_TX_FLOOD);
	vtep_xmit_one(tx, skb, prev);
}

/* A miss has no entry behind it: no destination, no type. */
static void vtep_tx_miss(const struct vtep_tx *tx, const u8 *mac)
{
	struct vtep_fdb_info i = {
		.vni = tx->vni->id,
		.type = VTEP_FDB_TYPE_ANY,
	};

	ether_addr_copy(i.mac, mac);
	vtep_event_fdb(tx->vtep, VTEP_EVENT_FDB_MISS, &i, GFP_ATOMIC);
}

netdev_tx_t vtep_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	struct vtep_tx tx = { .vtep = vtep };
	struct vtep_peer *r = NULL;
	const struct ethhdr *eth;
	enum vtep_stat reason;
	struct vtep_fdb *f;
	bool notice;
	u16 vid;
	u32 hash;

	rcu_read_lock();
	tx.vs = rcu_dereference(vtep->sock);
	if (unlikely(!tx.vs) || !pskb_may_pull(skb, ETH_HLEN)) {
		reason = VTEP_STAT_DROP_TX_ERROR;
		goto drop;
	}
	skb_reset_mac_header(skb);
	if (vtep_untag(skb, &vid)) {
		reason = VTEP_STAT_DROP_TX_ERROR;
		goto drop;
	}
	tx.vni = vtep_vni_by_vlan(vtep, vid);
	if (!tx.vni) {
		reason = VTEP_STAT_DROP_NO_VNI;
		goto drop;
	}
	/* A request the control plane can answer goes no further. */
	if (unlikely(READ_ONCE(tx.vni->suppress)) &&
	    vtep_neigh_answer(vtep, tx.vni, skb, vid)) {
		consume_skb(skb);
		goto out;
	}
	tx.inner = vtep_inner(skb);
	tx.xnet = !net_eq(vtep->net, dev_net(dev));
	hash = vtep_flow_hash(skb, tx.vni, tx.inner);
	tx.sport = vtep_flow_port(vtep, hash);
	/* Off, re-steering changes nothing: not even a lookup. */
	if (READ_ONCE(vtep->cfg.resteer))
		tx.sport = vtep_elephant_steer(vtep, tx.vni, hash, tx.sport,
						    skb->len);
	/* Set only while down: read plainly. One address: nothing to choose. */
	if (unlikely(vtep->cfg.nlocals > 1))
		tx.local = vtep_flow_local(hash, tx.sport, vtep->cfg.nlocals);
	if (vtep_elephant_due(vtep))
		vtep_elephant_sample(vtep, tx.vni, skb, hash, tx.sport);

	eth = eth_hdr(skb);
	/* A local MAC not seen lately may have just moved here: announce it. */
	notice = READ_ONCE(vtep->cfg.move_notice) &&
		 is_valid_ether_addr(eth->h_source) &&
		 vtep_fdb_local_is_new(vtep, tx.vni->id, eth->h_source);

	if (is_multicast_ether_addr(eth->h_dest)) {
		vtep_flood(&tx, skb, NULL);
		goto out;
	}
	f = vtep_fdb_lookup(vtep, tx.vni->id, eth->h_dest);
	if (f)
		r = rcu_dereference(f->peer);
	if (r && !notice) {
		vtep_xmit_one(&tx, skb, &r->addr);
		goto out;
	}
	if (r) {
		vtep_stats_inc(vtep, tx.vni, VTEP_STAT_TX_MOVE_NOTICE);
		vtep_flood(&tx, skb, r);
		goto out;
	}
	if (!READ_ONCE(tx.vni->flood)) {
		/*
		 * Miss events are for a controller filling the FDB on demand:
		 * a burst of frames to unknown MACs must not become a burst
		 * of messages. The budget is the device's (vtep_dev_setup()).
		 */
		if (__ratelimit(&vtep->miss_rs))
			vtep_tx_miss(&tx, eth->h_dest);
		reason = VTEP_STAT_DROP_FLOOD_OFF;
		goto drop;
	}
	vtep_flood(&tx, skb, NULL);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;

drop:
	net_dbg_ratelimited("%s: dropped a frame: %s\n", dev->name,
			    vtep_stat_names[reason]);
	vtep_drop(vtep, tx.vni, skb, reason, SKB_NOT_DROPPED_YET);
	goto out;
}
