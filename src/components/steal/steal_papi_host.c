/*
 * steal: PAPI adapter, host half.  The libvirt context (shared by the
 * process, opened on first use), the binding of an EventSet's host events to
 * vCPU threads at PAPI_start, VM listing for enumeration and VM/vCPU checks
 * for typed names.  See steal_papi.c for the rest.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steal_papi.h"

#include "pv_msg.h"

/* Host discovery: the process-wide libvirt registry (pv_virt_reg.h, shared
 * with vmpower: one connection, one record per VM), claimed on first use
 * (enumeration or a host event name) so PAPI_library_init never touches
 * libvirt.  steal_virt is valid only between steal_virt_get() and
 * pv_virt_reg_unlock(). */
static struct pv_virt *steal_virt;

/* Locks the registry.  0, or -ENOMEM (not locked). */
static int steal_virt_get(void)
{
	return pv_virt_reg_get(PV_VIRT_REG_STEAL, &steal_virt);
}

/* ---- host binding ------------------------------------------------------ */

void steal_papi_host_free(struct steal_ctl *c)
{
	for (size_t i = 0; i < c->nhvm; i++) {
		for (size_t k = 0; k < c->hvm[i].n; k++)
			steal_vcpu_close(&c->hvm[i].v[k]);
		free(c->hvm[i].v);
	}
	free(c->hvm);
	c->hvm = NULL;
	c->nhvm = 0;
}

/* Adds (or finds) the slot of a VM record; lock held. */
static int steal_hvm_bind(struct steal_ctl *c, const struct pv_virt_vm *vm, int in_all)
{
	struct steal_hvm *h, *nh;

	for (size_t i = 0; i < c->nhvm; i++) {
		if (c->hvm[i].id == vm->id) {
			c->hvm[i].in_all |= in_all;
			return (int)i;
		}
	}
	nh = realloc(c->hvm, (c->nhvm + 1) * sizeof(*nh));
	if (!nh)
		return -ENOMEM;
	c->hvm = nh;
	h = &c->hvm[c->nhvm];
	memset(h, 0, sizeof(*h));
	h->id = vm->id;
	h->in_all = in_all;
	h->v = calloc(vm->n_vcpus ? vm->n_vcpus : 1, sizeof(*h->v));
	if (!h->v)
		return -ENOMEM;
	for (size_t k = 0; k < vm->n_vcpus; k++) {
		/* A thread that vanished between discovery and now is a
		 * frozen vCPU (fd -1), not an error. */
		int rc = steal_vcpu_open(&h->v[k], vm->pid, vm->vcpus[k].tid, vm->vcpus[k].index);

		if (rc < 0) {
			h->v[k].frozen = 1;
			pv_dbg("steal", "VM '%s': vCPU %d counter %s/%d/task/%d/schedstat could not be opened: %s [%s]; "
			       "its steal stays frozen", vm->name, vm->vcpus[k].index, pv_fs_root(PV_PROC), (int)vm->pid,
			       (int)vm->vcpus[k].tid, strerror(-rc), pv_msg_errname(rc));
		}
	}
	h->n = vm->n_vcpus;
	return (int)c->nhvm++;
}

int steal_papi_host_bind(struct steal_ctl *c)
{
	int rc = 0, refreshed = 0;

	steal_papi_host_free(c);
	rc = steal_virt_get();
	if (rc < 0) {
		pv_papi_error(&_steal_vector, "cannot create the libvirt context: %s", strerror(-rc));
		return rc;
	}
	for (int i = 0; rc == 0 && i < c->n; i++) {
		const struct pv_event *e = pv_evtab_get(&steal_ev.tab, c->codes[i]);

		c->slot[i] = -1;
		if (!steal_events_kind_is_host(e->kind))
			continue;
		if (!e->key[0]) {
			/* All VMs: the set running now. */
			if (!refreshed) {
				rc = pv_virt_refresh(steal_virt, NULL);
				refreshed = 1;
				if (rc < 0) {
					pv_papi_error(&_steal_vector, "%s: cannot list VMs at %s: %s",
						      e->name, pv_virt_uri(steal_virt),
						      pv_virt_last_error(steal_virt));
					break;
				}
			}
			for (size_t k = 0; k < pv_virt_count(steal_virt); k++) {
				const struct pv_virt_vm *vm = pv_virt_at(steal_virt, k);

				if (!vm->gone && (rc = steal_hvm_bind(c, vm, 1)) < 0)
					break;
			}
			rc = rc < 0 ? rc : 0;
		} else {
			const struct pv_virt_vm *vm;

			rc = pv_virt_lookup_name(steal_virt, e->key, &vm);
			if (rc == 0 && vm->n_vcpus == 0 && !refreshed) {
				/* Found while QEMU was still creating its vCPU
				 * threads: look again now. */
				refreshed = 1;
				if (pv_virt_refresh(steal_virt, NULL) == 0)
					rc = pv_virt_lookup_name(steal_virt, e->key, &vm);
			}
			if (rc < 0) {
				if (rc == -ENOENT)
					pv_papi_error(&_steal_vector, "%s: no running VM named '%s' at %s",
						      e->name, e->key, pv_virt_uri(steal_virt));
				else
					pv_papi_error(&_steal_vector, "%s: cannot look up VM '%s': %s",
						      e->name, e->key, pv_virt_last_error(steal_virt));
				break;
			}
			rc = steal_hvm_bind(c, vm, 0);
			if (rc >= 0) {
				c->slot[i] = rc;
				rc = 0;
			}
		}
	}
	pv_virt_reg_unlock();
	return rc;
}

uint64_t steal_papi_host_value(const struct steal_ctl *c, int slot, int vcpu, enum steal_vcpu_value what)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < c->nhvm; i++) {
		const struct steal_hvm *h = &c->hvm[i];

		if (slot >= 0 ? (int)i != slot : !h->in_all)
			continue;
		for (size_t k = 0; k < h->n; k++)
			if (vcpu < 0 || h->v[k].index == vcpu)
				sum += steal_vcpu_value(&h->v[k], what);
	}
	return sum;
}

/* Hides every VM instance from enumeration; codes stay valid, so EventSets
 * that hold a VM that has gone keep reading its frozen values. */
static void steal_papi_host_unlist_vms(void)
{
	unsigned n = pv_evtab_count(&steal_ev.tab);

	for (unsigned i = 0; i < n; i++) {
		const struct pv_event *e = pv_evtab_get(&steal_ev.tab, i);

		if (e->key[0] && steal_events_kind_is_host(e->kind))
			pv_evtab_set_listed(&steal_ev.tab, i, 0);
	}
}

static void steal_papi_host_list(const struct steal_req *r)
{
	unsigned code;

	if (steal_events_add(&steal_ev.tab, r, 1, NULL, &code) == 0)
		pv_evtab_set_listed(&steal_ev.tab, code, 1);
	/* else: name too long for PAPI; typed names still work */
}

/* VMs are listed as they run when enumeration starts (papi_native_avail):
 * a refresh there (not on the read path) lets a long-running client that
 * enumerates again see VMs that started and stop seeing VMs that left. */
void steal_papi_host_list_vms(void)
{
	if (steal_virt_get() == 0) {
		/* No daemon (normal inside a guest) or no libvirt: no VM is
		 * listed; host event names report the reason when used. */
		if (pv_virt_refresh(steal_virt, NULL) == 0)
			steal_papi_host_unlist_vms();
		for (size_t i = 0; i < pv_virt_count(steal_virt); i++) {
			const struct pv_virt_vm *vm = pv_virt_at(steal_virt, i);

			if (vm->gone)
				continue;
			for (int k = 0; k < STEAL_K_COUNT; k++) {
				struct steal_req r = { .kind = k, .cpu = -1, .vcpu = -1 };

				if (!steal_events_kind_is_host(k) || (int)steal_events_kind(k)->base != k)
					continue;

				snprintf(r.vm, sizeof(r.vm), "%s", vm->name);
				steal_papi_host_list(&r);
				for (size_t n = 0; n < vm->n_vcpus; n++) {
					r.vcpu = vm->vcpus[n].index;
					steal_papi_host_list(&r);
				}
			}
		}
		pv_virt_reg_unlock();
	}
}

/* A typed VM (and vCPU) must exist: the lookup refreshes the VM list on a
 * miss, so a VM started after PAPI_library_init is found.  0 or -ENOENT,
 * with the reason reported. */
int steal_papi_host_check(const struct steal_req *r)
{
	int rc;
	const struct pv_virt_vm *vm = NULL;
	int found = 0;

	rc = steal_virt_get();
	if (rc < 0) {
		pv_papi_error(&_steal_vector, "cannot create the libvirt context: %s", strerror(-rc));
		return -ENOENT;
	}
	rc = pv_virt_lookup_name(steal_virt, r->vm, &vm);
	if (rc == 0 && r->vcpu >= 0) {
		for (size_t k = 0; k < vm->n_vcpus; k++)
			found |= vm->vcpus[k].index == r->vcpu;
		if (!found)
			pv_papi_error(&_steal_vector, "VM '%s' has no vCPU %d (it has %zu)",
				      r->vm, r->vcpu, vm->n_vcpus);
	} else if (rc == -ENOENT) {
		pv_papi_error(&_steal_vector, "no running VM named '%s' at %s", r->vm,
			      pv_virt_uri(steal_virt));
	} else if (rc < 0) {
		pv_papi_error(&_steal_vector, "cannot look up VM '%s': %s", r->vm,
			      pv_virt_last_error(steal_virt));
	}
	pv_virt_reg_unlock();
	if (rc < 0 || (r->vcpu >= 0 && !found))
		return -ENOENT;
	return 0;
}

/* Idempotent and thread-safe (the registry closes once, when vmpower has
 * released it too).  A worker stuck in a hung daemon frees the connection
 * on its own: wait at most 50 ms for it. */
void steal_papi_host_shutdown(void)
{
	pv_virt_reg_release(PV_VIRT_REG_STEAL, 50);
}
