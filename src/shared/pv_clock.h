/*
 * pv_clock: the one monotonic clock of papi-virt, in nanoseconds.
 *
 * Everything that measures an interval (sample ages, cache lifetimes,
 * source windows, deadlines) uses CLOCK_MONOTONIC through here: it never
 * jumps with settimeofday or NTP steps, and the kernel serves it from the
 * vDSO (~25 ns), so pv_now_ns() is inline and cheap enough for appio's hot
 * path.  Deadlines for pthread_cond_timedwait / clock_nanosleep are
 * CLOCK_MONOTONIC timespecs built by pv_clock_deadline_ns() and pv_clock_ts_add_ns().
 */
#ifndef PV_CLOCK_H
#define PV_CLOCK_H

#include <stdint.h>
#include <time.h>

/* A timespec as ns since the clock's epoch (negative fields count as 0). */
static inline uint64_t pv_ts_to_ns(const struct timespec *ts)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0)
		return 0;
	return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

/* CLOCK_MONOTONIC now, in ns. */
static inline uint64_t pv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return pv_ts_to_ns(&ts);
}

/* ns -> timespec (tv_nsec in [0, 1e9)). */
struct timespec pv_clock_ns_to_ts(uint64_t ns);

/* Moves ts forward by ns, keeping tv_nsec normalised. */
void pv_clock_ts_add_ns(struct timespec *ts, uint64_t ns);

/* The CLOCK_MONOTONIC time ns from now, as a timespec (an absolute
 * deadline for pthread_cond_timedwait on a CLOCK_MONOTONIC condition or
 * clock_nanosleep(TIMER_ABSTIME)). */
struct timespec pv_clock_deadline_ns(uint64_t ns);

#endif
