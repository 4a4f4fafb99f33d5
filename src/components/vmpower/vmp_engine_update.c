/* The engine's read path: one attribution step, values, periodic thread
 * (see vmp_engine.h).  No libvirt call here except in the thread's
 * refresh, which runs outside the engine lock. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pv_clock.h"
#include "pv_fs.h"
#include "vmp_engine_priv.h"

static int read_energy(struct vmp_engine *e, const struct vmp_pkgstat *ps, uint64_t dt)
{
	int first = 0;

	for (unsigned p = 0; p < e->topo.npkg; p++) {
		if (e->info.energy == VMP_E_RAPL) {
			uint64_t uj;
			if (e->rapl_idx[p] < 0)
				continue;
			int err = pv_rapl_read(e->rapl, e->rapl_idx[p], &uj);
			if (err) {
				if (!first)
					first = err;
				continue; /* keep the last value: no negative step */
			}
			if (uj > e->e_cum[p])
				e->e_cum[p] = uj;
		} else if (e->info.energy == VMP_E_MODEL && e->have_prev && ps) {
			uint64_t busy = ps->busy_ns[p] - e->ps_prev.busy_ns[p];
			uint64_t total = ps->total_ns[p] - e->ps_prev.total_ns[p];
			if (ps->busy_ns[p] < e->ps_prev.busy_ns[p] || ps->total_ns[p] < e->ps_prev.total_ns[p])
				busy = total = 0;
			uint64_t uw = vmp_model_power_uw(&e->model, busy, total);
			e->e_cum[p] += vmp_attr_integ_add(&e->model_integ[p], uw, dt);
		}
	}
	return first;
}

static void read_host_basis(struct vmp_engine *e, const struct vmp_pkgstat *ps)
{
	if (e->info.unit == VMP_NS) {
		if (!ps)
			return;
		for (unsigned p = 0; p < e->topo.npkg; p++)
			if (ps->busy_ns[p] > e->hb_cum[p])
				e->hb_cum[p] = ps->busy_ns[p];
		return;
	}
	for (int i = 0; i < e->topo.nonline; i++) {
		uint64_t before = e->cpuval[i];
		if (vmp_perf_read(e->cpufd[i], &e->cpuval[i]) == 0)
			e->hb_cum[e->topo.pkg_of[e->topo.online[i]]] += e->cpuval[i] - before;
	}
}

static uint64_t idle_budget(struct vmp_engine *e, unsigned p, uint64_t de, uint64_t dt)
{
	uint64_t uw;

	if (e->info.energy == VMP_E_MODEL) {
		uw = e->model.idle_uw;
	} else if (!e->idle.measured) {
		uw = vmp_model_idle_uw(&e->idle, p);
	} else {
		/* Measured: the lowest average power of any interval (long
		 * enough to be meaningful, or the first one). */
		uint64_t pw = (uint64_t)((unsigned __int128)de * 1000000000u / dt);
		if (e->min_uw[p] == UINT64_MAX || (dt >= VMP_IDLE_MIN_INTERVAL_NS && pw < e->min_uw[p]))
			e->min_uw[p] = pw;
		uw = e->min_uw[p];
	}
	return vmp_attr_integ_add(&e->idle_integ[p], uw, dt);
}

int vmp_engine_update_locked(struct vmp_engine *e)
{
	uint64_t now = vmp_engine_now(e);
	struct vmp_pkgstat ps;
	int need_ps = e->info.unit == VMP_NS || e->info.energy == VMP_E_MODEL;
	int ps_err = need_ps ? vmp_procstat_read(&e->procstat, &e->topo, &ps) : 0;
	int have_ps = need_ps && ps_err == 0;
	uint64_t dt = e->have_prev && now > e->t_prev ? now - e->t_prev : 0;
	int err;

	if (e->have_prev && dt == 0)
		return 0; /* same instant: nothing to attribute */
	err = read_energy(e, have_ps ? &ps : NULL, dt);
	e->read_err[0] = '\0';
	if (err < 0)
		snprintf(e->read_err, sizeof(e->read_err), "energy read failed: %s", strerror(-err));
	if (ps_err < 0) {
		char d[PATH_MAX + 64];
		/* The model's energy and the CPU-time basis come from it: a
		 * failed read is an error of this read, not a frozen value. */
		snprintf(e->read_err, sizeof(e->read_err), "%s", pv_fs_describe(PV_PROC, "stat", ps_err, d, sizeof(d)));
		if (!err)
			err = ps_err;
	}
	read_host_basis(e, have_ps ? &ps : NULL);
	for (int i = 0; i < e->nrecs; i++) {
		struct vmp_rec *r = &e->recs[i];
		if (!r->live)
			continue;
		vmp_basis_read(&r->b);
		if (r->has_nsb)
			vmp_basis_read(&r->nsb);
	}
	if (!e->have_prev) {
		for (int i = 0; i < e->nrecs; i++) {
			struct vmp_rec *r = &e->recs[i];
			memcpy(r->bprev, r->b.cum, sizeof(r->bprev));
			memcpy(r->nsprev, r->nsb.cum, sizeof(r->nsprev));
		}
		goto done;
	}
	for (unsigned p = 0; p < e->topo.npkg; p++) {
		uint64_t de = e->e_cum[p] - e->e_prev[p];
		uint64_t dh = e->hb_cum[p] - e->hb_prev[p];

		memset(e->vb, 0, (size_t)e->nnames * sizeof(*e->vb));
		for (int i = 0; i < e->nrecs; i++) {
			struct vmp_rec *r = &e->recs[i];
			uint64_t d = r->b.cum[p] - r->bprev[p];
			e->vb[r->name] += d;
			if (e->info.unit == VMP_CYCLES) {
				e->names[r->name].cyc[p] += d;
				e->names[r->name].ns[p] += r->nsb.cum[p] - r->nsprev[p];
			} else {
				e->names[r->name].ns[p] += d;
			}
		}
		if (e->info.energy != VMP_E_NONE)
			vmp_attr_step(&e->attr, p, de, idle_budget(e, p, de, dt), dh, e->vb);
	}
	for (int i = 0; i < e->nrecs; i++) {
		struct vmp_rec *r = &e->recs[i];
		memcpy(r->bprev, r->b.cum, sizeof(r->bprev));
		memcpy(r->nsprev, r->nsb.cum, sizeof(r->nsprev));
		if (r->live) {
			uint64_t tot = vmp_attr_vm(&e->attr, (size_t)r->name, -1);
			r->energy += tot - r->attr_prev;
			r->attr_prev = tot;
			if (r->exp.open)
				r->exp_err = vmp_export_vm_write(&r->exp, r->energy);
		}
	}
done:
	memcpy(e->e_prev, e->e_cum, sizeof(e->e_prev));
	memcpy(e->hb_prev, e->hb_cum, sizeof(e->hb_prev));
	if (have_ps)
		e->ps_prev = ps;
	e->t_prev = now;
	e->have_prev = 1;
	return err;
}

const char *vmp_engine_read_error_locked(const struct vmp_engine *e)
{
	return e->read_err;
}

int vmp_engine_update(struct vmp_engine *e)
{
	pthread_mutex_lock(&e->lock);
	int err = vmp_engine_update_locked(e);
	pthread_mutex_unlock(&e->lock);
	return err;
}

static uint64_t sum_pkgs(const uint64_t *v, unsigned npkg, int pkg)
{
	if (pkg >= 0)
		return (unsigned)pkg < npkg ? v[pkg] : 0;
	uint64_t s = 0;
	for (unsigned p = 0; p < npkg; p++)
		s += v[p];
	return s;
}

int vmp_engine_read_begin(struct vmp_engine *e)
{
	pthread_mutex_lock(&e->lock);
	return vmp_engine_update_locked(e);
}

void vmp_engine_read_end(struct vmp_engine *e)
{
	pthread_mutex_unlock(&e->lock);
}

int vmp_engine_name_count_locked(const struct vmp_engine *e)
{
	return e->nnames;
}

int vmp_engine_sample_locked(struct vmp_engine *e, enum vmp_qty q, int vm, int pkg,
			     struct vmp_sample *ret)
{
	struct vmp_sample s = { 0, 0, 0 };
	int err = 0;

	if (pkg >= (int)e->topo.npkg || (q <= VMP_Q_LAST_VM && (vm < 0 || vm >= e->nnames))) {
		err = -EINVAL;
		goto out;
	}
	struct vmp_attr_pkg h = vmp_attr_host(&e->attr, pkg);
	s.t_ns = e->t_prev;
	switch (q) {
	case VMP_Q_VM_CYCLES: s.num = sum_pkgs(e->names[vm].cyc, e->topo.npkg, pkg); break;
	case VMP_Q_VM_NS: s.num = sum_pkgs(e->names[vm].ns, e->topo.npkg, pkg); break;
	case VMP_Q_VM_ENERGY:
		s.num = vmp_attr_vm(&e->attr, (size_t)vm, pkg);
		s.den = h.active;
		break;
	case VMP_Q_HOST_ENERGY: s.num = h.energy; break;
	case VMP_Q_HOST_ACTIVE: s.num = h.active; break;
	case VMP_Q_HOST_IDLE: s.num = h.idle; break;
	case VMP_Q_HOST_OTHER: s.num = h.other; break;
	default: err = -EINVAL; goto out;
	}
	*ret = s;
out:
	return err;
}

/* ---- the periodic thread -------------------------------------------------- */

static void *thread_main(void *arg)
{
	struct vmp_engine *e = arg;
	uint64_t last_refresh = vmp_engine_now(e);

	pthread_mutex_lock(&e->lock);
	while (!e->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		pv_clock_ts_add_ns(&ts, (uint64_t)e->period_ms * 1000000u);
		pthread_cond_timedwait(&e->cond, &e->lock, &ts);
		if (e->stop)
			break;
		vmp_engine_update_locked(e);
		uint64_t now = vmp_engine_now(e);
		if (now - last_refresh >= (uint64_t)e->refresh_ms * 1000000u) {
			last_refresh = now;
			pthread_mutex_unlock(&e->lock);
			vmp_engine_sync(e, NULL, 0); /* libvirt, outside the engine lock */
			pthread_mutex_lock(&e->lock);
		}
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

int vmp_engine_start_thread(struct vmp_engine *e)
{
	int err = 0;

	pthread_mutex_lock(&e->lock);
	if (!e->thread_started) {
		err = -pthread_create(&e->thread, NULL, thread_main, e);
		e->thread_started = err == 0;
	}
	pthread_mutex_unlock(&e->lock);
	return err;
}
