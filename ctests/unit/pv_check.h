/*
 * pv_check.h: what every Check unit test (ctests/unit/test_*.c) shares.
 *
 * The main():
 *   PV_CHECK_MAIN("name", test_a, test_b, ...)
 *       one suite with one test case holding the START_TEST functions listed;
 *   PV_CHECK_MAIN_WITH("name", timeout_s, setup, teardown, test_a, ...)
 *       the same with a per-test timeout (0: CK_DEFAULT_TIMEOUT, which the
 *       runner sets) and a checked fixture run in each test's process
 *       (NULL: none);
 *   return pv_check_run(suite);
 *       for a file that builds its own Suite (several test cases).
 * Every form runs each test in its own process (the runner never sets
 * CK_FORK=no) and exits 0 when all passed, 1 otherwise.
 *
 * Fixture trees (ctests/fixtures/<scenario>/{proc,sys}, or a scratch copy):
 *   pv_check_fixtures()                  $PV_FIXTURES, else ctests/fixtures
 *   pv_check_use_fixture(s, PV_CHECK_PROC | PV_CHECK_SYS)
 *       points PAPI_VIRT_PROCFS / PAPI_VIRT_SYSFS at scenario s's proc/, sys/
 *   pv_check_tmp_root()                  a fresh /tmp/<test>.XXXXXX (one per test process)
 *   pv_check_tmp_copy(s, "sys")          copies s's sys/ into it; returns its path
 *   pv_check_write(path, content)        writes a file, creating its directories
 *   pv_check_use_root(PV_CHECK_SYS, dir) PAPI_VIRT_SYSFS=dir (PROC likewise)
 *   pv_check_mkfifo(path)                a FIFO at path (replacing a file), directories made
 *   PV_CHECK_NEVER_BLOCKS(stmt)          runs stmt under a 10 s alarm: a reader that
 *                                        blocked on a FIFO kills the test, never hangs it
 *   pv_check_tmp_drop()                  removes the scratch root (teardown)
 * Failures inside the helpers fail the calling test with the path and the
 * reason.
 */
#ifndef PV_CHECK_H
#define PV_CHECK_H

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "pv_config.h"

/* ---- running ------------------------------------------------------------------ */

static inline int pv_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

/* A suite of one test case named like it, holding tests[0..n-1]. */
static inline Suite *pv_check_suite(const char *name, double timeout_s, void (*setup)(void),
				    void (*teardown)(void), const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);

	if (timeout_s > 0)
		tcase_set_timeout(tc, timeout_s);
	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return s;
}

#define PV_CHECK_MAIN_WITH(name, timeout_s, setup, teardown, ...)                                       \
	int main(void)                                                                                  \
	{                                                                                               \
		const TTest *pv_tests_[] = { __VA_ARGS__ };                                             \
		return pv_check_run(pv_check_suite((name), (timeout_s), (setup), (teardown), pv_tests_, \
						   sizeof(pv_tests_) / sizeof(pv_tests_[0])));           \
	}

#define PV_CHECK_MAIN(name, ...) PV_CHECK_MAIN_WITH(name, 0, NULL, NULL, __VA_ARGS__)

/* ---- independent clocks ----------------------------------------------------- */

/* This thread's CPU time (CLOCK_THREAD_CPUTIME_ID), the independent source
 * that counters of the running thread are compared with. */
static inline uint64_t pv_check_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- fixture trees ---------------------------------------------------------- */

enum { PV_CHECK_PROC = 1, PV_CHECK_SYS = 2 };

static inline const char *pv_check_fixtures(void)
{
	const char *f = getenv("PV_FIXTURES");

	return f && f[0] ? f : "ctests/fixtures";
}

/* PAPI_VIRT_PROCFS and/or PAPI_VIRT_SYSFS (which) = dir. */
static inline void pv_check_use_root(int which, const char *dir)
{
	if (which & PV_CHECK_PROC)
		ck_assert_int_eq(setenv("PAPI_VIRT_PROCFS", dir, 1), 0);
	if (which & PV_CHECK_SYS)
		ck_assert_int_eq(setenv("PAPI_VIRT_SYSFS", dir, 1), 0);
	pv_config_reset(); /* the roots are read once into the configuration */
}

/* The roots named in which -> <fixtures>/<scenario>/proc and /sys. */
static inline void pv_check_use_fixture(const char *scenario, int which)
{
	char p[PATH_MAX];

	if (which & PV_CHECK_PROC) {
		snprintf(p, sizeof(p), "%s/%s/proc", pv_check_fixtures(), scenario);
		pv_check_use_root(PV_CHECK_PROC, p);
	}
	if (which & PV_CHECK_SYS) {
		snprintf(p, sizeof(p), "%s/%s/sys", pv_check_fixtures(), scenario);
		pv_check_use_root(PV_CHECK_SYS, p);
	}
}

/* The scratch root of this test process ("" when there is none). */
static char pv_check_tmp[PATH_MAX];

/* Runs a shell command built by the caller (paths are single-quoted;
 * fixture and scratch paths have no quote). */
static inline int pv_check_sh(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -1;
}

static inline void pv_check_tmp_drop_(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pv_check_tmp);
	if (pv_check_sh(cmd) != 0)
		fprintf(stderr, "pv_check: could not remove %s\n", pv_check_tmp);
	pv_check_tmp[0] = '\0';
}

/* Removes the scratch root, if any (a teardown, or the end of a test). */
static inline void pv_check_tmp_drop(void)
{
	if (pv_check_tmp[0])
		pv_check_tmp_drop_();
}

/* Creates the scratch root (dropping an earlier one) and returns it. */
static inline const char *pv_check_tmp_root(void)
{
	const char *prog = program_invocation_short_name;

	pv_check_tmp_drop();
	snprintf(pv_check_tmp, sizeof(pv_check_tmp), "/tmp/%s.XXXXXX", prog && prog[0] ? prog : "pv_check");
	ck_assert_msg(mkdtemp(pv_check_tmp) != NULL, "mkdtemp %s: %s", pv_check_tmp, strerror(errno));
	return pv_check_tmp;
}

/* Copies <fixtures>/<scenario>/<sub> into the scratch root (created when
 * there is none) and returns the copy's path (static storage). */
static inline const char *pv_check_tmp_copy(const char *scenario, const char *sub)
{
	static char copy[PATH_MAX + 8];
	char cmd[3 * PATH_MAX];

	if (!pv_check_tmp[0])
		pv_check_tmp_root();
	snprintf(cmd, sizeof(cmd), "cp -r '%s/%s/%s' '%s/'", pv_check_fixtures(), scenario, sub, pv_check_tmp);
	ck_assert_msg(pv_check_sh(cmd) == 0, "%s failed", cmd);
	snprintf(copy, sizeof(copy), "%s/%s", pv_check_tmp, sub);
	return copy;
}

/* Writes content to path (replacing it), creating missing directories. */
static inline void pv_check_write(const char *path, const char *content)
{
	char dir[PATH_MAX];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *s = strchr(dir + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		ck_assert_msg(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", dir, strerror(errno));
		*s = '/';
	}
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert_msg(fputs(content, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
}

/* A FIFO at path, where a test wants a reader to meet one: pv_fs refuses
 * anything but a regular file before reading, because a read of a FIFO
 * without a writer blocks for ever. */
static inline void pv_check_mkfifo(const char *path)
{
	pv_check_write(path, "");
	ck_assert_msg(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
	ck_assert_msg(mkfifo(path, 0600) == 0, "mkfifo %s: %s", path, strerror(errno));
}

/* Runs stmt (a call that meets a FIFO and must return at once); if it
 * blocked, SIGALRM ends the test process after 10 s and Check reports the
 * signal, instead of the test hanging until the runner's timeout. */
#define PV_CHECK_NEVER_BLOCKS(stmt)                                                                     \
	do {                                                                                            \
		alarm(10);                                                                              \
		stmt;                                                                                   \
		alarm(0);                                                                               \
	} while (0)

#endif
