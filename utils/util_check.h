/*
 * util_check: papi_vmcheck's comparisons, PAPI-free.  Each pair of CPU-time
 * sources has an expected relation (equal, or a <= b), an allowance derived
 * from how the sources count (clock-tick granularity, the instants at which
 * they were read) and an explanation of the known reasons they differ.
 *
 *   allowed = max(tolerance% * max(a, b), skew + granularity)
 *   skew        = the time between the two sources' reads (from the start
 *                 of the first to the end of the second, summed over both
 *                 ends of the window) * the CPU the measured threads can use in that
 *                 time (min(threads, host CPUs))
 *   granularity = 2 clock ticks for tick-counted sources (per vCPU for
 *                 vcpu.N.time)
 * A tolerance of 0 turns the allowance off: every pair must match exactly.
 */
#ifndef UTIL_CHECK_H
#define UTIL_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "util_cpusrc.h"

enum util_verdict_state {
	UTIL_V_AGREE = 0,   /* within tolerance% */
	UTIL_V_ALLOWED,     /* beyond tolerance%, within the explained allowance */
	UTIL_V_EXCUSED,     /* differs for a reason seen in this window (threads exited) */
	UTIL_V_DISAGREE,
	UTIL_V_NA,          /* a source is missing */
};

struct util_window {
	const struct util_cpuvals *v0, *v1;
	double tol_pct;
	unsigned ncpus;        /* online host CPUs */
	uint64_t tick_ns;      /* clock tick (1e9 / USER_HZ) */
	size_t nvcpus, nthreads;
	int threads_changed;   /* threads vanished or appeared during the window */
};

struct util_verdict {
	enum util_srcid a, b;
	const char *relation;  /* "=" or "<=" */
	enum util_verdict_state state;
	double a_ns, b_ns;     /* deltas over the window */
	double diff_pct;       /* (a - b) / max(a, b) * 100 */
	double allowed_ns;
	const char *why;       /* known reasons the pair differs */
	char note[256];        /* what was seen in this window */
};

#define UTIL_CHECK_MAX_PAIRS 16

/* Fills out[] (at most UTIL_CHECK_MAX_PAIRS) and returns the count. */
size_t util_check_pairs(const struct util_window *w, struct util_verdict *out);

const char *util_verdict_name(enum util_verdict_state s);

/* The delta of source s over the window, -1 when unknown. */
double util_check_delta(const struct util_window *w, enum util_srcid s);

#endif
