// SPDX-License-Identifier: GPL-2.0
/*
 * The per-VNI peer allow-list: which underlay sources may send a VNI's
 * frames when the VNI accepts only known peers (VTEP_PEERS_KNOWN).
 *
 * A source is known to a VNI when it is on the VNI's replication list, is
 * the destination of one of the VNI's static FDB entries, or the control
 * plane allowed it (VTEP_CMD_PEER_NEW). The three are counted together in
 * one entry per (VNI, address) of vtep->allow, an rhashtable with a secret
 * seed. An entry lives while anything counts in it.
 *
 * One exception keeps a million static entries behind a million peers
 * from costing a million allow entries too: the static entries of the
 * first VNI that sends to a peer are counted in the peer itself (svni,
 * nstatic); only a second VNI's static entries to the same peer take an
 * allow entry. Receive asks at most two hash lookups (the peer's table,
 * then the allow table) however many peers, entries and VNIs there are.
 * The count of a (VNI, peer) pair is the peer's own (if svni is that VNI)
 * plus the allow entry's; a put takes from the peer's first, so both reach
 * zero together.
 *
 * Allowed prefixes shorter than an address cannot be found by a hash of
 * the address; a VNI has at most VTEP_ALLOW_PREFIXES of them, checked only
 * after the lookup missed, in an array published with RCU (struct
 * vtep_allow_set, which also lists the exact addresses allowed, for
 * replies). The work per frame is therefore bounded by a constant.
 *
 * The counts are kept whatever the VNI's mode, so turning the check on or
 * off is one write that the next frame sees, and no frame of a known peer
 * is lost in the switch. Writers hold vtep->lock (and RTNL, except the FDB
 * batch which holds both too); receive reads under RCU.
 */
#include <linux/inetdevice.h>
#include <linux/slab.h>

#include "vtep.h"

struct vtep_allow {
	struct rhash_head node;
	struct vtep_vni_addr_key key;
	u32 nstatic;			/* static FDB entries sending here */
	bool remote;			/* on the replication list */
	bool explicit;			/* VTEP_CMD_PEER_NEW */
	struct rcu_head rcu;
};

static int allow_cmpfn(struct rhashtable_compare_arg *arg,
		       const void *obj)
{
	const struct vtep_allow *a = obj;

	return vtep_vni_addr_cmp(&a->key, arg->key);
}

static const struct rhashtable_params allow_params = {
	.head_offset		= offsetof(struct vtep_allow, node),
	.key_offset		= offsetof(struct vtep_allow, key),
	.key_len		= sizeof(struct vtep_vni_addr_key),
	.automatic_shrinking	= true,
	.obj_cmpfn		= allow_cmpfn,
};

int vtep_allow_init(struct vtep_dev *vtep)
{
	return rhashtable_init(&vtep->allow, &allow_params);
}

/* Every FDB entry, remote and VNI has let go of its own by now. */
void vtep_allow_free(struct vtep_dev *vtep)
{
	kfree(vtep->allow_spare);
	WARN_ON_ONCE(atomic_read(&vtep->allow.nelems));
	rhashtable_destroy(&vtep->allow);
}

static struct vtep_allow *allow_find(struct vtep_dev *vtep, u32 vni,
				     const struct vtep_addr *addr)
{
	struct vtep_vni_addr_key k;

	vtep_vni_addr_key(&k, vni, addr);
	return rhashtable_lookup_fast(&vtep->allow, &k, allow_params);
}

/* Whether @a still counts anything; the last count going frees it. */
static void allow_put(struct vtep_dev *vtep, struct vtep_allow *a)
{
	if (a->nstatic || a->remote || a->explicit)
		return;
	rhashtable_remove_fast(&vtep->allow, &a->node, allow_params);
	kfree_rcu(a, rcu);
}

/*
 * Before taking vtep->lock for a request that may count a new (VNI, peer)
 * pair: allocate the entry it would need, where the allocation may sleep
 * and reclaim (charged to the requester's memory cgroup). Under RTNL, the
 * one context that consumes the spare besides refilling it.
 */
void vtep_allow_reserve(struct vtep_dev *vtep)
{
	struct vtep_allow *a;

	ASSERT_RTNL();
	if (READ_ONCE(vtep->allow_spare))
		return;
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return;		/* vtep_allow_get() tries without sleeping */
	spin_lock_bh(&vtep->lock);
	vtep->allow_spare = a;
	spin_unlock_bh(&vtep->lock);
}

/* Whether the next new pair has its entry already; vtep->lock held. */
bool vtep_allow_reserved(struct vtep_dev *vtep)
{
	lockdep_assert_held(&vtep->lock);
	return vtep->allow_spare;
}

/*
 * Count @addr as a peer of VNI @vni for @why; vtep->lock held, by a
 * control-plane request. A remote or an explicit allowance counted twice
 * is -EEXIST: the replication list's duplicate check, in one lookup.
 *
 * A new entry is the one vtep_allow_reserve() allocated. Without one, it
 * is charged to the requester's memory cgroup without sleeping and
 * without GFP_ATOMIC's __GFP_HIGH, which memcg lets past memory.max: at
 * the limit this fails (-ENOMEM) and the request is refused whole.
 */
int vtep_allow_get(struct vtep_dev *vtep, u32 vni, const struct vtep_addr *addr,
		   enum vtep_allow_why why)
{
	struct vtep_allow *a;
	int err;

	lockdep_assert_held(&vtep->lock);
	a = allow_find(vtep, vni, addr);
	if (!a) {
		a = vtep->allow_spare;
		vtep->allow_spare = NULL;
		if (!a)
			a = kzalloc(sizeof(*a), GFP_NOWAIT | __GFP_ACCOUNT);
		if (!a)
			return -ENOMEM;
		vtep_vni_addr_key(&a->key, vni, addr);
		err = rhashtable_insert_fast(&vtep->allow, &a->node,
					     allow_params);
		if (err) {
			kfree(a);
			return err;
		}
	}
	switch (why) {
	case VTEP_ALLOW_STATIC:
		a->nstatic++;
		return 0;
	case VTEP_ALLOW_REMOTE:
		if (a->remote)
			return -EEXIST;
		a->remote = true;
		return 0;
	case VTEP_ALLOW_EXPLICIT:
		if (a->explicit)
			return -EEXIST;
		a->explicit = true;
		return 0;
	}
	return 0;
}

/* Undo one vtep_allow_get() of @why; vtep->lock held. */
void vtep_allow_put(struct vtep_dev *vtep, u32 vni, const struct vtep_addr *addr,
		    enum vtep_allow_why why)
{
	struct vtep_allow *a;

	lockdep_assert_held(&vtep->lock);
	a = allow_find(vtep, vni, addr);
	if (WARN_ON_ONCE(!a))
		return;
	switch (why) {
	case VTEP_ALLOW_STATIC:
		if (!WARN_ON_ONCE(!a->nstatic))
			a->nstatic--;
		break;
	case VTEP_ALLOW_REMOTE:
		a->remote = false;
		break;
	case VTEP_ALLOW_EXPLICIT:
		a->explicit = false;
		break;
	}
	allow_put(vtep, a);
}

/*
 * Count a static FDB entry of @vni sending to @p; vtep->lock held. In the
 * peer while the peer's count is free or already @vni's, else in the
 * allow table. The VNI is written before the count: receive reads them in
 * the other order, so a count it sees is never paired with an older VNI.
 */
int vtep_allow_static_get(struct vtep_dev *vtep, u32 vni, struct vtep_peer *p)
{
	lockdep_assert_held(&vtep->lock);
	if (p->nstatic && p->svni != vni)
		return vtep_allow_get(vtep, vni, &p->addr, VTEP_ALLOW_STATIC);
	if (!p->nstatic) {
		WRITE_ONCE(p->svni, vni);
		smp_wmb();	/* pairs with vtep_allow_check_known()'s smp_rmb() */
	}
	WRITE_ONCE(p->nstatic, p->nstatic + 1);
	return 0;
}

/* Undo one vtep_allow_static_get(); vtep->lock held. */
void vtep_allow_static_put(struct vtep_dev *vtep, u32 vni, struct vtep_peer *p)
{
	lockdep_assert_held(&vtep->lock);
	if (p->nstatic && p->svni == vni)
		WRITE_ONCE(p->nstatic, p->nstatic - 1);
	else
		vtep_allow_put(vtep, vni, &p->addr, VTEP_ALLOW_STATIC);
}

/* Whether @addr is on the replication list of @vni (RTNL or vtep->lock). */
bool vtep_allow_is_remote(struct vtep_dev *vtep, u32 vni,
			  const struct vtep_addr *addr)
{
	struct vtep_allow *a;
	bool ret;

	rcu_read_lock();
	a = allow_find(vtep, vni, addr);
	ret = a && READ_ONCE(a->remote);
	rcu_read_unlock();
	return ret;
}

/* The first @plen bits of @a and @b are equal (families equal). */
static bool prefix_match(const struct vtep_addr *a, const struct vtep_addr *b,
			 u8 plen)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return !((a->ip4 ^ b->ip4) & inet_make_mask(plen));
	return ipv6_prefix_equal(&a->ip6, &b->ip6, plen);
}

/*
 * Whether @src may send frames of @vni, which accepts known peers only
 * (vtep_allow_check() in peer.h). Receive path, RCU held.
 */
bool vtep_allow_check_known(struct vtep_dev *vtep, struct vtep_vni *vni,
			    const struct vtep_addr *src)
{
	const struct vtep_allow_set *set;
	struct vtep_vni_addr_key k;
	struct vtep_peer *p;
	unsigned int i;

	p = vtep_peer_lookup_rcu(vtep, src);
	if (p && READ_ONCE(p->nstatic)) {
		smp_rmb();	/* the count before its VNI */
		if (READ_ONCE(p->svni) == vni->id)
			return true;
	}
	vtep_vni_addr_key(&k, vni->id, src);
	if (rhashtable_lookup(&vtep->allow, &k, allow_params))
		return true;
	set = rcu_dereference(vni->allowed);
	for (i = 0; set && i < set->nshort; i++)
		if (prefix_match(&set->e[i].addr, src, set->e[i].plen))
			return true;
	return false;
}

/* ---- the control plane's allowances (VTEP_CMD_PEER_*), under RTNL ---- */

static unsigned int addr_bits(const struct vtep_addr *a)
{
	return a->family == AF_INET6 ? 128 : 32;
}

/* The address with the bits past @plen cleared, as a prefix is kept */
static void prefix_clear(struct vtep_addr *a, u8 plen)
{
	struct in6_addr full;

	if (a->family == AF_INET) {
		a->ip4 &= inet_make_mask(plen);
	} else {
		full = a->ip6;	/* ipv6_addr_prefix() zeroes its output first */
		ipv6_addr_prefix(&a->ip6, &full, plen);
	}
}

static int set_find(const struct vtep_allow_set *set,
		    const struct vtep_addr *addr, u8 plen)
{
	unsigned int i;

	for (i = 0; set && i < set->n; i++)
		if (set->e[i].plen == plen &&
		    vtep_addr_equal(&set->e[i].addr, addr))
			return i;
	return -1;
}

/*
 * A copy of @old with @pe added (@del < 0), entry @del removed, or (@pe
 * and @del) entry @del given @pe's owner; short prefixes first. NULL for
 * an empty set, ERR_PTR on failure.
 */
static struct vtep_allow_set *set_copy(const struct vtep_allow_set *old,
				       const struct vtep_allow_pfx *pe, int del)
{
	unsigned int n = old ? old->n : 0, i;
	struct vtep_allow_set *set;

	if (pe && del >= 0) {
		set = kmemdup(old, struct_size(old, e, n), GFP_KERNEL_ACCOUNT);
		if (!set)
			return ERR_PTR(-ENOMEM);
		set->e[del].owner = pe->owner;
		return set;
	}
	n = del < 0 ? n + 1 : n - 1;
	if (!n)
		return NULL;
	set = kzalloc(struct_size(set, e, n), GFP_KERNEL_ACCOUNT);
	if (!set)
		return ERR_PTR(-ENOMEM);
	for (i = 0; old && i < old->n; i++) {
		if ((int)i == del)
			continue;
		set->e[set->n++] = old->e[i];
	}
	if (del < 0)
		set->e[set->n++] = *pe;
	/* Short prefixes to the front: receive walks only those. */
	for (i = 0; i < set->n; i++) {
		if (set->e[i].plen < addr_bits(&set->e[i].addr)) {
			swap(set->e[i], set->e[set->nshort]);
			set->nshort++;
		}
	}
	return set;
}

static void set_publish(struct vtep_vni *vni, struct vtep_allow_set *set)
{
	struct vtep_allow_set *old;

	old = rcu_replace_pointer(vni->allowed, set, lockdep_rtnl_is_held());
	kfree_rcu(old, rcu);
}

/*
 * Allow @addr/@plen to send frames of @vni, for @owner (netlink.c checked
 * the address: unicast, of the device's family, @plen at most its length).
 * -EEXIST if allowed already, unless @replace: then it takes @owner;
 * -ENOSPC past the per-VNI limits.
 */
int vtep_allow_add(struct vtep_dev *vtep, struct vtep_vni *vni,
		   const struct vtep_addr *addr, u8 plen, u8 owner,
		   bool replace, struct netlink_ext_ack *extack)
{
	struct vtep_allow_pfx pe = {
		.addr = *addr, .plen = plen, .owner = owner,
	};
	bool exact = plen == addr_bits(addr);
	struct vtep_allow_set *old, *set;
	int err = 0, i;

	ASSERT_RTNL();
	prefix_clear(&pe.addr, plen);
	old = rtnl_dereference(vni->allowed);
	i = set_find(old, &pe.addr, plen);
	if (i >= 0) {
		if (!replace) {
			NL_SET_ERR_MSG(extack,
				       "Peer is already allowed in the VNI");
			return -EEXIST;
		}
		if (old->e[i].owner == owner)
			return 0;
		/* A new set, as every change: readers never see one torn. */
		set = set_copy(old, &pe, i);
		if (IS_ERR(set))
			return PTR_ERR(set);
		spin_lock_bh(&vtep->lock);
		set_publish(vni, set);
		spin_unlock_bh(&vtep->lock);
		return 0;
	}
	if (old && old->n >= VTEP_ALLOW_MAX) {
		NL_SET_ERR_MSG(extack, "Too many allowed peers in the VNI");
		return -ENOSPC;
	}
	if (!exact && old && old->nshort >= VTEP_ALLOW_PREFIXES) {
		NL_SET_ERR_MSG(extack, "Too many allowed prefixes in the VNI");
		return -ENOSPC;
	}
	set = set_copy(old, &pe, -1);
	if (IS_ERR(set))
		return PTR_ERR(set);
	if (exact)
		vtep_allow_reserve(vtep);
	spin_lock_bh(&vtep->lock);
	if (exact)
		err = vtep_allow_get(vtep, vni->id, &pe.addr,
				     VTEP_ALLOW_EXPLICIT);
	if (!err)
		set_publish(vni, set);
	spin_unlock_bh(&vtep->lock);
	if (err) {
		kfree(set);
		NL_SET_ERR_MSG(extack, "Cannot allow the peer");
	}
	return err;
}

/*
 * Take back what vtep_allow_add() allowed; -ENOENT if it was not, or
 * (unless @owner is VTEP_OWNER_ANY) was for another owner.
 */
int vtep_allow_del(struct vtep_dev *vtep, struct vtep_vni *vni,
		   const struct vtep_addr *addr, u8 plen, int owner,
		   struct netlink_ext_ack *extack)
{
	struct vtep_allow_set *old, *set;
	struct vtep_addr a = *addr;
	int i;

	ASSERT_RTNL();
	prefix_clear(&a, plen);
	old = rtnl_dereference(vni->allowed);
	i = set_find(old, &a, plen);
	if (i < 0) {
		NL_SET_ERR_MSG(extack, "Peer is not allowed in the VNI");
		return -ENOENT;
	}
	if (owner != VTEP_OWNER_ANY && old->e[i].owner != owner) {
		NL_SET_ERR_MSG(extack, "Peer is allowed by another owner");
		return -ENOENT;
	}
	set = set_copy(old, NULL, i);
	if (IS_ERR(set))
		return PTR_ERR(set);
	spin_lock_bh(&vtep->lock);
	if (plen == addr_bits(&a))
		vtep_allow_put(vtep, vni->id, &a, VTEP_ALLOW_EXPLICIT);
	set_publish(vni, set);
	spin_unlock_bh(&vtep->lock);
	return 0;
}

/*
 * Drop every allowance of a VNI leaving the table (vtep->lock held); the
 * set itself goes with the VNI (vtep_vni_free()).
 */
void vtep_allow_release(struct vtep_dev *vtep, struct vtep_vni *vni)
{
	const struct vtep_allow_set *set;
	unsigned int i;

	lockdep_assert_held(&vtep->lock);
	set = rcu_dereference_protected(vni->allowed,
					lockdep_is_held(&vtep->lock));
	for (i = 0; set && i < set->n; i++)
		if (i >= set->nshort)
			vtep_allow_put(vtep, vni->id, &set->e[i].addr,
				       VTEP_ALLOW_EXPLICIT);
}
