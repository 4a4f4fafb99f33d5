/*
 * steal component against fixture trees (PAPI_VIRT_PROCFS), one child
 * process per scenario because a component initialises once per process:
 *  - no /proc/stat, /proc/stat a directory, /proc/stat without cpu lines:
 *    the component is disabled and disabled_reason names the file and cause;
 *  - 512 possible CPUs with every 4th offline: 384 :cpu= instances listed,
 *    named by kernel number; an offline CPU is addressable and reads 0;
 *  - host event names with no libvirt daemon: PAPI_ENOEVNT.
 */
#include <papi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what)
{
	printf("FAIL: %s\n", what);
	return 1;
}

static const PAPI_component_info_t *init_steal(void)
{
	int cidx;

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return NULL;
	cidx = PAPI_get_component_index("steal");
	return cidx < 0 ? NULL : PAPI_get_component_info(cidx);
}

/* The component must be disabled with a reason containing both strings. */
static int expect_disabled(const char *root, const char *s1, const char *s2)
{
	const PAPI_component_info_t *ci;

	setenv("PAPI_VIRT_PROCFS", root, 1);
	ci = init_steal();
	if (!ci)
		return fail("steal component missing");
	printf("root %s: disabled=%d reason '%s'\n", root, ci->disabled, ci->disabled_reason);
	if (!ci->disabled)
		return fail("component enabled without a usable /proc/stat");
	if (!strstr(ci->disabled_reason, s1) || !strstr(ci->disabled_reason, s2))
		return fail("disabled_reason does not name the file and the cause");
	return 0;
}

static int many_cpus(const char *root)
{
	const PAPI_component_info_t *ci;
	int code, n = 0, bad = 0, es = PAPI_NULL, rc;
	long long v[2];
	char name[PAPI_MAX_STR_LEN];

	setenv("PAPI_VIRT_PROCFS", root, 1);
	setenv("PAPI_VIRT_URI", "qemu:///system?socket=/nonexistent/sock", 1);
	ci = init_steal();
	if (!ci || ci->disabled)
		return fail("steal disabled on the many-CPU fixture");
	code = 0 | PAPI_NATIVE_MASK;
	if (PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, PAPI_get_component_index("steal")) != PAPI_OK)
		return fail("no events");
	do {
		int sub = code, ok;

		PAPI_event_code_to_name(code, name);
		if (strcmp(name, "steal:::STEAL_NS") != 0)
			continue;
		ok = PAPI_enum_cmp_event(&sub, PAPI_NTV_ENUM_UMASKS, PAPI_get_component_index("steal"));
		while (ok == PAPI_OK) {
			int cpu;

			PAPI_event_code_to_name(sub, name);
			if (sscanf(name, "steal:::STEAL_NS:cpu=%d", &cpu) == 1) {
				n++;
				bad += cpu % 4 == 3; /* offline in the fixture */
			}
			ok = PAPI_enum_cmp_event(&sub, PAPI_NTV_ENUM_UMASKS, PAPI_get_component_index("steal"));
		}
	} while (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, PAPI_get_component_index("steal")) == PAPI_OK);
	printf("many: %d cpu instances listed, %d of them offline CPUs\n", n, bad);
	if (n != 384 || bad)
		return fail("expected the 384 online CPUs, by number");
	PAPI_create_eventset(&es);
	if (PAPI_add_named_event(es, "steal:::STEAL_NS:cpu=3") != PAPI_OK ||
	    PAPI_add_named_event(es, "steal:::STEAL_NS:cpu=510") != PAPI_OK)
		return fail("cannot add an offline / a high CPU");
	if (PAPI_start(es) != PAPI_OK || PAPI_stop(es, v) != PAPI_OK)
		return fail("start/stop on the fixture");
	if (v[0] != 0 || v[1] != 0)
		return fail("a static fixture must read 0");
	rc = PAPI_event_name_to_code("steal:::VCPU_RUN_NS:vm=no%20such%20vm", &code);
	printf("unknown VM without a daemon: %s\n", PAPI_strerror(rc));
	if (rc != PAPI_ENOEVNT)
		return fail("unknown VM: expected PAPI_ENOEVNT");
	return 0;
}

static int run(int (*fn)(void *), void *arg)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		int rc = fn(arg);

		fflush(stdout);
		_exit(rc);
	}
	if (p < 0 || waitpid(p, &st, 0) != p)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static char fx[4096], tmpdir[] = "/tmp/steal-fx-XXXXXX";

static int c_absent(void *a) { (void)a; return expect_disabled("/nonexistent-papi-virt", "/nonexistent-papi-virt/stat", "not present"); }
static int c_nocpu(void *a)
{
	char root[4200];

	(void)a;
	snprintf(root, sizeof(root), "%s/steal-nocpu/proc", fx);
	return expect_disabled(root, "steal-nocpu/proc/stat", "cpu line");
}
static int c_dir(void *a) { (void)a; return expect_disabled(tmpdir, "/stat", "Is a directory"); }
static int c_many(void *a)
{
	char root[4200];

	(void)a;
	snprintf(root, sizeof(root), "%s/steal-many/proc", fx);
	return many_cpus(root);
}

int main(void)
{
	const char *f = getenv("PV_FIXTURES");
	char sub[64];
	int failures = 0;

	snprintf(fx, sizeof(fx), "%s", f ? f : "ctests/fixtures");
	if (!mkdtemp(tmpdir))
		return fail("mkdtemp");
	snprintf(sub, sizeof(sub), "%s/stat", tmpdir);
	mkdir(sub, 0700);
	failures += run(c_absent, NULL);
	failures += run(c_nocpu, NULL);
	failures += run(c_dir, NULL);
	failures += run(c_many, NULL);
	rmdir(sub);
	rmdir(tmpdir);
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
