// SPDX-License-Identifier: GPL-2.0
/*
 * The MAC table's and the peers' hash table: a bucket array of singly
 * linked chains, one pointer an entry as in an rhashtable (a second would
 * take the MAC table's entry past its 64-byte slab), read under RCU
 * without a lock, written under the owner's one lock (vtep->lock).
 *
 * What it does that an rhashtable cannot: be sized ahead. An rhashtable
 * starts at 64 buckets (its size hint is a u16) and doubles as it fills,
 * each time moving every entry; a load of a million entries moved each
 * about 1.6 times in each of its two tables, and that, not the inserts,
 * bounded the load (a table already grown took 3.3 s where an empty one
 * took 6.7). vtepctl says how many entries a batch file brings, and the
 * table takes its final size once, while nearly empty
 * (vtep_htab_reserve()).
 *
 * Otherwise it grows when it holds more entries than buckets and shrinks
 * when it holds fewer than a quarter, in a work item, never in the
 * writer's path: an insert always succeeds (no -EBUSY to retry), into
 * longer chains until the work has run. A shrink waits half a second, so
 * a delete of a million entries settles first and is moved once.
 *
 * A resize: a new array is hung on the old one (old->future), and entries
 * are moved a bucket at a time under the lock, each from the tail of its
 * old chain: linked at the head of its new chain first, then unlinked
 * from the old (the bucket before it then ends there). A reader in the old
 * chain loses nothing: what it has not reached is still there, or, the
 * node it stands on moved, it runs on into the new chain and then, not
 * having found its key, looks in old->future. Writers insert into the
 * newest array, and remove or replace where they find the entry. When all
 * moved, the new array becomes the table's, and the old is freed a grace
 * period later.
 */
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "htab.h"

#define VTEP_HTAB_MIN		64
#define VTEP_HTAB_MAX		(1U << 26)
/* Buckets moved per hold of the lock */
#define VTEP_HTAB_MOVE_CHUNK	64
/* Tails of a chain moved per walk of it */
#define VTEP_HTAB_MOVE_TAILS	16
#define VTEP_HTAB_SHRINK_DELAY	(HZ / 2)
/*
 * A table is sized ahead for at most this many times what it holds (and
 * at least this many entries): a load that says a million is charged for
 * its array as it comes, not all at its first message, so a memory cgroup
 * it would not fit in holds its entries, not an empty array. A load of
 * a million into an empty table then moves about an eighth of them, in a
 * few resizes, where doubling moved each 1.6 times.
 */
/* Entries a table is sized ahead for at most, whatever the owner's limit */
#define VTEP_HTAB_RESERVE_MAX	(1U << 22)
#define VTEP_HTAB_AHEAD		16U
#define VTEP_HTAB_AHEAD_MIN	4096U
/* A table sized ahead of a load is not shrunk for this long after */
#define VTEP_HTAB_HOLD		(5 * HZ)

static struct vtep_hbkt *vtep_hbkt_alloc(u32 size)
{
	struct vtep_hbkt *t;

	t = kvzalloc(struct_size(t, b, size), GFP_KERNEL_ACCOUNT);
	if (t)
		t->mask = size - 1;
	return t;
}

static void vtep_hbkt_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct vtep_hbkt, rcu));
}

/* The buckets for @n entries: one an entry, a power of two */
static u32 vtep_htab_size_for(u32 n)
{
	if (n <= VTEP_HTAB_MIN)
		return VTEP_HTAB_MIN;
	if (n >= VTEP_HTAB_MAX)
		return VTEP_HTAB_MAX;
	return roundup_pow_of_two(n);
}

/* The newest array: where inserts go; lock held */
static struct vtep_hbkt *vtep_htab_newest(struct vtep_htab *tab)
{
	struct vtep_hbkt *t = vtep_htab_deref(tab, tab->tbl), *f;

	while ((f = vtep_htab_deref(tab, t->future)))
		t = f;
	return t;
}

/* Move @n, the tail of its old chain (*@pprev points at it), to @new */
static void vtep_htab_move_tail(struct vtep_htab *tab, struct vtep_hbkt *new,
				struct vtep_hnode __rcu **pprev,
				struct vtep_hnode *n)
{
	u32 j = tab->hash(n, tab->seed) & new->mask;

	RCU_INIT_POINTER(n->next, vtep_htab_deref(tab, new->b[j]));
	rcu_assign_pointer(new->b[j], n);
	/* in the new chain before it leaves the old one */
	smp_wmb();
	RCU_INIT_POINTER(*pprev, NULL);
}

/*
 * Move every entry of bucket @i of @old into @new, tails first; lock held.
 * A walk of the chain notes where its last VTEP_HTAB_MOVE_TAILS nodes
 * hang and moves them, last first: a chain grown long while the resize
 * waited to run costs a walk per that many moves, not one per move.
 */
static void vtep_htab_move_bucket(struct vtep_htab *tab, struct vtep_hbkt *old,
				  struct vtep_hbkt *new, u32 i)
{
	struct vtep_hnode __rcu **link[VTEP_HTAB_MOVE_TAILS];
	struct vtep_hnode __rcu **pprev;
	struct vtep_hnode *n;
	unsigned int len, k;

	for (;;) {
		len = 0;
		for (pprev = &old->b[i]; (n = vtep_htab_deref(tab, *pprev));
		     pprev = &n->next)
			link[len++ % VTEP_HTAB_MOVE_TAILS] = pprev;
		if (!len)
			return;
		for (k = 0; k < len && k < VTEP_HTAB_MOVE_TAILS; k++) {
			pprev = link[(len - 1 - k) % VTEP_HTAB_MOVE_TAILS];
			vtep_htab_move_tail(tab, new, pprev,
					    vtep_htab_deref(tab, *pprev));
		}
	}
}

/*
 * After a change of the count: queue a resize if one is due; lock held.
 * Not while one runs (@t has a future): it checks again as it ends.
 */
static void vtep_htab_check(struct vtep_htab *tab, struct vtep_hbkt *t)
{
	u32 n = atomic_read(&tab->nelems), size = t->mask + 1;

	if (rcu_access_pointer(t->future))
		return;
	if (n > size) {
		if (size < VTEP_HTAB_MAX && !tab->grow_queued) {
			tab->grow_queued = true;
			mod_delayed_work(system_unbound_wq, &tab->resize, 0);
		}
	} else if (n < size / 4 && size > VTEP_HTAB_MIN &&
		   !tab->shrink_queued) {
		tab->shrink_queued = true;
		queue_delayed_work(system_unbound_wq, &tab->resize,
				   VTEP_HTAB_SHRINK_DELAY);
	}
}

/*
 * Move the table into an array of @size buckets. Under tab->resizing:
 * one resize at a time. -ENOMEM leaves the table as it was. Not inlined:
 * tests/topo/table_sizing.sh counts the resizes with a kprobe here.
 */
static noinline int vtep_htab_rehash(struct vtep_htab *tab, u32 size)
{
	struct vtep_hbkt *old, *new;
	u32 i;

	lockdep_assert_held(&tab->resizing);
	new = vtep_hbkt_alloc(size);
	if (!new)
		return -ENOMEM;
	spin_lock_bh(tab->lock);
	old = vtep_htab_deref(tab, tab->tbl);
	rcu_assign_pointer(old->future, new);
	for (i = 0; i <= old->mask; i++) {
		if (i && !(i % VTEP_HTAB_MOVE_CHUNK)) {
			spin_unlock_bh(tab->lock);
			cond_resched();
			spin_lock_bh(tab->lock);
		}
		vtep_htab_move_bucket(tab, old, new, i);
	}
	rcu_assign_pointer(tab->tbl, new);
	smp_wmb();		/* the array before the count (dump.c) */
	WRITE_ONCE(tab->resizes, tab->resizes + 1);
	vtep_htab_check(tab, new);	/* grown or emptied meanwhile */
	spin_unlock_bh(tab->lock);
	/* readers that came through old->future finish first */
	call_rcu(&old->rcu, vtep_hbkt_free_rcu);
	return 0;
}

/* The size the table should have now, or 0 to leave it */
static u32 vtep_htab_wanted(struct vtep_htab *tab, u32 size)
{
	u32 n = atomic_read(&tab->nelems);

	if (n > size && size < VTEP_HTAB_MAX)
		return vtep_htab_size_for(n);
	if (n < size / 4 && size > VTEP_HTAB_MIN)
		return vtep_htab_size_for(2 * n);
	return 0;
}

static void vtep_htab_resize_work(struct work_struct *work)
{
	struct vtep_htab *tab = container_of(to_delayed_work(work),
					     struct vtep_htab, resize);
	unsigned long hold;
	struct vtep_hbkt *t;
	u32 size;

	mutex_lock(&tab->resizing);
	spin_lock_bh(tab->lock);
	tab->grow_queued = false;
	tab->shrink_queued = false;
	t = vtep_htab_deref(tab, tab->tbl);
	size = vtep_htab_wanted(tab, t->mask + 1);
	hold = READ_ONCE(tab->hold_until);
	if (size < t->mask + 1 && time_before(jiffies, hold)) {
		/* sized for a load still coming: shrink after it */
		tab->shrink_queued = true;
		queue_delayed_work(system_unbound_wq, &tab->resize,
				   hold - jiffies + 1);
		size = 0;
	}
	spin_unlock_bh(tab->lock);
	/* out of memory: the next insert or delete asks again */
	if (size)
		vtep_htab_rehash(tab, size);
	mutex_unlock(&tab->resizing);
}

int vtep_htab_init(struct vtep_htab *tab, spinlock_t *lock,
		   u32 (*hash)(const struct vtep_hnode *n, u32 seed))
{
	struct vtep_hbkt *t = vtep_hbkt_alloc(VTEP_HTAB_MIN);

	if (!t)
		return -ENOMEM;
	RCU_INIT_POINTER(tab->tbl, t);
	atomic_set(&tab->nelems, 0);
	tab->seed = get_random_u32();
	tab->resizes = 0;
	tab->hold_until = jiffies;
	tab->lock = lock;
	tab->hash = hash;
	tab->grow_queued = false;
	tab->shrink_queued = false;
	INIT_DELAYED_WORK(&tab->resize, vtep_htab_resize_work);
	mutex_init(&tab->resizing);
	return 0;
}

void vtep_htab_destroy(struct vtep_htab *tab)
{
	cancel_delayed_work_sync(&tab->resize);
	WARN_ON_ONCE(atomic_read(&tab->nelems));
	kvfree(rcu_dereference_protected(tab->tbl, true));
	mutex_destroy(&tab->resizing);
}

/*
 * Size the table for @n entries more than it holds (at most @room, the
 * owner's limit's, VTEP_HTAB_RESERVE_MAX, and VTEP_HTAB_AHEAD times as
 * many as it holds), at once, where it would otherwise
 * double its way there. Process context (it allocates and
 * moves what the table holds), the lock not held. Never shrinks it: a
 * table sized ahead of a load shrinks as usual once the load is not
 * there (its entries deleted, or the load refused).
 */
int vtep_htab_reserve(struct vtep_htab *tab, u32 n, u32 room)
{
	u32 have, want, size;
	int err = 0;

	n = min3(n, room, VTEP_HTAB_RESERVE_MAX);
	if (!n)
		return 0;
	mutex_lock(&tab->resizing);
	have = vtep_htab_count(tab);
	n = min(n, VTEP_HTAB_AHEAD * max(have, VTEP_HTAB_AHEAD_MIN));
	want = vtep_htab_size_for(min_t(u64, (u64)have + n, VTEP_HTAB_MAX));
	size = rcu_dereference_protected(tab->tbl,
					 lockdep_is_held(&tab->resizing))->mask + 1;
	if (want > size)
		err = vtep_htab_rehash(tab, want);
	/*
	 * No shrink for a while: the load's entries are still coming. Then
	 * a look, for a load that brought fewer than it said.
	 */
	WRITE_ONCE(tab->hold_until, jiffies + VTEP_HTAB_HOLD);
	spin_lock_bh(tab->lock);
	tab->shrink_queued = true;
	queue_delayed_work(system_unbound_wq, &tab->resize,
			   VTEP_HTAB_HOLD + 1);
	spin_unlock_bh(tab->lock);
	mutex_unlock(&tab->resizing);
	return err;
}

void vtep_htab_insert(struct vtep_htab *tab, struct vtep_hnode *n, u32 h)
{
	struct vtep_hbkt *t = vtep_htab_newest(tab);
	u32 i = h & t->mask;

	lockdep_assert_held(tab->lock);
	RCU_INIT_POINTER(n->next, vtep_htab_deref(tab, t->b[i]));
	rcu_assign_pointer(t->b[i], n);
	atomic_inc(&tab->nelems);
	vtep_htab_check(tab, vtep_htab_deref(tab, tab->tbl));
}

/* Where @n is linked from: the pointer to it, or NULL; lock held */
static struct vtep_hnode __rcu **vtep_htab_pprev(struct vtep_htab *tab,
						 struct vtep_hnode *n, u32 h)
{
	struct vtep_hbkt *t;

	for (t = vtep_htab_deref(tab, tab->tbl); t;
	     t = vtep_htab_deref(tab, t->future)) {
		struct vtep_hnode __rcu **pprev = &t->b[h & t->mask];
		struct vtep_hnode *pos;

		while ((pos = vtep_htab_deref(tab, *pprev))) {
			if (pos == n)
				return pprev;
			pprev = &pos->next;
		}
	}
	return NULL;
}

bool vtep_htab_remove(struct vtep_htab *tab, struct vtep_hnode *n, u32 h)
{
	struct vtep_hnode __rcu **pprev;

	lockdep_assert_held(tab->lock);
	pprev = vtep_htab_pprev(tab, n, h);
	if (!pprev)
		return false;
	/* readers on @n go on along its chain: its next stays as it is */
	rcu_assign_pointer(*pprev, vtep_htab_deref(tab, n->next));
	atomic_dec(&tab->nelems);
	vtep_htab_check(tab, vtep_htab_deref(tab, tab->tbl));
	return true;
}

/* Put @new where @old is (same key, so same hash), in one pointer write */
bool vtep_htab_replace(struct vtep_htab *tab, struct vtep_hnode *old,
		       struct vtep_hnode *new, u32 h)
{
	struct vtep_hnode __rcu **pprev;

	lockdep_assert_held(tab->lock);
	pprev = vtep_htab_pprev(tab, old, h);
	if (!pprev)
		return false;
	RCU_INIT_POINTER(new->next, vtep_htab_deref(tab, old->next));
	rcu_assign_pointer(*pprev, new);
	return true;
}
