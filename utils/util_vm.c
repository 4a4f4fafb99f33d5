/* The monitor's tracker: cumulative totals across epochs, rates, VM set. */
#include "util_vm.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void util_tracker_init(struct util_tracker *t)
{
	memset(t, 0, sizeof(*t));
	for (int h = 0; h < UTIL_H_N; h++)
		t->host.power_w[h] = NAN;
	t->host.vm_power_w = NAN;
}

void util_tracker_fini(struct util_tracker *t)
{
	free(t->vms);
	memset(t, 0, sizeof(*t));
}

static struct util_vm *find_vm(struct util_tracker *t, const char *name)
{
	for (size_t i = 0; i < t->nvm; i++)
		if (strcmp(t->vms[i].name, name) == 0)
			return &t->vms[i];
	return NULL;
}

static struct util_vm *add_vm(struct util_tracker *t, const char *name)
{
	if (t->nvm == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		struct util_vm *v = realloc(t->vms, cap * sizeof(*v));
		if (!v)
			return NULL;
		t->vms = v;
		t->cap = cap;
	}
	struct util_vm *vm = &t->vms[t->nvm++];
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	return vm;
}

/*
 * Difference of a raw counter: within one epoch against the previous read;
 * in a new epoch the raw value itself (counters restart at 0 on PAPI_start).
 * A counter going backwards within an epoch (it should not) counts 0.
 */
static uint64_t delta(bool same_epoch, uint64_t prev, uint64_t raw)
{
	if (!same_epoch)
		return raw;
	return raw >= prev ? raw - prev : 0;
}

/* A VM seen again after being gone starts over as a new VM (a restart). */
static void vm_take(struct util_vm *vm, const struct util_sample *s, const struct util_vmread *r)
{
	bool same = vm->epoch == s->epoch && vm->prev_ns != 0;
	uint64_t since = same ? vm->prev_ns : s->epoch_t0_ns;
	uint64_t d[UTIL_C_N] = { 0 };

	for (int c = 0; c < UTIL_C_N; c++) {
		if (!r->have[c])
			continue;
		bool had = vm->have[c] && same;
		d[c] = delta(had, vm->prev[c], r->v[c]);
		vm->cum[c] += d[c];
		vm->prev[c] = r->v[c];
		vm->have[c] = true;
	}
	vm->epoch = s->epoch;
	vm->prev_ns = s->t_ns;
	vm->share_pct = r->have_share ? r->share_pct : NAN;

	vm->rate_ok = s->t_ns > since;
	if (!vm->rate_ok)
		return;
	double dt = (double)(s->t_ns - since) / 1e9;
	vm->dt_s = dt;
	vm->power_w = r->have[UTIL_C_ENERGY_UJ] ? (double)d[UTIL_C_ENERGY_UJ] / 1e6 / dt : NAN;
	vm->cpu_pct = r->have[UTIL_C_CPU_NS] ? 100.0 * (double)d[UTIL_C_CPU_NS] / 1e9 / dt : NAN;
	double all = (double)d[UTIL_C_RUN_NS] + (double)d[UTIL_C_STEAL_NS] + (double)d[UTIL_C_HALT_NS];
	if (r->have[UTIL_C_RUN_NS] && r->have[UTIL_C_STEAL_NS] && r->have[UTIL_C_HALT_NS] && all > 0) {
		vm->steal_pct = 100.0 * (double)d[UTIL_C_STEAL_NS] / all;
		vm->halt_pct = 100.0 * (double)d[UTIL_C_HALT_NS] / all;
		vm->sum_steal_pct += vm->steal_pct;
		vm->sum_halt_pct += vm->halt_pct;
		vm->n_steal++;
	} else {
		vm->steal_pct = NAN;
		vm->halt_pct = NAN;
	}
	if (!isnan(vm->cpu_pct)) {
		vm->sum_cpu_pct += vm->cpu_pct;
		vm->n_rates++;
	}
}

static void host_take(struct util_host *h, const struct util_sample *s)
{
	bool same = h->started && h->epoch == s->epoch;
	uint64_t since = same ? h->prev_ns : s->epoch_t0_ns;
	double dt = s->t_ns > since ? (double)(s->t_ns - since) / 1e9 : 0;

	h->rate_ok = dt > 0;
	for (int k = 0; k < UTIL_H_N; k++) {
		if (!s->host_have[k]) {
			h->power_w[k] = NAN;
			continue;
		}
		uint64_t d = delta(same && h->have[k], h->prev[k], s->host[k]);
		h->cum[k] += d;
		h->prev[k] = s->host[k];
		h->have[k] = true;
		h->power_w[k] = dt > 0 ? (double)d / 1e6 / dt : NAN;
	}
	h->epoch = s->epoch;
	h->prev_ns = s->t_ns;
	h->started = true;
}

/* A VM's counters in this sample started at the epoch's start. */
static uint64_t vm_since(const struct util_tracker *t, const struct util_sample *s)
{
	(void)t;
	return s->epoch_t0_ns < s->t_ns ? s->epoch_t0_ns : s->t_ns;
}

/* Totals and summary restart from 0; the raw reads of the epoch stay. */
static void renew(struct util_vm *vm, const struct util_sample *s, const struct util_tracker *t)
{
	struct util_vm keep = *vm;
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", keep.name);
	vm->epoch = keep.epoch;
	vm->prev_ns = keep.prev_ns;
	memcpy(vm->prev, keep.prev, sizeof(vm->prev));
	for (int c = 0; c < UTIL_C_N; c++)
		if (keep.have[c])
			vm->have[c] = true;
	vm->state = UTIL_VM_NEW;
	vm->first_wall = s->wall;
	vm->first_ns = keep.prev_ns ? keep.prev_ns : vm_since(t, s);
}

/* At most UTIL_GONE_KEEP departed VMs stay: the one seen last the longest
 * ago goes first.  Order of the others is kept (renderers list in it). */
static void forget_departed(struct util_tracker *t)
{
	size_t gone = 0;

	for (size_t i = 0; i < t->nvm; i++)
		gone += t->vms[i].state == UTIL_VM_GONE;
	while (gone > UTIL_GONE_KEEP) {
		size_t old = t->nvm;
		for (size_t i = 0; i < t->nvm; i++)
			if (t->vms[i].state == UTIL_VM_GONE && (old == t->nvm || t->vms[i].last_ns < t->vms[old].last_ns))
				old = i;
		memmove(&t->vms[old], &t->vms[old + 1], (t->nvm - old - 1) * sizeof(*t->vms));
		t->nvm--;
		t->forgotten++;
		gone--;
	}
}

int util_tracker_add(struct util_tracker *t, const struct util_sample *s)
{
	t->appeared = t->disappeared = 0;
	/* Gone VMs reported once stay hidden; newly gone ones are flagged. */
	for (size_t i = 0; i < t->nvm; i++) {
		struct util_vm *vm = &t->vms[i];
		if (vm->state == UTIL_VM_GONE)
			vm->gone_reported = true;
	}
	for (size_t j = 0; j < s->nvm; j++) {
		const struct util_vmread *r = &s->vms[j];
		struct util_vm *vm = find_vm(t, r->name);
		if (vm && vm->state == UTIL_VM_GONE) {
			/* Back after being gone: a new life; keep nothing. */
			memset(vm, 0, sizeof(*vm));
			snprintf(vm->name, sizeof(vm->name), "%s", r->name);
			vm->state = UTIL_VM_NEW;
			vm->first_wall = s->wall;
			vm->first_ns = vm_since(t, s);
			t->appeared++;
		} else if (!vm) {
			vm = add_vm(t, r->name);
			if (!vm)
				return -ENOMEM;
			vm->state = UTIL_VM_NEW;
			vm->first_wall = s->wall;
			vm->first_ns = vm_since(t, s);
			t->appeared++;
		} else if (*r->uuid && *vm->uuid && strcmp(r->uuid, vm->uuid) != 0) {
			/* Another VM under the same name (destroyed and defined
			 * again between two samples): a new life, but the raw
			 * counters of this epoch go on, so the previous reads are
			 * kept to difference against. */
			renew(vm, s, t);
			t->appeared++;
		} else {
			vm->state = UTIL_VM_RUNNING;
		}
		if (*r->uuid)
			snprintf(vm->uuid, sizeof(vm->uuid), "%s", r->uuid);
		vm->last_wall = s->wall;
		vm->last_ns = s->t_ns;
		vm_take(vm, s, r);
	}
	for (size_t i = 0; i < t->nvm; i++) {
		struct util_vm *vm = &t->vms[i];
		if (vm->last_ns == s->t_ns || vm->state == UTIL_VM_GONE)
			continue;
		vm->state = UTIL_VM_GONE;
		vm->rate_ok = false;
		t->disappeared++;
	}
	forget_departed(t);
	host_take(&t->host, s);
	double sum = 0;
	bool any = false;
	for (size_t i = 0; i < t->nvm; i++) {
		const struct util_vm *vm = &t->vms[i];
		if (vm->state != UTIL_VM_GONE && vm->rate_ok && !isnan(vm->power_w)) {
			sum += vm->power_w;
			any = true;
		}
	}
	t->host.vm_power_w = any ? sum : NAN;
	snprintf(t->basis, sizeof(t->basis), "%s", s->basis);
	snprintf(t->source, sizeof(t->source), "%s", s->source);
	if (t->samples == 0) {
		t->first_wall = s->wall;
		t->first_ns = s->epoch_t0_ns < s->t_ns ? s->epoch_t0_ns : s->t_ns;
	}
	t->last_dt_s = t->samples ? (double)(s->t_ns - t->last_ns) / 1e9
				  : (double)(s->t_ns - t->first_ns) / 1e9;
	t->last_wall = s->wall;
	t->last_ns = s->t_ns;
	t->samples++;
	return 0;
}

size_t util_tracker_live(const struct util_tracker *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nvm; i++)
		n += t->vms[i].state != UTIL_VM_GONE;
	return n;
}

void util_sample_reset(struct util_sample *s)
{
	struct util_vmread *v = s->vms;
	size_t cap = s->nvm;
	(void)cap;
	memset(s, 0, sizeof(*s));
	s->vms = v;
}

int util_sample_vm(struct util_sample *s, const char *name, size_t *ret_idx)
{
	for (size_t i = 0; i < s->nvm; i++) {
		if (strcmp(s->vms[i].name, name) == 0) {
			*ret_idx = i;
			return 0;
		}
	}
	/* Grown one at a time: samples hold few VMs and are reused. */
	struct util_vmread *v = realloc(s->vms, (s->nvm + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->vms = v;
	struct util_vmread *r = &v[s->nvm];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	*ret_idx = s->nvm++;
	return 0;
}

void util_sample_free(struct util_sample *s)
{
	free(s->vms);
	memset(s, 0, sizeof(*s));
}
