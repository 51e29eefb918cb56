// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: one refcounted object per remote VTEP address of a device, shared
 * by every FDB entry and replication-list entry that sends to it. It holds
 * the route cache, so a MAC entry is a key and a pointer, not a per-CPU
 * cache of its own.
 *
 * Who holds a reference: each FDB entry and each replication list entry,
 * one each. The datapath takes none: it reaches a peer only through an
 * entry, under RCU, and a peer is freed one grace period after its last
 * reference went away, so a reader that still sees the old entry still
 * sees a live peer.
 *
 * The hash vtep->peers[] is only for finding an existing peer when an
 * entry is added or learned; it is read and written under vtep->lock.
 */
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "vtep.h"

static u32 vtep_peer_seed __read_mostly;

/*
 * Learning feeds this hash with addresses from the wire: a secret seed keeps
 * a sender from choosing addresses that all land in one bucket.
 */
static struct hlist_head *peer_bucket(struct vtep_dev *vtep,
					     const struct vtep_addr *addr)
{
	u32 h;

	net_get_random_once(&vtep_peer_seed, sizeof(vtep_peer_seed));
	if (addr->family == AF_INET6)
		h = jhash2((const u32 *)&addr->ip6, 4, vtep_peer_seed);
	else
		h = jhash_1word((__force u32)addr->ip4, vtep_peer_seed);
	return &vtep->peers[hash_32(h, ilog2(ARRAY_SIZE(vtep->peers)))];
}

static struct vtep_peer *peer_find(struct vtep_dev *vtep,
					    const struct vtep_addr *addr)
{
	struct vtep_peer *r;

	lockdep_assert_held(&vtep->lock);
	hlist_for_each_entry(r, peer_bucket(vtep, addr), node)
		if (vtep_addr_equal(&r->addr, addr))
			return r;
	return NULL;
}

/*
 * The peer for @addr with a new reference, created if needed. Takes
 * vtep->lock itself, so callers must not hold it; @gfp is GFP_ATOMIC when
 * learning from softirq. NULL when out of memory.
 */
struct vtep_peer *vtep_peer_get(struct vtep_dev *vtep,
				    const struct vtep_addr *addr, gfp_t gfp)
{
	struct vtep_peer *r, *new;

	spin_lock_bh(&vtep->lock);
	r = peer_find(vtep, addr);
	if (r)
		refcount_inc(&r->ref);
	spin_unlock_bh(&vtep->lock);
	if (r)
		return r;

	/* Allocate unlocked (GFP_KERNEL may sleep), then look again. */
	new = kzalloc(sizeof(*new), gfp);
	if (!new)
		return NULL;
	if (dst_cache_init(&new->dst_cache, gfp)) {
		kfree(new);
		return NULL;
	}
	new->addr = *addr;
	refcount_set(&new->ref, 1);

	spin_lock_bh(&vtep->lock);
	r = peer_find(vtep, addr);
	if (r)
		refcount_inc(&r->ref);
	else
		hlist_add_head(&new->node, peer_bucket(vtep, addr));
	spin_unlock_bh(&vtep->lock);

	if (r) {		/* another CPU created it meanwhile */
		dst_cache_destroy(&new->dst_cache);
		kfree(new);
		return r;
	}
	return new;
}

static void peer_free_rcu(struct rcu_head *rcu)
{
	struct vtep_peer *r = container_of(rcu, struct vtep_peer, rcu);

	dst_cache_destroy(&r->dst_cache);
	kfree(r);
}

/*
 * Drop a reference. Called with vtep->lock held, by the code that has just
 * unlinked the entry holding the reference: the lock makes "count reaches
 * zero" and "unhashed" one step, so vtep_peer_get() never finds a dying
 * peer. Freed after a grace period, for readers still on the old entry.
 */
void vtep_peer_put(struct vtep_dev *vtep, struct vtep_peer *r)
{
	lockdep_assert_held(&vtep->lock);
	if (!refcount_dec_and_test(&r->ref))
		return;
	hlist_del(&r->node);
	call_rcu(&r->rcu, peer_free_rcu);
}
