// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: one refcounted object per remote VTEP address of a device, shared
 * by every FDB entry and replication-list entry that sends to it. A peer is
 * an address, a count, the allow-list's static count of one VNI (allow.c)
 * and an RCU head (56 bytes): no route cache of its own
 * (route.c caches routes per device and CPU), so a million entries behind a
 * million peers cost no per-CPU memory and no per-peer setup. Peers come
 * from a cache of their own: kmalloc would round each up to 64 bytes.
 *
 * Who holds a reference: each FDB entry and each replication list entry,
 * one each. The datapath takes none: it reaches a peer only through an
 * entry, under RCU, and a peer is freed one grace period after its last
 * reference went away, so a reader that still sees the old entry still
 * sees a live peer.
 *
 * The table vtep->peers (htab.c: it grows with what it holds, so finding a
 * peer costs the same at ten peers or a million, and its seed is secret
 * from senders that learning turns into peers) is for finding an existing peer when an entry is added
 * or learned, and for receive's allow-list check; it is written under
 * vtep->lock.
 */
#include <linux/jhash.h>
#include <linux/slab.h>

#include "vtep.h"
#include "bag.h"

/*
 * Peers a device keeps at no reference, for a MAC moving back (see
 * vtep_peer_park()); they count against cfg.peer_max while kept.
 */
#define VTEP_PEER_PARKED_MAX	64

static struct kmem_cache *peer_cache;

int vtep_peer_cache_init(void)
{
	peer_cache = KMEM_CACHE(vtep_peer, SLAB_ACCOUNT);
	return peer_cache ? 0 : -ENOMEM;
}

/* After rcu_barrier(): the last peers are freed by RCU callbacks. */
void vtep_peer_cache_uninit(void)
{
	kmem_cache_destroy(peer_cache);
}

static void peer_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(peer_cache, container_of(head, struct vtep_peer, rcu));
}

static u32 peer_hash(const struct vtep_addr *a, u32 seed)
{
	if (a->family == AF_INET6)
		return jhash2((const u32 *)&a->ip6, 4, seed);
	return jhash_1word((__force u32)a->ip4, seed);
}

/* A peer's hash, for the table's resizes */
static u32 peer_node_hash(const struct vtep_hnode *n, u32 seed)
{
	return peer_hash(&container_of(n, struct vtep_peer, node)->addr, seed);
}

/* The peer at @addr (hash @h), or NULL: RCU, or vtep->lock held */
static struct vtep_peer *peer_lookup(struct vtep_dev *vtep,
				     const struct vtep_addr *addr, u32 h)
{
	struct vtep_htab *tab = &vtep->peers;
	struct vtep_hbkt *t = vtep_htab_deref(tab, tab->tbl);
	struct vtep_hnode *pos;

	do {
		for (pos = vtep_htab_deref(tab, t->b[h & t->mask]); pos;
		     pos = vtep_htab_deref(tab, pos->next)) {
			struct vtep_peer *p;

			p = container_of(pos, struct vtep_peer, node);
			/* the address's own bytes: callers need not zero the rest */
			if (vtep_addr_equal(&p->addr, addr))
				return p;
		}
	} while ((t = vtep_hbkt_next(tab, t)));
	return NULL;
}

/* Take @p out of the table; vtep->lock held */
static void peer_unhash(struct vtep_dev *vtep, struct vtep_peer *p)
{
	WARN_ON_ONCE(!vtep_htab_remove(&vtep->peers, &p->node,
				       peer_hash(&p->addr, vtep->peers.seed)));
}

int vtep_peer_init(struct vtep_dev *vtep)
{
	vtep->peers_parked = 0;
	return vtep_htab_init(&vtep->peers, &vtep->lock, peer_node_hash);
}

/* Every entry has dropped its peer by now (the FDB and VNIs are gone). */
void vtep_peer_free(struct vtep_dev *vtep)
{
	vtep_htab_destroy(&vtep->peers);
}

/* Whether a new peer would pass cfg.peer_max; vtep->lock or a first guess */
static bool peer_room(struct vtep_dev *vtep)
{
	u32 max = READ_ONCE(vtep->cfg.peer_max);

	return !max || vtep_htab_count(&vtep->peers) < max;
}

/*
 * A new reference on @p, found in the table under vtep->lock: a parked
 * peer (no reference, kept by vtep_peer_park()) is in use again.
 */
static void peer_hold(struct vtep_dev *vtep, struct vtep_peer *p)
{
	lockdep_assert_held(&vtep->lock);
	if (refcount_inc_not_zero(&p->ref))
		return;
	refcount_set(&p->ref, 1);
	vtep->peers_parked--;
}

/* The peer at @addr, held, or NULL; takes vtep->lock */
static struct vtep_peer *peer_find(struct vtep_dev *vtep,
				   const struct vtep_addr *addr)
{
	struct vtep_peer *p;

	spin_lock_bh(&vtep->lock);
	p = peer_lookup(vtep, addr, peer_hash(addr, vtep->peers.seed));
	if (p)
		peer_hold(vtep, p);
	spin_unlock_bh(&vtep->lock);
	return p;
}

/*
 * @addr's peer: *@spare (allocated by the caller) put into the table, or
 * the peer found there in the same walk, held; *@spare is cleared when it
 * went in. At cfg.peer_max only a peer found will do (-ENOSPC).
 * vtep->lock held.
 */
static struct vtep_peer *peer_insert_locked(struct vtep_dev *vtep,
					    const struct vtep_addr *addr,
					    struct vtep_peer **spare)
{
	u32 h = peer_hash(addr, vtep->peers.seed);
	struct vtep_peer *new = *spare, *p;

	lockdep_assert_held(&vtep->lock);
	p = peer_lookup(vtep, addr, h);
	if (p) {
		peer_hold(vtep, p);
		return p;
	}
	if (!peer_room(vtep))
		return ERR_PTR(-ENOSPC);
	new->addr = *addr;
	refcount_set(&new->ref, 1);
	vtep_htab_insert(&vtep->peers, &new->node, h);
	*spare = NULL;
	return new;
}

/* peer_insert_locked(), taking vtep->lock */
static struct vtep_peer *peer_insert_spare(struct vtep_dev *vtep,
					   const struct vtep_addr *addr,
					   struct vtep_peer **spare)
{
	struct vtep_peer *p;

	spin_lock_bh(&vtep->lock);
	p = peer_insert_locked(vtep, addr, spare);
	spin_unlock_bh(&vtep->lock);
	return p;
}

/*
 * The peer for @addr with a new reference, created if needed. Takes
 * vtep->lock itself, so callers must not hold it; @gfp is GFP_ATOMIC when
 * learning from softirq. ERR_PTR(-ENOMEM) when out of memory, -ENOSPC when
 * the peer is new and the device has cfg.peer_max peers already: learning
 * from ever new sources (IPv6 makes them cheap) cannot grow the table
 * without bound. The table grows with what it holds, so a lookup costs the
 * same at any size.
 *
 * The peer is charged to the memory cgroup of the caller (SLAB_ACCOUNT):
 * a netlink request's sender; learning sets the device creator's active
 * (learn.c).
 */
struct vtep_peer *vtep_peer_get(struct vtep_dev *vtep,
				const struct vtep_addr *addr, gfp_t gfp)
{
	struct vtep_peer *p, *new;

	p = peer_find(vtep, addr);
	if (p)
		return p;
	/* Refused before allocating: a flood of strangers costs no memory. */
	if (!peer_room(vtep))
		return ERR_PTR(-ENOSPC);

	/* Allocate unlocked (GFP_KERNEL may sleep), then look again. */
	new = kmem_cache_zalloc(peer_cache, gfp);
	if (!new)
		return ERR_PTR(-ENOMEM);
	p = peer_insert_spare(vtep, addr, &new);  /* or another CPU's peer */
	if (new)			/* never in the table */
		kmem_cache_free(peer_cache, new);
	return p;
}

/*
 * Fill @pool with up to @want zeroed peers (at most VTEP_PEER_POOL in
 * all), allocated in one call: a batch that creates a peer an entry paid
 * an allocation's whole path for each. Process context, no lock held.
 */
int vtep_peer_pool_fill(struct vtep_peer_pool *pool, unsigned int want)
{
	unsigned int k = min_t(unsigned int, want, VTEP_PEER_POOL - pool->n);

	if (!k)
		return 0;
	if (!kmem_cache_alloc_bulk(peer_cache, GFP_KERNEL | __GFP_ZERO, k,
				   (void **)&pool->p[pool->n]))
		return -ENOMEM;
	pool->n += k;
	return 0;
}

/* Free what is left in @pool: peers never in the table */
void vtep_peer_pool_drain(struct vtep_peer_pool *pool)
{
	if (pool->n)
		kmem_cache_free_bulk(peer_cache, pool->n, (void **)pool->p);
	pool->n = 0;
}

/*
 * vtep_peer_get() for a control-plane batch, with vtep->lock held: the
 * peer of @addr held, a new one taken from @pool, or ERR_PTR(-EAGAIN)
 * when @addr is new and @pool is empty (the caller lets go of the lock,
 * refills it and asks again), or -ENOSPC past cfg.peer_max.
 */
struct vtep_peer *vtep_peer_get_locked(struct vtep_dev *vtep,
				       const struct vtep_addr *addr,
				       struct vtep_peer_pool *pool)
{
	struct vtep_peer *p, **spare;

	lockdep_assert_held(&vtep->lock);
	p = peer_lookup(vtep, addr, peer_hash(addr, vtep->peers.seed));
	if (p) {
		peer_hold(vtep, p);
		return p;
	}
	if (!pool->n)
		return ERR_PTR(-EAGAIN);
	spare = &pool->p[pool->n - 1];
	p = peer_insert_locked(vtep, addr, spare);
	if (!*spare) {			/* it went in */
		pool->n--;
		pool->made++;
	}
	return p;
}

/*
 * A load is bringing about @n new peers (fdb_batch.c judges it from the
 * share of new destinations in its first message): size the table for
 * them once, within the room under cfg.peer_max. Process context.
 */
void vtep_peer_reserve(struct vtep_dev *vtep, u32 n)
{
	vtep_htab_reserve(&vtep->peers, n,
			  vtep_htab_room(READ_ONCE(vtep->cfg.peer_max),
					 vtep_htab_count(&vtep->peers)));
}

/*
 * Drop a reference. Called with vtep->lock held, by the code that has just
 * unlinked the entry holding the reference: the lock makes "count reaches
 * zero" and "unhashed" one step, so vtep_peer_get() never finds a dying
 * peer. Freed after a grace period, for readers still on the old entry.
 */
void vtep_peer_put(struct vtep_dev *vtep, struct vtep_peer *p)
{
	vtep_peer_put_bag(vtep, p, NULL);
}

/* vtep_peer_put(), the peer freed with @bag's others when it has room */
void vtep_peer_put_bag(struct vtep_dev *vtep, struct vtep_peer *p,
		       struct vtep_bag *bag)
{
	lockdep_assert_held(&vtep->lock);
	if (!refcount_dec_and_test(&p->ref))
		return;
	peer_unhash(vtep, p);
	if (!vtep_bag_take_peer(bag, p))
		call_rcu(&p->rcu, peer_free_rcu);
}

/* Free @n peers at @p, after their grace period (bag.c) */
void vtep_peer_free_bulk(size_t n, void **p)
{
	if (n)
		kmem_cache_free_bulk(peer_cache, n, p);
}

/*
 * Drop a reference as vtep_peer_put() does, but keep the peer, unused, in
 * the table when it was the last: learning moves a MAC from this peer and
 * may well move it back (a MAC flapping between two sources, a VM
 * migrating back), and a kept peer spares an allocation and an RCU free
 * per move. At most VTEP_PEER_PARKED_MAX are kept; vtep_peer_reap() frees
 * them. vtep->lock held.
 */
void vtep_peer_park(struct vtep_dev *vtep, struct vtep_peer *p)
{
	lockdep_assert_held(&vtep->lock);
	if (!refcount_dec_and_test(&p->ref))
		return;
	if (vtep->peers_parked < VTEP_PEER_PARKED_MAX) {
		vtep->peers_parked++;
		return;
	}
	peer_unhash(vtep, p);
	call_rcu(&p->rcu, peer_free_rcu);
}

/*
 * Free the parked peers; process context (ageing, teardown). A peer
 * parked during the walk, or moved past it by a resize, waits for the
 * next.
 */
void vtep_peer_reap(struct vtep_dev *vtep)
{
	struct vtep_hnode *pos;
	struct vtep_hbkt *t;
	u32 i;

	if (!READ_ONCE(vtep->peers_parked))
		return;
	rcu_read_lock();
	for (t = rcu_dereference(vtep->peers.tbl); t;
	     t = rcu_dereference(t->future)) {
		for (i = 0; i <= t->mask; i++) {
			for (pos = rcu_dereference(t->b[i]); pos;
			     pos = rcu_dereference(pos->next)) {
				struct vtep_peer *p;

				p = container_of(pos, struct vtep_peer, node);
				if (refcount_read(&p->ref))
					continue;
				spin_lock_bh(&vtep->lock);
				if (!refcount_read(&p->ref) &&
				    vtep_htab_remove(&vtep->peers, &p->node,
						     peer_hash(&p->addr,
							       vtep->peers.seed))) {
					vtep->peers_parked--;
					call_rcu(&p->rcu, peer_free_rcu);
				}
				spin_unlock_bh(&vtep->lock);
			}
		}
	}
	rcu_read_unlock();
}

/* The peer of @addr, if any; RCU held (receive), no reference taken. */
struct vtep_peer *vtep_peer_lookup_rcu(struct vtep_dev *vtep,
				       const struct vtep_addr *addr)
{
	return peer_lookup(vtep, addr, peer_hash(addr, vtep->peers.seed));
}
