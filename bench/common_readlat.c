/*
 * common_readlat: PAPI_read latency of one EventSet, through the PAPI API
 * only, so the same binary measures our libpapi and the peer libpapi (stock
 * components): run-bench.sh runs it with LD_LIBRARY_PATH pointing at either.
 *
 *   common_readlat [-b BATCHES] [-n READS] [-w WARMUP] [-s SECONDS] EVENT...
 *
 * All EVENTs go into one EventSet (so they must belong to one component).
 * Output (see common_timing.h): "S <ns per PAPI_read>" per batch of READS
 * reads; "K rss_init_kib", "K rss_kib" (VmRSS after PAPI_library_init and
 * after the measurement), "K nevents"; "L <path of the libpapi in use>".
 * Batches stop early after SECONDS (at least 3 are kept).  Exit 1 when an
 * event cannot be added or PAPI fails, with the reason on stderr.
 */
#include <dlfcn.h>
#include <papi.h>

#include "common_timing.h"

static const char *prog = "common_readlat";

static int fail(const char *what, const char *arg, int rc)
{
	fprintf(stderr, "%s: %s%s%s: %s\n", prog, what, arg ? " " : "", arg ? arg : "", PAPI_strerror(rc));
	return 1;
}

int main(int argc, char **argv)
{
	long batches = 30, reads = 200, warmup = 20, seconds = 30;
	int opt, es = PAPI_NULL, rc;

	while ((opt = getopt(argc, argv, "b:n:w:s:")) != -1) {
		switch (opt) {
		case 'b': batches = pvb_arg_long(prog, "-b", optarg); break;
		case 'n': reads = pvb_arg_long(prog, "-n", optarg); break;
		case 'w': warmup = pvb_arg_long(prog, "-w", optarg); break;
		case 's': seconds = pvb_arg_long(prog, "-s", optarg); break;
		default:
			fprintf(stderr, "usage: %s [-b BATCHES] [-n READS] [-w WARMUP] [-s SECONDS] EVENT...\n", prog);
			return 2;
		}
	}
	int nev = argc - optind;
	if (nev <= 0) {
		fprintf(stderr, "%s: no event given\n", prog);
		return 2;
	}
	rc = PAPI_library_init(PAPI_VER_CURRENT);
	if (rc != PAPI_VER_CURRENT)
		return fail("PAPI_library_init", NULL, rc < 0 ? rc : PAPI_EINVAL);
	Dl_info dli;
	if (dladdr((void *)PAPI_read, &dli) && dli.dli_fname)
		printf("L %s\n", dli.dli_fname);
	pvb_kv("rss_init_kib", (double)pvb_rss_kib());
	if ((rc = PAPI_create_eventset(&es)) != PAPI_OK)
		return fail("PAPI_create_eventset", NULL, rc);
	for (int i = 0; i < nev; i++)
		if ((rc = PAPI_add_named_event(es, argv[optind + i])) != PAPI_OK)
			return fail("cannot add event", argv[optind + i], rc);
	long long *vals = calloc((size_t)nev, sizeof(*vals));
	if (!vals)
		return 1;
	if ((rc = PAPI_start(es)) != PAPI_OK)
		return fail("PAPI_start", NULL, rc);
	for (long i = 0; i < warmup; i++)
		if ((rc = PAPI_read(es, vals)) != PAPI_OK)
			return fail("PAPI_read", NULL, rc);

	double deadline = pvb_now_ns() + (double)seconds * 1e9;
	pvb_marker("PVB_BEGIN");
	for (long b = 0; b < batches; b++) {
		double t0 = pvb_now_ns();
		for (long i = 0; i < reads; i++)
			if ((rc = PAPI_read(es, vals)) != PAPI_OK)
				return fail("PAPI_read", NULL, rc);
		double t1 = pvb_now_ns();
		pvb_sample((t1 - t0) / (double)reads);
		if (b >= 2 && t1 > deadline)
			break;
	}
	pvb_marker("PVB_END");
	pvb_kv("rss_kib", (double)pvb_rss_kib());
	pvb_kv("nevents", nev);
	PAPI_stop(es, vals);
	PAPI_cleanup_eventset(es);
	PAPI_destroy_eventset(&es);
	free(vals);
	PAPI_shutdown();
	return 0;
}
