// SPDX-License-Identifier: GPL-2.0
/*
 * The MAC table: (VNI, MAC) -> peer (a remote VTEP), and the local MAC
 * table behind the MAC-move notice.
 *
 * Both are rhashtables of struct vtep_fdb read under RCU by the datapath.
 * Every insert, removal and change of an entry's peer or flags happens
 * under vtep->lock; the one write done without it is the refresh of `seen`
 * by learning, a single word that the ageing sweep re-reads under the lock.
 *
 * An entry holds one reference on its peer. When an entry goes, its
 * peer reference is dropped under the lock and the entry is freed with
 * kfree_rcu(); the peer itself is freed a grace period after its last
 * reference, so a reader still holding the old entry sees a live peer.
 *
 * Ageing counts from `seen`: the last frame received from the MAC (set by
 * learning) or the last time the control plane set the entry. Transmit
 * never refreshes it, so a silent MAC that moved away expires.
 */
#include <linux/etherdevice.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>

#include "vtep.h"

/* Local MACs kept for move notices when the device sets no static limit */
#define VTEP_LOCALS_MAX		(1U << 20)
/* Entries visited between two reschedule points of a sweep */
#define VTEP_SWEEP_BATCH	256
/* A flush repeats its sweep at most this often (see vtep_fdb_flush()) */
#define VTEP_FLUSH_PASSES	8

static const struct rhashtable_params vtep_fdb_params = {
	.head_offset		= offsetof(struct vtep_fdb, node),
	.key_offset		= offsetof(struct vtep_fdb, key),
	.key_len		= sizeof(struct vtep_fdb_key),	/* 10 */
	.automatic_shrinking	= true,
};

static void vtep_fdb_make_key(struct vtep_fdb_key *key, u32 vni,
			      const u8 *mac)
{
	key->vni = vni;
	ether_addr_copy(key->mac, mac);
}

/*
 * The entry for (@vni, @mac), or NULL. The caller holds RCU (or vtep->lock)
 * for as long as it uses the entry.
 */
struct vtep_fdb *vtep_fdb_lookup(struct vtep_dev *vtep, u32 vni,
				 const u8 *mac)
{
	struct vtep_fdb_key key;

	vtep_fdb_make_key(&key, vni, mac);
	return rhashtable_lookup_fast(&vtep->fdb, &key, vtep_fdb_params);
}

/* Ticks since @f was last seen, in the 32 bits `seen` keeps */
static u32 vtep_fdb_idle(const struct vtep_fdb *f, unsigned long now)
{
	return (u32)now - READ_ONCE(f->seen);
}

/* What messages say about @f, sending to @p with @flags */
static void vtep_fdb_info(const struct vtep_fdb *f, const struct vtep_peer *p,
			  u8 flags, struct vtep_fdb_info *i)
{
	i->vni = f->key.vni;
	ether_addr_copy(i->mac, f->key.mac);
	i->dst = p->addr;
	i->type = flags & VTEP_FDB_STATIC ? VTEP_FDB_TYPE_STATIC :
					    VTEP_FDB_TYPE_LEARNED;
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
static void vtep_fdb_info_of(u32 vni, const u8 *mac,
			     const struct vtep_addr *dst, u8 type,
			     struct vtep_fdb_info *i)
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
static bool vtep_fdb_unlink(struct vtep_dev *vtep, struct vtep_fdb *f,
			    struct vtep_fdb_info *gone)
{
	struct vtep_peer *r;
	struct vtep_vni *vni;

	lockdep_assert_held(&vtep->lock);
	if (f->flags & VTEP_FDB_LOCAL) {
		if (rhashtable_remove_fast(&vtep->locals, &f->node,
					   vtep_fdb_params))
			return false;
		atomic_dec(&vtep->local_count);
		kfree_rcu(f, rcu);
		return true;
	}

	if (rhashtable_remove_fast(&vtep->fdb, &f->node, vtep_fdb_params))
		return false;
	hlist_del_init(&f->vnode);
	r = rcu_dereference_protected(f->peer, lockdep_is_held(&vtep->lock));
	if (f->flags & VTEP_FDB_STATIC)
		vtep_allow_static_put(vtep, f->key.vni, r);
	if (gone) {
		vtep_fdb_info(f, r, f->flags, gone);
		/* Not found when the VNI itself is being destroyed */
		vni = vtep_vni_lookup(vtep, f->key.vni);
		if (vni) {
			atomic_dec(&vni->fdb_count);
			if (!(f->flags & VTEP_FDB_STATIC))
				atomic_dec(&vni->learned);
		}
	}
	if (f->flags & VTEP_FDB_STATIC)
		atomic_dec(&vtep->static_count);
	vtep_peer_put(vtep, r);
	atomic_dec(&vtep->fdb_count);
	atomic_inc(&vtep->generation);
	kfree_rcu(f, rcu);
	return true;
}

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

static bool vtep_fdb_learn_full(struct vtep_dev *vtep,
				const struct vtep_vni *vni)
{
	u32 max = READ_ONCE(vtep->cfg.learn_max);

	return max && atomic_read(&vni->learned) >= max;
}

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
			rhashtable_remove_fast(&vtep->fdb, &o->f->node,
					       vtep_fdb_params);
			hlist_del_init(&o->f->vnode);
			atomic_dec(&vtep->fdb_count);
			atomic_dec(&vtep->static_count);
			atomic_dec(&e[n].vni->fdb_count);
			o->peer = p;
			kfree_rcu(o->f, rcu);
		} else if (o->ev == VTEP_EVENT_FDB_CHANGED) {
			/* The entry as it was, back in its place, whole */
			WARN_ON_ONCE(rhashtable_replace_fast(&vtep->fdb,
							     &o->f->node,
							     &o->was->node,
							     vtep_fdb_params));
			hlist_replace_rcu(&o->f->vnode, &o->was->vnode);
			if (!(o->was->flags & VTEP_FDB_STATIC)) {
				atomic_dec(&vtep->static_count);
				atomic_inc(&e[n].vni->learned);
			}
			o->peer = p;
			kfree_rcu(o->f, rcu);
			o->was = NULL;
		}
		o->ev = VTEP_EVENT_UNSPEC;
	}
	atomic_inc(&vtep->generation);
}

/*
 * Apply op @i: add the entry, or point an existing one at the new peer and
 * make it static: a learned entry always (what the data plane guessed
 * gives way to what the control plane says), a static one only with
 * @replace. vtep->lock held.
 */
static int vtep_fdb_op_apply(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
			     struct vtep_fdb_op *o, bool replace,
			     struct netlink_ext_ack *extack)
{
	struct vtep_peer *p;
	struct vtep_fdb *f;
	int err;

	f = rhashtable_lookup_fast(&vtep->fdb, &o->new->key, vtep_fdb_params);
	if (f) {
		bool learned = !(f->flags & VTEP_FDB_STATIC);

		if (!replace && !learned) {
			NL_SET_ERR_MSG(extack, "FDB entry exists");
			return -EEXIST;
		}
		if (learned && vtep_fdb_static_full(vtep))
			goto full;
		p = rcu_dereference_protected(f->peer,
					      lockdep_is_held(&vtep->lock));
		if (p == o->peer && !learned)
			return 0;	/* unchanged: success, no event */
		err = vtep_allow_static_get(vtep, e->vni->id, o->peer);
		if (err)
			return err;
		/*
		 * The new entry takes the old one's place in one pointer
		 * write: a reader finds the old entry or the new one, never
		 * the new peer with the old flags. The old one waits for
		 * the commit (or goes back on an undo).
		 */
		err = rhashtable_replace_fast(&vtep->fdb, &f->node,
					      &o->new->node, vtep_fdb_params);
		if (err) {
			vtep_allow_static_put(vtep, e->vni->id, o->peer);
			return err;
		}
		hlist_replace_rcu(&f->vnode, &o->new->vnode);
		if (learned) {
			atomic_inc(&vtep->static_count);
			atomic_dec(&e->vni->learned);
		}
		atomic_inc(&vtep->generation);
		o->was = f;
		o->f = o->new;
		o->new = NULL;
		o->peer = NULL;		/* the entry has it now */
		o->ev = VTEP_EVENT_FDB_CHANGED;
		return 0;
	}
	if (vtep_fdb_static_full(vtep))
		goto full;
	err = vtep_allow_static_get(vtep, e->vni->id, o->peer);
	if (err)
		return err;
	err = rhashtable_lookup_insert_fast(&vtep->fdb, &o->new->node,
					    vtep_fdb_params);
	if (err) {
		vtep_allow_static_put(vtep, e->vni->id, o->peer);
		NL_SET_ERR_MSG(extack, "Cannot insert the FDB entry");
		return err;
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
full:
	NL_SET_ERR_MSG(extack, "FDB is full (max-fdb static entries)");
	return -ENOSPC;
}

/* Allocate every entry and take every peer before the lock is taken. */
static int vtep_fdb_ops_prepare(struct vtep_dev *vtep,
				const struct vtep_fdb_cfg *e,
				struct vtep_fdb_op *op, unsigned int n,
				unsigned int *bad, struct netlink_ext_ack *extack)
{
	struct vtep_peer *p;
	unsigned int i;
	int err = -ENOMEM;

	for (i = 0; i < n; i++) {
		op[i].new = kzalloc(sizeof(*op[i].new), GFP_KERNEL_ACCOUNT);
		if (!op[i].new)
			goto err;
		/* Batches often repeat a destination: share the lookup. */
		if (i && vtep_addr_equal(&e[i].dst, &e[i - 1].dst)) {
			op[i].peer = op[i - 1].peer;
			refcount_inc(&op[i].peer->ref);
		} else {
			p = vtep_peer_get(vtep, &e[i].dst, GFP_KERNEL);
			if (IS_ERR(p)) {
				err = PTR_ERR(p);
				if (err == -ENOSPC)
					NL_SET_ERR_MSG(extack,
						       "Too many peers (max-peers)");
				goto err;
			}
			op[i].peer = p;
		}
		vtep_fdb_make_key(&op[i].new->key, e[i].vni->id, e[i].mac);
		op[i].new->flags = VTEP_FDB_STATIC;
		RCU_INIT_POINTER(op[i].new->peer, op[i].peer);
		op[i].new->seen = (u32)jiffies;
	}
	return 0;
err:
	*bad = i;
	spin_lock_bh(&vtep->lock);
	vtep_fdb_ops_put(vtep, op, i + 1);
	spin_unlock_bh(&vtep->lock);
	return err;
}

/*
 * Add @n static entries from the control plane (RTNL), all or none. A
 * learned entry for the MAC gets the new peer and becomes static (CHANGED
 * event); so does a static one with @replace (no event when nothing
 * changed), without it -EEXIST. -ENOSPC at cfg.fdb_max static entries or
 * cfg.peer_max peers. On an error *bad is the index of the refused entry.
 *
 * The whole batch is applied under one hold of vtep->lock, so learning
 * cannot slip an entry in between a check and the add, and no reader sees
 * a table that is half this batch and half not unless the table itself
 * refuses an entry half way (out of memory, or a MAC twice in the batch
 * without @replace): what was applied is then put back, and events go out
 * only for a batch that stayed. netlink.c has checked every entry: a
 * unicast MAC, a unicast destination of the device's family.
 */
int vtep_fdb_add_batch(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
		       unsigned int n, bool replace, unsigned int *bad,
		       struct netlink_ext_ack *extack)
{
	struct vtep_fdb_info info;
	struct vtep_fdb_op *op;
	unsigned int i;
	int err;

	ASSERT_RTNL();
	*bad = 0;
	op = kvcalloc(n, sizeof(*op), GFP_KERNEL_ACCOUNT);
	if (!op)
		return -ENOMEM;
	err = vtep_fdb_ops_prepare(vtep, e, op, n, bad, extack);
	if (err)
		goto out_free;

	spin_lock_bh(&vtep->lock);
	for (i = 0; i < n; i++) {
		err = vtep_fdb_op_apply(vtep, &e[i], &op[i], replace, extack);
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
		vtep_event_fdb(vtep, op[i].ev, &info, GFP_KERNEL);
		cond_resched();
	}
out_free:
	kvfree(op);
	return err;
}

/* Whether @f is what a delete of @e names (with its destination, if given) */
static bool vtep_fdb_del_match(struct vtep_dev *vtep, const struct vtep_fdb *f,
			       const struct vtep_fdb_cfg *e)
{
	const struct vtep_peer *p;

	if (!f)
		return false;
	if (!e->match_dst)
		return true;
	p = rcu_dereference_protected(f->peer, lockdep_is_held(&vtep->lock));
	return vtep_addr_equal(&p->addr, &e->dst);
}

/*
 * Delete @n entries, static or learned (RTNL), all or none: -ENOENT and
 * *bad when one is absent, or (e->match_dst) points elsewhere than e->dst,
 * so that a hook deletes only the entry it installed.
 */
int vtep_fdb_del_batch(struct vtep_dev *vtep, const struct vtep_fdb_cfg *e,
		       unsigned int n, unsigned int *bad,
		       struct netlink_ext_ack *extack)
{
	struct vtep_fdb_gone {
		struct vtep_fdb *f;	/* found by the check, under the lock */
		struct vtep_fdb_info info;
	} *g;
	struct vtep_fdb_key key;
	unsigned int i, done = 0;
	int err = 0;

	ASSERT_RTNL();
	*bad = 0;
	g = kvmalloc_array(n, sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return -ENOMEM;
	spin_lock_bh(&vtep->lock);
	for (i = 0; i < n; i++) {
		vtep_fdb_make_key(&key, e[i].vni->id, e[i].mac);
		g[i].f = rhashtable_lookup_fast(&vtep->fdb, &key,
						vtep_fdb_params);
		if (!vtep_fdb_del_match(vtep, g[i].f, &e[i])) {
			NL_SET_ERR_MSG(extack, "no such FDB entry");
			*bad = i;
			err = -ENOENT;
			break;
		}
	}
	/* All there, and the lock held since: each goes (a MAC named twice, once). */
	for (i = 0; i < n && !err; i++)
		if (vtep_fdb_unlink(vtep, g[i].f, &g[done].info))
			done++;
	spin_unlock_bh(&vtep->lock);
	if (!vtep_events_wanted(vtep))
		done = 0;
	for (i = 0; i < done; i++) {
		vtep_event_fdb(vtep, VTEP_EVENT_FDB_DELETED, &g[i].info,
			       GFP_KERNEL);
		cond_resched();
	}
	kvfree(g);
	return err;
}

/* ---- sweeps: flush and ageing ---- */

/* Entries a VNI flush takes out per hold of vtep->lock */
#define VTEP_FLUSH_CHUNK	64

/* Whether @f is of @type (enum vtep_fdb_type) */
static bool vtep_fdb_type_match(const struct vtep_fdb *f, u8 type)
{
	bool is_static = READ_ONCE(f->flags) & VTEP_FDB_STATIC;

	return type == VTEP_FDB_TYPE_ANY ||
	       is_static == (type == VTEP_FDB_TYPE_STATIC);
}

struct vtep_sweep {
	struct rhashtable *ht;
	u32 vni;		/* 0: every VNI */
	u8 type;		/* enum vtep_fdb_type, for a flush */
	unsigned long max_age;	/* jiffies; non-zero: an ageing sweep */
	unsigned long now;
	enum vtep_event ev;	/* sent per removed entry; UNSPEC: none */
	bool teardown;		/* the device goes: no VNI counts, no events */
};

/* Whether @f goes; re-checked under vtep->lock before it does. */
static bool vtep_sweep_match(const struct vtep_sweep *s,
			     const struct vtep_fdb *f)
{
	if (s->vni && f->key.vni != s->vni)
		return false;
	if (s->max_age)
		return !(READ_ONCE(f->flags) & VTEP_FDB_STATIC) &&
		       vtep_fdb_idle(f, s->now) > s->max_age;
	return vtep_fdb_type_match(f, s->type);
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
 * One pass over s->ht, removing what matches. The walk lets go of RCU and
 * reschedules every VTEP_SWEEP_BATCH entries, so a table of millions never
 * holds up the CPU. Returns how many entries went.
 */
static unsigned int vtep_sweep_pass(struct vtep_dev *vtep,
				    const struct vtep_sweep *s)
{
	struct rhashtable_iter iter;
	unsigned int removed = 0, visited = 0;
	struct vtep_fdb *f;

	rhashtable_walk_enter(s->ht, &iter);
	rhashtable_walk_start(&iter);
	while ((f = rhashtable_walk_next(&iter))) {
		if (IS_ERR(f))
			continue;	/* -EAGAIN: resized, walk goes on */
		if (vtep_sweep_one(vtep, s, f))
			removed++;
		if (++visited % VTEP_SWEEP_BATCH == 0) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
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
				       struct vtep_vni *vni, u8 type)
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
			if (!vtep_fdb_type_match(f, type)) {
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
 * vtep_fdb_type), with a DELETED event each; process context, RTNL. A VNI
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
			    u8 type)
{
	struct vtep_sweep s = {
		.ht = &vtep->fdb, .type = type,
		.ev = VTEP_EVENT_FDB_DELETED,
	};
	unsigned int n, total = 0, pass;

	might_sleep();
	ASSERT_RTNL();
	if (vni) {
		total = vtep_fdb_flush_vni(vtep, vni, type);
		s.vni = vni->id;
	} else {
		for (pass = 0; pass < VTEP_FLUSH_PASSES; pass++) {
			n = vtep_sweep_pass(vtep, &s);
			total += n;
			if (!n)
				break;
		}
	}
	if (type == VTEP_FDB_TYPE_ANY) {
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
	};

	/* 0 = never: sleep until vtep_fdb_ageing_start() sees a new value. */
	if (!ageing)
		return;
	s.ht = &vtep->fdb;
	s.ev = VTEP_EVENT_FDB_AGED;
	vtep_sweep_pass(vtep, &s);
	s.ht = &vtep->locals;
	s.ev = VTEP_EVENT_UNSPEC;
	vtep_sweep_pass(vtep, &s);
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

/* ---- learning (softirq, RCU held) ---- */

/* A learned MAC showed up behind another peer: point the entry there. */
static void vtep_fdb_move(struct vtep_dev *vtep, struct vtep_vni *vni,
			  struct vtep_fdb *f, const struct vtep_addr *src)
{
	struct vtep_fdb_info info;
	struct vtep_peer *r, *old;
	bool moved = false;

	r = vtep_peer_get(vtep, src, GFP_ATOMIC);
	if (IS_ERR(r)) {
		/* At cfg.peer_max: not learned, and said so */
		if (PTR_ERR(r) == -ENOSPC)
			vtep_stats_inc(vtep, vni, VTEP_STAT_DROP_FDB_FULL);
		return;		/* out of memory: the next frame tries again */
	}

	spin_lock_bh(&vtep->lock);
	old = rcu_dereference_protected(f->peer, lockdep_is_held(&vtep->lock));
	/* Still ours to move: learned, elsewhere, and still in the table. */
	if (!(f->flags & VTEP_FDB_STATIC) && !vtep_addr_equal(&old->addr, src) &&
	    rhashtable_lookup_fast(&vtep->fdb, &f->key, vtep_fdb_params) == f) {
		rcu_assign_pointer(f->peer, r);
		WRITE_ONCE(f->seen, (u32)jiffies);
		atomic_inc(&vtep->generation);
		vtep_stats_inc(vtep, vni, VTEP_STAT_FDB_MOVED);
		r = old;
		moved = true;
	}
	vtep_peer_put(vtep, r);
	spin_unlock_bh(&vtep->lock);
	if (moved) {
		vtep_fdb_info_of(vni->id, f->key.mac, src,
				 VTEP_FDB_TYPE_LEARNED, &info);
		vtep_event_fdb(vtep, VTEP_EVENT_FDB_MOVED, &info, GFP_ATOMIC);
	}
}

/*
 * A MAC not in the table, behind @src. At cfg.learn_max learned entries on
 * the VNI, or cfg.peer_max peers when @src is new, the frame is still
 * delivered (rx.c goes on) but nothing is learned: DROP_FDB_FULL counts it.
 *
 * The entry (and a new peer) are charged to a memory cgroup
 * (__GFP_ACCOUNT), but in softirq the kernel knows no task to charge: the
 * charge goes to the remote memcg set active on the CPU, if any, else to
 * none (the root). The limits above are what bounds this memory.
 */
static void vtep_fdb_learn_new(struct vtep_dev *vtep, struct vtep_vni *vni,
			       const u8 *mac, const struct vtep_addr *src)
{
	struct vtep_fdb_info info;
	struct vtep_peer *r;
	struct vtep_fdb *f;
	int err;

	if (vtep_fdb_learn_full(vtep, vni))
		goto full;
	f = kzalloc(sizeof(*f), GFP_ATOMIC | __GFP_ACCOUNT);
	if (!f)
		return;
	r = vtep_peer_get(vtep, src, GFP_ATOMIC);
	if (IS_ERR(r)) {
		kfree(f);
		if (PTR_ERR(r) == -ENOSPC)
			goto full;
		return;
	}
	vtep_fdb_make_key(&f->key, vni->id, mac);
	RCU_INIT_POINTER(f->peer, r);
	f->seen = (u32)jiffies;

	spin_lock_bh(&vtep->lock);
	/*
	 * vtep_vni_destroy() takes the VNI out of the table under this lock
	 * before flushing its entries: checking here means nothing is learned
	 * into a VNI after its flush.
	 */
	if (vtep_vni_lookup(vtep, vni->id) != vni)
		err = -ENOENT;
	else if (vtep_fdb_learn_full(vtep, vni))
		err = -ENOSPC;
	else
		err = rhashtable_lookup_insert_fast(&vtep->fdb, &f->node,
						    vtep_fdb_params);
	if (!err) {
		hlist_add_head(&f->vnode, &vni->fdb_list);
		atomic_inc(&vtep->fdb_count);
		atomic_inc(&vni->fdb_count);
		atomic_inc(&vni->learned);
		atomic_inc(&vtep->generation);
	} else {
		vtep_peer_put(vtep, r);
	}
	spin_unlock_bh(&vtep->lock);

	if (err) {
		/* -EEXIST: another CPU learned the same MAC first */
		kfree(f);
		if (err == -ENOSPC)
			goto full;
		return;
	}
	vtep_stats_inc(vtep, vni, VTEP_STAT_FDB_LEARNED);
	vtep_fdb_info_of(vni->id, mac, src, VTEP_FDB_TYPE_LEARNED, &info);
	vtep_event_fdb(vtep, VTEP_EVENT_FDB_LEARNED, &info, GFP_ATOMIC);
	return;

full:
	vtep_stats_inc(vtep, vni, VTEP_STAT_DROP_FDB_FULL);
}

/*
 * Learn that @mac on @vni lives behind @src, from a received frame that rx.c
 * found worth learning from (learning on, unicast MAC and source). Static
 * entries are left alone; a known MAC behind the same peer only gets its
 * `seen` refreshed, without the lock and without writing when unchanged,
 * so a busy flow does not bounce the entry's cache line between CPUs.
 */
void vtep_fdb_learn(struct vtep_dev *vtep, struct vtep_vni *vni,
		    const u8 *mac, const struct vtep_addr *src)
{
	struct vtep_peer *r;
	struct vtep_fdb *f;
	u32 now;

	f = vtep_fdb_lookup(vtep, vni->id, mac);
	if (!f) {
		vtep_fdb_learn_new(vtep, vni, mac, src);
		return;
	}
	if (READ_ONCE(f->flags) & VTEP_FDB_STATIC)
		return;
	r = rcu_dereference(f->peer);
	/* Another address of the same peer (alias.c) is no move. */
	if (unlikely(!vtep_addr_equal(&r->addr, src)) &&
	    !vtep_alias_same(vtep, &r->addr, src)) {
		vtep_fdb_move(vtep, vni, f, src);
		return;
	}
	now = (u32)jiffies;
	if (READ_ONCE(f->seen) != now)
		WRITE_ONCE(f->seen, now);
}

/* ---- the local MAC table (MAC-move notice) ---- */

static bool vtep_fdb_local_add(struct vtep_dev *vtep,
			       const struct vtep_fdb_key *key, u32 now)
{
	u32 max = READ_ONCE(vtep->cfg.fdb_max) ?: VTEP_LOCALS_MAX;
	struct vtep_fdb *f;
	int err;

	/*
	 * Full, or out of memory: the MAC cannot be remembered, so say it is
	 * not new. Otherwise every frame it sends would be flooded.
	 */
	if (atomic_read(&vtep->local_count) >= max)
		return false;
	/* Charged like a learned entry (see vtep_fdb_learn_new()) */
	f = kzalloc(sizeof(*f), GFP_ATOMIC | __GFP_ACCOUNT);
	if (!f)
		return false;
	f->key = *key;
	f->flags = VTEP_FDB_LOCAL;
	f->seen = now;

	spin_lock_bh(&vtep->lock);
	err = rhashtable_lookup_insert_fast(&vtep->locals, &f->node,
					    vtep_fdb_params);
	if (!err)
		atomic_inc(&vtep->local_count);
	spin_unlock_bh(&vtep->lock);
	if (err) {
		/* -EEXIST: another CPU recorded it and sends the notice */
		kfree(f);
		return false;
	}
	return true;
}

/*
 * Transmit path (RCU held): true when @mac has not been seen locally on
 * @vni, or not for longer than the ageing time, i.e. when its frame should
 * be flooded as a move notice. Records or refreshes the MAC either way.
 * @mac is unicast: tx.c asks only about those.
 */
bool vtep_fdb_local_is_new(struct vtep_dev *vtep, u32 vni, const u8 *mac)
{
	u32 ageing = READ_ONCE(vtep->cfg.ageing);
	u32 now = (u32)jiffies, seen;
	struct vtep_fdb_key key;
	struct vtep_fdb *f;

	vtep_fdb_make_key(&key, vni, mac);
	f = rhashtable_lookup_fast(&vtep->locals, &key, vtep_fdb_params);
	if (!f)
		return vtep_fdb_local_add(vtep, &key, now);

	seen = READ_ONCE(f->seen);
	if (seen == now)
		return false;
	WRITE_ONCE(f->seen, now);
	return ageing && now - seen > (unsigned long)ageing * HZ;
}

/* ---- setup and teardown ---- */

int vtep_fdb_init(struct vtep_dev *vtep)
{
	int err;

	/* One cache line per MAC: the point of sharing remotes. */
	BUILD_BUG_ON(sizeof(struct vtep_fdb) > 64);
	/* No padding in the key: it is hashed as bytes. */
	BUILD_BUG_ON(sizeof(struct vtep_fdb_key) != sizeof(u32) + ETH_ALEN);

	atomic_set(&vtep->fdb_count, 0);
	atomic_set(&vtep->static_count, 0);
	atomic_set(&vtep->local_count, 0);
	atomic_set(&vtep->generation, 0);
	INIT_DELAYED_WORK(&vtep->ageing, vtep_fdb_ageing_work);

	err = rhashtable_init(&vtep->fdb, &vtep_fdb_params);
	if (err)
		return err;
	err = rhashtable_init(&vtep->locals, &vtep_fdb_params);
	if (err)
		goto err_destroy_fdb;
	return 0;

err_destroy_fdb:
	rhashtable_destroy(&vtep->fdb);
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
	struct vtep_sweep s = { .ht = &vtep->fdb, .teardown = true };

	ASSERT_RTNL();
	cancel_delayed_work_sync(&vtep->ageing);
	/* Nothing adds entries any more, so this ends. */
	while (atomic_read(&vtep->fdb.nelems))
		vtep_sweep_pass(vtep, &s);
	s.ht = &vtep->locals;
	while (atomic_read(&vtep->locals.nelems))
		vtep_sweep_pass(vtep, &s);
}

/*
 * Free the emptied tables, from the device's destructor: it runs after the
 * last device reference is gone and after unregistering waited for RCU
 * readers.
 */
void vtep_fdb_free(struct vtep_dev *vtep)
{
	WARN_ON_ONCE(atomic_read(&vtep->fdb.nelems) ||
		     atomic_read(&vtep->locals.nelems));
	rhashtable_destroy(&vtep->fdb);
	rhashtable_destroy(&vtep->locals);
}
