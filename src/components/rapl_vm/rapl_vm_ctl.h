/*
 * rapl_vm_ctl: host power controls (RAPL limits through powercap, cpufreq,
 * intel_pstate), PAPI-free.  Discovery from sysfs (through pv_fs), current
 * values, validation against the hardware's own limits, and batched writes
 * that save originals first (pv_ctlstate, src/shared) and roll back on failure.
 *
 * Values are int64: microwatts, microseconds, kHz, percent, 0/1, or an index
 * into a CPU's scaling_available_governors.  In a batch, the value -1
 * (RAPL_CTL_KEEP) leaves a control unchanged, and read-only controls ignore
 * their value, so a PAPI_read / change one value / PAPI_write sequence only
 * changes that one control.
 */
#ifndef RAPL_VM_CTL_H
#define RAPL_VM_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "pv_ctl.h"
#include "pv_rapl.h"

struct pv_ctlstate;

#define RAPL_CTL_KEEP (-1)
#define RAPL_CTL_FILE_MAX 128
#define RAPL_CTL_MAX_GOV 12
#define RAPL_CTL_GOV_LEN 24

struct rapl_vm_ctl {
	enum pv_ctl_kind kind;
	int pkg;        /* RAPL controls: dense package index (pv_topo.h), else -1 */
	int pkg_id;     /* RAPL controls: physical package id, else -1 */
	int cpu;        /* cpufreq controls, else -1 */
	int constraint; /* K of constraint_K_*, else -1 */
	char cname[24]; /* constraint_K_name: long_term, short_term, ... */
	char file[RAPL_CTL_FILE_MAX]; /* relative to the sysfs root */
	int ngov;       /* CPU_GOVERNOR: scaling_available_governors */
	char gov[RAPL_CTL_MAX_GOV][RAPL_CTL_GOV_LEN];
};

struct rapl_vm_ctl_set {
	struct rapl_vm_ctl *c;
	int n, cap;
};

/* A powercap package zone whose limits are controls. */
struct rapl_vm_ctl_zone {
	int pkg;      /* dense package index (pv_rapl_info.pkg) */
	char dir[64]; /* "class/powercap/intel-rapl:0" */
	int pkg_id;   /* physical package id (pv_rapl_info.pkg_id) */
};

/* The powercap package zones of r (NULL: none) into z[0..max-1]; returns
 * how many. */
int rapl_vm_ctl_zones(const struct pv_rapl *r, struct rapl_vm_ctl_zone *z, int max);

/* Finds every control present: RAPL limits of the given zones, cpufreq of
 * every cpuN with a cpufreq directory, intel_pstate's global knobs.  0 (an
 * empty set is not an error) or -ENOMEM. */
int rapl_vm_ctl_discover(struct rapl_vm_ctl_set *set, const struct rapl_vm_ctl_zone *zones, int nzones);
void rapl_vm_ctl_free(struct rapl_vm_ctl_set *set);

/* Index of a control in the set, -ENOENT if absent. */
int rapl_vm_ctl_find(const struct rapl_vm_ctl_set *set, enum pv_ctl_kind k, int pkg_or_cpu, int constraint);

/* Current value.  CPU_GOVERNOR: the index of the current governor (-1 if it
 * is not in the available list); CPU_SETSPEED_KHZ: 0 when the file says
 * "<unsupported>" (governor is not userspace). */
int rapl_vm_ctl_read(const struct rapl_vm_ctl *c, int64_t *ret);

/* Checks a batch (n controls idx[] with values val[]) without writing:
 * -EINVAL with msg naming the file, the value and the limit. */
int rapl_vm_ctl_validate(const struct rapl_vm_ctl_set *set, struct pv_ctlstate *st, const int *idx, const int64_t *val,
		      int n, char *msg, size_t len);

/* Validates, saves originals (pv_ctlstate_save) of the controls that change,
 * then writes them in a safe order.  If a write fails, the controls already
 * written by this batch get their previous values back and the error is
 * returned (-EACCES/-EPERM for permissions, -EBUSY when another process owns
 * a control, -EINVAL, -EIO, ...), with msg.  Never reports a failed write
 * as success. */
int rapl_vm_ctl_apply(const struct rapl_vm_ctl_set *set, struct pv_ctlstate *st, const int *idx, const int64_t *val,
		   int n, char *msg, size_t len);

#endif
