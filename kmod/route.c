// SPDX-License-Identifier: GPL-2.0
/*
 * The route cache: per device, one small direct-mapped table per CPU, keyed
 * by (destination, mark, TOS, local address number), holding the dst and
 * the source address the last route lookup to that destination found. A
 * device with several local addresses routes from each separately (the
 * source may choose the route, by policy routing), so the number of the
 * address a frame takes (cfg.local is 0) is part of the key: a route
 * found for one source is never used for another.
 *
 * Why not a struct dst_cache per peer, as the kernel's vxlan keeps one per
 * FDB entry: that is a per-CPU allocation per destination, so a million
 * peers would cost a million per-CPU allocations, slow to make and growing
 * with the CPU count. A host sends to far fewer destinations at a time than
 * it knows; a fixed table per CPU holds that working set, and a collision
 * only costs one route lookup.
 *
 * A slot is checked on every use: its generation against the device's
 * (vtep_route_flush() bumps it on every change of the device's settings,
 * state or underlay) and the dst against the routing tables (dst->ops->
 * check, as dst_cache does). The mark and the DS field of the TOS are part
 * of the key, so policy routing on either keeps working after the first
 * packet; the ECN bits, which change per packet and route nothing, are not.
 *
 * Each CPU reads and writes only its own table, from the transmit path
 * with bottom halves off: no lock. The table is freed when no transmit can
 * run any more (the device's destructor).
 */
#include <linux/hash.h>
#include <linux/percpu.h>
#include <net/dst.h>
#include <net/inet_ecn.h>
#include <net/ip6_fib.h>

#include "vtep.h"

#define VTEP_ROUTE_BITS		8

struct vtep_route_slot {
	struct dst_entry *dst;		/* holds a reference; NULL: empty */
	u32 cookie;			/* IPv6 route serial, for ->check */
	u32 gen;
	u32 mark;
	u8 dsf;				/* the TOS without its ECN bits */
	u8 local;			/* the local address number */
	struct vtep_addr to;
	struct vtep_addr from;
};

struct vtep_route_table {
	struct vtep_route_slot slot[1 << VTEP_ROUTE_BITS];
};

int vtep_route_init(struct vtep_route_cache *rc)
{
	rc->tables = alloc_percpu_gfp(struct vtep_route_table,
				      GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!rc->tables)
		return -ENOMEM;
	atomic_set(&rc->gen, 0);
	return 0;
}

/* Nothing may transmit on the device any more. */
void vtep_route_destroy(struct vtep_route_cache *rc)
{
	unsigned int i;
	int cpu;

	if (!rc->tables)
		return;
	for_each_possible_cpu(cpu) {
		struct vtep_route_table *t = per_cpu_ptr(rc->tables, cpu);

		for (i = 0; i < ARRAY_SIZE(t->slot); i++)
			dst_release(t->slot[i].dst);
	}
	free_percpu(rc->tables);
	rc->tables = NULL;
}

/* Forget every cached route; each CPU drops its own on next use. */
void vtep_route_flush(struct vtep_route_cache *rc)
{
	atomic_inc(&rc->gen);
}

static struct vtep_route_slot *vtep_route_slot(struct vtep_route_cache *rc,
					       const struct vtep_addr *to,
					       u32 mark, u8 dsf, u8 local)
{
	u32 h = mark ^ dsf ^ ((u32)local << 8);

	if (to->family == AF_INET6)
		h ^= (__force u32)(to->ip6.s6_addr32[0] ^ to->ip6.s6_addr32[1] ^
				   to->ip6.s6_addr32[2] ^ to->ip6.s6_addr32[3]);
	else
		h ^= (__force u32)to->ip4;
	return &this_cpu_ptr(rc->tables)->slot[hash_32(h, VTEP_ROUTE_BITS)];
}

/*
 * The cached route to @to for packets of @mark and @tos, with a reference
 * for the caller, and its source address in @from; NULL on a miss.
 */
struct dst_entry *vtep_route_get(struct vtep_route_cache *rc,
				 const struct vtep_addr *to, u32 mark, u8 tos,
				 u8 local, struct vtep_addr *from)
{
	u8 dsf = tos & ~INET_ECN_MASK;
	struct vtep_route_slot *s = vtep_route_slot(rc, to, mark, dsf, local);
	struct dst_entry *dst = s->dst;

	if (!dst || s->mark != mark || s->dsf != dsf || s->local != local ||
	    !vtep_addr_equal(&s->to, to))
		return NULL;
	if (unlikely(s->gen != (u32)atomic_read(&rc->gen) ||
		     (dst->obsolete && !dst->ops->check(dst, s->cookie)))) {
		s->dst = NULL;
		dst_release(dst);
		return NULL;
	}
	dst_hold(dst);
	*from = s->from;
	return dst;
}

/* Remember @dst (the cache takes its own reference) as the route to @to. */
void vtep_route_set(struct vtep_route_cache *rc, const struct vtep_addr *to,
		    u32 mark, u8 tos, u8 local, struct dst_entry *dst,
		    const struct vtep_addr *from)
{
	u8 dsf = tos & ~INET_ECN_MASK;
	struct vtep_route_slot *s = vtep_route_slot(rc, to, mark, dsf, local);
	struct dst_entry *old = s->dst;

	dst_hold(dst);
	s->dst = dst;
	s->cookie = 0;
#if IS_ENABLED(CONFIG_IPV6)
	if (to->family == AF_INET6)
		s->cookie = rt6_get_cookie(container_of(dst, struct rt6_info,
							dst));
#endif
	s->gen = atomic_read(&rc->gen);
	s->mark = mark;
	s->dsf = dsf;
	s->local = local;
	s->to = *to;
	s->from = *from;
	dst_release(old);
}
