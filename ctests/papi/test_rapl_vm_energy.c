/*
 * rapl_vm energy through the PAPI API on a copy of the Intel 2-package +
 * psys fixture: every energy event in one EventSet, exact deltas across
 * energy_uj wraparound (64-bit), PAPI_reset, event info (units, UINT64,
 * counter), qualifier spellings, and clear errors for wrong names.
 */
#include <inttypes.h>

#include "test_rapl_vm_lib.h"

#define Z "class/powercap/"

struct dom {
	const char *event;
	const char *zone;
	uint64_t max;
};

static const struct dom doms[] = {
	{ "rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0", Z "intel-rapl:0", 262143328850ULL },
	{ "rapl_vm:::PACKAGE_ENERGY_UJ:pkg=1", Z "intel-rapl:2", 262143328850ULL },
	{ "rapl_vm:::CORE_ENERGY_UJ:pkg=0", Z "intel-rapl:0:0", 262143328850ULL },
	{ "rapl_vm:::CORE_ENERGY_UJ:pkg=1", Z "intel-rapl:2:0", 262143328850ULL },
	{ "rapl_vm:::UNCORE_ENERGY_UJ:pkg=0", Z "intel-rapl:0:1", 262143328850ULL },
	{ "rapl_vm:::DRAM_ENERGY_UJ:pkg=0", Z "intel-rapl:0:2", 65712999613ULL },
	{ "rapl_vm:::DRAM_ENERGY_UJ:pkg=1", Z "intel-rapl:2:1", 65712999613ULL },
	{ "rapl_vm:::PSYS_ENERGY_UJ", Z "intel-rapl:1", 262143328850ULL },
};
#define ND (int)(sizeof(doms) / sizeof(doms[0]))

static uint64_t get(const char *zone)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "%s/energy_uj", zone);
	return strtoull(rv_content(rel), NULL, 10);
}

/* As a RAPL counter: modulo max_energy_range_uj + 1. */
static void advance(const struct dom *d, uint64_t uj)
{
	char rel[128], v[32];

	snprintf(rel, sizeof(rel), "%s/energy_uj", d->zone);
	snprintf(v, sizeof(v), "%" PRIu64 "\n", (get(d->zone) + uj) % (d->max + 1));
	rv_put(rel, v);
}

static int scenario(void)
{
	const PAPI_component_info_t *ci = rv_init();
	long long v[ND];
	uint64_t step[ND];
	int es = PAPI_NULL, i, round, code, code2, bad = 0;
	PAPI_event_info_t info;

	if (!ci)
		return rv_fail("rapl_vm component missing");
	if (ci->disabled)
		return printf("reason: %s\n", ci->disabled_reason), rv_fail("rapl_vm disabled on the Intel fixture");
	/* Package 0 and dram 1 start just below their wrap. */
	rv_put(Z "intel-rapl:0/energy_uj", "262143328000\n");
	rv_put(Z "intel-rapl:2:1/energy_uj", "65712999600\n");
	if (PAPI_create_eventset(&es) != PAPI_OK)
		return rv_fail("create_eventset");
	for (i = 0; i < ND; i++)
		if (rv_add(es, doms[i].event) != PAPI_OK)
			return rv_fail("add energy event");
	if (PAPI_start(es) != PAPI_OK)
		return rv_fail("start");
	for (round = 1; round <= 3; round++) {
		for (i = 0; i < ND; i++) {
			/* 2 kJ, 1.5 kJ...: package 0 and dram 1 wrap in round 1 */
			step[i] = (uint64_t)(i + 1) * 1000000000ULL / 2 + (uint64_t)round * 7;
			advance(&doms[i], step[i]);
		}
		if (PAPI_read(es, v) != PAPI_OK)
			return rv_fail("read");
		for (i = 0; i < ND; i++) {
			uint64_t want = 0;
			int r;

			for (r = 1; r <= round; r++)
				want += (uint64_t)(i + 1) * 1000000000ULL / 2 + (uint64_t)r * 7;
			if ((uint64_t)v[i] != want) {
				printf("round %d %s: got %lld want %" PRIu64 "\n", round, doms[i].event, v[i], want);
				bad++;
			}
		}
	}
	if (bad)
		return rv_fail("energy deltas are not exact");
	if (PAPI_reset(es) != PAPI_OK || PAPI_read(es, v) != PAPI_OK)
		return rv_fail("reset/read");
	for (i = 0; i < ND; i++)
		if (v[i] != 0)
			return rv_fail("PAPI_reset does not re-base energy");
	if (PAPI_stop(es, v) != PAPI_OK)
		return rv_fail("stop");
	/* Event info. */
	if (PAPI_event_name_to_code("rapl_vm:::DRAM_ENERGY_UJ:pkg=1", &code) != PAPI_OK ||
	    PAPI_get_event_info(code, &info) != PAPI_OK)
		return rv_fail("event info");
	printf("info: units '%s' type %d value_type %d timescope %d\n", info.units, info.data_type, info.value_type,
	       info.timescope);
	if (strcmp(info.units, "uJ") != 0 || info.data_type != PAPI_DATATYPE_UINT64 ||
	    info.value_type != PAPI_VALUETYPE_RUNNING_SUM || info.timescope != PAPI_TIMESCOPE_SINCE_START)
		return rv_fail("energy event info (units, UINT64, running sum since start)");
	/* '@' spelling (for the high-level API's =instant) is the same event
	 * (PAPI may give the spelling its own code: compare the events). */
	{
		PAPI_event_info_t info2;

		if (PAPI_event_name_to_code("rapl_vm:::DRAM_ENERGY_UJ:pkg@1", &code2) != PAPI_OK ||
		    PAPI_get_event_info(code2, &info2) != PAPI_OK || strcmp(info.long_descr, info2.long_descr) != 0)
			return rv_fail("pkg@1 is not pkg=1");
	}
	/* Wrong names: clear errors, no crash. */
	if (PAPI_event_name_to_code("rapl_vm:::UNCORE_ENERGY_UJ:pkg=1", &code) == PAPI_OK)
		return rv_fail("package 1 has no uncore zone in the fixture");
	if (PAPI_event_name_to_code("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=9", &code) == PAPI_OK)
		return rv_fail("pkg=9 accepted");
	if (PAPI_event_name_to_code("rapl_vm:::PACKAGE_ENERGY_UJ:cpu=0", &code) == PAPI_OK)
		return rv_fail("cpu= accepted on a package event");
	es = PAPI_NULL;
	PAPI_create_eventset(&es);
	if (PAPI_add_named_event(es, "rapl_vm:::PACKAGE_ENERGY_UJ") == PAPI_OK)
		return rv_fail("the unqualified base event was accepted");
	PAPI_shutdown();
	return 0;
}

int main(void)
{
	int rc;

	if (rv_copy("rapl-intel-2pkg") < 0)
		return rv_fail("copy fixture");
	rc = rv_child("energy on rapl-intel-2pkg", scenario);
	rv_drop();
	printf("%s\n", rc ? "FAILED" : "PASSED");
	return rc;
}
