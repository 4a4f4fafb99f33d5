/*
 * libpapi_appio_preload.so only: at exit, the process named by
 * PAPI_APPIO_REPORT_PID writes its process-wide counters to the file named
 * by PAPI_APPIO_REPORT (appio_report.h format) for papi_appio_run.
 *
 * Other processes that inherit the environment (children, shells) count
 * but do not report.  _exit and _Exit are intercepted too (shells end
 * with _exit); a process ending by a signal or exec writes nothing
 * (documented in docs/appio.md).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "appio_preload_wrap.h"
#include "appio_registry.h"
#include "appio_report.h"

static long appio_preload_parse_pid(const char *s)
{
	long v = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static void appio_preload_report(void)
{
	const char *path = getenv("PAPI_APPIO_REPORT");
	long pid = appio_preload_parse_pid(getenv("PAPI_APPIO_REPORT_PID"));
	if (!path || pid != (long)getpid())
		return;
	static uint64_t slots[APPIO_NSLOTS];
	static char buf[APPIO_REPORT_MAX];
	appio_registry_sum(slots);
	appio_report_ticks_to_ns(slots);
	int n = appio_report_serialize(slots, buf, sizeof(buf));
	if (n < 0)
		return;
	/* Raw syscalls: the report is not the program's I/O. */
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	for (int off = 0; off < n;) {
		long w = syscall(SYS_write, fd, buf + off, (size_t)(n - off));
		if (w <= 0)
			break;
		off += (int)w;
	}
	syscall(SYS_close, fd);
}

/* papi_appio_run reports the whole process: count from the start. */
__attribute__((constructor)) static void appio_preload_arm(void)
{
	appio_wrap_arm(1);
}

__attribute__((destructor)) static void appio_preload_at_exit(void)
{
	appio_preload_report();
}

#define APPIO_EXPORT __attribute__((visibility("default")))

APPIO_EXPORT void _exit(int status)
{
	appio_preload_report();
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

APPIO_EXPORT void _Exit(int status)
{
	appio_preload_report();
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}
