/* Unit tests of pv_clock: the one monotonic clock and its deadline helpers,
 * checked against clock_gettime(CLOCK_MONOTONIC) read directly. */
#include <check.h>
#include <stdint.h>
#include <time.h>

#include "pv_check.h"
#include "pv_clock.h"

static uint64_t raw_mono(void)
{
	struct timespec ts;

	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

START_TEST(now_is_clock_monotonic)
{
	for (int i = 0; i < 1000; i++) {
		uint64_t a = raw_mono(), n = pv_now_ns(), b = raw_mono();

		ck_assert_uint_le(a, n);
		ck_assert_uint_le(n, b);
	}
}
END_TEST

START_TEST(timespec_conversions)
{
	struct timespec ts = pv_clock_ns_to_ts(3500000001ull);

	ck_assert_int_eq(ts.tv_sec, 3);
	ck_assert_int_eq(ts.tv_nsec, 500000001);
	ck_assert_uint_eq(pv_ts_to_ns(&ts), 3500000001ull);
	ts.tv_sec = -1;
	ck_assert_uint_eq(pv_ts_to_ns(&ts), 0); /* not a monotonic time */
}
END_TEST

START_TEST(add_keeps_nsec_normalised)
{
	struct timespec ts = { 1, 999999999 };

	pv_clock_ts_add_ns(&ts, 1);
	ck_assert_int_eq(ts.tv_sec, 2);
	ck_assert_int_eq(ts.tv_nsec, 0);
	pv_clock_ts_add_ns(&ts, 2999999999ull);
	ck_assert_int_eq(ts.tv_sec, 4);
	ck_assert_int_eq(ts.tv_nsec, 999999999);
	/* more ns than a 32-bit long holds: seconds and rest added apart */
	pv_clock_ts_add_ns(&ts, 10000000000001ull);
	ck_assert_int_eq(ts.tv_sec, 10005);
	ck_assert_int_eq(ts.tv_nsec, 0);
	pv_clock_ts_add_ns(&ts, 0);
	ck_assert_int_eq(ts.tv_sec, 10005);
}
END_TEST

START_TEST(deadline_is_now_plus_ns)
{
	uint64_t a = raw_mono();
	struct timespec d = pv_clock_deadline_ns(250000000);
	uint64_t b = raw_mono();

	ck_assert_int_lt(d.tv_nsec, 1000000000L);
	ck_assert_uint_ge(pv_ts_to_ns(&d), a + 250000000);
	ck_assert_uint_le(pv_ts_to_ns(&d), b + 250000000);
	/* a deadline works with clock_nanosleep: 1 ms from now has passed on return */
	d = pv_clock_deadline_ns(1000000);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &d, NULL) != 0)
		;
	ck_assert_uint_ge(raw_mono(), pv_ts_to_ns(&d));
}
END_TEST

PV_CHECK_MAIN("pv_clock",
	now_is_clock_monotonic, timespec_conversions, add_keeps_nsec_normalised, deadline_is_now_plus_ns)
