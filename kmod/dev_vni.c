// SPDX-License-Identifier: GPL-2.0
/*
 * The device's VNIs: the changes that need more than the VNI table
 * (vni.c), namely the underlay (the group a VNI joins, the socket it is
 * claimed on) and the other tables (the FDB entries and neighbours a
 * deleted VNI takes with it), and the joins of every VNI when the device
 * opens or stops (device.c). Under RTNL; netlink.c checked what it hands
 * over.
 */
#include "vtep.h"

/*
 * A VNI's membership of its group: joined at most once per VNI (vni->mc),
 * while the device has its socket, and left only by the VNI that joined, so one
 * device's failure never undoes another's (or another VNI's) join.
 */
static int vni_join(struct vtep_dev *vtep, const struct vtep_addr *group,
		    struct vtep_group **mc)
{
	struct vtep_group *g;

	*mc = NULL;
	if (!group->family)
		return 0;
	/* NULL while the device has no socket (down): joined at open */
	g = vtep_underlay_join(vtep, group);
	if (IS_ERR(g))
		return PTR_ERR(g);
	*mc = g;
	return 0;
}

static void vni_leave(struct vtep_dev *vtep, struct vtep_vni *vni)
{
	if (vni->mc)
		vtep_underlay_leave(vtep, vni->mc);
	vni->mc = NULL;
}

/*
 * Change a VNI as @vc says, all or nothing: what can fail (the VLAN slot
 * taken, the new group's join) is done or checked before anything the
 * datapath sees changes, so a refused request leaves the VNI as it was.
 */
static int vtep_vni_update(struct vtep_dev *vtep, struct vtep_vni *vni,
			   const struct vtep_vni_cfg *vc,
			   struct netlink_ext_ack *extack)
{
	bool regroup = vc->has_group && !vtep_addr_equal(vtep_vni_group(vni),
							 &vc->group);
	bool remap = vc->has_map && vc->vlan != vni->vlan;
	struct vtep_group_addr *g = NULL;
	struct vtep_group *mc = NULL;
	int err;

	if (remap) {
		err = vtep_vni_vlan_check(vtep, vc->vlan, extack);
		if (err)
			return err;
	}
	if (regroup) {
		g = vtep_vni_group_alloc(&vc->group);
		if (vc->group.family && !g)
			return -ENOMEM;
		/* Join the new group before leaving the old one. */
		err = vni_join(vtep, &vc->group, &mc);
		if (err) {
			kfree(g);
			NL_SET_ERR_MSG(extack, "Cannot join the multicast group");
			return err;
		}
	}

	if (remap)
		vtep_vni_remap(vtep, vni, vc->vlan);
	if (regroup) {
		vtep_vni_group_set(vtep, vni, g);
		vni_leave(vtep, vni);
		vni->mc = mc;
	}
	if (vc->has_flood)
		WRITE_ONCE(vni->flood, vc->flood);
	if (vc->has_peers)
		WRITE_ONCE(vni->peers, vc->peers);
	if (vc->has_suppress)
		WRITE_ONCE(vni->suppress, vc->suppress);
	vtep->vni_gen++;
	vtep_event_vni(vtep, VTEP_EVENT_VNI_CHANGED, vni->id);
	return 0;
}

/*
 * Delete @vni: out of the tables first, so learning adds nothing for it
 * after the flush; then out of its group, its FDB entries flushed (with
 * their events), and freed after a grace period. Under RTNL.
 */
static void vtep_vni_delete(struct vtep_dev *vtep, struct vtep_vni *vni)
{
	vtep_underlay_unclaim(vtep, vni);
	vtep_vni_unlink(vtep, vni);
	vni_leave(vtep, vni);
	vtep_fdb_flush(vtep, vni, VTEP_FDB_TYPE_ANY, VTEP_OWNER_ANY);
	vtep_neigh_flush(vtep, vni);
	vtep_vni_free(vni);
}

/*
 * VNI_NEW: @vc names a VLAN or untagged (netlink.c checked). The group is
 * joined before the VNI is published: a failed join leaves no trace (no
 * frame was sent or learned on the VNI, no event went out).
 */
int vtep_dev_vni_add(struct vtep_dev *vtep, const struct vtep_vni_cfg *vc,
		     bool replace, struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;
	int err;

	ASSERT_RTNL();
	vni = vtep_vni_lookup(vtep, vc->id);
	if (vni) {
		if (!replace) {
			NL_SET_ERR_MSG(extack, "VNI exists");
			return -EEXIST;
		}
		return vtep_vni_update(vtep, vni, vc, extack);
	}

	vni = vtep_vni_alloc(vtep, vc, extack);
	if (IS_ERR(vni))
		return PTR_ERR(vni);
	/* While up: the VNI's frames on the socket are this device's only */
	err = vtep_underlay_claim(vtep, vni, extack);
	if (err)
		goto err_free;
	err = vni_join(vtep, vtep_vni_group(vni), &vni->mc);
	if (err) {
		NL_SET_ERR_MSG(extack, "Cannot join the multicast group");
		goto err_unclaim;
	}
	err = vtep_vni_insert(vtep, vni, extack);
	if (err)
		goto err_leave;
	vtep_event_vni(vtep, VTEP_EVENT_VNI_ADDED, vc->id);
	return 0;

err_leave:
	vni_leave(vtep, vni);
err_unclaim:
	vtep_underlay_unclaim(vtep, vni);
err_free:
	vtep_vni_free(vni);
	return err;
}

int vtep_dev_vni_set(struct vtep_dev *vtep, const struct vtep_vni_cfg *vc,
		     struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;

	ASSERT_RTNL();
	vni = vtep_vni_lookup(vtep, vc->id);
	if (!vni) {
		NL_SET_ERR_MSG(extack, "VNI does not exist");
		return -ENOENT;
	}
	return vtep_vni_update(vtep, vni, vc, extack);
}

int vtep_dev_vni_del(struct vtep_dev *vtep, u32 id,
		     struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;

	ASSERT_RTNL();
	vni = vtep_vni_lookup(vtep, id);
	if (!vni) {
		NL_SET_ERR_MSG(extack, "VNI does not exist");
		return -ENOENT;
	}
	vtep_vni_delete(vtep, vni);
	vtep_event_vni(vtep, VTEP_EVENT_VNI_DELETED, id);
	return 0;
}

/* ---- the groups of every VNI, at open and stop ---- */

/*
 * Join (or, with join false, leave) the group of every VNI. A walk that
 * restarts after a resize may visit a VNI twice: vni->mc says whether it
 * joined already, and a leave undoes only the joins that happened.
 */
int vtep_dev_groups(struct vtep_dev *vtep, bool join)
{
	struct rhashtable_iter iter;
	struct vtep_vni *vni;
	int err = 0;

	rhashtable_walk_enter(&vtep->vnis, &iter);
	rhashtable_walk_start(&iter);
	while ((vni = rhashtable_walk_next(&iter))) {
		if (IS_ERR(vni))
			continue;	/* -EAGAIN: the table resized */
		if (join == !!vni->mc)
			continue;
		rhashtable_walk_stop(&iter);
		if (join)
			err = vni_join(vtep, vtep_vni_group(vni), &vni->mc);
		else
			vni_leave(vtep, vni);
		rhashtable_walk_start(&iter);
		if (err)
			break;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return err;
}
