/* The vmpower engine: configuration, energy, attribution steps, values
 * (see vmp_engine.h; VM records are in vmp_sync.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pv_clock.h"
#include "pv_config.h"
#include "pv_fs.h"
#include "pv_msg.h"
#include "vmp_engine_priv.h"

uint64_t vmp_engine_now(const struct vmp_engine *e)
{
	return e->clock ? e->clock() : pv_now_ns();
}

void vmp_engine_set_clock(struct vmp_engine *e, uint64_t (*now_ns)(void))
{
	pthread_mutex_lock(&e->lock);
	e->clock = now_ns;
	e->have_prev = 0; /* a new time base: restart the interval */
	pthread_mutex_unlock(&e->lock);
}

/* ---- energy and host totals ---------------------------------------------- */

static int setup_energy(struct vmp_engine *e)
{
	char why[PV_RAPL_REASON_MAX] = "";
	const char *model = e->power_model;
	int err = pv_rapl_open_topo(0, &e->topo, &e->rapl, why, sizeof(why));

	for (unsigned p = 0; p < VMP_MAX_PKGS; p++)
		e->rapl_idx[p] = -1;
	if (!err) {
		int found = 0;
		/* pv_rapl numbered packages with e->topo, whatever its
		 * source: p is the same package on both sides. */
		for (unsigned p = 0; p < e->topo.npkg; p++) {
			e->rapl_idx[p] = pv_rapl_find(e->rapl, (int)p, PV_RAPL_PACKAGE);
			found += e->rapl_idx[p] >= 0;
		}
		if (found) {
			e->info.energy = VMP_E_RAPL;
			pv_dbg("vmpower", "energy source: RAPL via %s, package domain for %d of %u packages%s%s",
			       pv_rapl_source_name(e->rapl),
			       found, e->topo.npkg, why[0] ? "; not used: " : "", why);
			return 0;
		}
		snprintf(why, sizeof(why), "RAPL has no package domain for this host's packages");
		pv_rapl_close(e->rapl);
		e->rapl = NULL;
	}
	if (*model) {
		/* parsed by vmp_engine_open */
		e->info.energy = VMP_E_MODEL;
		snprintf(e->info.energy_why, sizeof(e->info.energy_why),
			 "ESTIMATED by PAPI_VIRT_POWER_MODEL=%s (no RAPL: %s)", model, why);
		pv_dbg("vmpower", "energy source: power model: %s", e->info.energy_why);
		return 0;
	}
	e->info.energy = VMP_E_NONE;
	snprintf(e->info.energy_why, sizeof(e->info.energy_why),
		 "no energy events: no RAPL (%s) and PAPI_VIRT_POWER_MODEL is not set", why);
	pv_dbg("vmpower", "energy source: none: %s", e->info.energy_why);
	return 0;
}

static int setup_basis(struct vmp_engine *e)
{
	char why[256];
	int rc = vmp_perf_probe(VMP_CYCLES, why, sizeof(why));

	if (rc == 0) {
		int n = e->topo.nonline;
		e->cpufd = malloc((size_t)n * sizeof(int));
		e->cpuval = calloc((size_t)n, sizeof(uint64_t));
		if (!e->cpufd || !e->cpuval)
			return -ENOMEM;
		for (int i = 0; i < n; i++) {
			e->cpufd[i] = vmp_perf_open(VMP_CYCLES, VMP_SCOPE_CPU, 0, e->topo.online[i]);
			if (e->cpufd[i] < 0) {
				/* Without host-wide cycles the denominator would be
				 * the VMs alone: rather use CPU time everywhere. */
				snprintf(why, sizeof(why), "system-wide cycles on CPU %d: %s",
					 e->topo.online[i], strerror(-e->cpufd[i]));
				rc = e->cpufd[i];
				for (int j = 0; j < i; j++)
					close(e->cpufd[j]);
				free(e->cpufd);
				free(e->cpuval);
				e->cpufd = NULL;
				e->cpuval = NULL;
				goto fallback;
			}
		}
		e->info.unit = VMP_CYCLES;
		e->info.unit_why[0] = '\0';
		pv_dbg("vmpower", "basis: cycles (hardware cycle counters open on all %d online CPUs)", n);
		return 0;
	}
fallback:
	e->info.unit = VMP_NS;
	snprintf(e->info.unit_why, sizeof(e->info.unit_why), "%s", why);
	pv_dbg("vmpower", "basis: CPU time, not cycles: no hardware cycle counters: %s [%s]", why, pv_msg_errname(rc));
	return 0;
}

/* ---- open / close ------------------------------------------------------------ */

/* Debug: the package numbering, so a user can match pkg=N with /sys. */
static void say_packages(const struct pv_topo *t)
{
	char buf[2048] = "";

	if (!pv_dbg_on())
		return;
	for (unsigned p = 0; p < t->npkg; p++) {
		size_t l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, "%spkg=%u is physical package %d", p ? ", " : "", p, t->pkg_id[p]);
	}
	pv_dbg("vmpower", "packages (dense, by physical id): %s; %d online CPUs", buf, t->nonline);
}

/* The configuration: environment and topology only (cheap local facts,
 * no libvirt, no thread, no counter).  A bad value disables the component
 * at PAPI_library_init with its reason. */
int vmp_engine_open(const struct pv_config *cfg, struct vmp_engine **ret, char *reason, size_t len)
{
	struct vmp_engine *e = calloc(1, sizeof(*e));
	char err_s[512];
	int err;

	if (!e)
		return -ENOMEM;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	e->procstat.fd = -1; /* opened on the first sample that needs it */
	e->period_ms = cfg->vmpower_period_ms;
	e->refresh_ms = cfg->vmpower_refresh_ms;
	for (unsigned p = 0; p < VMP_MAX_PKGS; p++)
		e->min_uw[p] = UINT64_MAX;

	if ((err = pv_topo_read(&e->topo, reason, len)))
		goto fail;
	e->info.npkg = e->topo.npkg;
	memcpy(e->info.pkg_id, e->topo.pkg_id, sizeof(e->info.pkg_id));
	say_packages(&e->topo);
	if ((err = vmp_model_idle_parse(cfg->idle_power, &e->idle, reason, len)))
		goto fail;
	if (!e->idle.measured && e->idle.n > 1 && e->idle.n != e->topo.npkg) {
		snprintf(reason, len, "PAPI_VIRT_IDLE_POWER has %u values but the host has %u packages",
			 e->idle.n, e->topo.npkg);
		err = -EINVAL;
		goto fail;
	}
	const char *model = cfg->power_model;
	if (*model && vmp_model_parse(model, &e->model, reason, len) != 0) {
		err = -EINVAL;
		goto fail;
	}
	if (strlen(model) >= sizeof(e->power_model)) {
		snprintf(reason, len, "PAPI_VIRT_POWER_MODEL='%.64s...' is longer than %zu characters", model,
			 sizeof(e->power_model) - 1);
		err = -EINVAL;
		goto fail;
	}
	snprintf(e->power_model, sizeof(e->power_model), "%s", model);
	if (*model) {
		/* The model integrates CPU activity from /proc/stat: without
		 * it every energy would stay 0, so no energy at all.  A local
		 * file read, cheap enough for PAPI_library_init. */
		struct vmp_pkgstat ps;
		struct pv_procstat_file f = { .fd = -1 };
		err = vmp_procstat_read(&f, &e->topo, &ps);
		pv_procstat_close(&f);
		if (err < 0) {
			snprintf(reason, len, "PAPI_VIRT_POWER_MODEL needs the cpuN lines of %s",
				 pv_fs_describe(PV_PROC, "stat", err, err_s, sizeof(err_s)));
			goto fail;
		}
	}
	const char *ex = cfg->vmpower_export;
	if (*ex) {
		snprintf(e->export_dir, sizeof(e->export_dir), "%s", ex);
		e->export_range = cfg->vmpower_export_range_uj;
		/* A wrong wrap range would corrupt every guest's readings:
		 * refused, not replaced by the default. */
		if (pv_config_error(cfg, PV_CFG_VMPOWER_EXPORT_RANGE_UJ)) {
			snprintf(reason, len, "%s", pv_config_error(cfg, PV_CFG_VMPOWER_EXPORT_RANGE_UJ));
			err = -EINVAL;
			goto fail;
		}
	}
	snprintf(e->info.uri, sizeof(e->info.uri), "%s", cfg->uri);
	*ret = e;
	return 0;
fail:
	vmp_engine_close(e);
	return err ? err : -EINVAL;
}

/* Discovery, on first use: energy source, counters, the first libvirt
 * refresh (through the process-wide registry) and the baseline. */
int vmp_engine_activate(struct vmp_engine *e, char *reason, size_t len)
{
	char err_s[512];
	int err;

	if ((err = setup_energy(e)) || (err = setup_basis(e)))
		return err;
	e->info.idle_measured = e->info.energy == VMP_E_RAPL && e->idle.measured;
	if ((err = vmp_attr_init(&e->attr, e->topo.npkg)))
		return err;
	if (e->export_dir[0] && e->info.energy == VMP_E_NONE) {
		snprintf(reason, len, "PAPI_VIRT_VMPOWER_EXPORT=%s set, but %s", e->export_dir, e->info.energy_why);
		return -ENODEV;
	}
	if ((err = vmp_engine_sync(e, err_s, sizeof(err_s)))) {
		snprintf(reason, len, "%s", err_s);
		return err;
	}
	snprintf(e->info.uri, sizeof(e->info.uri), "%s", pv_virt_uri(e->virt));
	pthread_mutex_lock(&e->lock);
	vmp_engine_update_locked(e); /* baseline */
	pthread_mutex_unlock(&e->lock);
	return 0;
}

void vmp_engine_close(struct vmp_engine *e)
{
	if (!e)
		return;
	if (e->thread_started) {
		pthread_mutex_lock(&e->lock);
		e->stop = 1;
		pthread_cond_broadcast(&e->cond);
		pthread_mutex_unlock(&e->lock);
		pthread_join(e->thread, NULL);
	}
	vmp_sync_free(e);
	if (e->cpufd)
		for (int i = 0; i < e->topo.nonline; i++)
			close(e->cpufd[i]);
	free(e->cpufd);
	free(e->cpuval);
	/* The registry closes the connection when steal does not use it
	 * either; a worker stuck in a hung daemon then finishes and frees it
	 * on its own (pv_virt.h), so do not wait a full timeout for it. */
	if (e->virt)
		pv_virt_reg_release(PV_VIRT_REG_VMPOWER, 50);
	if (e->rapl)
		pv_rapl_close(e->rapl);
	vmp_attr_fini(&e->attr);
	pv_topo_free(&e->topo);
	pv_procstat_close(&e->procstat);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

void vmp_engine_fork_lock(struct vmp_engine *e, int lock)
{
	if (lock)
		pthread_mutex_lock(&e->lock);
	else
		pthread_mutex_unlock(&e->lock);
}

void vmp_engine_after_fork(struct vmp_engine *e)
{
	/* The parent's thread does not exist here. */
	e->thread_started = 0;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
}

void vmp_engine_info(const struct vmp_engine *e, struct vmp_engine_info *ret)
{
	*ret = e->info;
}

const char *vmp_engine_export_dir(const struct vmp_engine *e)
{
	return e->export_dir;
}

/* ---- sync ------------------------------------------------------------------- */

int vmp_engine_sync(struct vmp_engine *e, char *errbuf, size_t len)
{
	struct pv_virt *v;
	int err = pv_virt_reg_get(PV_VIRT_REG_VMPOWER, &v);

	if (err) {
		if (errbuf && len)
			snprintf(errbuf, len, "cannot create the libvirt context: %s", strerror(-err));
		return err;
	}
	e->virt = v;
	err = pv_virt_refresh(v, NULL);
	if (err) {
		if (errbuf && len) {
			if (pv_virt_last_error(v)[0])
				snprintf(errbuf, len, "%s", pv_virt_last_error(v));
			else
				snprintf(errbuf, len, "libvirt at %s: %s", pv_virt_uri(v), strerror(-err));
		}
	} else {
		pthread_mutex_lock(&e->lock);
		err = vmp_sync_apply(e);
		pthread_mutex_unlock(&e->lock);
		if (err && errbuf && len)
			snprintf(errbuf, len, "tracking the VMs of %s: %s", pv_virt_uri(v), strerror(-err));
	}
	pv_virt_reg_unlock();
	return err;
}

int vmp_engine_lookup(struct vmp_engine *e, const char *name, int *ret_idx)
{
	pthread_mutex_lock(&e->lock);
	int i = vmp_sync_find_name(e, name);
	pthread_mutex_unlock(&e->lock);
	if (i < 0) {
		int err = vmp_engine_sync(e, NULL, 0);
		if (err)
			return err;
		pthread_mutex_lock(&e->lock);
		i = vmp_sync_find_name(e, name);
		pthread_mutex_unlock(&e->lock);
		if (i < 0)
			return -ENOENT;
	}
	*ret_idx = i;
	return 0;
}

int vmp_engine_name_count(struct vmp_engine *e)
{
	pthread_mutex_lock(&e->lock);
	int n = e->nnames;
	pthread_mutex_unlock(&e->lock);
	return n;
}

/* VM records held, live or departed but not yet dropped (test_vmpower_churn). */
int vmp_engine_record_count(struct vmp_engine *e)
{
	pthread_mutex_lock(&e->lock);
	int n = e->nrecs;
	pthread_mutex_unlock(&e->lock);
	return n;
}

const char *vmp_engine_name(struct vmp_engine *e, int i)
{
	pthread_mutex_lock(&e->lock);
	const char *s = i >= 0 && i < e->nnames ? e->names[i].name : NULL;
	pthread_mutex_unlock(&e->lock);
	return s;
}

int vmp_engine_name_live(struct vmp_engine *e, int i)
{
	pthread_mutex_lock(&e->lock);
	int l = i >= 0 && i < e->nnames ? e->names[i].live : 0;
	pthread_mutex_unlock(&e->lock);
	return l;
}
