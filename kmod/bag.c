// SPDX-License-Identifier: GPL-2.0
/*
 * A bag of what one control-plane request took out of the tables (FDB
 * entries and the peers that lost their last reference), freed together
 * one grace period after the request: one RCU callback and two bulk frees
 * for the request, where every entry cost a kfree_rcu() of its own and
 * every peer a call_rcu() and, a grace period later, a callback and a
 * free in softirq. A million-entry delete paid 300 instructions an entry
 * for them.
 *
 * Readers that still see an entry see it and its peer whole until the
 * callback runs, as with the frees one by one. rcu_barrier() at module
 * exit waits for the callbacks, before the peer cache goes.
 */
#include <linux/overflow.h>
#include <linux/slab.h>

#include "vtep.h"
#include "bag.h"

struct vtep_bag *vtep_bag_new(unsigned int cap)
{
	struct vtep_bag *bag;

	bag = kvmalloc(struct_size(bag, obj, cap), GFP_KERNEL_ACCOUNT);
	if (!bag)
		return NULL;
	bag->nfdb = 0;
	bag->npeer = 0;
	bag->cap = cap;
	return bag;
}

static void vtep_bag_free_rcu(struct rcu_head *head)
{
	struct vtep_bag *bag = container_of(head, struct vtep_bag, rcu);

	kfree_bulk(bag->nfdb, bag->obj);
	vtep_peer_free_bulk(bag->npeer, bag->obj + bag->cap - bag->npeer);
	kvfree(bag);
}

void vtep_bag_close(struct vtep_bag *bag)
{
	if (!bag)
		return;
	if (!bag->nfdb && !bag->npeer)
		kvfree(bag);
	else
		call_rcu(&bag->rcu, vtep_bag_free_rcu);
}
