/* Unit tests of pv_life (a component's lifetime guard) with the state a
 * component tears down at PAPI_shutdown: a pv_evtab.  Built plainly and
 * with ASan+UBSan (ctests/unit-asan): a use after free or double free of
 * the table under concurrent shutdowns and readers is an ASan report. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_evtab.h"
#include "pv_life.h"

#define NTHREADS 8
#define NEVENTS 600 /* three chunks */

static struct pv_life life = PV_LIFE_INITIALIZER;
static struct pv_evtab tab;
static int teardowns;
static pthread_barrier_t barrier;

/* What a component's init and teardown do. */
static int comp_build(int n)
{
	if (pv_evtab_init(&tab) < 0)
		return -1;
	if (n < 0)
		return -1; /* a failed init: the table is left for teardown */
	for (int i = 0; i < n; i++) {
		struct pv_event e;
		unsigned code;

		memset(&e, 0, sizeof(e));
		e.base = -1;
		e.kind = i;
		snprintf(e.name, sizeof(e.name), "EV_%d", i);
		if (pv_evtab_add(&tab, &e, &code) != 1)
			return -1;
	}
	return 0;
}

static void comp_teardown(void)
{
	pv_evtab_destroy(&tab);
	__atomic_add_fetch(&teardowns, 1, __ATOMIC_SEQ_CST);
}

static void comp_init(void)
{
	ck_assert_int_eq(pv_life_init(&life, comp_build, comp_teardown, NEVENTS), 0);
}

static void comp_shutdown(void)
{
	pv_life_shutdown(&life, comp_teardown);
}

/* What a read callback does: every entry of the table, inside the guard.
 * 1 when it ran, 0 when the component was shut down. */
static int comp_read(void)
{
	unsigned sum = 0;

	if (pv_life_enter(&life) < 0)
		return 0;
	for (unsigned i = 0; i < NEVENTS; i++) {
		const struct pv_event *e = pv_evtab_get(&tab, i);

		ck_assert_ptr_nonnull(e);
		sum += (unsigned)e->kind;
	}
	pv_life_leave(&life);
	ck_assert_uint_eq(sum, NEVENTS * (NEVENTS - 1) / 2);
	return 1;
}

static void *shutdown_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&barrier);
	comp_shutdown();
	return NULL;
}

/* Reads until the component is gone; at least once before. */
static void *reader_thread(void *arg)
{
	long n = 0;

	(void)arg;
	ck_assert_int_eq(comp_read(), 1);
	pthread_barrier_wait(&barrier);
	while (comp_read())
		n++;
	return (void *)n;
}

START_TEST(concurrent_shutdowns_tear_down_once)
{
	pthread_t t[NTHREADS];

	for (int round = 0; round < 50; round++) {
		teardowns = 0;
		comp_init();
		pthread_barrier_init(&barrier, NULL, NTHREADS);
		for (int i = 0; i < NTHREADS; i++)
			ck_assert_int_eq(pthread_create(&t[i], NULL, shutdown_thread, NULL), 0);
		for (int i = 0; i < NTHREADS; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&barrier);
		ck_assert_int_eq(teardowns, 1);
		ck_assert_int_eq(pv_life_enter(&life), -ENODEV);
	}
}
END_TEST

START_TEST(shutdown_under_readers)
{
	pthread_t r[NTHREADS], s[NTHREADS];

	for (int round = 0; round < 20; round++) {
		teardowns = 0;
		comp_init();
		/* 8 readers and 8 shutdowns (an atexit handler, other exit
		 * paths) released together. */
		pthread_barrier_init(&barrier, NULL, 2 * NTHREADS);
		for (int i = 0; i < NTHREADS; i++) {
			ck_assert_int_eq(pthread_create(&r[i], NULL, reader_thread, NULL), 0);
			ck_assert_int_eq(pthread_create(&s[i], NULL, shutdown_thread, NULL), 0);
		}
		for (int i = 0; i < NTHREADS; i++) {
			pthread_join(r[i], NULL);
			pthread_join(s[i], NULL);
		}
		pthread_barrier_destroy(&barrier);
		ck_assert_int_eq(teardowns, 1);
	}
}
END_TEST

START_TEST(reinit_after_shutdown)
{
	comp_shutdown(); /* never initialised: nothing to do */
	ck_assert_int_eq(teardowns, 0);
	/* A failed init leaves nothing behind and the component not live. */
	ck_assert_int_eq(pv_life_init(&life, comp_build, comp_teardown, -1), -1);
	ck_assert_int_eq(teardowns, 1);
	ck_assert_int_eq(comp_read(), 0);
	teardowns = 0;
	comp_init();
	ck_assert_int_eq(comp_read(), 1);
	comp_shutdown();
	comp_shutdown();
	ck_assert_int_eq(comp_read(), 0);
	comp_init();
	ck_assert_int_eq(comp_read(), 1);
	comp_shutdown();
	ck_assert_int_eq(teardowns, 2);
}
END_TEST

/* Readers keep the guard busy while the main thread forks: the child must
 * find no lock held by a thread it does not have, read, and shut down. */
static volatile int stop;

static void *busy_reader(void *arg)
{
	(void)arg;
	while (!stop)
		ck_assert_int_eq(comp_read(), 1);
	return NULL;
}

START_TEST(fork_while_reading)
{
	pthread_t r[NTHREADS];

	comp_init();
	for (int i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&r[i], NULL, busy_reader, NULL), 0);
	for (int k = 0; k < 20; k++) {
		int status;
		pid_t pid = fork();

		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			alarm(20);
			if (comp_read() != 1)
				_exit(2);
			comp_shutdown();
			_exit(comp_read() == 0 && teardowns == 1 ? 0 : 3);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d: status 0x%x", k, status);
	}
	stop = 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(r[i], NULL);
	ck_assert_int_eq(comp_read(), 1); /* the parent is untouched */
	comp_shutdown();
	ck_assert_int_eq(teardowns, 1);
}
END_TEST

PV_CHECK_MAIN_WITH("pv_life", 120, NULL, NULL,
	concurrent_shutdowns_tear_down_once, shutdown_under_readers, reinit_after_shutdown,
	fork_while_reading)
