/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels vtep builds against (Debian's 6.1 and
 * 6.12), kept here so the rest of the code reads as one version.
 */
#ifndef _VTEP_COMPAT_H
#define _VTEP_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>

/* 6.9 turned NETIF_F_LLTX into the dev->lltx bit. */
static inline void vtep_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * The device's UDP socket lives in the namespace it was created in, so the
 * device may not move. NETIF_F_NETNS_LOCAL became a bit of its own (named
 * netns_immutable in Debian's 6.12).
 */
static inline void vtep_set_netns_immutable(struct net_device *dev)
{
#ifdef NETIF_F_NETNS_LOCAL
	dev->features |= NETIF_F_NETNS_LOCAL;
#else
	dev->netns_immutable = true;
#endif
}

/* 6.6 moved the parsed attributes of a dump into a struct genl_info. */
static inline struct nlattr **vtep_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * 6.7 (and stable backports: Debian's 6.1 has it) lets a genetlink
 * multicast group require CAP_NET_ADMIN, in the user namespace that owns
 * the network namespace, to join. Without it any process of the namespace
 * can join (uapi/linux/vtep.h says what it then hears).
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define VTEP_MCGRP_NET_ADMIN	.flags = GENL_MCAST_CAP_NET_ADMIN
#else
#define VTEP_MCGRP_NET_ADMIN
#endif

/*
 * Before 6.10, udp{4,6}_gro_complete() took the outer addresses for their
 * socket lookup from skb's network header, which the inner packet's GRO
 * has moved to the inner IP header by then: a tunnel socket bound to an
 * address is not found, and its coalesced packets are mangled and dropped
 * (the kernel's vxlan binds the wildcard, which any address matches).
 * 6.10 keeps both offsets in NAPI_GRO_CB. On older kernels rx.c's
 * GRO callbacks move the network header back and forth themselves.
 */
#define VTEP_GRO_FIX_NETWORK_HEADER \
	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0))

#endif /* _VTEP_COMPAT_H */
