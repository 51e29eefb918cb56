// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane's FDB batches (VTEP_CMD_FDB_NEW and FDB_DEL with a
 * VTEP_A_FDB_LIST, or one entry): static entries added, replaced or
 * deleted all or none, with their events once the batch stayed.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "vtep.h"
#include "fdb.h"
#include "scratch.h"
#include "bag.h"

/*
 * Two limits that do not meet: cfg.fdb_max caps the static entries of the
 * device (the control plane's), cfg.learn_max the learned ones of each VNI,
 * so a flood of learned MACs never makes a static add fail.
 */
static bool vtep_fdb_static_full(struct vtep_dev *vtep)
{
	u32 max = READ_ONCE(vtep->cfg.fdb_max);

	return max && atomic_read(&vtep->static_count) >= max;
}

/*
 * A batch holds vtep->lock (bottom halves off) for this many entries at
 * a time, a few microseconds, not for the whole batch: a batch of 2,000
 * held it for milliseconds, during which this CPU's softirqs waited.
 */
#define VTEP_BATCH_CHUNK	64
/* Times an entry is tried again that the table refused for now */
#define VTEP_BATCH_RETRIES	100

/* One entry of a control-plane batch, while it is applied */
struct vtep_fdb_op {
	struct vtep_fdb *new;		/* allocated; NULL once in the table */
	struct vtep_peer *peer;		/* a reference, until it is used */
	struct vtep_fdb *f;		/* the entry added, or the replacement */
	struct vtep_fdb *was;		/* replaced: out of the table, kept */
	enum vtep_event ev;		/* UNSPEC: nothing changed */
};

/* Free what the batch did not use; vtep->lock held. */
static void vtep_fdb_ops_put(struct vtep_dev *vtep, struct vtep_fdb_op *op,
			     unsigned int n)
{
	unsigned int i;

	lockdep_assert_held(&vtep->lock);
	for (i = 0; i < n; i++) {
		if (op[i].peer)
			vtep_peer_put(vtep, op[i].peer);
		kfree(op[i].new);
	}
}

/* Put back what ops [0, @n) changed, last first; vtep->lock held. */
static void vtep_fdb_ops_undo(struct vtep_dev *vtep,
			      const struct vtep_fdb_cfg *e,
			      struct vtep_fdb_op *op, unsigned int n)
{
	struct vtep_peer *p;

	while (n--) {
		struct vtep_fdb_op *o = &op[n];

		p = rcu_dereference_protected(o->f ? o->f->peer : NULL,
					      lockdep_is_held(&vtep->lock));
		if (o->ev)
			vtep_allow_static_put(vtep, e[n].vni->id, p);
		if (o->ev == VTEP_EVENT_FDB_ADDED) {
			vtep_fdb_remove(&vtep->fdb, o->f);
			hlist_del_init(&o->f->vnode);
			atomic_dec(&vtep->fdb_count);
			atomic_dec(&vtep->static_count);
			atomic_dec(&e[n].vni->fdb_count);
			o->peer = p;
			kfree_rcu(o->f, rcu);
		} else if (o->ev == VTEP_EVENT_FDB_CHANGED) {
			/* The entry as it was, back in its place, whole */
			WARN_ON_ONCE(!vtep_fdb_replace(&vtep->fdb, o->f,
						       o->was));
			hlist_replace_rcu(&o->f->vnode, &o->was->vnode);
			if (!(o->was->flags & VTEP_FDB_STATIC)) {
				atomic_dec(&vtep->static_count);
				atomic_inc(&e[n].vni->learned);
				atomic_inc(&vtep->learned);
			}
			o->peer = p;
			kfree_rcu(o->f, rcu);
			o->was = NULL;
		}
		o->ev = VTEP_EVENT_UNSPEC;
	}
	atomic_inc(&vtep->generation);
}

static int vtep_fdb_full(struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "FDB is full (max-fdb static entries)");
	return -ENOSPC;
}

/*
 * Op @o's MAC is in the table as @f: point it at the new peer and owner
 * and make it static: a learned entry always (what the data plane guessed
 * gives way to what the control plane says), a static one only with
 * @replace. vtep->lock held.
 */
static int vtep_fdb_op_update(struct vtep_dev *vtep,
			      const struct vtep_fdb_cfg *e,
			      struct vtep_fdb_op *o, struct vtep_fdb *f,
			      bool replace, struct netlink_ext_ack *extack)
{
	bool learned = !(f->flags & VTEP_FDB_STATIC);
	struct vtep_peer *p;
	int err;

	if (!replace && !learned) {
		NL_SET_ERR_MSG(extack, "FDB entry exists");
		return -EEXIST;
	}
	if (learned && vtep_fdb_static_full(vtep))
		return vtep_fdb_full(extack);
	p = rcu_dereference_protected(f->peer, lockdep_is_held(&vtep->lock));
	if (p == o->peer && !learned && f->owner == e->owner)
		return 0;	/* unchanged: success, no event */
	err = vtep_allow_static_get(vtep, e->vni->id, o->peer);
	if (err)
		return err;
	/*
	 * The new entry takes the old one's place in one pointer write: a
	 * reader finds the old entry or the new one, never the new peer
	 * with the old flags. The old one waits for the commit (or goes
	 * back on an undo).
	 */
	if (WARN_ON_ONCE(!vtep_fdb_replace(&vtep->fdb, f, o->new))) {
		vtep_allow_static_put(vtep, e->vni->id, o->peer);
		return -ENOENT;
	}
	hlist_replace_rcu(&f->vnode, &o->new->vnode);
	if (learned) {
		atomic_inc(&vtep->static_count);
		atomic_dec(&e->vni->learned);
		atomic_dec(&vtep->learned);
	}
	atomic_inc(&vtep->generation);
	o->was = f;
	o->f = o->new;
	o->new = NULL;
	o->peer = NULL;		/* the entry has it now */
	o->ev = VTEP_EVENT_FDB_CHANGED;
	return 0;
}

/*
 * Op @o's entry, counted for the allow-list, goes into the table, or the
 * entry its MAC has is found there in the same walk: then the count goes
 * back and that entry is updated. vtep->lock held.
 */
static int vtep_fdb_op_add(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
			   struct vtep_fdb_op *o, bool replace,
			   struct netlink_ext_ack *extack)
{
	struct vtep_fdb *f;

	f = vtep_fdb_insert(&vtep->fdb, o->new);
	if (f) {
		vtep_allow_static_put(vtep, e->vni->id, o->peer);
		return vtep_fdb_op_update(vtep, e, o, f, replace, extack);
	}
	hlist_add_head(&o->new->vnode, &e->vni->fdb_list);
	atomic_inc(&vtep->fdb_count);
	atomic_inc(&vtep->static_count);
	atomic_inc(&e->vni->fdb_count);
	o->f = o->new;
	o->new = NULL;
	o->peer = NULL;
	o->ev = VTEP_EVENT_FDB_ADDED;
	return 0;
}

/*
 * Apply op @o: add the entry, or update the one its MAC has. vtep->lock
 * held.
 *
 * Most entries of a load are new, so the entry is counted for the
 * allow-list first and then inserted, or the one there found, with one
 * hash of its key. At max-fdb,
 * or when the count is refused, only an update can pass: the MAC is
 * looked up, so an existing entry is still updated, or refused as one.
 */
static int vtep_fdb_op_apply(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
			     struct vtep_fdb_op *o, bool replace,
			     struct netlink_ext_ack *extack)
{
	bool full = vtep_fdb_static_full(vtep);
	struct vtep_fdb *f;
	int err = 0;

	if (!full) {
		err = vtep_allow_static_get(vtep, e->vni->id, o->peer);
		if (!err)
			return vtep_fdb_op_add(vtep, e, o, replace, extack);
	}
	f = vtep_fdb_find(&vtep->fdb, &o->new->key);
	if (f)
		return vtep_fdb_op_update(vtep, e, o, f, replace, extack);
	return full ? vtep_fdb_full(extack) : err;
}

/*
 * Between two chunks of a batch: let go of vtep->lock, so softirqs and
 * learning run; refill the allow-list's spare entry where sleeping is
 * allowed; with @wait, sleep a millisecond for the table's resize.
 */
static void batch_pause(struct vtep_dev *vtep, bool wait)
	__must_hold(&vtep->lock)
{
	spin_unlock_bh(&vtep->lock);
	vtep_allow_reserve(vtep);
	if (wait)
		usleep_range(1000, 2000);
	else
		cond_resched();
	spin_lock_bh(&vtep->lock);
}

/*
 * One entry of a batch. The MAC table takes every insert, but the
 * allow-list's (an rhashtable) refuses one while it grows (-EBUSY), or
 * when it cannot grow without sleeping (-ENOMEM), and its spare entry may
 * be gone (-ENOMEM): its worker resizes it, and the spare is refilled,
 * in process context, once the lock is let go. So the lock is let go and
 * the entry tried again, VTEP_BATCH_RETRIES times in all for the batch.
 */
static int op_apply_retry(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
			  struct vtep_fdb_op *op, bool replace,
			  unsigned int *tries, struct netlink_ext_ack *extack)
	__must_hold(&vtep->lock)
{
	int err;

	for (;;) {
		err = vtep_fdb_op_apply(vtep, e, op, replace, extack);
		if ((err != -EBUSY && err != -ENOMEM) ||
		    (*tries)++ >= VTEP_BATCH_RETRIES)
			return err;
		if (extack)
			extack->_msg = NULL;
		batch_pause(vtep, true);
	}
}

/*
 * A load of @n entries more is coming (VTEP_A_FDB_EXPECT): size the MAC
 * table for them now, once, where it would double its way there, moving
 * every entry each time. Within the room under cfg.fdb_max; the table's
 * array is charged to the request's sender. Out of memory, the table
 * grows as it fills, as without the hint. Process context.
 */
static void vtep_fdb_reserve(struct vtep_dev *vtep, u32 n)
{
	vtep_htab_reserve(&vtep->fdb, n,
			  vtep_htab_room(READ_ONCE(vtep->cfg.fdb_max),
					 atomic_read(&vtep->static_count)));
}

/*
 * Take every op's peer: under vtep->lock, VTEP_BATCH_CHUNK entries a hold,
 * where a lock a new peer cost each entry before; the new peers are
 * allocated ahead, a pool at a time, where sleeping is allowed. On an
 * error *@bad is the entry refused.
 */
static int vtep_fdb_ops_peers(struct vtep_dev *vtep,
			      const struct vtep_fdb_cfg *e,
			      struct vtep_fdb_op *op, unsigned int n,
			      unsigned int *made, unsigned int *bad,
			      struct netlink_ext_ack *extack)
{
	struct vtep_peer_pool pool;
	struct vtep_peer *p = NULL;
	unsigned int i;
	int err = 0;

	pool.n = 0;
	pool.made = 0;
	spin_lock_bh(&vtep->lock);
	for (i = 0; i < n; i++) {
		if (i && !(i % VTEP_BATCH_CHUNK)) {
			spin_unlock_bh(&vtep->lock);
			cond_resched();
			spin_lock_bh(&vtep->lock);
		}
		/* Batches often repeat a destination: share the lookup. */
		if (i && vtep_addr_equal(&e[i].dst, &e[i - 1].dst)) {
			refcount_inc(&p->ref);
		} else {
			p = vtep_peer_get_locked(vtep, &e[i].dst, &pool);
			if (p == ERR_PTR(-EAGAIN)) {
				spin_unlock_bh(&vtep->lock);
				err = vtep_peer_pool_fill(&pool, n - i);
				spin_lock_bh(&vtep->lock);
				if (err)
					break;
				p = vtep_peer_get_locked(vtep, &e[i].dst,
							 &pool);
			}
			if (IS_ERR(p)) {
				err = PTR_ERR(p);
				if (err == -ENOSPC)
					NL_SET_ERR_MSG(extack,
						       "Too many peers (max-peers)");
				break;
			}
		}
		op[i].peer = p;
		RCU_INIT_POINTER(op[i].new->peer, p);
	}
	if (err) {
		*bad = i;
		vtep_fdb_ops_put(vtep, op, n);
	}
	spin_unlock_bh(&vtep->lock);
	vtep_peer_pool_drain(&pool);
	*made = pool.made;
	return err;
}

/*
 * Allocate every entry and take every peer before the batch is applied;
 * each op of @op is set here, from nothing.
 */
static int vtep_fdb_ops_prepare(struct vtep_dev *vtep,
				const struct vtep_fdb_cfg *e,
				struct vtep_fdb_op *op, unsigned int n,
				unsigned int *made, unsigned int *bad,
				struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		op[i] = (struct vtep_fdb_op){};	/* the error path reads it */
		op[i].new = kzalloc(sizeof(*op[i].new), GFP_KERNEL_ACCOUNT);
		if (!op[i].new)
			goto err;
		vtep_fdb_make_key(&op[i].new->key, e[i].vni->id, e[i].mac);
		op[i].new->flags = VTEP_FDB_STATIC;
		op[i].new->owner = e[i].owner;
		op[i].new->seen = (u32)jiffies;
	}
	return vtep_fdb_ops_peers(vtep, e, op, n, made, bad, extack);
err:
	*bad = i;
	spin_lock_bh(&vtep->lock);
	vtep_fdb_ops_put(vtep, op, i);
	spin_unlock_bh(&vtep->lock);
	return -ENOMEM;
}

/*
 * Add @n static entries from the control plane (RTNL), all or none. A
 * learned entry for the MAC gets the new peer and becomes static (CHANGED
 * event); so does a static one with @replace (no event when nothing
 * changed), without it -EEXIST. -ENOSPC at cfg.fdb_max static entries or
 * cfg.peer_max peers. On an error *bad is the index of the refused entry.
 * @expect, when not 0, is how many entries the load brings from this
 * batch on (VTEP_A_FDB_EXPECT): the tables are sized for them first.
 *
 * The batch is applied under vtep->lock in chunks of VTEP_BATCH_CHUNK
 * entries, the lock let go between them, so bottom halves are never off
 * for long; RTNL, held throughout, keeps every other control-plane writer
 * out. Each entry's check and add are one hold of the lock, so learning
 * cannot slip an entry in between; between chunks learning and ageing
 * run, and touch only learned entries, which a later entry of the batch
 * replaces as it would have anyway. An entry the allow-list refuses for
 * now (growing) is tried again after a pause; the allow-list's entries are
 * allocated between chunks (vtep_allow_reserve()), where allocating may
 * sleep, so no transient allocation failure ends a batch.
 *
 * Readers (the datapath and dumps, under RCU, without the lock) see each
 * entry from the moment it goes in, a table part old and part this batch
 * while it is applied; when an entry is refused half way (a limit, out of
 * memory, a MAC twice in the batch without @replace), what was applied is
 * put back, so a reader may have sent to, or dumped, entries that then
 * vanish. Events go out only for a batch that stayed, so listeners never
 * see such entries. nl_tables.c has checked every entry: a
 * unicast MAC, a unicast destination of the device's family.
 */
int vtep_fdb_add_batch(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
		       unsigned int n, bool replace, u32 expect,
		       unsigned int *bad, struct netlink_ext_ack *extack)
{
	unsigned int i, made, peers, tries = 0;
	struct vtep_fdb_info info;
	struct vtep_fdb_op *op;
	int err;

	ASSERT_RTNL();
	*bad = 0;
	op = vtep_scratch_get(VTEP_SCRATCH_OPS, n, sizeof(*op));	/* not zeroed */
	if (!op)
		return -ENOMEM;
	if (expect)
		vtep_fdb_reserve(vtep, expect);
	peers = vtep_htab_count(&vtep->peers);
	err = vtep_fdb_ops_prepare(vtep, e, op, n, &made, bad, extack);
	if (err)
		goto out_free;
	/*
	 * Most of these entries brought a peer of their own, though the
	 * device had peers enough for all of them before (so not a load's
	 * first message, where a load over a thousand destinations looks
	 * the same): so will the rest of the load, in that share, and the
	 * peers' table takes their number once too.
	 */
	if (expect > n && made > n / 2 && peers >= n)
		vtep_peer_reserve(vtep, (u32)div_u64((u64)(expect - n) * made,
						     n));

	vtep_allow_reserve(vtep);
	spin_lock_bh(&vtep->lock);
	for (i = 0; i < n; i++) {
		if ((i && !(i % VTEP_BATCH_CHUNK)) || !vtep_allow_reserved(vtep))
			batch_pause(vtep, false);
		err = op_apply_retry(vtep, &e[i], &op[i], replace, &tries,
				     extack);
		if (err) {
			*bad = i;
			vtep_fdb_ops_undo(vtep, e, op, i);
			break;
		}
	}
	if (!err)
		atomic_inc(&vtep->generation);
	/* Replaced entries and their peers go; so do the unused allocations. */
	for (i = 0; i < n && !err; i++) {
		struct vtep_fdb *was = op[i].was;
		struct vtep_peer *wp;

		if (!was)
			continue;
		wp = rcu_dereference_protected(was->peer,
					       lockdep_is_held(&vtep->lock));
		if (was->flags & VTEP_FDB_STATIC)
			vtep_allow_static_put(vtep, e[i].vni->id, wp);
		vtep_peer_put(vtep, wp);
		kfree_rcu(was, rcu);
	}
	vtep_fdb_ops_put(vtep, op, n);
	spin_unlock_bh(&vtep->lock);

	if (err || !vtep_events_wanted(vtep))
		goto out_free;
	for (i = 0; i < n; i++) {
		if (!op[i].ev)
			continue;
		vtep_fdb_info_of(e[i].vni->id, e[i].mac, &e[i].dst,
				 VTEP_FDB_TYPE_STATIC, &info);
		info.owner = e[i].owner;
		vtep_event_fdb(vtep, op[i].ev, &info, GFP_KERNEL);
		cond_resched();
	}
out_free:
	vtep_scratch_put(VTEP_SCRATCH_OPS, op);
	return err;
}

/*
 * NULL if @f is what a delete of @e names: with its destination and its
 * owner, if given (a learned entry is of no owner a request names); else
 * why not, for the extack.
 */
static const char *vtep_fdb_del_refused(struct vtep_dev *vtep,
					const struct vtep_fdb *f,
					const struct vtep_fdb_cfg *e)
{
	const struct vtep_peer *p;

	if (!f)
		return "no such FDB entry";
	if (e->match_owner &&
	    (!(f->flags & VTEP_FDB_STATIC) || f->owner != e->owner))
		return "FDB entry is of another owner";
	if (!e->match_dst)
		return NULL;
	p = rcu_dereference_protected(f->peer, lockdep_is_held(&vtep->lock));
	return vtep_addr_equal(&p->addr, &e->dst) ? NULL : "no such FDB entry";
}

/*
 * Delete @n entries, static or learned (RTNL), all or none: -ENOENT and
 * *bad when one is absent, or (e->match_dst) points elsewhere than e->dst,
 * or (e->match_owner) is not e->owner's, so that a hook deletes only the
 * entry it installed.
 */
int vtep_fdb_del_batch(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
		       unsigned int n, unsigned int *bad,
		       struct netlink_ext_ack *extack)
{
	struct vtep_fdb_gone {
		struct vtep_fdb *f;	/* found by the check, under the lock */
		struct vtep_fdb_info info;
	} *g;
	struct vtep_bag *bag;
	struct vtep_fdb_key key;
	unsigned int i, done = 0;
	const char *why;
	int err = 0;

	ASSERT_RTNL();
	*bad = 0;
	g = vtep_scratch_get(VTEP_SCRATCH_OPS, n, sizeof(*g));
	if (!g)
		return -ENOMEM;
	/* Each entry, and its peer if it was the last to send there */
	bag = n > 1 ? vtep_bag_new(2 * n) : NULL;
	spin_lock_bh(&vtep->lock);
	for (i = 0; i < n; i++) {
		vtep_fdb_make_key(&key, e[i].vni->id, e[i].mac);
		g[i].f = vtep_fdb_find(&vtep->fdb, &key);
		why = vtep_fdb_del_refused(vtep, g[i].f, &e[i]);
		if (why) {
			if (extack)	/* NL_SET_ERR_MSG() takes literals */
				extack->_msg = why;
			*bad = i;
			err = -ENOENT;
			break;
		}
	}
	/* All there, and the lock held since: each goes (a MAC named twice, once). */
	for (i = 0; i < n && !err; i++)
		if (vtep_fdb_unlink_bag(vtep, g[i].f, e[i].vni, &g[done].info,
					bag))
			done++;
	spin_unlock_bh(&vtep->lock);
	vtep_bag_close(bag);
	if (!vtep_events_wanted(vtep))
		done = 0;
	for (i = 0; i < done; i++) {
		vtep_event_fdb(vtep, VTEP_EVENT_FDB_DELETED, &g[i].info,
			       GFP_KERNEL);
		cond_resched();
	}
	vtep_scratch_put(VTEP_SCRATCH_OPS, g);
	return err;
}
