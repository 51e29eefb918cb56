/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hash table of one pointer an entry, read under RCU, written under one
 * spinlock of its owner's, sized ahead of a load it is told of (htab.c).
 */
#ifndef _VTEP_HTAB_H
#define _VTEP_HTAB_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct vtep_hnode {
	struct vtep_hnode __rcu *next;
};

/* One array of buckets; a table has two while it is resized */
struct vtep_hbkt {
	u32 mask;			/* buckets - 1 */
	struct vtep_hbkt __rcu *future;	/* where a resize moves entries */
	struct rcu_head rcu;
	struct vtep_hnode __rcu *b[];
};

struct vtep_htab {
	struct vtep_hbkt __rcu *tbl;
	atomic_t nelems;
	u32 seed;
	u32 resizes;			/* bumped as a new array takes over */
	spinlock_t *lock;		/* the writers' */
	/* an entry's hash, for a resize's moves */
	u32 (*hash)(const struct vtep_hnode *n, u32 seed);
	struct delayed_work resize;
	struct mutex resizing;		/* one resize at a time */
	bool grow_queued, shrink_queued;	/* under *lock */
	unsigned long hold_until;	/* jiffies: no shrink before */
};

#define vtep_htab_deref(tab, p) \
	rcu_dereference_check(p, lockdep_is_held((tab)->lock))

int vtep_htab_init(struct vtep_htab *tab, spinlock_t *lock,
		   u32 (*hash)(const struct vtep_hnode *n, u32 seed));
/* Every entry is out; process context */
void vtep_htab_destroy(struct vtep_htab *tab);
/*
 * Size the table for @n more entries now, within @room; process context,
 * lock not held
 */
int vtep_htab_reserve(struct vtep_htab *tab, u32 n, u32 room);
/* The room under a limit @max (0: none) of which @have are taken */
static inline u32 vtep_htab_room(u32 max, u32 have)
{
	return !max ? U32_MAX : max > have ? max - have : 0;
}
static inline u32 vtep_htab_count(const struct vtep_htab *tab)
{
	return atomic_read(&tab->nelems);
}

/* Writers, under *tab->lock: @h is the entry's hash */
void vtep_htab_insert(struct vtep_htab *tab, struct vtep_hnode *n, u32 h);
bool vtep_htab_remove(struct vtep_htab *tab, struct vtep_hnode *n, u32 h);
bool vtep_htab_replace(struct vtep_htab *tab, struct vtep_hnode *old,
		       struct vtep_hnode *new, u32 h);

/*
 * Where a lookup goes when @t did not hold its key: the array @t's
 * entries are moving to, if a resize is under way, else NULL. Readers
 * (RCU) and writers (the lock) alike: an entry a resize moves is in the
 * first array or in its future, never in neither, as it is linked there
 * before it leaves @t (htab.c).
 */
static inline struct vtep_hbkt *vtep_hbkt_next(struct vtep_htab *tab,
					       struct vtep_hbkt *t)
{
	smp_rmb();	/* @t's chains, then its future */
	return vtep_htab_deref(tab, t->future);
}

#endif
