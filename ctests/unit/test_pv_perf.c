/* Unit tests of pv_perf: a software task-clock counter on this thread
 * against CLOCK_THREAD_CPUTIME_ID, close-on-exec, errors and hints. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_perf.h"

START_TEST(task_clock_counts_this_thread)
{
	struct perf_event_attr a;
	volatile uint64_t x = 0;
	uint64_t v = 0;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	int fd = pv_perf_open(&a, 0, -1, 0);
	ck_assert_msg(fd >= 0, "task-clock: %s%s", strerror(-fd), pv_perf_hint(fd));
	ck_assert_uint_eq(a.size, sizeof(a));
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	uint64_t t0 = pv_check_thread_cpu_ns();
	ck_assert_int_eq(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	uint64_t c0 = v;
	for (uint64_t i = 0; i < 100000000u; i++)
		x += i;
	ck_assert_int_eq(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	uint64_t t1 = pv_check_thread_cpu_ns();
	close(fd);
	/* Both measure this thread's CPU time: within 5 ms + 5% */
	uint64_t dc = v - c0, dt = t1 - t0;
	ck_assert_uint_gt(dc, 0);
	ck_assert_msg(dc <= dt + dt / 20 + 5000000u && dc + dt / 20 + 5000000u >= dt,
		      "task-clock %llu ns, thread CPU clock %llu ns", (unsigned long long)dc, (unsigned long long)dt);
}
END_TEST

START_TEST(errors_are_negative_errno_with_hints)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.type = 0x7fff0000; /* no such PMU */
	int fd = pv_perf_open(&a, 0, -1, 0);
	ck_assert_int_lt(fd, 0);
	ck_assert_ptr_nonnull(strstr(pv_perf_hint(-EACCES), "CAP_PERFMON"));
	ck_assert_ptr_nonnull(strstr(pv_perf_hint(-EPERM), "perf_event_paranoid"));
	ck_assert_ptr_nonnull(strstr(pv_perf_hint(-ENOENT), "no such counter"));
	ck_assert_str_eq(pv_perf_hint(-EBADF), "");
}
END_TEST

PV_CHECK_MAIN("pv_perf",
	task_clock_counts_this_thread, errors_are_negative_errno_with_hints)
