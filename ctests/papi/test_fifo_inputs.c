/*
 * A FIFO where a /proc or /sys file is expected (reachable through
 * PAPI_VIRT_PROCFS / PAPI_VIRT_SYSFS) never hangs the program (issue 16,
 * item 5).  Each scenario runs in a child with a 20 s alarm (a hang fails)
 * on a private fixture copy with one file replaced by a FIFO nobody writes:
 *   stat       steal-basic's /proc/stat: steal disabled at PAPI_library_init,
 *              the reason names the file and "not a regular file"
 *   schedstat  thread-self/schedstat: PAPI_start of THREAD_RUN_DELAY_NS
 *              fails (it hung)
 *   config     /proc/config.gz: PAPI_library_init completes, steal enabled
 *   energy     rapl-intel-2pkg's intel-rapl:0/energy_uj: PAPI_library_init
 *              completes, package 0's energy is not offered, the reason
 *              names the file
 *   governor   cpu0's scaling_governor: reading CPU_GOVERNOR:cpu=0 fails
 *              (the first read hung)
 */
#include "test_rapl_vm_lib.h"

#include <signal.h>
#include <sys/stat.h>

/* steal-basic's proc tree with rel replaced by a FIFO. */
static int proc_with_fifo(const char *rel, char *fifo, size_t len)
{
	char root[PATH_MAX];

	if (rv_copy_proc("steal-basic", root, sizeof(root)) < 0)
		return -1;
	snprintf(fifo, len, "%s/%s", root, rel);
	unlink(fifo);
	return mkfifo(fifo, 0600);
}

static const PAPI_component_info_t *init(const char *comp)
{
	int cid;

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		return NULL;
	cid = PAPI_get_component_index(comp);
	return cid < 0 ? NULL : PAPI_get_component_info(cid);
}

static int sc_stat(void)
{
	char fifo[PATH_MAX + 64];
	const PAPI_component_info_t *ci;

	if (proc_with_fifo("stat", fifo, sizeof(fifo)) < 0)
		return rv_fail("stat: fixture");
	ci = init("steal");
	if (!ci)
		return rv_fail("stat: no steal component");
	printf("stat: disabled=%d reason '%s'\n", ci->disabled, ci->disabled_reason);
	if (!ci->disabled || !strstr(ci->disabled_reason, fifo) || !strstr(ci->disabled_reason, "not a regular file"))
		return rv_fail("stat: steal not disabled with a reason naming the FIFO");
	return 0;
}

static int sc_schedstat(void)
{
	char fifo[PATH_MAX + 64];
	const PAPI_component_info_t *ci;
	int es = PAPI_NULL, r;

	if (proc_with_fifo("thread-self/schedstat", fifo, sizeof(fifo)) < 0)
		return rv_fail("schedstat: fixture");
	ci = init("steal");
	if (!ci || ci->disabled)
		return rv_fail("schedstat: steal disabled although only schedstat is a FIFO");
	if (PAPI_create_eventset(&es) != PAPI_OK || PAPI_add_named_event(es, "steal:::THREAD_RUN_DELAY_NS") != PAPI_OK)
		return rv_fail("schedstat: cannot add THREAD_RUN_DELAY_NS");
	r = PAPI_start(es);
	printf("schedstat: PAPI_start -> %d (%s)\n", r, PAPI_strerror(r));
	if (r == PAPI_OK)
		return rv_fail("schedstat: PAPI_start succeeded on a FIFO");
	return 0;
}

static int sc_config(void)
{
	char fifo[PATH_MAX + 64];
	const PAPI_component_info_t *ci;

	if (proc_with_fifo("config.gz", fifo, sizeof(fifo)) < 0)
		return rv_fail("config: fixture");
	ci = init("steal");
	if (!ci || ci->disabled)
		return rv_fail("config: steal disabled by a FIFO config.gz (it is optional)");
	printf("config: PAPI_library_init completed, steal enabled\n");
	return 0;
}

static int sc_energy(void)
{
	char fifo[PATH_MAX + 64];
	const PAPI_component_info_t *ci;
	int code, r;

	if (rv_copy("rapl-intel-2pkg") < 0)
		return rv_fail("energy: fixture");
	snprintf(fifo, sizeof(fifo), "%s/sys/class/powercap/intel-rapl:0/energy_uj", rv_tmp);
	if (unlink(fifo) < 0 || mkfifo(fifo, 0600) < 0)
		return rv_fail("energy: mkfifo");
	ci = init("rapl_vm");
	if (!ci)
		return rv_fail("energy: no rapl_vm component");
	r = ci->disabled ? PAPI_ENOEVNT : PAPI_event_name_to_code("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0", &code);
	printf("energy: disabled=%d reason '%s', pkg=0 energy -> %d\n", ci->disabled, ci->disabled_reason, r);
	rv_drop();
	if (r == PAPI_OK)
		return rv_fail("energy: package 0's energy offered from a FIFO");
	return 0;
}

static int sc_governor(void)
{
	char fifo[PATH_MAX + 64];
	const PAPI_component_info_t *ci;
	long long v[1];
	int es = PAPI_NULL, r;

	if (rv_copy("rapl-amd") < 0)
		return rv_fail("governor: fixture");
	snprintf(fifo, sizeof(fifo), "%s/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", rv_tmp);
	if (unlink(fifo) < 0 || mkfifo(fifo, 0600) < 0)
		return rv_fail("governor: mkfifo");
	ci = init("rapl_vm");
	if (!ci || ci->disabled)
		return rv_fail("governor: rapl_vm disabled");
	r = PAPI_create_eventset(&es);
	if (r == PAPI_OK)
		r = PAPI_add_named_event(es, "rapl_vm:::CPU_GOVERNOR:cpu=0");
	if (r == PAPI_OK)
		r = PAPI_start(es);
	if (r == PAPI_OK)
		r = PAPI_read(es, v);
	printf("governor: add/start/read -> %d (%s)\n", r, PAPI_strerror(r));
	rv_drop();
	if (r == PAPI_OK)
		return rv_fail("governor: CPU_GOVERNOR read from a FIFO");
	return 0;
}

int main(void)
{
	static int (*const sc[])(void) = { sc_stat, sc_schedstat, sc_config, sc_energy, sc_governor };
	int rc = 0;

	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		pid_t pid;
		int st;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			int r;

			alarm(20); /* a hang fails instead of blocking the suite */
			r = sc[i]();
			fflush(stdout);
			exit(r);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("FAIL: scenario %zu (%s)\n", i,
			       WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM ? "hung: killed by the alarm" : "failed");
			rc = 1;
		}
	}
	if (rc == 0)
		printf("PASS: FIFOs are refused, nothing hangs\n");
	return rc;
}
