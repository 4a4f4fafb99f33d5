/*
 * pv_ctl: which host files are power controls papi-virt may change
 * (cpufreq, intel_pstate, RAPL limits through powercap), as data: each
 * kind's event base name, whether it is writable, and the sysfs file it is.
 * PAPI-free and free of any component: rapl_vm discovers, validates and
 * writes controls of these kinds; the saved-state modules (pv_ctlstate)
 * order their restore by kind and write back only files this table names.
 */
#ifndef PV_CTL_H
#define PV_CTL_H

#include <stddef.h>

/* Declared in write order: a batch is applied governor first (so a setspeed
 * in the same batch sees the userspace governor), limits before enable;
 * a restore writes back in the same order. */
enum pv_ctl_kind {
	PV_CTL_GOVERNOR = 0,
	PV_CTL_MIN_FREQ,
	PV_CTL_MAX_FREQ,
	PV_CTL_SETSPEED,
	PV_CTL_CUR_FREQ, /* read-only */
	PV_CTL_PSTATE_NO_TURBO,
	PV_CTL_PSTATE_MIN,
	PV_CTL_PSTATE_MAX,
	PV_CTL_POWER_LIMIT,
	PV_CTL_TIME_WINDOW,
	PV_CTL_LIMIT_ENABLED,
	PV_CTL_NKINDS
};

/* Event base name of a kind ("POWER_LIMIT_UW", "CPU_GOVERNOR", ...); "?"
 * for a value outside the enum. */
const char *pv_ctl_kind_name(enum pv_ctl_kind k);
int pv_ctl_kind_writable(enum pv_ctl_kind k);

/* The kind whose event base name is name; PV_CTL_NKINDS if none. */
enum pv_ctl_kind pv_ctl_kind_by_name(const char *name);

/* 0 if abs_path is the file of a writable control named kind (its event
 * base name) under the sysfs root in force now; -EPERM with msg otherwise.
 * The restore of a saved-state file writes nothing else. */
int pv_ctl_known_file(const char *kind, const char *abs_path, char *msg, size_t len);

#endif
