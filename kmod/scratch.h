/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arrays of an FDB request, kept from one request to the next
 * (scratch.c). Under RTNL.
 */
#ifndef _VTEP_SCRATCH_H
#define _VTEP_SCRATCH_H

#include <linux/types.h>

enum vtep_scratch_slot {
	VTEP_SCRATCH_CFG,	/* the entries as parsed (nl_tables.c) */
	VTEP_SCRATCH_OPS,	/* what applying them did (fdb_batch.c) */
	VTEP_SCRATCH_SLOTS,
};

/* @n elements of @size bytes, not zeroed; NULL when out of memory */
void *vtep_scratch_get(enum vtep_scratch_slot slot, size_t n, size_t size);
/* @p from vtep_scratch_get() of @slot, or NULL */
void vtep_scratch_put(enum vtep_scratch_slot slot, void *p);
void vtep_scratch_uninit(void);		/* module exit */

#endif
