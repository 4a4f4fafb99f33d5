/* Unit tests of pv_cgroup: cgroup v2 cpu.stat, parsed and read through
 * pv_fs from a sysfs tree made in a temporary directory. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_cgroup.h"
#include "pv_fs.h"
#include "pv_procstat.h"

#define CG "fs/cgroup/machine.slice/machine-qemu.scope"

static const char *root; /* the scratch root (pv_check.h) */
static char stat_path[PATH_MAX + 64];

/* <tmp>/fs/cgroup/machine.slice/machine-qemu.scope/, PAPI_VIRT_SYSFS=<tmp>. */
static void make_tree(void)
{
	char cmd[PATH_MAX + 96];

	root = pv_check_tmp_root();
	pv_check_use_root(PV_CHECK_SYS, root);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/" CG "'", root);
	ck_assert_int_eq(pv_check_sh(cmd), 0);
	snprintf(stat_path, sizeof(stat_path), "%s/" CG "/cpu.stat", root);
}

static void write_stat(const char *text)
{
	pv_check_write(stat_path, text);
}

static void drop_tree(void)
{
	pv_check_tmp_drop();
}

START_TEST(parse_known_keys)
{
	struct pv_cpustat cs;

	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n"
						 "nr_periods 0\nthrottled_usec 7\n", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 1500000);
	ck_assert_uint_eq(cs.user_ns, 1000000);
	ck_assert_uint_eq(cs.system_ns, 500000);
	ck_assert_uint_eq(cs.have, PV_CG_USAGE | PV_CG_USER | PV_CG_SYSTEM);
	/* any order, no final newline, other keys ignored */
	ck_assert_int_eq(pv_cgroup_parse_cpustat("core_sched.force_idle_usec 3\nsystem_usec 2\nusage_usec 9", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 9000);
	ck_assert_uint_eq(cs.have, PV_CG_USAGE | PV_CG_SYSTEM);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("", &cs), 0);
	ck_assert_uint_eq(cs.have, 0);
}
END_TEST

START_TEST(parse_malformed_and_saturation)
{
	struct pv_cpustat cs = { .usage_ns = 42 };

	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec x\n", &cs), -EINVAL);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec -1\n", &cs), -EINVAL);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec 12 13\n", &cs), -EINVAL);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec \n", &cs), -EINVAL);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec 99999999999999999999\n", &cs), -EINVAL);
	ck_assert_uint_eq(cs.usage_ns, 42); /* untouched on failure */
	/* usec that overflow ns: saturate at PV_NS_MAX, never wrap */
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec 18446744073709551615\n", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, PV_NS_MAX);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec 9223372036854775\n", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 9223372036854775000ull);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec 9223372036854776\n", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, PV_NS_MAX);
}
END_TEST

START_TEST(read_open_file_again)
{
	struct pv_cpustat cs;
	int fd;

	make_tree();
	write_stat("usage_usec 100\nuser_usec 60\nsystem_usec 40\n");
	fd = pv_cgroup_cpustat_open(CG);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pv_cgroup_cpustat_read(fd, &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 100000);
	/* the kept-open fd sees new content (one pread at offset 0) */
	write_stat("usage_usec 250\nuser_usec 150\nsystem_usec 100\n");
	ck_assert_int_eq(pv_cgroup_cpustat_read(fd, &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 250000);
	/* usage_usec missing: what a reader needs is absent */
	write_stat("user_usec 150\nsystem_usec 100\n");
	ck_assert_int_eq(pv_cgroup_cpustat_read(fd, &cs), -EINVAL);
	close(fd);
	write_stat("usage_usec 7\n");
	ck_assert_int_eq(pv_cgroup_cpustat_read_dir(CG, &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 7000);
	drop_tree();
}
END_TEST

START_TEST(missing_and_fifo)
{
	struct pv_cpustat cs;
	char longdir[5000];

	make_tree();
	ck_assert_int_eq(pv_cgroup_cpustat_open(CG), -ENOENT);
	ck_assert_int_eq(pv_cgroup_cpustat_read_dir("fs/cgroup/nope.scope", &cs), -ENOENT);
	char why[PATH_MAX + 128], want[PATH_MAX + 128];
	snprintf(want, sizeof(want), "%s/fs/cgroup/nope.scope/cpu.stat: not present", root);
	ck_assert_str_eq(pv_cgroup_cpustat_describe("fs/cgroup/nope.scope", -ENOENT, why, sizeof(why)), want);
	memset(longdir, 'a', sizeof(longdir) - 1);
	longdir[sizeof(longdir) - 1] = '\0';
	ck_assert_int_eq(pv_cgroup_cpustat_open(longdir), -ENAMETOOLONG);
	ck_assert_int_eq(mkfifo(stat_path, 0600), 0);
	PV_CHECK_NEVER_BLOCKS(ck_assert_int_eq(pv_cgroup_cpustat_read_dir(CG, &cs), -PV_ENOTREG));
	drop_tree();
}
END_TEST

PV_CHECK_MAIN("pv_cgroup",
	parse_known_keys, parse_malformed_and_saturation, read_open_file_again, missing_and_fifo)
