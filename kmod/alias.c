// SPDX-License-Identifier: GPL-2.0
/*
 * Peer sets: the addresses of one remote VTEP that has several (its
 * primary and up to VTEP_PEER_ADDRS_MAX - 1 aliases), as the control plane
 * configured them (VTEP_CMD_ALIAS_*). A receiver cannot tell by itself
 * that two underlay sources are one host, and guessing (say, from a MAC
 * seen behind both) is what a MAC move looks like: so sets are told, not
 * learned.
 *
 * What a set changes, for every VNI of the device:
 *  - rx.c learns a frame from any address of a set behind the primary,
 *    and learn.c does not count a move between two addresses of one set;
 *  - tx.c sends a flood once per set: a replication-list entry whose set
 *    an earlier entry of the list already reaches is marked (vr->dup),
 *    here, whenever the list or the sets change;
 *  - a VNI that accepts known peers only accepts every address of a set
 *    when one of them is known (rx.c asks allow.c for each).
 *
 * Each address of a set is one node in vtep->aliases (an rhashtable, so a
 * receiver's lookup costs the same at any size, and none at all while the
 * device has no set: the table's count is read first). A node points at
 * its set, which lists every address; a change builds a new set and points
 * every node at it (RCU), so readers see the old set or the new, whole.
 * Writers hold RTNL; so do readers of the list of sets (vtep->psets, for
 * VTEP_CMD_ALIAS_GET).
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "vtep.h"

struct vtep_alias {
	struct rhash_head node;
	struct vtep_addr key;		/* zeroed past the address */
	struct vtep_pset __rcu *set;
	struct rcu_head rcu;
};

/* 0 when equal (rhashtable's default is memcmp(), a byte loop on x86) */
static int alias_cmpfn(struct rhashtable_compare_arg *arg,
		       const void *obj)
{
	const struct vtep_alias *a = obj;

	return !vtep_addr_equal(&a->key, arg->key);
}

static const struct rhashtable_params alias_params = {
	.head_offset		= offsetof(struct vtep_alias, node),
	.key_offset		= offsetof(struct vtep_alias, key),
	.key_len		= sizeof(struct vtep_addr),
	.automatic_shrinking	= true,
	.obj_cmpfn		= alias_cmpfn,
};

static void alias_key(struct vtep_addr *k, const struct vtep_addr *a)
{
	memset(k, 0, sizeof(*k));
	k->family = a->family;
	if (a->family == AF_INET6)
		k->ip6 = a->ip6;
	else
		k->ip4 = a->ip4;
}

int vtep_alias_init(struct vtep_dev *vtep)
{
	INIT_LIST_HEAD(&vtep->psets);
	vtep->nalias = 0;
	return rhashtable_init(&vtep->aliases, &alias_params);
}

/* The primary's node frees the set: every set has one. */
static void alias_free_one(void *ptr, void *arg)
{
	struct vtep_alias *n = ptr;
	struct vtep_pset *set = rcu_dereference_raw(n->set);

	if (vtep_addr_equal(&n->key, &set->a[0]))
		kfree(set);
	kfree(n);
}

/* priv_destructor: no reader is left. */
void vtep_alias_free(struct vtep_dev *vtep)
{
	rhashtable_free_and_destroy(&vtep->aliases, alias_free_one, NULL);
}

/* RCU or RTNL (a node is freed after a grace period, under RTNL) */
static struct vtep_alias *alias_find(struct vtep_dev *vtep,
				     const struct vtep_addr *a)
{
	struct vtep_addr k;

	alias_key(&k, a);
	return rhashtable_lookup_fast(&vtep->aliases, &k, alias_params);
}

static struct vtep_pset *alias_set(struct vtep_dev *vtep,
				   const struct vtep_addr *a)
{
	struct vtep_alias *n = alias_find(vtep, a);

	return n ? rcu_dereference_check(n->set, lockdep_rtnl_is_held()) :
		   NULL;
}

/* RCU (or RTNL): the set @a is an address of, or NULL */
const struct vtep_pset *vtep_alias_lookup(struct vtep_dev *vtep,
					  const struct vtep_addr *a)
{
	return alias_set(vtep, a);
}

/* Whether @a and @b are addresses of one peer (equal, or of one set) */
bool vtep_alias_same(struct vtep_dev *vtep, const struct vtep_addr *a,
		     const struct vtep_addr *b)
{
	const struct vtep_pset *sa, *sb;

	if (vtep_addr_equal(a, b))
		return true;
	if (!vtep_alias_any(vtep))
		return false;
	sa = vtep_alias_lookup(vtep, a);
	sb = vtep_alias_lookup(vtep, b);
	/* Sets are replaced whole: compare what names them, the primary. */
	return sa && sb && vtep_addr_equal(&sa->a[0], &sb->a[0]);
}

/*
 * Mark the entries of @vni's replication list whose peer an earlier entry
 * already reaches (RTNL): a flood skips them. Quadratic only in the
 * entries that are addresses of a set.
 */
void vtep_alias_dedup(struct vtep_dev *vtep, struct vtep_vni *vni)
{
	struct vtep_vni_remote *vr, *prev;
	bool dup;

	ASSERT_RTNL();
	list_for_each_entry(vr, &vni->remotes, node) {
		dup = false;
		if (vtep_alias_any(vtep) && alias_find(vtep, &vr->peer->addr)) {
			list_for_each_entry(prev, &vni->remotes, node) {
				if (prev == vr)
					break;
				if (vtep_alias_same(vtep, &prev->peer->addr,
						    &vr->peer->addr)) {
					dup = true;
					break;
				}
			}
		}
		if (READ_ONCE(vr->dup) != dup)
			WRITE_ONCE(vr->dup, dup);
	}
}

static void alias_dedup_all(struct vtep_dev *vtep)
{
	struct vtep_vni *vni;
	unsigned int vid;

	/* Every VNI has one slot of the VLAN map (0: untagged) */
	for (vid = 0; vid < VLAN_N_VID; vid++) {
		vni = rtnl_dereference(vtep->vlan_map[vid]);
		if (vni)
			vtep_alias_dedup(vtep, vni);
	}
}

/* Point every node of @set's addresses at it; the old set goes. */
static void alias_publish(struct vtep_dev *vtep, struct vtep_pset *set,
			  struct vtep_pset *old)
{
	struct vtep_alias *n;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		n = alias_find(vtep, &set->a[i]);
		if (!WARN_ON_ONCE(!n))
			rcu_assign_pointer(n->set, set);
	}
	if (old) {
		list_replace(&old->node, &set->node);
		kfree_rcu(old, rcu);
	} else {
		list_add_tail(&set->node, &vtep->psets);
	}
	alias_dedup_all(vtep);
}

static int alias_insert(struct vtep_dev *vtep, const struct vtep_addr *a,
			struct vtep_pset *set)
{
	struct vtep_alias *n;
	int err;

	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	alias_key(&n->key, a);
	RCU_INIT_POINTER(n->set, set);
	err = rhashtable_insert_fast(&vtep->aliases, &n->node, alias_params);
	if (err)
		kfree(n);
	return err;
}

static void alias_remove(struct vtep_dev *vtep, const struct vtep_addr *a)
{
	struct vtep_alias *n = alias_find(vtep, a);

	if (WARN_ON_ONCE(!n))
		return;
	rhashtable_remove_fast(&vtep->aliases, &n->node, alias_params);
	kfree_rcu(n, rcu);
}

/*
 * @addr becomes another address of @peer's set, created with @peer as its
 * primary if @peer is in none (RTNL). Both were checked: unicast, of the
 * device's family.
 */
int vtep_alias_add(struct vtep_dev *vtep, const struct vtep_addr *addr,
		   const struct vtep_addr *peer, bool replace,
		   struct netlink_ext_ack *extack)
{
	struct vtep_pset *old, *mine, *set;
	int err;

	ASSERT_RTNL();
	if (vtep_addr_equal(addr, peer)) {
		NL_SET_ERR_MSG(extack, "An address cannot be an alias of itself");
		return -EINVAL;
	}
	old = alias_set(vtep, peer);
	mine = alias_set(vtep, addr);
	if (mine) {
		if (replace && old == mine)
			return 0;
		NL_SET_ERR_MSG(extack, "Address is in a peer set already");
		return -EEXIST;
	}
	if (old && old->n >= VTEP_PEER_ADDRS_MAX) {
		NL_SET_ERR_MSG(extack, "A peer has at most 8 addresses");
		return -ENOSPC;
	}
	if (vtep->nalias >= VTEP_ALIAS_MAX) {
		NL_SET_ERR_MSG(extack, "A device has at most 256 aliases");
		return -ENOSPC;
	}

	set = kzalloc(sizeof(*set), GFP_KERNEL_ACCOUNT);
	if (!set)
		return -ENOMEM;
	if (old) {
		memcpy(set->a, old->a, sizeof(set->a));
		set->n = old->n;
	} else {
		set->a[set->n++] = *peer;
		err = alias_insert(vtep, peer, set);
		if (err)
			goto err_free;
	}
	set->a[set->n++] = *addr;
	err = alias_insert(vtep, addr, set);
	if (err)
		goto err_remove_peer;
	vtep->nalias++;
	/* A node points at a set only once the set lists its address. */
	alias_publish(vtep, set, old);
	return 0;

err_remove_peer:
	if (!old)
		alias_remove(vtep, peer);
err_free:
	kfree_rcu(set, rcu);
	return err;
}

/*
 * Take @addr out of its set (RTNL); a primary takes its whole set, and a
 * set left with its primary alone is no set.
 */
int vtep_alias_del(struct vtep_dev *vtep, const struct vtep_addr *addr,
		   struct netlink_ext_ack *extack)
{
	struct vtep_pset *old = alias_set(vtep, addr);
	struct vtep_pset *set;
	unsigned int i;

	ASSERT_RTNL();
	if (!old) {
		NL_SET_ERR_MSG(extack, "Address is in no peer set");
		return -ENOENT;
	}
	if (vtep_addr_equal(addr, &old->a[0]) || old->n <= 2) {
		for (i = 0; i < old->n; i++)
			alias_remove(vtep, &old->a[i]);
		vtep->nalias -= old->n - 1;
		list_del(&old->node);
		kfree_rcu(old, rcu);
		alias_dedup_all(vtep);
		return 0;
	}
	set = kzalloc(sizeof(*set), GFP_KERNEL_ACCOUNT);
	if (!set)
		return -ENOMEM;
	for (i = 0; i < old->n; i++)
		if (!vtep_addr_equal(&old->a[i], addr))
			set->a[set->n++] = old->a[i];
	alias_remove(vtep, addr);
	vtep->nalias--;
	alias_publish(vtep, set, old);
	return 0;
}

