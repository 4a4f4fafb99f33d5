/* Integer energy attribution with exact conservation (see vmp_attr.h). */
#include "vmp_attr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int grow(struct vmp_attr *a);

int vmp_attr_init(struct vmp_attr *a, unsigned npkg)
{
	if (npkg == 0 || npkg > VMP_MAX_PKGS)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->npkg = npkg;
	return grow(a); /* scratch for HOST_OTHER even without VMs */
}

void vmp_attr_fini(struct vmp_attr *a)
{
	free(a->vm);
	free(a->rem);
	free(a->order);
	free(a->share);
	a->share = NULL;
	a->vm = NULL;
	a->rem = NULL;
	a->order = NULL;
	a->nvm = a->cap = 0;
}

static int grow(struct vmp_attr *a)
{
	size_t cap = a->cap ? a->cap * 2 : 16;
	uint64_t *vm = realloc(a->vm, cap * a->npkg * sizeof(*vm));

	if (!vm)
		return -ENOMEM;
	a->vm = vm;
	memset(vm + a->cap * a->npkg, 0, (cap - a->cap) * a->npkg * sizeof(*vm));
	uint64_t *rem = realloc(a->rem, (cap + 1) * sizeof(*rem));
	if (!rem)
		return -ENOMEM;
	a->rem = rem;
	uint32_t *order = realloc(a->order, (cap + 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	a->order = order;
	uint64_t *share = realloc(a->share, (cap + 1) * sizeof(*share));
	if (!share)
		return -ENOMEM;
	a->share = share;
	a->cap = cap;
	return 0;
}

int vmp_attr_add_vm(struct vmp_attr *a, size_t *ret_slot)
{
	if (a->nvm == a->cap) {
		int err = grow(a);
		if (err)
			return err;
	}
	*ret_slot = a->nvm++;
	return 0;
}

/* Gives one uJ to each of the k parties with the largest remainders (ties
 * to the lower index, so results are deterministic).  k < n always, and n is
 * the number of VMs + 1, so repeated selection is cheap enough. */
static void give_leftover(const uint64_t *rem, uint32_t *order, size_t n, uint64_t k, uint64_t *share)
{
	for (size_t i = 0; i < n; i++)
		order[i] = 0; /* 1 = already got one */
	for (uint64_t g = 0; g < k; g++) {
		size_t best = n;
		for (size_t i = 0; i < n; i++) {
			if (order[i])
				continue;
			if (best == n || rem[i] > rem[best])
				best = i;
		}
		if (best == n)
			break;
		order[best] = 1;
		share[best]++;
	}
}

int vmp_attr_step(struct vmp_attr *a, unsigned pkg, uint64_t energy, uint64_t idle_budget,
		  uint64_t host_basis, const uint64_t *vm_basis)
{
	if (pkg >= a->npkg)
		return -EINVAL;
	struct vmp_attr_pkg *p = &a->pkg[pkg];
	uint64_t idle = energy < idle_budget ? energy : idle_budget;
	uint64_t active = energy - idle;
	unsigned __int128 sum = 0;

	for (size_t i = 0; i < a->nvm; i++)
		sum += vm_basis[i];
	unsigned __int128 denom = sum > host_basis ? sum : host_basis;

	p->energy += energy;
	p->idle += idle;
	p->active += active;
	if (denom == 0 || active == 0) {
		p->other += active;
		return 0;
	}
	/* Parties: the VMs (0..nvm-1) and HOST_OTHER (nvm). */
	size_t n = a->nvm + 1;
	uint64_t given = 0;
	uint64_t *share = a->share;
	for (size_t i = 0; i < n; i++) {
		unsigned __int128 b = i < a->nvm ? vm_basis[i] : denom - sum;
		unsigned __int128 num = (unsigned __int128)active * b;
		share[i] = (uint64_t)(num / denom);
		/* remainder < denom; scale to 64 bits for comparison */
		unsigned __int128 r = num % denom;
		a->rem[i] = (uint64_t)((r << 32) / denom);
		given += share[i];
	}
	give_leftover(a->rem, a->order, n, active - given, share);
	for (size_t i = 0; i < a->nvm; i++)
		a->vm[i * a->npkg + pkg] += share[i];
	p->other += share[a->nvm];
	return 0;
}

uint64_t vmp_attr_vm(const struct vmp_attr *a, size_t slot, int pkg)
{
	if (slot >= a->nvm)
		return 0;
	if (pkg >= 0)
		return (unsigned)pkg < a->npkg ? a->vm[slot * a->npkg + pkg] : 0;
	uint64_t s = 0;
	for (unsigned p = 0; p < a->npkg; p++)
		s += a->vm[slot * a->npkg + p];
	return s;
}

struct vmp_attr_pkg vmp_attr_host(const struct vmp_attr *a, int pkg)
{
	struct vmp_attr_pkg s = { 0, 0, 0, 0 };

	if (pkg >= 0)
		return (unsigned)pkg < a->npkg ? a->pkg[pkg] : s;
	for (unsigned p = 0; p < a->npkg; p++) {
		s.energy += a->pkg[p].energy;
		s.idle += a->pkg[p].idle;
		s.active += a->pkg[p].active;
		s.other += a->pkg[p].other;
	}
	return s;
}

uint64_t vmp_attr_integ_add(struct vmp_integ *g, uint64_t power_uw, uint64_t dt_ns)
{
	unsigned __int128 t = (unsigned __int128)power_uw * dt_ns + g->carry;

	g->carry = (uint64_t)(t % 1000000000u);
	return (uint64_t)(t / 1000000000u);
}
