/*
 * vmpower with PAPI_VIRT_POWER_MODEL and a bad /proc/stat (issue 16, item 4):
 * the model integrates CPU activity from /proc/stat, so without it every
 * energy stayed 0 while the component looked enabled.  One child process
 * per scenario (PAPI reads its configuration once), no RAPL (a sysfs root
 * without powercap), libvirt's test driver:
 *   missing, empty, CRLF line ends, non-UTF-8 bytes in every cpuN line,
 *   a FIFO:  vmpower disabled at init, the reason naming PAPI_VIRT_POWER_MODEL
 *            and the file (and never a hang: the FIFO has no writer);
 *   good:    a copy of this host's /proc/stat: HOST_ENERGY_UJ grows by at
 *            least the idle power x elapsed time (10 W, -10%);
 *   breaks:  good at start, emptied mid-run: PAPI_read fails (no frozen
 *            PAPI_OK), PAPI_stop still stops (PAPI_OK: after the reported
 *            failure) and the EventSet can be cleaned up; restored: reads
 *            work again;
 *   stop:    emptied mid-run with no PAPI_read in between: the first
 *            PAPI_stop reports the failure (PAPI reads before it stops), the
 *            second stops.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"

#define IDLE_W 10.0

static char tmp[256], stat_path[320];

static int fail(const char *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(const char *sc, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", sc);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return 1;
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0)
		printf("command failed: %s\n", cmd);
}

/* tmp/sys: real topology, no powercap; tmp/proc/stat from the command. */
static int setup(const char *make_stat)
{
	char cmd[2048];

	snprintf(tmp, sizeof(tmp), "/tmp/vmp-procstat-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/sys' '%s/proc' && ln -s /sys/devices '%s/sys/devices' && ln -s /sys/fs '%s/sys/fs'", tmp,
		 tmp, tmp, tmp);
	sh(cmd);
	snprintf(stat_path, sizeof(stat_path), "%s/proc/stat", tmp);
	if (make_stat) {
		/* The command writes the file named by $F. */
		snprintf(cmd, sizeof(cmd), "F='%s'; %s", stat_path, make_stat);
		sh(cmd);
	}
	snprintf(cmd, sizeof(cmd), "%s/sys", tmp);
	setenv("PAPI_VIRT_SYSFS", cmd, 1);
	snprintf(cmd, sizeof(cmd), "%s/proc", tmp);
	setenv("PAPI_VIRT_PROCFS", cmd, 1);
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_POWER_MODEL", "idle=10,max=50", 1);
	return 0;
}

static void drop(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	sh(cmd);
}

static const PAPI_component_info_t *init(void)
{
	int cid;

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return NULL;
	cid = PAPI_get_component_index("vmpower");
	return cid < 0 ? NULL : PAPI_get_component_info(cid);
}

static int bad(const char *sc, const char *make_stat)
{
	const PAPI_component_info_t *ci;
	int rc = 0;

	if (setup(make_stat) < 0)
		return fail(sc, "%s", "mkdtemp");
	ci = init();
	if (!ci)
		rc = fail(sc, "%s", "no vmpower component");
	else if (!ci->disabled)
		rc = fail(sc, "vmpower stayed enabled (%s)", ci->description);
	else if (!strstr(ci->disabled_reason, "PAPI_VIRT_POWER_MODEL") || !strstr(ci->disabled_reason, stat_path))
		rc = fail(sc, "reason does not name the model and the file: %s", ci->disabled_reason);
	else
		printf("%s: disabled: %s\n", sc, ci->disabled_reason);
	drop();
	return rc;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Replaces the stat copy: "empty" or "good" (this host's /proc/stat). */
static void set_stat(int good)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), good ? "cat /proc/stat > '%s'" : ": > '%s'", stat_path);
	sh(cmd);
	usleep(50000);
}

static int good_then_broken(void)
{
	const char *sc = "breaks";
	const PAPI_component_info_t *ci;
	long long v[1];
	int es = PAPI_NULL, rc = 0, r;
	double t0, dt;
	char cmd[700];

	if (setup("cat /proc/stat > \"$F\"") < 0)
		return fail(sc, "%s", "mkdtemp");
	ci = init();
	/* PAPI_EDELAY_INIT: vmpower activates on first use (the add below) */
	if (!ci || (ci->disabled && ci->disabled != PAPI_EDELAY_INIT)) {
		rc = fail(sc, "vmpower disabled with a good stat: %s", ci ? ci->disabled_reason : "absent");
		goto out;
	}
	if (PAPI_create_eventset(&es) != PAPI_OK || PAPI_add_named_event(es, "vmpower:::HOST_ENERGY_UJ") != PAPI_OK ||
	    PAPI_start(es) != PAPI_OK) {
		rc = fail(sc, "%s", "cannot start HOST_ENERGY_UJ");
		goto out;
	}
	t0 = now_s();
	usleep(300000);
	if (PAPI_read(es, v) != PAPI_OK) {
		rc = fail(sc, "%s", "read with a good stat failed");
		goto out;
	}
	dt = now_s() - t0;
	printf("good: HOST_ENERGY_UJ %lld after %.3f s (idle alone: %.0f)\n", v[0], dt, IDLE_W * 1e6 * dt);
	if ((double)v[0] < 0.9 * IDLE_W * 1e6 * 0.3) {
		snprintf(cmd, sizeof(cmd), "%lld", v[0]);
		rc = fail(sc, "HOST_ENERGY_UJ %s is below the idle energy", cmd);
	}
	set_stat(0);
	r = PAPI_read(es, v);
	printf("emptied: PAPI_read -> %d (%s)\n", r, PAPI_strerror(r));
	if (r == PAPI_OK)
		rc = fail(sc, "%s", "PAPI_read returned PAPI_OK with an empty stat (frozen energy)");
	r = PAPI_stop(es, v);
	if (r != PAPI_OK)
		rc = fail(sc, "PAPI_stop failed: %s", PAPI_strerror(r));
	r = PAPI_cleanup_eventset(es);
	if (r != PAPI_OK)
		rc = fail(sc, "PAPI_cleanup_eventset failed (EventSet stuck running?): %s", PAPI_strerror(r));
	set_stat(1);
	if (PAPI_add_named_event(es, "vmpower:::HOST_ENERGY_UJ") != PAPI_OK || PAPI_start(es) != PAPI_OK ||
	    PAPI_read(es, v) != PAPI_OK || PAPI_stop(es, v) != PAPI_OK)
		rc = fail(sc, "%s", "reads did not recover once the stat was back");
	/* "stop": broken with no read in between */
	if (PAPI_start(es) != PAPI_OK)
		rc = fail(sc, "%s", "restart failed");
	set_stat(0);
	r = PAPI_stop(es, v);
	printf("stop: first PAPI_stop -> %d (%s)\n", r, PAPI_strerror(r));
	if (r == PAPI_OK)
		rc = fail(sc, "%s", "the first PAPI_stop did not report the broken stat");
	r = PAPI_stop(es, v);
	if (r != PAPI_OK)
		rc = fail(sc, "second PAPI_stop did not stop: %s", PAPI_strerror(r));
	if (PAPI_cleanup_eventset(es) != PAPI_OK)
		rc = fail(sc, "%s", "cleanup after the second stop failed");
	PAPI_shutdown();
out:
	drop();
	return rc;
}

static int child(int which)
{
	switch (which) {
	case 0:
		return bad("missing", NULL);
	case 1:
		return bad("empty", ": > \"$F\"");
	case 2:
		return bad("crlf", "sed 's/$/\\r/' /proc/stat > \"$F\"");
	case 3:
		return bad("non-utf8", "sed 's/^\\(cpu[0-9]*\\) /\\1\\xff\\xfe /' /proc/stat > \"$F\"");
	case 4:
		return bad("fifo", "mkfifo \"$F\"");
	default:
		return good_then_broken();
	}
}

int main(void)
{
	int rc = 0;

	for (int i = 0; i <= 5; i++) {
		pid_t pid;
		int st;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			alarm(60); /* a hang (FIFO) fails instead of blocking the suite */
			int r = child(i);

			fflush(stdout);
			_exit(r);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("FAIL: scenario %d (status %d)\n", i, st);
			rc = 1;
		}
	}
	if (rc == 0)
		printf("PASS: vmpower's model never reads silent zeros\n");
	return rc;
}
