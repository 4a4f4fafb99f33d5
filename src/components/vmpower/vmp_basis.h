/*
 * vmp_basis: one VM's attribution basis (cycles or CPU time), cumulative
 * per package, from the best source the host allows:
 *
 *   VMP_B_CGROUP_PERF  one counter per online CPU scoped to the VM's cgroup
 *                      v2 directory: every thread in it or below it (vCPUs,
 *                      emulator, iothreads), whether it existed before the
 *                      counter or not, split exactly by CPU, so by package.
 *                      For CPU time the amount is the cgroup's cpu.stat
 *                      usage (the kernel's accounting, = libvirt's cpu.time)
 *                      and the counters give its split over packages:
 *                      task-clock alone also counts interrupts served while
 *                      the VM ran (1-4% more on the lab host).
 *   VMP_B_THREAD_PERF  one inherited counter per thread of the QEMU process
 *                      found at open: threads they create later are counted
 *                      through inheritance (libvirt's perf support opens only
 *                      the main pid and misses the vCPU threads that exist
 *                      already).  Totals only: split over packages by the
 *                      process's allowed CPUs (exact when pinned to one
 *                      package).
 *   VMP_B_CPUSTAT      usage_usec of the cgroup's cpu.stat (CPU time only),
 *                      split over packages like THREAD_PERF.
 *
 * After vmp_basis_close (VM gone) the totals stay: the VM freezes.
 */
#ifndef VMP_BASIS_H
#define VMP_BASIS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmp_attr.h"
#include "vmp_perf.h"
#include "pv_topo.h"

enum vmp_bmode { VMP_B_NONE = 0, VMP_B_CGROUP_PERF, VMP_B_THREAD_PERF, VMP_B_CPUSTAT };

struct vmp_basis {
	enum vmp_bmode mode;
	enum vmp_unit unit;
	int n;                   /* counters */
	int *fd;                 /* [n] */
	int *pkg;                /* [n] package of each counter (-1: split by weight) */
	uint64_t *val;           /* [n] last scaled value */
	int statfd;              /* cpu.stat for VMP_B_CPUSTAT, else -1 */
	uint64_t stat_last;      /* last usage in ns */
	unsigned npkg;
	uint32_t weight[VMP_MAX_PKGS]; /* allowed CPUs per package (for the split) */
	uint64_t cum[VMP_MAX_PKGS];    /* cumulative basis per package */
	uint64_t total;                /* sum of cum */
	int open_err;            /* why the preferred mode was not used (-errno), 0 */
};

/* What the VM is: its cgroup directory relative to the sysfs root (may be
 * NULL), its QEMU pid and its threads (all of them, main thread included). */
struct vmp_basis_target {
	const char *cgroup_dir;
	pid_t pid;
	const pid_t *tids;
	size_t ntids;
};

/* Opens the best mode for unit.  0 (b->mode says which), or -errno when no
 * mode works (b->mode = VMP_B_NONE, b usable and reading 0). */
int vmp_basis_open(struct vmp_basis *b, enum vmp_unit unit, const struct pv_topo *t,
		   const struct vmp_basis_target *target);

/* Reads the counters and grows cum/total.  0 or the first error (the
 * other counters are still read). */
int vmp_basis_read(struct vmp_basis *b);

/* Closes the counters; totals stay (a frozen VM). */
void vmp_basis_close(struct vmp_basis *b);

const char *vmp_basis_mode_name(enum vmp_bmode m);

/* Adds delta to cum[] split by weight (largest remainder), for tests. */
void vmp_basis_split(struct vmp_basis *b, uint64_t delta);

/* Per-package weights from a Cpus_allowed_list line. */
int vmp_basis_weights(const char *cpulist, const struct pv_topo *t, uint32_t *ret_weight);

#endif
