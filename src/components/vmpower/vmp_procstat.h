/*
 * vmp_procstat: per-package CPU activity from the "cpuN" lines of /proc/stat
 * (through pv_fs), the host-wide denominator of the CPU-time basis and the
 * utilisation of the power model.
 *
 *   busy  = user + nice + system + irq + softirq + steal   (guest time is
 *           already inside user/nice)
 *   total = busy + idle + iowait
 * CPUs are matched by the number in their name, never by line position; a
 * CPU not in the topology (offline, or above it) is ignored.  Lines are
 * parsed by pv_procstat and converted from USER_HZ ticks to ns exactly, with
 * sums saturating at PV_NS_MAX (busy never exceeds total).
 */
#ifndef VMP_PROCSTAT_H
#define VMP_PROCSTAT_H

#include <stdint.h>

#include "vmp_attr.h"
#include "pv_procstat.h"
#include "pv_topo.h"

struct vmp_pkgstat {
	uint64_t busy_ns[VMP_MAX_PKGS];
	uint64_t total_ns[VMP_MAX_PKGS];
};

/* Parses content; tick_hz is USER_HZ (pv_procstat_user_hz()).  0, or
 * -EINVAL when no cpuN line of an online CPU could be parsed. */
int vmp_procstat_parse(const char *content, const struct pv_topo *t, long tick_hz,
		       struct vmp_pkgstat *ret);

/* Reads <procfs>/stat through f and parses it.  f stays open for the next
 * read (PAPI_read samples it: one pread instead of open, read, close);
 * f->fd < 0 opens it first.  The caller closes it (pv_procstat_close). */
int vmp_procstat_read(struct pv_procstat_file *f, const struct pv_topo *t, struct vmp_pkgstat *ret);

#endif
