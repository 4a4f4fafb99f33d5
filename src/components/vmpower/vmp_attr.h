/*
 * vmp_attr: per-interval attribution of a package's energy to VMs, in
 * integer micro-joules, with exact conservation.
 *
 * For one interval on package p (vmp_attr_step):
 *   idle    = min(energy, idle_budget)          HOST_IDLE
 *   active  = energy - idle                     HOST_ACTIVE
 *   denom   = max(host_basis, sum of vm_basis)  (the package's total activity)
 *   vm_i    = active * vm_basis_i / denom       VM_ENERGY
 *   other   = active - sum of vm_i              HOST_OTHER (host processes,
 *                                               QEMU work outside the VMs' basis)
 * Each party gets the floor of its exact share; the micro-joules the floors
 * leave over (fewer than the number of parties) go one each to the parties
 * with the largest remainders (Hamilton's method), so per interval
 *   sum(vm_i) + other == active   and   active + idle == energy
 * hold exactly and no party drifts by more than 1 uJ per interval.
 * Cumulative totals are kept per package and per VM slot; nothing is ever
 * subtracted, so every total is monotonic.
 *
 * A VM slot is never reused: a destroyed VM keeps its totals (it simply gets
 * basis 0, hence nothing, from then on).
 */
#ifndef VMP_ATTR_H
#define VMP_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "pv_topo.h"

/* One slot per package of the shared numbering (pv_topo). */
#define VMP_MAX_PKGS PV_TOPO_MAX_PKGS

struct vmp_attr_pkg {
	uint64_t energy;   /* everything the package consumed (uJ) */
	uint64_t idle;     /* idle baseline part */
	uint64_t active;   /* energy - idle */
	uint64_t other;    /* active not attributed to a VM */
};

struct vmp_attr {
	unsigned npkg;
	size_t nvm;                /* slots in use */
	size_t cap;                /* slots allocated */
	struct vmp_attr_pkg pkg[VMP_MAX_PKGS];
	uint64_t *vm;              /* [slot * npkg + pkg] cumulative uJ */
	/* scratch for one step (cap + 1 entries) */
	uint64_t *rem;
	uint32_t *order;
	uint64_t *share;
};

/* 0, -ENOMEM, or -EINVAL when npkg is 0 or above VMP_MAX_PKGS. */
int vmp_attr_init(struct vmp_attr *a, unsigned npkg);
void vmp_attr_fini(struct vmp_attr *a);

/* A new VM slot with zero totals.  0 or -ENOMEM. */
int vmp_attr_add_vm(struct vmp_attr *a, size_t *ret_slot);

/*
 * One interval on package pkg.  vm_basis has a->nvm entries (the VMs'
 * activity on this package's CPUs during the interval, 0 for frozen VMs),
 * host_basis the package's total activity in the same unit (0 if unknown:
 * then denom is the VMs' sum and HOST_OTHER only gets rounding, never
 * negative).  -EINVAL on a bad package.
 */
int vmp_attr_step(struct vmp_attr *a, unsigned pkg, uint64_t energy, uint64_t idle_budget,
		  uint64_t host_basis, const uint64_t *vm_basis);

/* Cumulative uJ of a VM on one package, or summed over packages (pkg < 0). */
uint64_t vmp_attr_vm(const struct vmp_attr *a, size_t slot, int pkg);

/* Package totals, or their sum over packages (pkg < 0). */
struct vmp_attr_pkg vmp_attr_host(const struct vmp_attr *a, int pkg);

/*
 * An integrator of power over time in whole uJ without drift: adds
 * power_uw * dt_ns / 1e9 and carries the sub-micro-joule remainder to the
 * next call.  Used for idle budgets and the power model.
 */
struct vmp_integ {
	uint64_t carry; /* remainder, in uW*ns (< 1e9) */
};
uint64_t vmp_attr_integ_add(struct vmp_integ *g, uint64_t power_uw, uint64_t dt_ns);

#endif
