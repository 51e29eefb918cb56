// SPDX-License-Identifier: GPL-2.0
/*
 * The VNI table of a device and its VLAN -> VNI map.
 *
 * A VNI lives in vtep->vnis (an rhashtable keyed by id, for the receive path
 * and the control plane) and in one slot of vtep->vlan_map[] (for the
 * transmit path: slot 0 is untagged frames, slot N is VLAN N). Both are
 * read under RCU and written under vtep->lock by RTNL callers; a VNI is
 * freed one grace period after it left both.
 *
 * This file keeps tables only: device.c joins and leaves multicast groups,
 * flushes a deleted VNI's FDB entries and sends the VNI events. netlink.c
 * has checked every id, VLAN and address it is given.
 */
#include <linux/if_vlan.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "vtep.h"

static const struct rhashtable_params vtep_vni_params =
	VTEP_VNI_ID_PARAMS(node);

int vtep_vni_init(struct vtep_dev *vtep)
{
	return rhashtable_init(&vtep->vnis, &vtep_vni_params);
}

/*
 * The VNI @id, or NULL. The caller holds RCU, RTNL or vtep->lock, which
 * keeps the result alive until it lets go.
 */
struct vtep_vni *vtep_vni_lookup(struct vtep_dev *vtep, u32 id)
{
	return rhashtable_lookup_fast(&vtep->vnis, &id, vtep_vni_params);
}

static struct vtep_vni *vtep_vlan_slot(struct vtep_dev *vtep, u16 vlan)
{
	return rcu_dereference_protected(vtep->vlan_map[vlan],
					 lockdep_rtnl_is_held());
}

/* Refuse a VLAN (or untagged) slot that another VNI already holds. */
int vtep_vni_vlan_check(struct vtep_dev *vtep, u16 vlan,
			   struct netlink_ext_ack *extack)
{
	struct vtep_vni *other;

	other = vtep_vlan_slot(vtep, vlan);
	if (!other)
		return 0;
	/* Fixed texts: 6.1 has no formatted extack messages. */
	if (vlan)
		NL_SET_ERR_MSG(extack, "VLAN is already mapped to another VNI");
	else
		NL_SET_ERR_MSG(extack,
			       "Untagged frames are already mapped to another VNI");
	return -EBUSY;
}

static void vtep_vni_free_rcu(struct rcu_head *rcu)
{
	struct vtep_vni *vni = container_of(rcu, struct vtep_vni, rcu);

	vtep_stats_free(vni->stats);
	kfree(rcu_dereference_protected(vni->allowed, true));
	kfree(rcu_dereference_protected(vni->group, true));
	kfree(vni);
}

/*
 * A new VNI as @vc describes it (a new id, with a VLAN or untagged, its
 * group and flood setting; defaults: no group, flood), in no table yet:
 * device.c joins its group before vtep_vni_insert() publishes it, so a
 * request that fails leaves nothing behind. Under RTNL.
 */
struct vtep_vni *vtep_vni_alloc(struct vtep_dev *vtep,
				const struct vtep_vni_cfg *vc,
				struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;
	int err;

	ASSERT_RTNL();
	err = vtep_vni_vlan_check(vtep, vc->vlan, extack);
	if (err)
		return ERR_PTR(err);

	/* Charged to the requester's memory cgroup, with its counters */
	vni = kzalloc(sizeof(*vni), GFP_KERNEL_ACCOUNT);
	if (!vni)
		return ERR_PTR(-ENOMEM);
	INIT_HLIST_HEAD(&vni->fdb_list);
	INIT_HLIST_HEAD(&vni->neighs);
	err = vtep_stats_alloc(&vni->stats);
	if (err) {
		kfree(vni);
		return ERR_PTR(err);
	}
	vni->id = vc->id;
	vtep_flow_vni_init(vni);
	vni->vtep = vtep;
	vni->vlan = vc->vlan;
	vni->flood = vc->has_flood ? vc->flood : true;
	vni->peers = vc->has_peers ? vc->peers : VTEP_PEERS_ANY;
	vni->suppress = vc->has_suppress && vc->suppress;
	if (vc->has_group && vc->group.family) {
		RCU_INIT_POINTER(vni->group, vtep_vni_group_alloc(&vc->group));
		if (!rcu_access_pointer(vni->group)) {
			vtep_stats_free(vni->stats);
			kfree(vni);
			return ERR_PTR(-ENOMEM);
		}
	}
	INIT_LIST_HEAD(&vni->remotes);
	atomic_set(&vni->fdb_count, 0);
	atomic_set(&vni->learned, 0);
	return vni;
}

static const struct vtep_addr vtep_no_group;

/*
 * The VNI's group, or an address of family AF_UNSPEC for none. The caller
 * holds RTNL or RCU (a dump), which keeps the result alive.
 */
const struct vtep_addr *vtep_vni_group(const struct vtep_vni *vni)
{
	const struct vtep_group_addr *g;

	g = rcu_dereference_check(vni->group, lockdep_rtnl_is_held());
	return g ? &g->addr : &vtep_no_group;
}

/* A group to publish with vtep_vni_group_set(); NULL for none, or no memory */
struct vtep_group_addr *vtep_vni_group_alloc(const struct vtep_addr *group)
{
	struct vtep_group_addr *g;

	if (!group->family)
		return NULL;
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (g)
		g->addr = *group;
	return g;
}

/*
 * Make @g (NULL: none) the VNI's group, under RTNL. The flood path reads
 * the pointer once, so it sends to the old group or the new one, never to
 * an address made of both; the old one is freed after readers are done.
 */
void vtep_vni_group_set(struct vtep_dev *vtep, struct vtep_vni *vni,
			struct vtep_group_addr *g)
{
	struct vtep_group_addr *old;

	ASSERT_RTNL();
	spin_lock_bh(&vtep->lock);
	old = rcu_replace_pointer(vni->group, g, lockdep_rtnl_is_held());
	spin_unlock_bh(&vtep->lock);
	kfree_rcu(old, rcu);
}

/*
 * Publish a VNI from vtep_vni_alloc() in the table and its VLAN slot
 * (checked free then, and RTNL held since). On failure the caller frees it.
 */
int vtep_vni_insert(struct vtep_dev *vtep, struct vtep_vni *vni,
		    struct netlink_ext_ack *extack)
{
	int err;

	ASSERT_RTNL();
	spin_lock_bh(&vtep->lock);
	err = rhashtable_lookup_insert_fast(&vtep->vnis, &vni->node,
					    vtep_vni_params);
	if (!err) {
		rcu_assign_pointer(vtep->vlan_map[vni->vlan], vni);
		WRITE_ONCE(vtep->vni_count, vtep->vni_count + 1);
		WRITE_ONCE(vtep->vni_gen, vtep->vni_gen + 1);
	}
	spin_unlock_bh(&vtep->lock);
	if (err)
		NL_SET_ERR_MSG(extack, "Cannot add the VNI to the table");
	return err;
}

/*
 * Map @vni to @vlan instead of its current slot, under RTNL; the caller
 * checked the slot free (vtep_vni_vlan_check()), so this cannot fail. The
 * new slot is published before the old one is cleared; a frame that races
 * the move on the old VLAN is dropped as unmapped, never sent on a wrong
 * VNI.
 */
void vtep_vni_remap(struct vtep_dev *vtep, struct vtep_vni *vni, u16 vlan)
{
	u16 old = vni->vlan;

	ASSERT_RTNL();
	if (vlan == old || WARN_ON_ONCE(vtep_vlan_slot(vtep, vlan)))
		return;

	spin_lock_bh(&vtep->lock);
	rcu_assign_pointer(vtep->vlan_map[vlan], vni);
	RCU_INIT_POINTER(vtep->vlan_map[old], NULL);
	WRITE_ONCE(vni->vlan, vlan);
	WRITE_ONCE(vtep->vni_gen, vtep->vni_gen + 1);
	spin_unlock_bh(&vtep->lock);
}

/* Empty the replication list; vtep->lock held. */
static void vtep_vni_remotes_release(struct vtep_dev *vtep,
				     struct vtep_vni *vni)
{
	struct vtep_vni_remote *vr, *tmp;

	lockdep_assert_held(&vtep->lock);
	list_for_each_entry_safe(vr, tmp, &vni->remotes, node) {
		list_del_rcu(&vr->node);
		vtep_allow_put(vtep, vni->id, &vr->peer->addr,
			       VTEP_ALLOW_REMOTE);
		vtep_peer_put(vtep, vr->peer);
		kfree_rcu(vr, rcu);
	}
	WRITE_ONCE(vni->nremotes, 0);
}

/* Take @vni out of the table and the VLAN map; vtep->lock held. */
static void vni_unlink(struct vtep_dev *vtep, struct vtep_vni *vni)
{
	lockdep_assert_held(&vtep->lock);
	if (rcu_access_pointer(vtep->vlan_map[vni->vlan]) == vni)
		RCU_INIT_POINTER(vtep->vlan_map[vni->vlan], NULL);
	rhashtable_remove_fast(&vtep->vnis, &vni->node, vtep_vni_params);
	WRITE_ONCE(vtep->vni_count, vtep->vni_count - 1);
	WRITE_ONCE(vtep->vni_gen, vtep->vni_gen + 1);
	vtep_vni_remotes_release(vtep, vni);
	vtep_allow_release(vtep, vni);
}

/*
 * Take @vni out of the table, the VLAN map and its replication list, under
 * RTNL: the first step of deleting it (device.c, vtep_vni_delete()). Once
 * this returns, learning finds the VNI no more: it re-checks the table
 * under vtep->lock before it inserts.
 */
void vtep_vni_unlink(struct vtep_dev *vtep, struct vtep_vni *vni)
{
	ASSERT_RTNL();
	spin_lock_bh(&vtep->lock);
	vni_unlink(vtep, vni);
	spin_unlock_bh(&vtep->lock);
}

/*
 * Free an unlinked VNI once readers that found it before it left are done;
 * its counters go with it.
 */
void vtep_vni_free(struct vtep_vni *vni)
{
	call_rcu(&vni->rcu, vtep_vni_free_rcu);
}

/*
 * Free every VNI of a device that is going away (RTNL, device closed).
 * Its FDB entries are gone already: vtep_fdb_uninit() runs first, as
 * unlinking an entry takes it off its VNI's list.
 */
void vtep_vni_uninit(struct vtep_dev *vtep)
{
	struct rhashtable_iter iter;
	struct vtep_vni *vni;

	ASSERT_RTNL();
	/*
	 * Removing the entry the walk stands on makes it restart or skip
	 * within a bucket; repeat until the table is empty.
	 */
	while (atomic_read(&vtep->vnis.nelems)) {
		rhashtable_walk_enter(&vtep->vnis, &iter);
		rhashtable_walk_start(&iter);
		while ((vni = rhashtable_walk_next(&iter))) {
			if (IS_ERR(vni))
				continue;	/* -EAGAIN: resized */
			vtep_vni_unlink(vtep, vni);
			vtep_vni_free(vni);
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
	}
	rhashtable_destroy(&vtep->vnis);
}

static struct vtep_vni_remote *vtep_vni_remote_find(struct vtep_vni *vni,
						    const struct vtep_addr *addr)
{
	struct vtep_vni_remote *vr;

	/* Writers hold RTNL as well as vtep->lock: RTNL is enough to read. */
	list_for_each_entry_rcu(vr, &vni->remotes, node, lockdep_rtnl_is_held())
		if (vtep_addr_equal(&vr->peer->addr, addr))
			return vr;
	return NULL;
}

/*
 * Add @addr to the head-end replication list of @vni for @owner, under
 * RTNL. The caller has checked it: unicast, of the device's family.
 * -EEXIST if present, unless @replace (NLM_F_REPLACE): then the entry
 * takes @owner, and nothing else changes.
 */
int vtep_vni_remote_new(struct vtep_dev *vtep, struct vtep_vni *vni,
			const struct vtep_addr *addr, u8 owner, bool replace,
			struct netlink_ext_ack *extack)
{
	u32 max = READ_ONCE(vtep->cfg.remote_max);
	struct vtep_vni_remote *vr;
	struct vtep_peer *r;
	int err;

	ASSERT_RTNL();
	/* The allow table knows the list's members: one lookup, not a walk. */
	if (vtep_allow_is_remote(vtep, vni->id, addr)) {
		if (!replace) {
			NL_SET_ERR_MSG(extack,
				       "Remote is already in the VNI's replication list");
			return -EEXIST;
		}
		vr = vtep_vni_remote_find(vni, addr);
		if (vr && vr->owner != owner) {
			spin_lock_bh(&vtep->lock);
			WRITE_ONCE(vr->owner, owner);
			WRITE_ONCE(vtep->vni_gen, vtep->vni_gen + 1);
			spin_unlock_bh(&vtep->lock);
		}
		return 0;
	}
	if (max && vni->nremotes >= max) {
		NL_SET_ERR_MSG(extack,
			       "VNI's replication list is full (VTEP_LINK_A_REMOTE_MAX)");
		return -ENOSPC;
	}

	vr = kzalloc(sizeof(*vr), GFP_KERNEL_ACCOUNT);
	if (!vr)
		return -ENOMEM;
	r = vtep_peer_get(vtep, addr, GFP_KERNEL);
	if (IS_ERR(r)) {
		kfree(vr);
		if (PTR_ERR(r) == -ENOSPC)
			NL_SET_ERR_MSG(extack, "Too many peers (max-peers)");
		return PTR_ERR(r);
	}
	vr->peer = r;
	vr->owner = owner;

	vtep_allow_reserve(vtep);
	spin_lock_bh(&vtep->lock);
	err = vtep_allow_get(vtep, vni->id, addr, VTEP_ALLOW_REMOTE);
	if (err) {
		vtep_peer_put(vtep, r);
	} else {
		list_add_tail_rcu(&vr->node, &vni->remotes);
		WRITE_ONCE(vni->nremotes, vni->nremotes + 1);
		WRITE_ONCE(vtep->vni_gen, vtep->vni_gen + 1);
	}
	spin_unlock_bh(&vtep->lock);
	if (err)
		kfree(vr);
	return err;
}

/*
 * Remove @addr from the replication list of @vni (RTNL); -ENOENT if absent
 * or (unless @owner is VTEP_OWNER_ANY) of another owner.
 */
int vtep_vni_remote_remove(struct vtep_dev *vtep, struct vtep_vni *vni,
			   const struct vtep_addr *addr, int owner,
			   struct netlink_ext_ack *extack)
{
	struct vtep_vni_remote *vr;

	ASSERT_RTNL();
	vr = vtep_vni_remote_find(vni, addr);
	if (!vr) {
		NL_SET_ERR_MSG(extack,
			       "Remote is not in the VNI's replication list");
		return -ENOENT;
	}
	if (owner != VTEP_OWNER_ANY && vr->owner != owner) {
		NL_SET_ERR_MSG(extack, "Remote is of another owner");
		return -ENOENT;
	}

	spin_lock_bh(&vtep->lock);
	list_del_rcu(&vr->node);
	WRITE_ONCE(vni->nremotes, vni->nremotes - 1);
	WRITE_ONCE(vtep->vni_gen, vtep->vni_gen + 1);
	vtep_allow_put(vtep, vni->id, addr, VTEP_ALLOW_REMOTE);
	vtep_peer_put(vtep, vr->peer);
	spin_unlock_bh(&vtep->lock);
	kfree_rcu(vr, rcu);
	return 0;
}
