// SPDX-License-Identifier: GPL-2.0
/*
 * Learning: the MAC table's entries that received frames create and move
 * (softirq, RCU held), and the local MAC table behind the MAC-move notice
 * (transmit path). The entries are fdb.c's; so are their ageing and
 * removal.
 */
#include <linux/etherdevice.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "vtep.h"
#include "fdb.h"
#include "learn.h"

/* Local MACs kept for move notices when the device sets no static limit */
#define VTEP_LOCALS_MAX		(1U << 20)

/*
 * What learning allocates, from softirq or the transmit path: never
 * sleeping, and without GFP_ATOMIC's __GFP_HIGH, which memcg lets past
 * memory.max (a forced charge): at the creator's limit a MAC is not
 * learned. Failures are counted (DROP_FDB_FULL), not logged.
 */
#define VTEP_LEARN_GFP		(GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN)

/*
 * Charge what learning allocates to the device's creator (vtep->memcg,
 * taken by vtep_fdb_init()). In softirq the kernel has no task to charge
 * and would charge nobody; in a sender's task it would charge the sender.
 * Bottom halves are off in both, so the CPU's (or task's) active memcg
 * set here is ours until learn_charge_end().
 */
static struct mem_cgroup *learn_charge_begin(struct vtep_dev *vtep)
{
	return set_active_memcg(vtep->memcg);
}

static void learn_charge_end(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

/* At cfg.learn_max learned entries on @vni, or cfg.learn_max_dev on the device */
static bool vtep_fdb_learn_full(struct vtep_dev *vtep,
				const struct vtep_vni *vni)
{
	u32 max = READ_ONCE(vtep->cfg.learn_max);
	u32 dev_max = READ_ONCE(vtep->cfg.learn_max_dev);

	return (max && atomic_read(&vni->learned) >= max) ||
	       (dev_max && atomic_read(&vtep->learned) >= dev_max);
}

/*
 * A device owned by a user namespace other than the initial one may not
 * make learning unbounded: its owner is not trusted with the host's
 * memory (the creator's memcg still bounds what it learns, but a host
 * without memory limits has none). The owner is the user namespace of
 * the network namespace the device was created from (vtep->net). RTNL.
 */
int vtep_learn_limits_check(const struct vtep_dev *vtep,
			    const struct vtep_cfg *cfg,
			    struct netlink_ext_ack *extack)
{
	if (vtep->net->user_ns == &init_user_ns)
		return 0;
	if (!cfg->learn_max) {
		NL_SET_ERR_MSG(extack, "LEARN_MAX (max-learned) 0, unlimited, is refused to a device of a user namespace");
		return -EINVAL;
	}
	if (!cfg->learn_max_dev) {
		NL_SET_ERR_MSG(extack, "LEARN_MAX_DEV (max-learned-dev) 0, unlimited, is refused to a device of a user namespace");
		return -EINVAL;
	}
	if (!cfg->peer_max) {
		NL_SET_ERR_MSG(extack, "PEER_MAX (max-peers) 0, unlimited, is refused to a device of a user namespace");
		return -EINVAL;
	}
	return 0;
}

/*
 * A learned MAC showed up behind another peer: point the entry there, in
 * place (one pointer; readers see the old peer or the new). A MAC that
 * flaps between two sources moves on every frame: the peer it leaves is
 * parked, not freed, so moving back finds it (no allocation, no RCU free),
 * and FDB_MOVED events are rate-limited per device (a burst of 10, then 1
 * a second), the others counted in MOVE_EVENTS_SUPPRESSED. Every move is
 * counted (FDB_MOVED); one to a new peer needs room under cfg.peer_max
 * and in the creator's memcg, like learning.
 */
static void vtep_fdb_move(struct vtep_dev *vtep, struct vtep_vni *vni,
			  struct vtep_fdb *f, const struct vtep_addr *src)
{
	struct vtep_fdb_info info;
	struct vtep_peer *r, *old;
	struct mem_cgroup *memcg;
	bool moved = false;

	memcg = learn_charge_begin(vtep);
	r = vtep_peer_get(vtep, src, VTEP_LEARN_GFP);
	learn_charge_end(memcg);
	if (IS_ERR(r)) {
		/* At cfg.peer_max or the memcg's limit: not moved, said so */
		vtep_stats_inc(vtep, vni, VTEP_STAT_DROP_FDB_FULL);
		return;
	}

	spin_lock_bh(&vtep->lock);
	old = rcu_dereference_protected(f->peer, lockdep_is_held(&vtep->lock));
	/* Still ours to move: learned, elsewhere, and still in the table. */
	if (!(f->flags & VTEP_FDB_STATIC) && !vtep_addr_equal(&old->addr, src) &&
	    vtep_fdb_find(&vtep->fdb, &f->key) == f) {
		rcu_assign_pointer(f->peer, r);
		WRITE_ONCE(f->seen, (u32)jiffies);
		atomic_inc(&vtep->generation);
		vtep_stats_inc(vtep, vni, VTEP_STAT_FDB_MOVED);
		r = old;
		moved = true;
	}
	/* The peer it left stays for its return (a flap costs no allocation) */
	vtep_peer_park(vtep, r);
	spin_unlock_bh(&vtep->lock);
	if (!moved)
		return;
	if (!__ratelimit(&vtep->move_rs)) {
		vtep_stats_inc(vtep, vni, VTEP_STAT_MOVE_EVENTS_SUPPRESSED);
		return;
	}
	vtep_fdb_info_of(vni->id, f->key.mac, src, VTEP_FDB_TYPE_LEARNED,
			 &info);
	vtep_event_fdb(vtep, VTEP_EVENT_FDB_MOVED, &info, GFP_ATOMIC);
}

/*
 * A MAC not in the table, behind @src. At cfg.learn_max learned entries on
 * the VNI, cfg.learn_max_dev on the device, cfg.peer_max peers when @src
 * is new, or the creator's memcg at its memory.max, the frame is still
 * delivered (rx.c goes on) but nothing is learned: DROP_FDB_FULL counts it.
 */
static void vtep_fdb_learn_new(struct vtep_dev *vtep, struct vtep_vni *vni,
			       const u8 *mac, const struct vtep_addr *src)
{
	struct vtep_fdb_info info;
	struct mem_cgroup *memcg;
	struct vtep_peer *r;
	struct vtep_fdb *f;
	int err;

	if (vtep_fdb_learn_full(vtep, vni))
		goto full;
	memcg = learn_charge_begin(vtep);
	f = kzalloc(sizeof(*f), VTEP_LEARN_GFP);
	r = f ? vtep_peer_get(vtep, src, VTEP_LEARN_GFP) : ERR_PTR(-ENOMEM);
	learn_charge_end(memcg);
	if (IS_ERR(r)) {
		kfree(f);
		goto full;
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
	else if (vtep_fdb_insert(&vtep->fdb, f))
		err = -EEXIST;
	if (!err) {
		hlist_add_head(&f->vnode, &vni->fdb_list);
		atomic_inc(&vtep->fdb_count);
		atomic_inc(&vni->fdb_count);
		atomic_inc(&vni->learned);
		atomic_inc(&vtep->learned);
		atomic_inc(&vtep->generation);
	} else {
		vtep_peer_put(vtep, r);
	}
	spin_unlock_bh(&vtep->lock);

	if (err) {
		kfree(f);
		/*
		 * -EEXIST: another CPU learned the same MAC first. Anything
		 * else leaves the MAC unlearned and is counted: the limits
		 * (-ENOSPC) or the VNI going (-ENOENT).
		 */
		if (err != -EEXIST)
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

static void vtep_seen_note(struct vtep_seen *n, u32 vni, const u8 *mac,
			   u32 now)
{
	n->vni = vni;
	ether_addr_copy(n->mac, mac);
	n->when = now;
}

/*
 * Learn that @mac on @vni lives behind @src, from a received frame that rx.c
 * found worth learning from (learning on, unicast MAC and source). Static
 * entries are left alone; a known MAC behind the same peer only gets its
 * `seen` refreshed, without the lock and without writing when unchanged,
 * so a busy flow does not bounce the entry's cache line between CPUs.
 */
void vtep_fdb_learn_slow(struct vtep_dev *vtep, struct vtep_vni *vni,
			 const u8 *mac, const struct vtep_addr *src)
{
	struct vtep_pcpu_seen *ps = this_cpu_ptr(vtep->seen);
	u32 now = (u32)jiffies;
	struct vtep_peer *r;
	struct vtep_fdb *f;

	/*
	 * Not found behind @src by this CPU this tick (learn.h). Noted once
	 * it is: were it removed within the tick, the next tick's frame
	 * learns it again.
	 */
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
	if (READ_ONCE(f->seen) != now)
		WRITE_ONCE(f->seen, now);
	vtep_seen_note(&ps->learned, vni->id, mac, now);
	ps->src = *src;
}

/* ---- the local MAC table (MAC-move notice) ---- */

static bool vtep_fdb_local_add(struct vtep_dev *vtep,
			       const struct vtep_fdb_key *key, u32 now)
{
	u32 max = READ_ONCE(vtep->cfg.fdb_max) ?: VTEP_LOCALS_MAX;
	struct mem_cgroup *memcg;
	struct vtep_fdb *f;
	int err;

	/*
	 * Full, or out of memory: the MAC cannot be remembered, so say it is
	 * not new. Otherwise every frame it sends would be flooded.
	 */
	if (atomic_read(&vtep->local_count) >= max)
		return false;
	/* Charged like a learned entry, to the device's creator */
	memcg = learn_charge_begin(vtep);
	f = kzalloc(sizeof(*f), VTEP_LEARN_GFP);
	learn_charge_end(memcg);
	if (!f)
		return false;
	f->key = *key;
	f->flags = VTEP_FDB_LOCAL;
	f->seen = now;

	spin_lock_bh(&vtep->lock);
	err = vtep_fdb_insert(&vtep->locals, f) ? -EEXIST : 0;
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
bool vtep_fdb_local_is_new_slow(struct vtep_dev *vtep, u32 vni,
				const u8 *mac)
{
	struct vtep_seen *ls = &this_cpu_ptr(vtep->seen)->local;
	u32 ageing = READ_ONCE(vtep->cfg.ageing);
	u32 now = (u32)jiffies;
	struct vtep_fdb_key key;
	u32 idle;
	struct vtep_fdb *f;
	bool is_new;

	/*
	 * Not refreshed by this CPU this tick (learn.h). Noted once it is:
	 * were the entry removed within the tick, the next tick's frame
	 * adds it again and announces it.
	 */
	vtep_fdb_make_key(&key, vni, mac);
	f = vtep_fdb_find(&vtep->locals, &key);
	if (!f) {
		is_new = vtep_fdb_local_add(vtep, &key, now);
	} else {
		/* (another CPU may have seen it a tick later than our now) */
		idle = vtep_ticks_since(READ_ONCE(f->seen), now);
		is_new = false;
		if (idle) {
			WRITE_ONCE(f->seen, now);
			is_new = ageing && idle > (unsigned long)ageing * HZ;
		}
	}
	vtep_seen_note(ls, vni, mac, now);
	return is_new;
}
