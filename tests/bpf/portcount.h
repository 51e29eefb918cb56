/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the portcount tc program (portcount.bpf.c) counts and its reader
 * (portcount.c) prints: VXLAN packets on an underlay device, by outer UDP
 * source port and by inner flow.
 */
#ifndef _PORTCOUNT_H
#define _PORTCOUNT_H

#include <linux/types.h>

#define PC_PORTS	65536	/* the ports map: one slot per source port */
#define PC_FLOWS	65536	/* inner flows tracked at most */

/* Per outer source port; packets count GSO segments, as the wire sees them */
struct pc_port {
	__u64 packets;
	__u64 bytes;
};

/*
 * An inner flow: VNI, MACs, and for IP its addresses (IPv4 in the first 4
 * bytes), protocol and, unless a fragment, L4 ports. Zero where absent.
 */
struct pc_flow {
	__u32 vni;
	__u8 smac[6];
	__u8 dmac[6];
	__u16 eth_proto;	/* host order */
	__u8 ip_proto;
	__u8 pad;
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;		/* host order */
	__u16 dport;
};

struct pc_flow_stat {
	__u64 packets;
	__u32 outer_sport;	/* the last one seen */
	__u32 sport_changes;	/* times the outer source port changed */
};

/* The config map's one entry */
struct pc_config {
	__u16 vxlan_port;	/* host order; 0 = 4789 */
};

#endif /* _PORTCOUNT_H */
