/*
 * pv_perf: the one perf_event_open(2) call of papi-virt (vmpower's basis
 * counters, pv_rapl's power PMU, the guest view's vPMU probe), with the
 * descriptor close-on-exec and one explanation of the common failures.
 */
#ifndef PV_PERF_H
#define PV_PERF_H

#include <linux/perf_event.h>
#include <sys/types.h>

/* perf_event_open(attr, pid, cpu, group_fd -1, flags | PERF_FLAG_FD_CLOEXEC);
 * attr->size is set here.  fd >= 0 or -errno. */
int pv_perf_open(struct perf_event_attr *attr, pid_t pid, int cpu, unsigned long flags);

/* A parenthesised hint for an error of pv_perf_open (leading blank), or
 * "" when there is nothing to add. */
const char *pv_perf_hint(int err);

#endif
