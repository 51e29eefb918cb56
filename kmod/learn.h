/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtep: what the datapath asks the MAC tables per frame (learn.c), for
 * tx.c and rx.c. The per-CPU note is checked inline: a VM's stream hits it
 * on nearly every frame, and the call it saves cost more than the check.
 */
#ifndef VTEP_LEARN_H
#define VTEP_LEARN_H

#include <linux/etherdevice.h>

#include "vtep.h"

/*
 * Per CPU, per device (learn.c): the MAC this CPU last refreshed in each
 * table, and the tick it did. Another frame of that MAC in that tick needs
 * no lookup: a VM's stream sends many a tick. Transmit: the local MAC
 * (move notices); receive: the learned source, behind @src.
 */
struct vtep_seen {
	u32 vni;
	u32 when;			/* jiffies, as vtep_fdb.seen */
	u8 mac[ETH_ALEN];
};

struct vtep_pcpu_seen {
	struct vtep_seen local;
	struct vtep_seen learned;
	struct vtep_addr src;
};

/* Whether this CPU noted (@vni, @mac) at tick @now */
static inline bool vtep_seen_now(const struct vtep_seen *n, u32 vni,
				 const u8 *mac, u32 now)
{
	return n->when == now && n->vni == vni && ether_addr_equal(n->mac, mac);
}

void vtep_fdb_learn_slow(struct vtep_dev *vtep, struct vtep_vni *vni,
			 const u8 *mac, const struct vtep_addr *src);
bool vtep_fdb_local_is_new_slow(struct vtep_dev *vtep, u32 vni,
				const u8 *mac);

/*
 * Receive path (RCU held): learn that @mac on @vni lives behind @src,
 * unless this CPU found it there this tick already.
 */
static inline void vtep_fdb_learn(struct vtep_dev *vtep,
				  struct vtep_vni *vni, const u8 *mac,
				  const struct vtep_addr *src)
{
	const struct vtep_pcpu_seen *ps = this_cpu_ptr(vtep->seen);

	if (!vtep_seen_now(&ps->learned, vni->id, mac, (u32)jiffies) ||
	    !vtep_addr_equal(&ps->src, src))
		vtep_fdb_learn_slow(vtep, vni, mac, src);
}

/*
 * Transmit path (RCU held): whether local @mac is new on @vni (a move
 * notice is due); not when this CPU refreshed it this tick already.
 */
static inline bool vtep_fdb_local_is_new(struct vtep_dev *vtep, u32 vni,
					 const u8 *mac)
{
	if (vtep_seen_now(&this_cpu_ptr(vtep->seen)->local, vni, mac,
			  (u32)jiffies))
		return false;
	return vtep_fdb_local_is_new_slow(vtep, vni, mac);
}

#endif /* VTEP_LEARN_H */
