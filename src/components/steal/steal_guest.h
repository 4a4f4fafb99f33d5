/*
 * steal_guest: guest-side steal accounting since PAPI_start, PAPI-free and
 * I/O-free (steal_sample.h reads the inputs), so tests feed it fixtures.
 *
 * System: steal of all CPUs (the "cpu " line) and of each CPU by number,
 * each a steal_acc (never negative; an offline CPU's value freezes).
 *
 * Thread: CPU time and run-queue delay of the measured thread, and an
 * estimate of the steal it suffered:
 *
 *   THREAD_STEAL = sum over CPUs c of  S_c * min(1, T_c / W_c)
 *
 *   S_c  steal accrued on CPU c since start (ns, from /proc/stat ticks)
 *   T_c  thread CPU time attributed to c since start: the CPU time between
 *        two samples goes to the CPU the thread was on at both, or half to
 *        each when it moved
 *   W_c  time CPU c wanted to run since start: busy (user, nice, system,
 *        irq, softirq) plus, when task time includes steal, S_c itself, so
 *        that T_c and W_c measure the same thing
 *
 * i.e. the steal of each CPU the thread ran on, weighted by the thread's
 * share of that CPU's busy time.  Recomputed from the sums at every sample
 * and kept monotonic (max with the previous value).
 *
 * Exact intervals: when the kernel excludes steal from task time and does
 * not also remove IRQ time (exact_ok), a thread that made no voluntary
 * context switch between two samples was runnable the whole interval, so
 * the time it neither ran nor queued is exactly the steal it suffered:
 *   wall - CPU time - run delay   (ns precision)
 * Such intervals add that amount directly and are left out of T_c.
 *
 * VIRT_NS_COMPENSATED = VIRT_NS when the kernel already excludes steal from
 * task time, else max(previous, VIRT_NS - THREAD_STEAL) (THREAD_STEAL is
 * then <= VIRT_NS by construction, since W_c includes S_c).
 */
#ifndef STEAL_GUEST_H
#define STEAL_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "steal_acc.h"
#include "steal_procstat.h"

struct steal_thread_sample {
	uint64_t cpu_ns;   /* thread CPU time (CLOCK_THREAD_CPUTIME_ID) */
	uint64_t delay_ns; /* run-queue wait (schedstat field 2) */
	int cpu;           /* CPU it is on now, -1 if unknown */
	uint64_t wall_ns;  /* CLOCK_MONOTONIC */
	uint64_t nvcsw;    /* voluntary context switches (getrusage RUSAGE_THREAD) */
	int has_nvcsw;     /* nvcsw known (the caller is the measured thread) */
};

struct steal_guest {
	uint64_t hz;                 /* USER_HZ of /proc/stat */
	int excluded;                /* kernel excludes steal from task time */
	int exact_ok;                /* exact intervals allowed (see above) */
	uint64_t exact_ns;           /* steal from exact intervals */
	unsigned exact_intervals, est_intervals;
	struct steal_acc total;      /* ticks */
	size_t ncpu;                 /* entries in the per-CPU arrays */
	struct steal_acc *cpu_steal; /* ticks, by CPU number */
	struct steal_acc *cpu_work;  /* ticks: busy (+ steal when not excluded) */
	uint64_t *on_cpu_ns;         /* T_c */
	int have_sys, have_thread;
	struct steal_thread_sample prev;
	uint64_t virt_ns, delay_ns, steal_est_ns, comp_ns;
	unsigned jumps;              /* thread intervals past the range, skipped */
};

void steal_guest_init(struct steal_guest *g, uint64_t hz, int excluded, int exact_ok);
void steal_guest_free(struct steal_guest *g);

/* Starts a measurement; ps and/or ts may be NULL when not measured.
 * 0 or -ENOMEM. */
int steal_guest_start(struct steal_guest *g, const struct steal_procstat *ps,
		      const struct steal_thread_sample *ts);

/* Counter values that jumped past the range (taken as resets, see
 * steal_acc.h) since steal_guest_start. */
unsigned steal_guest_jumps(const struct steal_guest *g);

/* A new sample; NULL for a source not read this time. */
int steal_guest_update(struct steal_guest *g, const struct steal_procstat *ps,
		       const struct steal_thread_sample *ts);

/* Values since start, ns. */
uint64_t steal_guest_total_ns(const struct steal_guest *g);
uint64_t steal_guest_cpu_ns(const struct steal_guest *g, int cpu);
static inline uint64_t steal_guest_virt_ns(const struct steal_guest *g) { return g->virt_ns; }
static inline uint64_t steal_guest_delay_ns(const struct steal_guest *g) { return g->delay_ns; }
static inline uint64_t steal_guest_thread_steal_ns(const struct steal_guest *g) { return g->steal_est_ns; }
static inline uint64_t steal_guest_comp_ns(const struct steal_guest *g) { return g->comp_ns; }

#endif
