/*
 * Counters never go negative on corrupt input (issue 16, item 3).
 * On private copies of fixture trees, while an EventSet runs:
 *  - /proc/stat's steal column of every CPU line jumps to 2^64-1: STEAL_NS
 *    keeps its value (the tick-to-ns product wrapped to -31 s before);
 *  - schedstat's run_delay jumps to 2^64-1: THREAD_RUN_DELAY_NS keeps its
 *    value (was -10757955);
 *  - a package's energy_uj jumps to 2^64-1, above max_energy_range_uj:
 *    PACKAGE_ENERGY_UJ keeps its value (was -123456789013);
 * then each source returns to a normal value above the old one, and the
 * counter moves on by exactly the new increase: the jump counted as a
 * reset, so only the increase after it is added.  Each component says so
 * once (PAPI's error channel is printed with PAPI_VERBOSE).
 * One child process per component (a component initialises once).
 */
#include "test_rapl_vm_lib.h"

#include <errno.h>
#include <stdint.h>

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("FAIL: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads ev after each of the given file contents; expects the values. */
static int scenario(const char *ev, const char *path, const char *const *texts, const long long *want, int n)
{
	long long v[1];
	int es = PAPI_NULL, i, rc = 0;

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return rv_fail("PAPI_library_init");
	if (PAPI_create_eventset(&es) != PAPI_OK || PAPI_add_named_event(es, ev) != PAPI_OK ||
	    PAPI_start(es) != PAPI_OK) {
		printf("FAIL: %s: cannot start\n", ev);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (put(path, texts[i]) < 0)
			return 1;
		if (PAPI_read(es, v) != PAPI_OK) {
			printf("FAIL: %s: read %d failed\n", ev, i);
			return 1;
		}
		printf("%s after step %d: %lld (expected %lld)\n", ev, i, v[0], want[i]);
		if (v[0] != want[i]) {
			printf("FAIL: %s = %lld after step %d, expected %lld\n", ev, v[0], i, want[i]);
			rc = 1;
		}
	}
	PAPI_stop(es, v);
	PAPI_shutdown();
	return rc;
}

#define STAT_TAIL "intr 0\nctxt 1\nbtime 1\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n"

static int steal_stat(void)
{
	/* USER_HZ is 100 on Linux x86: 1 tick = 10 ms. */
	static const char *const t[] = {
		"cpu  3411 0 4942 1633416 685 0 217 3099 0 0\ncpu0 1277 0 2169 817811 37 0 20 1498 0 0\n"
		"cpu1 2134 0 2773 815605 648 0 197 1601 0 0\n" STAT_TAIL,
		"cpu  3411 0 4942 1633416 685 0 217 18446744073709551615 0 0\n"
		"cpu0 1277 0 2169 817811 37 0 20 18446744073709551615 0 0\n"
		"cpu1 2134 0 2773 815605 648 0 197 18446744073709551615 0 0\n" STAT_TAIL,
		"cpu  3411 0 4942 1633416 685 0 217 3199 0 0\ncpu0 1277 0 2169 817811 37 0 20 1548 0 0\n"
		"cpu1 2134 0 2773 815605 648 0 197 1651 0 0\n" STAT_TAIL,
		"cpu  3411 0 4942 1633416 685 0 217 3299 0 0\ncpu0 1277 0 2169 817811 37 0 20 1598 0 0\n"
		"cpu1 2134 0 2773 815605 648 0 197 1701 0 0\n" STAT_TAIL,
	};
	/* step 2 re-bases (the value went back after the jump); step 3 adds 100 ticks */
	static const long long want[] = { 0, 0, 0, 1000000000 };
	char root[PATH_MAX], path[PATH_MAX + 16];

	if (rv_copy_proc("steal-basic", root, sizeof(root)) < 0)
		return rv_fail("fixture copy");
	snprintf(path, sizeof(path), "%s/stat", root);
	setenv("PAPI_VIRT_STEAL_CACHE_US", "0", 1);
	return scenario("steal:::STEAL_NS", path, t, want, 4);
}

static int steal_schedstat(void)
{
	static const char *const t[] = {
		"58138163 10757954 107\n",
		"58138163 18446744073709551615 108\n",
		"58138163 10757960 109\n",
		"58138163 10758960 110\n",
	};
	static const long long want[] = { 0, 0, 0, 1000 };
	char root[PATH_MAX], path[PATH_MAX + 32];

	if (rv_copy_proc("steal-basic", root, sizeof(root)) < 0)
		return rv_fail("fixture copy");
	snprintf(path, sizeof(path), "%s/thread-self/schedstat", root);
	return scenario("steal:::THREAD_RUN_DELAY_NS", path, t, want, 4);
}

static int rapl_energy(void)
{
	static const char *const t[] = {
		"123456789112\n",         /* +100 */
		"18446744073709551615\n", /* above max_energy_range_uj 262143328850 */
		"123456789200\n",         /* new base */
		"123456789250\n",         /* +50 */
	};
	static const long long want[] = { 100, 100, 100, 150 };
	char path[PATH_MAX + 64];
	int rc;

	if (rv_copy("rapl-intel-2pkg") < 0)
		return rv_fail("fixture copy");
	snprintf(path, sizeof(path), "%s/sys/class/powercap/intel-rapl:0/energy_uj", rv_tmp);
	rc = scenario("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0", path, t, want, 4);
	rv_drop();
	return rc;
}

static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		exit(fn()); /* atexit removes the copy */
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return rv_fail("fork");
	return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	int rc = 0;

	setenv("PAPI_VERBOSE", "1", 1);
	rc |= in_child(steal_stat);
	rc |= in_child(steal_schedstat);
	rc |= in_child(rapl_energy);
	if (rc == 0)
		printf("PASS: counters keep their value over a jump past the range and never go negative\n");
	return rc;
}
