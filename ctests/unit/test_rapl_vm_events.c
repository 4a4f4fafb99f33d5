/* Unit tests of rapl_vm's event table: what is listed on each fixture,
 * canonical names of typed spellings, payloads and descriptions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_check.h"
#include "pv_evtab.h"
#include "pv_fs.h"
#include "pv_rapl.h"
#include "rapl_vm_ctl.h"
#include "rapl_vm_events.h"

static struct pv_evtab tab;
static struct pv_rapl *rapl;
static struct rapl_vm_ctl_set set;

static void build(const char *scenario)
{
	struct rapl_vm_ctl_zone z[8];
	int nz;

	pv_check_use_fixture(scenario, PV_CHECK_SYS);
	rapl = NULL;
	if (pv_rapl_open(0, &rapl, NULL, 0) < 0)
		rapl = NULL;
	nz = rapl_vm_ctl_zones(rapl, z, 8);
	ck_assert_int_eq(rapl_vm_ctl_discover(&set, z, nz), 0);
	ck_assert_int_eq(pv_evtab_init(&tab), 0);
	ck_assert_int_eq(rapl_vm_events_build(&tab, rapl, &set), 0);
}

static void teardown(void)
{
	pv_evtab_destroy(&tab);
	pv_rapl_close(rapl);
	rapl_vm_ctl_free(&set);
}

static const struct pv_event *ev(const char *name)
{
	unsigned code;

	if (pv_evtab_find(&tab, name, &code) < 0)
		return NULL;
	return pv_evtab_get(&tab, code);
}

static const char *canon(const char *typed)
{
	static char buf[256];
	char err[256];

	if (rapl_vm_events_canonical(&set, typed, buf, sizeof(buf), err, sizeof(err)) < 0)
		snprintf(buf, sizeof(buf), "ERR %s", err);
	return buf;
}

START_TEST(intel_table)
{
	const struct pv_event *e;
	struct pv_rapl_info in;

	build("rapl-intel-2pkg");
	e = ev("PACKAGE_ENERGY_UJ:pkg=1");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, RAPL_EV_ENERGY);
	ck_assert_int_eq(e->dtype, PV_U64);
	ck_assert_int_eq(e->vtype, PV_COUNTER);
	ck_assert_int_eq(pv_rapl_info(rapl, e->arg[0], &in), 0);
	ck_assert_str_eq(in.zone, "class/powercap/intel-rapl:2");
	ck_assert_msg(strstr(e->desc, "intel-rapl:2/energy_uj"), "%s", e->desc);
	e = ev("PACKAGE_ENERGY_UJ");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, RAPL_EV_HEADER);
	e = ev("PSYS_ENERGY_UJ");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, RAPL_EV_ENERGY); /* no qualifier: addable */
	ck_assert_ptr_null(ev("UNCORE_ENERGY_UJ:pkg=1"));
	e = ev("CPU_GOVERNOR:cpu=3");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, RAPL_EV_CTL);
	ck_assert_int_eq(e->dtype, PV_S64);
	ck_assert_int_eq(e->vtype, PV_GAUGE);
	ck_assert_str_eq(e->desc, "cpu3: 0=performance 1=powersave");
	e = ev("POWER_LIMIT_UW:pkg=1:constraint=short_term");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(set.c[e->arg[0]].file, "class/powercap/intel-rapl:2/constraint_1_power_limit_uw");
	ck_assert_str_eq(ev("POWER_LIMIT_UW")->units, "uW");
	ck_assert_ptr_nonnull(ev("PSTATE_NO_TURBO"));
	ck_assert_ptr_nonnull(ev("CPU_CUR_FREQ_KHZ:cpu=0"));
	/* canonical spellings */
	ck_assert_str_eq(canon("POWER_LIMIT_UW:constraint@0:pkg=1"), "POWER_LIMIT_UW:pkg=1:constraint=long_term");
	ck_assert_str_eq(canon("TIME_WINDOW_US:pkg@0:constraint=short_term"), "TIME_WINDOW_US:pkg=0:constraint=short_term");
	ck_assert_str_eq(canon("CPU_GOVERNOR:cpu@2"), "CPU_GOVERNOR:cpu=2");
	ck_assert_str_eq(canon("PSTATE_MAX_PERF_PCT"), "PSTATE_MAX_PERF_PCT");
	ck_assert_msg(strstr(canon("POWER_LIMIT_UW:pkg=0:constraint=peak_power"), "no power-limit constraint 'peak_power'"),
		      "%s", canon("POWER_LIMIT_UW:pkg=0:constraint=peak_power"));
	ck_assert_msg(strstr(canon("POWER_LIMIT_UW:pkg=0"), "needs qualifiers"), "%s", canon("POWER_LIMIT_UW:pkg=0"));
	ck_assert_msg(strstr(canon("POWER_LIMIT_UW:pkg=0:constraint"), "constraint needs a value"), "%s",
		      canon("POWER_LIMIT_UW:pkg=0:constraint"));
	ck_assert_msg(strstr(canon("CPU_GOVERNOR:pkg=0"), "does not apply"), "%s", canon("CPU_GOVERNOR:pkg=0"));
	ck_assert_msg(strstr(canon("CPU_GOVERNOR:cpu=x"), "must be a CPU number"), "%s", canon("CPU_GOVERNOR:cpu=x"));
	ck_assert_msg(strstr(canon("PSTATE_NO_TURBO:cpu=1"), "does not apply"), "%s", canon("PSTATE_NO_TURBO:cpu=1"));
	ck_assert_msg(strstr(canon("NOPE_UJ:pkg=0"), "no event NOPE_UJ"), "%s", canon("NOPE_UJ:pkg=0"));
	ck_assert_int_eq(rapl_vm_events_is_base("DRAM_ENERGY_UJ:pkg=9"), 1);
	ck_assert_int_eq(rapl_vm_events_is_base("DRAM_ENERGY"), 0);
	ck_assert_int_eq(rapl_vm_events_is_base("RETIRED_SSE_AVX_FLOPS:period=0"), 0);
	teardown();
}
END_TEST

START_TEST(amd_and_vm_tables)
{
	build("rapl-amd");
	ck_assert_ptr_nonnull(ev("CORE_ENERGY_UJ:pkg=0"));
	ck_assert_ptr_null(ev("PSYS_ENERGY_UJ"));
	ck_assert_ptr_null(ev("PSTATE_MAX_PERF_PCT"));
	ck_assert_ptr_null(ev("POWER_LIMIT_UW"));
	ck_assert_ptr_nonnull(ev("LIMIT_ENABLED:pkg=0"));
	ck_assert_str_eq(ev("CPU_GOVERNOR:cpu=1")->desc,
			 "cpu1: 0=conservative 1=ondemand 2=userspace 3=powersave 4=performance 5=schedutil");
	teardown();
	build("rapl-vm-none");
	ck_assert_ptr_null(rapl);
	ck_assert_uint_eq(pv_evtab_count(&tab), 0);
	teardown();
}
END_TEST

PV_CHECK_MAIN("rapl_vm_events",
	intel_table, amd_and_vm_tables)
