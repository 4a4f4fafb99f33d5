/*
 * vmp_export: a VM's attributed energy as a powercap zone its guest can
 * read, as if the guest had RAPL.
 *
 * For each VM, under an export root (PAPI_VIRT_VMPOWER_EXPORT):
 *   <root>/<uuid>/class/powercap/intel-rapl:0/name                 "package-0"
 *   <root>/<uuid>/class/powercap/intel-rapl:0/energy_uj            uJ, wraps at the range
 *   <root>/<uuid>/class/powercap/intel-rapl:0/max_energy_range_uj
 *   <root>/<uuid>/vm_name                                          the VM's name
 * Share <root>/<uuid> into the guest (virtiofs or 9p) and point the guest's
 * PAPI_VIRT_SYSFS at the mount: the guest's rapl_vm reads its own energy.
 *
 * energy_uj is rewritten in place with one fixed-length pwrite (the number
 * left-aligned in VMP_EXPORT_WIDTH characters, blank-padded, then a
 * newline): readers that keep the file open and pread it, as powercap
 * readers do on sysfs, see every update; the length never changes, so there
 * is no empty or truncated state.  The other files are written once,
 * atomically (temporary file + rename).
 * It is monotonic except for the wrap at max_energy_range_uj + 1, exactly
 * like a RAPL counter; a restarted exporter continues from the value it
 * finds (the guest never sees a backwards step other than that wrap).
 */
#ifndef VMP_EXPORT_H
#define VMP_EXPORT_H

#include <limits.h>
#include <stdint.h>

#define VMP_EXPORT_WIDTH 20 /* digits of UINT64_MAX */

struct vmp_export_vm {
	char zone[PATH_MAX];    /* .../class/powercap/intel-rapl:0 */
	uint64_t range;         /* max_energy_range_uj */
	uint64_t base;          /* value found at open (continuation) */
	uint64_t last;          /* last value written (before the wrap) */
	int fd;                 /* energy_uj, open for writing */
	int open;
};

/* Creates the tree (mkdir -p, mode 0755), writes name, range and vm_name,
 * and reads an existing energy_uj to continue from.  0 or -errno. */
int vmp_export_vm_open(struct vmp_export_vm *e, const char *root, const char *uuid,
		       const char *vm_name, uint64_t range);

/* Publishes base + cum_uj (mod range + 1).  Skips the write when unchanged.
 * 0 or -errno. */
int vmp_export_vm_write(struct vmp_export_vm *e, uint64_t cum_uj);

void vmp_export_vm_close(struct vmp_export_vm *e);

/* Writes content to dir/name through dir/.name.tmp + rename. */
int vmp_export_write_atomic(const char *dir, const char *name, const char *content);

#endif
