/*
 * PAPI_shutdown under stress: every papi-virt component must tear down once
 * and never under a reader, whoever calls PAPI_shutdown and when.  Each run
 * is a fresh child process (PAPI reads its configuration once per process)
 * on fixture trees: steal (steal-basic procfs), rapl_vm (rapl-intel-2pkg
 * sysfs), appio, and vmpower on libvirt's test driver with the fixture's
 * RAPL zones.  Scenarios:
 *   concurrent  8 threads read one EventSet per component, then all call
 *               PAPI_shutdown at the same moment (a barrier)
 *   atexit      8 threads with running EventSets keep doing I/O (counted
 *               by appio's interposer) while main exits: PAPI_shutdown runs
 *               from an atexit handler under them.  They leave PAPI_read
 *               first: PAPI's core does not support PAPI_read during
 *               PAPI_shutdown (it frees its EventSet map; Debian's libpapi
 *               crashes in _papi_hwi_lookup_EventSet the same way), so that
 *               part is covered below PAPI, by ctests/unit/test_pv_life.c
 *   fork        8 threads keep reading while main forks; the child reads and
 *               shuts down, then the parent's 9 threads shut down together
 * A run fails on a crash (signal), a hang (no exit within PV_STRESS_LIMIT
 * seconds, default 20), or a wrong count: appio:::READ_CALLS of a thread
 * must equal the read(2) calls it made, exactly.
 *
 * usage: test_shutdown_stress [SCENARIO RUNS]...   (default: concurrent 200
 *        atexit 50 fork 50).  PV_STRESS_COMPONENTS (default "steal appio
 *        rapl_vm vmpower") selects the components.  Fails, never skips, when
 *        a component is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"

#define NTHREADS 8
#define NREADS 20
#define MAXCOMP 4

static const struct {
	const char *comp, *event;
} known[MAXCOMP] = {
	/* Opened in this order.  appio last: vmpower's first use activates
	 * it (libvirt connects from the calling thread), and libvirt's own
	 * I/O would count as the thread's under a running appio set. */
	{ "vmpower", "vmpower:::HOST_ENERGY_UJ" },
	{ "steal", "steal:::STEAL_NS" },
	{ "rapl_vm", "rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0" },
	{ "appio", "appio:::READ_CALLS" },
};

static const char *events[MAXCOMP];
static int nevents;
static pthread_barrier_t barrier;
static volatile int stop_reading; /* fork: the parent's shutdown is next */
static volatile int exiting;      /* atexit: PAPI_shutdown is next */
static int out_of_papi;           /* atexit: readers that left PAPI_read */
static int devzero = -1;

#define DIE(...) do { fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); _exit(3); } while (0)

struct sets {
	int es[MAXCOMP];
	long long reads; /* read(2) calls made while counting */
};

static void sets_open(struct sets *s)
{
	int rc;

	s->reads = 0;
	for (int i = 0; i < nevents; i++) {
		s->es[i] = PAPI_NULL;
		if ((rc = PAPI_create_eventset(&s->es[i])) != PAPI_OK)
			DIE("PAPI_create_eventset: %s", PAPI_strerror(rc));
		if ((rc = PAPI_add_named_event(s->es[i], events[i])) != PAPI_OK)
			DIE("PAPI_add_named_event(%s): %s", events[i], PAPI_strerror(rc));
		if ((rc = PAPI_start(s->es[i])) != PAPI_OK)
			DIE("PAPI_start(%s): %s", events[i], PAPI_strerror(rc));
	}
}

/* One read of every set, with one read(2) for appio to count.  Returns
 * the first PAPI error (the sets are gone after a PAPI_shutdown). */
static int sets_read(struct sets *s, int check)
{
	char buf[64];
	long long v;
	int rc;

	if (read(devzero, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		DIE("read /dev/zero: %s", strerror(errno));
	s->reads++;
	for (int i = 0; i < nevents; i++) {
		if ((rc = PAPI_read(s->es[i], &v)) != PAPI_OK)
			return rc;
		if (v < 0)
			DIE("%s read %lld (negative)", events[i], v);
		if (check && strcmp(events[i], "appio:::READ_CALLS") == 0 && v != s->reads)
			DIE("appio:::READ_CALLS %lld, the thread made %lld read(2) calls", v, s->reads);
	}
	return PAPI_OK;
}

static void init_papi(void)
{
	int rc = PAPI_library_init(PAPI_VER_CURRENT);

	if (rc != PAPI_VER_CURRENT)
		DIE("PAPI_library_init: %d", rc);
	if ((rc = PAPI_thread_init((unsigned long (*)(void))pthread_self)) != PAPI_OK)
		DIE("PAPI_thread_init: %s", PAPI_strerror(rc));
}

/* ---- concurrent --------------------------------------------------------- */

static void *concurrent_thread(void *arg)
{
	struct sets s;

	(void)arg;
	if (PAPI_register_thread() != PAPI_OK)
		DIE("PAPI_register_thread failed");
	sets_open(&s);
	for (int k = 0; k < NREADS; k++)
		if (sets_read(&s, 1) != PAPI_OK)
			DIE("PAPI_read failed before any shutdown");
	pthread_barrier_wait(&barrier);
	PAPI_shutdown();
	return NULL;
}

static void run_concurrent(void)
{
	pthread_t t[NTHREADS];

	init_papi();
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, concurrent_thread, NULL))
			DIE("pthread_create failed");
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	if (PAPI_is_initialized() != PAPI_NOT_INITED)
		DIE("PAPI still initialised after 8 PAPI_shutdown calls");
}

/* ---- readers that go on until PAPI says the sets are gone ---------------- */

static void *reader_thread(void *arg)
{
	struct sets s;

	(void)arg;
	if (PAPI_register_thread() != PAPI_OK)
		DIE("PAPI_register_thread failed");
	sets_open(&s);
	if (sets_read(&s, 1) != PAPI_OK)
		DIE("PAPI_read failed before any shutdown");
	pthread_barrier_wait(&barrier);
	/* Counts are checked only before the shutdown starts; a read may
	 * fail only once PAPI_shutdown has begun. */
	while (!stop_reading) {
		char buf[64];

		if (exiting) {
			/* Out of PAPI for good; I/O goes on under the shutdown. */
			__atomic_add_fetch(&out_of_papi, 1, __ATOMIC_SEQ_CST);
			for (;;)
				if (read(devzero, buf, sizeof(buf)) < 0)
					DIE("read /dev/zero: %s", strerror(errno));
		}
		if (sets_read(&s, 0) != PAPI_OK)
			DIE("PAPI_read failed before any shutdown");
	}
	pthread_barrier_wait(&barrier);
	PAPI_shutdown();
	return NULL;
}

static void start_readers(pthread_t *t)
{
	init_papi();
	pthread_barrier_init(&barrier, NULL, NTHREADS + 1);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, reader_thread, NULL))
			DIE("pthread_create failed");
	pthread_barrier_wait(&barrier); /* every thread has read once */
}

static void shutdown_at_exit(void)
{
	exiting = 1;
	while (__atomic_load_n(&out_of_papi, __ATOMIC_SEQ_CST) < NTHREADS)
		usleep(100);
	PAPI_shutdown();
}

static void run_atexit(void)
{
	pthread_t t[NTHREADS];

	start_readers(t);
	atexit(shutdown_at_exit);
	exit(0); /* the readers are still reading */
}

static void run_fork(void)
{
	pthread_t t[NTHREADS];
	struct sets s;
	int status;
	pid_t pid;

	start_readers(t);
	sets_open(&s);
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (pid == 0) {
		/* Only this thread exists here: its sets go on counting. */
		for (int k = 0; k < NREADS; k++)
			if (sets_read(&s, 1) != PAPI_OK)
				DIE("child: PAPI_read failed");
		PAPI_shutdown();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		DIE("forked child failed (status 0x%x)", status);
	stop_reading = 1;
	pthread_barrier_wait(&barrier);
	PAPI_shutdown();
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
}

/* ---- driver --------------------------------------------------------------- */

static void pick_components(void)
{
	const char *want = getenv("PV_STRESS_COMPONENTS");
	char list[256], *save = NULL;

	snprintf(list, sizeof(list), "%s", want && *want ? want : "steal appio rapl_vm vmpower");
	for (char *w = strtok_r(list, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		int found = 0;

		for (int i = 0; i < MAXCOMP; i++)
			found |= strcmp(known[i].comp, w) == 0;
		if (!found) {
			fprintf(stderr, "PV_STRESS_COMPONENTS: unknown component '%s'\n", w);
			exit(2);
		}
	}
	for (int i = 0; i < MAXCOMP; i++)
		if (strstr(want && *want ? want : "steal appio rapl_vm vmpower", known[i].comp))
			events[nevents++] = known[i].event;
}

static void setup_env(void)
{
	const char *fx = getenv("PV_FIXTURES");
	char p[1024], st[] = "/tmp/pv-stress-XXXXXX";

	fx = fx ? fx : "ctests/fixtures";
	snprintf(p, sizeof(p), "%s/steal-basic/proc", fx);
	setenv("PAPI_VIRT_PROCFS", p, 1);
	snprintf(p, sizeof(p), "%s/rapl-intel-2pkg/sys", fx);
	setenv("PAPI_VIRT_SYSFS", p, 1);
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	if (!mkdtemp(st)) {
		perror("mkdtemp");
		exit(2);
	}
	setenv("PAPI_VIRT_STATE_DIR", st, 1);
}

/* One run in a child: 0 passed, else a sentence in why. */
static int one_run(void (*fn)(void), int limit, char *why, size_t len)
{
	struct timespec t0, t;
	int status;
	pid_t pid = fork(), w;

	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0); /* a hung run is killed with its own children */
		alarm((unsigned)limit + 5); /* a last resort if the parent is gone */
		fn();
		_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= limit) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(why, len, "hang: no exit within %d s", limit);
			return -1;
		}
		usleep(2000);
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, len, "crash: signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(why, len, "exit status %d", WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
		int runs;
	} scen[] = { { "concurrent", run_concurrent, 200 }, { "atexit", run_atexit, 50 }, { "fork", run_fork, 50 } };
	const char *lim = getenv("PV_STRESS_LIMIT");
	int limit = lim ? atoi(lim) : 20, bad = 0;
	char why[256];

	setvbuf(stdout, NULL, _IONBF, 0);
	pick_components();
	setup_env();
	devzero = open("/dev/zero", O_RDONLY);
	if (devzero < 0) {
		perror("/dev/zero");
		return 2;
	}
	printf("components:");
	for (int i = 0; i < nevents; i++)
		printf(" %s", events[i]);
	printf("\n");
	for (size_t k = 0; k < sizeof(scen) / sizeof(scen[0]); k++) {
		int runs = scen[k].runs, failed = 0, a;
		struct timespec t0, t1;

		for (a = 1; a + 1 < argc; a += 2)
			if (strcmp(argv[a], scen[k].name) == 0)
				break;
		if (argc > 1)
			runs = a + 1 < argc ? atoi(argv[a + 1]) : 0;
		if (runs <= 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int r = 1; r <= runs; r++) {
			if (one_run(scen[k].fn, limit, why, sizeof(why)) < 0) {
				printf("%s run %d: %s\n", scen[k].name, r, why);
				failed++;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%-10s %d of %d runs passed (%.1f s)\n", scen[k].name, runs - failed, runs,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		bad += failed;
	}
	rmdir(getenv("PAPI_VIRT_STATE_DIR")); /* no control was changed: empty */
	return bad ? 1 : 0;
}
