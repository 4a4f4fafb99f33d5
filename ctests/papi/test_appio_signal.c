/*
 * appio is async-signal-safe and exact under signals: a timer signal whose
 * handler does I/O keeps interrupting a loop of intercepted reads (often
 * inside a wrapper's counting code); no count may be lost or doubled.
 * Also: I/O before PAPI_library_init is safe and keeps errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"

static int pfd[2];
static volatile sig_atomic_t handled;

static void on_alarm(int sig)
{
	int e = errno;
	char c = 'x';
	(void)sig;
	if (write(pfd[1], &c, 1) == 1 && read(pfd[0], &c, 1) == 1)
		handled++;
	errno = e;
}

#define FAIL(...)                                  \
	do {                                       \
		fprintf(stderr, "FAIL: " __VA_ARGS__); \
		return 1;                          \
	} while (0)

int main(void)
{
	static const char *const names[] = { "appio:::READ_CALLS", "appio:::READ_BYTES", "appio:::WRITE_CALLS",
					     "appio:::WRITE_BYTES", "appio:::PIPE_READ_CALLS",
					     "appio:::READ_CALLS:process", "appio:::WRITE_CALLS:process" };
	enum { N = sizeof(names) / sizeof(names[0]) };
	long long v[N];
	char buf[64];
	int es = PAPI_NULL, zero;

	/* before PAPI_library_init: counted silently, errno untouched */
	zero = open("/dev/zero", O_RDONLY);
	errno = 321;
	if (zero < 0 || read(zero, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || errno != 321)
		FAIL("I/O before PAPI_library_init (errno %d)\n", errno);
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		FAIL("PAPI_library_init\n");
	int cidx = PAPI_get_component_index("appio");
	if (cidx < 0 || PAPI_get_component_info(cidx)->disabled)
		FAIL("the appio component is missing or disabled in this libpapi\n");
	if (pipe(pfd) != 0 || PAPI_create_eventset(&es) != PAPI_OK)
		FAIL("setup\n");
	for (int i = 0; i < N; i++)
		if (PAPI_add_named_event(es, names[i]) != PAPI_OK)
			FAIL("cannot add %s\n", names[i]);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	if (PAPI_start(es) != PAPI_OK)
		FAIL("PAPI_start\n");
	struct itimerval it = { { 0, 100 }, { 0, 100 } };
	setitimer(ITIMER_REAL, &it, NULL);
	long reads = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* bounded: stop at 500 signals, 5 million reads or 10 s */
	while (handled < 500 && reads < 5000000) {
		if (read(zero, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			FAIL("read /dev/zero\n");
		reads++;
		if ((reads & 1023) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec > 10)
				break;
		}
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_IGN);
	long h = handled;
	if (PAPI_stop(es, v) != PAPI_OK)
		FAIL("PAPI_stop\n");
	printf("%ld reads, %ld signal handlers doing a write and a read\n", reads, h);
	if (h < 10)
		FAIL("only %ld signals arrived: the test proves nothing\n", h);
	long long want[N] = { reads + h, reads * 64 + h, h, h, h, reads + h, h };
	int bad = 0;
	for (int i = 0; i < N; i++)
		if (v[i] != want[i]) {
			fprintf(stderr, "MISMATCH %s: expected %lld, got %lld\n", names[i], want[i], v[i]);
			bad++;
		}
	if (bad)
		FAIL("%d counters wrong under signals\n", bad);
	printf("PASS: exact under %ld interrupting handlers\n", h);
	return 0;
}
