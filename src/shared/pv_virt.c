/* Registry of running VMs with stable identities; see pv_virt.h.
 * libvirt says which domains run (pv_virt_link), procfs says where
 * (pv_virt_proc); this file matches them against the records it keeps. */
#include "pv_virt.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pv_config.h"
#include "pv_virt_link.h"
#include "pv_virt_proc.h"

struct pv_virt {
	char *uri;
	unsigned int timeout_ms;
	struct pv_virt_link *link;
	struct pv_virt_vm **vms;        /* creation order, live and gone */
	size_t n, cap;
	uint64_t next_id;
	unsigned int reconnects;
	char err[512];
};

/* What procfs says about one listed domain, before it is committed. */
struct pv_virt_stage {
	const struct pv_virt_dom *dom;
	char uuid[PV_VIRT_UUID_STRLEN];
	pid_t pid;
	uint64_t start_time;
	struct pv_virt_vcpu *vcpus;
	size_t n_vcpus;
	struct pv_virt_thread *others;
	size_t n_others;
	char *cgroup, *cgroup_dir;
	struct pv_virt_vm *match;       /* existing record, or NULL */
	struct pv_virt_vm *fresh;       /* new record to append */
};

int pv_virt_open(struct pv_virt **ret)
{
	struct pv_virt *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	v->uri = strdup(pv_config_get()->uri);
	if (!v->uri || pv_virt_link_new(v->uri, &v->link) < 0) {
		free(v->uri);
		free(v);
		return -ENOMEM;
	}
	v->timeout_ms = pv_config_get()->timeout_ms;
	v->next_id = 1;
	*ret = v;
	return 0;
}

static void pv_virt_vm_free(struct pv_virt_vm *vm)
{
	if (!vm)
		return;
	free(vm->name);
	free(vm->vcpus);
	free(vm->others);
	free(vm->cgroup);
	free(vm->cgroup_dir);
	free(vm);
}

void pv_virt_close(struct pv_virt *v)
{
	size_t i;

	if (!v)
		return;
	pv_virt_link_close(v->link, v->timeout_ms);
	for (i = 0; i < v->n; i++)
		pv_virt_vm_free(v->vms[i]);
	free(v->vms);
	free(v->uri);
	free(v);
}

const char *pv_virt_uri(const struct pv_virt *v)
{
	return v->uri;
}

void pv_virt_set_timeout_ms(struct pv_virt *v, unsigned int ms)
{
	v->timeout_ms = ms ? ms : 1;
}

unsigned int pv_virt_timeout_ms(const struct pv_virt *v)
{
	return v->timeout_ms;
}

const char *pv_virt_last_error(const struct pv_virt *v)
{
	return v->err;
}

unsigned int pv_virt_reconnects(const struct pv_virt *v)
{
	return v->reconnects;
}

size_t pv_virt_count(const struct pv_virt *v)
{
	return v->n;
}

const struct pv_virt_vm *pv_virt_at(const struct pv_virt *v, size_t i)
{
	return i < v->n ? v->vms[i] : NULL;
}

const struct pv_virt_vm *pv_virt_find_name(const struct pv_virt *v, const char *name)
{
	size_t i;

	for (i = 0; name && i < v->n; i++)
		if (!v->vms[i]->gone && strcmp(v->vms[i]->name, name) == 0)
			return v->vms[i];
	return NULL;
}

const struct pv_virt_vm *pv_virt_find_uuid(const struct pv_virt *v, const char *uuid)
{
	size_t i;

	for (i = 0; uuid && i < v->n; i++)
		if (!v->vms[i]->gone && strcasecmp(v->vms[i]->uuid, uuid) == 0)
			return v->vms[i];
	return NULL;
}

const struct pv_virt_vm *pv_virt_find_id(const struct pv_virt *v, uint64_t id)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->vms[i]->id == id)
			return v->vms[i];
	return NULL;
}

int pv_virt_vm_alive(const struct pv_virt_vm *vm)
{
	return pv_virt_proc_alive(vm->pid, vm->start_time);
}

void pv_virt_forget_gone(struct pv_virt *v)
{
	size_t i, k = 0;

	for (i = 0; i < v->n; i++) {
		if (v->vms[i]->gone)
			pv_virt_vm_free(v->vms[i]);
		else
			v->vms[k++] = v->vms[i];
	}
	v->n = k;
}

static void pv_virt_stage_free(struct pv_virt_stage *st, size_t n)
{
	size_t i;

	for (i = 0; st && i < n; i++) {
		free(st[i].vcpus);
		free(st[i].others);
		free(st[i].cgroup);
		free(st[i].cgroup_dir);
		pv_virt_vm_free(st[i].fresh);
	}
	free(st);
}

/* procfs facts of one domain whose QEMU pid (maybe 0) is known. */
static int pv_virt_stage_proc(struct pv_virt_stage *st)
{
	int rc;

	if (st->pid && pv_virt_proc_start_time(st->pid, &st->start_time) < 0)
		st->pid = 0;    /* vanished (or unreadable) since the scan */
	if (!st->pid)
		return 0;
	rc = pv_virt_proc_threads(st->pid, &st->vcpus, &st->n_vcpus, &st->others, &st->n_others);
	if (rc == -ENOMEM)
		return rc;
	rc = pv_virt_proc_vm_cgroup(st->pid, &st->cgroup, &st->cgroup_dir);
	if (rc == -ENOMEM)
		return rc;
	/* Other failures leave fields empty: the VM is still listed. */
	return 0;
}

static int pv_virt_same_instance(const struct pv_virt_vm *vm, const struct pv_virt_stage *st)
{
	if (vm->gone || strcmp(vm->uuid, st->uuid) != 0)
		return 0;
	if (vm->pid && st->pid)
		return vm->pid == st->pid && vm->start_time == st->start_time;
	/* No process seen on one side: the domain id tells a restart apart. */
	return vm->domid == st->dom->domid;
}

static int pv_virt_normalize_uuid(const char *in, char *out)
{
	size_t i;

	if (!in || strlen(in) != PV_VIRT_UUID_STRLEN - 1)
		return -EINVAL;
	for (i = 0; i < PV_VIRT_UUID_STRLEN - 1; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
	return 0;
}

/* The QEMU pid of a domain already known by the same uuid and domain id
 * whose process still runs (same start time), else 0. */
static pid_t pv_virt_known_pid(const struct pv_virt *v, const struct pv_virt_stage *st)
{
	for (size_t j = 0; j < v->n; j++) {
		const struct pv_virt_vm *vm = v->vms[j];

		if (!vm->gone && vm->pid && vm->domid == st->dom->domid && strcmp(vm->uuid, st->uuid) == 0)
			return pv_virt_proc_alive(vm->pid, vm->start_time) == 1 ? vm->pid : 0;
	}
	return 0;
}

/* Builds every staged fact (may fail, changes nothing). */
static int pv_virt_stage_all(struct pv_virt *v, const struct pv_virt_dom *doms, size_t n,
			     struct pv_virt_stage *st)
{
	const char **uuids = calloc(n ? n : 1, sizeof(*uuids));
	pid_t *pids = calloc(n ? n : 1, sizeof(*pids));
	size_t *scan = calloc(n ? n : 1, sizeof(*scan));
	size_t i, j, nscan = 0;
	int rc = 0;

	if (!uuids || !pids || !scan) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		st[i].dom = &doms[i];
		if (pv_virt_normalize_uuid(doms[i].uuid, st[i].uuid) < 0 || !doms[i].name) {
			snprintf(v->err, sizeof(v->err), "domain %zu has an invalid UUID or no name", i);
			rc = -EINVAL;
			goto out;
		}
		/* A known VM whose QEMU still runs keeps its pid: the procfs
		 * scan (a cmdline read per process on the host) is only for
		 * new or unresolved domains. */
		st[i].pid = pv_virt_known_pid(v, &st[i]);
		if (!st[i].pid) {
			uuids[nscan] = st[i].uuid;
			scan[nscan++] = i;
		}
	}
	/* An unreadable procfs leaves every pid 0: VMs listed, not resolved. */
	if (nscan && pv_virt_proc_find_qemu(uuids, nscan, pids) == -ENOMEM) {
		rc = -ENOMEM;
		goto out;
	}
	for (j = 0; j < nscan; j++)
		st[scan[j]].pid = pids[j];
	for (i = 0; i < n; i++) {
		rc = pv_virt_stage_proc(&st[i]);
		if (rc < 0)
			goto out;
		for (j = 0; j < v->n && !st[i].match; j++)
			if (pv_virt_same_instance(v->vms[j], &st[i]))
				st[i].match = v->vms[j];
		if (!st[i].match) {
			st[i].fresh = calloc(1, sizeof(*st[i].fresh));
			if (!st[i].fresh || !(st[i].fresh->name = strdup(doms[i].name))) {
				rc = -ENOMEM;
				goto out;
			}
		}
	}
out:
	free(uuids);
	free(pids);
	free(scan);
	return rc;
}

static void pv_virt_swap_fields(struct pv_virt_vm *vm, struct pv_virt_stage *st)
{
	struct pv_virt_vcpu *ov = vm->vcpus;
	struct pv_virt_thread *oo = vm->others;
	char *oc = vm->cgroup, *od = vm->cgroup_dir;

	/* Keep the arrays (and pointers into them) when the threads did not change. */
	if (vm->n_vcpus != st->n_vcpus ||
	    (st->n_vcpus && memcmp(vm->vcpus, st->vcpus, st->n_vcpus * sizeof(*st->vcpus)) != 0)) {
		vm->vcpus = st->vcpus;
		vm->n_vcpus = st->n_vcpus;
		st->vcpus = ov;
	}
	if (vm->n_others != st->n_others ||
	    (st->n_others && memcmp(vm->others, st->others, st->n_others * sizeof(*st->others)) != 0)) {
		vm->others = st->others;
		vm->n_others = st->n_others;
		st->others = oo;
	}
	if (!vm->cgroup || (st->cgroup && strcmp(vm->cgroup, st->cgroup) != 0)) {
		vm->cgroup = st->cgroup;
		st->cgroup = oc;
	}
	if (!vm->cgroup_dir || (st->cgroup_dir && strcmp(vm->cgroup_dir, st->cgroup_dir) != 0)) {
		vm->cgroup_dir = st->cgroup_dir;
		st->cgroup_dir = od;
	}
	vm->pid = st->pid ? st->pid : vm->pid;
	vm->start_time = st->pid ? st->start_time : vm->start_time;
	vm->domid = st->dom->domid;
}

int pv_virt_apply(struct pv_virt *v, const struct pv_virt_dom *doms, size_t n,
		  struct pv_virt_changes *ret_changes)
{
	struct pv_virt_stage *st = calloc(n ? n : 1, sizeof(*st));
	struct pv_virt_changes ch = { 0, 0, 0 };
	size_t i, j, added = 0;
	int rc;

	if (!st)
		return -ENOMEM;
	rc = pv_virt_stage_all(v, doms, n, st);
	for (i = 0; rc == 0 && i < n; i++)
		added += st[i].fresh != NULL;
	if (rc == 0 && v->n + added > v->cap) {
		size_t nc = (v->n + added) * 2;
		struct pv_virt_vm **nv = realloc(v->vms, nc * sizeof(*nv));

		if (nv) {
			v->vms = nv;
			v->cap = nc;
		} else {
			rc = -ENOMEM;
		}
	}
	if (rc < 0) {
		if (rc == -ENOMEM)
			snprintf(v->err, sizeof(v->err), "out of memory resolving %zu domains", n);
		pv_virt_stage_free(st, n);
		return rc;
	}
	/* Commit: nothing below can fail. */
	for (j = 0; j < v->n; j++) {
		struct pv_virt_vm *vm = v->vms[j];
		int seen = 0;

		for (i = 0; i < n && !seen; i++)
			seen = st[i].match == vm;
		if (!vm->gone && !seen) {
			vm->gone = true;
			ch.gone++;
		}
	}
	for (i = 0; i < n; i++) {
		struct pv_virt_vm *vm = st[i].match ? st[i].match : st[i].fresh;

		if (st[i].fresh) {
			vm->id = v->next_id++;
			memcpy(vm->uuid, st[i].uuid, sizeof(vm->uuid));
			v->vms[v->n++] = vm;
			st[i].fresh = NULL;
			ch.added++;
		}
		pv_virt_swap_fields(vm, &st[i]);
	}
	pv_virt_stage_free(st, n);
	for (j = 0; j < v->n; j++)
		ch.live += !v->vms[j]->gone;
	v->err[0] = '\0';
	if (ret_changes)
		*ret_changes = ch;
	return 0;
}

int pv_virt_after_fork(struct pv_virt *v)
{
	/* The old link is left as it is (leaked): its mutex may be held by a
	 * parent thread that does not exist in this process. */
	v->link = NULL;
	return pv_virt_link_new(v->uri, &v->link);
}

int pv_virt_refresh(struct pv_virt *v, struct pv_virt_changes *ret_changes)
{
	struct pv_virt_link_domlist list = { NULL, 0 };
	struct pv_virt_dom *doms;
	int reconnected = 0, rc;
	size_t i;

	if (!v->link && pv_virt_link_new(v->uri, &v->link) < 0) {
		snprintf(v->err, sizeof(v->err), "out of memory creating the libvirt link");
		return -ENOMEM;
	}
	rc = pv_virt_link_list(v->link, v->timeout_ms, &list, &reconnected, v->err, sizeof(v->err));
	if (reconnected)
		v->reconnects++;
	if (rc < 0)
		return rc;
	doms = calloc(list.n ? list.n : 1, sizeof(*doms));
	if (!doms) {
		pv_virt_link_domlist_free(&list);
		snprintf(v->err, sizeof(v->err), "out of memory listing %zu domains", list.n);
		return -ENOMEM;
	}
	for (i = 0; i < list.n; i++) {
		doms[i].name = list.doms[i].name;
		doms[i].uuid = list.doms[i].uuid;
		doms[i].domid = list.doms[i].domid;
	}
	rc = pv_virt_apply(v, doms, list.n, ret_changes);
	free(doms);
	pv_virt_link_domlist_free(&list);
	return rc;
}

int pv_virt_lookup_name(struct pv_virt *v, const char *name, const struct pv_virt_vm **ret)
{
	const struct pv_virt_vm *vm = pv_virt_find_name(v, name);
	int rc;

	if (!vm) {
		rc = pv_virt_refresh(v, NULL);
		if (rc < 0)
			return rc;
		vm = pv_virt_find_name(v, name);
		if (!vm)
			return -ENOENT;
	}
	*ret = vm;
	return 0;
}
