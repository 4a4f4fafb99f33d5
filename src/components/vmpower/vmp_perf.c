/* perf_event counters for the basis (see vmp_perf.h). */
#include "vmp_perf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pv_perf.h"

static void fill_attr(struct perf_event_attr *a, enum vmp_unit unit, int inherit)
{
	memset(a, 0, sizeof(*a));
	if (unit == VMP_CYCLES) {
		a->type = PERF_TYPE_HARDWARE;
		a->config = PERF_COUNT_HW_CPU_CYCLES;
	} else {
		a->type = PERF_TYPE_SOFTWARE;
		a->config = PERF_COUNT_SW_TASK_CLOCK;
	}
	a->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	a->exclude_guest = 0; /* guest-mode cycles are the VM's: count them */
	a->exclude_host = 0;
	a->inherit = inherit ? 1 : 0;
}

int vmp_perf_open(enum vmp_unit unit, enum vmp_scope scope, int target, int cpu)
{
	struct perf_event_attr a;

	fill_attr(&a, unit, scope == VMP_SCOPE_THREAD);
	switch (scope) {
	case VMP_SCOPE_CGROUP:
		return pv_perf_open(&a, target, cpu, PERF_FLAG_PID_CGROUP);
	case VMP_SCOPE_THREAD:
		return pv_perf_open(&a, target, -1, 0);
	case VMP_SCOPE_CPU:
		return pv_perf_open(&a, -1, cpu, 0);
	default:
		return -EINVAL;
	}
}

const char *vmp_perf_unit_name(enum vmp_unit unit)
{
	return unit == VMP_CYCLES ? "PERF_COUNT_HW_CPU_CYCLES" : "PERF_COUNT_SW_TASK_CLOCK";
}

int vmp_perf_probe(enum vmp_unit unit, char *why, size_t len)
{
	int fd = vmp_perf_open(unit, VMP_SCOPE_THREAD, 0, -1);

	if (fd >= 0) {
		close(fd);
		if (why && len)
			why[0] = '\0';
		return 0;
	}
	if (why && len)
		snprintf(why, len, "perf_event_open(%s): %s%s", vmp_perf_unit_name(unit), strerror(-fd), pv_perf_hint(fd));
	return fd;
}

uint64_t vmp_perf_scale(uint64_t value, uint64_t enabled, uint64_t running)
{
	if (running == 0)
		return 0;
	if (running >= enabled)
		return value;
	return (uint64_t)((unsigned __int128)value * enabled / running);
}

int vmp_perf_read(int fd, uint64_t *io_value)
{
	uint64_t v[3];
	ssize_t n = read(fd, v, sizeof(v));

	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(v))
		return -EIO;
	uint64_t s = vmp_perf_scale(v[0], v[1], v[2]);
	if (s > *io_value)
		*io_value = s;
	return 0;
}
