/*
 * common_iolat: CPU cost of one I/O call, in whatever interposition the
 * environment gives (none, LD_PRELOAD of our libpapi, of the peer libpapi
 * with stock appio, or of our standalone preload library).
 *
 *   common_iolat OP THREADS ITERS BATCHES
 *     OP = read64   64-byte read() from /dev/zero
 *          pwrite4k 4 KiB pwrite() at offset 0 of an unlinked file in
 *                   $PVB_TMPDIR (default /dev/shm, a tmpfs)
 *          fwrite64 64-byte fwrite() to /dev/null (stdio buffering)
 *
 * Every thread has its own descriptor and runs ITERS calls per batch between
 * barriers; its cost per call is CLOCK_THREAD_CPUTIME_ID time / ITERS, so
 * running 8 threads on 2 cores measures contention (shared cache lines,
 * locks), not the oversubscription.  Prints "S <ns>" per thread and batch.
 * When a libpapi is loaded, PAPI_library_init runs first (stock appio reads
 * PAPI's timer).
 *
 * Built with -DPVB_STATIC_PAPI and linked with a static libpapi.a holding
 * stock appio, it measures stock appio the only way it works: PAPI 7 builds
 * libpapi.so with -fvisibility=hidden, so stock appio's read/write/fread/
 * fwrite wrappers are not exported from the shared library and intercept
 * nothing there; linked statically they replace the program's calls.
 */
#include <dlfcn.h>
#include <papi.h> /* PAPI_VER_CURRENT only: libpapi is found with dlsym */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>

#include "common_timing.h"

static const char *prog = "common_iolat";

enum op { OP_READ64, OP_PWRITE4K, OP_FWRITE64 };

struct worker {
	pthread_t th;
	enum op op;
	long iters, batches;
	double *ns;          /* per batch */
	int err;
};

static pthread_barrier_t barrier;

static int run_batch(struct worker *w, int fd, FILE *f, char *buf)
{
	for (long i = 0; i < w->iters; i++) {
		switch (w->op) {
		case OP_READ64:
			if (read(fd, buf, 64) != 64)
				return errno ? errno : EIO;
			break;
		case OP_PWRITE4K:
			if (pwrite(fd, buf, 4096, 0) != 4096)
				return errno ? errno : EIO;
			break;
		case OP_FWRITE64:
			if (fwrite(buf, 1, 64, f) != 64)
				return errno ? errno : EIO;
			break;
		}
	}
	return 0;
}

static int open_target(enum op op, int *ret_fd, FILE **ret_f)
{
	char path[4096];
	const char *dir = getenv("PVB_TMPDIR");

	*ret_fd = -1;
	*ret_f = NULL;
	switch (op) {
	case OP_READ64:
		*ret_fd = open("/dev/zero", O_RDONLY);
		break;
	case OP_PWRITE4K:
		snprintf(path, sizeof(path), "%s/pvb-iolat.XXXXXX", dir && *dir ? dir : "/dev/shm");
		*ret_fd = mkstemp(path);
		if (*ret_fd >= 0)
			unlink(path);
		break;
	case OP_FWRITE64:
		*ret_f = fopen("/dev/null", "w");
		return *ret_f ? 0 : errno;
	}
	return *ret_fd >= 0 ? 0 : errno;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char buf[4096];
	int fd;
	FILE *f;

	memset(buf, 'x', sizeof(buf));
	w->err = open_target(w->op, &fd, &f);
	for (long b = 0; b < w->batches; b++) {
		pthread_barrier_wait(&barrier);
		if (w->err)
			continue;
		double t0 = pvb_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		w->err = run_batch(w, fd, f, buf);
		double t1 = pvb_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		w->ns[b] = (t1 - t0) / (double)w->iters;
	}
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void init_papi_if_loaded(void)
{
#ifdef PVB_STATIC_PAPI
	int (*init)(int) = PAPI_library_init;
#else
	int (*init)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "PAPI_library_init");
#endif
	if (init) {
		int v = init(PAPI_VER_CURRENT); /* of the papi.h the library was built from */
		if (v < 0)
			fprintf(stderr, "%s: PAPI_library_init returned %d\n", prog, v);
	}
}

int main(int argc, char **argv)
{
	enum op op;

	if (argc != 5) {
		fprintf(stderr, "usage: %s read64|pwrite4k|fwrite64 THREADS ITERS BATCHES\n", prog);
		return 2;
	}
	if (strcmp(argv[1], "read64") == 0)
		op = OP_READ64;
	else if (strcmp(argv[1], "pwrite4k") == 0)
		op = OP_PWRITE4K;
	else if (strcmp(argv[1], "fwrite64") == 0)
		op = OP_FWRITE64;
	else {
		fprintf(stderr, "%s: unknown operation '%s'\n", prog, argv[1]);
		return 2;
	}
	long nthr = pvb_arg_long(prog, "THREADS", argv[2]);
	long iters = pvb_arg_long(prog, "ITERS", argv[3]);
	long batches = pvb_arg_long(prog, "BATCHES", argv[4]);
	if (nthr > 256) {
		fprintf(stderr, "%s: at most 256 threads\n", prog);
		return 2;
	}
	init_papi_if_loaded();
	struct worker *w = calloc((size_t)nthr, sizeof(*w));
	if (!w || pthread_barrier_init(&barrier, NULL, (unsigned)nthr) != 0)
		return 1;
	for (long t = 0; t < nthr; t++) {
		w[t] = (struct worker){ .op = op, .iters = iters, .batches = batches,
					.ns = calloc((size_t)batches, sizeof(double)) };
		if (!w[t].ns || pthread_create(&w[t].th, NULL, worker_main, &w[t]) != 0) {
			fprintf(stderr, "%s: cannot start thread %ld\n", prog, t);
			return 1;
		}
	}
	int rc = 0;
	for (long t = 0; t < nthr; t++) {
		pthread_join(w[t].th, NULL);
		if (w[t].err) {
			fprintf(stderr, "%s: %s in thread %ld: %s\n", prog, argv[1], t, strerror(w[t].err));
			rc = 1;
		}
	}
	if (rc)
		return rc;
	for (long t = 0; t < nthr; t++)
		for (long b = 0; b < batches; b++)
			pvb_sample(w[t].ns[b]);
	return 0;
}
