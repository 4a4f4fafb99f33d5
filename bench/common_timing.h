/*
 * Timing helpers shared by the bench programs (header only, PAPI-free).
 *
 * Method: time batches of many calls with CLOCK_MONOTONIC (or a thread's CPU
 * clock), never single calls; keep every batch; print one sample line per
 * batch.  bench/run-bench.sh collects the samples of interleaved runs and
 * bench/report.sh computes median and interquartile range over them, so
 * outliers from a shared machine widen the spread instead of moving the
 * median.
 *
 * Sample line protocol (stdout):   S <value>
 * Other result lines:              K <key> <value>    (one-off values, e.g. RSS)
 * Anything else on stdout is ignored by the collector; errors go to stderr.
 */
#ifndef BENCH_COMMON_TIMING_H
#define BENCH_COMMON_TIMING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double pvb_clock_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline double pvb_now_ns(void)
{
	return pvb_clock_ns(CLOCK_MONOTONIC);
}

static inline void pvb_sample(double v)
{
	printf("S %.3f\n", v);
}

static inline void pvb_kv(const char *key, double v)
{
	printf("K %s %.3f\n", key, v);
}

static int pvb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Quantile q in [0,1] of v[0..n-1] (sorted in place), linear interpolation. */
static inline double pvb_quantile(double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), pvb_cmp_double);
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

/* Resident set size of this process in KiB (VmRSS), -1 when unreadable. */
static inline long pvb_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

/*
 * Markers visible to `strace -f -e trace=write` (write(2) to fd -1 fails
 * with EBADF and does nothing else): run-bench.sh counts the syscalls a
 * thread makes between PVB_BEGIN and PVB_END, e.g. to prove that no libvirt
 * RPC happens on a read path.  Only when PVB_MARKERS=1.
 */
static inline void pvb_marker(const char *what)
{
	static int on = -1;
	if (on < 0) {
		const char *e = getenv("PVB_MARKERS");
		on = e && strcmp(e, "1") == 0;
	}
	if (on) {
		ssize_t r = write(-1, what, strlen(what));
		(void)r;
	}
}

/* Strict positive integer option value; exits the bench program on error. */
static inline long pvb_arg_long(const char *prog, const char *what, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v <= 0) {
		fprintf(stderr, "%s: %s must be a positive integer, got '%s'\n", prog, what, s);
		exit(2);
	}
	return v;
}

#endif
