// SPDX-License-Identifier: GPL-2.0
/*
 * The outer UDP source port. Underlay switches spread traffic over their
 * links (ECMP, LACP) by hashing the outer headers, where every tunnelled
 * flow between two VTEPs looks the same but for this port. So it carries a
 * hash of the inner headers: each inner flow keeps one port, hence one path
 * and its packet order, and different flows spread over the port range.
 *
 * The hash covers the VNI, an inner VLAN tag, the IP protocol, the IPv4 or
 * IPv6 addresses and, unless the packet is a fragment (whose ports are
 * absent or would split a datagram's fragments across paths), the L4 ports,
 * as the kernel's flow dissector finds them; a frame that is not IP, its
 * MAC addresses too. skb_get_hash() alone would not do: it ignores MACs,
 * so all non-IP traffic between two hosts (ARP, LLDP, ...) would share one
 * port whatever its addresses. An IP frame's MACs add nothing to its flow
 * but words to hash: 14 of them, where an IPv4 flow needs 3 and a seed.
 *
 * But a frame whose skb already carries an L4 flow hash (skb->l4_hash: set
 * by the sending socket from its sk_txhash, or by a NIC's RSS) names its
 * flow already, and dissecting it again per packet is the largest cost of
 * a small packet's transmit. That hash is used, mixed with the VNI, as the
 * kernel's vxlan does through skb_get_hash(). A local TCP socket also
 * picks a new sk_txhash after a retransmission timeout, so its flow then
 * tries another underlay path, as with vxlan.
 */
#include <linux/etherdevice.h>
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/flow_dissector.h>
#include <net/ip.h>

#include "vtep.h"

struct vtep_flow_keys {
	struct flow_dissector_key_control control;	/* not hashed */
	struct flow_dissector_key_basic basic;		/* hashed from here on */
	struct flow_dissector_key_eth_addrs eth;
	struct flow_dissector_key_vlan vlan;
	struct flow_dissector_key_addrs addrs;
	struct flow_dissector_key_ports ports;
} __aligned(sizeof(u32));

#define VTEP_FLOW_HASHED_WORDS \
	((sizeof(struct vtep_flow_keys) - \
	  offsetof(struct vtep_flow_keys, basic)) / sizeof(u32))

static const struct flow_dissector_key vtep_flow_key_list[] = {
	{
		.key_id = FLOW_DISSECTOR_KEY_CONTROL,
		.offset = offsetof(struct vtep_flow_keys, control),
	}, {
		.key_id = FLOW_DISSECTOR_KEY_BASIC,
		.offset = offsetof(struct vtep_flow_keys, basic),
	}, {
		.key_id = FLOW_DISSECTOR_KEY_ETH_ADDRS,
		.offset = offsetof(struct vtep_flow_keys, eth),
	}, {
		.key_id = FLOW_DISSECTOR_KEY_VLAN,
		.offset = offsetof(struct vtep_flow_keys, vlan),
	}, {
		.key_id = FLOW_DISSECTOR_KEY_IPV4_ADDRS,
		.offset = offsetof(struct vtep_flow_keys, addrs.v4addrs),
	}, {
		.key_id = FLOW_DISSECTOR_KEY_IPV6_ADDRS,
		.offset = offsetof(struct vtep_flow_keys, addrs.v6addrs),
	}, {
		.key_id = FLOW_DISSECTOR_KEY_PORTS,
		.offset = offsetof(struct vtep_flow_keys, ports),
	},
};

static struct flow_dissector vtep_flow_dissector __read_mostly;
static u32 vtep_flow_seed __read_mostly;

/* At module load, before any VNI exists (vtep_flow_vni_init() uses the seed) */
void vtep_flow_init(void)
{
	skb_flow_dissector_init(&vtep_flow_dissector, vtep_flow_key_list,
				ARRAY_SIZE(vtep_flow_key_list));
	/* Random per boot: outsiders cannot aim many flows at one path. */
	get_random_bytes(&vtep_flow_seed, sizeof(vtep_flow_seed));
}

/* A VNI has 24 bits: the protocol takes the top 8. */
static u32 vtep_flow_start(u32 vni, u8 proto, u32 vlan)
{
	return jhash_2words(vni | (u32)proto << 24, vlan, vtep_flow_seed);
}

/*
 * What the hash of an untagged TCP or UDP frame of the VNI starts from: it
 * depends on nothing else, so it is worked out once, not per frame.
 */
void vtep_flow_vni_init(struct vtep_vni *vni)
{
	vni->flow_start[VTEP_FLOW_TCP] = vtep_flow_start(vni->id,
							 IPPROTO_TCP, 0);
	vni->flow_start[VTEP_FLOW_UDP] = vtep_flow_start(vni->id,
							 IPPROTO_UDP, 0);
}

/* An IPv6 flow: its two addresses (8 words, as they lie), then the ports */
static u32 vtep_flow_hash6(const struct in6_addr *addrs, __be32 ports,
			   u32 start)
{
	return jhash_1word((__force u32)ports,
			   jhash(addrs, 2 * sizeof(*addrs), start));
}

/*
 * The common frames without the dissector: TCP or UDP straight over IPv4
 * or IPv6, untagged (@inner: their IP version, the header linear at the
 * network offset, tx.c's vtep_inner()), with the ports in the linear part
 * too (a frame whose are not goes to the dissector). The words are the
 * ones the dissector finds for them, hashed alike, so a flow hashes the
 * same either way; anything else (a fragment, an extension header, a
 * tunnel inside, another protocol) goes to the dissector. Nothing here
 * takes a local's address, so the function needs no stack canary, and
 * under CONFIG_INIT_STACK_ALL_ZERO (Debian's) nothing is zeroed per frame:
 * the dissector's keys live in vtep_flow_hash_slow() only.
 */
static bool vtep_flow_hash_ip(const struct sk_buff *skb,
			      const struct vtep_vni *vni, u8 inner, u32 *hash)
{
	unsigned int off = skb_network_offset(skb);
	__be32 ports;
	int idx;

	if (inner == 4) {
		const struct iphdr *iph = ip_hdr(skb);

		idx = vtep_flow_proto(iph->protocol);
		if (idx < 0 || iph->ihl < 5 || ip_is_fragment(iph))
			return false;
		off += iph->ihl * 4;
		if (off + sizeof(ports) > skb_headlen(skb))
			return false;
		ports = get_unaligned((const __be32 *)(skb->data + off));
		*hash = jhash_3words((__force u32)iph->saddr,
				     (__force u32)iph->daddr,
				     (__force u32)ports, vni->flow_start[idx]);
		return true;
	}
	if (inner == 6) {
		const struct ipv6hdr *ip6 = ipv6_hdr(skb);

		idx = vtep_flow_proto(ip6->nexthdr);
		if (idx < 0)
			return false;
		off += sizeof(*ip6);
		if (off + sizeof(ports) > skb_headlen(skb))
			return false;
		ports = get_unaligned((const __be32 *)(skb->data + off));
		*hash = vtep_flow_hash6(&ip6->saddr, ports,
					vni->flow_start[idx]);
		return true;
	}
	return false;
}

/* Everything else, through the dissector (its keys zeroed per frame) */
static noinline u32 vtep_flow_hash_slow(struct sk_buff *skb, u32 vni)
{
	struct vtep_flow_keys keys;
	u32 vlan, start;

	BUILD_BUG_ON(offsetof(struct vtep_flow_keys, basic) % sizeof(u32));
	BUILD_BUG_ON(sizeof(struct vtep_flow_keys) % sizeof(u32));
	BUILD_BUG_ON(sizeof(keys.vlan) < sizeof(vlan));
	BUILD_BUG_ON(offsetof(struct flow_dissector_key_ipv6_addrs, dst) !=
		     sizeof(struct in6_addr));

	/* The dissector fills only what it finds: hash the rest alike. */
	memset(&keys, 0, sizeof(keys));
	skb_flow_dissect(skb, &vtep_flow_dissector, &keys, 0);
	memcpy(&vlan, &keys.vlan, sizeof(vlan));
	start = vtep_flow_start(vni, keys.basic.ip_proto, vlan);
	switch (keys.control.addr_type) {
	case FLOW_DISSECTOR_KEY_IPV4_ADDRS:
		return jhash_3words((__force u32)keys.addrs.v4addrs.src,
				    (__force u32)keys.addrs.v4addrs.dst,
				    (__force u32)keys.ports.ports, start);
	case FLOW_DISSECTOR_KEY_IPV6_ADDRS:
		return vtep_flow_hash6(&keys.addrs.v6addrs.src,
				       keys.ports.ports, start);
	}
	return jhash2((const u32 *)&keys.basic, VTEP_FLOW_HASHED_WORDS, start);
}

/*
 * The hash of the frame at skb->data's flow (its outer VLAN tag already
 * removed; the VNI stands in for it). @inner: the frame's IP version, as
 * tx.c's vtep_inner() found it (0: not IP).
 */
u32 vtep_flow_hash(struct sk_buff *skb, const struct vtep_vni *vni, u8 inner)
{
	u32 hash;

	if (skb->l4_hash)
		return jhash_2words(skb->hash, vni->id, vtep_flow_seed);
	if (inner && vtep_flow_hash_ip(skb, vni, inner, &hash))
		return hash;
	return vtep_flow_hash_slow(skb, vni->id);
}

/* @hash spread over cfg.port_min..cfg.port_max */
__be16 vtep_flow_port(const struct vtep_dev *vtep, u32 hash)
{
	struct vtep_cfg range;		/* the bounds, read in one word */
	u32 min, max;

	range.port_range = READ_ONCE(vtep->cfg.port_range);
	min = range.port_min;
	max = range.port_max;
	if (WARN_ON_ONCE(max < min))	/* netlink.c refuses such a range */
		max = min;
	/* Multiply-shift: even over the range, without a division. */
	return htons(min + reciprocal_scale(hash, max - min + 1));
}

/*
 * Which of the device's @n local addresses (n > 1) a frame takes: from its
 * flow hash and the outer port it takes, so one flow keeps one address,
 * flows spread over all of them independently of how they spread over
 * ports, and an elephant moved to a new port at a flowlet gap (elephant.c)
 * may change address too.
 */
unsigned int vtep_flow_local(u32 hash, __be16 sport, unsigned int n)
{
	return reciprocal_scale(hash_32(hash ^ (__force u16)sport, 32), n);
}

/*
 * What a sampled frame's flow is (elephant.c), as the same dissector that
 * hashes it finds it: addresses, protocol and ports of IPv4 and IPv6, the
 * MAC addresses of anything else.
 */
void vtep_flow_tuple(struct sk_buff *skb, struct vtep_flow_tuple *t)
{
	struct vtep_flow_keys keys;

	memset(&keys, 0, sizeof(keys));
	memset(t, 0, sizeof(*t));
	skb_flow_dissect(skb, &vtep_flow_dissector, &keys, 0);
	switch (keys.control.addr_type) {
	case FLOW_DISSECTOR_KEY_IPV4_ADDRS:
		t->src.family = AF_INET;
		t->dst.family = AF_INET;
		t->src.ip4 = keys.addrs.v4addrs.src;
		t->dst.ip4 = keys.addrs.v4addrs.dst;
		break;
	case FLOW_DISSECTOR_KEY_IPV6_ADDRS:
		t->src.family = AF_INET6;
		t->dst.family = AF_INET6;
		t->src.ip6 = keys.addrs.v6addrs.src;
		t->dst.ip6 = keys.addrs.v6addrs.dst;
		break;
	default:
		ether_addr_copy(t->smac, keys.eth.src);
		ether_addr_copy(t->dmac, keys.eth.dst);
		return;
	}
	t->proto = keys.basic.ip_proto;
	t->sport = keys.ports.src;
	t->dport = keys.ports.dst;
}
