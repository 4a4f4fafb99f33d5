/* perf_event_open; see pv_perf.h. */
#include "pv_perf.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int pv_perf_open(struct perf_event_attr *attr, pid_t pid, int cpu, unsigned long flags)
{
	long fd;

	attr->size = sizeof(*attr);
	fd = syscall(SYS_perf_event_open, attr, pid, cpu, -1, flags | PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

const char *pv_perf_hint(int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return " (not permitted: needs CAP_PERFMON or a lower /proc/sys/kernel/perf_event_paranoid)";
	case -ENOENT:
	case -EOPNOTSUPP:
	case -ENODEV:
		return " (this CPU or hypervisor exposes no such counter)";
	default:
		return "";
	}
}
