// SPDX-License-Identifier: GPL-2.0
/*
 * ARP/ND suppression: each VNI's table of overlay neighbours (a tenant
 * host's IPv4 or IPv6 address and its MAC, as the control plane knows
 * them), and the answers the device gives, from it, to the ARP requests
 * and neighbour solicitations its local hosts send into the VNI.
 *
 * The entries of every VNI are in one rhashtable of the device, keyed by
 * (VNI, address), so transmit asks a single lookup; each VNI also lists
 * its own (vni->neighs), so that deleting a VNI, or dumping one, costs
 * what it holds. Writers hold RTNL (the genl commands, VNI deletion and
 * device teardown all do); transmit and dumps read under RCU. An entry is
 * never changed once published: a new MAC for an address is a new entry
 * that takes the old one's place, so a reader sees the old MAC or the new,
 * never a mix of both.
 *
 * What is answered, and what is left alone, is in the uapi header ("ARP/ND
 * suppression"). The answer is built as the neighbour itself would send
 * it and handed to the stack as if it had arrived on the device, tagged
 * with the request's VLAN, so the bridge above delivers it to the asker.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <net/arp.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "vtep.h"

static int neigh_cmpfn(struct rhashtable_compare_arg *arg,
		       const void *obj)
{
	const struct vtep_neigh *n = obj;

	return vtep_vni_addr_cmp(&n->key, arg->key);
}

static const struct rhashtable_params neigh_params = {
	.head_offset		= offsetof(struct vtep_neigh, node),
	.key_offset		= offsetof(struct vtep_neigh, key),
	.key_len		= sizeof(struct vtep_vni_addr_key),
	.automatic_shrinking	= true,
	.obj_cmpfn		= neigh_cmpfn,
};

int vtep_neigh_init(struct vtep_dev *vtep)
{
	return rhashtable_init(&vtep->neighs, &neigh_params);
}

/* vtep_neigh_uninit() emptied the table when the device went away. */
void vtep_neigh_free(struct vtep_dev *vtep)
{
	WARN_ON_ONCE(atomic_read(&vtep->neighs.nelems));
	rhashtable_destroy(&vtep->neighs);
}

static struct vtep_neigh *neigh_find(struct vtep_dev *vtep, u32 vni,
				     const struct vtep_addr *addr)
{
	struct vtep_vni_addr_key k;

	vtep_vni_addr_key(&k, vni, addr);
	return rhashtable_lookup_fast(&vtep->neighs, &k, neigh_params);
}

static void neigh_unlink(struct vtep_dev *vtep, struct vtep_vni *vni,
			 struct vtep_neigh *n)
{
	rhashtable_remove_fast(&vtep->neighs, &n->node, neigh_params);
	hlist_del_rcu(&n->vnode);
	vni->nneighs--;
	kfree_rcu(n, rcu);
}

/*
 * Add @addr -> @mac to @vni's table for @owner, or with @replace give an
 * address that has an entry its new MAC and owner. netlink.c checked
 * both: a unicast MAC, an address one host can own.
 */
int vtep_neigh_add(struct vtep_dev *vtep, struct vtep_vni *vni,
		   const struct vtep_addr *addr, const u8 *mac, u8 owner,
		   bool replace, struct netlink_ext_ack *extack)
{
	struct vtep_neigh *old, *n;
	int err;

	ASSERT_RTNL();
	old = neigh_find(vtep, vni->id, addr);
	if (old && !replace) {
		NL_SET_ERR_MSG(extack, "Neighbour exists in the VNI");
		return -EEXIST;
	}
	if (old && ether_addr_equal(old->mac, mac) && old->owner == owner)
		return 0;
	if (!old && vni->nneighs >= VTEP_NEIGH_VNI_MAX) {
		NL_SET_ERR_MSG(extack, "Too many neighbours in the VNI");
		return -ENOSPC;
	}
	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	vtep_vni_addr_key(&n->key, vni->id, addr);
	ether_addr_copy(n->mac, mac);
	n->owner = owner;
	if (old) {
		err = rhashtable_replace_fast(&vtep->neighs, &old->node,
					      &n->node, neigh_params);
		if (!err) {
			hlist_replace_rcu(&old->vnode, &n->vnode);
			kfree_rcu(old, rcu);
		}
	} else {
		err = rhashtable_insert_fast(&vtep->neighs, &n->node,
					     neigh_params);
		if (!err) {
			hlist_add_head_rcu(&n->vnode, &vni->neighs);
			vni->nneighs++;
		}
	}
	if (err) {
		kfree(n);
		return err;
	}
	vtep->vni_gen++;
	return 0;
}

/* -ENOENT if absent or (unless VTEP_OWNER_ANY) of another @owner */
int vtep_neigh_del(struct vtep_dev *vtep, struct vtep_vni *vni,
		   const struct vtep_addr *addr, int owner,
		   struct netlink_ext_ack *extack)
{
	struct vtep_neigh *n;

	ASSERT_RTNL();
	n = neigh_find(vtep, vni->id, addr);
	if (!n) {
		NL_SET_ERR_MSG(extack, "Neighbour is not in the VNI");
		return -ENOENT;
	}
	if (owner != VTEP_OWNER_ANY && n->owner != owner) {
		NL_SET_ERR_MSG(extack, "Neighbour is of another owner");
		return -ENOENT;
	}
	neigh_unlink(vtep, vni, n);
	vtep->vni_gen++;
	return 0;
}

/* Every entry of @vni, when the VNI goes; under RTNL. */
void vtep_neigh_flush(struct vtep_dev *vtep, struct vtep_vni *vni)
{
	struct vtep_neigh *n;
	struct hlist_node *tmp;

	ASSERT_RTNL();
	hlist_for_each_entry_safe(n, tmp, &vni->neighs, vnode)
		neigh_unlink(vtep, vni, n);
}

/* The device is going: every VNI's entries (each VNI holds one slot). */
void vtep_neigh_uninit(struct vtep_dev *vtep)
{
	struct vtep_vni *vni;
	unsigned int i;

	ASSERT_RTNL();
	for (i = 0; i < VLAN_N_VID; i++) {
		vni = rtnl_dereference(vtep->vlan_map[i]);
		if (vni)
			vtep_neigh_flush(vtep, vni);
	}
}

/* The MAC of @addr in @vni, copied under RCU; false if none. */
static bool neigh_mac(struct vtep_dev *vtep, struct vtep_vni *vni,
		      const struct vtep_addr *addr, u8 *mac)
{
	struct vtep_vni_addr_key k;
	struct vtep_neigh *n;

	vtep_vni_addr_key(&k, vni->id, addr);
	n = rhashtable_lookup(&vtep->neighs, &k, neigh_params);
	if (!n)
		return false;
	ether_addr_copy(mac, n->mac);
	return true;
}

/*
 * Hand @reply (data at its Ethernet header) up as if received, counted in
 * @stat; false if there is none (no memory: the request then goes on).
 */
static bool neigh_deliver(struct vtep_dev *vtep, struct vtep_vni *vni,
			  struct sk_buff *reply, u16 vid, enum vtep_stat stat)
{
	if (!reply)
		return false;
	if (vid)
		__vlan_hwaccel_put_tag(reply, htons(ETH_P_8021Q), vid);
	reply->protocol = eth_type_trans(reply, vtep->dev);
	reply->ip_summed = CHECKSUM_UNNECESSARY;
	netif_rx(reply);
	vtep_stats_inc(vtep, vni, stat);
	return true;
}

/* The ARP payload of a request for an IPv4 address over Ethernet */
struct neigh_arp {
	struct arphdr h;
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
} __packed;

static bool neigh_arp(struct vtep_dev *vtep, struct vtep_vni *vni,
		      struct sk_buff *skb, u16 vid)
{
	struct vtep_addr tip = { .family = AF_INET };
	const struct neigh_arp *a;
	u8 mac[ETH_ALEN];

	if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*a)))
		return false;
	a = (const struct neigh_arp *)(skb->data + ETH_HLEN);
	if (a->h.ar_hrd != htons(ARPHRD_ETHER) ||
	    a->h.ar_pro != htons(ETH_P_IP) || a->h.ar_hln != ETH_ALEN ||
	    a->h.ar_pln != sizeof(__be32) || a->h.ar_op != htons(ARPOP_REQUEST))
		return false;
	/* Probes (RFC 5227) and gratuitous ARP announce; they go on. */
	if (ipv4_is_zeronet(a->sip) || a->sip == a->tip)
		return false;
	tip.ip4 = a->tip;
	if (!vtep_addr_is_unicast(&tip) || ipv4_is_loopback(a->tip) ||
	    !neigh_mac(vtep, vni, &tip, mac) || ether_addr_equal(mac, a->sha))
		return false;
	return neigh_deliver(vtep, vni,
			     arp_create(ARPOP_REPLY, ETH_P_ARP, a->sip, vtep->dev,
					a->tip, a->sha, mac, a->sha),
			     vid, VTEP_STAT_ARP_SUPPRESSED);
}

/* A neighbour solicitation and its source link-layer option, if any */
struct neigh_ns {
	struct ethhdr eth;
	struct ipv6hdr ip6;
	struct nd_msg ns;
} __packed;

/* The solicited advertisement: the target's link-layer address option */
struct neigh_na {
	struct ethhdr eth;
	struct ipv6hdr ip6;
	struct icmp6hdr icmp6;
	struct in6_addr target;
	u8 opt_type, opt_len;		/* ND_OPT_TARGET_LL_ADDR, 1 (8 bytes) */
	u8 mac[ETH_ALEN];
} __packed;

static struct sk_buff *neigh_na_build(const struct neigh_ns *q, const u8 *mac)
{
	const size_t icmplen = sizeof(struct neigh_na) - ETH_HLEN -
			       sizeof(struct ipv6hdr);
	struct sk_buff *reply;
	struct neigh_na *na;

	reply = alloc_skb(NET_IP_ALIGN + sizeof(*na), GFP_ATOMIC);
	if (!reply)
		return NULL;
	skb_reserve(reply, NET_IP_ALIGN);
	na = skb_put_zero(reply, sizeof(*na));
	ether_addr_copy(na->eth.h_dest, q->eth.h_source);
	ether_addr_copy(na->eth.h_source, mac);
	na->eth.h_proto = htons(ETH_P_IPV6);
	na->ip6.version = 6;
	na->ip6.payload_len = htons(icmplen);
	na->ip6.nexthdr = IPPROTO_ICMPV6;
	na->ip6.hop_limit = 255;
	na->ip6.saddr = q->ns.target;
	na->ip6.daddr = q->ip6.saddr;
	na->icmp6.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	na->icmp6.icmp6_solicited = 1;
	/* The control plane's word is authoritative: replace the cache */
	na->icmp6.icmp6_override = 1;
	na->target = q->ns.target;
	na->opt_type = ND_OPT_TARGET_LL_ADDR;
	na->opt_len = 1;
	ether_addr_copy(na->mac, mac);
	na->icmp6.icmp6_cksum =
		csum_ipv6_magic(&na->ip6.saddr, &na->ip6.daddr, icmplen,
				IPPROTO_ICMPV6,
				csum_partial(&na->icmp6, icmplen, 0));
	return reply;
}

static bool neigh_nd(struct vtep_dev *vtep, struct vtep_vni *vni,
		     struct sk_buff *skb, u16 vid)
{
	struct vtep_addr target = { .family = AF_INET6 };
	const struct neigh_ns *q;
	u8 mac[ETH_ALEN];

	if (!pskb_may_pull(skb, sizeof(*q)))
		return false;
	q = (const struct neigh_ns *)skb->data;
	if (q->ip6.nexthdr != IPPROTO_ICMPV6 || q->ip6.hop_limit != 255 ||
	    ntohs(q->ip6.payload_len) < sizeof(struct nd_msg) ||
	    q->ns.icmph.icmp6_type != NDISC_NEIGHBOUR_SOLICITATION ||
	    q->ns.icmph.icmp6_code)
		return false;
	/* Duplicate address detection asks from :: and must reach the owner. */
	if (ipv6_addr_any(&q->ip6.saddr) ||
	    ipv6_addr_is_multicast(&q->ip6.saddr))
		return false;
	target.ip6 = q->ns.target;
	if (!vtep_addr_is_unicast(&target) ||
	    ipv6_addr_loopback(&q->ns.target) ||
	    !neigh_mac(vtep, vni, &target, mac) ||
	    ether_addr_equal(mac, q->eth.h_source))
		return false;
	return neigh_deliver(vtep, vni, neigh_na_build(q, mac), vid,
			     VTEP_STAT_ND_SUPPRESSED);
}

/*
 * Transmit, for a VNI with suppression on (@skb untagged, data at its
 * Ethernet header, @vid its VLAN): true when the frame was a request the
 * device answered, and is not to be sent; the caller frees it. Anything
 * else (a request the table cannot answer, or no reply buffer) goes on
 * as before.
 */
bool vtep_neigh_answer(struct vtep_dev *vtep, struct vtep_vni *vni,
		       struct sk_buff *skb, u16 vid)
{
	switch (eth_hdr(skb)->h_proto) {
	case htons(ETH_P_ARP):
		return neigh_arp(vtep, vni, skb, vid);
	case htons(ETH_P_IPV6):
		return neigh_nd(vtep, vni, skb, vid);
	}
	return false;
}
