/*
 * steal_acc: a counter that never goes backwards.
 *
 * Kernel counters can move backwards (a CPU line that disappears and comes
 * back reset, a buggy hypervisor steal clock, a fixture).  PAPI reports
 * differences, so a raw value that goes down must not make a negative delta:
 * the accumulator adds only increases and re-bases on a decrease (the
 * decrease is counted in `backwards`, never subtracted).
 */
#ifndef STEAL_ACC_H
#define STEAL_ACC_H

#include <stdint.h>

struct steal_acc {
	uint64_t last;      /* last raw value seen */
	uint64_t total;     /* sum of increases since steal_acc_start */
	unsigned backwards; /* how many times the raw value went down */
	int primed;         /* last is valid */
};

/* Starts counting from raw (total = 0). */
void steal_acc_start(struct steal_acc *a, uint64_t raw);

/* Feeds a new raw value; returns the increase it contributed (0 when the
 * value went backwards or the accumulator was not primed, which primes it). */
uint64_t steal_acc_feed(struct steal_acc *a, uint64_t raw);

/* USER_HZ ticks -> ns without overflow for any tick count below 2^64/1e9*hz
 * and exact when hz divides 1e9 (100, 250, 1000). */
uint64_t steal_ticks_to_ns(uint64_t ticks, uint64_t hz);

/* a - b, or 0 when b > a. */
static inline uint64_t steal_sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

#endif
