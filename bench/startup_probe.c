/*
 * startup_probe: what a PAPI user that never touches VM host events pays at
 * start-up (make bench-startup).  Linked WITHOUT a RUNPATH: the run picks
 * our libpapi or Debian's with LD_LIBRARY_PATH.
 *
 *   startup_probe init            PAPI_library_init + PAPI_shutdown
 *   startup_probe steal           + steal:::STEAL_NS added, started, stopped
 *   startup_probe vmpower EVENT   prints "first_add_ms X" and
 *                                 "first_add_cpu_ms Y": wall and process CPU
 *                                 time of the first PAPI_add_named_event of a
 *                                 vmpower event (activation: energy, counters,
 *                                 libvirt); CPU time tells the work from the
 *                                 waiting on a loaded machine
 * Every mode ends with "hwm_kib N": the process's peak RSS (VmHWM), read
 * here because a parent's rusage would also count its own pre-exec pages.
 * Exit 0, or 1 with the failing call on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "papi.h"

static double clock_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static int add_run(const char *ev, int start)
{
	int es = PAPI_NULL, rc;
	long long v;

	if (PAPI_create_eventset(&es) != PAPI_OK)
		return fprintf(stderr, "startup_probe: PAPI_create_eventset\n"), 1;
	double t0 = now_ms(), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	if ((rc = PAPI_add_named_event(es, ev)) != PAPI_OK)
		return fprintf(stderr, "startup_probe: %s: %s\n", ev, PAPI_strerror(rc)), 1;
	double t1 = now_ms(), c1 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	if (!start) {
		printf("first_add_ms %.2f\nfirst_add_cpu_ms %.2f\n", t1 - t0, c1 - c0);
		return 0;
	}
	if (PAPI_start(es) != PAPI_OK || PAPI_stop(es, &v) != PAPI_OK)
		return fprintf(stderr, "startup_probe: start/stop %s\n", ev), 1;
	PAPI_cleanup_eventset(es);
	PAPI_destroy_eventset(&es);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int rc = 0;

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return fprintf(stderr, "startup_probe: PAPI_library_init\n"), 1;
	if (strcmp(mode, "steal") == 0)
		rc = add_run("steal:::STEAL_NS", 1);
	else if (strcmp(mode, "vmpower") == 0 && argc > 2)
		rc = add_run(argv[2], 0);
	else if (strcmp(mode, "init") != 0)
		return fprintf(stderr, "usage: startup_probe init|steal|vmpower EVENT\n"), 2;
	PAPI_shutdown();
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			printf("hwm_kib %ld\n", strtol(line + 6, NULL, 10));
	if (f)
		fclose(f);
	return rc;
}
