/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzzers share: a seeded xorshift64 generator, so that a run
 * replays from its seed. Each program defines `uint64_t rs` once.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stdint.h>

extern uint64_t rs;

static inline uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 11);
}

/* 0 .. n-1 (0 for n = 0) */
static inline uint32_t rn(uint32_t n) { return n ? rnd() % n : 0; }
static inline bool chance(int pct) { return (int)rn(100) < pct; }

#endif
