/*
 * One package numbering for vmpower and rapl_vm, through the PAPI API, on a
 * copy of the pkgnum-gap fixture: physical packages 0 and 3, CPUs 0-1 in
 * package 3, zones intel-rapl:0 = "package-3" (dram subzone intel-rapl:0:0)
 * and intel-rapl:1 = "package-0".  pkg=1 must be physical package 3 in both
 * components: vmpower:::HOST_ENERGY_UJ:pkg=1, rapl_vm:::PACKAGE_ENERGY_UJ:pkg=1
 * and rapl_vm:::DRAM_ENERGY_UJ:pkg=1 equal, exactly, the energy this test
 * writes into package 3's zone files since PAPI_start (an independent
 * source: the test's own arithmetic on the files, not vmpower's); pkg=0 the
 * energy of package 0's zone.  Descriptions of pkg=1 name physical package
 * 3 (and rapl_vm's the zone file); pkg=0 descriptions, where index and id
 * agree, do not; PAPI_VIRT_DEBUG=1 says the numbering of both components.
 * Fails (never skips) when a component is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>

#include "test_rapl_vm_lib.h"

#define Z "class/powercap/"

/* Each zone's file goes from its fixture value up by step per round; values
 * keep their digit count, so the in-place write never shortens the file
 * (vmpower's thread may read it at any moment, never between a truncate and
 * a write). */
static const struct zone {
	const char *rel;
	uint64_t start, step;
} zones[] = {
	{ Z "intel-rapl:0/energy_uj", 3000000, 1100007 },   /* physical 3 */
	{ Z "intel-rapl:1/energy_uj", 1000000, 400003 },    /* physical 0 */
	{ Z "intel-rapl:0:0/energy_uj", 500000, 100001 },   /* physical 3's dram */
};
enum { ROUNDS = 3 };

static int put_inplace(const struct zone *z, uint64_t v)
{
	char p[PATH_MAX + 256], s[32];
	int fd, n = snprintf(s, sizeof(s), "%" PRIu64 "\n", v), ok;

	snprintf(p, sizeof(p), "%s/sys/%s", rv_tmp, z->rel);
	fd = open(p, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = pwrite(fd, s, (size_t)n, 0) == n;
	close(fd);
	return ok ? 0 : -1;
}

static const PAPI_component_info_t *component(const char *name)
{
	int cid = PAPI_get_component_index(name), code = PAPI_NATIVE_MASK;
	const PAPI_component_info_t *ci = cid < 0 ? NULL : PAPI_get_component_info(cid);

	/* vmpower initialises on first use: enumeration activates it. */
	if (ci && ci->disabled == PAPI_EDELAY_INIT)
		(void)PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid);
	if (ci && ci->disabled)
		printf("%s disabled: %s\n", name, ci->disabled_reason);
	return ci && !ci->disabled ? ci : NULL;
}

/* 1 when the event's description contains want (present) or lacks it (!present). */
static int desc_has(const char *event, const char *want, int present)
{
	PAPI_event_info_t info;
	int code;

	if (PAPI_event_name_to_code(event, &code) != PAPI_OK || PAPI_get_event_info(code, &info) != PAPI_OK) {
		printf("no event %s\n", event);
		return 0;
	}
	printf("%s: %s\n", event, info.long_descr);
	return (strstr(info.long_descr, want) != NULL) == present;
}

static int descriptions(void)
{
	char zone[PATH_MAX + 64];

	snprintf(zone, sizeof(zone), "%s/sys/" Z "intel-rapl:0/energy_uj", rv_tmp);
	if (!desc_has("vmpower:::HOST_ENERGY_UJ:pkg=1", "physical package 3", 1) ||
	    !desc_has("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=1", "physical package 3", 1) ||
	    !desc_has("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=1", zone, 1) ||
	    !desc_has("rapl_vm:::POWER_LIMIT_UW:pkg=1:constraint=long_term", "physical package 3", 1) ||
	    !desc_has("vmpower:::HOST_ENERGY_UJ:pkg=0", "physical", 0) ||
	    !desc_has("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0", "physical", 0))
		return rv_fail("descriptions do not say the physical package where pkg=N differs");
	return 0;
}

/* PAPI_VIRT_DEBUG=1 output (stderr, sent to a file) says the numbering. */
static char dbg_path[PATH_MAX + 16];

static int debug_says_numbering(void)
{
	static const char *const want[] = {
		"papi-virt[vmpower]: packages (dense, by physical id): pkg=0 is physical package 0, "
		"pkg=1 is physical package 3; 4 online CPUs",
		"papi-virt[rapl_vm]: package numbering (dense, by physical id): pkg=1 is physical package 3",
	};
	char buf[16384];
	FILE *f = fopen(dbg_path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(buf, want[i])) {
			printf("debug output lacks \"%s\":\n%s\n", want[i], buf);
			return rv_fail("PAPI_VIRT_DEBUG does not say the package numbering");
		}
	return 0;
}

static int scenario(void)
{
	const char *vm_ev[] = { "vmpower:::HOST_ENERGY_UJ:pkg=0", "vmpower:::HOST_ENERGY_UJ:pkg=1" };
	const char *rv_ev[] = { "rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0", "rapl_vm:::PACKAGE_ENERGY_UJ:pkg=1",
				"rapl_vm:::DRAM_ENERGY_UJ:pkg=1" };
	int vm_es = PAPI_NULL, rv_es = PAPI_NULL, i, round, code;
	long long vv[2], rv[3];

	alarm(60); /* a hung read ends this child, and the parent reports it */
	snprintf(dbg_path, sizeof(dbg_path), "%s/debug.txt", rv_tmp);
	if (!freopen(dbg_path, "w", stderr))
		return rv_fail("cannot send stderr to a file");
	setvbuf(stderr, NULL, _IONBF, 0);
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return rv_fail("PAPI_library_init");
	if (!component("vmpower") || !component("rapl_vm"))
		return rv_fail("vmpower and rapl_vm must both be enabled on the fixture");
	if (descriptions() || debug_says_numbering())
		return 1;
	if (PAPI_event_name_to_code("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=3", &code) == PAPI_OK ||
	    PAPI_event_name_to_code("vmpower:::HOST_ENERGY_UJ:pkg=2", &code) == PAPI_OK)
		return rv_fail("a package number beyond the two packages exists");
	if (PAPI_create_eventset(&vm_es) != PAPI_OK || PAPI_create_eventset(&rv_es) != PAPI_OK)
		return rv_fail("create_eventset");
	for (i = 0; i < 2; i++)
		if (rv_add(vm_es, vm_ev[i]) != PAPI_OK)
			return rv_fail("add vmpower event");
	for (i = 0; i < 3; i++)
		if (rv_add(rv_es, rv_ev[i]) != PAPI_OK)
			return rv_fail("add rapl_vm event");
	if (PAPI_start(vm_es) != PAPI_OK || PAPI_start(rv_es) != PAPI_OK)
		return rv_fail("start");
	for (round = 1; round <= ROUNDS; round++) {
		uint64_t d[3];

		usleep(150000); /* past vmpower's minimum update interval */
		for (i = 0; i < 3; i++) {
			d[i] = zones[i].step * (uint64_t)round;
			if (put_inplace(&zones[i], zones[i].start + d[i]) < 0)
				return rv_fail("cannot write a zone's energy_uj");
		}
		if (PAPI_read(vm_es, vv) != PAPI_OK || PAPI_read(rv_es, rv) != PAPI_OK)
			return rv_fail("read");
		printf("round %d: physical 3 +%" PRIu64 " uJ: vmpower pkg=1 %lld, rapl_vm pkg=1 %lld, dram %lld;"
		       " physical 0 +%" PRIu64 " uJ: vmpower pkg=0 %lld, rapl_vm pkg=0 %lld\n",
		       round, d[0], vv[1], rv[1], rv[2], d[1], vv[0], rv[0]);
		if ((uint64_t)vv[1] != d[0] || (uint64_t)rv[1] != d[0] || (uint64_t)rv[2] != d[2])
			return rv_fail("pkg=1 is not physical package 3's zone (exact)");
		if ((uint64_t)vv[0] != d[1] || (uint64_t)rv[0] != d[1])
			return rv_fail("pkg=0 is not physical package 0's zone (exact)");
	}
	PAPI_stop(vm_es, vv);
	PAPI_stop(rv_es, rv);
	PAPI_shutdown();
	return 0;
}

int main(void)
{
	int rc;

	if (rv_copy("pkgnum-gap") < 0)
		return rv_fail("cannot copy the pkgnum-gap fixture");
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_IDLE_POWER", "0", 1);
	setenv("PAPI_VIRT_DEBUG", "1", 1);
	rc = rv_child("pkg=N is the same physical package in vmpower and rapl_vm", scenario);
	rv_drop();
	return rc;
}
