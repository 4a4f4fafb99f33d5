/*
 * steal_procstat: steal's snapshot of the "cpu" lines of /proc/stat, parsed
 * by pv_procstat (the shared parser: columns, CPU numbers, malformed lines)
 * and kept per CPU number for deltas.
 *
 * Values are USER_HZ ticks.  CPUs are matched by the number in their name
 * ("cpu7"), never by line position: the kernel prints only online CPUs, so
 * an offline CPU is a gap, not a shift.  The "cpu " total line sums every
 * possible CPU (offline ones included), so it does not drop when a CPU goes
 * offline, unlike a sum of the per-CPU lines.
 *
 * Columns after guest_nice are accepted (checked, unused).  A cpu line
 * that cannot be parsed (missing fields, a kernel older than
 * 2.6.11 without the steal column, garbage, a CPU number above
 * STEAL_MAX_CPUS, a duplicate) is skipped and counted in `malformed`; the
 * rest of the file is still used.
 */
#ifndef STEAL_PROCSTAT_H
#define STEAL_PROCSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "pv_procstat.h"

#define STEAL_MAX_CPUS PV_PROCSTAT_MAX_CPUS

struct steal_cpustat {
	uint64_t busy;  /* PV_PS_BUSY: user + nice + system + irq + softirq (saturating) */
	uint64_t idle;  /* PV_PS_IDLE: idle + iowait */
	uint64_t steal;
	int present;    /* a well-formed line for this CPU was in the file */
};

struct steal_procstat {
	struct steal_cpustat total;   /* the "cpu " line; present = 0 if absent or malformed */
	struct steal_cpustat *cpu;    /* indexed by kernel CPU number, [0, ncpu) */
	size_t ncpu;                  /* 1 + highest CPU number present */
	size_t cap;                   /* allocated entries (grows, never shrinks) */
	unsigned present;             /* how many CPU lines were well formed */
	unsigned malformed;           /* cpu lines skipped */
	int first_bad_line;           /* 1-based line number of the first skipped line, 0 if none */
};

void steal_procstat_init(struct steal_procstat *s);
void steal_procstat_free(struct steal_procstat *s);

/* Parses /proc/stat content (NUL-terminated).  Reuses s's memory: no
 * allocation once it has seen the machine's CPUs.  Returns 0, -ENOMEM, or
 * -EINVAL when the content has no usable cpu line at all. */
int steal_procstat_parse(const char *buf, struct steal_procstat *s);

/* Entry of CPU n if its line was present, else NULL. */
const struct steal_cpustat *steal_procstat_get(const struct steal_procstat *s, int n);

/* Whole-system steal in ticks: the "cpu " line, or when it is absent or
 * malformed the sum of the per-CPU lines (*ret_from_sum = 1). */
uint64_t steal_procstat_total_steal(const struct steal_procstat *s, int *ret_from_sum);

/* Deep copy (for keeping the previous snapshot).  0 or -ENOMEM. */
int steal_procstat_copy(struct steal_procstat *dst, const struct steal_procstat *src);

/* Reads a kept-open /proc/stat (pv_procstat_open) and parses it into s. */
int steal_procstat_read(struct pv_procstat_file *f, struct steal_procstat *s);

#endif
