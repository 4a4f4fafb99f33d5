/* Unit tests of the shared RAPL energy reader (pv_rapl) on fixture trees:
 * zones identified by name (psys does not shift packages), 64-bit
 * accumulation across energy_uj wraparound, the perf power PMU's sysfs
 * description, the reasons given when nothing can be read, and the dense
 * package numbering of pv_topo for both sources (pkgnum-gap: physical
 * packages 3 and 0, zones "package-3" then "package-0"). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_fs.h"
#include "pv_rapl.h"
#include "pv_rapl_priv.h"

static void use_fixture(const char *scenario)
{
	pv_check_use_fixture(scenario, PV_CHECK_SYS);
}

/* A private, writable copy of a fixture's sys tree; PAPI_VIRT_SYSFS -> it. */
static void copy_fixture(const char *scenario)
{
	pv_check_use_root(PV_CHECK_SYS, pv_check_tmp_copy(scenario, "sys"));
}

static void put(const char *rel, const char *s)
{
	ck_assert_int_eq(pv_fs_write_str(PV_SYS, rel, s), 0);
}

START_TEST(delta_wraps_modulo_range_plus_one)
{
	ck_assert_uint_eq(pv_rapl_delta(10, 25, 100), 15);
	ck_assert_uint_eq(pv_rapl_delta(7, 7, 100), 0);
	/* 95 -> 100 -> 0 -> 4: 5 + 1 + 4 */
	ck_assert_uint_eq(pv_rapl_delta(95, 4, 100), 10);
	ck_assert_uint_eq(pv_rapl_delta(100, 0, 100), 1);
	/* A value above the range: a reset, count from zero. */
	ck_assert_uint_eq(pv_rapl_delta(200, 4, 100), 4);
	ck_assert_uint_eq(pv_rapl_delta(200, 4, 0), 4);
}
END_TEST

START_TEST(zone_names)
{
	enum pv_rapl_dom d;
	int pkg;

	ck_assert_int_eq(pv_rapl_zone_name("package-0", &d, &pkg), 0);
	ck_assert_int_eq(d, PV_RAPL_PACKAGE);
	ck_assert_int_eq(pkg, 0);
	ck_assert_int_eq(pv_rapl_zone_name("package-12", &d, &pkg), 0);
	ck_assert_int_eq(pkg, 12);
	ck_assert_int_eq(pv_rapl_zone_name("psys", &d, &pkg), 0);
	ck_assert_int_eq(d, PV_RAPL_PSYS);
	ck_assert_int_eq(pv_rapl_zone_name("dram", &d, &pkg), 0);
	ck_assert_int_eq(d, PV_RAPL_DRAM);
	ck_assert_int_eq(pv_rapl_zone_name("package-", &d, &pkg), -EINVAL);
	ck_assert_int_eq(pv_rapl_zone_name("package--1", &d, &pkg), -EINVAL);
	ck_assert_int_eq(pv_rapl_zone_name("package-0-die-1", &d, &pkg), -EINVAL);
	ck_assert_int_eq(pv_rapl_zone_name("gpu", &d, &pkg), -EINVAL);
	ck_assert_str_eq(pv_rapl_dom_name(PV_RAPL_UNCORE), "uncore");
	ck_assert_ptr_null(pv_rapl_dom_name(PV_RAPL_NDOMS));
}
END_TEST

START_TEST(intel_zones_by_name)
{
	struct pv_rapl *r = NULL;
	struct pv_rapl_info in;
	char reason[PV_RAPL_REASON_MAX];
	uint64_t uj;
	int i;

	use_fixture("rapl-intel-2pkg");
	ck_assert_int_eq(pv_rapl_open(0, &r, reason, sizeof(reason)), 0);
	ck_assert_int_eq(pv_rapl_source(r), PV_RAPL_SRC_POWERCAP);
	ck_assert_int_eq(pv_rapl_npackages(r), 2);
	/* pkg0: package core uncore dram; pkg1: package core dram; psys.
	 * intel-rapl-mmio:0 is not a domain. */
	ck_assert_int_eq(pv_rapl_count(r), 8);
	/* psys is intel-rapl:1: package 1 is intel-rapl:2 all the same. */
	i = pv_rapl_find(r, 1, PV_RAPL_PACKAGE);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(pv_rapl_info(r, i, &in), 0);
	ck_assert_str_eq(in.zone, "class/powercap/intel-rapl:2");
	ck_assert_uint_eq(in.max_range_uj, 262143328850ULL);
	ck_assert_int_eq(pv_rapl_read_package(r, 1, &uj), 0);
	ck_assert_uint_eq(uj, 98765432109ULL);
	i = pv_rapl_find(r, 7, PV_RAPL_PSYS);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(pv_rapl_info(r, i, &in), 0);
	ck_assert_int_eq(in.pkg, -1);
	ck_assert_str_eq(in.zone, "class/powercap/intel-rapl:1");
	i = pv_rapl_find(r, 1, PV_RAPL_DRAM);
	ck_assert_int_eq(pv_rapl_info(r, i, &in), 0);
	ck_assert_str_eq(in.zone, "class/powercap/intel-rapl:2:1");
	ck_assert_int_eq(pv_rapl_find(r, 1, PV_RAPL_UNCORE), -ENOENT);
	ck_assert_int_eq(pv_rapl_find(r, 2, PV_RAPL_PACKAGE), -ENOENT);
	ck_assert_int_eq(pv_rapl_info(r, 8, &in), -ENOENT);
	/* Sorted by package then domain, psys last. */
	ck_assert_int_eq(pv_rapl_info(r, 0, &in), 0);
	ck_assert_int_eq(in.pkg, 0);
	ck_assert_int_eq(in.dom, PV_RAPL_PACKAGE);
	ck_assert_int_eq(pv_rapl_info(r, 7, &in), 0);
	ck_assert_int_eq(in.dom, PV_RAPL_PSYS);
	/* 262143328850 uJ at 200 W: 1310.7 s between reads at most. */
	ck_assert(pv_rapl_wrap_seconds(r, 0, 200.0) > 1310.0 && pv_rapl_wrap_seconds(r, 0, 200.0) < 1311.0);
	pv_rapl_close(r);
}
END_TEST

START_TEST(accumulates_across_wraparound)
{
	const char *z = "class/powercap/intel-rapl:0:2/energy_uj"; /* dram, max 65712999613 */
	struct pv_rapl *r = NULL;
	uint64_t a, b, c, d;
	int i;

	copy_fixture("rapl-intel-2pkg");
	put(z, "65712999000\n");
	ck_assert_int_eq(pv_rapl_open(0, &r, NULL, 0), 0);
	i = pv_rapl_find(r, 0, PV_RAPL_DRAM);
	ck_assert_int_eq(pv_rapl_read(r, i, &a), 0);
	ck_assert_uint_eq(a, 65712999000ULL); /* equals energy_uj before a wrap */
	put(z, "65712999613\n");              /* the top of the range */
	ck_assert_int_eq(pv_rapl_read(r, i, &b), 0);
	ck_assert_uint_eq(b - a, 613);
	put(z, "386\n"); /* 0 is one step after the top: 1 + 386 */
	ck_assert_int_eq(pv_rapl_read(r, i, &c), 0);
	ck_assert_uint_eq(c - b, 387);
	ck_assert_uint_eq(c, 65712999613ULL + 387); /* 64-bit: beyond the file's range */
	put(z, "65712999000\n"); /* most of a second lap, no wrap */
	ck_assert_int_eq(pv_rapl_read(r, i, &d), 0);
	ck_assert_uint_eq(d - c, 65712999000ULL - 386);
	/* Two domains in one call, under one lock. */
	{
		int idx[2] = { pv_rapl_find(r, 0, PV_RAPL_PACKAGE), i };
		uint64_t v[2];

		ck_assert_int_eq(pv_rapl_read_many(r, idx, 2, v), 0);
		ck_assert_uint_eq(v[0], 123456789012ULL);
		ck_assert_uint_eq(v[1], d);
		idx[1] = 99;
		v[1] = 5;
		ck_assert_int_eq(pv_rapl_read_many(r, idx, 2, v), -ENOENT);
		ck_assert_uint_eq(v[1], 5);
	}
	/* Malformed content is an error, and does not disturb the sum. */
	put(z, "junk\n");
	ck_assert_int_eq(pv_rapl_read(r, i, &a), -EINVAL);
	put(z, "65712999100\n");
	ck_assert_int_eq(pv_rapl_read(r, i, &a), 0);
	ck_assert_uint_eq(a - d, 100);
	pv_rapl_close(r);
	pv_check_tmp_drop();
}
END_TEST

START_TEST(amd_host)
{
	struct pv_rapl *r = NULL;
	uint64_t uj;

	use_fixture("rapl-amd");
	ck_assert_int_eq(pv_rapl_open(0, &r, NULL, 0), 0);
	ck_assert_int_eq(pv_rapl_npackages(r), 1);
	ck_assert_int_eq(pv_rapl_count(r), 2);
	ck_assert_int_ge(pv_rapl_find(r, 0, PV_RAPL_CORE), 0);
	ck_assert_int_eq(pv_rapl_find(r, 0, PV_RAPL_PSYS), -ENOENT);
	ck_assert_int_eq(pv_rapl_read_package(r, 0, &uj), 0);
	ck_assert_uint_eq(uj, 4000000000ULL);
	pv_rapl_close(r);
}
END_TEST

START_TEST(vm_without_rapl_says_why)
{
	struct pv_rapl *r = NULL;
	char reason[PV_RAPL_REASON_MAX], path[PATH_MAX];

	use_fixture("rapl-vm-none");
	ck_assert_int_eq(pv_rapl_open(0, &r, reason, sizeof(reason)), -ENODEV);
	ck_assert_ptr_null(r);
	snprintf(path, sizeof(path), "%s/class/powercap: not present", pv_fs_root(PV_SYS));
	ck_assert_msg(strstr(reason, path), "reason: %s", reason);
	ck_assert_msg(strstr(reason, "bus/event_source/devices/power absent"), "reason: %s", reason);
}
END_TEST

START_TEST(real_sys_of_this_machine)
{
	/* This machine (a VM) has no RAPL: the real /sys must give a reason. */
	struct pv_rapl *r = NULL;
	char reason[PV_RAPL_REASON_MAX];
	int rc;

	unsetenv("PAPI_VIRT_SYSFS");
	pv_config_reset();
	rc = pv_rapl_open(0, &r, reason, sizeof(reason));
	if (rc == 0) {
		/* A host with RAPL: then it must have a package domain. */
		ck_assert_int_ge(pv_rapl_find(r, 0, PV_RAPL_PACKAGE), 0);
		pv_rapl_close(r);
		return;
	}
	ck_assert_msg(strstr(reason, "powercap") && strstr(reason, "perf power PMU"), "reason: %s", reason);
}
END_TEST

START_TEST(perf_pmu_description)
{
	struct pv_rapl_perf_desc d;
	char reason[PV_RAPL_REASON_MAX] = "";
	int i, found = 0;

	use_fixture("rapl-intel-2pkg");
	ck_assert_int_eq(pv_rapl_perf_scan(&d, reason, sizeof(reason)), 0);
	ck_assert_int_eq(d.type, 23);
	ck_assert_int_eq(d.ncpu, 2);
	ck_assert_int_eq(d.cpu[1], 2);
	ck_assert_int_eq(d.pkg[1], 1);
	ck_assert_int_eq(d.nev, 4); /* pkg, cores, ram, psys; no gpu */
	for (i = 0; i < d.nev; i++) {
		if (d.ev[i].dom == PV_RAPL_DRAM) {
			ck_assert_uint_eq(d.ev[i].config, 3);
			ck_assert(d.ev[i].scale == 1.52587890625e-05);
			found++;
		}
		if (d.ev[i].dom == PV_RAPL_PACKAGE) {
			ck_assert_uint_eq(d.ev[i].config, 2);
			ck_assert(d.ev[i].scale == 2.3283064365386962890625e-10);
			found++;
		}
	}
	ck_assert_int_eq(found, 2);
}
END_TEST

START_TEST(perf_parsers)
{
	uint64_t c;

	ck_assert_int_eq(pv_rapl_perf_parse_config("event=0x02\n", &c), 0);
	ck_assert_uint_eq(c, 2);
	ck_assert_int_eq(pv_rapl_perf_parse_config("event=17", &c), 0);
	ck_assert_uint_eq(c, 17);
	ck_assert_int_eq(pv_rapl_perf_parse_config("event=0x02,umask=1", &c), -EINVAL);
	ck_assert_int_eq(pv_rapl_perf_parse_config("event=", &c), -EINVAL);
	ck_assert_int_eq(pv_rapl_perf_parse_config("", &c), -EINVAL);
	/* the cpumask parser's assertions are in test_pv_cpus.c */
}
END_TEST

START_TEST(perf_fallback_reports_open_failure)
{
	/* The fixture describes a power PMU of type 23 that this kernel does
	 * not have: perf_event_open fails and the reason names the call. */
	struct pv_rapl *r = NULL;
	char reason[PV_RAPL_REASON_MAX];
	int rc;

	use_fixture("rapl-intel-2pkg");
	rc = pv_rapl_open(PV_RAPL_NO_POWERCAP, &r, reason, sizeof(reason));
	ck_assert_int_lt(rc, 0);
	ck_assert_msg(strstr(reason, "perf_event_open(type 23, config 0x2, cpu 0)"), "reason: %s", reason);
	ck_assert_msg(strstr(reason, "powercap not used"), "reason: %s", reason);
	ck_assert_int_eq(pv_rapl_open(PV_RAPL_NO_POWERCAP | PV_RAPL_NO_PERF, &r, reason, sizeof(reason)), -ENODEV);
}
END_TEST

START_TEST(unknown_and_broken_zones_are_skipped)
{
	struct pv_rapl *r = NULL;
	char reason[PV_RAPL_REASON_MAX];

	copy_fixture("rapl-intel-2pkg");
	put("class/powercap/intel-rapl:0:1/name", "gpu\n");
	put("class/powercap/intel-rapl:2:0/max_energy_range_uj", "\n");
	ck_assert_int_eq(pv_rapl_open(0, &r, reason, sizeof(reason)), 0);
	/* the skipped zone is named with its file and the cause */
	ck_assert_msg(strstr(reason, "intel-rapl:2:0/max_energy_range_uj: malformed content") != NULL, "%s", reason);
	ck_assert_int_eq(pv_rapl_count(r), 6);
	ck_assert_int_eq(pv_rapl_find(r, 0, PV_RAPL_UNCORE), -ENOENT);
	ck_assert_int_eq(pv_rapl_find(r, 1, PV_RAPL_CORE), -ENOENT);
	pv_rapl_close(r);
	pv_check_tmp_drop();
}
END_TEST

/* More zones than the reader keeps: the rest are ignored, and said so. */
START_TEST(too_many_zones_are_said)
{
	struct pv_rapl *r = NULL;
	char reason[PV_RAPL_REASON_MAX], cmd[PATH_MAX + 512];

	copy_fixture("rapl-intel-2pkg");
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/sys/class/powercap' && for k in $(seq 10 309); do d=intel-rapl:$k:0; mkdir $d && "
		 "echo dram > $d/name && echo 1 > $d/energy_uj && echo 1000 > $d/max_energy_range_uj; done",
		 pv_check_tmp);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(pv_rapl_open(0, &r, reason, sizeof(reason)), 0);
	ck_assert_msg(strstr(reason, "more than 256 intel-rapl zones in ") != NULL, "%s", reason);
	pv_rapl_close(r);
	pv_check_tmp_drop();
}
END_TEST

START_TEST(non_root_gets_precise_reason)
{
	/* energy_uj is 0400 root since Linux 5.10: as "nobody", the reason must
	 * name the file, the error and the cause. */
	char cmd[PATH_MAX + 128];
	pid_t pid;
	int st;

	if (geteuid() != 0)
		return; /* the non-root path is then the real one, covered above */
	copy_fixture("rapl-intel-2pkg");
	snprintf(cmd, sizeof(cmd), "chmod 0755 '%s' && chmod 0400 '%s'/sys/class/powercap/*/energy_uj", pv_check_tmp,
		 pv_check_tmp);
	ck_assert_int_eq(system(cmd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct pv_rapl *r = NULL;
		char reason[PV_RAPL_REASON_MAX];
		int rc;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		rc = pv_rapl_open(PV_RAPL_NO_PERF, &r, reason, sizeof(reason));
		if (rc != -EACCES) {
			fprintf(stderr, "rc %d reason %s\n", rc, reason);
			_exit(11);
		}
		if (!strstr(reason, "intel-rapl:0/energy_uj: Permission denied") || !strstr(reason, "CVE-2020-8694")) {
			fprintf(stderr, "reason: %s\n", reason);
			_exit(12);
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	pv_check_tmp_drop();
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
}
END_TEST

START_TEST(advance_tool_matches_reader)
{
	/* The fixture helper vmpower's tests use must wrap as the reader does. */
	char cmd[2 * PATH_MAX];
	struct pv_rapl *r = NULL;
	uint64_t a, b;
	const char *src = getenv("PV_SRCDIR");
	char tool[PATH_MAX];

	snprintf(tool, sizeof(tool), "%s/ctests/fixtures/rapl-tools/advance_energy.sh", src ? src : ".");
	copy_fixture("rapl-intel-2pkg");
	snprintf(cmd, sizeof(cmd), "sh '%s' --to '%s/sys/class/powercap/intel-rapl:0' 262143000000 >/dev/null", tool,
		 pv_check_tmp);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(pv_rapl_open(0, &r, NULL, 0), 0);
	ck_assert_int_eq(pv_rapl_read_package(r, 0, &a), 0);
	/* 150 W for 10 s = 1.5e9 uJ, across the wrap at 262143328850. */
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s/sys/class/powercap/intel-rapl:0' 150 10 >/dev/null", tool, pv_check_tmp);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(pv_rapl_read_package(r, 0, &b), 0);
	ck_assert_uint_eq(b - a, 1500000000ULL);
	pv_rapl_close(r);
	pv_check_tmp_drop();
}
END_TEST

/* Physical package 3 is pkg=1 although its zone is intel-rapl:0 and its
 * CPUs come first; energy of pkg=N comes from that package's zone. */
START_TEST(gap_powercap_dense_numbering)
{
	struct pv_rapl *r = NULL;
	struct pv_rapl_info in;
	char reason[PV_RAPL_REASON_MAX], num[128];
	uint64_t a0, a1, b0, b1;

	copy_fixture("pkgnum-gap");
	ck_assert_int_eq(pv_rapl_open(PV_RAPL_NO_PERF, &r, reason, sizeof(reason)), 0);
	ck_assert_str_eq(reason, "");
	ck_assert_int_eq(pv_rapl_npackages(r), 2);
	ck_assert_int_eq(pv_rapl_info(r, pv_rapl_find(r, 1, PV_RAPL_PACKAGE), &in), 0);
	ck_assert_str_eq(in.zone, "class/powercap/intel-rapl:0");
	ck_assert_int_eq(in.pkg, 1);
	ck_assert_int_eq(in.pkg_id, 3);
	ck_assert_int_eq(pv_rapl_info(r, pv_rapl_find(r, 0, PV_RAPL_PACKAGE), &in), 0);
	ck_assert_str_eq(in.zone, "class/powercap/intel-rapl:1");
	ck_assert_int_eq(in.pkg_id, 0);
	/* a subzone takes its parent's package */
	ck_assert_int_eq(pv_rapl_info(r, pv_rapl_find(r, 1, PV_RAPL_DRAM), &in), 0);
	ck_assert_str_eq(in.zone, "class/powercap/intel-rapl:0:0");
	ck_assert_int_eq(in.pkg_id, 3);
	ck_assert_int_eq(pv_rapl_find(r, 3, PV_RAPL_PACKAGE), -ENOENT);
	ck_assert_int_eq(pv_rapl_numbering(r, num, sizeof(num)), 1);
	ck_assert_str_eq(num, "pkg=1 is physical package 3");

	ck_assert_int_eq(pv_rapl_read_package(r, 0, &a0), 0);
	ck_assert_int_eq(pv_rapl_read_package(r, 1, &a1), 0);
	put("class/powercap/intel-rapl:0/energy_uj", "10000000\n"); /* physical 3: +7 J */
	put("class/powercap/intel-rapl:1/energy_uj", "3000000\n");  /* physical 0: +2 J */
	ck_assert_int_eq(pv_rapl_read_package(r, 0, &b0), 0);
	ck_assert_int_eq(pv_rapl_read_package(r, 1, &b1), 0);
	ck_assert_uint_eq(b1 - a1, 7000000);
	ck_assert_uint_eq(b0 - a0, 2000000);
	pv_rapl_close(r);
	pv_check_tmp_drop();
}
END_TEST

static void add_zone(const char *zone, const char *name)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "%s/sys/class/powercap/%s/name", pv_check_tmp, zone);
	pv_check_write(rel, name);
	snprintf(rel, sizeof(rel), "%s/sys/class/powercap/%s/energy_uj", pv_check_tmp, zone);
	pv_check_write(rel, "1\n");
	snprintf(rel, sizeof(rel), "%s/sys/class/powercap/%s/max_energy_range_uj", pv_check_tmp, zone);
	pv_check_write(rel, "262143328850\n");
}

static void expect_pkg(struct pv_rapl *r, const char *zone, int pkg)
{
	struct pv_rapl_info in;

	ck_assert_int_eq(pv_rapl_info(r, pv_rapl_find(r, pkg, PV_RAPL_PACKAGE), &in), 0);
	ck_assert_str_eq(in.zone, zone);
}

/* A zone whose physical id no online CPU has is numbered after the
 * topology's packages; without topology, by rank of the zones' ids. */
START_TEST(zone_without_online_cpu)
{
	struct pv_rapl *r = NULL;
	char path[PATH_MAX];

	copy_fixture("pkgnum-gap");
	add_zone("intel-rapl:2", "package-1\n");
	ck_assert_int_eq(pv_rapl_open(PV_RAPL_NO_PERF, &r, NULL, 0), 0);
	ck_assert_int_eq(pv_rapl_npackages(r), 3);
	expect_pkg(r, "class/powercap/intel-rapl:1", 0);
	expect_pkg(r, "class/powercap/intel-rapl:0", 1);
	expect_pkg(r, "class/powercap/intel-rapl:2", 2);
	pv_rapl_close(r);
	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/online", pv_check_tmp);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(pv_rapl_open(PV_RAPL_NO_PERF, &r, NULL, 0), 0);
	expect_pkg(r, "class/powercap/intel-rapl:1", 0);
	expect_pkg(r, "class/powercap/intel-rapl:2", 1);
	expect_pkg(r, "class/powercap/intel-rapl:0", 2);
	pv_rapl_close(r);
	pv_check_tmp_drop();
}
END_TEST

/* A stand-in for perf_event_open: a file holding the 64-bit count the PMU
 * would give, 2^32 x (cpu + 1) for energy-pkg (scale 2^-32 J: 1 J per CPU
 * position), 2^16 for energy-ram (scale 2^-16 J: 1 J). */
static int fake_perf_open(const struct pv_rapl_perf_desc *d, const struct pv_rapl_perf_ev *e, int cpu)
{
	char path[PATH_MAX];
	uint64_t count = e->dom == PV_RAPL_PACKAGE ? (uint64_t)(cpu + 1) << 32 : 1u << 16;
	int fd;

	snprintf(path, sizeof(path), "%s/perf-%d-%d", pv_check_tmp, cpu, (int)e->dom);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || pwrite(fd, &count, sizeof(count), 0) != (ssize_t)sizeof(count))
		return -EIO;
	return fd;
}

/* perf: cpumask "0,2", CPU 0 in physical package 3, CPU 2 in 0. */
START_TEST(perf_gap_dense_numbering)
{
	struct pv_rapl_perf_desc d;
	struct pv_rapl_info in;
	struct pv_rapl *r = calloc(1, sizeof(*r));
	char reason[PV_RAPL_REASON_MAX] = "";
	uint64_t uj;

	ck_assert_ptr_nonnull(r);
	pthread_mutex_init(&r->lock, NULL);
	copy_fixture("pkgnum-gap");
	ck_assert_int_eq(pv_rapl_perf_scan(&d, reason, sizeof(reason)), 0);
	ck_assert_int_eq(d.ncpu, 2);
	ck_assert_int_eq(d.cpu[0], 0);
	ck_assert_int_eq(d.pkg[0], 3); /* physical, as read */
	ck_assert_int_eq(d.pkg[1], 0);
	ck_assert_int_eq(pv_rapl_perf_add(r, &d, fake_perf_open, reason, sizeof(reason)), 0);
	pv_rapl_finish(r, NULL);
	ck_assert_int_eq(pv_rapl_npackages(r), 2);
	ck_assert_int_eq(pv_rapl_info(r, pv_rapl_find(r, 1, PV_RAPL_PACKAGE), &in), 0);
	ck_assert_int_eq(in.pkg_id, 3);
	ck_assert_int_eq(in.src, PV_RAPL_SRC_PERF);
	/* pkg=1 counts on CPU 0 (1 J), pkg=0 on CPU 2 (3 J) */
	ck_assert_int_eq(pv_rapl_read_package(r, 1, &uj), 0);
	ck_assert_uint_eq(uj, 1000000);
	ck_assert_int_eq(pv_rapl_read_package(r, 0, &uj), 0);
	ck_assert_uint_eq(uj, 3000000);
	ck_assert_int_eq(pv_rapl_info(r, pv_rapl_find(r, 1, PV_RAPL_DRAM), &in), 0);
	ck_assert_int_eq(in.pkg_id, 3);
	pv_rapl_close(r);
	pv_check_tmp_drop();
}
END_TEST

PV_CHECK_MAIN_WITH("pv_rapl", 20, NULL, NULL,
	delta_wraps_modulo_range_plus_one, zone_names, intel_zones_by_name, accumulates_across_wraparound,
	amd_host, vm_without_rapl_says_why, real_sys_of_this_machine, perf_pmu_description, perf_parsers,
	perf_fallback_reports_open_failure, unknown_and_broken_zones_are_skipped, too_many_zones_are_said,
	non_root_gets_precise_reason, advance_tool_matches_reader, gap_powercap_dense_numbering, zone_without_online_cpu,
	perf_gap_dense_numbering)
