/*
 * rapl_vm's disabled paths, each in its own process:
 *  - the real /sys of this machine (a VM: no powercap, no power PMU, no
 *    cpufreq): disabled, the reason names the missing paths;
 *  - the VM fixture (rapl-vm-none): the same, under the fixture root;
 *  - a non-root user on a host whose energy_uj is 0400 root (Linux >= 5.10):
 *    disabled, the reason names the file, "Permission denied" and the CVE;
 *  - the AMD fixture: enabled (powercap on AMD is not refused).
 * On a machine that does have RAPL the first case checks the opposite.
 */
#include <sys/stat.h>

#include "test_rapl_vm_lib.h"

static int expect_disabled(const char *s1, const char *s2, const char *s3)
{
	const PAPI_component_info_t *ci = rv_init();

	if (!ci)
		return rv_fail("rapl_vm component missing from libpapi");
	printf("disabled=%d reason: %s\n", ci->disabled, ci->disabled_reason);
	if (!ci->disabled)
		return rv_fail("enabled");
	if (!strstr(ci->disabled_reason, s1) || !strstr(ci->disabled_reason, s2) || !strstr(ci->disabled_reason, s3))
		return rv_fail("disabled_reason is not precise");
	return 0;
}

static int real_sys(void)
{
	const PAPI_component_info_t *ci;
	struct stat st;

	unsetenv("PAPI_VIRT_SYSFS");
	if (stat("/sys/class/powercap", &st) == 0 || stat("/sys/devices/system/cpu/cpu0/cpufreq", &st) == 0) {
		ci = rv_init();
		if (!ci || ci->disabled)
			return rv_fail("a host with powercap or cpufreq must enable rapl_vm");
		return 0;
	}
	return expect_disabled("/sys/class/powercap: not present", "/sys/bus/event_source/devices/power absent",
			       "no cpufreq or intel_pstate control under /sys/devices/system/cpu");
}

static int vm_fixture(void)
{
	return expect_disabled("rapl-vm-none/sys/class/powercap: not present", "no RAPL energy source",
			       "rapl-vm-none/sys/devices/system/cpu");
}

static int non_root(void)
{
	if (setgid(65534) < 0 || setuid(65534) < 0)
		return rv_fail("setuid nobody");
	return expect_disabled("intel-rapl:0/energy_uj: Permission denied", "CVE-2020-8694", "RAPL energy is not readable");
}

static int amd_enabled(void)
{
	const PAPI_component_info_t *ci = rv_init();
	int code;

	if (!ci || ci->disabled)
		return rv_fail("rapl_vm disabled on the AMD fixture");
	if (PAPI_event_name_to_code("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0", &code) != PAPI_OK ||
	    PAPI_event_name_to_code("rapl_vm:::CORE_ENERGY_UJ:pkg=0", &code) != PAPI_OK)
		return rv_fail("AMD package/core energy events");
	if (PAPI_event_name_to_code("rapl_vm:::PSTATE_MAX_PERF_PCT", &code) == PAPI_OK)
		return rv_fail("intel_pstate event on acpi-cpufreq");
	if (PAPI_event_name_to_code("rapl_vm:::POWER_LIMIT_UW:pkg=0:constraint=long_term", &code) == PAPI_OK)
		return rv_fail("power limit event where the zone has no constraint");
	return 0;
}

int main(void)
{
	char cmd[2 * PATH_MAX];
	int rc = 0;

	rc |= rv_child("real /sys of this machine", real_sys);
	setenv("PAPI_VIRT_SYSFS", "", 1);
	snprintf(cmd, sizeof(cmd), "%s/rapl-vm-none/sys", rv_fixtures());
	setenv("PAPI_VIRT_SYSFS", cmd, 1);
	rc |= rv_child("VM fixture without RAPL or cpufreq", vm_fixture);
	if (geteuid() == 0) {
		if (rv_copy("rapl-intel-2pkg") < 0)
			return rv_fail("copy");
		snprintf(cmd, sizeof(cmd), "chmod 0400 '%s'/sys/class/powercap/*/energy_uj", rv_tmp);
		if (system(cmd) != 0)
			return rv_fail("chmod");
		rc |= rv_child("non-root, energy_uj root-only", non_root);
		rv_drop();
	}
	snprintf(cmd, sizeof(cmd), "%s/rapl-amd/sys", rv_fixtures());
	setenv("PAPI_VIRT_SYSFS", cmd, 1);
	rc |= rv_child("AMD fixture enabled", amd_enabled);
	printf("%s\n", rc ? "FAILED" : "PASSED");
	return rc;
}
