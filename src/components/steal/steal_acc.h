/*
 * steal_acc: a counter that never goes backwards.
 *
 * Kernel counters can move backwards (a CPU line that disappears and comes
 * back reset, a buggy hypervisor steal clock, a fixture).  PAPI reports
 * differences, so a raw value that goes down must not make a negative delta:
 * the accumulator adds only increases and re-bases on a decrease (the
 * decrease is counted in `backwards`, never subtracted).
 *
 * PAPI hands counters out as long long: a total must stay within
 * STEAL_ACC_MAX (PV_NS_MAX, INT64_MAX).  An increase that would take it past that (a
 * corrupt value such as 2^64-1 in /proc/stat or schedstat) is no increase
 * but a reset: the accumulator re-bases on it and counts it in `jumps`, so
 * that the caller can say so once.  Tick conversions (pv_procstat_ticks_to_ns)
 * saturate at the same cap.
 */
#ifndef STEAL_ACC_H
#define STEAL_ACC_H

#include <stdint.h>

#include "pv_procstat.h"

struct steal_acc {
	uint64_t last;      /* last raw value seen */
	uint64_t total;     /* sum of increases since steal_acc_start */
	unsigned backwards; /* how many times the raw value went down */
	unsigned jumps;     /* increases past the range, taken as resets */
	int primed;         /* last is valid */
};

/* Starts counting from raw (total = 0). */
void steal_acc_start(struct steal_acc *a, uint64_t raw);

/* Feeds a new raw value; returns the increase it contributed (0 when the
 * value went backwards or the accumulator was not primed, which primes it). */
uint64_t steal_acc_feed(struct steal_acc *a, uint64_t raw);

/* The cap of every ns counter (pv_procstat.h says why). */
#define STEAL_ACC_MAX PV_NS_MAX

/* 1 when adding now - prev to total would take it past STEAL_ACC_MAX
 * (a jump past the range); 0 for a plausible increase or a decrease. */
static inline int steal_acc_is_jump(uint64_t total, uint64_t prev, uint64_t now)
{
	return now > prev && now - prev > STEAL_ACC_MAX - (total > STEAL_ACC_MAX ? STEAL_ACC_MAX : total);
}

/* a - b, or 0 when b > a. */
static inline uint64_t steal_sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

#endif
