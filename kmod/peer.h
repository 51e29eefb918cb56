/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Remote VTEPs (peer.c), the per-VNI peer allow-list (allow.c) and peers
 * with several addresses (alias.c): their functions. Included by vtep.h,
 * after the structs they take.
 */
#ifndef _VTEP_PEER_H
#define _VTEP_PEER_H

/* peer.c: shared, refcounted remote VTEPs */
int vtep_peer_cache_init(void);		/* module init */
void vtep_peer_cache_uninit(void);
int vtep_peer_init(struct vtep_dev *vtep);
void vtep_peer_free(struct vtep_dev *vtep);	/* priv_destructor */
/* ERR_PTR(-ENOMEM), or -ENOSPC for a new peer past cfg.peer_max */
struct vtep_peer *vtep_peer_get(struct vtep_dev *vtep,
				const struct vtep_addr *addr, gfp_t gfp);
/* the same for a batch, under vtep->lock, with peers allocated ahead */
#define VTEP_PEER_POOL	32
struct vtep_peer_pool {
	unsigned int n;			/* p[0, n) allocated, not in use */
	unsigned int made;		/* peers it gave that went in */
	struct vtep_peer *p[VTEP_PEER_POOL];
};
void vtep_peer_reserve(struct vtep_dev *vtep, u32 n);
int vtep_peer_pool_fill(struct vtep_peer_pool *pool, unsigned int want);
void vtep_peer_pool_drain(struct vtep_peer_pool *pool);
struct vtep_peer *vtep_peer_get_locked(struct vtep_dev *vtep,
				       const struct vtep_addr *addr,
				       struct vtep_peer_pool *pool);
/* with vtep->lock held: the last put unhashes the peer under that lock */
void vtep_peer_put(struct vtep_dev *vtep, struct vtep_peer *p);
struct vtep_bag;
void vtep_peer_put_bag(struct vtep_dev *vtep, struct vtep_peer *p,
		       struct vtep_bag *bag);
void vtep_peer_free_bulk(size_t n, void **p);
void vtep_peer_park(struct vtep_dev *vtep, struct vtep_peer *p);
void vtep_peer_reap(struct vtep_dev *vtep);
struct vtep_peer *vtep_peer_lookup_rcu(struct vtep_dev *vtep,
				       const struct vtep_addr *addr);

/* allow.c: the per-VNI peer allow-list */
enum vtep_allow_why {
	VTEP_ALLOW_STATIC,		/* a static FDB entry's destination */
	VTEP_ALLOW_REMOTE,		/* a replication-list entry */
	VTEP_ALLOW_EXPLICIT,		/* VTEP_CMD_PEER_NEW */
};
int vtep_allow_init(struct vtep_dev *vtep);
void vtep_allow_free(struct vtep_dev *vtep);	/* priv_destructor */
void vtep_allow_reserve(struct vtep_dev *vtep);
bool vtep_allow_reserved(struct vtep_dev *vtep);
int vtep_allow_get(struct vtep_dev *vtep, u32 vni, const struct vtep_addr *addr,
		   enum vtep_allow_why why);
void vtep_allow_put(struct vtep_dev *vtep, u32 vni, const struct vtep_addr *addr,
		    enum vtep_allow_why why);
int vtep_allow_static_get(struct vtep_dev *vtep, u32 vni, struct vtep_peer *p);
void vtep_allow_static_put(struct vtep_dev *vtep, u32 vni, struct vtep_peer *p);
bool vtep_allow_is_remote(struct vtep_dev *vtep, u32 vni,
			  const struct vtep_addr *addr);
bool vtep_allow_check_known(struct vtep_dev *vtep, struct vtep_vni *vni,
			    const struct vtep_addr *src);
/*
 * Whether @src may send frames of @vni: always, unless the VNI accepts
 * known peers only. Receive path, RCU held. Inline for the VNI open to
 * any peer: the call alone cost 30 instructions a frame (prologue and
 * stack canary before the first test).
 */
static inline bool vtep_allow_check(struct vtep_dev *vtep,
				    struct vtep_vni *vni,
				    const struct vtep_addr *src)
{
	return READ_ONCE(vni->peers) != VTEP_PEERS_KNOWN ||
	       vtep_allow_check_known(vtep, vni, src);
}
int vtep_allow_add(struct vtep_dev *vtep, struct vtep_vni *vni,
		   const struct vtep_addr *addr, u8 plen, u8 owner,
		   bool replace, struct netlink_ext_ack *extack);
int vtep_allow_del(struct vtep_dev *vtep, struct vtep_vni *vni,
		   const struct vtep_addr *addr, u8 plen, int owner,
		   struct netlink_ext_ack *extack);
void vtep_allow_release(struct vtep_dev *vtep, struct vtep_vni *vni);

/* alias.c: peers with several addresses (peer sets) */
int vtep_alias_init(struct vtep_dev *vtep);
void vtep_alias_free(struct vtep_dev *vtep);	/* priv_destructor */
/* Whether the device has a peer set at all: one read, on the datapath */
static inline bool vtep_alias_any(struct vtep_dev *vtep)
{
	return atomic_read(&vtep->aliases.nelems);
}
const struct vtep_pset *vtep_alias_lookup(struct vtep_dev *vtep,
					  const struct vtep_addr *a);
bool vtep_alias_same(struct vtep_dev *vtep, const struct vtep_addr *a,
		     const struct vtep_addr *b);
void vtep_alias_dedup(struct vtep_dev *vtep, struct vtep_vni *vni);
int vtep_alias_add(struct vtep_dev *vtep, const struct vtep_addr *addr,
		   const struct vtep_addr *peer, bool replace,
		   struct netlink_ext_ack *extack);
int vtep_alias_del(struct vtep_dev *vtep, const struct vtep_addr *addr,
		   struct netlink_ext_ack *extack);

#endif /* _VTEP_PEER_H */
