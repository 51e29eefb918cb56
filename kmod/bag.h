/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a control-plane request takes out of the tables, freed together a
 * grace period later (bag.c).
 */
#ifndef _VTEP_BAG_H
#define _VTEP_BAG_H

#include <linux/rcupdate.h>
#include <linux/types.h>

struct vtep_bag {
	struct rcu_head rcu;
	unsigned int nfdb, npeer, cap;
	void *obj[];		/* entries from the front, peers from the back */
};

/* Room for @cap objects; NULL when out of memory (free them one by one) */
struct vtep_bag *vtep_bag_new(unsigned int cap);
/* Hand the bag to RCU (or free it empty); NULL is a no-op */
void vtep_bag_close(struct vtep_bag *bag);

/* Whether @bag (or NULL) took an FDB entry, a peer: else free it yourself */
static inline bool vtep_bag_take_fdb(struct vtep_bag *bag, void *f)
{
	if (!bag || bag->nfdb + bag->npeer == bag->cap)
		return false;
	bag->obj[bag->nfdb++] = f;
	return true;
}

static inline bool vtep_bag_take_peer(struct vtep_bag *bag, void *p)
{
	if (!bag || bag->nfdb + bag->npeer == bag->cap)
		return false;
	bag->obj[bag->cap - ++bag->npeer] = p;
	return true;
}

#endif
