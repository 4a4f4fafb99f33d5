/*
 * steal component, host side, through the PAPI API.
 *
 * Without arguments (the PAPI test run; no libvirt daemon needed): host event
 * names fail cleanly with PAPI_ENOEVNT when the daemon is unreachable, and
 * an all-VMs event fails at PAPI_start instead of hanging.
 *
 * Tool modes used by ctests/vmlab/test_steal_*.sh:
 *   measure SECONDS HOOK EVENT...
 *       PAPI_start; read r0; sh -c "HOOK start"; read r1; sleep;
 *       read r2; sh -c "HOOK end"; read r3; PAPI_stop.  Prints "rK i value"
 *       lines and "wall_ns W" (start to stop).  Fails on a value that
 *       decreases between reads.
 *   poll SECONDS PERIOD_MS EVENT...
 *       reads every PERIOD_MS and prints "t_ms value..." lines, for SECONDS
 *       or until SIGUSR1 (the caller ends it once it has seen what it
 *       waited for, however long that took); fails on a decrease or a
 *       failed PAPI_read.
 *   late NAME KNOWN
 *       resolves KNOWN's event, prints "ready", then polls up to 90 s for
 *       VCPU_RUN_NS:vm=NAME (a VM started after PAPI_library_init, possibly
 *       after a daemon restart), measures it 2 s, prints "late run_ns V".
 *       Also checks unknown VM / vCPU names give PAPI_ENOEVNT.
 */
#include <papi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXEV 32

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

static int init(void)
{
	const PAPI_component_info_t *ci;
	int cidx;

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT) {
		printf("FAIL: PAPI_library_init\n");
		return -1;
	}
	cidx = PAPI_get_component_index("steal");
	ci = cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
	if (!ci || ci->disabled) {
		printf("FAIL: steal component %s %s\n", ci ? "disabled:" : "missing",
		       ci ? ci->disabled_reason : "");
		return -1;
	}
	return 0;
}

static int build(int *es, int n, char **names)
{
	*es = PAPI_NULL;
	PAPI_create_eventset(es);
	for (int i = 0; i < n; i++) {
		char full[PAPI_MAX_STR_LEN * 2];
		int rc;

		snprintf(full, sizeof(full), "steal:::%s", names[i]);
		rc = PAPI_add_named_event(*es, full);
		if (rc != PAPI_OK) {
			printf("FAIL: add %s: %s\n", full, PAPI_strerror(rc));
			return -1;
		}
	}
	return 0;
}

static int check_mono(int n, const long long *prev, const long long *cur, const char *when)
{
	for (int i = 0; i < n; i++) {
		if (cur[i] < prev[i]) {
			printf("FAIL: event %d went backwards at %s: %lld -> %lld\n", i, when, prev[i], cur[i]);
			return -1;
		}
	}
	return 0;
}

static void print(const char *tag, int n, const long long *v)
{
	for (int i = 0; i < n; i++)
		printf("%s %d %lld\n", tag, i, v[i]);
}

static int hook(const char *cmd, const char *arg)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s %s", cmd, arg);
	return system(buf);
}

static int measure(int argc, char **argv)
{
	long secs = atol(argv[0]);
	int n = argc - 2, es, rc;
	long long r[4][MAXEV], t0, t1;

	if (n < 1 || n > MAXEV || init() < 0 || build(&es, n, argv + 2) < 0)
		return 1;
	t0 = now_ns();
	rc = PAPI_start(es);
	if (rc != PAPI_OK) {
		printf("FAIL: PAPI_start: %s\n", PAPI_strerror(rc));
		return 1;
	}
	PAPI_read(es, r[0]);
	hook(argv[1], "start");
	PAPI_read(es, r[1]);
	sleep_ms(secs * 1000);
	PAPI_read(es, r[2]);
	hook(argv[1], "end");
	PAPI_read(es, r[3]);
	rc = PAPI_stop(es, r[3]);
	t1 = now_ns();
	if (rc != PAPI_OK) {
		printf("FAIL: PAPI_stop: %s\n", PAPI_strerror(rc));
		return 1;
	}
	for (int k = 0; k < 4; k++) {
		char tag[4] = { 'r', (char)('0' + k), 0 };

		print(tag, n, r[k]);
		if (k && check_mono(n, r[k - 1], r[k], tag) < 0)
			return 1;
	}
	printf("wall_ns %lld\n", t1 - t0);
	return 0;
}

static volatile sig_atomic_t poll_stop;

static void on_usr1(int sig)
{
	(void)sig;
	poll_stop = 1;
}

static int poll_mode(int argc, char **argv)
{
	long secs = atol(argv[0]), period = atol(argv[1]);
	int n = argc - 2, es, rc;
	long long prev[MAXEV], cur[MAXEV], t0;

	if (n < 1 || n > MAXEV || period < 1 || init() < 0 || build(&es, n, argv + 2) < 0)
		return 1;
	if ((rc = PAPI_start(es)) != PAPI_OK) {
		printf("FAIL: PAPI_start: %s\n", PAPI_strerror(rc));
		return 1;
	}
	memset(prev, 0, sizeof(prev));
	t0 = now_ns();
	while (!poll_stop && now_ns() - t0 < secs * 1000000000LL) {
		sleep_ms(period);
		rc = PAPI_read(es, cur);
		if (rc != PAPI_OK) {
			printf("FAIL: PAPI_read: %s\n", PAPI_strerror(rc));
			return 1;
		}
		printf("%lld", (now_ns() - t0) / 1000000);
		for (int i = 0; i < n; i++)
			printf(" %lld", cur[i]);
		printf("\n");
		fflush(stdout);
		if (check_mono(n, prev, cur, "poll") < 0)
			return 1;
		memcpy(prev, cur, sizeof(prev));
	}
	rc = PAPI_stop(es, cur);
	return rc == PAPI_OK ? 0 : 1;
}

static int expect_noevnt(const char *name)
{
	int code, rc = PAPI_event_name_to_code(name, &code);

	printf("%s -> %s\n", name, PAPI_strerror(rc));
	if (rc != PAPI_ENOEVNT) {
		printf("FAIL: %s should be PAPI_ENOEVNT\n", name);
		return -1;
	}
	return 0;
}

static int late(char **argv)
{
	char name[PAPI_MAX_STR_LEN * 2], known[PAPI_MAX_STR_LEN * 2];
	int code, rc = PAPI_ENOEVNT, es = PAPI_NULL;
	long long t0, v;

	if (init() < 0)
		return 1;
	snprintf(known, sizeof(known), "steal:::VCPU_RUN_NS:vm=%s", argv[1]);
	if (PAPI_event_name_to_code(known, &code) != PAPI_OK) {
		printf("FAIL: %s not found\n", known);
		return 1;
	}
	snprintf(known, sizeof(known), "steal:::VCPU_RUN_NS:vm=%s:vcpu=7", argv[1]);
	if (expect_noevnt(known) < 0 || expect_noevnt("steal:::VCPU_STEAL_NS:vm=no%20such%20vm") < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	snprintf(name, sizeof(name), "steal:::VCPU_RUN_NS:vm=%s", argv[0]);
	t0 = now_ns();
	while (now_ns() - t0 < 90000000000LL) {
		rc = PAPI_event_name_to_code(name, &code);
		if (rc == PAPI_OK)
			break;
		sleep_ms(500);
	}
	if (rc != PAPI_OK) {
		printf("FAIL: %s never appeared: %s\n", name, PAPI_strerror(rc));
		return 1;
	}
	printf("found after %lld ms\n", (now_ns() - t0) / 1000000);
	PAPI_create_eventset(&es);
	if (PAPI_add_event(es, code) != PAPI_OK || PAPI_start(es) != PAPI_OK) {
		printf("FAIL: cannot measure %s\n", name);
		return 1;
	}
	sleep_ms(2000);
	if (PAPI_stop(es, &v) != PAPI_OK) {
		printf("FAIL: stop\n");
		return 1;
	}
	printf("late run_ns %lld\n", v);
	return 0;
}

/* No daemon: clean errors, bounded in time. */
static int no_daemon(void)
{
	int es = PAPI_NULL, rc;
	long long t0;

	setenv("PAPI_VIRT_URI", "qemu:///system?socket=/nonexistent/papi-virt-sock", 1);
	if (init() < 0)
		return 1;
	t0 = now_ns();
	if (expect_noevnt("steal:::VCPU_RUN_NS:vm=alpha") < 0 ||
	    expect_noevnt("steal:::VCPU_HALT_NS:vm=a%20b%3Ac=d%C3%A9:vcpu=0") < 0)
		return 1;
	PAPI_create_eventset(&es);
	rc = PAPI_add_named_event(es, "steal:::VCPU_STEAL_NS");
	if (rc != PAPI_OK) {
		printf("FAIL: the all-VMs event must be addable: %s\n", PAPI_strerror(rc));
		return 1;
	}
	rc = PAPI_start(es);
	printf("all-VMs PAPI_start without a daemon: %s\n", PAPI_strerror(rc));
	if (rc == PAPI_OK) {
		printf("FAIL: PAPI_start succeeded without a daemon\n");
		return 1;
	}
	if (now_ns() - t0 > 20000000000LL) {
		printf("FAIL: errors took %lld ms\n", (now_ns() - t0) / 1000000);
		return 1;
	}
	printf("PASSED\n");
	return 0;
}

int main(int argc, char **argv)
{
	/* First: the caller may signal a poll as soon as it has started it. */
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	if (argc >= 5 && strcmp(argv[1], "measure") == 0)
		return measure(argc - 2, argv + 2);
	if (argc >= 5 && strcmp(argv[1], "poll") == 0)
		return poll_mode(argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[1], "late") == 0)
		return late(argv + 2);
	if (argc == 1)
		return no_daemon();
	fprintf(stderr, "usage: %s [measure SECONDS HOOK EVENT... | poll SECONDS PERIOD_MS EVENT... | late NAME KNOWN]\n", argv[0]);
	return 2;
}
