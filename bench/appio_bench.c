/*
 * appio_bench: ns per 64-byte read() from /dev/zero and per 64-byte fwrite()
 * (to /dev/null, default buffering), in whatever interposition the
 * environment gives (appio_bench.sh runs it with none, with our preload
 * library, with our libpapi and with a peer libpapi holding stock appio).
 *
 *   appio_bench [ITERATIONS] [REPEATS]
 *   prints "read_ns=X fwrite_ns=Y libc_read_ns=X0 libc_fwrite_ns=Y0"
 *
 * read_ns/fwrite_ns go through the normal (interposable) symbols; the libc_
 * figures call glibc's own read and fwrite directly (looked up in libc.so.6),
 * bypassing any interposer, in batches alternating with the others, so that
 * the in-process ratio is robust to load on a shared machine.  Each figure
 * is the minimum over REPEATS batches of ITERATIONS calls.  When a libpapi
 * is preloaded, PAPI_library_init is called first (stock appio reads PAPI's
 * timer, which needs it).  With APPIO_BENCH_EVENT=<event> an EventSet
 * holding that event runs during the loops (our appio counts only while an
 * appio EventSet runs: without it the wrappers are inactive).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int init_papi_if_loaded(void)
{
	int (*init)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "PAPI_library_init");
	int (*create)(int *) = (int (*)(int *))dlsym(RTLD_DEFAULT, "PAPI_create_eventset");
	int (*add)(int, const char *) = (int (*)(int, const char *))dlsym(RTLD_DEFAULT, "PAPI_add_named_event");
	int (*start)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "PAPI_start");
	const char *ev = getenv("APPIO_BENCH_EVENT");
	int es = -1; /* PAPI_NULL */

	if (!init)
		return ev && *ev ? -1 : 0;
	int v = init(0x07000000); /* PAPI_VER_CURRENT of PAPI 7.0 */
	if (v < 0)
		fprintf(stderr, "appio_bench: PAPI_library_init returned %d\n", v);
	if (!ev || !*ev)
		return 0;
	if (!create || !add || !start || create(&es) != 0 || add(es, ev) != 0 || start(es) != 0) {
		fprintf(stderr, "appio_bench: cannot start an EventSet with %s\n", ev);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	int reps = argc > 2 ? atoi(argv[2]) : 5;
	char buf[64] = { 0 };
	double best_r = 1e30, best_w = 1e30;

	if (iters <= 0 || reps <= 0) {
		fprintf(stderr, "usage: appio_bench [ITERATIONS>0] [REPEATS>0]\n");
		return 2;
	}
	if (init_papi_if_loaded() < 0)
		return 1;
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	ssize_t (*libc_read)(int, void *, size_t) = libc ? (ssize_t(*)(int, void *, size_t))dlsym(libc, "read") : NULL;
	size_t (*libc_fwrite)(const void *, size_t, size_t, FILE *) =
		libc ? (size_t(*)(const void *, size_t, size_t, FILE *))dlsym(libc, "fwrite") : NULL;
	if (!libc_read || !libc_fwrite) {
		fprintf(stderr, "appio_bench: cannot find glibc's read/fwrite: %s\n", dlerror());
		return 1;
	}
	double best_lr = 1e30, best_lw = 1e30;
	int fd = open("/dev/zero", O_RDONLY);
	FILE *out = fopen("/dev/null", "w");
	if (fd < 0 || !out) {
		perror("appio_bench: /dev/zero or /dev/null");
		return 1;
	}
	for (int r = 0; r < reps; r++) {
		double t0 = now_ns();
		for (long i = 0; i < iters; i++)
			if (read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				return 1;
		double t1 = now_ns();
		for (long i = 0; i < iters; i++)
			if (fwrite(buf, 1, sizeof(buf), out) != sizeof(buf))
				return 1;
		double t2 = now_ns();
		for (long i = 0; i < iters; i++)
			if (libc_read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				return 1;
		double t3 = now_ns();
		for (long i = 0; i < iters; i++)
			if (libc_fwrite(buf, 1, sizeof(buf), out) != sizeof(buf))
				return 1;
		double t4 = now_ns();
		if ((t3 - t2) / iters < best_lr)
			best_lr = (t3 - t2) / iters;
		if ((t4 - t3) / iters < best_lw)
			best_lw = (t4 - t3) / iters;
		if ((t1 - t0) / iters < best_r)
			best_r = (t1 - t0) / iters;
		if ((t2 - t1) / iters < best_w)
			best_w = (t2 - t1) / iters;
	}
	printf("read_ns=%.1f fwrite_ns=%.1f libc_read_ns=%.1f libc_fwrite_ns=%.1f\n", best_r, best_w, best_lr,
	       best_lw);
	fclose(out);
	close(fd);
	return 0;
}
