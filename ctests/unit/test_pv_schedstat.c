/* Unit tests of pv_schedstat: parsing, task files of a procfs tree made in
 * a temporary directory (missing thread, malformed, FIFO), and the real
 * thread-self file against CLOCK_THREAD_CPUTIME_ID. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_fs.h"
#include "pv_schedstat.h"

static const char *root; /* the scratch root (pv_check.h) */

/* <tmp>/4242/task/4243/ with schedstat holding text (NULL: a FIFO). */
static void make_task(const char *text)
{
	char p[PATH_MAX + 64];

	root = pv_check_tmp_root();
	pv_check_use_root(PV_CHECK_PROC, root);
	snprintf(p, sizeof(p), "%s/4242/task/4243/schedstat", root);
	if (text)
		pv_check_write(p, text);
	else
		pv_check_mkfifo(p);
}

static void drop(void)
{
	pv_check_tmp_drop();
	unsetenv("PAPI_VIRT_PROCFS");
	pv_config_reset();
}

START_TEST(parse_strictly)
{
	struct pv_schedstat s = { 1, 2, 3 };

	ck_assert_int_eq(pv_schedstat_parse("7055537037 628689244 1372\n", &s), 0);
	ck_assert_uint_eq(s.run_ns, 7055537037ull);
	ck_assert_uint_eq(s.delay_ns, 628689244ull);
	ck_assert_uint_eq(s.slices, 1372);
	ck_assert_int_eq(pv_schedstat_parse("18446744073709551615 0 0", &s), 0);
	ck_assert_uint_eq(s.run_ns, UINT64_MAX);
	s.run_ns = 5;
	ck_assert_int_eq(pv_schedstat_parse("12 34\n", &s), -EINVAL);
	ck_assert_int_eq(pv_schedstat_parse("1 2 3 4\n", &s), -EINVAL);
	ck_assert_int_eq(pv_schedstat_parse("-1 2 3\n", &s), -EINVAL);
	ck_assert_int_eq(pv_schedstat_parse("1 2 x\n", &s), -EINVAL);
	ck_assert_int_eq(pv_schedstat_parse("18446744073709551616 2 3\n", &s), -EINVAL);
	ck_assert_int_eq(pv_schedstat_parse("", &s), -EINVAL);
	ck_assert_uint_eq(s.run_ns, 5); /* untouched on failure */
}
END_TEST

START_TEST(task_file_kept_open)
{
	struct pv_schedstat s;
	char p[PATH_MAX + 64];
	int fd;

	make_task("100 20 3\n");
	ck_assert_int_eq(pv_schedstat_read(4242, 4243, &s), 0);
	ck_assert_uint_eq(s.delay_ns, 20);
	fd = pv_schedstat_open_task(4242, 4243);
	ck_assert_int_ge(fd, 0);
	snprintf(p, sizeof(p), "%s/4242/task/4243/schedstat", root);
	FILE *f = fopen(p, "w");
	fputs("250 40 9\n", f);
	fclose(f);
	ck_assert_int_eq(pv_schedstat_pread(fd, &s), 0); /* the new text, same fd */
	ck_assert_uint_eq(s.run_ns, 250);
	f = fopen(p, "w");
	fputs("250 40\n", f);
	fclose(f);
	ck_assert_int_eq(pv_schedstat_pread(fd, &s), -EINVAL);
	close(fd);
	/* a thread that is gone */
	ck_assert_int_eq(pv_schedstat_read(4242, 4244, &s), -ENOENT);
	ck_assert_int_eq(pv_schedstat_open_task(4241, 4243), -ENOENT);
	drop();
}
END_TEST

START_TEST(fifo_refused)
{
	struct pv_schedstat s;

	make_task(NULL);
	PV_CHECK_NEVER_BLOCKS(ck_assert_int_eq(pv_schedstat_read(4242, 4243, &s), -PV_ENOTREG));
	drop();
}
END_TEST

START_TEST(self_matches_thread_cpu_clock)
{
	struct pv_schedstat s;
	volatile uint64_t x = 0;
	int fd = pv_schedstat_open_self();

	ck_assert_int_ge(fd, 0);
	for (uint64_t i = 0; i < 50000000u; i++)
		x += i;
	/* Both are the task's sum_exec_runtime; only the reads between them
	 * separate the two values (tolerance 20 ms on a loaded machine). */
	uint64_t a = pv_check_thread_cpu_ns();
	ck_assert_int_eq(pv_schedstat_pread(fd, &s), 0);
	uint64_t b = pv_check_thread_cpu_ns();
	close(fd);
	ck_assert_uint_gt(s.run_ns, 0);
	ck_assert_msg(s.run_ns + 20000000u >= a && s.run_ns <= b + 20000000u,
		      "schedstat run %llu ns, thread CPU clock %llu..%llu ns", (unsigned long long)s.run_ns,
		      (unsigned long long)a, (unsigned long long)b);
}
END_TEST

PV_CHECK_MAIN("pv_schedstat",
	parse_strictly, task_file_kept_open, fifo_refused, self_matches_thread_cpu_clock)
