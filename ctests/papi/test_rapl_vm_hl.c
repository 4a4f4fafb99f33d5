/*
 * rapl_vm through PAPI's high-level API: gauges named with '@' and the
 * "=instant" suffix (PAPI_EVENTS splits at the first '='), and an energy
 * counter, in one region; the JSON report must hold the fixture's values and
 * the exact energy used inside the region.
 */
#include <dirent.h>

#include "test_rapl_vm_lib.h"

static int region(void)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/out", rv_tmp);
	setenv("PAPI_OUTPUT_DIRECTORY", p, 1);
	setenv("PAPI_EVENTS",
	       "rapl_vm:::CPU_GOVERNOR:cpu@0=instant,rapl_vm:::PACKAGE_ENERGY_UJ:pkg@1,"
	       "rapl_vm:::CPU_MIN_FREQ_KHZ:cpu@2=instant",
	       1);
	if (PAPI_hl_region_begin("rapl") != PAPI_OK)
		return rv_fail("PAPI_hl_region_begin");
	/* 2.5 J used by package 1 inside the region */
	if (rv_put("class/powercap/intel-rapl:2/energy_uj", "98767932109\n") < 0)
		return rv_fail("advance energy");
	if (PAPI_hl_region_end("rapl") != PAPI_OK)
		return rv_fail("PAPI_hl_region_end");
	fflush(stdout);
	exit(0); /* not _exit: PAPI writes the report at exit */
}

static int report_has(const char *json, const char *key, const char *value)
{
	char want[256];

	snprintf(want, sizeof(want), "\"%s\":\"%s\"", key, value);
	if (strstr(json, want))
		return 1;
	printf("report lacks %s\n", want);
	return 0;
}

int main(void)
{
	char dir[PATH_MAX + 64], path[2 * PATH_MAX], json[16384];
	struct dirent *de;
	size_t n = 0;
	int rc;
	DIR *d;
	FILE *f;

	if (rv_copy("rapl-intel-2pkg") < 0)
		return rv_fail("copy fixture");
	rc = rv_child("high-level API region", region);
	snprintf(dir, sizeof(dir), "%s/out/papi_hl_output", rv_tmp);
	d = opendir(dir);
	path[0] = '\0';
	while (d && (de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "rank_", 5) == 0)
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
	if (d)
		closedir(d);
	f = path[0] ? fopen(path, "r") : NULL;
	if (!f) {
		rc = rv_fail("no high-level report");
	} else {
		n = fread(json, 1, sizeof(json) - 1, f);
		json[n] = '\0';
		fclose(f);
		if (!report_has(json, "rapl_vm:::CPU_GOVERNOR:cpu@0", "1") ||
		    !report_has(json, "rapl_vm:::PACKAGE_ENERGY_UJ:pkg@1", "2500000") ||
		    !report_has(json, "rapl_vm:::CPU_MIN_FREQ_KHZ:cpu@2", "800000")) {
			printf("%s\n", json);
			rc = 1;
		}
	}
	rv_drop();
	printf("%s\n", rc ? "FAILED" : "PASSED");
	return rc;
}
