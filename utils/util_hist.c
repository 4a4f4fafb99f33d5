/* The run's history for --report (see util_hist.h). */
#include "util_hist.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void util_hist_init(struct util_hist *h)
{
	memset(h, 0, sizeof(*h));
}

static void free_vm(struct util_hist_vm *vm)
{
	for (int k = 0; k < UTIL_HV_N; k++)
		free(vm->v[k]);
}

void util_hist_fini(struct util_hist *h)
{
	for (size_t i = 0; i < h->nvm; i++)
		free_vm(&h->vms[i]);
	free(h->vms);
	free(h->t);
	for (int k = 0; k < UTIL_H_N; k++)
		free(h->host[k]);
	memset(h, 0, sizeof(*h));
}

/* Grows one column to cap entries, new ones NaN. */
static int grow(double **col, size_t old, size_t cap)
{
	double *c = realloc(*col, cap * sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (size_t i = old; i < cap; i++)
		c[i] = NAN;
	*col = c;
	return 0;
}

static int grow_all(struct util_hist *h, size_t cap)
{
	if (grow(&h->t, h->cap, cap) < 0)
		return -ENOMEM;
	for (int k = 0; k < UTIL_H_N; k++)
		if (grow(&h->host[k], h->cap, cap) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < h->nvm; i++)
		for (int k = 0; k < UTIL_HV_N; k++)
			if (grow(&h->vms[i].v[k], h->cap, cap) < 0)
				return -ENOMEM;
	h->cap = cap;
	return 0;
}

static struct util_hist_vm *vm_row(struct util_hist *h, const struct util_vm *vm)
{
	for (size_t i = 0; i < h->nvm; i++)
		if (strcmp(h->vms[i].name, vm->name) == 0)
			return &h->vms[i];
	struct util_hist_vm *v = realloc(h->vms, (h->nvm + 1) * sizeof(*v));
	if (!v)
		return NULL;
	h->vms = v;
	struct util_hist_vm *r = &v[h->nvm];
	memset(r, 0, sizeof(*r));
	for (int k = 0; k < UTIL_HV_N; k++)
		if (grow(&r->v[k], 0, h->cap) < 0) {
			free_vm(r);
			return NULL;
		}
	snprintf(r->name, sizeof(r->name), "%s", vm->name);
	h->nvm++;
	return r;
}

int util_hist_add(struct util_hist *h, const struct util_tracker *t)
{
	if (h->n == h->cap && grow_all(h, h->cap ? 2 * h->cap : 64) < 0)
		return -ENOMEM;
	size_t i = h->n;
	if (i == 0)
		h->t0_wall = t->last_wall;
	h->t[i] = t->last_wall - h->t0_wall;
	for (int k = 0; k < UTIL_H_N; k++)
		h->host[k][i] = t->host.rate_ok ? t->host.power_w[k] : NAN;
	for (size_t j = 0; j < t->nvm; j++) {
		const struct util_vm *vm = &t->vms[j];
		if (vm->state == UTIL_VM_GONE || !vm->rate_ok)
			continue;
		struct util_hist_vm *r = vm_row(h, vm);
		if (!r)
			return -ENOMEM;
		if (*vm->uuid)
			snprintf(r->uuid, sizeof(r->uuid), "%s", vm->uuid);
		r->v[UTIL_HV_POWER][i] = vm->power_w;
		r->v[UTIL_HV_CPU][i] = vm->cpu_pct;
		r->v[UTIL_HV_STEAL][i] = vm->steal_pct;
		r->v[UTIL_HV_HALT][i] = vm->halt_pct;
	}
	h->n++;
	return 0;
}
