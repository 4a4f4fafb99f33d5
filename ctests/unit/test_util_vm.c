/* Unit tests of the utilities' sample rows (utils/util_vm.c, linked from
 * source by utils/utils.mk: the utilities' helper modules are not in the
 * logic archive).  util_sample_vm used to return a pointer into s->vms that
 * the next added row could move (realloc): a caller writing through a kept
 * pointer wrote into freed memory, which the ASan build (ctests/unit-asan)
 * reports.  It now gives an index; these tests keep one across many
 * additions and check the row still holds what was written. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pv_check.h"
#include "util_vm.h"

START_TEST(index_survives_growth)
{
	struct util_sample s = { 0 };
	size_t a, b, again, i;
	char name[32];

	ck_assert_int_eq(util_sample_vm(&s, "vm-a", &a), 0);
	s.vms[a].v[UTIL_C_CPU_NS] = 1234;
	s.vms[a].have[UTIL_C_CPU_NS] = true;
	/* Enough rows that realloc must move the array at least once. */
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "vm-%zu", i);
		ck_assert_int_eq(util_sample_vm(&s, name, &b), 0);
		ck_assert_str_eq(s.vms[b].name, name);
		s.vms[b].v[UTIL_C_STEAL_NS] = i;
		/* A value written through the first index is still there. */
		ck_assert_uint_eq(s.vms[a].v[UTIL_C_CPU_NS], 1234);
	}
	ck_assert_uint_eq(s.nvm, 201);
	ck_assert_int_eq(util_sample_vm(&s, "vm-a", &again), 0);
	ck_assert_uint_eq(again, a);
	ck_assert(s.vms[a].have[UTIL_C_CPU_NS]);
	ck_assert_int_eq(util_sample_vm(&s, "vm-17", &again), 0);
	ck_assert_uint_eq(s.vms[again].v[UTIL_C_STEAL_NS], 17);
	ck_assert_uint_eq(s.nvm, 201); /* found, not added */
	util_sample_free(&s);
}
END_TEST

START_TEST(reset_reuses_rows_zeroed)
{
	struct util_sample s = { 0 };
	size_t i;

	ck_assert_int_eq(util_sample_vm(&s, "x", &i), 0);
	s.vms[i].v[UTIL_C_ENERGY_UJ] = 9;
	s.vms[i].have[UTIL_C_ENERGY_UJ] = true;
	util_sample_reset(&s);
	ck_assert_uint_eq(s.nvm, 0);
	ck_assert_int_eq(util_sample_vm(&s, "y", &i), 0);
	ck_assert_uint_eq(i, 0);
	ck_assert_str_eq(s.vms[0].name, "y");
	ck_assert(!s.vms[0].have[UTIL_C_ENERGY_UJ]);
	ck_assert_uint_eq(s.vms[0].v[UTIL_C_ENERGY_UJ], 0);
	util_sample_free(&s);
}
END_TEST

PV_CHECK_MAIN("util_vm",
	index_survives_growth, reset_reuses_rows_zeroed)
