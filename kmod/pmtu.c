// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU for bridged senders: when an encapsulated frame would not fit
 * the underlay and may not be fragmented, the sender behind the bridge is
 * told with an ICMP "fragmentation needed" (IPv4) or "packet too big"
 * (IPv6), built here as a router on the path would send it, and handed
 * back up through the vtep device as if it came from the frame's
 * destination.
 *
 * Why not skb_tunnel_check_pmtu() (net/ipv4/ip_tunnel_core.c, exported
 * since 5.9, used by the kernel's vxlan and geneve):
 *  - its reply is built from the frame itself, after tx.c has taken the
 *    VLAN tag off it (the VNI carries the segment, see vtep_untag()): the
 *    ICMP would go back up untagged, onto the untagged VNI's segment of a
 *    trunk port, not to the sender's VLAN. This file pushes the VNI's tag.
 *  - it rewrites the frame in place into the reply, while a flood sends
 *    shared clones of one frame to several destinations, each with its own
 *    route and MTU;
 *  - it answers IPv4 only when the path MTU is at least 576 and the
 *    packet's frag_off is exactly DF, so the smallest underlays (68..575)
 *    and DF packets with options never get an answer;
 *  - it updates the PMTU of the frame's own dst, which a bridged frame does
 *    not have.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_vlan.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "vtep.h"

/*
 * An ICMP error of @nhlen IP and @ihlen ICMP header bytes (zeroed), quoting
 * @quote bytes of @skb from its network header on, with room for the
 * Ethernet header in front. NULL when out of memory.
 */
static struct sk_buff *icmp_alloc(const struct sk_buff *skb,
				  unsigned int nhlen, unsigned int ihlen,
				  unsigned int quote)
{
	struct sk_buff *n;

	n = alloc_skb(NET_IP_ALIGN + ETH_HLEN + nhlen + ihlen + quote,
		      GFP_ATOMIC);
	if (!n)
		return NULL;
	skb_reserve(n, NET_IP_ALIGN + ETH_HLEN);
	skb_reset_network_header(n);
	skb_set_transport_header(n, nhlen);
	skb_put_zero(n, nhlen + ihlen);
	if (skb_copy_bits(skb, skb_network_offset(skb), skb_put(n, quote),
			  quote)) {
		kfree_skb(n);
		return NULL;
	}
	return n;
}

/*
 * Whether the ICMP (@v6: ICMPv6) message at @off of @skb is an error, or
 * too short to tell: an error is never answered with another.
 */
static bool quotes_an_error(const struct sk_buff *skb, unsigned int off,
			    bool v6)
{
	const u8 *type;
	u8 _type;

	/* The type is the first byte of both headers. */
	type = skb_header_pointer(skb, off, sizeof(_type), &_type);
	if (!type)
		return true;
	return v6 ? !(*type & ICMPV6_INFOMSG_MASK) : icmp_is_err(*type);
}

static struct sk_buff *icmp4_too_big(const struct sk_buff *skb, int mtu)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int off = skb_network_offset(skb);
	unsigned int quote, len;
	struct icmphdr *ih;
	struct sk_buff *n;
	struct iphdr *nh;

	/* RFC 1191/1812: only for DF, first fragments, unicast endpoints */
	if (!(iph->frag_off & htons(IP_DF)) ||
	    (iph->frag_off & htons(IP_OFFSET)) || mtu < 68 ||
	    ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    ipv4_is_zeronet(iph->saddr) || ipv4_is_multicast(iph->saddr) ||
	    ipv4_is_lbcast(iph->saddr))
		return NULL;
	/* never an error about an error */
	if (iph->protocol == IPPROTO_ICMP &&
	    quotes_an_error(skb, off + iph->ihl * 4, false))
		return NULL;

	/* RFC 1812: quote as much as fits a 576-byte datagram */
	quote = min_t(unsigned int, skb->len - off,
		      576 - sizeof(*nh) - sizeof(*ih));
	len = sizeof(*nh) + sizeof(*ih) + quote;
	n = icmp_alloc(skb, sizeof(*nh), sizeof(*ih), quote);
	if (!n)
		return NULL;
	nh = (struct iphdr *)skb_network_header(n);
	ih = (struct icmphdr *)skb_transport_header(n);

	ih->type = ICMP_DEST_UNREACH;
	ih->code = ICMP_FRAG_NEEDED;
	ih->un.frag.mtu = htons(mtu);
	ih->checksum = csum_fold(csum_partial(ih, sizeof(*ih) + quote, 0));

	nh->version = 4;
	nh->ihl = sizeof(*nh) / 4;
	nh->tos = IPTOS_PREC_INTERNETCONTROL;
	nh->tot_len = htons(len);
	nh->ttl = 64;
	nh->protocol = IPPROTO_ICMP;
	nh->saddr = iph->daddr;
	nh->daddr = iph->saddr;
	ip_send_check(nh);
	return n;
}

static struct sk_buff *icmp6_too_big(const struct sk_buff *skb, int mtu)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	unsigned int off = skb_network_offset(skb);
	unsigned int quote, len;
	struct icmp6hdr *ih;
	struct ipv6hdr *nh;
	struct sk_buff *n;
	__be16 frag_off;
	u8 nexthdr;
	int hoff;

	/* Below 1280 there is no MTU an IPv6 sender may be asked to use. */
	if (mtu < IPV6_MIN_MTU || ipv6_addr_is_multicast(&ip6->daddr) ||
	    ipv6_addr_any(&ip6->saddr) || ipv6_addr_is_multicast(&ip6->saddr))
		return NULL;
	/*
	 * Never an error about an error, whatever extension headers come
	 * first; a later fragment cannot show its type, malformed headers
	 * cannot be walked: no answer to either.
	 */
	nexthdr = ip6->nexthdr;
	hoff = ipv6_skip_exthdr(skb, off + sizeof(*ip6), &nexthdr, &frag_off);
	if (hoff < 0)
		return NULL;
	if (nexthdr == IPPROTO_ICMPV6 &&
	    ((frag_off & htons(~0x7)) || quotes_an_error(skb, hoff, true)))
		return NULL;

	/* RFC 4443: quote as much as fits the minimum MTU */
	quote = min_t(unsigned int, skb->len - off,
		      IPV6_MIN_MTU - sizeof(*nh) - sizeof(*ih));
	len = sizeof(*ih) + quote;
	n = icmp_alloc(skb, sizeof(*nh), sizeof(*ih), quote);
	if (!n)
		return NULL;
	nh = ipv6_hdr(n);
	ih = icmp6_hdr(n);

	ip6_flow_hdr(nh, 0, 0);
	nh->payload_len = htons(len);
	nh->nexthdr = IPPROTO_ICMPV6;
	nh->hop_limit = 64;
	nh->saddr = ip6->daddr;
	nh->daddr = ip6->saddr;

	ih->icmp6_type = ICMPV6_PKT_TOOBIG;
	ih->icmp6_mtu = htonl(mtu);
	ih->icmp6_cksum = csum_ipv6_magic(&nh->saddr, &nh->daddr, len,
					  IPPROTO_ICMPV6,
					  csum_partial(ih, len, 0));
	return n;
}

/*
 * Send the sender of @skb (an inner frame of IP version @inner, from VLAN
 * @vid, 0 for untagged) the ICMP error for @mtu, the largest inner IP
 * packet that fits. It comes back out of @dev, as if from the frame's
 * destination: the sender sits behind our bridge port, not in this host's
 * routing table. Softirq; best effort.
 *
 * Rate-limited per device (vtep->pmtu_rs: a burst of 50, then 50 a second,
 * as the kernel's own ICMP sender allows by default, icmp_msgs_burst, but
 * per device so one tenant's flood does not silence another's answers);
 * the rest are counted in VTEP_STAT_PMTU_SUPPRESSED. A sender that missed
 * its answer learns from the next one: its packets are still dropped.
 */
void vtep_pmtu_reply(struct net_device *dev, const struct sk_buff *skb,
		     u8 inner, u16 vid, int mtu)
{
	const struct ethhdr *eth = eth_hdr(skb);
	struct vtep_dev *vtep = netdev_priv(dev);
	struct sk_buff *n = NULL;
	struct ethhdr *neth;

	if (is_multicast_ether_addr(eth->h_dest))
		return;		/* no single destination to answer for */
	if (inner == 4)
		n = icmp4_too_big(skb, mtu);
	else if (inner == 6)
		n = icmp6_too_big(skb, mtu);
	if (!n)
		return;
	if (!__ratelimit(&vtep->pmtu_rs)) {
		/* our own reply, withheld on purpose (and counted): no drop */
		consume_skb(n);
		vtep_stats_inc(vtep, NULL, VTEP_STAT_PMTU_SUPPRESSED);
		return;
	}

	neth = skb_push(n, ETH_HLEN);
	memcpy(neth->h_dest, eth->h_source, ETH_ALEN);
	memcpy(neth->h_source, eth->h_dest, ETH_ALEN);
	neth->h_proto = skb->protocol;
	n->protocol = eth_type_trans(n, dev);
	if (vid)
		__vlan_hwaccel_put_tag(n, htons(ETH_P_8021Q), vid);
	netif_rx(n);
}
