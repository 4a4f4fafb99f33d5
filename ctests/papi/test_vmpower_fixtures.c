/*
 * vmpower through the PAPI API against fixtures, one child process per
 * scenario (PAPI reads the configuration once per process):
 *   rapl         fixture powercap zone advanced by known amounts, with a
 *                wraparound: HOST_ENERGY exact, conservation exact, the
 *                libvirt test driver's VM (no QEMU process) gets nothing,
 *                unknown VM -> PAPI_ENOEVNT, gauges are FP64
 *   twopkg       two packages (gapped physical ids), one zone each: per-package
 *                energy, configured idle per package, conservation per package
 *   hl           high-level API: "=instant" gauges (vm@NAME), region deltas
 *   model        no RAPL + PAPI_VIRT_POWER_MODEL: estimated, labelled so,
 *                energy between idle and max watts x time
 *   noenergy     no RAPL, no model: energy events absent, reason given (and,
 *                on PAPI >= 7.2, the component partially disabled with it)
 *   badmodel     malformed model: component disabled, reason names it
 *   unreachable  libvirt socket missing: disabled with the URI, fast
 * Fails (never skips) when the vmpower component is missing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"

#define FAIL(...) do { fprintf(stderr, "FAIL %s: ", scenario); fprintf(stderr, __VA_ARGS__); \
		       fprintf(stderr, "\n"); exit(1); } while (0)

static const char *scenario = "";
static char tmp[256];
static char zone[512];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		FAIL("command failed: %s", cmd);
}

/* A sysfs root with real topology and cgroups, plus (optionally) the
 * fixture's powercap zone. */
static void make_sysfs(int with_rapl)
{
	const char *fx = getenv("PV_FIXTURES");
	snprintf(tmp, sizeof(tmp), "/tmp/vmp-fx-XXXXXX");
	if (!mkdtemp(tmp))
		FAIL("mkdtemp: %s", strerror(errno));
	if (with_rapl)
		sh("cp -r '%s/vmpower-host/sys/class' '%s/'", fx ? fx : "ctests/fixtures", tmp);
	sh("ln -s /sys/devices '%s/devices' && ln -s /sys/fs '%s/fs'", tmp, tmp);
	snprintf(zone, sizeof(zone), "%s/class/powercap/intel-rapl:0", tmp);
	setenv("PAPI_VIRT_SYSFS", tmp, 1);
}

static void set_energy(uint64_t v)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/energy_uj", zone);
	FILE *f = fopen(p, "w");
	if (!f || fprintf(f, "%llu\n", (unsigned long long)v) < 0 || fclose(f) != 0)
		FAIL("cannot write %s", p);
}

static const PAPI_component_info_t *init_papi(void)
{
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		FAIL("PAPI_library_init");
	int cid = PAPI_get_component_index("vmpower");
	if (cid < 0)
		FAIL("the vmpower component is not compiled into this libpapi");
	const PAPI_component_info_t *ci = PAPI_get_component_info(cid);
	/* Delayed init: PAPI_library_init only read the configuration;
	 * enumeration activates it, as papi_component_avail does. */
	if (ci->disabled == PAPI_EDELAY_INIT) {
		int code = PAPI_NATIVE_MASK;
		(void)PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid);
		if (ci->disabled == PAPI_EDELAY_INIT)
			FAIL("enumeration did not activate vmpower: %s", ci->disabled_reason);
	}
	return ci;
}

static int add(int es, const char *name)
{
	return PAPI_add_named_event(es, name);
}

static double as_double(long long v)
{
	double d;
	memcpy(&d, &v, sizeof(d));
	return d;
}

static void run_rapl(void)
{
	const uint64_t max = 262143328850ull;
	make_sysfs(1);
	set_energy(max - 400000); /* the first second of advance wraps */
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_IDLE_POWER", "0.5", 1);
	const PAPI_component_info_t *ci = init_papi();
	if (ci->disabled)
		FAIL("vmpower disabled: %s", ci->disabled_reason);
	if (!strstr(ci->description, "RAPL"))
		FAIL("description does not name RAPL: %s", ci->description);

	int es = PAPI_NULL;
	const char *names[] = {
		"vmpower:::HOST_ENERGY_UJ", "vmpower:::HOST_ACTIVE_ENERGY_UJ",
		"vmpower:::HOST_IDLE_ENERGY_UJ", "vmpower:::HOST_OTHER_ENERGY_UJ",
		"vmpower:::VM_ENERGY_UJ", "vmpower:::VM_ENERGY_UJ:vm=test",
		"vmpower:::VM_POWER_W:vm@test", "vmpower:::VM_SHARE_PCT:vm=test",
		"vmpower:::HOST_ENERGY_UJ:pkg=0",
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	if (PAPI_create_eventset(&es) != PAPI_OK)
		FAIL("create_eventset");
	for (int i = 0; i < N; i++) {
		int rc = add(es, names[i]);
		if (rc != PAPI_OK)
			FAIL("add %s: %s", names[i], PAPI_strerror(rc));
	}
	int rc = add(es, "vmpower:::VM_ENERGY_UJ:vm=no-such-vm");
	if (rc != PAPI_ENOEVNT)
		FAIL("unknown VM: expected PAPI_ENOEVNT, got %d (%s)", rc, PAPI_strerror(rc));
	PAPI_event_info_t info;
	int code;
	if (PAPI_event_name_to_code("vmpower:::VM_POWER_W:vm=test", &code) != PAPI_OK ||
	    PAPI_get_event_info(code, &info) != PAPI_OK || info.data_type != PAPI_DATATYPE_FP64)
		FAIL("VM_POWER_W is not FP64");
	if (PAPI_event_name_to_code("vmpower:::HOST_ENERGY_UJ", &code) != PAPI_OK ||
	    PAPI_get_event_info(code, &info) != PAPI_OK || strcmp(info.units, "uJ") != 0)
		FAIL("HOST_ENERGY_UJ units '%s'", info.units);

	uint64_t e = max - 400000, advanced = 0;
	long long v[N];
	double t0 = now_s();
	if (PAPI_start(es) != PAPI_OK)
		FAIL("start");
	for (int k = 0; k < 6; k++) {
		usleep(150000);
		uint64_t step = 1000000 + 12345 * (uint64_t)k; /* ~7 W */
		e = (e + step) % (max + 1);
		advanced += step;
		set_energy(e);
		if (PAPI_read(es, v) != PAPI_OK)
			FAIL("read");
		if ((uint64_t)v[0] != advanced)
			FAIL("HOST_ENERGY_UJ %lld != advanced %llu (wraparound?)", v[0], (unsigned long long)advanced);
		if (v[1] + v[2] != v[0])
			FAIL("ACTIVE %lld + IDLE %lld != ENERGY %lld", v[1], v[2], v[0]);
		if (v[4] + v[3] != v[1])
			FAIL("VMs %lld + OTHER %lld != ACTIVE %lld", v[4], v[3], v[1]);
		if (v[8] != v[0])
			FAIL("pkg=0 %lld != total %lld on a 1-package host", v[8], v[0]);
	}
	double dt = now_s() - t0;
	if (PAPI_stop(es, v) != PAPI_OK)
		FAIL("stop");
	/* idle: 0.5 W configured over the window (the last interval ends at
	 * the stop; allow 20% for scheduling) */
	double idle_j = (double)v[2] / 1e6;
	if (idle_j < 0.5 * dt * 0.8 || idle_j > 0.5 * dt * 1.2)
		FAIL("HOST_IDLE %.3f J, expected ~%.3f J (0.5 W x %.2f s)", idle_j, 0.5 * dt, dt);
	/* the test driver's VM has no QEMU process: no basis, no energy */
	if (v[5] != 0 || as_double(v[6]) != 0.0 || as_double(v[7]) != 0.0)
		FAIL("VM without process got energy %lld / %f W / %f %%", v[5], as_double(v[6]), as_double(v[7]));
	printf("rapl: %.3f J in %.2f s, idle %.3f J, active %.3f J, other %.3f J, conservation exact, wrap ok\n",
	       (double)v[0] / 1e6, dt, idle_j, (double)v[1] / 1e6, (double)v[3] / 1e6);
	PAPI_shutdown();
}

/* The high-level API: gauges with "=instant" (written vm@NAME, since the
 * HL parser splits at the first '='), a counter as a region delta. */
static void run_hl(void)
{
	char out[600], cmd[1400];
	make_sysfs(1);
	set_energy(5000000);
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_IDLE_POWER", "0", 1);
	snprintf(out, sizeof(out), "%s/hl", tmp);
	setenv("PAPI_OUTPUT_DIRECTORY", out, 1);
	setenv("PAPI_EVENTS", "vmpower:::HOST_ENERGY_UJ,vmpower:::VM_POWER_UW:vm@test=instant,"
	       "vmpower:::VM_SHARE_PPM:vm@test=instant,vmpower:::HOST_ACTIVE_ENERGY_UJ", 1);
	pid_t pid = fork();
	if (pid == 0) {
		if (PAPI_hl_region_begin("vmp") != PAPI_OK)
			_exit(3);
		usleep(100000);
		set_energy(7000000);
		usleep(100000);
		if (PAPI_hl_region_end("vmp") != PAPI_OK)
			_exit(4);
		exit(0); /* the HL API writes its JSON at exit */
	}
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("HL child failed (status %d)", st);
	snprintf(cmd, sizeof(cmd), "f=$(ls '%s'/papi_hl_output*/rank_*.json | head -1) && tr -d ' \\n' < \"$f\" > '%s/hl.txt'", out, tmp);
	if (system(cmd) != 0)
		FAIL("no HL output under %s", out);
	snprintf(cmd, sizeof(cmd), "%s/hl.txt", tmp);
	FILE *f = fopen(cmd, "r");
	static char buf[65536];
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	if (!strstr(buf, "\"vmpower:::HOST_ENERGY_UJ\":\"2000000\""))
		FAIL("HOST_ENERGY_UJ region delta is not 2000000 uJ: %s", buf);
	if (!strstr(buf, "\"vmpower:::VM_POWER_UW:vm@test\":{\"component\":\"vmpower\",\"type\":\"instant\"}"))
		FAIL("VM_POWER_UW:vm@test is not an instant event: %s", buf);
	if (!strstr(buf, "\"vmpower:::VM_SHARE_PPM:vm@test\":\"0\""))
		FAIL("VM_SHARE_PPM of a VM without process is not 0: %s", buf);
	printf("hl: =instant gauges and region deltas through PAPI_hl_region_begin/end\n");
}

/* Two packages (physical ids 0 and 3, a gap, CPU 3 offline) with one RAPL
 * zone each: energies, idle baselines and conservation per package. */
static void run_twopkg(void)
{
	const char *fx = getenv("PV_FIXTURES");
	char z0[600], z1[600];
	snprintf(tmp, sizeof(tmp), "/tmp/vmp-fx-XXXXXX");
	if (!mkdtemp(tmp))
		FAIL("mkdtemp: %s", strerror(errno));
	sh("cp -r '%s/vmpower-2pkg/sys/.' '%s/'", fx ? fx : "ctests/fixtures", tmp);
	setenv("PAPI_VIRT_SYSFS", tmp, 1);
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_IDLE_POWER", "1,2", 1);
	snprintf(z0, sizeof(z0), "%s/class/powercap/intel-rapl:0", tmp);
	snprintf(z1, sizeof(z1), "%s/class/powercap/intel-rapl:1", tmp);
	const PAPI_component_info_t *ci = init_papi();
	if (ci->disabled)
		FAIL("vmpower disabled: %s", ci->disabled_reason);
	const char *names[] = {
		"vmpower:::HOST_ENERGY_UJ:pkg=0", "vmpower:::HOST_ENERGY_UJ:pkg=1", "vmpower:::HOST_ENERGY_UJ",
		"vmpower:::HOST_ACTIVE_ENERGY_UJ:pkg=1", "vmpower:::HOST_IDLE_ENERGY_UJ:pkg=1",
		"vmpower:::HOST_OTHER_ENERGY_UJ:pkg=1", "vmpower:::VM_ENERGY_UJ:pkg=1",
		"vmpower:::HOST_IDLE_ENERGY_UJ:pkg=0",
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	int es = PAPI_NULL, code;
	long long v[N];
	PAPI_create_eventset(&es);
	for (int i = 0; i < N; i++)
		if (add(es, names[i]) != PAPI_OK)
			FAIL("add %s", names[i]);
	if (PAPI_event_name_to_code("vmpower:::HOST_ENERGY_UJ:pkg=2", &code) != PAPI_ENOEVNT)
		FAIL("pkg=2 exists on a 2-package host");
	uint64_t e0 = 0, e1 = 0;
	double t0 = now_s();
	PAPI_start(es);
	for (int k = 0; k < 4; k++) {
		usleep(150000);
		e0 += 1000000;
		e1 += 3000000;
		snprintf(zone, sizeof(zone), "%s", z0);
		set_energy(e0);
		snprintf(zone, sizeof(zone), "%s", z1);
		set_energy(e1);
		if (PAPI_read(es, v) != PAPI_OK)
			FAIL("read");
		if ((uint64_t)v[0] != e0 || (uint64_t)v[1] != e1 || v[2] != v[0] + v[1])
			FAIL("per-package energy %lld %lld total %lld, advanced %llu %llu", v[0], v[1], v[2],
			     (unsigned long long)e0, (unsigned long long)e1);
		if (v[3] + v[4] != v[1] || v[6] + v[5] != v[3])
			FAIL("pkg 1 conservation: active %lld idle %lld energy %lld vms %lld other %lld",
			     v[3], v[4], v[1], v[6], v[5]);
	}
	double dt = now_s() - t0;
	PAPI_stop(es, v);
	double i0 = (double)v[7] / 1e6, i1 = (double)v[4] / 1e6;
	if (i1 < 2 * dt * 0.8 || i1 > 2 * dt * 1.2 || i0 < 1 * dt * 0.8 || i0 > 1 * dt * 1.2)
		FAIL("idle per package %.3f J / %.3f J, expected ~%.3f / ~%.3f", i0, i1, dt, 2 * dt);
	printf("twopkg: pkg0 %.1f J pkg1 %.1f J exact, idle %.3f/%.3f J (1 W/2 W x %.2f s), conservation per package\n",
	       (double)v[0] / 1e6, (double)v[1] / 1e6, i0, i1, dt);
	PAPI_shutdown();
}

static void run_model(void)
{
	make_sysfs(0);
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_POWER_MODEL", "idle=10,max=50", 1);
	const PAPI_component_info_t *ci = init_papi();
	if (ci->disabled)
		FAIL("vmpower disabled: %s", ci->disabled_reason);
	if (!strstr(ci->description, "ESTIMATED"))
		FAIL("description does not say ESTIMATED: %s", ci->description);
#if PAPI_VERSION >= PAPI_VERSION_NUMBER(7, 2, 0, 0)
	if (ci->partially_disabled)
		FAIL("partially disabled with a power model: %s", ci->partially_disabled_reason);
#endif
	int code;
	char descr[PAPI_HUGE_STR_LEN];
	PAPI_event_info_t info;
	if (PAPI_event_name_to_code("vmpower:::VM_ENERGY_UJ", &code) != PAPI_OK ||
	    PAPI_get_event_info(code, &info) != PAPI_OK)
		FAIL("VM_ENERGY_UJ missing");
	snprintf(descr, sizeof(descr), "%s", info.long_descr);
	if (!strstr(descr, "ESTIMATED") || !strstr(descr, "idle=10,max=50"))
		FAIL("VM_ENERGY_UJ description does not label the estimate: %s", descr);
	int es = PAPI_NULL;
	long long v[4];
	PAPI_create_eventset(&es);
	if (add(es, "vmpower:::HOST_ENERGY_UJ") || add(es, "vmpower:::HOST_IDLE_ENERGY_UJ") ||
	    add(es, "vmpower:::HOST_ACTIVE_ENERGY_UJ") || add(es, "vmpower:::HOST_OTHER_ENERGY_UJ"))
		FAIL("add host events");
	double t0 = now_s();
	PAPI_start(es);
	usleep(600000);
	PAPI_stop(es, v);
	double dt = now_s() - t0;
	double j = (double)v[0] / 1e6;
	/* between idle and max watts over the window (+-15% for the edges) */
	if (j < 10 * dt * 0.85 || j > 50 * dt * 1.15)
		FAIL("model energy %.3f J outside [10 W, 50 W] x %.2f s", j, dt);
	if (v[1] + v[2] != v[0] || v[3] != v[2])
		FAIL("conservation: idle %lld active %lld energy %lld other %lld", v[1], v[2], v[0], v[3]);
	if ((double)v[1] / 1e6 < 10 * dt * 0.85)
		FAIL("model idle %.3f J below 10 W x %.2f s", (double)v[1] / 1e6, dt);
	printf("model: %.3f J in %.2f s (%.1f W), idle %.3f J: ESTIMATED and labelled\n", j, dt, j / dt,
	       (double)v[1] / 1e6);
	PAPI_shutdown();
}

static void run_noenergy(void)
{
	make_sysfs(0);
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	unsetenv("PAPI_VIRT_POWER_MODEL");
	const PAPI_component_info_t *ci = init_papi();
	if (ci->disabled)
		FAIL("vmpower disabled: %s", ci->disabled_reason);
	int code;
	if (PAPI_event_name_to_code("vmpower:::VM_ENERGY_UJ:vm=test", &code) != PAPI_ENOEVNT)
		FAIL("VM_ENERGY_UJ exists without RAPL and model");
	if (PAPI_event_name_to_code("vmpower:::HOST_ENERGY_UJ", &code) != PAPI_ENOEVNT)
		FAIL("HOST_ENERGY_UJ exists without RAPL and model");
	PAPI_event_info_t info;
	if (PAPI_event_name_to_code("vmpower:::VM_CPU_TIME_NS:vm=test", &code) != PAPI_OK ||
	    PAPI_get_event_info(code, &info) != PAPI_OK)
		FAIL("VM_CPU_TIME_NS missing");
	if (!strstr(info.long_descr, "basis"))
		FAIL("VM_CPU_TIME_NS does not say the basis: %s", info.long_descr);
	if (!strstr(ci->description, "none"))
		FAIL("description does not say there is no energy: %s", ci->description);
#if PAPI_VERSION >= PAPI_VERSION_NUMBER(7, 2, 0, 0)
	/* PAPI 7.2's papi_component_avail shows it as "Partially disabled". */
	if (!ci->partially_disabled || !strstr(ci->partially_disabled_reason, "PAPI_VIRT_POWER_MODEL"))
		FAIL("not partially disabled with a reason naming PAPI_VIRT_POWER_MODEL: %d '%s'",
		     ci->partially_disabled, ci->partially_disabled_reason);
#endif
	printf("noenergy: energy events absent; %s\n", ci->description);
	PAPI_shutdown();
}

static void run_badmodel(void)
{
	make_sysfs(0);
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_POWER_MODEL", "idle=10", 1);
	const PAPI_component_info_t *ci = init_papi();
	if (!ci->disabled || !strstr(ci->disabled_reason, "PAPI_VIRT_POWER_MODEL") ||
	    !strstr(ci->disabled_reason, "max"))
		FAIL("expected disabled naming the model, got disabled=%d '%s'", ci->disabled, ci->disabled_reason);
	printf("badmodel: %s\n", ci->disabled_reason);
	PAPI_shutdown();
}

static void run_unreachable(void)
{
	make_sysfs(1);
	setenv("PAPI_VIRT_URI", "qemu:///system?socket=/nonexistent/vmp/sock", 1);
	double t0 = now_s();
	const PAPI_component_info_t *ci = init_papi();
	double dt = now_s() - t0;
	if (!ci->disabled || !strstr(ci->disabled_reason, "/nonexistent/vmp/sock"))
		FAIL("expected disabled naming the socket, got disabled=%d '%s'", ci->disabled, ci->disabled_reason);
	if (dt > 6.0)
		FAIL("PAPI_library_init took %.1f s (documented bound 5 s)", dt);
	printf("unreachable (%.3f s): %s\n", dt, ci->disabled_reason);
	PAPI_shutdown();
}

int main(void)
{
	static const struct { const char *name; void (*fn)(void); } sc[] = {
		{ "rapl", run_rapl }, { "hl", run_hl }, { "twopkg", run_twopkg }, { "model", run_model }, { "noenergy", run_noenergy },
		{ "badmodel", run_badmodel }, { "unreachable", run_unreachable },
	};
	int failed = 0;
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			scenario = sc[i].name;
			alarm(60);
			sc[i].fn();
			if (tmp[0])
				sh("rm -rf '%s'", tmp);
			exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "scenario %s failed (status %d)\n", sc[i].name, st);
			failed++;
		}
	}
	printf("%s\n", failed ? "FAILED" : "PASSED");
	return failed ? 1 : 0;
}
