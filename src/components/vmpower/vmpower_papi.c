/*
 * vmpower: PAPI adapter.  Per-VM cycles / CPU time and the host's energy
 * attributed to each VM on a libvirt/KVM host.  The work is in the PAPI-free
 * modules vmp_*.c (vmp_engine.h is the entry point); this file maps PAPI
 * calls onto them.  docs/vmpower.md describes every event.
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

#include "pv_papi_config.h"
#include "pv_papi_comp.h"
#include "pv_papi_events.h"
#include "pv_virt_reg.h"
#include "vmp_engine.h"
#include "vmp_events.h"

papi_vector_t _vmpower_vector;

static struct pv_papi_events vmp_ev;
static struct vmp_engine *vmp_eng;
static struct vmp_events_ctx vmp_ctx;
static int vmp_ev_ready;

/*
 * Delayed initialisation (PAPI 7's PAPI_EDELAY_INIT): PAPI_library_init
 * only reads the configuration (vmp_engine_open); the first enumeration,
 * lookup of a vmpower name or add activates the engine (energy, counters,
 * libvirt).  Debian's papi_component_avail forces it by enumerating, so it
 * still prints the exact reason when activation fails.
 *
 * vmp_rw guards vmp_state, vmp_eng and the event table: every callback
 * holds it as a reader (vmp_enter/vmp_leave), activation and shutdown as
 * the writer.  So PAPI_shutdown running in several threads at once, or
 * from an atexit handler while other threads still read, closes the engine
 * exactly once and no reader sees it half-closed.  The lock is static and
 * never destroyed.
 */
enum vmp_state { VMP_OFF = 0, VMP_DELAYED, VMP_ACTIVE, VMP_FAILED };
static pthread_rwlock_t vmp_rw = PTHREAD_RWLOCK_INITIALIZER;
static enum vmp_state vmp_state;
static pthread_once_t vmp_fork_once = PTHREAD_ONCE_INIT;

static int vmp_activate_locked(void);

struct vmp_ctl {
	int n;
	unsigned *codes;
	long long *values;
	struct vmp_sample *start;
	int failed; /* pv_papi_read_status */
};

struct vmp_context {
	int unused;
};

/* ---- events ------------------------------------------------------------------ */

static int vmp_resolve(struct pv_papi_events *ev, const char *name, unsigned *ret_code)
{
	struct vmp_req r;
	char err[512];
	int idx = -1;
	int rc = vmp_events_parse(&vmp_ctx, name, &r, err, sizeof(err));

	if (rc < 0) {
		pv_papi_error(&_vmpower_vector, "%s", err);
		return rc == -EINVAL ? -ENOENT : rc;
	}
	if (r.has_vm) {
		rc = vmp_engine_lookup(vmp_eng, r.vm, &idx);
		if (rc == -ENOENT) {
			pv_papi_error(&_vmpower_vector, "no VM named '%s' at %s", r.vm, vmp_ctx.info.uri);
			return -ENOENT;
		}
		if (rc < 0) {
			pv_papi_error(&_vmpower_vector, "cannot look up VM '%s' at %s: %s", r.vm,
				      vmp_ctx.info.uri, strerror(-rc));
			return -ENOENT;
		}
	}
	rc = vmp_events_add(&vmp_ctx, &ev->tab, &r, idx, 0, ret_code);
	if (rc == -ENAMETOOLONG)
		pv_papi_error(&_vmpower_vector, "'%s': the canonical name would exceed %d characters",
			      name, PV_EV_NAME_MAX - 1);
	return rc;
}

/* Hides every VM instance from enumeration; codes stay valid, so an
 * EventSet holding a VM that left keeps reading its frozen values. */
static void vmp_unlist_vms(void)
{
	unsigned n = pv_evtab_count(&vmp_ev.tab);

	for (unsigned i = 0; i < n; i++)
		if (pv_evtab_get(&vmp_ev.tab, i)->key[0])
			pv_evtab_set_listed(&vmp_ev.tab, i, 0);
}

static void vmp_list(const struct vmp_req *r, int vm_idx)
{
	unsigned code;

	if (vmp_events_add(&vmp_ctx, &vmp_ev.tab, r, vm_idx, 1, &code) == 0)
		pv_evtab_set_listed(&vmp_ev.tab, code, 1);
}

/* VMs are listed as they run when enumeration starts (papi_native_avail);
 * a client that enumerates again sees VMs that started, and no longer
 * sees VMs that left. */
static void vmp_list_vms(void)
{
	vmp_engine_sync(vmp_eng, NULL, 0);
	vmp_unlist_vms();
	for (int i = 0; i < vmp_engine_name_count(vmp_eng); i++) {
		if (!vmp_engine_name_live(vmp_eng, i))
			continue;
		for (int k = 0; k < VMP_K_COUNT; k++) {
			struct vmp_req r = { .kind = (enum vmp_kind)k, .pkg = -1, .has_vm = 1 };
			if (!vmp_events_kind(r.kind)->per_vm || !vmp_events_kind_available(&vmp_ctx, r.kind))
				continue;
			snprintf(r.vm, sizeof(r.vm), "%s", vmp_engine_name(vmp_eng, i));
			vmp_list(&r, i);
		}
	}
	for (int k = 0; k < VMP_K_COUNT; k++) {
		for (unsigned p = 0; p < vmp_ctx.info.npkg; p++) {
			struct vmp_req r = { .kind = (enum vmp_kind)k, .pkg = (int)p };
			if (!vmp_events_kind(r.kind)->per_vm && vmp_events_kind_available(&vmp_ctx, r.kind))
				vmp_list(&r, -1);
		}
	}
}

/* Takes vmp_rw as a reader with the engine active (activating it on first
 * use): PAPI_OK, or PAPI_ECMP (disabled, reason in disabled_reason; the
 * lock is then not held). */
static int vmp_enter(void)
{
	for (;;) {
		pthread_rwlock_rdlock(&vmp_rw);
		if (vmp_state == VMP_ACTIVE)
			return PAPI_OK;
		if (vmp_state != VMP_DELAYED) {
			pthread_rwlock_unlock(&vmp_rw);
			return PAPI_ECMP;
		}
		pthread_rwlock_unlock(&vmp_rw);
		pthread_rwlock_wrlock(&vmp_rw);
		if (vmp_state == VMP_DELAYED)
			vmp_activate_locked();
		pthread_rwlock_unlock(&vmp_rw);
	}
}

static void vmp_leave(void)
{
	pthread_rwlock_unlock(&vmp_rw);
}

static int _vmpower_ntv_enum_events(unsigned *code, int modifier)
{
	int rc = vmp_enter();

	if (rc != PAPI_OK)
		return PAPI_ENOEVNT;
	if (modifier == PAPI_ENUM_FIRST)
		vmp_list_vms();
	rc = pv_papi_enum_events(&vmp_ev, code, modifier);
	vmp_leave();
	return rc;
}

/* An unprefixed name (PAPI tries every component in turn) that is not a
 * vmpower event must not activate vmpower: only names whose base is one of
 * its events do. */
static int vmp_name_is_ours(const char *name)
{
	return vmp_events_base_known(name);
}

static int _vmpower_ntv_name_to_code(const char *name, unsigned *code)
{
	int rc;

	if (!vmp_name_is_ours(name))
		return PAPI_ENOEVNT;
	if ((rc = vmp_enter()) != PAPI_OK) {
		pv_papi_error(&_vmpower_vector, "'%s': %s", name, _vmpower_vector.cmp_info.disabled_reason);
		return PAPI_ENOEVNT;
	}
	rc = pv_papi_name_to_code(&vmp_ev, name, code);
	vmp_leave();
	return rc;
}

/* The other lookups answer PAPI_ENOEVNT while vmpower is disabled. */
static int vmp_ntv_enter(void)
{
	return vmp_enter() == PAPI_OK ? PAPI_OK : PAPI_ENOEVNT;
}

PV_PAPI_NTV_CODE_TO(_vmpower, &vmp_ev, vmp_ntv_enter, vmp_leave)

/* ---- init ----------------------------------------------------------------------- */

/* fork(): the engine lock is held across it (after the registry's, the
 * order of the code) and the child forgets the parent's thread. */
static void vmp_fork_prepare(void)
{
	struct vmp_engine *e = __atomic_load_n(&vmp_eng, __ATOMIC_ACQUIRE);

	if (e)
		vmp_engine_fork_lock(e, 1);
}

static void vmp_fork_parent(void)
{
	struct vmp_engine *e = __atomic_load_n(&vmp_eng, __ATOMIC_ACQUIRE);

	if (e)
		vmp_engine_fork_lock(e, 0);
}

static void vmp_fork_child(void)
{
	struct vmp_engine *e = __atomic_load_n(&vmp_eng, __ATOMIC_ACQUIRE);

	/* Readers of the parent do not exist here. */
	pthread_rwlock_init(&vmp_rw, NULL);
	if (e)
		vmp_engine_after_fork(e);
}

static void vmp_fork_register(void)
{
	static const struct pv_virt_reg_fork_hook hook = {
		vmp_fork_prepare, vmp_fork_parent, vmp_fork_child,
	};

	pv_virt_reg_set_fork_hook(&hook);
}

/* Cheap local facts only: configuration and topology.  No libvirt call,
 * connection, thread or counter here (see vmp_enter). */
static int _vmpower_init_component(int cidx)
{
	const struct pv_config *cfg = pv_papi_config();
	char why[1024];
	struct vmp_engine *e = NULL;
	int rc;

	_vmpower_vector.cmp_info.CmpIdx = cidx;
	pthread_once(&vmp_fork_once, vmp_fork_register);
	pthread_rwlock_wrlock(&vmp_rw);
	rc = vmp_engine_open(cfg, &e, why, sizeof(why));
	if (rc < 0) {
		vmp_state = VMP_FAILED;
		pthread_rwlock_unlock(&vmp_rw);
		return pv_papi_disable(&_vmpower_vector, "%s", why);
	}
	__atomic_store_n(&vmp_eng, e, __ATOMIC_RELEASE);
	vmp_state = VMP_DELAYED;
	_vmpower_vector.cmp_info.disabled = PAPI_EDELAY_INIT;
	snprintf(_vmpower_vector.cmp_info.disabled_reason, sizeof(_vmpower_vector.cmp_info.disabled_reason),
		 "Not initialized yet: VM discovery at %s starts on the first use of a vmpower event",
		 cfg->uri);
	pthread_rwlock_unlock(&vmp_rw);
	return PAPI_OK;
}

/* Frees the engine and the table; vmp_rw held as the writer. */
static void vmp_teardown_locked(void)
{
	struct vmp_engine *e = vmp_eng;

	__atomic_store_n(&vmp_eng, NULL, __ATOMIC_RELEASE);
	/* Joins the engine's thread: at most one libvirt timeout if a
	 * refresh is under way. */
	vmp_engine_close(e);
	if (vmp_ev_ready)
		pv_papi_events_fini(&vmp_ev);
	vmp_ev_ready = 0;
}

/* The delayed part of init: vmp_rw held as the writer, state DELAYED. */
static int vmp_activate_locked(void)
{
	char why[1024];
	int rc;

	rc = vmp_engine_activate(vmp_eng, why, sizeof(why));
	if (rc < 0) {
		vmp_teardown_locked();
		vmp_state = VMP_FAILED;
		return pv_papi_disable(&_vmpower_vector, "%s", why);
	}
	vmp_engine_info(vmp_eng, &vmp_ctx.info);
	rc = pv_papi_events_init(&vmp_ev, &_vmpower_vector, vmp_resolve);
	vmp_ev_ready = rc == 0;
	if (rc == 0)
		rc = vmp_events_add_bases(&vmp_ctx, &vmp_ev.tab);
	if (rc < 0) {
		vmp_teardown_locked();
		vmp_state = VMP_FAILED;
		return pv_papi_disable(&_vmpower_vector, "cannot build the event table: %s", strerror(-rc));
	}
	snprintf(_vmpower_vector.cmp_info.description, sizeof(_vmpower_vector.cmp_info.description),
		 "Per-VM %s and attributed energy; energy: %s",
		 vmp_ctx.info.unit == VMP_CYCLES ? "cycles" : "CPU time (no HW cycles)",
		 vmp_ctx.info.energy == VMP_E_RAPL ? "RAPL" :
		 vmp_ctx.info.energy == VMP_E_MODEL ? "ESTIMATED (power model)" : "none (no RAPL, no model)");
	if (vmp_ctx.info.energy == VMP_E_NONE)
		pv_papi_partial(&_vmpower_vector, "no energy events: no RAPL energy source and "
				"PAPI_VIRT_POWER_MODEL is not set (the per-VM %s events work)",
				vmp_ctx.info.unit == VMP_CYCLES ? "cycle" : "CPU time");
	_vmpower_vector.cmp_info.num_native_events = (int)pv_evtab_count(&vmp_ev.tab);
	if (vmp_engine_export_dir(vmp_eng)[0] && (rc = vmp_engine_start_thread(vmp_eng)) < 0) {
		vmp_teardown_locked();
		vmp_state = VMP_FAILED;
		return pv_papi_disable(&_vmpower_vector, "cannot start the export thread: %s", strerror(-rc));
	}
	vmp_state = VMP_ACTIVE;
	_vmpower_vector.cmp_info.disabled = 0;
	_vmpower_vector.cmp_info.disabled_reason[0] = '\0';
	return PAPI_OK;
}

static int _vmpower_init_control_state(hwd_control_state_t *ctl)
{
	memset(ctl, 0, sizeof(struct vmp_ctl));
	return PAPI_OK;
}

static int vmp_update_ctl(hwd_control_state_t *ctl, NativeInfo_t *native, int count)
{
	struct vmp_ctl *c = (struct vmp_ctl *)ctl;

	free(c->codes);
	free(c->values);
	free(c->start);
	c->codes = NULL;
	c->values = NULL;
	c->start = NULL;
	c->n = 0;
	if (count == 0)
		return PAPI_OK;
	c->codes = calloc((size_t)count, sizeof(*c->codes));
	c->values = calloc((size_t)count, sizeof(*c->values));
	c->start = calloc((size_t)count, sizeof(*c->start));
	if (!c->codes || !c->values || !c->start)
		return PAPI_ENOMEM;
	for (int i = 0; i < count; i++) {
		if (!pv_evtab_get(&vmp_ev.tab, (unsigned)native[i].ni_event))
			return PAPI_ENOEVNT;
		c->codes[i] = (unsigned)native[i].ni_event;
		native[i].ni_position = i;
	}
	c->n = count;
	return PAPI_OK;
}

static int _vmpower_update_control_state(hwd_control_state_t *ctl, NativeInfo_t *native, int count,
					 hwd_context_t *ctx)
{
	int rc = vmp_enter();

	(void)ctx;
	if (rc != PAPI_OK)
		return rc;
	rc = vmp_update_ctl(ctl, native, count);
	vmp_leave();
	return rc;
}

/* Sample of event i; the "all VMs" events sum every name. */
static int vmp_sample_event(const struct pv_event *e, struct vmp_sample *ret)
{
	const struct vmp_kind_def *d = vmp_events_kind((enum vmp_kind)e->kind);

	if (!d->per_vm || e->arg[0] >= 0)
		return vmp_engine_sample_locked(vmp_eng, d->qty, e->arg[0], e->arg[1], ret);
	struct vmp_sample s = { 0, 0, 0 }, one;
	int n = vmp_engine_name_count_locked(vmp_eng);
	for (int i = 0; i < n; i++) {
		int rc = vmp_engine_sample_locked(vmp_eng, d->qty, i, e->arg[1], &one);
		if (rc < 0)
			return rc;
		s.num += one.num;
		s.den = one.den;
		s.t_ns = one.t_ns;
	}
	if (n == 0) {
		int rc = vmp_engine_sample_locked(vmp_eng, VMP_Q_HOST_ACTIVE, -1, e->arg[1], &one);
		if (rc < 0)
			return rc;
		s.den = one.num;
		s.t_ns = one.t_ns;
	}
	*ret = s;
	return 0;
}

static int vmp_take(struct vmp_ctl *c, int start)
{
	if (vmp_enter() != PAPI_OK)
		return PAPI_ECMP;
	/* One step, all samples from it (exact conservation within a read). */
	int rc = vmp_engine_read_begin(vmp_eng), err = 0;

	/* A failed source keeps the last values (no negative step) and fails
	 * this call, naming the file: values that silently stop moving look
	 * like an idle host. */
	if (rc < 0) {
		pv_papi_error(&_vmpower_vector, "%s", vmp_engine_read_error_locked(vmp_eng));
		err = rc;
	}
	for (int i = 0; i < c->n && !err; i++) {
		const struct pv_event *e = pv_evtab_get(&vmp_ev.tab, c->codes[i]);
		struct vmp_sample s;
		err = vmp_sample_event(e, &s);
		if (err < 0)
			break;
		if (start) {
			c->start[i] = s;
			c->values[i] = 0;
			continue;
		}
		c->values[i] = vmp_events_kind_value((enum vmp_kind)e->kind, &c->start[i], &s);
	}
	vmp_engine_read_end(vmp_eng);
	vmp_leave();
	if (start)
		return err < 0 ? pv_papi_errno(err) : PAPI_OK;
	return pv_papi_read_status(&c->failed, err < 0 ? pv_papi_errno(err) : PAPI_OK);
}

static int _vmpower_start(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	(void)ctx;
	if (vmp_enter() != PAPI_OK)
		return PAPI_ECMP;
	int rc = vmp_engine_start_thread(vmp_eng);
	vmp_leave();
	if (rc < 0)
		pv_papi_error(&_vmpower_vector, "cannot start the sampling thread: %s (intervals are then between reads)",
			      strerror(-rc));
	return vmp_take((struct vmp_ctl *)ctl, 1);
}

static int _vmpower_read(hwd_context_t *ctx, hwd_control_state_t *ctl, long long **events, int flags)
{
	struct vmp_ctl *c = (struct vmp_ctl *)ctl;
	(void)ctx;
	(void)flags;
	int rc = vmp_take(c, 0);
	*events = c->values;
	return rc;
}

static int _vmpower_stop(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	(void)ctx;
	/* PAPI_stop always stops: a source that failed is reported by the
	 * final read, but an error here would leave the EventSet RUNNING for
	 * good (PAPI_cleanup_eventset then fails with PAPI_EISRUN). */
	vmp_take((struct vmp_ctl *)ctl, 0);
	return PAPI_OK;
}

static int _vmpower_reset(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	(void)ctx;
	return vmp_take((struct vmp_ctl *)ctl, 1);
}

static int _vmpower_cleanup_eventset(hwd_control_state_t *ctl)
{
	struct vmp_ctl *c = (struct vmp_ctl *)ctl;

	free(c->codes);
	free(c->values);
	free(c->start);
	memset(c, 0, sizeof(*c));
	return PAPI_OK;
}

/* Idempotent: concurrent or repeated calls close the engine once. */
static int _vmpower_shutdown_component(void)
{
	pthread_rwlock_wrlock(&vmp_rw);
	if (vmp_state != VMP_OFF)
		vmp_teardown_locked();
	vmp_state = VMP_OFF;
	pthread_rwlock_unlock(&vmp_rw);
	return PAPI_OK;
}

papi_vector_t _vmpower_vector = {
	.cmp_info = {
		.name = "vmpower",
		.short_name = "vmpower",
		.version = "1.0",
		.description = "Per-VM cycles/CPU time and attributed energy on a libvirt/KVM host",
		.default_domain = PAPI_DOM_ALL,
		.default_granularity = PAPI_GRN_SYS,
		.available_granularities = PAPI_GRN_SYS,
		.available_domains = PAPI_DOM_ALL,
		.hardware_intr_sig = PAPI_INT_SIGNAL,
		.num_mpx_cntrs = 1024,
		.num_cntrs = 1024,
	},
	.size = {
		.context = sizeof(struct vmp_context),
		.control_state = sizeof(struct vmp_ctl),
		.reg_value = sizeof(int),
		.reg_alloc = sizeof(int),
	},
	.init_component = _vmpower_init_component,
	.init_control_state = _vmpower_init_control_state,
	.update_control_state = _vmpower_update_control_state,
	.start = _vmpower_start,
	.stop = _vmpower_stop,
	.read = _vmpower_read,
	.reset = _vmpower_reset,
	.cleanup_eventset = _vmpower_cleanup_eventset,
	.shutdown_component = _vmpower_shutdown_component,
	.set_domain = pv_papi_domain_user_kernel_other,
	PV_PAPI_NOOP_CALLBACKS,
	PV_PAPI_NTV_CALLBACKS(_vmpower),
};
