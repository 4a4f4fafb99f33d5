/*
 * steal_sample: reads the guest-side inputs of steal_guest.
 *
 * /proc/stat is kept open and re-read with one pread.  Its values move at
 * most once per scheduler tick per CPU and are printed in USER_HZ ticks
 * (10 ms at USER_HZ 100), so a snapshot younger than the cache window
 * (PAPI_VIRT_STEAL_CACHE_US, default 1000 us, 0 disables) is reused by
 * PAPI_read: the answer can be at most that old, 1/10 of the printed
 * resolution.  PAPI_start, PAPI_stop and PAPI_reset always read fresh.
 *
 * The thread side measures the thread that opened the sampler (the one that
 * called PAPI_start): its CPU clock (pthread_getcpuclockid, valid from any
 * thread), its <procfs>/thread-self/schedstat opened at start, and its
 * current CPU (sched_getcpu, known only when the caller is that thread).
 */
#ifndef STEAL_SAMPLE_H
#define STEAL_SAMPLE_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "steal_guest.h"
#include "steal_procstat.h"

struct steal_sampler {
	struct pv_procstat_file file;
	struct steal_procstat snap;
	uint64_t snap_ns;   /* CLOCK_MONOTONIC of snap; 0 = none */
	uint64_t cache_ns;
	int sched_fd;
	clockid_t clk;
	pid_t tid;
	int want_sys, want_thread;
	unsigned cache_hits, reads;
};

/* Opens what is wanted; /proc/stat snapshots are reused for cache_ns
 * (struct pv_config's steal_cache_ns, PAPI_VIRT_STEAL_CACHE_US).  On failure
 * ret_what names the file ("stat", "thread-self/schedstat") that failed.
 * 0 or -errno. */
int steal_sampler_open(struct steal_sampler *s, int want_sys, int want_thread, uint64_t cache_ns,
		       const char **ret_what);
void steal_sampler_close(struct steal_sampler *s);

/* /proc/stat snapshot, from cache unless fresh or older than the window. */
int steal_sampler_sys(struct steal_sampler *s, int fresh, const struct steal_procstat **ret);

/* The measured thread's sample. */
int steal_sampler_thread(struct steal_sampler *s, struct steal_thread_sample *ret);

#endif
