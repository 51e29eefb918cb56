/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An underlay address (a device's local address, a peer, a multicast
 * group) and the few questions asked of one, answered once here.
 */
#ifndef _VTEP_ADDR_H
#define _VTEP_ADDR_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <net/ipv6.h>
#include <net/netlink.h>

/* The family is AF_INET or AF_INET6; AF_UNSPEC: no address */
struct vtep_addr {
	sa_family_t family;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	};
};

static inline bool vtep_addr_equal(const struct vtep_addr *a,
				   const struct vtep_addr *b)
{
	if (a->family != b->family)
		return false;
	switch (a->family) {
	case AF_INET:
		return a->ip4 == b->ip4;
	case AF_INET6:
		return ipv6_addr_equal(&a->ip6, &b->ip6);
	}
	return true;		/* both unset */
}

/* No address, or the wildcard of its family */
static inline bool vtep_addr_any(const struct vtep_addr *a)
{
	switch (a->family) {
	case AF_INET:
		return !a->ip4;
	case AF_INET6:
		return ipv6_addr_any(&a->ip6);
	}
	return true;
}

static inline bool vtep_addr_is_multicast(const struct vtep_addr *a)
{
	switch (a->family) {
	case AF_INET:
		return ipv4_is_multicast(a->ip4);
	case AF_INET6:
		return ipv6_addr_is_multicast(&a->ip6);
	}
	return false;
}

/* An address one host can own: not multicast, broadcast or unspecified */
static inline bool vtep_addr_is_unicast(const struct vtep_addr *a)
{
	switch (a->family) {
	case AF_INET:
		return !ipv4_is_multicast(a->ip4) && !ipv4_is_lbcast(a->ip4) &&
		       !ipv4_is_zeronet(a->ip4);
	case AF_INET6:
		return !ipv6_addr_any(&a->ip6) &&
		       !ipv6_addr_is_multicast(&a->ip6);
	}
	return false;
}

/* From the IPv4 attribute @a4 or else the IPv6 one @a6 (one is given). */
static inline void vtep_addr_get(struct vtep_addr *a, const struct nlattr *a4,
				 const struct nlattr *a6)
{
	memset(a, 0, sizeof(*a));
	if (a4) {
		a->family = AF_INET;
		a->ip4 = nla_get_in_addr(a4);
	} else {
		a->family = AF_INET6;
		a->ip6 = nla_get_in6_addr(a6);
	}
}

/* As @attr4 or @attr6 by family; no address, no attribute. */
static inline int vtep_addr_put(struct sk_buff *skb, int attr4, int attr6,
				const struct vtep_addr *a)
{
	switch (a->family) {
	case AF_INET:
		return nla_put_in_addr(skb, attr4, a->ip4);
	case AF_INET6:
		return nla_put_in6_addr(skb, attr6, &a->ip6);
	}
	return 0;
}

/*
 * A (VNI, address) key, hashed whole: allow.c's and neigh.c's tables.
 * vtep_vni_addr_key() zeroes the padding and the unused address bytes.
 */
struct vtep_vni_addr_key {
	u32 vni;
	struct vtep_addr addr;
};

/*
 * rhashtable's obj_cmpfn (0: equal) for the tables keyed by a VNI id or a
 * struct vtep_vni_addr_key. Its default calls memcmp(), which on x86 is a
 * byte loop: ~36 instructions for a 4-byte VNI id on every received frame
 * (`make bench-insns`), ~9 a byte for the longer keys.
 */
static inline int vtep_vni_addr_cmp(const struct vtep_vni_addr_key *a,
				    const struct vtep_vni_addr_key *b)
{
	return a->vni != b->vni || !vtep_addr_equal(&a->addr, &b->addr);
}

static inline void vtep_vni_addr_key(struct vtep_vni_addr_key *k, u32 vni,
				     const struct vtep_addr *addr)
{
	memset(k, 0, sizeof(*k));
	k->vni = vni;
	k->addr.family = addr->family;
	if (addr->family == AF_INET6)
		k->addr.ip6 = addr->ip6;
	else
		k->addr.ip4 = addr->ip4;
}

#endif /* _VTEP_ADDR_H */
