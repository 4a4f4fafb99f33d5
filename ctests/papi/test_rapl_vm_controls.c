/*
 * rapl_vm controls through the PAPI API on fixture copies, one child per
 * scenario, every fixture file compared byte-for-byte with the committed
 * fixture afterwards:
 *  - the three seed operations, each ONE PAPI_write: set a CPU's frequency
 *    (userspace governor + scaling_setspeed, AMD acpi-cpufreq), set a CPU's
 *    governor, set power limits (max_perf_pct 50 %, RAPL PL1, window, enable);
 *  - invalid values: PAPI_EINVAL and the file unchanged;
 *  - PAPI_write on a stopped EventSet changes nothing (PAPI's own rule);
 *  - restore at PAPI_shutdown, and at exit without PAPI_shutdown;
 *  - a second process on the same control: PAPI_ECNFLCT, the first keeps it;
 *  - non-root writes: PAPI_EPERM.
 */
#include <errno.h>
#include <signal.h>

#include "test_rapl_vm_lib.h"

#define CPU "devices/system/cpu/"

static int start_set(const char **names, int n, int *ret_es)
{
	int es = PAPI_NULL, i;

	if (PAPI_create_eventset(&es) != PAPI_OK)
		return -1;
	for (i = 0; i < n; i++)
		if (rv_add(es, names[i]) != PAPI_OK)
			return -1;
	if (PAPI_start(es) != PAPI_OK)
		return -1;
	*ret_es = es;
	return 0;
}

/* Seed 1 on AMD: frequency 2.8 GHz on cpu0 in one PAPI_write. */
static int set_frequency(void)
{
	const char *ev[] = { "rapl_vm:::CPU_GOVERNOR:cpu=0", "rapl_vm:::CPU_SETSPEED_KHZ:cpu=0",
			     "rapl_vm:::CPU_CUR_FREQ_KHZ:cpu=0" };
	const PAPI_component_info_t *ci = rv_init();
	long long v[3], w[3];
	int es, rc;

	if (!ci || ci->disabled)
		return rv_fail("rapl_vm missing or disabled on the AMD fixture");
	if (start_set(ev, 3, &es) < 0)
		return rv_fail("event set");
	if (PAPI_read(es, v) != PAPI_OK || v[0] != 1 || v[1] != 0 || v[2] != 2200000)
		return printf("read %lld %lld %lld\n", v[0], v[1], v[2]), rv_fail("initial values (ondemand=1, 0, 2.2 GHz)");
	w[0] = 2;       /* userspace, index in scaling_available_governors */
	w[1] = 2800000; /* kHz */
	w[2] = 12345;   /* read-only: ignored */
	rc = PAPI_write(es, w);
	if (rc != PAPI_OK)
		return printf("PAPI_write: %s\n", PAPI_strerror(rc)), rv_fail("set frequency");
	if (strcmp(rv_content(CPU "cpu0/cpufreq/scaling_governor"), "userspace\n") != 0 ||
	    strcmp(rv_content(CPU "cpu0/cpufreq/scaling_setspeed"), "2800000\n") != 0)
		return rv_fail("files not written");
	if (PAPI_read(es, v) != PAPI_OK || v[0] != 2 || v[1] != 2800000)
		return rv_fail("read back");
	/* Out of cpuinfo range: rejected, nothing changes. */
	w[0] = -1;
	w[1] = 3500000;
	if (PAPI_write(es, w) != PAPI_EINVAL)
		return rv_fail("3.5 GHz above cpuinfo_max_freq accepted");
	if (strcmp(rv_content(CPU "cpu0/cpufreq/scaling_setspeed"), "2800000\n") != 0)
		return rv_fail("rejected write changed the file");
	/* Stopped EventSet: PAPI does not call the component. */
	if (PAPI_stop(es, v) != PAPI_OK)
		return rv_fail("stop");
	w[0] = 4; /* performance */
	w[1] = -1;
	if (PAPI_write(es, w) != PAPI_OK)
		return rv_fail("PAPI_write on a stopped set is expected to return PAPI_OK");
	if (strcmp(rv_content(CPU "cpu0/cpufreq/scaling_governor"), "userspace\n") != 0)
		return rv_fail("a write on a stopped EventSet changed a control");
	/* PAPI_shutdown restores every original. */
	PAPI_shutdown();
	if (!rv_unchanged())
		return rv_fail("not restored by PAPI_shutdown");
	return 0;
}

/* Seed 2 on Intel: governor of cpu1 = performance; restored at exit. */
static int set_governor_then_exit(void)
{
	const char *ev[] = { "rapl_vm:::CPU_GOVERNOR:cpu@1" };
	const PAPI_component_info_t *ci = rv_init();
	long long w[1] = { 0 };
	int es;

	if (!ci || ci->disabled)
		return rv_fail("rapl_vm missing or disabled on the Intel fixture");
	if (start_set(ev, 1, &es) < 0)
		return rv_fail("event set");
	if (PAPI_write(es, w) != PAPI_OK)
		return rv_fail("set governor");
	if (strcmp(rv_content(CPU "cpu1/cpufreq/scaling_governor"), "performance\n") != 0)
		return rv_fail("governor not written");
	w[0] = 2;
	if (PAPI_write(es, w) != PAPI_EINVAL)
		return rv_fail("governor index 2 of 2 accepted");
	exit(0); /* no PAPI_stop, no PAPI_shutdown: the exit path restores */
}

/* Seed 3 on Intel: max_perf_pct 50 %, PL1 100 W, window 0.999 s, enabled. */
static int set_power_limits(void)
{
	const char *ev[] = { "rapl_vm:::PSTATE_MAX_PERF_PCT", "rapl_vm:::POWER_LIMIT_UW:pkg=0:constraint=long_term",
			     "rapl_vm:::TIME_WINDOW_US:pkg=0:constraint=0", "rapl_vm:::LIMIT_ENABLED:pkg=0",
			     "rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0" };
	const PAPI_component_info_t *ci = rv_init();
	long long w[5] = { 50, 100000000, 999424, 1, 777 }, v[5];
	int es, rc;

	if (!ci || ci->disabled)
		return rv_fail("rapl_vm missing or disabled on the Intel fixture");
	if (start_set(ev, 5, &es) < 0)
		return rv_fail("event set");
	rc = PAPI_write(es, w);
	if (rc != PAPI_OK)
		return printf("PAPI_write: %s\n", PAPI_strerror(rc)), rv_fail("set power limits");
	if (strcmp(rv_content(CPU "intel_pstate/max_perf_pct"), "50\n") != 0 ||
	    strcmp(rv_content("class/powercap/intel-rapl:0/constraint_0_power_limit_uw"), "100000000\n") != 0 ||
	    strcmp(rv_content("class/powercap/intel-rapl:0/constraint_0_time_window_us"), "999424\n") != 0 ||
	    strcmp(rv_content("class/powercap/intel-rapl:0/enabled"), "1\n") != 0)
		return rv_fail("limits not written");
	if (PAPI_read(es, v) != PAPI_OK || v[0] != 50 || v[1] != 100000000 || v[2] != 999424 || v[3] != 1)
		return rv_fail("read back");
	/* Above constraint_0_max_power_uw: EINVAL, file unchanged. */
	w[0] = w[2] = w[3] = -1;
	w[1] = 150000001;
	if (PAPI_write(es, w) != PAPI_EINVAL)
		return rv_fail("limit above the hardware maximum accepted");
	if (strcmp(rv_content("class/powercap/intel-rapl:0/constraint_0_power_limit_uw"), "100000000\n") != 0)
		return rv_fail("rejected write changed the file");
	/* The 100 % case of the seed, then shut down. */
	w[0] = 100;
	w[1] = -1;
	if (PAPI_write(es, w) != PAPI_OK || strcmp(rv_content(CPU "intel_pstate/max_perf_pct"), "100\n") != 0)
		return rv_fail("max_perf_pct 100");
	PAPI_shutdown();
	return rv_unchanged() ? 0 : rv_fail("not restored by PAPI_shutdown");
}

/* Two processes: the first holds no_turbo, the second is refused. */
static int holder_pipe[2], go_pipe[2];

static int holder(void)
{
	const char *ev[] = { "rapl_vm:::PSTATE_NO_TURBO" };
	const PAPI_component_info_t *ci = rv_init();
	long long w[1] = { 1 };
	char c;
	int es;

	if (!ci || ci->disabled || start_set(ev, 1, &es) < 0 || PAPI_write(es, w) != PAPI_OK)
		return rv_fail("holder: set no_turbo");
	if (write(holder_pipe[1], "k", 1) != 1 || read(go_pipe[0], &c, 1) < 0)
		return 2;
	PAPI_shutdown();
	return 0;
}

static int second_writer(void)
{
	const char *ev[] = { "rapl_vm:::PSTATE_NO_TURBO", "rapl_vm:::PSTATE_MIN_PERF_PCT" };
	const PAPI_component_info_t *ci = rv_init();
	long long w[2] = { 0, -1 };
	int es, rc;

	if (!ci || ci->disabled || start_set(ev, 2, &es) < 0)
		return rv_fail("second: event set");
	rc = PAPI_write(es, w);
	if (rc != PAPI_ECNFLCT)
		return printf("PAPI_write: %s\n", PAPI_strerror(rc)), rv_fail("second writer not refused");
	if (strcmp(rv_content(CPU "intel_pstate/no_turbo"), "1\n") != 0)
		return rv_fail("second writer changed the holder's control");
	w[0] = -1;
	w[1] = 30; /* a free control */
	if (PAPI_write(es, w) != PAPI_OK)
		return rv_fail("second writer refused on a free control");
	PAPI_shutdown();
	return 0;
}

static int two_processes(void)
{
	pid_t pid;
	char c;
	int rc, st;

	if (pipe(holder_pipe) < 0 || pipe(go_pipe) < 0)
		return rv_fail("pipe");
	pid = fork();
	if (pid == 0)
		_exit(holder());
	if (read(holder_pipe[0], &c, 1) != 1)
		return rv_fail("holder did not start");
	rc = rv_child("second writer refused (PAPI_ECNFLCT)", second_writer);
	if (write(go_pipe[1], "g", 1) != 1)
		rc = 1;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		rc = rv_fail("holder");
	return rc;
}

static int non_root(void)
{
	const char *ev[] = { "rapl_vm:::PSTATE_NO_TURBO" };
	const PAPI_component_info_t *ci;
	long long w[1] = { 1 };
	int es, rc;

	if (setgid(65534) < 0 || setuid(65534) < 0)
		return rv_fail("setuid nobody");
	setenv("PAPI_VIRT_STATE_DIR", "/tmp/test_rapl_vm.nobody-state", 1);
	ci = rv_init();
	if (!ci || ci->disabled)
		return printf("%s\n", ci ? ci->disabled_reason : ""), rv_fail("rapl_vm disabled for a non-root user with readable energy");
	if (start_set(ev, 1, &es) < 0)
		return rv_fail("event set");
	rc = PAPI_write(es, w);
	if (rc != PAPI_EPERM)
		return printf("PAPI_write: %s\n", PAPI_strerror(rc)), rv_fail("non-root write is not PAPI_EPERM");
	PAPI_shutdown();
	return 0;
}

static int run(const char *scen, const char *label, int (*fn)(void))
{
	int rc;

	if (rv_copy(scen) < 0)
		return rv_fail("copy fixture");
	rc = rv_child(label, fn);
	if (!rv_unchanged())
		rc = rv_fail("fixture copy not byte-identical after the scenario");
	rv_drop();
	return rc;
}

int main(void)
{
	int rc = 0;

	rc |= run("rapl-amd", "seed 1: frequency in one PAPI_write, restore at PAPI_shutdown", set_frequency);
	rc |= run("rapl-intel-2pkg", "seed 2: governor in one PAPI_write, restore at exit", set_governor_then_exit);
	rc |= run("rapl-intel-2pkg", "seed 3: power limits in one PAPI_write", set_power_limits);
	rc |= run("rapl-intel-2pkg", "two processes on one control", two_processes);
	if (geteuid() == 0)
		rc |= run("rapl-intel-2pkg", "non-root write is PAPI_EPERM", non_root);
	if (system("rm -rf /tmp/test_rapl_vm.nobody-state") != 0)
		rc = 1;
	printf("%s\n", rc ? "FAILED" : "PASSED");
	return rc;
}
