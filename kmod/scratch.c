// SPDX-License-Identifier: GPL-2.0
/*
 * The arrays of an FDB request (each entry as parsed, then what applying
 * it did) last only as long as the request, and a bulk load is hundreds
 * of requests of about 1,800 entries each (vtepctl's 56 KB messages):
 * allocated afresh, each array was a kmalloc of 72-100 KB, that is an
 * order-5 block of pages, which init_on_alloc (on in Debian's kernels)
 * zeroes whole, 128 KB, every request. That was 146 bytes zeroed an
 * entry, a tenth of a load's kernel instructions (`make bench-insns`).
 *
 * So one buffer a slot is kept between requests. Every caller holds RTNL
 * (FDB requests run under it), which is all the locking the buffers need:
 * one request at a time uses them. They are not charged to a memory
 * cgroup, since they outlive the request: at most VTEP_SCRATCH_BYTES a
 * slot for the whole module, given back after VTEP_SCRATCH_IDLE without
 * requests. A request too large for them allocates its own, charged to
 * its sender, as before.
 */
#include <linux/mm.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "scratch.h"

#define VTEP_SCRATCH_BYTES	(128 * 1024)
#define VTEP_SCRATCH_IDLE	(10 * HZ)

static struct vtep_scratch {
	void *buf;
	bool busy;
} scratch[VTEP_SCRATCH_SLOTS];

static void scratch_idle_work(struct work_struct *work)
{
	unsigned int i;

	rtnl_lock();
	for (i = 0; i < VTEP_SCRATCH_SLOTS; i++) {
		if (scratch[i].busy)
			continue;
		kvfree(scratch[i].buf);
		scratch[i].buf = NULL;
	}
	rtnl_unlock();
}

static DECLARE_DELAYED_WORK(scratch_idle, scratch_idle_work);

void *vtep_scratch_get(enum vtep_scratch_slot slot, size_t n, size_t size)
{
	struct vtep_scratch *s = &scratch[slot];
	size_t bytes = array_size(n, size);	/* SIZE_MAX on overflow */

	ASSERT_RTNL();
	if (bytes <= VTEP_SCRATCH_BYTES && !WARN_ON_ONCE(s->busy)) {
		if (!s->buf)
			s->buf = kvmalloc(VTEP_SCRATCH_BYTES, GFP_KERNEL);
		if (s->buf) {
			s->busy = true;
			return s->buf;
		}
	}
	/* too large, or no kept buffer: the request's own, charged */
	return kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
}

void vtep_scratch_put(enum vtep_scratch_slot slot, void *p)
{
	struct vtep_scratch *s = &scratch[slot];

	ASSERT_RTNL();
	if (!p || p != s->buf) {
		kvfree(p);
		return;
	}
	s->busy = false;
	mod_delayed_work(system_wq, &scratch_idle, VTEP_SCRATCH_IDLE);
}

/* Module exit: no request can come any more. */
void vtep_scratch_uninit(void)
{
	unsigned int i;

	cancel_delayed_work_sync(&scratch_idle);
	for (i = 0; i < VTEP_SCRATCH_SLOTS; i++) {
		kvfree(scratch[i].buf);
		scratch[i].buf = NULL;
	}
}
