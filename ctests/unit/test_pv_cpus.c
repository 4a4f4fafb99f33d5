/* Unit tests of pv_cpus: the one CPU-list parser ("0-3,8,10-11\n") behind
 * vmpower's topology/affinity weights and rapl's perf cpumask: valid lists,
 * blanks and newlines, the empty list, malformed text, reversed ranges,
 * numbers beyond the stated limit (however many digits), and a callback
 * that stops the parse. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pv_check.h"
#include "pv_cpus.h"
#include "pv_rapl_priv.h"

/* Collects CPUs in list order into at most 8 slots, like a fixed array. */
struct arr {
	int cpu[8];
	int n;
};

static int to_arr(int cpu, void *arg)
{
	struct arr *a = arg;

	if (a->n >= 8)
		return -E2BIG;
	a->cpu[a->n++] = cpu;
	return 0;
}

static int parse_arr(const char *s, int ncpus, struct arr *a)
{
	memset(a, 0, sizeof(*a));
	return pv_cpus_parse_list(s, ncpus, to_arr, a);
}

START_TEST(valid_lists_in_order)
{
	struct arr a;

	ck_assert_int_eq(parse_arr("0", 64, &a), 1);
	ck_assert_int_eq(a.cpu[0], 0);
	/* was pv_rapl_parse_cpulist's test */
	ck_assert_int_eq(parse_arr("0,18\n", 64, &a), 2);
	ck_assert_int_eq(a.n, 2);
	ck_assert_int_eq(a.cpu[1], 18);
	ck_assert_int_eq(parse_arr("0-2,5", 64, &a), 4);
	ck_assert_int_eq(a.n, 4);
	ck_assert_int_eq(a.cpu[3], 5);
	ck_assert_int_eq(parse_arr("7,1-2", 64, &a), 3);
	ck_assert_int_eq(a.cpu[0], 7);
	ck_assert_int_eq(a.cpu[1], 1);
	ck_assert_int_eq(a.cpu[2], 2);
	ck_assert_int_eq(parse_arr("4-4", 64, &a), 1);
	ck_assert_int_eq(a.cpu[0], 4);
	/* the last CPU below the limit is allowed; leading zeros are digits */
	ck_assert_int_eq(parse_arr("63", 64, &a), 1);
	ck_assert_int_eq(parse_arr("007", 64, &a), 1);
	ck_assert_int_eq(a.cpu[0], 7);
}
END_TEST

START_TEST(bitmap)
{
	unsigned char bm[16];

	/* was vmp_topo_parse_cpulist's test */
	ck_assert_int_eq(pv_cpus_parse_bitmap("0-2,5\n", bm, 16), 4);
	ck_assert(bm[0] && bm[1] && bm[2] && !bm[3] && !bm[4] && bm[5]);
	/* cleared first */
	ck_assert_int_eq(pv_cpus_parse_bitmap("15", bm, 16), 1);
	ck_assert(!bm[0] && !bm[5] && bm[15]);
	/* a duplicate is passed on twice and sets one bit */
	ck_assert_int_eq(pv_cpus_parse_bitmap("3,3", bm, 16), 2);
	ck_assert(bm[3] && !bm[2] && !bm[4]);
}
END_TEST

START_TEST(blanks_and_newlines)
{
	struct arr a;

	ck_assert_int_eq(parse_arr(" \t0-1\n", 64, &a), 2);
	ck_assert_int_eq(parse_arr("0-1 \t\n\n", 64, &a), 2);
	ck_assert_int_eq(a.cpu[1], 1);
	/* blanks inside the list, and text after the newline, are malformed */
	ck_assert_int_eq(parse_arr("0, 1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("0 -1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("0- 1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("0 1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("0\n1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("0\r\n", 64, &a), -EINVAL);
}
END_TEST

START_TEST(empty_list)
{
	unsigned char bm[16];
	struct arr a;

	ck_assert_int_eq(parse_arr("", 64, &a), 0);
	ck_assert_int_eq(a.n, 0);
	ck_assert_int_eq(parse_arr(" \t\n", 64, &a), 0);
	ck_assert_int_eq(pv_cpus_parse_bitmap("\n", bm, 16), 0);
	for (int i = 0; i < 16; i++)
		ck_assert(!bm[i]);
}
END_TEST

START_TEST(malformed)
{
	unsigned char bm[16];
	struct arr a;

	ck_assert_int_eq(parse_arr("a", 64, &a), -EINVAL);
	ck_assert_int_eq(pv_cpus_parse_bitmap("1,a", bm, 16), -EINVAL);
	ck_assert_int_eq(parse_arr("-1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("+1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("0x1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("1,", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr(",1", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("1,,2", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("1-", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("1-2-3", 64, &a), -EINVAL);
	ck_assert_int_eq(parse_arr("1;2", 64, &a), -EINVAL);
}
END_TEST

START_TEST(reversed_range)
{
	unsigned char bm[16];
	struct arr a;

	ck_assert_int_eq(parse_arr("3-1", 64, &a), -EINVAL);
	ck_assert_int_eq(pv_cpus_parse_bitmap("3-1", bm, 16), -EINVAL);
	ck_assert_int_eq(parse_arr("0,5-4", 64, &a), -EINVAL);
}
END_TEST

START_TEST(beyond_limit_and_overflow)
{
	unsigned char bm[16];
	struct arr a;

	ck_assert_int_eq(pv_cpus_parse_bitmap("0-20", bm, 16), -ERANGE);
	ck_assert_int_eq(pv_cpus_parse_bitmap("16", bm, 16), -ERANGE);
	ck_assert_int_eq(parse_arr("64", 64, &a), -ERANGE);
	ck_assert_int_eq(a.n, 0);
	/* digit strings far past INT_MAX and LONG_MAX do not wrap */
	ck_assert_int_eq(parse_arr("4294967296", 64, &a), -ERANGE);
	ck_assert_int_eq(parse_arr("99999999999999999999999999", PV_CPUS_MAX, &a), -ERANGE);
	ck_assert_int_eq(parse_arr("0-18446744073709551616", PV_CPUS_MAX, &a), -ERANGE);
	ck_assert_int_eq(parse_arr("8191", PV_CPUS_MAX, &a), 1);
	ck_assert_int_eq(a.cpu[0], 8191);
}
END_TEST

START_TEST(callback_stops_the_parse)
{
	struct arr a;

	/* was pv_rapl_parse_cpulist's "more than max" test */
	ck_assert_int_eq(parse_arr("0-9", 64, &a), -E2BIG);
	ck_assert_int_eq(a.n, 8);
}
END_TEST

START_TEST(rapl_cpumask)
{
	/* rapl's caller rules on top: the empty mask is an error, and
	 * PV_RAPL_PERF_MAX_CPUS bounds the packages. */
	struct pv_rapl_perf_desc d;
	char many[512];
	size_t len = 0;

	ck_assert_int_eq(pv_rapl_perf_parse_cpumask("0,18\n", &d), 0);
	ck_assert_int_eq(d.ncpu, 2);
	ck_assert_int_eq(d.cpu[1], 18);
	ck_assert_int_eq(pv_rapl_perf_parse_cpumask("", &d), -EINVAL);
	ck_assert_int_eq(pv_rapl_perf_parse_cpumask("\n", &d), -EINVAL);
	ck_assert_int_eq(pv_rapl_perf_parse_cpumask("a", &d), -EINVAL);
	ck_assert_int_eq(pv_rapl_perf_parse_cpumask("3-1", &d), -EINVAL);
	ck_assert_int_eq(pv_rapl_perf_parse_cpumask("8192", &d), -ERANGE);
	ck_assert_int_eq(pv_rapl_perf_parse_cpumask("0-63", &d), 0);
	ck_assert_int_eq(d.ncpu, PV_RAPL_PERF_MAX_CPUS);
	ck_assert_int_eq(pv_rapl_perf_parse_cpumask("0-64", &d), -E2BIG);
	for (int i = 0; i <= PV_RAPL_PERF_MAX_CPUS; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len, "%s%d", i ? "," : "", i * 2);
	ck_assert_int_eq(pv_rapl_perf_parse_cpumask(many, &d), -E2BIG);
}
END_TEST

PV_CHECK_MAIN("pv_cpus",
	valid_lists_in_order, bitmap, blanks_and_newlines, empty_list, malformed, reversed_range, beyond_limit_and_overflow, callback_stops_the_parse, rapl_cpumask)
