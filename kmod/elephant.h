/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Elephant flows (elephant.c) and the inner flows they are (flow.c): the
 * structs vtep.h's struct vtep_dev embeds and messages carry. Included by
 * vtep.h before struct vtep_dev; elephant.c's functions are in vtep.h.
 */
#ifndef _VTEP_ELEPHANT_H
#define _VTEP_ELEPHANT_H

/* An inner flow as a sampled frame showed it (flow.c) */
struct vtep_flow_tuple {
	struct vtep_addr src, dst;	/* AF_UNSPEC: not IP, see the MACs */
	u8 smac[ETH_ALEN], dmac[ETH_ALEN];
	u8 proto;
	__be16 sport, dport;
};

/* What a message says about an elephant: a copy, taken once */
struct vtep_flow_info {
	struct vtep_flow_tuple t;
	u32 vni;
	__be16 outer_sport;
	u32 moves;
	u64 rate;			/* bytes/s */
	struct vtep_addr outer_src;
};

/*
 * An elephant flow of the device (elephant.c). The key (hash, vni) and the
 * tuple are set before it is published and never change; the rest is
 * written in place, a field at a time: seen and the window's count by
 * every frame of the flow (without a lock) while re-steering is on, the
 * others by the sampler under the table's lock, by the CPU that closed a
 * counting window, or at a flowlet gap by the one CPU that won it.
 */
struct vtep_elephant {
	u32 hash, vni;
	u64 seen;			/* ns (mono fast clock): last frame */
	unsigned long sampled;		/* jiffies: last window at the rate */
	unsigned long rated;		/* jiffies: rate last written */
	u64 rate;
	__be16 sport;			/* the outer port it takes now */
	u32 moves;
	unsigned long moved;		/* jiffies: its last move */
	/* Re-steering on: every frame counted, in windows (vtep_count()) */
	u64 win_start;			/* ns (mono fast clock) */
	u64 win_bytes;
	struct vtep_flow_info info;	/* tuple, vni, outer_src: set once */
	struct rcu_head rcu;
};

#define VTEP_ELEPHANT_SLOTS	64	/* a power of two */

/* The elephants of a device: each flow may sit in one of two slots */
struct vtep_elephants {
	spinlock_t lock;		/* writers of slot[] */
	struct vtep_elephant __rcu *slot[VTEP_ELEPHANT_SLOTS];
};

/* Per CPU: the countdown to the next sample, and the flows sampled */
struct vtep_sample {
	u32 hash, vni;
	u64 bytes;			/* sampled since start */
	unsigned long start;		/* jiffies: the window's start */
};

struct vtep_sampler {
	u32 countdown;
	struct vtep_sample s[VTEP_ELEPHANT_SLOTS];
};

#endif /* _VTEP_ELEPHANT_H */
