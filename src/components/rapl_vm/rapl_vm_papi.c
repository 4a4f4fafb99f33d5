/*
 * rapl_vm: PAPI adapter.  RAPL energy per package and domain (pv_rapl) and
 * host power controls through PAPI_write (rapl_vm_ctl), with originals saved
 * and restored (pv_ctlstate, src/shared).  The work is in the PAPI-free modules; this
 * file maps PAPI calls onto them.  docs/rapl_vm.md describes every event.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papi.h"
#include "papi_internal.h"
#include "papi_memory.h"
#include "papi_vector.h"

#include "pv_fs.h"
#include "pv_papi_comp.h"
#include "pv_papi_events.h"
#include "pv_rapl.h"
#include "rapl_vm_ctl.h"
#include "rapl_vm_events.h"
#include "pv_msg.h"
#include "pv_papi_config.h"
#include "pv_ctlstate.h"

papi_vector_t _rapl_vm_vector;

#define RV_MAX_EVENTS 256

/* The event table, rv_rapl and rv_set live between init and the first
 * shutdown; callbacks that use them run inside rv_life (pv_life.h), so
 * concurrent or repeated PAPI_shutdown tears them down (and restores the
 * controls) once, never under a reader or a writer. */
static struct pv_life rv_life = PV_LIFE_INITIALIZER;
static struct pv_papi_events rv_ev = { .life = &rv_life };
static struct pv_rapl *rv_rapl;
static struct rapl_vm_ctl_set rv_set;
/* Writes are serialised in the process; rv_state is created at init and
 * touches the disk only at the first change. */
static pthread_mutex_t rv_write_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pv_ctlstate *rv_state;

struct rv_ctl {
	int n;
	int failed; /* pv_papi_read_status */
	unsigned *codes;
	long long *values;
	int *dom;        /* energy: pv_rapl domain index, else -1 */
	int *ctl;        /* control index, else -1 */
	uint64_t *start; /* energy at PAPI_start / PAPI_reset */
	uint64_t *now;
	int *didx;       /* the energy domains of the set, for pv_rapl_read_many */
	int *dpos;       /* their positions in the set */
	int ndom;
};

struct rv_context {
	int unused;
};

/* ---- init / shutdown ------------------------------------------------------- */

static void rv_release(void)
{
	char msg[PAPI_HUGE_STR_LEN];

	pthread_mutex_lock(&rv_write_lock);
	if (rv_state && pv_ctlstate_restore(rv_state, msg, sizeof(msg)) < 0)
		pv_papi_error(&_rapl_vm_vector, "%s (the state file is kept: run 'papi_vmctl restore')", msg);
	pv_ctlstate_free(rv_state);
	rv_state = NULL;
	pthread_mutex_unlock(&rv_write_lock);
}

/* Process exit without PAPI_shutdown: put every changed control back.  A
 * destructor, not atexit(), so a dlclose'd libpapi leaves no dangling
 * handler.  SIGKILL skips it: the state file is then for papi_vmctl. */
__attribute__((destructor)) static void rv_at_exit(void)
{
	rv_release();
}

static int rv_resolve(struct pv_papi_events *ev, const char *name, unsigned *ret_code);

static int rv_init(int cidx)
{
	char why[PV_RAPL_REASON_MAX], cpu[512];
	struct rapl_vm_ctl_zone z[64];
	int rc, nz;

	_rapl_vm_vector.cmp_info.CmpIdx = cidx;
	rc = pv_rapl_open(0, &rv_rapl, why, sizeof(why));
	if (rc == -EACCES || rc == -EPERM)
		return pv_papi_disable(&_rapl_vm_vector, "RAPL energy is not readable: %s", why);
	if (rc < 0 && rc != -ENODEV)
		return pv_papi_disable(&_rapl_vm_vector, "RAPL energy cannot be read: %s", why);
	/* Usable, but some zones were not (a malformed energy_uj drops its
	 * package zone and its limits): say which and why, once. */
	if (rc == 0 && why[0])
		pv_papi_error(&_rapl_vm_vector, "some RAPL zones are not used: %s", why);
	if (rc == 0) {
		char num[256];

		pv_dbg("rapl_vm", "energy source: RAPL via %s, %d domains%s%s", pv_rapl_source_name(rv_rapl),
		       pv_rapl_count(rv_rapl), why[0] ? "; not used: " : "", why);
		/* formatted only for the debug channel: not at every init */
		if (pv_dbg_on() && pv_rapl_numbering(rv_rapl, num, sizeof(num)))
			pv_dbg("rapl_vm", "package numbering (dense, by physical id): %s", num);
	} else
		pv_dbg("rapl_vm", "energy source: none: %s", why);
	nz = rapl_vm_ctl_zones(rv_rapl, z, 64);
	rc = rapl_vm_ctl_discover(&rv_set, z, nz);
	if (rc < 0)
		return pv_papi_disable(&_rapl_vm_vector, "cannot list host controls: %s", strerror(-rc));
	if (!rv_rapl && rv_set.n == 0) {
		pv_fs_path(PV_SYS, "devices/system/cpu", cpu, sizeof(cpu));
		return pv_papi_disable(&_rapl_vm_vector,
				       "no RAPL energy source (%s) and no cpufreq or intel_pstate control under %s",
				       why, cpu);
	}
	pv_dbg("rapl_vm", "controls: %d (RAPL limits, cpufreq, intel_pstate) under %s; saved state in %s", rv_set.n,
	       pv_fs_root(PV_SYS), pv_config_get()->state_dir);
	rc = pv_ctlstate_new(pv_config_get()->state_dir, &rv_state);
	if (rc == 0)
		rc = pv_papi_events_init(&rv_ev, &_rapl_vm_vector, rv_resolve);
	if (rc == 0)
		rc = rapl_vm_events_build(&rv_ev.tab, rv_rapl, &rv_set);
	if (rc < 0)
		return pv_papi_disable(&_rapl_vm_vector, "cannot build the event table: %s", strerror(-rc));
	_rapl_vm_vector.cmp_info.num_native_events = (int)pv_evtab_count(&rv_ev.tab);
	return PAPI_OK;
}

/* Controls go back to their original values, sources and table go. */
static void rv_teardown(void)
{
	rv_release();
	pv_rapl_close(rv_rapl);
	rv_rapl = NULL;
	rapl_vm_ctl_free(&rv_set);
	pv_papi_events_fini(&rv_ev);
}

PV_PAPI_LIFE_CALLBACKS(_rapl_vm, &rv_life, rv_init, rv_teardown)

/* ---- events ------------------------------------------------------------------ */

static int rv_resolve(struct pv_papi_events *ev, const char *name, unsigned *ret_code)
{
	char canon[PV_EV_NAME_MAX], err[512];
	int rc = rapl_vm_events_canonical(&rv_set, name, canon, sizeof(canon), err, sizeof(err));

	if (rc == -ENOENT && !rapl_vm_events_is_base(name)) {
		/* Not ours at all: PAPI asks every component about unprefixed
		 * names, so stay quiet. */
		return -ENOENT;
	}
	if (rc < 0) {
		pv_papi_error(&_rapl_vm_vector, "%s", err);
		return -ENOENT;
	}
	rc = pv_evtab_find(&ev->tab, canon, ret_code);
	if (rc < 0)
		pv_papi_error(&_rapl_vm_vector, "'%s' (%s) does not exist on this host (see papi_native_avail)", name,
			      canon);
	return rc;
}

PV_PAPI_NTV_FORWARDERS(_rapl_vm, &rv_ev, pv_papi_enter_none, pv_papi_leave_none)

/* ---- EventSets ---------------------------------------------------------------- */

static int _rapl_vm_init_control_state(hwd_control_state_t *ctl)
{
	memset(ctl, 0, sizeof(struct rv_ctl));
	return PAPI_OK;
}

static void rv_ctl_free(struct rv_ctl *c)
{
	free(c->codes);
	free(c->values);
	free(c->dom);
	free(c->ctl);
	free(c->start);
	free(c->now);
	free(c->didx);
	free(c->dpos);
	memset(c, 0, sizeof(*c));
}

static int _rapl_vm_update_control_state(hwd_control_state_t *ctl, NativeInfo_t *native, int count,
					 hwd_context_t *ctx)
{
	struct rv_ctl *c = (struct rv_ctl *)ctl, nc;
	size_t k = (size_t)count;
	int i;

	(void)ctx;
	/* PAPI_cleanup_eventset calls this with count 0 and then frees the
	 * state itself: allocate nothing (each cycle leaked 256 bytes). */
	if (count == 0) {
		rv_ctl_free(c);
		return PAPI_OK;
	}
	memset(&nc, 0, sizeof(nc));
	nc.codes = calloc(k, sizeof(*nc.codes));
	nc.values = calloc(k, sizeof(*nc.values));
	nc.dom = calloc(k, sizeof(*nc.dom));
	nc.ctl = calloc(k, sizeof(*nc.ctl));
	nc.start = calloc(k, sizeof(*nc.start));
	nc.now = calloc(k, sizeof(*nc.now));
	nc.didx = calloc(k, sizeof(*nc.didx));
	nc.dpos = calloc(k, sizeof(*nc.dpos));
	if (!nc.codes || !nc.values || !nc.dom || !nc.ctl || !nc.start || !nc.now || !nc.didx || !nc.dpos) {
		rv_ctl_free(&nc);
		return PAPI_ENOMEM;
	}
	nc.n = count;
	for (i = 0; i < count; i++) {
		const struct pv_event *e = pv_evtab_get(&rv_ev.tab, (unsigned)native[i].ni_event);

		if (!e) {
			rv_ctl_free(&nc);
			return PAPI_ENOEVNT;
		}
		if (e->kind == RAPL_EV_HEADER) {
			pv_papi_error(&_rapl_vm_vector, "%s needs a qualifier (one of its listed instances, e.g. %s:pkg=0)",
				      e->name, e->name);
			rv_ctl_free(&nc);
			return PAPI_EINVAL;
		}
		nc.codes[i] = (unsigned)native[i].ni_event;
		nc.dom[i] = e->kind == RAPL_EV_ENERGY ? e->arg[0] : -1;
		nc.ctl[i] = e->kind == RAPL_EV_CTL ? e->arg[0] : -1;
		if (nc.dom[i] >= 0) {
			nc.didx[nc.ndom] = nc.dom[i];
			nc.dpos[nc.ndom] = i;
			nc.ndom++;
		}
		native[i].ni_position = i;
	}
	rv_ctl_free(c);
	*c = nc;
	return PAPI_OK;
}

static int rv_read_energy(struct rv_ctl *c, uint64_t *ret)
{
	uint64_t tmp[RV_MAX_EVENTS];
	char why[PATH_MAX + 128];
	int k, rc;

	if (c->ndom == 0)
		return 0;
	rc = pv_rapl_read_many(rv_rapl, c->didx, c->ndom, tmp);
	if (rc < 0) {
		struct pv_rapl_info in;

		pv_rapl_info(rv_rapl, c->didx[0], &in);
		pv_papi_error(&_rapl_vm_vector, "reading energy (%s/%s...): %s", pv_fs_root(PV_SYS), in.zone,
			      strerror(-rc));
		return rc;
	}
	for (k = 0; k < c->ndom; k++)
		ret[c->dpos[k]] = tmp[k];
	if (pv_rapl_range_note(rv_rapl, why, sizeof(why)))
		pv_papi_error(&_rapl_vm_vector, "%s", why);
	return 0;
}

static int _rapl_vm_start(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	struct rv_ctl *c = (struct rv_ctl *)ctl;
	int rc;

	(void)ctx;
	rc = rv_read_energy(c, c->start);
	if (rc < 0)
		return pv_papi_errno(rc);
	memset(c->values, 0, (size_t)c->n * sizeof(*c->values));
	return PAPI_OK;
}

static int _rapl_vm_read(hwd_context_t *ctx, hwd_control_state_t *ctl, long long **events, int flags)
{
	struct rv_ctl *c = (struct rv_ctl *)ctl;
	int i, rc;

	(void)ctx;
	(void)flags;
	rc = rv_read_energy(c, c->now);
	*events = c->values;
	if (rc < 0)
		return pv_papi_read_status(&c->failed, pv_papi_errno(rc));
	for (i = 0; i < c->n; i++) {
		if (c->dom[i] >= 0) {
			c->values[i] = (long long)(c->now[i] - c->start[i]);
		} else if (c->ctl[i] >= 0) {
			int64_t v;

			rc = rapl_vm_ctl_read(&rv_set.c[c->ctl[i]], &v);
			if (rc < 0) {
				char why[512];

				pv_papi_error(&_rapl_vm_vector, "%s",
					      pv_fs_describe(PV_SYS, rv_set.c[c->ctl[i]].file, rc, why, sizeof(why)));
				return pv_papi_read_status(&c->failed, pv_papi_errno(rc));
			}
			c->values[i] = v;
		}
	}
	return pv_papi_read_status(&c->failed, PAPI_OK);
}

static int _rapl_vm_reset(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	return _rapl_vm_start(ctx, ctl);
}

/* PAPI calls this only while the EventSet runs (a PAPI_write on a stopped
 * set returns PAPI_OK and changes nothing: see docs/rapl_vm.md).  Values of
 * energy and read-only events are ignored; -1 keeps a control. */
static int _rapl_vm_write(hwd_context_t *ctx, hwd_control_state_t *ctl, long long *values)
{
	struct rv_ctl *c = (struct rv_ctl *)ctl;
	int idx[RV_MAX_EVENTS], i, n = 0, rc;
	int64_t val[RV_MAX_EVENTS];
	char msg[PAPI_HUGE_STR_LEN];

	(void)ctx;
	for (i = 0; i < c->n && n < RV_MAX_EVENTS; i++) {
		if (c->ctl[i] < 0)
			continue;
		idx[n] = c->ctl[i];
		val[n] = values[i];
		n++;
	}
	if (n == 0)
		return PAPI_OK;
	pthread_mutex_lock(&rv_write_lock);
	if (!rv_state) {
		pthread_mutex_unlock(&rv_write_lock);
		pv_papi_error(&_rapl_vm_vector, "no state directory: controls cannot be changed safely");
		return PAPI_ESYS;
	}
	rc = rapl_vm_ctl_apply(&rv_set, rv_state, idx, val, n, msg, sizeof(msg));
	pthread_mutex_unlock(&rv_write_lock);
	if (rc == 0)
		return PAPI_OK;
	pv_papi_error(&_rapl_vm_vector, "%s", msg);
	if (rc == -EBUSY)
		return PAPI_ECNFLCT;
	return pv_papi_errno(rc);
}

static int _rapl_vm_cleanup_eventset(hwd_control_state_t *ctl)
{
	rv_ctl_free((struct rv_ctl *)ctl);
	return PAPI_OK;
}

/* ---- the callbacks PAPI calls, inside rv_life (stop does nothing) ---------- */

PV_PAPI_GUARDED_UPDATE(_rapl_vm, &rv_life)
PV_PAPI_GUARDED_CTL(_rapl_vm, start, &rv_life)
PV_PAPI_GUARDED_READ(_rapl_vm, &rv_life)
PV_PAPI_GUARDED_CTL(_rapl_vm, reset, &rv_life)
PV_PAPI_GUARDED_WRITE(_rapl_vm, &rv_life)

papi_vector_t _rapl_vm_vector = {
	.cmp_info = {
		.name = "rapl_vm",
		.short_name = "rapl_vm",
		.version = "1.0",
		.description = "RAPL energy per package/domain; CPU frequency, governor, P-state, RAPL limits "
			       "via PAPI_write, validated, restored",
		.default_domain = PAPI_DOM_ALL,
		.available_domains = PAPI_DOM_ALL,
		.default_granularity = PAPI_GRN_SYS,
		.available_granularities = PAPI_GRN_SYS,
		.hardware_intr_sig = PAPI_INT_SIGNAL,
		/* PAPI_write copies num_cntrs values from the caller's array
		 * whatever the EventSet's size: 1 keeps that copy inside any
		 * caller's array.  The EventSet limit is num_mpx_cntrs. */
		.num_cntrs = 1,
		.num_mpx_cntrs = RV_MAX_EVENTS,
	},
	.size = {
		.context = sizeof(struct rv_context),
		.control_state = sizeof(struct rv_ctl),
		.reg_value = sizeof(int),
		.reg_alloc = sizeof(int),
	},
	.init_component = _rapl_vm_init_component,
	.init_control_state = _rapl_vm_init_control_state,
	.update_control_state = _rapl_vm_guarded_update_control_state,
	.start = _rapl_vm_guarded_start,
	.stop = pv_papi_noop_state,
	.read = _rapl_vm_guarded_read,
	.write = _rapl_vm_guarded_write,
	.reset = _rapl_vm_guarded_reset,
	.cleanup_eventset = _rapl_vm_cleanup_eventset,
	.shutdown_component = _rapl_vm_shutdown_component,
	.set_domain = pv_papi_domain_any,
	PV_PAPI_NOOP_CALLBACKS,
	PV_PAPI_NTV_CALLBACKS(_rapl_vm),
};
