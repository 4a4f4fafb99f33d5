/* appio registry: per-thread blocks, process totals that survive thread
 * exit, block reuse, fork. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pv_check.h"
#include "appio_count.h"
#include "appio_registry.h"

#define NTHREADS 32

static void *worker(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	uint64_t *c = appio_registry_self()->c;
	for (uintptr_t i = 0; i <= k; i++)
		appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_FILE, 100, 100, 0, 1, 0);
	return NULL;
}

START_TEST(exited_threads_are_kept)
{
	pthread_t t[NTHREADS];
	uint64_t s[APPIO_NSLOTS];
	for (uintptr_t k = 0; k < NTHREADS; k++)
		ck_assert_int_eq(pthread_create(&t[k], NULL, worker, (void *)k), 0);
	for (int k = 0; k < NTHREADS; k++)
		ck_assert_int_eq(pthread_join(t[k], NULL), 0);
	appio_registry_sum(s);
	/* thread k made k+1 calls: sum = 32*33/2 = 528 */
	ck_assert_uint_eq(s[APPIO_G_READ + APPIO_F_CALLS], 528);
	ck_assert_uint_eq(s[APPIO_G_READ + APPIO_F_BYTES], 52800);
	/* every block went back to the pool */
	ck_assert_uint_eq(appio_registry_live_blocks(), 0);
	/* a new round reuses freed blocks and adds up */
	for (uintptr_t k = 0; k < NTHREADS; k++)
		ck_assert_int_eq(pthread_create(&t[k], NULL, worker, (void *)k), 0);
	for (int k = 0; k < NTHREADS; k++)
		ck_assert_int_eq(pthread_join(t[k], NULL), 0);
	appio_registry_sum(s);
	ck_assert_uint_eq(s[APPIO_G_READ + APPIO_F_CALLS], 1056);
}
END_TEST

static pthread_barrier_t bar;

static void *live_worker(void *arg)
{
	(void)arg;
	appio_count_xfer(appio_registry_self()->c, APPIO_G_WRITE, APPIO_DIR_WRITE, APPIO_CLASS_PIPE, 7, 7, 0, 1, 0);
	pthread_barrier_wait(&bar); /* counted, still alive */
	pthread_barrier_wait(&bar); /* main has read */
	return NULL;
}

START_TEST(live_threads_and_own_block)
{
	pthread_t t[4];
	uint64_t s[APPIO_NSLOTS], mine[APPIO_NSLOTS];
	pthread_barrier_init(&bar, NULL, 5);
	for (int k = 0; k < 4; k++)
		pthread_create(&t[k], NULL, live_worker, NULL);
	pthread_barrier_wait(&bar);
	appio_count_xfer(appio_registry_self()->c, APPIO_G_WRITE, APPIO_DIR_WRITE, APPIO_CLASS_PIPE, 1, 1, 0, 1, 0);
	appio_registry_sum(s);
	appio_registry_copy(appio_registry_self(), mine);
	ck_assert_uint_eq(s[APPIO_G_WRITE + APPIO_F_BYTES], 29);
	ck_assert_uint_eq(mine[APPIO_G_WRITE + APPIO_F_BYTES], 1);
	ck_assert_uint_eq(appio_registry_live_blocks(), 5);
	pthread_barrier_wait(&bar);
	for (int k = 0; k < 4; k++)
		pthread_join(t[k], NULL);
	appio_registry_sum(s);
	ck_assert_uint_eq(s[APPIO_G_WRITE + APPIO_F_BYTES], 29);
	appio_registry_retire_self();
	ck_assert_ptr_null(appio_registry_tls.block);
	appio_registry_sum(s);
	ck_assert_uint_eq(s[APPIO_G_WRITE + APPIO_F_BYTES], 29);
	ck_assert_uint_eq(appio_registry_live_blocks(), 0);
}
END_TEST

START_TEST(fork_child_folds_other_threads)
{
	pthread_t t;
	uint64_t s[APPIO_NSLOTS];
	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&t, NULL, live_worker, NULL);
	pthread_barrier_wait(&bar);
	appio_registry_self();
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		appio_registry_sum(s);
		/* the worker does not exist here: its block is folded, counts kept */
		_exit(s[APPIO_G_WRITE + APPIO_F_BYTES] == 7 && appio_registry_live_blocks() == 1 ? 0 : 1);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pthread_barrier_wait(&bar);
	pthread_join(t, NULL);
}
END_TEST

PV_CHECK_MAIN("appio_registry",
	exited_threads_are_kept, live_threads_and_own_block, fork_child_folds_other_threads)
