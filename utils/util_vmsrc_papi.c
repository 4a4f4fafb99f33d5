/*
 * papi_vmpower's sample source on the PAPI API: one EventSet on the vmpower
 * component (per-VM energy, CPU time, share; host energy split) and one on
 * the steal component (per-VM vCPU run, steal, halt time): PAPI allows one
 * component per EventSet and one running EventSet per component.
 *
 * The VM list comes from PAPI's enumeration (":vm=" instances).  When it
 * changes, both EventSets are rebuilt and restarted; the counters restart at
 * 0 and a new epoch begins (the tracker carries the totals over).
 */
#include "pv_clock.h"
#include "util_src.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papi.h"
#include "util_evset.h"
#include "util_uuid.h"

#define VMP "vmpower"
#define STL "steal"

/* What one EventSet position holds. */
struct slot {
	int vm;    /* index in names, or -1 for a host counter */
	int ctr;   /* enum util_ctr, or enum util_hctr for host, or -2 for share */
};

struct papi_src {
	struct util_src base;
	int cid_vmp, cid_stl;
	char **names;
	size_t n;
	struct util_evset es_vmp, es_stl;
	struct slot *map_vmp, *map_stl;
	unsigned epoch;
	uint64_t epoch_t0;
	char basis[UTIL_LABEL_MAX], source[UTIL_LABEL_MAX];
	struct util_uuids *uuids;
	int warned_add;
	/* Listed by enumeration but not measurable (stopped VMs the components
	 * still list); probed again every DEAD_RETRY samples, in case a VM of
	 * that name starts again. */
	char **dead;
	size_t ndead;
	unsigned ticks;
};

#define DEAD_RETRY 10

#define SLOT_SHARE (-2)

struct namelist {
	char **v;
	size_t n;
	int oom;
};

static void add_name(const char *vm, void *arg)
{
	struct namelist *l = arg;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], vm) == 0)
			return;
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	char *d = strdup(vm);
	if (!v || !d) {
		free(d);
		if (v)
			l->v = v;
		l->oom = 1;
		return;
	}
	l->v = v;
	l->v[l->n++] = d;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The running VMs, sorted, from both components' enumerations. */
static int discover(struct papi_src *p, struct namelist *l)
{
	memset(l, 0, sizeof(*l));
	if (p->cid_vmp >= 0)
		util_papi_list_vms(p->cid_vmp, VMP, "VM_CPU_TIME_NS", add_name, l);
	if (p->cid_stl >= 0)
		util_papi_list_vms(p->cid_stl, STL, "VCPU_RUN_NS", add_name, l);
	if (l->oom) {
		free_names(l->v, l->n);
		return -ENOMEM;
	}
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	return 0;
}

static int is_dead(const struct papi_src *p, const char *name)
{
	for (size_t i = 0; i < p->ndead; i++)
		if (strcmp(p->dead[i], name) == 0)
			return 1;
	return 0;
}

/* The enumerated list, known-dead names left out, equals the measured one. */
static int same_names(const struct papi_src *p, const struct namelist *l)
{
	size_t j = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (is_dead(p, l->v[i]))
			continue;
		if (j >= p->n || strcmp(p->names[j], l->v[i]) != 0)
			return 0;
		j++;
	}
	return j == p->n;
}

static int map_add(struct slot **map, int pos, int vm, int ctr)
{
	struct slot *m = realloc(*map, (size_t)(pos + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	m[pos] = (struct slot){ vm, ctr };
	*map = m;
	return 0;
}

/* Adds comp:::base[:vm=...]; a missing event (e.g. no energy source) is not
 * an error: that column stays unknown. */
static int add(struct papi_src *p, struct util_evset *e, struct slot **map, const char *comp,
	       const char *base, int vm, int ctr)
{
	char name[1024];
	if (vm >= 0) {
		if (util_event_name(name, sizeof(name), comp, base, p->names[vm]) < 0)
			return 0;
	} else {
		snprintf(name, sizeof(name), "%s:::%s", comp, base);
	}
	int pos = util_evset_add(e, name);
	if (pos < 0) {
		if (pos != PAPI_ENOEVNT && !p->warned_add) {
			fprintf(stderr, "papi_vmpower: cannot add %s: %s (further such errors not shown)\n",
				name, PAPI_strerror(pos));
			p->warned_add = 1;
		}
		return 0;
	}
	return map_add(map, pos, vm, ctr);
}

static void drop_sets(struct papi_src *p)
{
	util_evset_fini(&p->es_vmp);
	util_evset_fini(&p->es_stl);
	free(p->map_vmp);
	free(p->map_stl);
	p->map_vmp = p->map_stl = NULL;
}

static int build_sets(struct papi_src *p, char *err, size_t errlen)
{
	static const struct { const char *base; int ctr; } vmp[] = {
		{ "VM_ENERGY_UJ", UTIL_C_ENERGY_UJ }, { "VM_CPU_TIME_NS", UTIL_C_CPU_NS },
		{ "VM_SHARE_PCT", SLOT_SHARE },
	};
	static const struct { const char *base; int ctr; } host[] = {
		{ "HOST_ENERGY_UJ", UTIL_H_ENERGY }, { "HOST_ACTIVE_ENERGY_UJ", UTIL_H_ACTIVE },
		{ "HOST_IDLE_ENERGY_UJ", UTIL_H_IDLE }, { "HOST_OTHER_ENERGY_UJ", UTIL_H_OTHER },
	};
	static const struct { const char *base; int ctr; } stl[] = {
		{ "VCPU_RUN_NS", UTIL_C_RUN_NS }, { "VCPU_STEAL_NS", UTIL_C_STEAL_NS },
		{ "VCPU_HALT_NS", UTIL_C_HALT_NS },
	};
	int rc;

	if (p->cid_vmp >= 0) {
		if ((rc = util_evset_init(&p->es_vmp, p->cid_vmp)) != PAPI_OK)
			goto papi_fail;
		for (size_t h = 0; h < sizeof(host) / sizeof(host[0]); h++)
			if (add(p, &p->es_vmp, &p->map_vmp, VMP, host[h].base, -1, host[h].ctr) < 0)
				return -ENOMEM;
		for (size_t i = 0; i < p->n; i++)
			for (size_t k = 0; k < sizeof(vmp) / sizeof(vmp[0]); k++)
				if (add(p, &p->es_vmp, &p->map_vmp, VMP, vmp[k].base, (int)i, vmp[k].ctr) < 0)
					return -ENOMEM;
		if ((rc = util_evset_start(&p->es_vmp)) != PAPI_OK)
			goto papi_fail;
	}
	if (p->cid_stl >= 0) {
		if ((rc = util_evset_init(&p->es_stl, p->cid_stl)) != PAPI_OK)
			goto papi_fail;
		for (size_t i = 0; i < p->n; i++)
			for (size_t k = 0; k < sizeof(stl) / sizeof(stl[0]); k++)
				if (add(p, &p->es_stl, &p->map_stl, STL, stl[k].base, (int)i, stl[k].ctr) < 0)
					return -ENOMEM;
		if ((rc = util_evset_start(&p->es_stl)) != PAPI_OK)
			goto papi_fail;
	}
	p->epoch++;
	p->epoch_t0 = pv_now_ns();
	return 0;
papi_fail:
	snprintf(err, errlen, "PAPI EventSet setup failed: %s", PAPI_strerror(rc));
	return -EIO;
}

/* 1 when an EventSet with only this VM's events starts (and so the VM can
 * be measured), 0 otherwise: a VM that stopped may still be listed by the
 * components' enumeration, and one unstartable event fails PAPI_start for
 * the whole EventSet. */
static int vm_startable(struct papi_src *p, const char *vm)
{
	static const struct { int vmp; const char *base; } probe[] = {
		{ 1, "VM_CPU_TIME_NS" }, { 0, "VCPU_RUN_NS" },
	};
	for (size_t k = 0; k < sizeof(probe) / sizeof(probe[0]); k++) {
		int cid = probe[k].vmp ? p->cid_vmp : p->cid_stl;
		char name[1024];
		struct util_evset e;
		if (cid < 0 || util_event_name(name, sizeof(name), probe[k].vmp ? VMP : STL, probe[k].base, vm) < 0)
			continue;
		if (util_evset_init(&e, cid) != PAPI_OK)
			continue;
		int ok = util_evset_add(&e, name) < 0 || util_evset_start(&e) == PAPI_OK;
		util_evset_fini(&e);
		if (!ok)
			return 0;
	}
	return 1;
}

/* Takes the new VM list and rebuilds the EventSets for it.  When they do
 * not start, VMs that cannot be measured on their own are left out (they
 * are gone) and the rest is tried again. */
static int rebuild(struct papi_src *p, struct namelist *l, char *err, size_t errlen)
{
	drop_sets(p);
	free_names(p->names, p->n);
	p->names = l->v;
	p->n = l->n;
	/* Known-dead names are not tried in the full set. */
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (is_dead(p, p->names[i]))
			free(p->names[i]);
		else
			p->names[k++] = p->names[i];
	}
	p->n = k;
	int rc = build_sets(p, err, errlen);
	if (rc != -EIO)
		return rc;
	drop_sets(p);
	size_t keep = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (vm_startable(p, p->names[i])) {
			p->names[keep++] = p->names[i];
			continue;
		}
		char **d = realloc(p->dead, (p->ndead + 1) * sizeof(*d));
		if (!d) {
			free(p->names[i]);
			continue;
		}
		p->dead = d;
		p->dead[p->ndead++] = p->names[i];
	}
	p->n = keep;
	return build_sets(p, err, errlen);
}

static void fill(struct papi_src *p, const struct util_evset *e, const struct slot *map,
		 struct util_sample *s, const size_t *rows)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct slot *m = &map[i];
		if (m->vm < 0) {
			s->host[m->ctr] = util_evset_u64(e, i);
			s->host_have[m->ctr] = true;
		} else if (m->ctr == SLOT_SHARE) {
			s->vms[rows[m->vm]].share_pct = util_evset_double(e, i);
			s->vms[rows[m->vm]].have_share = true;
		} else {
			s->vms[rows[m->vm]].v[m->ctr] = util_evset_u64(e, i);
			s->vms[rows[m->vm]].have[m->ctr] = true;
		}
	}
	(void)p;
}

static int papi_sample(struct util_src *src, struct util_sample *s, char *err, size_t errlen)
{
	struct papi_src *p = (struct papi_src *)src;
	int ok = 1, rc;

	util_sample_reset(s);
	s->nvm = 0;
	if (p->es_vmp.running && util_evset_read(&p->es_vmp) != PAPI_OK)
		ok = 0;
	if (p->es_stl.running && util_evset_read(&p->es_stl) != PAPI_OK)
		ok = 0;
	s->t_ns = pv_now_ns();
	s->wall = util_wall();
	s->epoch = p->epoch;
	s->epoch_t0_ns = p->epoch_t0;
	snprintf(s->basis, sizeof(s->basis), "%s", p->basis);
	snprintf(s->source, sizeof(s->source), "%s", p->source);
	if (ok) {
		/* Rows by index: adding a row may move s->vms. */
		size_t *rows = calloc(p->n ? p->n : 1, sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		for (size_t i = 0; i < p->n; i++)
			if (util_sample_vm(s, p->names[i], &rows[i]) < 0) {
				free(rows);
				return -ENOMEM;
			}
		fill(p, &p->es_vmp, p->map_vmp, s, rows);
		fill(p, &p->es_stl, p->map_stl, s, rows);
		free(rows);
		util_uuids_fill(p->uuids, s);
	}

	/* VMs started or stopped since the last tick: next tick reads the new set. */
	struct namelist l;
	if (discover(p, &l) < 0)
		return -ENOMEM;
	if (++p->ticks % DEAD_RETRY == 0 && p->ndead) {
		free_names(p->dead, p->ndead);
		p->dead = NULL;
		p->ndead = 0;
	}
	/* A periodic rebuild also finds VMs that stopped while still listed:
	 * their events no longer start. */
	if (!ok || !same_names(p, &l) || p->ticks % DEAD_RETRY == 0) {
		if ((rc = rebuild(p, &l, err, errlen)) < 0)
			return rc;
	} else {
		free_names(l.v, l.n);
	}
	return ok ? 0 : UTIL_SRC_SKIP;
}

static void papi_close(struct util_src *src)
{
	struct papi_src *p = (struct papi_src *)src;
	drop_sets(p);
	free_names(p->names, p->n);
	free_names(p->dead, p->ndead);
	util_uuids_close(p->uuids);
	free(p);
}

/* Which energy source and attribution basis the component says it uses,
 * from its event descriptions (the public API; no private headers). */
static void describe(struct papi_src *p)
{
	char d[PAPI_HUGE_STR_LEN];
	snprintf(p->source, sizeof(p->source), "none");
	p->basis[0] = 0;
	if (p->cid_vmp < 0)
		return;
	if (util_papi_event_descr(VMP ":::HOST_ENERGY_UJ", d, sizeof(d)) == 0)
		snprintf(p->source, sizeof(p->source), "%s",
			 strcasestr(d, "estimated") || strcasestr(d, "model") ? "estimated" : "measured");
	if (util_papi_event_descr(VMP ":::VM_ENERGY_UJ", d, sizeof(d)) == 0 ||
	    util_papi_event_descr(VMP ":::VM_SHARE_PCT", d, sizeof(d)) == 0) {
		if (strcasestr(d, "basis: cycles") || strcasestr(d, "basis=cycles"))
			snprintf(p->basis, sizeof(p->basis), "cycles");
		else if (strcasestr(d, "cpu time") || strcasestr(d, "cpu_time"))
			snprintf(p->basis, sizeof(p->basis), "cpu_time");
		else if (strcasestr(d, "cycles"))
			snprintf(p->basis, sizeof(p->basis), "cycles");
	}
}

int util_src_papi_open(struct util_src **ret, char *err, size_t errlen)
{
	char why[PAPI_MAX_STR_LEN + 64];
	int rc = util_papi_init(err, errlen);
	if (rc != 0)
		return -EIO;
	struct papi_src *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->base.sample = papi_sample;
	p->base.close = papi_close;
	p->es_vmp.es = p->es_stl.es = PAPI_NULL;
	size_t o = 0;
	p->cid_vmp = util_papi_component(VMP, why, sizeof(why));
	if (p->cid_vmp < 0)
		o += (size_t)snprintf(p->base.notes + o, sizeof(p->base.notes) - o,
				      "%s: no power, energy, CPU or share columns.\n", why);
	p->cid_stl = util_papi_component(STL, why, sizeof(why));
	if (p->cid_stl < 0 && o < sizeof(p->base.notes))
		o += (size_t)snprintf(p->base.notes + o, sizeof(p->base.notes) - o,
				      "%s: no steal or halt columns.\n", why);
	if (p->cid_vmp < 0 && p->cid_stl < 0) {
		snprintf(err, errlen, "neither the vmpower nor the steal component is active:\n%s",
			 p->base.notes);
		free(p);
		return -ENODEV;
	}
	describe(p);
	if (util_uuids_open(&p->uuids) < 0) {
		papi_close(&p->base);
		return -ENOMEM;
	}
	struct namelist l;
	if (discover(p, &l) < 0 || (rc = rebuild(p, &l, err, errlen)) < 0) {
		papi_close(&p->base);
		return rc < 0 ? rc : -ENOMEM;
	}
	*ret = &p->base;
	return 0;
}
