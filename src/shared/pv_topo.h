/*
 * pv_topo: the one package numbering of papi-virt.  Which online CPU belongs
 * to which package, from sysfs (devices/system/cpu/online, parsed by
 * pv_cpus, and cpuN/topology/physical_package_id, read through pv_fs so
 * fixtures work).
 *
 * Packages get DENSE indices 0..npkg-1 in ascending order of their physical
 * id: these are the ":pkg=N" numbers of vmpower and rapl_vm and the package
 * numbers pv_rapl reports.  On a machine whose physical ids are 0..n-1 the
 * index equals the physical id; with gaps (a socket offline, ids 0 and 2,
 * or firmware numbering 1 and 3) it does not, and pkg_id[] says which
 * physical package an index is.  A CPU without a physical_package_id file
 * (some guests) or with a negative one is in physical package 0.
 */
#ifndef PV_TOPO_H
#define PV_TOPO_H

#include <stddef.h>

/* The most packages handled (more: pv_topo_read fails with -ERANGE). */
#define PV_TOPO_MAX_PKGS 64

struct pv_topo {
	int ncpu;                    /* 1 + highest online CPU number */
	int nonline;
	int *pkg_of;                 /* [ncpu]: dense package index, -1 when offline */
	int *online;                 /* [nonline]: online CPU numbers, ascending */
	unsigned npkg;
	int pkg_id[PV_TOPO_MAX_PKGS]; /* [npkg]: physical_package_id of each index */
};

/* Reads the topology.  0; -ENOMEM; the pv_fs error of the online file
 * (-ENOENT when it is absent), -EINVAL when it is malformed or lists no
 * CPU, -ERANGE for a CPU >= PV_CPUS_MAX; the pv_fs error of a
 * physical_package_id file that exists but cannot be read or parsed;
 * -ERANGE for more than PV_TOPO_MAX_PKGS packages.  On error *t is empty
 * (pv_topo_free is still safe) and why (may be NULL) gets one sentence
 * naming the file, the value and the reason. */
int pv_topo_read(struct pv_topo *t, char *why, size_t len);
void pv_topo_free(struct pv_topo *t);

/* The raw physical_package_id of CPU cpu: 0, or the pv_fs error (-ENOENT
 * when the CPU has no topology file, -EINVAL when malformed), -EDOM when
 * negative (-1 is "unknown" on some platforms), -ERANGE above INT_MAX. */
int pv_topo_cpu_phys(int cpu, int *ret_id);

/* Dense index of the package with physical id phys; -ENOENT when no
 * online CPU has that id (or t is NULL). */
int pv_topo_index(const struct pv_topo *t, int phys);

/*
 * The dense index for a physical package id that another source reports
 * (a RAPL zone "package-N", a perf PMU CPU's package), given all the ids
 * that source reports (ids[0..n-1], duplicates allowed, must include phys).
 * An id that has an online CPU gets its pv_topo_index.  An id without one
 * (t NULL because the topology could not be read, or a zone of a package
 * whose CPUs are all offline) is numbered after the topology's packages:
 * npkg + its rank among the distinct such ids, so the known packages keep
 * their numbers and, without any topology, the numbering is the dense rank
 * of the source's own ids (0..n-1 stay 0..n-1).
 */
int pv_topo_number(const struct pv_topo *t, int phys, const int *ids, int n);

#endif
