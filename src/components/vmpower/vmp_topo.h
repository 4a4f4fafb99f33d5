/*
 * vmp_topo: which online CPU belongs to which package, from sysfs
 * (devices/system/cpu/online and cpuN/topology/physical_package_id, through
 * pv_fs so fixtures work).  Packages get dense indices 0..npkg-1 in order of
 * their physical id: these are the ":pkg=N" numbers.  A CPU without a
 * topology file is in package 0 (as on some guests).
 */
#ifndef VMP_TOPO_H
#define VMP_TOPO_H

#include <stddef.h>

#define VMP_MAX_CPUS 4096

struct vmp_topo {
	int ncpu;               /* 1 + highest online CPU number */
	int nonline;
	int *pkg_of;            /* [ncpu]: dense package index, -1 when offline */
	int *online;            /* [nonline]: online CPU numbers, ascending */
	unsigned npkg;
	int pkg_id[64];          /* [npkg]: physical_package_id of each index */
};

/* Reads the topology.  0, -ENOMEM, or the pv_fs error of the online file
 * (-ENOENT when it is absent), -EINVAL when malformed. */
int vmp_topo_read(struct vmp_topo *t);
void vmp_topo_free(struct vmp_topo *t);

#endif
