// SPDX-License-Identifier: GPL-2.0
/*
 * Elephant flows: found by sampling, and moved between underlay paths at
 * flowlet gaps.
 *
 * Most bytes travel in a few long flows, and the underlay's switches hash
 * each onto one path whatever the paths' loads, so two elephants that
 * collide share a link while another idles. Sampling one transmitted frame
 * in N (cfg.sample) finds them cheaply: the frames not sampled cost one
 * per-CPU decrement and a branch (vtep_elephant_due()). Each CPU keeps the
 * flows it sampled in a small table, two slots a flow by its hash
 * (sample_slot()); a flow whose sampled bytes times N over a window of at
 * least VTEP_SAMPLE_WINDOW reach cfg.elephant_rate enters the device's
 * table of elephants.
 *
 * With cfg.resteer on, an elephant's frame that follows a gap in the flow
 * longer than cfg.flowlet_gap may take a new outer source port, so a new
 * path: the flow's earlier packets have left the queues by then (the gap
 * is larger than the paths' differences in delay), so the move reorders
 * nothing. Inside a burst the port never changes. The VTEP cannot see which
 * path a port hashes to, nor the paths' loads, but it sees its elephants'
 * rates: one that shares a path with another runs slower than one alone.
 * So at a gap only a slow elephant moves, one below VTEP_SLOW_PCT of the
 * mean rate of the device's elephants; the new port is drawn at random from
 * the range (never the current one). The rates compared are exact:
 * while re-steering is on, every frame of a flow already in the table is
 * counted (it is looked up per frame anyway, to choose its port), over
 * windows of VTEP_SAMPLE_WINDOW; sampling only finds the elephants. A rate
 * from 1 sample in 64 holds a few samples a window and swung as much as
 * the gap between a lone flow and two sharing a path, moving well placed
 * flows and leaving shared ones. Elephants that found paths of their
 * own stop moving, and their packets stop risking reordering; colliding
 * ones keep trying. (Random re-choice at every gap, flowlet switching as
 * in LetFlow, NSDI 2017, balances too, but keeps moving flows that were
 * well placed: in the 4-path bench it moved them hundreds of times a run.)
 * A moved elephant's rate is measured afresh (VTEP_MOVE_SETTLE) before it
 * may move again: until then its rate is that of the path it left. A lone
 * elephant has no one to compare with and moves at every gap. One
 * that stopped being an elephant goes back to the port of its hash, at a
 * gap too.
 *
 * The table of elephants is read under RCU. Writers (the sampler, in
 * softirq) hold its lock; entries are allocated with GFP_ATOMIC and
 * freed after a grace period.
 */
#include <linux/random.h>
#include <linux/ktime.h>
#include <linux/math64.h>

#include "vtep.h"

/* The shortest window a rate is estimated over */
#define VTEP_SAMPLE_WINDOW	(HZ / 10)
/* An elephant not seen at its rate for this long is one no more */
#define VTEP_ELEPHANT_TIMEOUT	(2 * HZ)
/* With sampling off, how often a CPU looks whether it was turned on */
#define VTEP_SAMPLE_RECHECK	65536
/* At a gap, an elephant below this share of the mean rate moves (percent) */
#define VTEP_SLOW_PCT		80
/* After a move, its rate is measured again over windows ending this late */
#define VTEP_MOVE_SETTLE	VTEP_SAMPLE_WINDOW

int vtep_elephant_init(struct vtep_dev *vtep)
{
	vtep->sampler = alloc_percpu_gfp(struct vtep_sampler,
					 GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vtep->sampler)
		return -ENOMEM;
	/* The first frame on each CPU is sampled and sets the countdown. */
	vtep_elephant_resample(vtep);
	spin_lock_init(&vtep->elephants.lock);
	/* Elephant events: a burst of 10, then one per second */
	ratelimit_state_init(&vtep->elephant_rs, HZ, 10);
	ratelimit_set_flags(&vtep->elephant_rs, RATELIMIT_MSG_ON_RELEASE);
	return 0;
}

/*
 * At init and whenever cfg.sample changes: each CPU samples its next
 * frame, which counts down from the new N. Without this, a CPU would first
 * finish the countdown of the old N (or of VTEP_SAMPLE_RECHECK with
 * sampling off): up to a million frames. A CPU's decrement racing this
 * store may win; either value is a countdown within the old or the new N.
 */
void vtep_elephant_resample(struct vtep_dev *vtep)
{
	int cpu;

	if (!vtep->sampler)	/* not registered yet: it starts at 1 */
		return;
	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu_ptr(vtep->sampler, cpu)->countdown, 1);
}

/* No reader is left: the device's last reference went. */
void vtep_elephant_free(struct vtep_dev *vtep)
{
	unsigned int i;

	for (i = 0; i < VTEP_ELEPHANT_SLOTS; i++)
		kfree(rcu_dereference_protected(vtep->elephants.slot[i], 1));
	free_percpu(vtep->sampler);
}

/* The two slots a flow may take */
static unsigned int slot_a(u32 hash)
{
	return hash & (VTEP_ELEPHANT_SLOTS - 1);
}

static unsigned int slot_b(u32 hash)
{
	return (hash >> 16) & (VTEP_ELEPHANT_SLOTS - 1);
}

static bool same(const struct vtep_elephant *e, u32 hash, u32 vni)
{
	return e && e->hash == hash && e->vni == vni;
}

/* Under RCU or the table's lock; @slot: where it is */
static struct vtep_elephant *find(struct vtep_dev *vtep, u32 hash, u32 vni,
				  unsigned int *slot)
{
	struct vtep_elephants *t = &vtep->elephants;
	unsigned int s[2] = { slot_a(hash), slot_b(hash) };
	struct vtep_elephant *e;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		e = rcu_dereference_check(t->slot[s[i]],
					  lockdep_is_held(&t->lock));
		if (same(e, hash, vni)) {
			*slot = s[i];
			return e;
		}
	}
	return NULL;
}

static struct vtep_elephant *lookup(struct vtep_dev *vtep, u32 hash, u32 vni)
{
	unsigned int slot;

	return find(vtep, hash, vni, &slot);
}

/* Whether @e's rate was measured on the path it took at its last move */
static bool settled(const struct vtep_elephant *e)
{
	return time_after(READ_ONCE(e->rated),
			  READ_ONCE(e->moved) + VTEP_MOVE_SETTLE);
}

/* Whether @e was seen at the elephant rate lately: listed, steered */
static bool current_elephant(const struct vtep_elephant *e)
{
	return time_before(jiffies, READ_ONCE(e->sampled) +
			   VTEP_ELEPHANT_TIMEOUT);
}

static u64 gap_ns(const struct vtep_dev *vtep)
{
	return (u64)READ_ONCE(vtep->cfg.flowlet_gap) * NSEC_PER_USEC;
}

/*
 * Whether @e's slot may be taken: it is no elephant now, and it is idle
 * (its port may change: its next frame, if any, follows a gap).
 */
static bool reclaimable(const struct vtep_dev *vtep,
			const struct vtep_elephant *e)
{
	/* Signed: another CPU's frame may be later than this CPU's clock */
	return !current_elephant(e) &&
	       (s64)(ktime_get_mono_fast_ns() - READ_ONCE(e->seen)) >
	       (s64)gap_ns(vtep);
}

/*
 * A new elephant into one of its two slots, under the lock: a free or
 * reclaimable slot, else the slower holder goes if @e is faster. Returns
 * the entry it replaced (freed by the caller after a grace period), or
 * @e itself when it found no room.
 */
static struct vtep_elephant *place(struct vtep_dev *vtep,
				   struct vtep_elephant *e)
{
	struct vtep_elephants *t = &vtep->elephants;
	unsigned int s[2] = { slot_a(e->hash), slot_b(e->hash) };
	struct vtep_elephant *old[2];
	unsigned int i, v;

	for (i = 0; i < 2; i++) {
		old[i] = rcu_dereference_protected(t->slot[s[i]],
						   lockdep_is_held(&t->lock));
		if (!old[i] || reclaimable(vtep, old[i])) {
			rcu_assign_pointer(t->slot[s[i]], e);
			return old[i];
		}
	}
	v = READ_ONCE(old[0]->rate) <= READ_ONCE(old[1]->rate) ? 0 : 1;
	vtep_stats_inc(vtep, NULL, VTEP_STAT_ELEPHANT_FULL);
	if (READ_ONCE(old[v]->rate) >= e->rate)
		return e;
	rcu_assign_pointer(t->slot[s[v]], e);
	return old[v];
}

static void snap(const struct vtep_dev *vtep, const struct vtep_elephant *e,
		 struct vtep_flow_info *fi)
{
	*fi = e->info;
	fi->rate = READ_ONCE(e->rate);
	fi->outer_sport = READ_ONCE(e->sport);
	fi->moves = READ_ONCE(e->moves);
	/* The address follows the port, as vtep_xmit() chooses it */
	if (vtep->cfg.nlocals > 1)
		fi->outer_src = *vtep_cfg_local(&vtep->cfg,
						vtep_flow_local(e->hash,
								fi->outer_sport,
								vtep->cfg.nlocals));
}

/* A flow of the sampled frame @skb was found at @rate: note it. */
static void elephant(struct vtep_dev *vtep, struct vtep_vni *vni,
		     struct sk_buff *skb, u32 hash, __be16 sport, u64 rate)
{
	struct vtep_elephants *t = &vtep->elephants;
	struct vtep_elephant *e, *old;
	struct vtep_flow_info fi;
	unsigned int slot;

	/* One that stopped being an elephant and is idle is a new one. */
	e = lookup(vtep, hash, vni->id);
	if (e && (current_elephant(e) || !reclaimable(vtep, e))) {
		/* Re-steering on: every frame is counted (vtep_count()). */
		if (READ_ONCE(vtep->cfg.resteer))
			return;
		/*
		 * A window holds a few samples: smooth (7/8 old, 1/8 new), so
		 * one unlucky window does not make a well placed flow slow;
		 * but until it settled after a move, the new path's rate
		 * replaces the old one's.
		 */
		if (settled(e))
			rate = rate / 8 + READ_ONCE(e->rate) / 8 * 7;
		WRITE_ONCE(e->rate, rate);
		WRITE_ONCE(e->sampled, jiffies);
		WRITE_ONCE(e->rated, jiffies);
		/* Re-steering off: it takes the port of its hash. */
		WRITE_ONCE(e->sport, sport);
		return;
	}
	e = kzalloc(sizeof(*e), GFP_ATOMIC);
	if (!e) {
		vtep_stats_inc(vtep, NULL, VTEP_STAT_ELEPHANT_FULL);
		return;
	}
	e->hash = hash;
	e->vni = vni->id;
	e->rate = rate;
	e->sampled = jiffies;
	e->rated = jiffies;
	e->seen = ktime_get_mono_fast_ns();
	e->sport = sport;
	e->moved = jiffies - VTEP_MOVE_SETTLE - 1;
	e->win_start = e->seen;
	vtep_flow_tuple(skb, &e->info.t);
	e->info.vni = vni->id;
	e->info.outer_src = vtep->cfg.local;

	spin_lock_bh(&t->lock);
	old = find(vtep, hash, vni->id, &slot);
	if (!old)
		old = place(vtep, e);
	else if (reclaimable(vtep, old))
		rcu_assign_pointer(t->slot[slot], e);
	else
		old = e;	/* another CPU was first */
	if (old != e)
		snap(vtep, e, &fi);
	spin_unlock_bh(&t->lock);
	if (old == e) {		/* no room, or it is there now */
		kfree(e);
		return;
	}
	if (old)
		kfree_rcu(old, rcu);
	vtep_stats_inc(vtep, vni, VTEP_STAT_ELEPHANTS);
	if (__ratelimit(&vtep->elephant_rs))
		vtep_event_elephant(vtep, &fi);
}

/* The rate @bytes sampled one in @n over @span jiffies make */
static u64 sample_rate(u64 bytes, u32 n, unsigned long span)
{
	/* bytes < 2^40 in any window and n <= 2^20: no overflow */
	return div64_u64(min_t(u64, bytes * n, U64_MAX / HZ) * HZ, span);
}

/*
 * The slot of sampler @sp that holds flow (@hash, @vni), of its two; NULL
 * if neither. Another CPU's sampler is read without a lock, a word at once.
 */
static struct vtep_sample *sample_held(struct vtep_sampler *sp, u32 hash,
				       u32 vni)
{
	struct vtep_sample *s[2] = { &sp->s[slot_a(hash)],
				     &sp->s[slot_b(hash)] };
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (READ_ONCE(s[i]->hash) == hash && READ_ONCE(s[i]->vni) == vni)
			return s[i];
	return NULL;
}

/*
 * What the other CPUs' current windows saw of flow (@hash, @vni). A sender
 * that moves between CPUs (the scheduler's choice: often where softirqs
 * run in threads, as on PREEMPT_RT) spreads one flow over several CPUs'
 * samples, each of which sees only its part: measured on one CPU, a flow
 * at 1.3 times the elephant rate shared by two was found late or never.
 * A window older than two (the flow left that CPU) or shorter than half
 * of one does not count. Read without a lock, each field one word: a
 * torn pair skews one estimate, nothing else.
 */
static u64 others_rate(struct vtep_dev *vtep, u32 hash, u32 vni, u32 n,
		       unsigned long now)
{
	unsigned int cpu, self = smp_processor_id();
	const struct vtep_sample *o;
	unsigned long span;
	u64 sum = 0;

	for_each_online_cpu(cpu) {
		if (cpu == self)
			continue;
		o = sample_held(per_cpu_ptr(vtep->sampler, cpu), hash, vni);
		if (!o)
			continue;
		span = now - READ_ONCE(o->start);
		if (span < VTEP_SAMPLE_WINDOW / 2 ||
		    span > 2 * VTEP_SAMPLE_WINDOW)
			continue;
		sum += sample_rate(READ_ONCE(o->bytes), n, span);
	}
	return sum;
}

/*
 * This CPU's window for flow (@hash, @vni), of its two slots: the one it
 * holds, else one that is free (its window closed: no bytes) or whose
 * flow left (not sampled for two windows). NULL if both hold open windows
 * of other flows: this sample is not counted. A flow never resets another
 * one's open window, so two flows that share a slot take turns (a window
 * each) instead of restarting each other's at every frame, which left
 * both unmeasured for as long as both ran.
 */
static struct vtep_sample *sample_slot(struct vtep_sampler *sp, u32 hash,
				       u32 vni, unsigned long now)
{
	struct vtep_sample *s[2] = { &sp->s[slot_a(hash)],
				     &sp->s[slot_b(hash)] };
	struct vtep_sample *held = sample_held(sp, hash, vni);
	unsigned int i;

	if (held)
		return held;
	for (i = 0; i < 2; i++)
		if (!s[i]->bytes ||
		    now - s[i]->start > 2 * VTEP_SAMPLE_WINDOW)
			return s[i];
	return NULL;
}

/*
 * The frame @skb of flow @hash, to leave with outer port @sport, is the
 * one in N to sample (vtep_elephant_due()). Softirq, under RCU. Other
 * CPUs read this CPU's samples (others_rate()): fields are written whole.
 */
void vtep_elephant_sample(struct vtep_dev *vtep, struct vtep_vni *vni,
			  struct sk_buff *skb, u32 hash, __be16 sport)
{
	struct vtep_sampler *sp = this_cpu_ptr(vtep->sampler);
	u32 n = READ_ONCE(vtep->cfg.sample);
	u64 limit = READ_ONCE(vtep->cfg.elephant_rate);
	unsigned long now = jiffies, span;
	struct vtep_sample *s;
	u64 rate;

	sp->countdown = n ?: VTEP_SAMPLE_RECHECK;
	if (!n)
		return;
	s = sample_slot(sp, hash, vni->id, now);
	if (!s)
		return;
	if (s->hash != hash || s->vni != vni->id || !s->bytes) {
		WRITE_ONCE(s->hash, hash);
		WRITE_ONCE(s->vni, vni->id);
		WRITE_ONCE(s->bytes, 0);
		WRITE_ONCE(s->start, now);
	}
	WRITE_ONCE(s->bytes, s->bytes + skb->len);
	span = now - s->start;
	if (span < VTEP_SAMPLE_WINDOW)
		return;
	rate = sample_rate(s->bytes, n, span);
	/* Closed: the slot is free; this flow's next sample opens the next. */
	WRITE_ONCE(s->bytes, 0);
	if (rate < limit)
		rate += others_rate(vtep, hash, vni->id, n, now);
	if (rate >= limit)
		elephant(vtep, vni, skb, hash, sport, rate);
}

/* A port of the range other than @cur (unless the range is one port) */
static __be16 random_port(const struct vtep_dev *vtep, __be16 cur)
{
	struct vtep_cfg range;
	u32 min, n, p;

	range.port_range = READ_ONCE(vtep->cfg.port_range);
	min = range.port_min;
	n = range.port_max >= min ? range.port_max - min + 1 : 1;
	p = min + reciprocal_scale(get_random_u32(), n);
	if (htons(p) == cur && n > 1)
		p = p == range.port_max ? min : p + 1;
	return htons(p);
}

/*
 * Whether elephant @e should move: it is the only one, or it runs slower
 * than the others (below VTEP_SLOW_PCT of the mean rate of the current
 * elephants) on the path it settled on. Under RCU; at a gap only, so the
 * walk of the table is rare.
 */
static bool slow_elephant(struct vtep_dev *vtep, const struct vtep_elephant *e)
{
	const struct vtep_elephant *o;
	u64 sum = 0;
	unsigned int i, n = 0;

	for (i = 0; i < VTEP_ELEPHANT_SLOTS; i++) {
		o = rcu_dereference(vtep->elephants.slot[i]);
		if (o && current_elephant(o)) {
			sum += READ_ONCE(o->rate);
			n++;
		}
	}
	if (n < 2)
		return true;
	if (!settled(e))
		return false;
	/* rate < PCT% of sum / n, without the division */
	return READ_ONCE(e->rate) * n * 100 < sum * VTEP_SLOW_PCT;
}

/*
 * A frame of @len bytes of elephant @e at @now, with re-steering on: into
 * the window's count. The CPU that closes a window (one at least
 * VTEP_SAMPLE_WINDOW long) turns it into the rate: the windows that close
 * within VTEP_MOVE_SETTLE of a move replace the rate (the first holds both
 * paths' frames, the next the new path's only), later ones are averaged
 * with it (half each: counts are exact, only TCP's own swings are
 * smoothed). Windows follow each other without a hole, so every frame is
 * in one: a window restarted at a move that came late in a burst would
 * hold the burst's tail only, and read as a near idle flow.
 * A flow below the elephant rate is not refreshed: it ages out as when
 * sampled. Lockless: two CPUs sending one flow at once may lose a frame's
 * count, which an estimate can afford.
 */
static void vtep_count(struct vtep_dev *vtep, struct vtep_elephant *e,
		       u64 now, unsigned int len)
{
	u64 start = READ_ONCE(e->win_start);
	u64 bytes = READ_ONCE(e->win_bytes) + len;
	/*
	 * Signed: another CPU may have started the window after this CPU
	 * read its clock; unsigned, that wraps to a window of 584 years.
	 */
	s64 span = now - start;
	u64 rate;

	if (span < (s64)jiffies_to_nsecs(VTEP_SAMPLE_WINDOW)) {
		WRITE_ONCE(e->win_bytes, bytes);
		return;
	}
	if (cmpxchg64(&e->win_start, start, now) != start)
		return;		/* another CPU closed it */
	WRITE_ONCE(e->win_bytes, 0);
	rate = mul_u64_u64_div_u64(bytes, NSEC_PER_SEC, span);
	if (settled(e))
		rate = rate / 2 + READ_ONCE(e->rate) / 2;
	WRITE_ONCE(e->rate, rate);
	WRITE_ONCE(e->rated, jiffies);
	if (rate >= READ_ONCE(vtep->cfg.elephant_rate))
		WRITE_ONCE(e->sampled, jiffies);
}

/*
 * With cfg.resteer on: the outer port of a frame of flow @hash, whose
 * hash gives @sport. Short flows keep @sport; an elephant keeps its port
 * but after a flowlet gap. Softirq, under RCU, no lock: each frame stores
 * its time; at a gap, one CPU wins the time's exchange and moves the flow.
 */
__be16 vtep_elephant_steer(struct vtep_dev *vtep, struct vtep_vni *vni,
			   u32 hash, __be16 sport, unsigned int len)
{
	struct vtep_elephant *e = lookup(vtep, hash, vni->id);
	__be16 cur, next;
	u64 now, last;

	if (!e)
		return sport;
	now = ktime_get_mono_fast_ns();
	vtep_count(vtep, e, now, len);
	last = READ_ONCE(e->seen);
	cur = READ_ONCE(e->sport);
	/*
	 * Signed, as above: a later frame of the flow on another CPU stored
	 * a time after this CPU's @now; that is no gap, the burst goes on.
	 */
	if ((s64)(now - last) <= (s64)gap_ns(vtep)) {
		WRITE_ONCE(e->seen, now);
		return cur;
	}
	if (cmpxchg64(&e->seen, last, now) != last)
		return READ_ONCE(e->sport);	/* another CPU took this gap */
	if (!current_elephant(e))
		next = sport;
	else if (slow_elephant(vtep, e))
		next = random_port(vtep, cur);
	else
		next = cur;
	if (next != cur) {
		WRITE_ONCE(e->sport, next);
		WRITE_ONCE(e->moves, e->moves + 1);
		WRITE_ONCE(e->moved, jiffies);
		vtep_stats_inc(vtep, vni, VTEP_STAT_RESTEER_MOVES);
	}
	return next;
}

/* Under RCU: a copy of the elephant in slot @i, if it is a current one */
bool vtep_elephant_snap(struct vtep_dev *vtep, unsigned int i,
			struct vtep_flow_info *fi)
{
	struct vtep_elephant *e = rcu_dereference(vtep->elephants.slot[i]);

	if (!e || !current_elephant(e))
		return false;
	snap(vtep, e, fi);
	return true;
}
