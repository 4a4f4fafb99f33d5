/*
 * steal_readcost: cost of PAPI_read of one EventSet, in wall time AND in
 * the calling thread's CPU time.  On a loaded machine wall time includes
 * the time the benchmark itself waited for a CPU; CPU time is what a read
 * costs.  PAPI API only, no RUNPATH: LD_LIBRARY_PATH chooses the libpapi.
 *
 *   steal_readcost BATCHES READS EVENT...
 *
 * Prints "wall_ns <median per read>" and "cpu_ns <median per read>" (medians
 * over batches) and "nevents N".  Exit 1 on a PAPI error.
 */
#include <papi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int batches, reads, es = PAPI_NULL, rc;
	double *wall, *cpu;
	long long *vals;

	if (argc < 4 || (batches = atoi(argv[1])) < 1 || (reads = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: %s BATCHES READS EVENT...\n", argv[0]);
		return 2;
	}
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT) {
		fprintf(stderr, "PAPI_library_init failed\n");
		return 1;
	}
	PAPI_create_eventset(&es);
	for (int i = 3; i < argc; i++) {
		rc = PAPI_add_named_event(es, argv[i]);
		if (rc != PAPI_OK) {
			fprintf(stderr, "add %s: %s\n", argv[i], PAPI_strerror(rc));
			return 1;
		}
	}
	wall = calloc((size_t)batches, sizeof(*wall));
	cpu = calloc((size_t)batches, sizeof(*cpu));
	vals = calloc((size_t)argc, sizeof(*vals));
	if (!wall || !cpu || !vals || PAPI_start(es) != PAPI_OK) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	for (int i = 0; i < 20; i++)
		PAPI_read(es, vals);
	for (int b = 0; b < batches; b++) {
		double w0 = ns(CLOCK_MONOTONIC), c0 = ns(CLOCK_THREAD_CPUTIME_ID);

		for (int i = 0; i < reads; i++) {
			if (PAPI_read(es, vals) != PAPI_OK) {
				fprintf(stderr, "PAPI_read failed\n");
				return 1;
			}
		}
		cpu[b] = (ns(CLOCK_THREAD_CPUTIME_ID) - c0) / reads;
		wall[b] = (ns(CLOCK_MONOTONIC) - w0) / reads;
	}
	PAPI_stop(es, vals);
	printf("wall_ns %.1f\ncpu_ns %.1f\nnevents %d\n", median(wall, batches), median(cpu, batches), argc - 3);
	return 0;
}
