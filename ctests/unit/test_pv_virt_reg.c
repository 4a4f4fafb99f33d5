/* Unit tests of pv_virt_reg (the process-wide libvirt registry) and
 * pv_virt_lib (libvirt loaded with dlopen), against libvirt's in-process
 * test driver (test:///default: one running domain, "test"):
 *   - vmpower and steal get the same context, the same record per VM and
 *     one PAPI_VIRT_TIMEOUT_MS;
 *   - release is idempotent; 8 threads releasing at the same moment close
 *     the context exactly once (200 rounds; the ASan build checks frees);
 *   - a child after fork() keeps the records and connects afresh;
 *   - a missing libvirt library (PAPI_VIRT_LIBVIRT) fails the refresh with
 *     -ELIBACC and a reason naming it, and creates nothing. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_virt.h"
#include "pv_virt_lib.h"
#include "pv_virt_reg.h"

static void use_test_driver(void)
{
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	unsetenv("PAPI_VIRT_LIBVIRT");
	pv_config_reset();
	/* The test driver's domain has no QEMU process: procfs finds none. */
}

START_TEST(shared_identity)
{
	struct pv_virt *a, *b;
	const struct pv_virt_vm *va, *vb;

	use_test_driver();
	setenv("PAPI_VIRT_TIMEOUT_MS", "1234", 1);
	pv_config_reset();
	ck_assert_int_eq(pv_virt_reg_get(PV_VIRT_REG_VMPOWER, &a), 0);
	ck_assert_int_eq(pv_virt_refresh(a, NULL), 0);
	ck_assert_int_eq(pv_virt_lookup_name(a, "test", &va), 0);
	pv_virt_reg_unlock();
	ck_assert_int_eq(pv_virt_reg_get(PV_VIRT_REG_STEAL, &b), 0);
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_eq(pv_virt_timeout_ms(b), 1234);
	ck_assert_int_eq(pv_virt_refresh(b, NULL), 0);
	ck_assert_int_eq(pv_virt_lookup_name(b, "test", &vb), 0);
	ck_assert_ptr_eq(va, vb);      /* one record per VM, same id */
	ck_assert_uint_eq(pv_virt_count(b), 1);
	pv_virt_reg_unlock();
	ck_assert_uint_eq(pv_virt_reg_users(), PV_VIRT_REG_VMPOWER | PV_VIRT_REG_STEAL);
	pv_virt_reg_release(PV_VIRT_REG_VMPOWER, 50);
	ck_assert_uint_eq(pv_virt_reg_closes(), 0);     /* steal still holds it */
	pv_virt_reg_release(PV_VIRT_REG_VMPOWER, 50);   /* twice: no effect */
	ck_assert_uint_eq(pv_virt_reg_closes(), 0);
	pv_virt_reg_release(PV_VIRT_REG_STEAL, 50);
	ck_assert_uint_eq(pv_virt_reg_closes(), 1);
	pv_virt_reg_release(PV_VIRT_REG_STEAL, 50);     /* after close: no effect */
	ck_assert_uint_eq(pv_virt_reg_closes(), 1);
	ck_assert_uint_eq(pv_virt_reg_users(), 0);
}
END_TEST

static pthread_barrier_t bar;

static void *closer(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&bar);
	pv_virt_reg_release(PV_VIRT_REG_VMPOWER, 50);
	pv_virt_reg_release(PV_VIRT_REG_STEAL, 50);
	return NULL;
}

START_TEST(concurrent_release)
{
	enum { THREADS = 8, ROUNDS = 200 };
	pthread_t th[THREADS];
	struct pv_virt *v;

	use_test_driver();
	for (unsigned r = 0; r < ROUNDS; r++) {
		ck_assert_int_eq(pv_virt_reg_get(PV_VIRT_REG_VMPOWER, &v), 0);
		/* A live connection (and its worker) every 10th round. */
		if (r % 10 == 0)
			ck_assert_int_eq(pv_virt_refresh(v, NULL), 0);
		pv_virt_reg_unlock();
		ck_assert_int_eq(pv_virt_reg_get(PV_VIRT_REG_STEAL, &v), 0);
		pv_virt_reg_unlock();
		pthread_barrier_init(&bar, NULL, THREADS);
		for (int i = 0; i < THREADS; i++)
			ck_assert_int_eq(pthread_create(&th[i], NULL, closer, NULL), 0);
		for (int i = 0; i < THREADS; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&bar);
		ck_assert_uint_eq(pv_virt_reg_closes(), r + 1);    /* exactly once per round */
		ck_assert_uint_eq(pv_virt_reg_users(), 0);
	}
}
END_TEST

START_TEST(after_fork)
{
	struct pv_virt *v;
	pid_t pid;
	int st;

	use_test_driver();
	ck_assert_int_eq(pv_virt_reg_get(PV_VIRT_REG_STEAL, &v), 0);
	ck_assert_int_eq(pv_virt_refresh(v, NULL), 0);
	uint64_t id = pv_virt_at(v, 0)->id;
	pv_virt_reg_unlock();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Same records, a fresh connection, a clean close. */
		if (pv_virt_reg_get(PV_VIRT_REG_STEAL, &v) != 0 || pv_virt_count(v) != 1 ||
		    pv_virt_at(v, 0)->id != id || pv_virt_refresh(v, NULL) != 0 ||
		    pv_virt_at(v, 0)->id != id)
			_exit(1);
		pv_virt_reg_unlock();
		pv_virt_reg_release(PV_VIRT_REG_STEAL, 50);
		_exit(pv_virt_reg_closes() == 1 ? 0 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
	/* The parent's connection still works. */
	ck_assert_int_eq(pv_virt_reg_get(PV_VIRT_REG_STEAL, &v), 0);
	ck_assert_int_eq(pv_virt_refresh(v, NULL), 0);
	ck_assert_uint_eq(pv_virt_at(v, 0)->id, id);
	pv_virt_reg_unlock();
	pv_virt_reg_release(PV_VIRT_REG_STEAL, 50);
	ck_assert_uint_eq(pv_virt_reg_closes(), 1);
}
END_TEST

START_TEST(missing_libvirt)
{
	struct pv_virt *v;
	char why[512];

	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_LIBVIRT", "libvirt-missing-for-test.so.0", 1);
	pv_config_reset();
	ck_assert_ptr_null(pv_virt_lib(why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "libvirt-missing-for-test.so.0"));
	ck_assert_int_eq(pv_virt_reg_get(PV_VIRT_REG_VMPOWER, &v), 0);
	ck_assert_int_eq(pv_virt_refresh(v, NULL), -ELIBACC);
	ck_assert_ptr_nonnull(strstr(pv_virt_last_error(v), "libvirt-missing-for-test.so.0"));
	ck_assert_ptr_nonnull(strstr(pv_virt_last_error(v), "PAPI_VIRT_LIBVIRT"));
	ck_assert_uint_eq(pv_virt_count(v), 0);
	pv_virt_reg_unlock();
	pv_virt_reg_release(PV_VIRT_REG_VMPOWER, 50);
	ck_assert_uint_eq(pv_virt_reg_closes(), 1);
}
END_TEST

PV_CHECK_MAIN_WITH("pv_virt_reg", 60, NULL, NULL,
	shared_identity, concurrent_release, after_fork, missing_libvirt)
