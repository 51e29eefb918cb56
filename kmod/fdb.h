/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the MAC table's files (fdb.c, fdb_batch.c, learn.c) and the
 * two that look entries up (tx.c, for every frame, and dump.c): the
 * tables' parameters and the helpers each of them uses.
 */
#ifndef _VTEP_FDB_H
#define _VTEP_FDB_H

#include <linux/etherdevice.h>	/* and get_unaligned() */
#include <linux/jhash.h>

#include "vtep.h"

/*
 * A key's hash: Jenkins' mix of three words (the VNI, the MAC's halves),
 * keyed by the table's seed, inline and on words. jhash() over the
 * 10-byte key's bytes out of line and then memcmp() cost ~110
 * instructions a lookup, and a transmitted frame looks up two tables
 * (`make bench-insns`).
 */
static inline u32 vtep_fdb_hash(const struct vtep_fdb_key *k, u32 seed)
{
	return jhash_3words(k->vni, get_unaligned((const u32 *)k->mac),
			    get_unaligned((const u16 *)(k->mac + 4)), seed);
}

static inline bool vtep_fdb_key_equal(const struct vtep_fdb_key *a,
				      const struct vtep_fdb_key *b)
{
	return a->vni == b->vni && ether_addr_equal_unaligned(a->mac, b->mac);
}

/* The entry of @tab with @key (hash @h), or NULL: RCU, or the lock held */
static inline struct vtep_fdb *vtep_fdb_find_h(struct vtep_htab *tab,
					       const struct vtep_fdb_key *key,
					       u32 h)
{
	struct vtep_hbkt *t = vtep_htab_deref(tab, tab->tbl);
	struct vtep_hnode *pos;

	do {
		for (pos = vtep_htab_deref(tab, t->b[h & t->mask]); pos;
		     pos = vtep_htab_deref(tab, pos->next)) {
			struct vtep_fdb *f;

			f = container_of(pos, struct vtep_fdb, node);
			if (vtep_fdb_key_equal(&f->key, key))
				return f;
		}
	} while ((t = vtep_hbkt_next(tab, t)));
	return NULL;
}

static inline struct vtep_fdb *vtep_fdb_find(struct vtep_htab *tab,
					     const struct vtep_fdb_key *key)
{
	return vtep_fdb_find_h(tab, key, vtep_fdb_hash(key, tab->seed));
}

/*
 * Insert @f into @tab unless an entry has its key: that entry then, else
 * NULL (@f went in). vtep->lock held.
 */
static inline struct vtep_fdb *vtep_fdb_insert(struct vtep_htab *tab,
					       struct vtep_fdb *f)
{
	u32 h = vtep_fdb_hash(&f->key, tab->seed);
	struct vtep_fdb *old = vtep_fdb_find_h(tab, &f->key, h);

	if (!old)
		vtep_htab_insert(tab, &f->node, h);
	return old;
}

/* Take @f out of @tab; false if it was not there. vtep->lock held. */
static inline bool vtep_fdb_remove(struct vtep_htab *tab, struct vtep_fdb *f)
{
	return vtep_htab_remove(tab, &f->node,
				vtep_fdb_hash(&f->key, tab->seed));
}

/* @new (@old's key) in @old's place, in one pointer write. vtep->lock held. */
static inline bool vtep_fdb_replace(struct vtep_htab *tab, struct vtep_fdb *old,
				    struct vtep_fdb *new)
{
	return vtep_htab_replace(tab, &old->node, &new->node,
				 vtep_fdb_hash(&old->key, tab->seed));
}

static inline void vtep_fdb_make_key(struct vtep_fdb_key *key, u32 vni,
				     const u8 *mac)
{
	key->vni = vni;
	ether_addr_copy(key->mac, mac);
}

/*
 * The entry for (@vni, @mac), or NULL. The caller holds RCU for as long as
 * it uses the entry (every caller is in an RCU section already: transmit,
 * learning and a netlink reply), so no rcu_read_lock() of its own here,
 * which cost two calls a frame under Debian's PREEMPT_RCU. Inline: the
 * transmit path looks up every frame's destination.
 */
static inline struct vtep_fdb *vtep_fdb_lookup(struct vtep_dev *vtep, u32 vni,
					       const u8 *mac)
{
	struct vtep_fdb_key key;

	vtep_fdb_make_key(&key, vni, mac);
	return vtep_fdb_find(&vtep->fdb, &key);
}

/*
 * Ticks from @seen (the 32 bits an entry's `seen` keeps) to @now; 0 when
 * @seen is later. An ageing sweep takes @now once, at its start, and a
 * long one (millions of entries, or a slow kernel) meets entries learned
 * since: unsigned, their idle time wrapped to ~2^32 and they were aged
 * out at once (36 of 30,000 on 6.1-debug, with an ageing of 300 s). The
 * longest ageing, VTEP_AGEING_MAX s at HZ 1000, is below 2^31 ticks.
 */
static inline u32 vtep_ticks_since(u32 seen, unsigned long now)
{
	s32 idle = (u32)now - seen;

	BUILD_BUG_ON((u64)VTEP_AGEING_MAX * 1000 >= S32_MAX);
	return idle > 0 ? idle : 0;
}

/* Ticks since @f was last seen */
static inline u32 vtep_fdb_idle(const struct vtep_fdb *f, unsigned long now)
{
	return vtep_ticks_since(READ_ONCE(f->seen), now);
}

void vtep_fdb_info(const struct vtep_fdb *f, const struct vtep_peer *p,
		   u8 flags, struct vtep_fdb_info *i);
void vtep_fdb_info_of(u32 vni, const u8 *mac, const struct vtep_addr *dst,
		      u8 type, struct vtep_fdb_info *i);
bool vtep_fdb_unlink(struct vtep_dev *vtep, struct vtep_fdb *f,
		     struct vtep_fdb_info *gone);
struct vtep_bag;
bool vtep_fdb_unlink_bag(struct vtep_dev *vtep, struct vtep_fdb *f,
			 struct vtep_vni *vni, struct vtep_fdb_info *gone,
			 struct vtep_bag *bag);

#endif /* _VTEP_FDB_H */
