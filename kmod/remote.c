// SPDX-License-Identifier: GPL-2.0
/*
 * Remote VTEPs: one refcounted object per remote address of a device,
 * shared by every FDB entry and replication list that sends to it. It holds
 * the route cache, so a MAC entry is a key and a pointer, not a per-CPU
 * cache of its own.
 *
 * Who holds a reference: each FDB entry and each replication list entry,
 * one each. The datapath takes none: it reaches a remote only through an
 * entry, under RCU, and a remote is freed one grace period after its last
 * reference went away, so a reader that still sees the old entry still
 * sees a live remote.
 *
 * The hash vtep->remotes[] is only for finding an existing remote when an
 * entry is added or learned; it is read and written under vtep->lock.
 */
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "vtep.h"

static u32 vtep_remote_seed __read_mostly;

bool vtep_addr_equal(const struct vtep_addr *a, const struct vtep_addr *b)
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

/*
 * Learning feeds this hash with addresses from the wire: a secret seed keeps
 * a sender from choosing addresses that all land in one bucket.
 */
static struct hlist_head *vtep_remote_bucket(struct vtep_dev *vtep,
					     const struct vtep_addr *addr)
{
	u32 h;

	net_get_random_once(&vtep_remote_seed, sizeof(vtep_remote_seed));
	if (addr->family == AF_INET6)
		h = jhash2((const u32 *)&addr->ip6, 4, vtep_remote_seed);
	else
		h = jhash_1word((__force u32)addr->ip4, vtep_remote_seed);
	return &vtep->remotes[hash_32(h, ilog2(ARRAY_SIZE(vtep->remotes)))];
}

static struct vtep_remote *vtep_remote_find(struct vtep_dev *vtep,
					    const struct vtep_addr *addr)
{
	struct vtep_remote *r;

	lockdep_assert_held(&vtep->lock);
	hlist_for_each_entry(r, vtep_remote_bucket(vtep, addr), node)
		if (vtep_addr_equal(&r->addr, addr))
			return r;
	return NULL;
}

/*
 * The remote for @addr with a new reference, created if needed. Takes
 * vtep->lock itself, so callers must not hold it; @gfp is GFP_ATOMIC when
 * learning from softirq. NULL when out of memory.
 */
struct vtep_remote *vtep_remote_get(struct vtep_dev *vtep,
				    const struct vtep_addr *addr, gfp_t gfp)
{
	struct vtep_remote *r, *new;

	spin_lock_bh(&vtep->lock);
	r = vtep_remote_find(vtep, addr);
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
	r = vtep_remote_find(vtep, addr);
	if (r)
		refcount_inc(&r->ref);
	else
		hlist_add_head(&new->node, vtep_remote_bucket(vtep, addr));
	spin_unlock_bh(&vtep->lock);

	if (r) {		/* another CPU created it meanwhile */
		dst_cache_destroy(&new->dst_cache);
		kfree(new);
		return r;
	}
	return new;
}

static void vtep_remote_free_rcu(struct rcu_head *rcu)
{
	struct vtep_remote *r = container_of(rcu, struct vtep_remote, rcu);

	dst_cache_destroy(&r->dst_cache);
	kfree(r);
}

/*
 * Drop a reference. Called with vtep->lock held, by the code that has just
 * unlinked the entry holding the reference: the lock makes "count reaches
 * zero" and "unhashed" one step, so vtep_remote_get() never finds a dying
 * remote. Freed after a grace period, for readers still on the old entry.
 */
void vtep_remote_put(struct vtep_dev *vtep, struct vtep_remote *r)
{
	lockdep_assert_held(&vtep->lock);
	if (!refcount_dec_and_test(&r->ref))
		return;
	hlist_del(&r->node);
	call_rcu(&r->rcu, vtep_remote_free_rcu);
}
