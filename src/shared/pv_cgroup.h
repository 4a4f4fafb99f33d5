/*
 * pv_cgroup: a cgroup v2 directory's cpu.stat, the kernel's own CPU-time
 * accounting of a VM (what libvirt reports as cpu.time).
 *
 *   usage_usec 123456
 *   user_usec 100000
 *   system_usec 23456
 *   ...
 *
 * Directories are relative to the sysfs root (PAPI_VIRT_SYSFS), as
 * pv_virt_proc_vm_cgroup() returns them ("fs/cgroup/machine.slice/...").
 * Values become ns, saturating at PV_NS_MAX (pv_procstat.h).  Other keys
 * (nr_periods, throttled_usec, a future kernel's) are ignored; a known key
 * whose value is not a plain number makes the content malformed.
 */
#ifndef PV_CGROUP_H
#define PV_CGROUP_H

#include <stddef.h>
#include <stdint.h>

enum {
	PV_CG_USAGE = 1 << 0,
	PV_CG_USER = 1 << 1,
	PV_CG_SYSTEM = 1 << 2,
};

struct pv_cpustat {
	uint64_t usage_ns, user_ns, system_ns;
	unsigned have; /* PV_CG_* bits of the keys present */
};

/* Parses cpu.stat content.  0 (check ret->have for the keys you need), or
 * -EINVAL when a known key's value is malformed. */
int pv_cgroup_parse_cpustat(const char *content, struct pv_cpustat *ret);

/* Opens <sysfs>/<dir>/cpu.stat for repeated reads: fd >= 0 or -errno
 * (-ENOENT: no such cgroup, -ENAMETOOLONG). */
int pv_cgroup_cpustat_open(const char *dir);

/* One pread of an open cpu.stat, parsed; -EINVAL also when usage_usec is
 * missing. */
int pv_cgroup_cpustat_read(int fd, struct pv_cpustat *ret);

/* Open, read, close: for a single look (papi_vmcheck). */
int pv_cgroup_cpustat_read_dir(const char *dir, struct pv_cpustat *ret);

/* "<sysfs>/<dir>/cpu.stat: <reason>" for an error of the calls above. */
const char *pv_cgroup_cpustat_describe(const char *dir, int err, char *buf, size_t len);

#endif
