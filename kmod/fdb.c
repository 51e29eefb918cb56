// SPDX-License-Identifier: GPL-2.0
/*
 * The MAC table: (VNI, MAC) -> peer (a remote VTEP), and the local MAC
 * table behind the MAC-move notice. This file keeps the tables, their
 * entries' removal, flushes, ageing and teardown; fdb_batch.c applies the
 * control plane's batches, learn.c learning and the local MAC table.
 *
 * Both are tables of struct vtep_fdb (htab.c) read under RCU by the
 * datapath.
 * Every insert, removal and change of an entry's peer or flags happens
 * under vtep->lock; the one write done without it is the refresh of `seen`
 * by learning, a single word that the ageing sweep re-reads under the lock.
 *
 * An entry holds one reference on its peer. When an entry goes, its
 * peer reference is dropped under the lock and the entry is freed with
 * kfree_rcu(); the peer itself is freed a grace period after its last
 * reference, so a reader still holding the old entry sees a live peer.
 * A delete batch frees its entries and their last peers together
 * instead, with one RCU callback for the request (bag.c).
 *
 * Ageing counts from `seen`: the last frame received from the MAC (set by
 * learning) or the last time the control plane set the entry. Transmit
 * never refreshes it, so a silent MAC that moved away expires.
 */
#include <linux/etherdevice.h>
#include <linux/memcontrol.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>

#include "vtep.h"
#include "bag.h"
#include "fdb.h"
#include "learn.h"

/* Entries visited between two reschedule points of a sweep */
#define VTEP_SWEEP_BATCH	256
/* A flush repeats its sweep at most this often (see vtep_fdb_flush()) */
#define VTEP_FLUSH_PASSES	8

/* What messages say about @f, sending to @p with @flags */
void vtep_fdb_info(const struct vtep_fdb *f, const struct vtep_peer *p,
		   u8 flags, struct vtep_fdb_info *i)
{
	i->vni = f->key.vni;
	ether_addr_copy(i->mac, f->key.mac);
	i->dst = p->addr;
	i->type = flags & VTEP_FDB_STATIC ? VTEP_FDB_TYPE_STATIC :
					    VTEP_FDB_TYPE_LEARNED;
	i->owner = flags & VTEP_FDB_STATIC ? READ_ONCE(f->owner) :
					     VTEP_OWNER_KERNEL;
	i->age = jiffies_to_msecs(vtep_fdb_idle(f, jiffies));
}

/*
 * Copy an entry of the MAC table for a message, under RCU: learning and
 * replacement change an entry in place, and a message must show one state
 * of it, not parts of two. False for entries of the local MAC table.
 */
bool vtep_fdb_snap(const struct vtep_fdb *f, struct vtep_fdb_info *i)
{
	const struct vtep_peer *p = rcu_dereference(f->peer);
	u8 flags = READ_ONCE(f->flags);

	if (!p || (flags & VTEP_FDB_LOCAL))
		return false;
	vtep_fdb_info(f, p, flags, i);
	return true;
}

/* The message about an entry that is not in the table (yet or any more) */
void vtep_fdb_info_of(u32 vni, const u8 *mac, const struct vtep_addr *dst,
		      u8 type, struct vtep_fdb_info *i)
{
	memset(i, 0, sizeof(*i));
	i->vni = vni;
	ether_addr_copy(i->mac, mac);
	i->dst = *dst;
	i->type = type;
}

/*
 * Take @f out of its table and free it after a grace period; vtep->lock
 * held. False if somebody else removed it first. Fills @gone if given;
 * without it (teardown, when the VNI table may be gone already) no VNI
 * counter is touched.
 */
bool vtep_fdb_unlink(struct vtep_dev *vtep, struct vtep_fdb *f,
		     struct vtep_fdb_info *gone)
{
	lockdep_assert_held(&vtep->lock);
	if (f->flags & VTEP_FDB_LOCAL) {
		if (!vtep_fdb_remove(&vtep->locals, f))
			return false;
		atomic_dec(&vtep->local_count);
		kfree_rcu(f, rcu);
		return true;
	}
	/* Not found when the VNI itself is being destroyed */
	return vtep_fdb_unlink_bag(vtep, f,
				   gone ? vtep_vni_lookup(vtep, f->key.vni) :
					  NULL, gone, NULL);
}

/*
 * Take @f, an entry of the MAC table (not a local one), out of it, as
 * vtep_fdb_unlink() does: @vni is its VNI, whose counters go down (NULL:
 * none to count), and the entry and its peer, when it held the last
 * reference, go into @bag when it has room.
 */
bool vtep_fdb_unlink_bag(struct vtep_dev *vtep, struct vtep_fdb *f,
			 struct vtep_vni *vni, struct vtep_fdb_info *gone,
			 struct vtep_bag *bag)
{
	struct vtep_peer *r;

	lockdep_assert_held(&vtep->lock);
	if (!vtep_fdb_remove(&vtep->fdb, f))
		return false;
	hlist_del_init(&f->vnode);
	r = rcu_dereference_protected(f->peer, lockdep_is_held(&vtep->lock));
	if (f->flags & VTEP_FDB_STATIC)
		vtep_allow_static_put(vtep, f->key.vni, r);
	if (gone)
		vtep_fdb_info(f, r, f->flags, gone);
	if (vni) {
		atomic_dec(&vni->fdb_count);
		if (!(f->flags & VTEP_FDB_STATIC))
			atomic_dec(&vni->learned);
	}
	if (f->flags & VTEP_FDB_STATIC)
		atomic_dec(&vtep->static_count);
	else
		atomic_dec(&vtep->learned);
	vtep_peer_put_bag(vtep, r, bag);
	atomic_dec(&vtep->fdb_count);
	atomic_inc(&vtep->generation);
	if (!vtep_bag_take_fdb(bag, f))
		kfree_rcu(f, rcu);
	return true;
}

/* ---- sweeps: flush and ageing ---- */

/* Entries a VNI flush takes out per hold of vtep->lock */
#define VTEP_FLUSH_CHUNK	64

/*
 * Whether @f is of @type (enum vtep_fdb_type) and, unless @owner is
 * VTEP_OWNER_ANY, a static entry of @owner. An entry is replaced, not
 * changed, when its owner changes: both reads see one entry's state.
 */
static bool vtep_fdb_type_match(const struct vtep_fdb *f, u8 type, int owner)
{
	bool is_static = READ_ONCE(f->flags) & VTEP_FDB_STATIC;

	if (owner != VTEP_OWNER_ANY &&
	    (!is_static || READ_ONCE(f->owner) != owner))
		return false;
	return type == VTEP_FDB_TYPE_ANY ||
	       is_static == (type == VTEP_FDB_TYPE_STATIC);
}

struct vtep_sweep {
	struct vtep_htab *ht;
	u32 vni;		/* 0: every VNI */
	u8 type;		/* enum vtep_fdb_type, for a flush */
	int owner;		/* of a flush, or VTEP_OWNER_ANY */
	unsigned long max_age;	/* jiffies; non-zero: an ageing sweep */
	unsigned long now;
	enum vtep_event ev;	/* sent per removed entry; UNSPEC: none */
	bool teardown;		/* the device goes: no VNI counts, no events */
};

/*
 * Whether @f goes; re-checked under vtep->lock before it does. Not
 * inlined: tests/topo/ageing_walk.sh counts the entries a walk looks at
 * with a kprobe here.
 */
static noinline bool vtep_sweep_match(const struct vtep_sweep *s,
			     const struct vtep_fdb *f)
{
	if (s->vni && f->key.vni != s->vni)
		return false;
	if (s->max_age)
		return !(READ_ONCE(f->flags) & VTEP_FDB_STATIC) &&
		       vtep_fdb_idle(f, s->now) > s->max_age;
	return vtep_fdb_type_match(f, s->type, s->owner);
}

/* Remove @f if it matches; called inside the walk (RCU held). */
static bool vtep_sweep_one(struct vtep_dev *vtep, const struct vtep_sweep *s,
			   struct vtep_fdb *f)
{
	struct vtep_fdb_info gone;
	bool done = false;

	if (!vtep_sweep_match(s, f))
		return false;
	spin_lock_bh(&vtep->lock);
	if (vtep_sweep_match(s, f))
		done = vtep_fdb_unlink(vtep, f, s->teardown ? NULL : &gone);
	if (done && s->max_age && !(f->flags & VTEP_FDB_LOCAL))
		vtep_stats_inc(vtep, vtep_vni_lookup(vtep, gone.vni),
			       VTEP_STAT_FDB_AGED);
	spin_unlock_bh(&vtep->lock);
	if (done && s->ev)
		vtep_event_fdb(vtep, s->ev, &gone, GFP_ATOMIC);
	return done;
}

/*
 * Visit bucket @i of @t, removing what matches; RCU held. An entry
 * removed keeps its next pointer, so the walk goes on from it.
 */
static unsigned int vtep_sweep_bucket(struct vtep_dev *vtep,
				      const struct vtep_sweep *s,
				      struct vtep_hbkt *t, u32 i,
				      unsigned int *visited)
{
	unsigned int removed = 0;
	struct vtep_hnode *pos;

	for (pos = rcu_dereference(t->b[i]); pos;
	     pos = rcu_dereference(pos->next)) {
		if (vtep_sweep_one(vtep, s,
				   container_of(pos, struct vtep_fdb, node)))
			removed++;
		++*visited;
	}
	return removed;
}

/*
 * One pass over s->ht, removing what matches. The walk lets go of RCU and
 * reschedules every VTEP_SWEEP_BATCH entries (at a bucket's end), so a
 * table of millions never holds up the CPU. While the table is resized
 * it walks the old array and then the new one, where entries it had not
 * reached may have moved; an array replaced while RCU was let go sends
 * the walk back to the start of the table's new one (what it visits twice
 * is matched twice, and goes once). Returns how many entries went.
 */
static unsigned int vtep_sweep_pass(struct vtep_dev *vtep,
				    const struct vtep_sweep *s)
{
	unsigned int removed = 0, visited = 0;
	struct vtep_hbkt *first, *t, *cur;
	u32 i;

	rcu_read_lock();
restart:
	first = rcu_dereference(s->ht->tbl);
	for (t = first; t; t = rcu_dereference(t->future)) {
		for (i = 0; i <= t->mask; i++) {
			removed += vtep_sweep_bucket(vtep, s, t, i, &visited);
			if (visited < VTEP_SWEEP_BATCH)
				continue;
			visited = 0;
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
			/* @first still the table's, or @t become it */
			cur = rcu_dereference(s->ht->tbl);
			if (cur != first && cur != t)
				goto restart;
		}
	}
	rcu_read_unlock();
	return removed;
}

/*
 * Flush @vni's entries of @type through its own list: the cost is what the
 * VNI holds, whatever the size of the table. The list is taken whole at
 * the start, so entries learned meanwhile (a VNI still in the table) stay,
 * as they would had they come just after the flush. The lock is let go
 * every VTEP_FLUSH_CHUNK entries to send their events and reschedule;
 * meanwhile other writers may remove entries from the taken list (they
 * only ever unlink under the lock) or add to the VNI's own.
 */
static unsigned int vtep_fdb_flush_vni(struct vtep_dev *vtep,
				       struct vtep_vni *vni, u8 type, int owner)
{
	struct vtep_fdb_info one, *gone;
	unsigned int chunk = VTEP_FLUSH_CHUNK, n, i, seen, total = 0;
	struct hlist_node *tmp;
	HLIST_HEAD(todo);
	struct vtep_fdb *f;

	gone = kmalloc_array(chunk, sizeof(*gone), GFP_KERNEL);
	if (!gone) {
		gone = &one;
		chunk = 1;
	}
	spin_lock_bh(&vtep->lock);
	hlist_move_list(&vni->fdb_list, &todo);
	while (!hlist_empty(&todo)) {
		n = 0;
		seen = 0;
		hlist_for_each_entry_safe(f, tmp, &todo, vnode) {
			if (n == chunk || ++seen > VTEP_SWEEP_BATCH)
				break;
			if (!vtep_fdb_type_match(f, type, owner)) {
				hlist_del(&f->vnode);
				hlist_add_head(&f->vnode, &vni->fdb_list);
			} else if (vtep_fdb_unlink(vtep, f, &gone[n])) {
				n++;
			} else {
				/* On the list but not in the table: cannot be */
				WARN_ON_ONCE(1);
				hlist_del_init(&f->vnode);
			}
		}
		spin_unlock_bh(&vtep->lock);
		for (i = 0; i < n; i++)
			vtep_event_fdb(vtep, VTEP_EVENT_FDB_DELETED, &gone[i],
				       GFP_KERNEL);
		total += n;
		cond_resched();
		spin_lock_bh(&vtep->lock);
	}
	spin_unlock_bh(&vtep->lock);
	if (gone != &one)
		kfree(gone);
	return total;
}

/*
 * Delete the entries of @vni (NULL: of every VNI) of @type (enum
 * vtep_fdb_type) and, unless VTEP_OWNER_ANY, the static ones of @owner,
 * with a DELETED event each; process context, RTNL. A VNI
 * being deleted is out of the VNI table already (nothing learns into it).
 * Returns how many went.
 *
 * Every VNI at once is a walk of the table. A walk that resumes after the
 * entry it stood on was removed may skip a few entries of that bucket, so
 * the sweep repeats until a pass removes nothing (bounded, against a
 * learning storm refilling the table). Flushing every type also forgets
 * the local MACs (of @vni, or all).
 */
unsigned int vtep_fdb_flush(struct vtep_dev *vtep, struct vtep_vni *vni,
			    u8 type, int owner)
{
	struct vtep_sweep s = {
		.ht = &vtep->fdb, .type = type, .owner = owner,
		.ev = VTEP_EVENT_FDB_DELETED,
	};
	unsigned int n, total = 0, pass;

	might_sleep();
	ASSERT_RTNL();
	if (vni) {
		total = vtep_fdb_flush_vni(vtep, vni, type, owner);
		s.vni = vni->id;
	} else {
		for (pass = 0; pass < VTEP_FLUSH_PASSES; pass++) {
			n = vtep_sweep_pass(vtep, &s);
			total += n;
			if (!n)
				break;
		}
	}
	if (type == VTEP_FDB_TYPE_ANY && owner == VTEP_OWNER_ANY) {
		s.ht = &vtep->locals;
		s.ev = VTEP_EVENT_UNSPEC;
		for (pass = 0; pass < VTEP_FLUSH_PASSES; pass++)
			if (!vtep_sweep_pass(vtep, &s))
				break;
	}
	return total;
}

/* How often ageing runs: half the ageing time, within 1 s .. 30 s. */
static unsigned long vtep_fdb_ageing_period(u32 ageing)
{
	return clamp_t(unsigned long, (unsigned long)ageing * HZ / 2,
		       HZ, 30 * HZ);
}

static void vtep_fdb_ageing_work(struct work_struct *work)
{
	struct vtep_dev *vtep = container_of(to_delayed_work(work),
					     struct vtep_dev, ageing);
	u32 ageing = READ_ONCE(vtep->cfg.ageing);
	struct vtep_sweep s = {
		.max_age = (unsigned long)ageing * HZ,
		.now = jiffies,
		.owner = VTEP_OWNER_ANY,
	};

	/* 0 = never: sleep until vtep_fdb_ageing_start() sees a new value. */
	if (!ageing)
		return;
	/*
	 * Only what was learned ages (fdb_count = static_count + learned):
	 * a table of a million static entries is not walked every period
	 * for nothing. One learned meanwhile waits for the next period.
	 */
	s.ht = &vtep->fdb;
	s.ev = VTEP_EVENT_FDB_AGED;
	if (atomic_read(&vtep->learned))
		vtep_sweep_pass(vtep, &s);
	s.ht = &vtep->locals;
	s.ev = VTEP_EVENT_UNSPEC;
	if (atomic_read(&vtep->local_count))
		vtep_sweep_pass(vtep, &s);
	vtep_peer_reap(vtep);
	queue_delayed_work(system_power_efficient_wq, &vtep->ageing,
			   vtep_fdb_ageing_period(ageing));
}

/*
 * Run ageing now and then periodically; on open, and again whenever the
 * ageing time changes on a device that is up (the period follows it).
 */
void vtep_fdb_ageing_start(struct vtep_dev *vtep)
{
	mod_delayed_work(system_power_efficient_wq, &vtep->ageing, 0);
}

void vtep_fdb_ageing_stop(struct vtep_dev *vtep)
{
	cancel_delayed_work_sync(&vtep->ageing);
}

/* ---- setup and teardown ---- */

/* An entry's hash, for the table's resizes */
static u32 vtep_fdb_node_hash(const struct vtep_hnode *n, u32 seed)
{
	return vtep_fdb_hash(&container_of(n, struct vtep_fdb, node)->key, seed);
}

int vtep_fdb_init(struct vtep_dev *vtep)
{
	int err;

	/* One cache line per MAC: the point of sharing remotes. */
	BUILD_BUG_ON(sizeof(struct vtep_fdb) > 64);
	/* The owner took the padding byte after the flags: the key's end. */
	BUILD_BUG_ON(offsetof(struct vtep_fdb, owner) + 1 !=
		     offsetof(struct vtep_fdb, seen));
	/* Packed: vtep_fdb_hash() reads the MAC at offset 4. */
	BUILD_BUG_ON(sizeof(struct vtep_fdb_key) != sizeof(u32) + ETH_ALEN);

	atomic_set(&vtep->fdb_count, 0);
	atomic_set(&vtep->static_count, 0);
	atomic_set(&vtep->learned, 0);
	atomic_set(&vtep->local_count, 0);
	atomic_set(&vtep->generation, 0);
	INIT_DELAYED_WORK(&vtep->ageing, vtep_fdb_ageing_work);
	/* Move events: a burst of 10, then one per second (learn.c) */
	ratelimit_state_init(&vtep->move_rs, HZ, 10);
	ratelimit_set_flags(&vtep->move_rs, RATELIMIT_MSG_ON_RELEASE);

	vtep->seen = alloc_percpu_gfp(struct vtep_pcpu_seen,
				      GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vtep->seen)
		return -ENOMEM;
	err = vtep_htab_init(&vtep->fdb, &vtep->lock, vtep_fdb_node_hash);
	if (err)
		goto err_free_seen;
	err = vtep_htab_init(&vtep->locals, &vtep->lock, vtep_fdb_node_hash);
	if (err)
		goto err_destroy_fdb;
	/*
	 * ndo_init runs in the creator's RTM_NEWLINK: what learning will
	 * allocate is charged to its memory cgroup (learn.c), held until the
	 * device is freed. NULL without memory cgroups; the root's is not
	 * counted, so learning from a root-cgroup creator is charged to none.
	 */
	vtep->memcg = get_mem_cgroup_from_mm(current->mm);
	return 0;

err_destroy_fdb:
	vtep_htab_destroy(&vtep->fdb);
err_free_seen:
	free_percpu(vtep->seen);
	return err;
}

/*
 * Empty both tables of a device being unregistered (RTNL; closed, so
 * ageing is stopped and the datapath gone). No events: the device's own
 * removal says it all. The tables themselves stay until vtep_fdb_free(),
 * once no RCU reader (a transmit, a receive, an FDB dump's walk) can still
 * be inside them. Dumps hold no device reference between messages: each
 * looks the device up again (dump.c).
 */
void vtep_fdb_uninit(struct vtep_dev *vtep)
{
	struct vtep_sweep s = {
		.ht = &vtep->fdb, .owner = VTEP_OWNER_ANY, .teardown = true,
	};

	ASSERT_RTNL();
	cancel_delayed_work_sync(&vtep->ageing);
	/* Nothing adds entries any more, so this ends. */
	while (vtep_htab_count(&vtep->fdb))
		vtep_sweep_pass(vtep, &s);
	s.ht = &vtep->locals;
	while (vtep_htab_count(&vtep->locals))
		vtep_sweep_pass(vtep, &s);
	vtep_peer_reap(vtep);
}

/*
 * Free the emptied tables, from the device's destructor: it runs after the
 * last device reference is gone and after unregistering waited for RCU
 * readers.
 */
void vtep_fdb_free(struct vtep_dev *vtep)
{
	vtep_htab_destroy(&vtep->fdb);
	vtep_htab_destroy(&vtep->locals);
	free_percpu(vtep->seen);
	mem_cgroup_put(vtep->memcg);
}
