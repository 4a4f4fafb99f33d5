/*
 * appio's OPEN_FDS under descriptor reuse: threads open and close at once,
 * so a number one thread closes is at once another's new descriptor.  Each
 * counted open adds 1 and the close of that descriptor takes 1, whichever
 * thread runs first, so after every descriptor is closed OPEN_FDS:process is
 * exactly 0 and OPEN_CALLS and CLOSE_CALLS are each exactly the calls made
 * (independent count: the loop's own; close_range ends some descriptors
 * and is not a close call).  A close that looked up its
 * descriptor's "opened" mark after the real close could take the mark of
 * another thread's fresh open of the same number (found as a 1-in-15 flake
 * of test_appio_fortify under load).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "papi.h"

#define NTHREADS 6
#define ROUNDS 6
#define ITERS 20000

static long ranged; /* descriptors ended with close_range: not close calls */

static void *worker(void *arg)
{
	long k = (long)arg;
	for (int i = 0; i < ITERS; i++) {
		if (k % 3 == 2) { /* the stdio family shares the marks */
			FILE *f = fopen("/dev/null", "r");
			if (!f || fclose(f) != 0)
				return (void *)1;
			continue;
		}
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0)
			return (void *)1;
		if (k == 0 && i % 4 == 0) { /* close_range also frees a marked number */
			if (close_range((unsigned)fd, (unsigned)fd, 0) != 0)
				return (void *)1;
			__atomic_add_fetch(&ranged, 1, __ATOMIC_RELAXED);
		} else if (close(fd) != 0) {
			return (void *)1;
		}
	}
	return NULL;
}

int main(void)
{
	static const char *const names[] = {
		"appio:::OPEN_FDS:process", "appio:::OPEN_CALLS:process", "appio:::CLOSE_CALLS:process",
		"appio:::OPEN_ERR:process",
	};
	int es = PAPI_NULL;
	long long v[4];

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return fprintf(stderr, "FAIL: PAPI_library_init\n"), 1;
	int cidx = PAPI_get_component_index("appio");
	if (cidx < 0 || PAPI_get_component_info(cidx)->disabled)
		return fprintf(stderr, "FAIL: the appio component is missing or disabled\n"), 1;
	if (PAPI_create_eventset(&es) != PAPI_OK)
		return fprintf(stderr, "FAIL: PAPI_create_eventset\n"), 1;
	for (int i = 0; i < 4; i++)
		if (PAPI_add_named_event(es, names[i]) != PAPI_OK)
			return fprintf(stderr, "FAIL: cannot add %s\n", names[i]), 1;
	int bad = 0;
	for (int round = 0; round < ROUNDS; round++) {
		pthread_t t[NTHREADS];
		void *ret;
		int failed = 0;
		ranged = 0;
		if (PAPI_start(es) != PAPI_OK)
			return fprintf(stderr, "FAIL: PAPI_start\n"), 1;
		for (long k = 0; k < NTHREADS; k++)
			if (pthread_create(&t[k], NULL, worker, (void *)k) != 0)
				return fprintf(stderr, "FAIL: pthread_create\n"), 1;
		for (long k = 0; k < NTHREADS; k++) {
			pthread_join(t[k], &ret);
			failed += ret != NULL;
		}
		if (PAPI_stop(es, v) != PAPI_OK)
			return fprintf(stderr, "FAIL: PAPI_stop\n"), 1;
		long long calls = (long long)NTHREADS * ITERS, closes = calls - ranged;
		printf("round %d: OPEN_FDS %lld OPEN_CALLS %lld CLOSE_CALLS %lld OPEN_ERR %lld"
		       " (made %lld opens, %lld closes, %ld close_range)\n",
		       round, v[0], v[1], v[2], v[3], calls, closes, ranged);
		if (failed || v[0] != 0 || v[1] != calls || v[2] != closes || v[3] != 0)
			bad++;
	}
	if (bad)
		return fprintf(stderr, "FAIL: %d of %d rounds miscounted (OPEN_FDS must be 0)\n", bad, ROUNDS), 1;
	printf("PASS: %d rounds of %d threads x %d open/close: OPEN_FDS 0, calls exact\n", ROUNDS, NTHREADS,
	       ITERS);
	return 0;
}
