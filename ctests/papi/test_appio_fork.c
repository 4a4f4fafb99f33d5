/*
 * appio is fork-safe: fork() while other threads are doing I/O and exiting
 * (taking the exit-fold lock) must leave a child that can count and read
 * its :process counters; the child's counts start from the parent's
 * history and its own calls add exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "papi.h"

#define FORKS 40

static volatile int stop;

static void *short_lived(void *arg)
{
	char b[16];
	int fd = *(int *)arg;
	for (int i = 0; i < 50; i++)
		if (read(fd, b, sizeof(b)) != (ssize_t)sizeof(b))
			break;
	return NULL;
}

/* Keeps creating threads that do I/O and exit, so forks land while blocks
 * are being folded. */
static void *churn(void *arg)
{
	while (!stop) {
		pthread_t t;
		if (pthread_create(&t, NULL, short_lived, arg) == 0)
			pthread_join(t, NULL);
	}
	return NULL;
}

int main(void)
{
	int es = PAPI_NULL, zero = open("/dev/zero", O_RDONLY);
	long long v[2];
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return fprintf(stderr, "FAIL: PAPI_library_init\n"), 1;
	int cidx = PAPI_get_component_index("appio");
	if (cidx < 0 || PAPI_get_component_info(cidx)->disabled)
		return fprintf(stderr, "FAIL: the appio component is missing or disabled\n"), 1;
	if (zero < 0 || PAPI_create_eventset(&es) != PAPI_OK ||
	    PAPI_add_named_event(es, "appio:::READ_CALLS:process") != PAPI_OK ||
	    PAPI_add_named_event(es, "appio:::READ_BYTES") != PAPI_OK)
		return fprintf(stderr, "FAIL: setup\n"), 1;
	pthread_t c;
	pthread_create(&c, NULL, churn, &zero);
	int failures = 0;
	for (int i = 0; i < FORKS; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return fprintf(stderr, "FAIL: fork: errno %d\n", errno), 1;
		if (pid == 0) {
			char b[100];
			alarm(10); /* a deadlocked child dies and fails the test */
			if (PAPI_start(es) != PAPI_OK)
				_exit(2);
			for (int k = 0; k < 3; k++)
				if (read(zero, b, sizeof(b)) != (ssize_t)sizeof(b))
					_exit(3);
			if (PAPI_stop(es, v) != PAPI_OK)
				_exit(4);
			/* only this thread exists here: exactly its 3 reads */
			_exit(v[0] == 3 && v[1] == 300 ? 0 : 5);
		}
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "child %d: %s %d\n", i, WIFEXITED(st) ? "exit" : "signal",
				WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			failures++;
		}
	}
	stop = 1;
	pthread_join(c, NULL);
	if (failures)
		return fprintf(stderr, "FAIL: %d of %d children failed\n", failures, FORKS), 1;
	printf("PASS: %d forks during thread churn, children counted exactly\n", FORKS);
	return 0;
}
