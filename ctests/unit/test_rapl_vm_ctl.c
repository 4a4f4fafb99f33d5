/* Unit tests of rapl_vm's controls and saved state on fixture copies:
 * discovery, validation against the hardware's limits (file unchanged on
 * rejection), the three seed operations as one batch each, rollback of a
 * failed batch, restore after normal end / PAPI_shutdown-like free / SIGKILL
 * + restore command (byte-identical trees), and two processes on one
 * control. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_fs.h"
#include "rapl_vm_ctl.h"
#include "pv_ctlstate.h"

static char statedir[PATH_MAX + 8], scen[64];
static struct rapl_vm_ctl_set set;

static void setup_copy(const char *scenario)
{
	struct rapl_vm_ctl_zone z[2] = { { 0, "class/powercap/intel-rapl:0", 0 }, { 1, "class/powercap/intel-rapl:2", 1 } };

	snprintf(scen, sizeof(scen), "%s", scenario);
	pv_check_tmp_root();
	pv_check_use_root(PV_CHECK_SYS, pv_check_tmp_copy(scenario, "sys"));
	snprintf(statedir, sizeof(statedir), "%s/state", pv_check_tmp);
	ck_assert_int_eq(rapl_vm_ctl_discover(&set, z, strcmp(scenario, "rapl-intel-2pkg") == 0 ? 2 : 1), 0);
}

/* 1 when the copy is byte-identical to the committed fixture. */
static int unchanged(void)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "diff -r '%s/%s/sys' '%s/sys' >&2", pv_check_fixtures(), scen, pv_check_tmp);
	return system(cmd) == 0;
}

static void teardown_copy(void)
{
	rapl_vm_ctl_free(&set);
	pv_check_tmp_drop();
}

static const char *content(const char *rel)
{
	static char buf[256];

	ck_assert_int_eq(pv_fs_read(PV_SYS, rel, buf, sizeof(buf), NULL), 0);
	return buf;
}

static int ctl(enum pv_ctl_kind k, int who, int constraint)
{
	int i = rapl_vm_ctl_find(&set, k, who, constraint);

	ck_assert_msg(i >= 0, "no control %s %d %d", pv_ctl_kind_name(k), who, constraint);
	return i;
}

#define CPU0 "devices/system/cpu/cpu0/cpufreq/"
#define PKG0 "class/powercap/intel-rapl:0/"

START_TEST(discover_intel)
{
	int64_t v;

	setup_copy("rapl-intel-2pkg");
	/* 2 packages x (2 limits + 2 windows + enabled) + 4 CPUs x 5 + 3 pstate */
	ck_assert_int_eq(set.n, 33);
	ck_assert_str_eq(set.c[ctl(PV_CTL_POWER_LIMIT, 1, 1)].cname, "short_term");
	ck_assert_str_eq(set.c[ctl(PV_CTL_POWER_LIMIT, 1, 1)].file, "class/powercap/intel-rapl:2/constraint_1_power_limit_uw");
	ck_assert_int_eq(set.c[ctl(PV_CTL_GOVERNOR, 3, -1)].ngov, 2);
	ck_assert_int_eq(rapl_vm_ctl_read(&set.c[ctl(PV_CTL_GOVERNOR, 0, -1)], &v), 0);
	ck_assert_int_eq(v, 1); /* powersave */
	ck_assert_int_eq(rapl_vm_ctl_read(&set.c[ctl(PV_CTL_SETSPEED, 0, -1)], &v), 0);
	ck_assert_int_eq(v, 0); /* <unsupported> */
	ck_assert_int_eq(rapl_vm_ctl_read(&set.c[ctl(PV_CTL_CUR_FREQ, 2, -1)], &v), 0);
	ck_assert_int_eq(v, 1400000);
	ck_assert_int_eq(rapl_vm_ctl_read(&set.c[ctl(PV_CTL_POWER_LIMIT, 0, 0)], &v), 0);
	ck_assert_int_eq(v, 150000000);
	ck_assert_int_eq(rapl_vm_ctl_read(&set.c[ctl(PV_CTL_PSTATE_MIN, -1, -1)], &v), 0);
	ck_assert_int_eq(v, 21);
	teardown_copy();
}
END_TEST

START_TEST(discover_amd_and_vm)
{
	setup_copy("rapl-amd");
	/* enabled (no constraints on AMD) + 2 CPUs x 5; no intel_pstate */
	ck_assert_int_eq(set.n, 11);
	ck_assert_int_eq(rapl_vm_ctl_find(&set, PV_CTL_PSTATE_MAX, -1, -1), -ENOENT);
	ck_assert_int_eq(rapl_vm_ctl_find(&set, PV_CTL_POWER_LIMIT, 0, 0), -ENOENT);
	ck_assert_int_eq(set.c[ctl(PV_CTL_GOVERNOR, 1, -1)].ngov, 6);
	teardown_copy();
	setup_copy("rapl-vm-none");
	ck_assert_int_eq(set.n, 0);
	teardown_copy();
}
END_TEST

START_TEST(seed_set_frequency_one_batch)
{
	struct pv_ctlstate *st;
	char msg[1024];
	int idx[2];
	int64_t val[2] = { 2 /* userspace */, 2800000 };

	setup_copy("rapl-amd");
	ck_assert_int_eq(pv_ctlstate_new(statedir, &st), 0);
	idx[0] = ctl(PV_CTL_GOVERNOR, 0, -1);
	idx[1] = ctl(PV_CTL_SETSPEED, 0, -1);
	/* setspeed listed first: the batch still sets the governor first */
	{
		int ridx[2] = { idx[1], idx[0] };
		int64_t rval[2] = { val[1], val[0] };

		ck_assert_msg(rapl_vm_ctl_apply(&set, st, ridx, rval, 2, msg, sizeof(msg)) == 0, "%s", msg);
	}
	ck_assert_str_eq(content(CPU0 "scaling_governor"), "userspace\n");
	ck_assert_str_eq(content(CPU0 "scaling_setspeed"), "2800000\n");
	ck_assert_int_eq(pv_ctlstate_count(st), 2);
	ck_assert_int_eq(pv_ctlstate_restore(st, msg, sizeof(msg)), 0);
	ck_assert(unchanged());
	pv_ctlstate_free(st);
	teardown_copy();
}
END_TEST

START_TEST(setspeed_needs_userspace_and_limits)
{
	struct pv_ctlstate *st;
	char msg[1024];
	int idx = 0;
	int64_t v = 2800000;

	setup_copy("rapl-amd");
	ck_assert_int_eq(pv_ctlstate_new(statedir, &st), 0);
	idx = ctl(PV_CTL_SETSPEED, 1, -1);
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &idx, &v, 1, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "cpu1/cpufreq/scaling_setspeed: cannot set 2800000 kHz") && strstr(msg, "ondemand, not userspace"),
		      "%s", msg);
	{
		int i2[2] = { ctl(PV_CTL_GOVERNOR, 1, -1), idx };
		int64_t v2[2] = { 2, 3500000 }; /* above cpuinfo_max_freq 3400000 */

		ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, i2, v2, 2, msg, sizeof(msg)), -EINVAL);
		ck_assert_msg(strstr(msg, "scaling_setspeed: 3500000 is above the maximum 3400000") &&
				      strstr(msg, "cpu1/cpufreq/cpuinfo_max_freq"),
			      "%s", msg);
	}
	ck_assert(unchanged()); /* rejected batches write nothing, not even the governor */
	ck_assert_int_eq(pv_ctlstate_count(st), 0);
	pv_ctlstate_free(st);
	teardown_copy();
}
END_TEST

START_TEST(seed_governor_and_power_limits)
{
	struct pv_ctlstate *st;
	char msg[1024];

	setup_copy("rapl-intel-2pkg");
	ck_assert_int_eq(pv_ctlstate_new(statedir, &st), 0);
	{
		int i = ctl(PV_CTL_GOVERNOR, 2, -1);
		int64_t v = 0; /* performance */

		ck_assert_msg(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)) == 0, "%s", msg);
		ck_assert_str_eq(content("devices/system/cpu/cpu2/cpufreq/scaling_governor"), "performance\n");
	}
	{
		/* max_perf_pct 50 %, PL1 100 W over 0.999 s, enabled: one batch */
		int i[4] = { ctl(PV_CTL_PSTATE_MAX, -1, -1), ctl(PV_CTL_POWER_LIMIT, 0, 0),
			     ctl(PV_CTL_TIME_WINDOW, 0, 0), ctl(PV_CTL_LIMIT_ENABLED, 0, -1) };
		int64_t v[4] = { 50, 100000000, 999424, 1 };

		ck_assert_msg(rapl_vm_ctl_apply(&set, st, i, v, 4, msg, sizeof(msg)) == 0, "%s", msg);
		ck_assert_str_eq(content("devices/system/cpu/intel_pstate/max_perf_pct"), "50\n");
		ck_assert_str_eq(content(PKG0 "constraint_0_power_limit_uw"), "100000000\n");
		ck_assert_str_eq(content(PKG0 "constraint_0_time_window_us"), "999424\n");
		/* enabled was already 1: nothing written, nothing saved */
		ck_assert_int_eq(pv_ctlstate_count(st), 4);
		v[0] = 100;
		ck_assert_msg(rapl_vm_ctl_apply(&set, st, i, v, 1, msg, sizeof(msg)) == 0, "%s", msg);
		ck_assert_int_eq(pv_ctlstate_count(st), 4); /* saved once */
	}
	pv_ctlstate_free(st); /* restores, as at PAPI_shutdown / exit */
	ck_assert(unchanged());
	teardown_copy();
}
END_TEST

START_TEST(invalid_values_rejected_file_unchanged)
{
	struct pv_ctlstate *st;
	char msg[1024];
	int i;
	int64_t v;

	setup_copy("rapl-intel-2pkg");
	ck_assert_int_eq(pv_ctlstate_new(statedir, &st), 0);
	i = ctl(PV_CTL_POWER_LIMIT, 0, 0);
	v = 150000001;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "intel-rapl:0/constraint_0_power_limit_uw: 150000001 is above the maximum 150000000") &&
			      strstr(msg, "constraint_0_max_power_uw"),
		      "%s", msg);
	v = 0;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "0 is below the minimum 1"), "%s", msg);
	/* No published max time window: it can only be shortened. */
	i = ctl(PV_CTL_TIME_WINDOW, 1, 0);
	v = 27983873;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "27983873 is above 27983872") && strstr(msg, "constraint_0_max_time_window_us absent"),
		      "%s", msg);
	i = ctl(PV_CTL_GOVERNOR, 0, -1);
	v = 2;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "governor index 2 is out of range") && strstr(msg, "0=performance 1=powersave"), "%s",
		      msg);
	i = ctl(PV_CTL_MIN_FREQ, 0, -1);
	v = 700000;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "700000 is below the minimum 800000") && strstr(msg, "cpuinfo_min_freq"), "%s", msg);
	i = ctl(PV_CTL_LIMIT_ENABLED, 1, -1);
	v = 2;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EINVAL);
	i = ctl(PV_CTL_PSTATE_MAX, -1, -1);
	v = 20; /* below min_perf_pct 21 */
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "below min_perf_pct 21"), "%s", msg);
	v = 101;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EINVAL);
	ck_assert(unchanged());
	ck_assert_int_eq(pv_ctlstate_count(st), 0);
	pv_ctlstate_free(st);
	teardown_copy();
}
END_TEST

START_TEST(min_max_order_keep_and_read_only)
{
	struct pv_ctlstate *st;
	char msg[1024];
	int i[4];
	int64_t v[4];

	setup_copy("rapl-intel-2pkg");
	ck_assert_int_eq(pv_ctlstate_new(statedir, &st), 0);
	i[0] = ctl(PV_CTL_MAX_FREQ, 1, -1);
	i[1] = ctl(PV_CTL_MIN_FREQ, 1, -1);
	v[0] = 1000000;
	v[1] = 900000;
	ck_assert_msg(rapl_vm_ctl_apply(&set, st, i, v, 2, msg, sizeof(msg)) == 0, "%s", msg);
	/* min above the current max alone: rejected */
	v[0] = RAPL_CTL_KEEP;
	v[1] = 2000000;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, i, v, 2, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "is above the maximum frequency 1000000"), "%s", msg);
	/* with the max raised in the same batch: accepted */
	v[0] = 3000000;
	ck_assert_msg(rapl_vm_ctl_apply(&set, st, i, v, 2, msg, sizeof(msg)) == 0, "%s", msg);
	ck_assert_str_eq(content("devices/system/cpu/cpu1/cpufreq/scaling_min_freq"), "2000000\n");
	ck_assert_str_eq(content("devices/system/cpu/cpu1/cpufreq/scaling_max_freq"), "3000000\n");
	/* read-only current frequency: any value is ignored */
	i[2] = ctl(PV_CTL_CUR_FREQ, 1, -1);
	v[0] = v[1] = RAPL_CTL_KEEP;
	v[2] = 123;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, i, v, 3, msg, sizeof(msg)), 0);
	ck_assert_str_eq(content("devices/system/cpu/cpu1/cpufreq/scaling_cur_freq"), "1300000\n");
	ck_assert_int_eq(pv_ctlstate_restore(st, msg, sizeof(msg)), 0);
	ck_assert(unchanged());
	pv_ctlstate_free(st);
	teardown_copy();
}
END_TEST

START_TEST(failed_write_rolls_back)
{
	struct pv_ctlstate *st;
	char msg[1024], p[PATH_MAX];
	int i[2];
	int64_t v[2] = { 2, 3000000 };

	setup_copy("rapl-amd");
	ck_assert_int_eq(pv_ctlstate_new(statedir, &st), 0);
	i[0] = ctl(PV_CTL_GOVERNOR, 0, -1);
	i[1] = ctl(PV_CTL_SETSPEED, 0, -1);
	/* scaling_setspeed becomes a file that reads but refuses writes even
	 * to root (a read-only sysctl), as a kernel refusing a value would. */
	pv_fs_path(PV_SYS, CPU0 "scaling_setspeed", p, sizeof(p));
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(symlink("/proc/sys/kernel/ostype", p), 0);
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, i, v, 2, msg, sizeof(msg)), -EACCES);
	ck_assert_msg(strstr(msg, "scaling_setspeed: cannot write 3000000: Permission denied"), "%s", msg);
	ck_assert_str_eq(content(CPU0 "scaling_governor"), "ondemand\n"); /* rolled back */
	unlink(p);
	pv_ctlstate_free(st);
	teardown_copy();
}
END_TEST

START_TEST(non_root_write_is_eperm)
{
	char cmd[PATH_MAX + 64];
	pid_t pid;
	int st;

	if (geteuid() != 0)
		return;
	setup_copy("rapl-intel-2pkg");
	snprintf(cmd, sizeof(cmd), "chmod -R go+rX '%s'", pv_check_tmp);
	ck_assert_int_eq(system(cmd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char msg[1024];
		int i = ctl(PV_CTL_PSTATE_NO_TURBO, -1, -1), rc;
		int64_t v = 1;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		rc = rapl_vm_ctl_apply(&set, NULL, &i, &v, 1, msg, sizeof(msg));
		if (rc != -EACCES || !strstr(msg, "no_turbo: cannot write 1: Permission denied (changing host controls needs root)")) {
			fprintf(stderr, "rc %d: %s\n", rc, msg);
			_exit(11);
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
	ck_assert(unchanged());
	teardown_copy();
}
END_TEST

/* A child that changes controls and then dies by SIGKILL, without restoring. */
static pid_t change_then_wait(int *ret_pipe, int kill_self)
{
	int pfd[2], gfd[2];
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(pipe(gfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct pv_ctlstate *st;
		char msg[1024], c;
		int i[3] = { ctl(PV_CTL_GOVERNOR, 0, -1), ctl(PV_CTL_POWER_LIMIT, 1, 1),
			     ctl(PV_CTL_PSTATE_NO_TURBO, -1, -1) };
		int64_t v[3] = { 0, 200000000, 1 };

		close(pfd[0]);
		close(gfd[1]);
		if (pv_ctlstate_new(statedir, &st) < 0 || rapl_vm_ctl_apply(&set, st, i, v, 3, msg, sizeof(msg)) < 0) {
			fprintf(stderr, "child: %s\n", msg);
			_exit(3);
		}
		if (write(pfd[1], "k", 1) != 1)
			_exit(4);
		if (kill_self)
			raise(SIGKILL);
		if (read(gfd[0], &c, 1) < 0)
			_exit(5);
		raise(SIGKILL); /* never restores */
		_exit(6);
	}
	close(pfd[1]);
	close(gfd[0]);
	{
		char c;

		ck_assert_int_eq(read(pfd[0], &c, 1), 1);
	}
	close(pfd[0]);
	*ret_pipe = gfd[1];
	return pid;
}

START_TEST(sigkill_then_restore_command)
{
	int go, st, restored = -1, alive = -1;
	pid_t pid;

	setup_copy("rapl-intel-2pkg");
	pid = change_then_wait(&go, 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	close(go);
	ck_assert_str_eq(content("devices/system/cpu/intel_pstate/no_turbo"), "1\n");
	ck_assert(!unchanged());
	ck_assert_int_eq(pv_ctlstate_restore_dead(statedir, stderr, &restored, &alive, NULL, 0), 0);
	ck_assert_int_eq(restored, 1);
	ck_assert_int_eq(alive, 0);
	ck_assert(unchanged());
	/* Nothing left to do the second time. */
	ck_assert_int_eq(pv_ctlstate_restore_dead(statedir, NULL, &restored, &alive, NULL, 0), 0);
	ck_assert_int_eq(restored, 0);
	teardown_copy();
}
END_TEST

START_TEST(two_processes_one_control)
{
	struct pv_ctlstate *st;
	char msg[1024];
	int go, status, restored = 0, alive = 0, i;
	int64_t v;
	pid_t pid;

	setup_copy("rapl-intel-2pkg");
	pid = change_then_wait(&go, 0);
	ck_assert_int_eq(pv_ctlstate_new(statedir, &st), 0);
	/* The restore command leaves a live owner alone. */
	ck_assert_int_eq(pv_ctlstate_restore_dead(statedir, NULL, &restored, &alive, NULL, 0), 0);
	ck_assert_int_eq(alive, 1);
	ck_assert_int_eq(restored, 0);
	i = ctl(PV_CTL_PSTATE_NO_TURBO, -1, -1);
	v = 0;
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EBUSY);
	ck_assert_msg(strstr(msg, "is being controlled by process"), "%s", msg);
	ck_assert_str_eq(content("devices/system/cpu/intel_pstate/no_turbo"), "1\n");
	/* Another control is free. */
	i = ctl(PV_CTL_GOVERNOR, 3, -1);
	ck_assert_msg(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)) == 0, "%s", msg);
	/* The owner dies without restoring: still refused until restored. */
	ck_assert_int_eq(write(go, "g", 1), 1);
	close(go);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	i = ctl(PV_CTL_PSTATE_NO_TURBO, -1, -1);
	ck_assert_int_eq(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)), -EBUSY);
	ck_assert_msg(strstr(msg, "died without restoring it: run 'papi_vmctl restore'"), "%s", msg);
	ck_assert_int_eq(pv_ctlstate_restore_dead(statedir, NULL, &restored, &alive, NULL, 0), 0);
	ck_assert_int_eq(restored, 1);
	ck_assert_int_eq(alive, 1); /* our own file: we are alive */
	v = 1;
	ck_assert_msg(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)) == 0, "%s", msg);
	pv_ctlstate_free(st);
	ck_assert(unchanged());
	teardown_copy();
}
END_TEST

START_TEST(forked_child_does_not_restore_parent)
{
	struct pv_ctlstate *st;
	char msg[1024];
	int i, status;
	int64_t v = 0;
	pid_t pid;

	setup_copy("rapl-intel-2pkg");
	ck_assert_int_eq(pv_ctlstate_new(statedir, &st), 0);
	i = ctl(PV_CTL_GOVERNOR, 0, -1);
	ck_assert_msg(rapl_vm_ctl_apply(&set, st, &i, &v, 1, msg, sizeof(msg)) == 0, "%s", msg);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pv_ctlstate_free(st);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_str_eq(content(CPU0 "scaling_governor"), "performance\n");
	pv_ctlstate_free(st);
	ck_assert(unchanged());
	teardown_copy();
}
END_TEST

START_TEST(escape_roundtrip)
{
	char e[256], d[256];

	ck_assert_int_eq(pv_ctlstate_escape("<unsupported>\n", e, sizeof(e)), 0);
	ck_assert_str_eq(e, "<unsupported>%0A");
	ck_assert_int_eq(pv_ctlstate_unescape(e, d, sizeof(d)), 0);
	ck_assert_str_eq(d, "<unsupported>\n");
	ck_assert_int_eq(pv_ctlstate_escape("/a b/100%", e, sizeof(e)), 0);
	ck_assert_str_eq(e, "/a%20b/100%25");
	ck_assert_int_eq(pv_ctlstate_unescape("%zz", d, sizeof(d)), -EINVAL);
	ck_assert_int_eq(pv_ctlstate_unescape("%00", d, sizeof(d)), -EINVAL);
	ck_assert_int_eq(pv_ctlstate_escape("abc", e, 3), -ENAMETOOLONG);
}
END_TEST

PV_CHECK_MAIN_WITH("rapl_vm_ctl", 30, NULL, NULL,
	discover_intel, discover_amd_and_vm, seed_set_frequency_one_batch,
	setspeed_needs_userspace_and_limits, seed_governor_and_power_limits,
	invalid_values_rejected_file_unchanged, min_max_order_keep_and_read_only, failed_write_rolls_back,
	non_root_write_is_eperm, sigkill_then_restore_command, two_processes_one_control,
	forked_child_does_not_restore_parent, escape_roundtrip)
