/*
 * appio_clock: the time source of the hot path.
 *
 * Two vDSO clock_gettime calls cost ~60 ns here, a sixth of a 64-byte read()
 * from /dev/zero; two RDTSC cost ~24 ns.  So on x86 with an invariant TSC
 * (CPUID 0x80000007 EDX bit 8, what Linux calls nonstop_tsc) intercepted
 * calls accumulate raw TSC ticks, and ticks become nanoseconds only when a
 * counter is read, with a ticks/ns ratio measured against CLOCK_MONOTONIC
 * since the clock was first used.  Elsewhere a tick is a CLOCK_MONOTONIC
 * nanosecond.
 */
#ifndef APPIO_CLOCK_H
#define APPIO_CLOCK_H

#include <stdint.h>
#include <time.h>

#include "pv_clock.h"
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define APPIO_HAVE_TSC 1
#endif

/* 1 when ticks are TSC cycles; set by appio_clock_init. */
extern int appio_clock_tsc;

static inline uint64_t appio_ticks(void)
{
#ifdef APPIO_HAVE_TSC
	if (__builtin_expect(appio_clock_tsc, 1))
		return __rdtsc();
#endif
	return pv_now_ns();
}

/* Elapsed ticks between two samples; 0 if the later sample is smaller (a TSC
 * read on another CPU may be a few cycles behind). */
static inline uint64_t appio_ticks_since(uint64_t t0, uint64_t t1)
{
	return t1 > t0 ? t1 - t0 : 0;
}

/* Chooses the source and takes the reference sample.  Idempotent, thread
 * safe, async-signal-safe (no locks, no allocation). */
void appio_clock_init(void);

/* Converts accumulated ticks to nanoseconds.  The first conversion less than
 * 5 ms after appio_clock_init sleeps for the rest of those 5 ms to measure
 * the TSC rate (once per process). */
uint64_t appio_clock_ticks_to_ns(uint64_t ticks);

/* Pure helper (unit-tested): ns for ticks given two (tsc, ns) samples.
 * Returns 0 when the samples do not span any time. */
uint64_t appio_clock_scale(uint64_t ticks, uint64_t tsc0, uint64_t ns0, uint64_t tsc1, uint64_t ns1);

#endif
