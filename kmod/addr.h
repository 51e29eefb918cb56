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

#endif /* _VTEP_ADDR_H */
