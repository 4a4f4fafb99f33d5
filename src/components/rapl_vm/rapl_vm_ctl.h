/*
 * rapl_vm_ctl: host power controls (RAPL limits through powercap, cpufreq,
 * intel_pstate), PAPI-free.  Discovery from sysfs (through pv_fs), current
 * values, validation against the hardware's own limits, and batched writes
 * that save originals first (rapl_vm_state) and roll back on failure.
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

struct rapl_state;

/* Declared in write order: a batch is applied governor first (so a setspeed
 * in the same batch sees the userspace governor), limits before enable. */
enum rapl_ctl_kind {
	RAPL_CTL_GOVERNOR = 0,
	RAPL_CTL_MIN_FREQ,
	RAPL_CTL_MAX_FREQ,
	RAPL_CTL_SETSPEED,
	RAPL_CTL_CUR_FREQ, /* read-only */
	RAPL_CTL_PSTATE_NO_TURBO,
	RAPL_CTL_PSTATE_MIN,
	RAPL_CTL_PSTATE_MAX,
	RAPL_CTL_POWER_LIMIT,
	RAPL_CTL_TIME_WINDOW,
	RAPL_CTL_LIMIT_ENABLED,
	RAPL_CTL_NKINDS
};

#define RAPL_CTL_KEEP (-1)
#define RAPL_CTL_FILE_MAX 128
#define RAPL_CTL_MAX_GOV 12
#define RAPL_CTL_GOV_LEN 24

struct rapl_ctl {
	enum rapl_ctl_kind kind;
	int pkg;        /* RAPL controls, else -1 */
	int cpu;        /* cpufreq controls, else -1 */
	int constraint; /* K of constraint_K_*, else -1 */
	char cname[24]; /* constraint_K_name: long_term, short_term, ... */
	char file[RAPL_CTL_FILE_MAX]; /* relative to the sysfs root */
	int ngov;       /* CPU_GOVERNOR: scaling_available_governors */
	char gov[RAPL_CTL_MAX_GOV][RAPL_CTL_GOV_LEN];
};

struct rapl_ctl_set {
	struct rapl_ctl *c;
	int n, cap;
};

/* A powercap package zone whose limits are controls. */
struct rapl_ctl_zone {
	int pkg;
	char dir[64]; /* "class/powercap/intel-rapl:0" */
};

/* Event base name of a kind ("POWER_LIMIT_UW", "CPU_GOVERNOR", ...). */
const char *rapl_ctl_kind_name(enum rapl_ctl_kind k);
int rapl_ctl_kind_writable(enum rapl_ctl_kind k);

/* 0 if abs_path is the file of a writable control named kind (its event
 * base name) under the sysfs root in force now; -EPERM with msg otherwise.
 * The restore of a saved-state file writes nothing else. */
int rapl_ctl_known_file(const char *kind, const char *abs_path, char *msg, size_t len);

/* Finds every control present: RAPL limits of the given zones, cpufreq of
 * every cpuN with a cpufreq directory, intel_pstate's global knobs.  0 (an
 * empty set is not an error) or -ENOMEM. */
int rapl_ctl_discover(struct rapl_ctl_set *set, const struct rapl_ctl_zone *zones, int nzones);
void rapl_ctl_free(struct rapl_ctl_set *set);

/* Index of a control in the set, -ENOENT if absent. */
int rapl_ctl_find(const struct rapl_ctl_set *set, enum rapl_ctl_kind k, int pkg_or_cpu, int constraint);

/* Current value.  CPU_GOVERNOR: the index of the current governor (-1 if it
 * is not in the available list); CPU_SETSPEED_KHZ: 0 when the file says
 * "<unsupported>" (governor is not userspace). */
int rapl_ctl_read(const struct rapl_ctl *c, int64_t *ret);

/* Checks a batch (n controls idx[] with values val[]) without writing:
 * -EINVAL with msg naming the file, the value and the limit. */
int rapl_ctl_validate(const struct rapl_ctl_set *set, struct rapl_state *st, const int *idx, const int64_t *val,
		      int n, char *msg, size_t len);

/* Validates, saves originals (rapl_state_save) of the controls that change,
 * then writes them in a safe order.  If a write fails, the controls already
 * written by this batch get their previous values back and the error is
 * returned (-EACCES/-EPERM for permissions, -EBUSY when another process owns
 * a control, -EINVAL, -EIO, ...), with msg.  Never reports a failed write
 * as success. */
int rapl_ctl_apply(const struct rapl_ctl_set *set, struct rapl_state *st, const int *idx, const int64_t *val,
		   int n, char *msg, size_t len);

#endif
