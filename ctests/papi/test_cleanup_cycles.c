/*
 * Heap growth over many EventSet rebuilds (issue 16, item 2).
 * PAPI_cleanup_eventset calls the component's update_control_state with
 * count 0 and then frees the control state itself: anything allocated by
 * that call leaked (96 bytes per cycle in steal, 256 in rapl_vm).
 * papi_vmpower rebuilds EventSets whenever the set of VMs changes.
 *
 * For each component's event: add / start / read / stop / cleanup, 300
 * warm-up cycles, then CYCLES more; the allocated heap (mallinfo2's
 * uordblks, glibc's own count, independent of PAPI) may grow by at most
 * SLACK bytes over those cycles: a leak of 16 bytes per cycle would exceed
 * it, the old leak did so by 30 times.
 */
#include "test_rapl_vm_lib.h"

#include <malloc.h>

#define WARMUP 300
#define CYCLES 4000
#define SLACK (16 * CYCLES)

static int cycle(int es, const char *name)
{
	long long v[1];

	if (PAPI_add_named_event(es, name) != PAPI_OK || PAPI_start(es) != PAPI_OK || PAPI_read(es, v) != PAPI_OK ||
	    PAPI_stop(es, v) != PAPI_OK || PAPI_cleanup_eventset(es) != PAPI_OK)
		return -1;
	return 0;
}

static int growth(const char *name)
{
	int es = PAPI_NULL, i;
	size_t before, after;

	if (PAPI_create_eventset(&es) != PAPI_OK)
		return rv_fail("PAPI_create_eventset");
	for (i = 0; i < WARMUP; i++)
		if (cycle(es, name) < 0) {
			printf("FAIL: %s: a cycle failed (%s)\n", name, PAPI_strerror(PAPI_EINVAL));
			return 1;
		}
	before = mallinfo2().uordblks;
	for (i = 0; i < CYCLES; i++)
		if (cycle(es, name) < 0) {
			printf("FAIL: %s: cycle %d failed\n", name, i);
			return 1;
		}
	after = mallinfo2().uordblks;
	PAPI_destroy_eventset(&es);
	printf("%s: heap %zu -> %zu bytes over %d cycles (%.1f bytes/cycle; limit %d in total)\n", name, before,
	       after, CYCLES, ((double)after - (double)before) / CYCLES, SLACK);
	if (after > before + SLACK) {
		printf("FAIL: %s: the heap grew by %zu bytes over %d add/cleanup cycles\n", name, after - before,
		       CYCLES);
		return 1;
	}
	return 0;
}

int main(void)
{
	static const char *const events[] = {
		"steal:::THREAD_RUN_DELAY_NS",
		"steal:::STEAL_NS",
		"rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0",
		"appio:::READ_CALLS",
	};
	int rc = 0;
	size_t i;

	if (rv_copy("rapl-intel-2pkg") < 0)
		return rv_fail("fixture copy");
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT) {
		rv_drop();
		return rv_fail("PAPI_library_init");
	}
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		rc |= growth(events[i]);
	PAPI_shutdown();
	rv_drop();
	if (rc == 0)
		printf("PASS: no heap growth over EventSet rebuilds\n");
	return rc;
}
