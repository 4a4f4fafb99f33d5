/* Unit tests of the shared control-state modules (src/shared/pv_ctl*.c)
 * that test_rapl_vm_ctl does not reach through rapl_vm's batches: the
 * state-file line parser, pv_ctl's file patterns against what rapl_vm's
 * discovery builds, and a restore that must not write through a symbolic
 * link put in place of a control file (the path is data from the file). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_ctl.h"
#include "pv_ctlstate.h"
#include "pv_fs.h"
#include "rapl_vm_ctl.h"

static char tmpdir[PATH_MAX];

static void make_tree(void)
{
	char cmd[3 * PATH_MAX], p[PATH_MAX + 8];
	const char *f = getenv("PV_FIXTURES");

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_pv_ctlstate.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(cmd, sizeof(cmd), "cp -r '%s/rapl-intel-2pkg/sys' '%s/'", f ? f : "ctests/fixtures", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(p, sizeof(p), "%s/sys", tmpdir);
	pv_check_use_root(PV_CHECK_SYS, p);
	snprintf(p, sizeof(p), "%s/state", tmpdir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
}

static void remove_tree(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

START_TEST(parse_line_kinds)
{
	struct pv_ctlstate_entry e = { "untouched", "", "" };
	pid_t pid = 7;

	ck_assert_int_eq(pv_ctlstate_parse_line("pid 1234", &pid, &e), PV_CTLSTATE_LINE_PID);
	ck_assert_int_eq(pid, 1234);
	ck_assert_int_eq(pv_ctlstate_parse_line("save CPU_GOVERNOR /s/a%20b ondemand%0A", &pid, &e),
			 PV_CTLSTATE_LINE_SAVE);
	ck_assert_str_eq(e.kind, "CPU_GOVERNOR");
	ck_assert_str_eq(e.path, "/s/a b");
	ck_assert_str_eq(e.orig, "ondemand\n");
	/* Malformed lines are skipped and leave the outputs alone. */
	ck_assert_int_eq(pv_ctlstate_parse_line("save CPU_GOVERNOR /s/x", &pid, &e), PV_CTLSTATE_LINE_OTHER);
	ck_assert_int_eq(pv_ctlstate_parse_line("save K /p %zz", &pid, &e), PV_CTLSTATE_LINE_OTHER);
	ck_assert_int_eq(pv_ctlstate_parse_line("save K /p%00 1", &pid, &e), PV_CTLSTATE_LINE_OTHER);
	ck_assert_int_eq(pv_ctlstate_parse_line(
				 "save AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA /p 1", &pid, &e),
			 PV_CTLSTATE_LINE_OTHER); /* kind longer than the entry holds */
	ck_assert_int_eq(pv_ctlstate_parse_line("papi-virt-rapl_vm-state 1", &pid, &e), PV_CTLSTATE_LINE_OTHER);
	ck_assert_int_eq(pv_ctlstate_parse_line("", &pid, &e), PV_CTLSTATE_LINE_OTHER);
	ck_assert_int_eq(pid, 1234);
	ck_assert_str_eq(e.path, "/s/a b");
}
END_TEST

/* Every writable control rapl_vm discovers is a file pv_ctl lets a restore
 * write, and a read-only one is not: the two tables agree. */
START_TEST(patterns_match_discovery)
{
	struct rapl_vm_ctl_zone z[2] = { { 0, "class/powercap/intel-rapl:0", 0 }, { 1, "class/powercap/intel-rapl:2", 1 } };
	struct rapl_vm_ctl_set set;
	char abs[PATH_MAX], msg[PATH_MAX + 256];
	int i, seen[PV_CTL_NKINDS] = { 0 };

	make_tree();
	ck_assert_int_eq(rapl_vm_ctl_discover(&set, z, 2), 0);
	for (i = 0; i < set.n; i++) {
		const struct rapl_vm_ctl *c = &set.c[i];
		int rc;

		ck_assert_int_eq(pv_fs_path(PV_SYS, c->file, abs, sizeof(abs)), 0);
		rc = pv_ctl_known_file(pv_ctl_kind_name(c->kind), abs, msg, sizeof(msg));
		if (pv_ctl_kind_writable(c->kind))
			ck_assert_msg(rc == 0, "%s: %s", abs, msg);
		else
			ck_assert_int_eq(rc, -EPERM);
		seen[c->kind]++;
	}
	for (i = 0; i < PV_CTL_NKINDS; i++)
		ck_assert_msg(seen[i] > 0, "the fixture has no %s control", pv_ctl_kind_name((enum pv_ctl_kind)i));
	/* Another kind's file, or a file beside it, is refused. */
	ck_assert_int_eq(pv_fs_path(PV_SYS, "devices/system/cpu/cpu0/cpufreq/scaling_max_freq", abs, sizeof(abs)), 0);
	ck_assert_int_eq(pv_ctl_known_file("CPU_MIN_FREQ_KHZ", abs, msg, sizeof(msg)), -EPERM);
	ck_assert_int_eq(pv_fs_path(PV_SYS, "devices/system/cpu/cpu0/cpufreq/../cpufreq/scaling_max_freq", abs,
				    sizeof(abs)), 0);
	ck_assert_int_eq(pv_ctl_known_file("CPU_MAX_FREQ_KHZ", abs, msg, sizeof(msg)), -EPERM);
	rapl_vm_ctl_free(&set);
	remove_tree();
}
END_TEST

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(s, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, len - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
}

/* A dead process's file names a real control, but the control file has
 * been replaced by a symlink to another file: the restore refuses it, the
 * target keeps its content, and the state file is kept for a later try. */
START_TEST(restore_never_writes_through_symlink)
{
	char ctl[PATH_MAX], target[PATH_MAX + 16], state[PATH_MAX + 32], line[3 * PATH_MAX], msg[PATH_MAX + 256];
	char buf[64];
	int restored = -1, alive = -1;

	make_tree();
	ck_assert_int_eq(pv_fs_path(PV_SYS, "devices/system/cpu/intel_pstate/no_turbo", ctl, sizeof(ctl)), 0);
	snprintf(target, sizeof(target), "%s/victim", tmpdir);
	write_file(target, "precious\n");
	ck_assert_int_eq(unlink(ctl), 0);
	ck_assert_int_eq(symlink(target, ctl), 0);
	snprintf(state, sizeof(state), "%s/state/rapl_vm-999999.state", tmpdir);
	snprintf(line, sizeof(line), "papi-virt-rapl_vm-state 1\npid 999999\nsave PSTATE_NO_TURBO %s 0%%0A\n", ctl);
	write_file(state, line);
	ck_assert_int_eq(chmod(state, 0600), 0);
	snprintf(line, sizeof(line), "%s/state", tmpdir);
	ck_assert_int_eq(pv_ctlstate_restore_dead(line, NULL, &restored, &alive, msg, sizeof(msg)), -ELOOP);
	ck_assert_msg(strstr(msg, "no_turbo: cannot restore PSTATE_NO_TURBO: refusing to write through a symbolic link"),
		      "%s", msg);
	ck_assert_int_eq(restored, 0);
	read_file(target, buf, sizeof(buf));
	ck_assert_str_eq(buf, "precious\n");
	ck_assert_int_eq(access(state, F_OK), 0);
	/* The real file back: the same state file restores. */
	ck_assert_int_eq(unlink(ctl), 0);
	write_file(ctl, "1\n");
	ck_assert_int_eq(pv_ctlstate_restore_dead(line, NULL, &restored, &alive, msg, sizeof(msg)), 0);
	ck_assert_int_eq(restored, 1);
	read_file(ctl, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0\n");
	ck_assert_int_eq(access(state, F_OK), -1);
	remove_tree();
}
END_TEST

PV_CHECK_MAIN_WITH("pv_ctlstate", 30, NULL, NULL,
	parse_line_kinds, patterns_match_discovery, restore_never_writes_through_symlink)
