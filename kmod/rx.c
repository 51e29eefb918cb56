// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: the UDP socket's encap_rcv. Validates the VXLAN header, finds
 * the device and VNI, learns where the inner source MAC lives, pushes the
 * VNI's VLAN tag back and hands the inner frame to the device through
 * gro_cells. Runs in softirq under RCU (UDP's receive path holds it).
 * Also the socket's GRO callbacks, which read the same header.
 *
 * Every frame that is not delivered is counted under one drop reason. The
 * frames come from the wire, so nothing here trusts them: lengths are
 * checked before each header is read, and the header checks are strict
 * (RFC 7348 says to ignore reserved bits; like the kernel's vxlan we drop
 * them instead, so a future extension is never silently misread).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/gro.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/sock.h>

#include "vtep.h"
#include "learn.h"

/* The outer source address: where the inner source MAC lives */
static void vtep_rx_outer_src(const struct sock *sk, const struct sk_buff *skb,
			      struct vtep_addr *src)
{
	memset(src, 0, sizeof(*src));
	if (sk->sk_family == AF_INET6) {
		src->family = AF_INET6;
		src->ip6 = ipv6_hdr(skb)->saddr;
	} else {
		src->family = AF_INET;
		src->ip4 = ip_hdr(skb)->saddr;
	}
}

/* Whether an address of @set (a peer with several) is known to @vni */
static bool vtep_rx_set_known(struct vtep_dev *vtep, struct vtep_vni *vni,
			      const struct vtep_pset *set)
{
	unsigned int i;

	for (i = 0; set && i < set->n; i++)
		if (vtep_allow_check(vtep, vni, &set->a[i]))
			return true;
	return false;
}

/*
 * The inner IP header's offset from skb->data (the inner frame past its
 * Ethernet header), past any VLAN tags, and its protocol; 0 for a frame
 * that carries no IP header whole.
 */
static __be16 inner_ip(struct sk_buff *skb, unsigned int *off)
{
	__be16 proto = skb->protocol;
	int tags = 0;

	*off = 0;
	while (eth_type_vlan(proto)) {
		if (++tags > VLAN_MAX_DEPTH ||
		    !pskb_may_pull(skb, *off + VLAN_HLEN))
			return 0;
		proto = ((const struct vlan_hdr *)(skb->data + *off))->h_vlan_encapsulated_proto;
		*off += VLAN_HLEN;
	}
	if ((proto == htons(ETH_P_IP) &&
	     pskb_may_pull(skb, *off + sizeof(struct iphdr))) ||
	    (proto == htons(ETH_P_IPV6) &&
	     pskb_may_pull(skb, *off + sizeof(struct ipv6hdr))))
		return proto;
	return 0;
}

/*
 * RFC 6040: a CE mark on the outer header must reach the inner one, and
 * an inner packet that cannot carry it is dropped. The inner IP header
 * may sit behind VLAN tags; the frame may share its data with clones (a
 * multicast datagram delivered to several sockets), so it is made
 * writable before the mark is written. False, with @reason, to drop.
 */
static bool vtep_rx_ecn(const struct sock *sk, const void *oiph,
			struct sk_buff *skb, enum vtep_stat *reason,
			enum skb_drop_reason *why)
{
	unsigned int off;
	u8 outer, inner;
	__be16 proto;

	/* Read first: pulling below may move the outer header too. */
	if (sk->sk_family == AF_INET6)
		outer = ipv6_get_dsfield(oiph);
	else
		outer = ((const struct iphdr *)oiph)->tos;
	if (!INET_ECN_is_ce(outer))
		return true;

	proto = inner_ip(skb, &off);
	if (!proto)
		return true;
	if (proto == htons(ETH_P_IP))
		inner = ((const struct iphdr *)(skb->data + off))->tos;
	else
		inner = ipv6_get_dsfield((const struct ipv6hdr *)(skb->data + off));
	if (INET_ECN_is_not_ect(inner)) {
		*reason = VTEP_STAT_DROP_BAD_INNER;	/* CE on a not-ECT packet */
		*why = VTEP_SKB_REASON_ECN;
		return false;
	}
	if (INET_ECN_is_ce(inner))
		return true;

	if (skb_ensure_writable(skb, off + (proto == htons(ETH_P_IP) ?
					    sizeof(struct iphdr) :
					    sizeof(struct ipv6hdr)))) {
		*reason = VTEP_STAT_DROP_RX_ERROR;
		return false;
	}
	if (proto == htons(ETH_P_IP))
		IP_ECN_set_ce((struct iphdr *)(skb->data + off));
	else
		IP6_ECN_set_ce(skb, (struct ipv6hdr *)(skb->data + off));
	return true;
}

int vtep_rx_encap(struct sock *sk, struct sk_buff *skb)
{
	struct vtep_dev *vtep = NULL;
	enum skb_drop_reason why = SKB_NOT_DROPPED_YET;
	struct vtep_vni *vni = NULL;
	const struct vtep_hdr *vh;
	enum vtep_stat reason;
	const struct vtep_pset *set;
	struct vtep_addr src;
	struct vtep_sock *vs;
	unsigned int len;
	int nh;
	u16 vid;

	vs = rcu_dereference_sk_user_data(sk);
	if (!vs)
		goto free;		/* the socket is closing */
	/* Until the VNI names a device, count on the socket's first one. */
	vtep = list_first_or_null_rcu(&vs->devs, struct vtep_dev, sock_node);
	if (!vtep)
		goto free;

	if (!pskb_may_pull(skb, VTEP_HLEN)) {
		reason = VTEP_STAT_DROP_TOO_SHORT;
		goto drop;
	}
	vh = (const struct vtep_hdr *)(udp_hdr(skb) + 1);
	if ((vh->flags & VTEP_HDR_FLAGS) != VTEP_HDR_I) {
		reason = VTEP_STAT_DROP_BAD_FLAGS;
		goto drop;
	}
	if ((vh->flags & ~VTEP_HDR_FLAGS) || (vh->vni & cpu_to_be32(0xff))) {
		reason = VTEP_STAT_DROP_BAD_RESERVED;
		goto drop;
	}

	/* The one device of the socket that owns the VNI (underlay.c) */
	vni = vtep_underlay_vni(vs, be32_to_cpu(vh->vni) >> 8);
	if (!vni) {
		reason = VTEP_STAT_DROP_UNKNOWN_VNI;
		goto drop;
	}
	vtep = vni->vtep;
	if (skb->len < VTEP_HLEN + ETH_HLEN) {
		reason = VTEP_STAT_DROP_BAD_INNER;
		goto drop;
	}

	vtep_rx_outer_src(sk, skb, &src);
	set = vtep_alias_any(vtep) ? vtep_alias_lookup(vtep, &src) : NULL;
	/* A VNI that takes known peers only: before learning or delivery */
	if (!vtep_allow_check(vtep, vni, &src) &&
	    !vtep_rx_set_known(vtep, vni, set)) {
		if (__ratelimit(&vtep->refused_rs))
			vtep_event_peer(vtep, vni->id, &src);
		reason = VTEP_STAT_DROP_PEER;
		goto drop;
	}
	/* An offset, not a pointer: pulling may move skb->head. */
	nh = skb_network_header(skb) - skb->head;

	if (iptunnel_pull_header(skb, VTEP_HLEN, htons(ETH_P_TEB),
				 !net_eq(vtep->net, dev_net(vtep->dev)))) {
		reason = VTEP_STAT_DROP_RX_ERROR;
		goto drop;
	}
	/* Our own frames, back from a loop in the underlay or the overlay */
	if (ether_addr_equal(((const struct ethhdr *)skb->data)->h_source,
			     vtep->dev->dev_addr)) {
		reason = VTEP_STAT_DROP_LOOP;
		goto drop;
	}
	/* No station sends from a group, broadcast or all-zero address. */
	if (!is_valid_ether_addr(((const struct ethhdr *)skb->data)->h_source)) {
		reason = VTEP_STAT_DROP_BAD_SRC_MAC;
		goto drop;
	}
	skb->protocol = eth_type_trans(skb, vtep->dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);

	skb_reset_network_header(skb);
	if (!pskb_inet_may_pull(skb)) {
		reason = VTEP_STAT_DROP_TOO_SHORT;	/* inner IP header cut */
		goto drop;
	}
	if (!vtep_rx_ecn(sk, skb->head + nh, skb, &reason, &why))
		goto drop;

	/* A peer with several addresses is learned behind its primary. */
	if (set)
		src = set->a[0];
	/* Learn only from frames we deliver (their source MAC is unicast). */
	if (READ_ONCE(vtep->cfg.learning) && !vtep_addr_any(&src))
		vtep_fdb_learn(vtep, vni, eth_hdr(skb)->h_source, &src);

	vid = READ_ONCE(vni->vlan);
	if (vid)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), vid);

	len = skb->len + ETH_HLEN;
	if (gro_cells_receive(&vtep->gro, skb) != NET_RX_SUCCESS) {
		/*
		 * gro_cells freed it (with its own reason: the device is
		 * down, or its queue full)
		 */
		vtep_stats_inc(vtep, vni, VTEP_STAT_DROP_RX_ERROR);
		return 0;
	}
	vtep_stats_packet(vtep, vni, VTEP_STAT_RX_PACKETS, len);
	return 0;

drop:
	net_dbg_ratelimited("%s: dropped a received frame: %s\n",
			    vtep->dev->name, vtep_stat_names[reason]);
	/*
	 * Consumed either way: a datagram handed back to UDP would sit in the
	 * receive queue of a kernel socket nobody reads.
	 */
	vtep_drop(vtep, vni, skb, reason, why);
	return 0;
free:
	kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
	return 0;
}

/*
 * GRO, on the underlay socket: coalesce tunnel packets of one VNI before
 * decapsulation.
 */

struct sk_buff *vtep_rx_gro_receive(struct sock *sk, struct list_head *head,
				    struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb);
	const struct vtep_hdr *vh, *vh2;
	struct sk_buff *pp = NULL, *p;
	u16 outer_nh;
	int flush = 1;

	vh = skb_gro_header(skb, off + sizeof(*vh), off);
	if (!vh)
		goto out;
	/*
	 * Only well-formed headers coalesce; anything else goes up alone and
	 * rx.c counts and drops it.
	 */
	if (vh->flags != VTEP_HDR_I || (vh->vni & cpu_to_be32(0xff)))
		goto out;

	skb_gro_postpull_rcsum(skb, vh, sizeof(*vh));
	skb_gro_pull(skb, sizeof(*vh));

	/* Packets of other VNIs are other flows, whatever their inner headers. */
	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		vh2 = (const struct vtep_hdr *)(p->data + off);
		if (vh2->vni != vh->vni)
			NAPI_GRO_CB(p)->same_flow = 0;
	}

	outer_nh = skb->network_header;
	pp = call_gro_receive(eth_gro_receive, head, skb);
	/* For the socket lookup of udp_gro_complete(): see compat.h */
	if (VTEP_GRO_FIX_NETWORK_HEADER)
		skb->network_header = outer_nh;
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

/* Point the network header at the inner L3 header of the frame at @off. */
static void gro_inner_nh(struct sk_buff *skb, int off)
{
	const struct ethhdr *eth = (const struct ethhdr *)(skb->data + off);
	__be16 proto = eth->h_proto;

	off += ETH_HLEN;
	/* GRO merged these frames, so it parsed (and pulled) their tags. */
	while (eth_type_vlan(proto)) {
		proto = ((const struct vlan_hdr *)(skb->data + off))->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	skb_set_network_header(skb, off);
}

int vtep_rx_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	/* The inner TCP/UDP completion reads the inner IP header there. */
	if (VTEP_GRO_FIX_NETWORK_HEADER)
		gro_inner_nh(skb, nhoff + sizeof(struct vtep_hdr));
	/* udp_gro_complete() set skb->encapsulation: this sets the inner offsets */
	return eth_gro_complete(skb, nhoff + sizeof(struct vtep_hdr));
}
