/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the MAC table's files (fdb.c, fdb_batch.c, learn.c) and no
 * other: the tables' parameters and the helpers each of them uses.
 */
#ifndef _VTEP_FDB_H
#define _VTEP_FDB_H

#include <linux/etherdevice.h>
#include <linux/rhashtable.h>

#include "vtep.h"

static const struct rhashtable_params vtep_fdb_params = {
	.head_offset		= offsetof(struct vtep_fdb, node),
	.key_offset		= offsetof(struct vtep_fdb, key),
	.key_len		= sizeof(struct vtep_fdb_key),	/* 10 */
	.automatic_shrinking	= true,
};

static inline void vtep_fdb_make_key(struct vtep_fdb_key *key, u32 vni,
				     const u8 *mac)
{
	key->vni = vni;
	ether_addr_copy(key->mac, mac);
}

/* Ticks since @f was last seen, in the 32 bits `seen` keeps */
static inline u32 vtep_fdb_idle(const struct vtep_fdb *f, unsigned long now)
{
	return (u32)now - READ_ONCE(f->seen);
}

void vtep_fdb_info(const struct vtep_fdb *f, const struct vtep_peer *p,
		   u8 flags, struct vtep_fdb_info *i);
void vtep_fdb_info_of(u32 vni, const u8 *mac, const struct vtep_addr *dst,
		      u8 type, struct vtep_fdb_info *i);
bool vtep_fdb_unlink(struct vtep_dev *vtep, struct vtep_fdb *f,
		     struct vtep_fdb_info *gone);

#endif /* _VTEP_FDB_H */
