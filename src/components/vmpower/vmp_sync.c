/*
 * VM records of the engine: applying a libvirt refresh (new VMs get their
 * counters, gone VMs freeze), and the name table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"
#include "pv_msg.h"
#include "vmp_engine_priv.h"

int vmp_sync_find_name(const struct vmp_engine *e, const char *name)
{
	for (int i = 0; i < e->nnames; i++)
		if (strcmp(e->names[i].name, name) == 0)
			return i;
	return -1;
}

static int add_name(struct vmp_engine *e, const char *name)
{
	int i = vmp_sync_find_name(e, name);
	size_t slot;

	if (i >= 0)
		return i;
	if (e->nnames == e->cap_names) {
		int cap = e->cap_names ? e->cap_names * 2 : 16;
		struct vmp_name *n = realloc(e->names, (size_t)cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		e->names = n;
		e->cap_names = cap;
	}
	if (e->cap_vb < e->cap_names) {
		uint64_t *vb = realloc(e->vb, (size_t)e->cap_names * sizeof(*vb));
		if (!vb)
			return -ENOMEM;
		e->vb = vb;
		e->cap_vb = e->cap_names;
	}
	struct vmp_name *n = &e->names[e->nnames];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name);
	if (!n->name)
		return -ENOMEM;
	int err = vmp_attr_add_vm(&e->attr, &slot);
	if (err) {
		free(n->name);
		return err;
	}
	/* slots and names are created together, so slot == name index */
	return e->nnames++;
}

static struct vmp_rec *find_rec(struct vmp_engine *e, uint64_t id)
{
	for (int i = 0; i < e->nrecs; i++)
		if (e->recs[i].virt_id == id)
			return &e->recs[i];
	return NULL;
}

/* All threads of the VM, main thread first, without duplicates. */
static pid_t *vm_tids(const struct pv_virt_vm *vm, size_t *ret_n)
{
	size_t cap = 1 + vm->n_vcpus + vm->n_others, n = 0;
	pid_t *t = malloc(cap * sizeof(*t));

	if (!t)
		return NULL;
	if (vm->pid > 0)
		t[n++] = vm->pid;
	for (size_t i = 0; i < vm->n_vcpus; i++)
		t[n++] = vm->vcpus[i].tid;
	for (size_t i = 0; i < vm->n_others; i++)
		if (vm->others[i].tid != vm->pid)
			t[n++] = vm->others[i].tid;
	*ret_n = n;
	return t;
}

/* The debug channel's line for a VM's counters: which ones, and why the
 * preferred ones (the cgroup's, else the threads') could not be opened. */
static void dbg_basis(const struct pv_virt_vm *vm, const struct vmp_basis *b)
{
	char where[600];

	if (!pv_dbg_on())
		return; /* the line is built only for the debug channel */
	if (vm->cgroup_dir)
		snprintf(where, sizeof(where), "cgroup %s/%s", pv_fs_root(PV_SYS), vm->cgroup_dir);
	else
		snprintf(where, sizeof(where), "threads of pid %d (no cgroup found)", (int)vm->pid);
	if (b->mode == VMP_B_NONE)
		pv_dbg("vmpower", "VM '%s': counters could not be opened (%s): %s [%s]; its work counts as HOST_OTHER",
		       vm->name, where, strerror(-b->open_err), pv_msg_errname(b->open_err));
	else if (b->open_err && vm->cgroup_dir) /* no cgroup: open_err is that, not a failure */
		pv_dbg("vmpower", "VM '%s': counters of the %s could not be opened: %s [%s]; using %s", vm->name, where,
		       strerror(-b->open_err), pv_msg_errname(b->open_err), vmp_basis_mode_name(b->mode));
	else
		pv_dbg("vmpower", "VM '%s': %s (%s)", vm->name, vmp_basis_mode_name(b->mode), where);
}

/* Opens the record's counters for what discovery knows of the VM now, and
 * takes their current values as the baseline.  A VM whose counters cannot
 * be opened is still tracked (its values stay 0 and its work lands in
 * HOST_OTHER): b.mode is VMP_B_NONE and b.open_err says why. */
static int open_basis(struct vmp_engine *e, struct vmp_rec *r, const struct pv_virt_vm *vm)
{
	size_t ntids = 0;
	pid_t *tids = vm_tids(vm, &ntids);
	if (!tids)
		return -ENOMEM;
	struct vmp_basis_target tg = {
		.cgroup_dir = vm->cgroup_dir, .pid = vm->pid, .tids = tids, .ntids = ntids,
	};
	vmp_basis_open(&r->b, e->info.unit, &e->topo, &tg);
	dbg_basis(vm, &r->b);
	if (e->info.unit == VMP_CYCLES) {
		vmp_basis_open(&r->nsb, VMP_NS, &e->topo, &tg);
		r->has_nsb = 1;
	}
	free(tids);
	vmp_basis_read(&r->b);
	memcpy(r->bprev, r->b.cum, sizeof(r->bprev));
	if (r->has_nsb) {
		vmp_basis_read(&r->nsb);
		memcpy(r->nsprev, r->nsb.cum, sizeof(r->nsprev));
	}
	r->pid = vm->pid;
	free(r->cgdir);
	r->cgdir = vm->cgroup_dir ? strdup(vm->cgroup_dir) : NULL;
	return 0;
}

/* A VM seen while QEMU was still starting (no process yet, or not yet in
 * its own cgroup): open its counters again once discovery sees them.  Cumulative values carry
 * over (the new counters start from the old totals). */
static void retry_basis(struct vmp_engine *e, struct vmp_rec *r, const struct pv_virt_vm *vm)
{
	int same_cg = (!vm->cgroup_dir && !r->cgdir) ||
		      (vm->cgroup_dir && r->cgdir && strcmp(vm->cgroup_dir, r->cgdir) == 0);
	if (vm->pid <= 0 || (vm->pid == r->pid && same_cg && r->b.mode != VMP_B_NONE))
		return;
	/* Attribute what the old counters saw, then switch. */
	vmp_engine_update_locked(e);
	struct vmp_basis oldb = r->b, oldn = r->nsb;
	vmp_basis_close(&oldb);
	if (r->has_nsb)
		vmp_basis_close(&oldn);
	open_basis(e, r, vm);
	/* keep the totals monotonic across the switch */
	for (unsigned p = 0; p < VMP_MAX_PKGS; p++) {
		r->b.cum[p] += oldb.cum[p];
		r->bprev[p] += oldb.cum[p];
		r->nsb.cum[p] += oldn.cum[p];
		r->nsprev[p] += oldn.cum[p];
	}
	r->b.total += oldb.total;
	r->nsb.total += oldn.total;
}

static int add_rec(struct vmp_engine *e, const struct pv_virt_vm *vm)
{
	int name = add_name(e, vm->name);

	if (name < 0)
		return name;
	if (e->nrecs == e->cap_recs) {
		int cap = e->cap_recs ? e->cap_recs * 2 : 16;
		struct vmp_rec *r = realloc(e->recs, (size_t)cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		e->recs = r;
		e->cap_recs = cap;
	}
	struct vmp_rec *r = &e->recs[e->nrecs];
	memset(r, 0, sizeof(*r));
	r->virt_id = vm->id;
	r->name = name;
	memcpy(r->uuid, vm->uuid, sizeof(r->uuid));

	int err = open_basis(e, r, vm);
	if (err)
		return err;
	r->attr_prev = vmp_attr_vm(&e->attr, (size_t)name, -1);
	r->live = 1;
	e->names[name].live = 1;
	if (e->export_dir[0])
		r->exp_err = vmp_export_vm_open(&r->exp, e->export_dir, r->uuid, vm->name, e->export_range);
	e->nrecs++;
	return 0;
}

static void freeze_rec(struct vmp_engine *e, struct vmp_rec *r)
{
	/* Attribute what the counters saw up to now before closing them. */
	vmp_engine_update_locked(e);
	vmp_basis_close(&r->b);
	if (r->has_nsb)
		vmp_basis_close(&r->nsb);
	r->live = 0;
	e->names[r->name].live = 0;
}

static void rec_free(struct vmp_rec *r)
{
	free(r->cgdir);
	r->cgdir = NULL;
	vmp_export_vm_close(&r->exp);
	vmp_basis_close(&r->b);
	if (r->has_nsb)
		vmp_basis_close(&r->nsb);
}

/* A frozen record holds nothing that is read again: its final attribution
 * step (freeze_rec) moved what it saw into its name's totals and slot,
 * which is what events read, and a VM that comes back is a new record (a
 * new libvirt id).  Dropping it at once keeps the records to the VMs that
 * run now, however many lives came and went (issue 16: 7 KB per re-created
 * VM grew an always-on exporter's memory).  Names stay: events hold their index (vmp_engine_priv.h). */
static void drop_frozen(struct vmp_engine *e)
{
	int k = 0;

	for (int i = 0; i < e->nrecs; i++) {
		if (e->recs[i].live)
			e->recs[k++] = e->recs[i];
		else
			rec_free(&e->recs[i]);
	}
	e->nrecs = k;
}

int vmp_sync_apply(struct vmp_engine *e)
{
	size_t n = pv_virt_count(e->virt);
	int first = 0;

	for (size_t i = 0; i < n; i++) {
		const struct pv_virt_vm *vm = pv_virt_at(e->virt, i);
		struct vmp_rec *r = find_rec(e, vm->id);

		if (vm->gone) {
			if (r && r->live)
				freeze_rec(e, r);
		} else if (!r) {
			int err = add_rec(e, vm);
			if (err && !first)
				first = err;
		} else if (r->live) {
			retry_basis(e, r, vm);
		}
	}
	/* Records are shared with steal (pv_virt_reg.h): one that vanished
	 * from the registry without being seen gone is gone too. */
	for (int i = 0; i < e->nrecs; i++)
		if (e->recs[i].live && !pv_virt_find_id(e->virt, e->recs[i].virt_id))
			freeze_rec(e, &e->recs[i]);
	pv_virt_forget_gone(e->virt);
	drop_frozen(e);
	/* A name can be live again through a newer record. */
	for (int i = 0; i < e->nrecs; i++)
		if (e->recs[i].live)
			e->names[e->recs[i].name].live = 1;
	return first;
}

void vmp_sync_free(struct vmp_engine *e)
{
	for (int i = 0; i < e->nrecs; i++)
		rec_free(&e->recs[i]);
	for (int i = 0; i < e->nnames; i++)
		free(e->names[i].name);
	free(e->recs);
	free(e->names);
	free(e->vb);
	e->recs = NULL;
	e->names = NULL;
	e->vb = NULL;
	e->nrecs = e->nnames = 0;
}
