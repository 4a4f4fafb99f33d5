/*
 * Helpers for the rapl_vm PAPI tests: private copies of fixture trees,
 * byte-for-byte comparison with the committed fixture, file contents, and
 * one child process per scenario (a component initialises once per
 * process).  Header-only: ctests/papi programs are single files.
 */
#ifndef TEST_RAPL_VM_LIB_H
#define TEST_RAPL_VM_LIB_H

#include <limits.h>
#include <papi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char rv_tmp[PATH_MAX], rv_scen[64];

static __attribute__((unused)) int rv_fail(const char *what)
{
	printf("FAIL: %s\n", what);
	return 1;
}

static __attribute__((unused)) const char *rv_fixtures(void)
{
	const char *f = getenv("PV_FIXTURES");

	return f ? f : "ctests/fixtures";
}

/* Copies ctests/fixtures/<scenario>/sys to a new temp dir; points
 * PAPI_VIRT_SYSFS and PAPI_VIRT_STATE_DIR into it. */
static __attribute__((unused)) int rv_copy(const char *scenario)
{
	char cmd[3 * PATH_MAX], p[PATH_MAX + 16];

	snprintf(rv_scen, sizeof(rv_scen), "%s", scenario);
	snprintf(rv_tmp, sizeof(rv_tmp), "/tmp/test_rapl_vm.XXXXXX");
	if (!mkdtemp(rv_tmp))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -r '%s/%s/sys' '%s/' && chmod 0755 '%s'", rv_fixtures(), scenario, rv_tmp, rv_tmp);
	if (system(cmd) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/sys", rv_tmp);
	setenv("PAPI_VIRT_SYSFS", p, 1);
	snprintf(p, sizeof(p), "%s/state", rv_tmp);
	setenv("PAPI_VIRT_STATE_DIR", p, 1);
	return 0;
}

static __attribute__((unused)) void rv_drop(void)
{
	char cmd[PATH_MAX + 16];

	if (!rv_tmp[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rv_tmp);
	if (system(cmd) != 0)
		printf("cannot remove %s\n", rv_tmp);
	rv_tmp[0] = '\0';
}

/* Copies ctests/fixtures/<scenario>/proc to a new temp dir removed at exit;
 * points PAPI_VIRT_PROCFS at it and returns the copy's proc path in root. */
static char rv_ptmp[PATH_MAX];

static void rv_drop_proc(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rv_ptmp);
	if (rv_ptmp[0] && system(cmd) != 0)
		printf("cannot remove %s\n", rv_ptmp);
	rv_ptmp[0] = '\0';
}

static __attribute__((unused)) int rv_copy_proc(const char *scenario, char *root, size_t len)
{
	char cmd[3 * PATH_MAX];

	snprintf(rv_ptmp, sizeof(rv_ptmp), "/tmp/test_pv_proc.XXXXXX");
	if (!mkdtemp(rv_ptmp))
		return -1;
	atexit(rv_drop_proc);
	snprintf(cmd, sizeof(cmd), "cp -r '%s/%s/proc' '%s/'", rv_fixtures(), scenario, rv_ptmp);
	if (system(cmd) != 0)
		return -1;
	snprintf(root, len, "%s/proc", rv_ptmp);
	setenv("PAPI_VIRT_PROCFS", root, 1);
	return 0;
}

/* 1 when the copy is byte-identical to the committed fixture. */
static __attribute__((unused)) int rv_unchanged(void)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "diff -r '%s/%s/sys' '%s/sys'", rv_fixtures(), rv_scen, rv_tmp);
	return system(cmd) == 0;
}

/* Content of a file of the copy, relative to its sys root ("" if unreadable). */
static __attribute__((unused)) const char *rv_content(const char *rel)
{
	static char buf[256];
	char p[PATH_MAX + 256];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/sys/%s", rv_tmp, rel);
	buf[0] = '\0';
	f = fopen(p, "r");
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static __attribute__((unused)) int rv_put(const char *rel, const char *s)
{
	char p[PATH_MAX + 256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/sys/%s", rv_tmp, rel);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs(s, f);
	return fclose(f);
}

/* PAPI initialised, rapl_vm present; enabled required unless want_disabled. */
static __attribute__((unused)) const PAPI_component_info_t *rv_init(void)
{
	int cidx;

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return NULL;
	cidx = PAPI_get_component_index("rapl_vm");
	return cidx < 0 ? NULL : PAPI_get_component_info(cidx);
}

static __attribute__((unused)) int rv_add(int es, const char *name)
{
	int rc = PAPI_add_named_event(es, name);

	if (rc != PAPI_OK)
		printf("PAPI_add_named_event(%s): %s\n", name, PAPI_strerror(rc));
	return rc;
}

/* Runs fn in a child; returns its exit status (0 = pass). */
static __attribute__((unused)) int rv_child(const char *label, int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return rv_fail("fork");
	if (pid == 0) {
		int r = fn();

		fflush(stdout);
		_exit(r);
	}
	if (waitpid(pid, &st, 0) != pid)
		return rv_fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("FAIL: scenario %s (status %d)\n", label, st);
		return 1;
	}
	printf("ok: %s\n", label);
	return 0;
}

#endif
