/*
 * vmp_perf: the perf_event counters behind the attribution basis.
 *
 * Two units:
 *   VMP_CYCLES  PERF_COUNT_HW_CPU_CYCLES with exclude_guest = 0 and
 *               exclude_host = 0 set explicitly: a QEMU/KVM vCPU thread's
 *               cycles in guest mode are the VM's work (libpfm4, hence PAPI's
 *               perf_event component, sets exclude_guest = 1 by default).
 *   VMP_NS      PERF_COUNT_SW_TASK_CLOCK: CPU time in ns (the fallback
 *               where hardware cycles are unavailable).
 * Every counter is read with TOTAL_TIME_ENABLED/RUNNING and scaled by
 * enabled/running when it was multiplexed; a scaled estimate can move
 * backwards between reads, so values are clamped to stay monotonic.
 */
#ifndef VMP_PERF_H
#define VMP_PERF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum vmp_unit { VMP_CYCLES = 0, VMP_NS = 1 };

/* How a counter is scoped. */
enum vmp_scope {
	VMP_SCOPE_CGROUP,   /* target = fd of a cgroup v2 directory, one CPU */
	VMP_SCOPE_THREAD,   /* target = tid, any CPU, inherited by threads it creates */
	VMP_SCOPE_CPU,      /* target ignored: everything on one CPU (host total) */
};

/* Opens a counter; fd >= 0 or -errno. */
int vmp_perf_open(enum vmp_unit unit, enum vmp_scope scope, int target, int cpu);

/* Can this host count unit at all?  Tries a counter on the calling thread.
 * 0, or -errno with one sentence in why ("perf_event_open(PERF_COUNT_HW_CPU_CYCLES):
 * No such file or directory (no hardware counters exposed...)"). */
int vmp_perf_probe(enum vmp_unit unit, char *why, size_t len);

/* Reads fd: *io_value becomes max(*io_value, scaled count).  0 or -errno. */
int vmp_perf_read(int fd, uint64_t *io_value);

/* The scaling rule alone, for tests: value * enabled / running (value when
 * running == enabled, 0 when running == 0). */
uint64_t vmp_perf_scale(uint64_t value, uint64_t enabled, uint64_t running);

const char *vmp_perf_unit_name(enum vmp_unit unit);

#endif
