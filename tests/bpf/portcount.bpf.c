// SPDX-License-Identifier: GPL-2.0
/*
 * A tc classifier for an underlay device: counts VXLAN packets (UDP to the
 * VXLAN port) by outer UDP source port, and by inner flow, noting when one
 * inner flow shows up with another outer source port. It only observes:
 * every packet passes (TC_ACT_OK).
 *
 * Attach with tests/bpf/portcount (libbpf), or by hand:
 *   tc qdisc add dev eth0 clsact
 *   tc filter add dev eth0 egress bpf da obj portcount.bpf.o sec tc
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "portcount.h"

#define VXLAN_HLEN 8
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pc_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PC_PORTS);
	__type(key, __u32);
	__type(value, struct pc_port);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PC_FLOWS);
	__type(key, struct pc_flow);
	__type(value, struct pc_flow_stat);
} flows SEC(".maps");

/* Skip one 802.1Q/802.1ad tag if present; the ethertype after it */
static __always_inline int eth_proto(struct __sk_buff *skb, __u32 *off,
				     __u16 *proto)
{
	__be16 p;

	if (bpf_skb_load_bytes(skb, *off - 2, &p, sizeof(p)))
		return -1;
	if (p == bpf_htons(ETH_P_8021Q) || p == bpf_htons(ETH_P_8021AD)) {
		*off += 4;
		if (bpf_skb_load_bytes(skb, *off - 2, &p, sizeof(p)))
			return -1;
	}
	*proto = bpf_ntohs(p);
	return 0;
}

/* The inner frame at @off: fill the flow key */
static __always_inline void inner_flow(struct __sk_buff *skb, __u32 off,
				       struct pc_flow *f)
{
	struct ipv6hdr ip6;
	struct iphdr ip;
	__u16 ports[2];
	__u32 l4 = 0;

	if (bpf_skb_load_bytes(skb, off, f->dmac, 6) ||
	    bpf_skb_load_bytes(skb, off + 6, f->smac, 6))
		return;
	off += ETH_HLEN;
	if (eth_proto(skb, &off, &f->eth_proto))
		return;
	if (f->eth_proto == ETH_P_IP) {
		if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)))
			return;
		__builtin_memcpy(f->saddr, &ip.saddr, 4);
		__builtin_memcpy(f->daddr, &ip.daddr, 4);
		f->ip_proto = ip.protocol;
		if (ip.frag_off & bpf_htons(IP_MF | IP_OFFSET))
			return;		/* a fragment: no ports */
		l4 = off + ip.ihl * 4;
	} else if (f->eth_proto == ETH_P_IPV6) {
		if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)))
			return;
		__builtin_memcpy(f->saddr, &ip6.saddr, 16);
		__builtin_memcpy(f->daddr, &ip6.daddr, 16);
		f->ip_proto = ip6.nexthdr;
		l4 = off + sizeof(ip6);
	} else {
		return;
	}
	if (f->ip_proto != IPPROTO_TCP && f->ip_proto != IPPROTO_UDP)
		return;
	if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return;
	f->sport = bpf_ntohs(ports[0]);
	f->dport = bpf_ntohs(ports[1]);
}

SEC("tc")
int portcount(struct __sk_buff *skb)
{
	__u32 off = ETH_HLEN, zero = 0, segs, sport, vx[2];
	struct pc_flow_stat *st, nst = {};
	struct pc_config *cfg;
	struct pc_flow f = {};
	struct pc_port *pp;
	struct udphdr uh;
	__u16 proto, port = 4789;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (cfg && cfg->vxlan_port)
		port = cfg->vxlan_port;

	if (eth_proto(skb, &off, &proto))
		return TC_ACT_OK;
	if (proto == ETH_P_IP) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)) ||
		    ip.protocol != IPPROTO_UDP ||
		    (ip.frag_off & bpf_htons(IP_OFFSET)))
			return TC_ACT_OK;
		off += ip.ihl * 4;
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)) ||
		    ip6.nexthdr != IPPROTO_UDP)
			return TC_ACT_OK;
		off += sizeof(ip6);
	} else {
		return TC_ACT_OK;
	}
	if (bpf_skb_load_bytes(skb, off, &uh, sizeof(uh)) ||
	    uh.dest != bpf_htons(port))
		return TC_ACT_OK;

	sport = bpf_ntohs(uh.source);
	segs = skb->gso_segs ? skb->gso_segs : 1;
	pp = bpf_map_lookup_elem(&ports, &sport);
	if (pp) {
		__sync_fetch_and_add(&pp->packets, segs);
		__sync_fetch_and_add(&pp->bytes, skb->len);
	}

	off += sizeof(uh);
	if (bpf_skb_load_bytes(skb, off, vx, sizeof(vx)))
		return TC_ACT_OK;
	f.vni = bpf_ntohl(vx[1]) >> 8;
	inner_flow(skb, off + VXLAN_HLEN, &f);

	st = bpf_map_lookup_elem(&flows, &f);
	if (!st) {
		nst.packets = segs;
		nst.outer_sport = sport;
		bpf_map_update_elem(&flows, &f, &nst, BPF_NOEXIST);
		return TC_ACT_OK;
	}
	__sync_fetch_and_add(&st->packets, segs);
	if (st->outer_sport != sport) {
		__sync_fetch_and_add(&st->sport_changes, 1);
		st->outer_sport = sport;
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
