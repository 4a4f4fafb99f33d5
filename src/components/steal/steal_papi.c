/*
 * steal: PAPI adapter.  Guest steal time (system, per CPU, per thread
 * estimate), steal-compensated virtual timers, and host-side per-vCPU
 * run/steal/halt.  The work is in the PAPI-free modules steal_*.c; this
 * file maps PAPI calls onto them.  docs/steal.md describes every event.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_clock.h"
#include "pv_papi_comp.h"
#include "steal_papi.h"

#include "pv_msg.h"
#include "pv_papi_config.h"

papi_vector_t _steal_vector;

/* Shared state (the event table, the host context) lives between init and
 * the first shutdown; every callback that uses it runs inside steal_life
 * (pv_life.h), so PAPI_shutdown in several threads, or from exit while
 * other threads read, tears it down once and never under a reader. */
static struct pv_life steal_life = PV_LIFE_INITIALIZER;
static uint64_t steal_hz;
static enum steal_pvacct steal_acct;
static int steal_irqtime;

/* ---- sampling ------------------------------------------------------------ */

/* A counter that jumped past the range is taken as a reset (steal_acc.h);
 * said once per process, naming the file it came from. */
static void steal_say_jumps(const struct steal_guest *g)
{
	static int said;

	if (steal_guest_jumps(g) == 0 || __atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		return;
	pv_papi_error(&_steal_vector,
		      "%s/%s: a counter jumped past the 64-bit range; taken as a reset, nothing added (said once)",
		      pv_fs_root(PV_PROC), g->jumps ? "thread-self/schedstat" : "stat");
}

static int steal_sample_all(struct steal_ctl *c, int start, int fresh)
{
	const struct steal_procstat *ps = NULL;
	struct steal_thread_sample ts;
	uint64_t now;
	int rc;

	if (c->need_sys) {
		rc = steal_sampler_sys(&c->smp, fresh || start, &ps);
		if (rc < 0) {
			pv_papi_error(&_steal_vector, "%s/stat: %s", pv_fs_root(PV_PROC),
				      rc == -EINVAL ? "no parsable cpu line" : strerror(-rc));
			return rc;
		}
	}
	if (c->need_thread) {
		rc = steal_sampler_thread(&c->smp, &ts);
		if (rc < 0) {
			pv_papi_error(&_steal_vector, "%s/thread-self/schedstat: %s",
				      pv_fs_root(PV_PROC), strerror(-rc));
			return rc;
		}
	}
	rc = start ? steal_guest_start(&c->guest, ps, c->need_thread ? &ts : NULL)
		   : steal_guest_update(&c->guest, ps, c->need_thread ? &ts : NULL);
	if (rc < 0)
		return rc;
	steal_say_jumps(&c->guest);
	now = pv_now_ns();
	for (size_t i = 0; i < c->nhvm; i++) {
		for (size_t k = 0; k < c->hvm[i].n; k++) {
			struct steal_vcpu *v = &c->hvm[i].v[k];

			rc = start ? steal_vcpu_start(v, now) : steal_vcpu_update(v, now);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static void steal_fill(struct steal_ctl *c)
{
	for (int i = 0; i < c->n; i++) {
		const struct pv_event *e = pv_evtab_get(&steal_ev.tab, c->codes[i]);
		const struct steal_kind_def *d = steal_events_kind(e->kind);
		uint64_t v = d->guest_value ? d->guest_value(&c->guest, e->arg[0])
					    : steal_papi_host_value(c, c->slot[i], e->arg[1], d->vcpu_value);

		c->values[i] = (long long)v;
	}
}

/* ---- PAPI callbacks -------------------------------------------------------- */

static int steal_resolve(struct pv_papi_events *ev, const char *name, unsigned *ret_code);

/* The CPUs /proc/stat listed at init, kept for steal_build (a :cpu=N event
 * each); freed once the table is built or at teardown. */
static struct steal_procstat steal_init_ps;

/* The event table, built on first use of a steal event (enumeration, name,
 * code; pv_papi_events_ready), not at PAPI_library_init: a program that
 * never looks at steal events does not pay for it. */
static int steal_build(struct pv_papi_events *ev)
{
	int rc = steal_events_add_bases(&ev->tab, NULL, (unsigned long)steal_hz);

	for (size_t i = 0; rc == 0 && i < steal_init_ps.ncpu; i++) {
		struct steal_req r = { .kind = STEAL_K_CPU, .cpu = (int)i, .vcpu = -1 };
		unsigned code;

		if (steal_init_ps.cpu[i].present)
			rc = steal_events_add(&ev->tab, &r, 1, NULL, &code);
	}
	steal_procstat_free(&steal_init_ps);
	return rc;
}

struct pv_papi_events steal_ev = { .life = &steal_life, .build = steal_build };

/* The kernel's steal accounting (steal_pvacct: /proc/cmdline, then the
 * kernel config, /proc/config.gz through zlib) is probed on first need: a
 * description of VIRT_NS or VIRT_NS_COMPENSATED, or an EventSet whose
 * values depend on it (THREAD_STEAL_NS, VIRT_NS_COMPENSATED).  STEAL_NS
 * alone never pays for it.  Call inside steal_life, table built. */
static pthread_mutex_t steal_acct_lock = PTHREAD_MUTEX_INITIALIZER;
static int steal_acct_known; /* reset by steal_init */

static void steal_acct_ready(void)
{
	char src[256];
	int rc;

	if (__atomic_load_n(&steal_acct_known, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&steal_acct_lock);
	if (!steal_acct_known) {
		steal_acct = steal_pvacct_probe(src, sizeof(src), &steal_irqtime);
		pv_dbg("steal", "VIRT_NS_COMPENSATED: %s (decided by %s); IRQ time %s",
		       steal_pvacct_describe(steal_acct), src[0] ? src : "nowhere",
		       steal_irqtime ? "may leave task time too (subtracted)" : "stays in task time");
		rc = steal_events_set_pvacct(&steal_ev.tab, steal_pvacct_describe(steal_acct));
		if (rc < 0)
			pv_papi_error(&_steal_vector, "cannot describe VIRT_NS: %s", strerror(-rc));
		__atomic_store_n(&steal_acct_known, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&steal_acct_lock);
}

/* steal_acct_ready for a description callback, outside the guard. */
static void steal_acct_ready_outside(void)
{
	if (__atomic_load_n(&steal_acct_known, __ATOMIC_ACQUIRE) || pv_life_enter(&steal_life) < 0)
		return;
	if (pv_papi_events_ready(&steal_ev) == PAPI_OK)
		steal_acct_ready();
	pv_life_leave(&steal_life);
}

/* Init decides from /proc/stat alone (the reason steal is disabled names
 * it); the event table waits for first use (steal_build). */
static int steal_init(int cidx)
{
	struct pv_procstat_file f;
	char why[512];
	int rc;

	_steal_vector.cmp_info.CmpIdx = cidx;
	steal_hz = pv_procstat_user_hz();
	__atomic_store_n(&steal_acct_known, 0, __ATOMIC_RELEASE);
	rc = pv_procstat_open(&f, 0);
	if (rc < 0)
		return pv_papi_disable(&_steal_vector, "%s",
				       pv_fs_describe(PV_PROC, "stat", rc, why, sizeof(why)));
	steal_procstat_init(&steal_init_ps);
	rc = steal_procstat_read(&f, &steal_init_ps);
	pv_procstat_close(&f);
	if (rc < 0) {
		steal_procstat_free(&steal_init_ps);
		return pv_papi_disable(&_steal_vector, "%s%s",
				       pv_fs_describe(PV_PROC, "stat", rc, why, sizeof(why)),
				       rc == -EINVAL ? " (no parsable cpu line)" : "");
	}
	pv_dbg("steal", "guest basis: /proc/stat steal of %zu CPUs; the kernel's steal accounting is probed "
	       "on first need", steal_init_ps.ncpu);
	rc = pv_papi_events_init(&steal_ev, &_steal_vector, steal_resolve);
	if (rc < 0)
		return pv_papi_disable(&_steal_vector, "cannot build the event table: %s",
				       strerror(-rc));
	/* What steal_build will add: every base, and a :cpu=N per CPU line. */
	_steal_vector.cmp_info.num_native_events = (int)(steal_events_nbases() + steal_init_ps.present);
	return PAPI_OK;
}

static void steal_teardown(void)
{
	steal_papi_host_shutdown();
	pv_papi_events_fini(&steal_ev);
	steal_procstat_free(&steal_init_ps);
}

PV_PAPI_LIFE_CALLBACKS(_steal, &steal_life, steal_init, steal_teardown)

static int _steal_ntv_enum_events(unsigned *code, int modifier)
{
	if (modifier == PAPI_ENUM_FIRST && pv_life_enter(&steal_life) == 0) {
		/* The bases first: VM instances are added after them. */
		if (pv_papi_events_ready(&steal_ev) == PAPI_OK)
			steal_papi_host_list_vms();
		pv_life_leave(&steal_life);
	}
	return pv_papi_enum_events(&steal_ev, code, modifier);
}

static int steal_resolve(struct pv_papi_events *ev, const char *name, unsigned *ret_code)
{
	struct steal_req r;
	char err[512];
	int rc = steal_events_parse(name, &r, err, sizeof(err));

	if (rc < 0) {
		pv_papi_error(&_steal_vector, "%s", err);
		return rc == -EINVAL ? -ENOENT : rc;
	}
	if (steal_events_kind_is_host(r.kind) && r.vm[0] && steal_papi_host_check(&r) < 0)
		return -ENOENT;
	rc = steal_events_add(&ev->tab, &r, 0, NULL, ret_code);
	if (rc == -ENAMETOOLONG)
		pv_papi_error(&_steal_vector, "'%s': the canonical name would exceed %d characters",
			      name, PV_EV_NAME_MAX - 1);
	return rc;
}

PV_PAPI_NTV_NAME_TO_CODE(_steal, &steal_ev, pv_papi_enter_none, pv_papi_leave_none)
PV_PAPI_NTV_CODE_TO_NAME(_steal, &steal_ev, pv_papi_enter_none, pv_papi_leave_none)

/* Descriptions of VIRT_NS and VIRT_NS_COMPENSATED name the kernel's steal
 * accounting: it is probed before a description is given out. */
static int steal_enter_described(void)
{
	steal_acct_ready_outside();
	return PAPI_OK;
}

PV_PAPI_NTV_CODE_TO_DESCR(_steal, &steal_ev, steal_enter_described, pv_papi_leave_none)

static int _steal_init_control_state(hwd_control_state_t *ctl)
{
	struct steal_ctl *c = (struct steal_ctl *)ctl;

	memset(c, 0, sizeof(*c));
	return PAPI_OK;
}

static void steal_ctl_close_sources(struct steal_ctl *c)
{
	if (c->sampler_open)
		steal_sampler_close(&c->smp);
	c->sampler_open = 0;
	steal_guest_free(&c->guest);
	steal_papi_host_free(c);
}

/* Everything the control state owns.  PAPI frees the state itself right
 * after update_control_state(count=0) (PAPI_cleanup_eventset), so that
 * call must leave nothing allocated. */
static void steal_ctl_release(struct steal_ctl *c)
{
	steal_ctl_close_sources(c);
	free(c->codes);
	free(c->values);
	free(c->slot);
	c->codes = NULL;
	c->values = NULL;
	c->slot = NULL;
	c->n = 0;
	c->need_sys = c->need_thread = 0;
}

static int _steal_update_control_state(hwd_control_state_t *ctl, NativeInfo_t *native, int count,
				       hwd_context_t *ctx)
{
	struct steal_ctl *c = (struct steal_ctl *)ctl;
	unsigned *codes;
	long long *values;
	int *slot;

	(void)ctx;
	if (count == 0) {
		steal_ctl_release(c);
		return PAPI_OK;
	}
	codes = calloc((size_t)count, sizeof(*codes));
	values = calloc((size_t)count, sizeof(*values));
	slot = calloc((size_t)count, sizeof(*slot));
	if (!codes || !values || !slot) {
		free(codes);
		free(values);
		free(slot);
		return PAPI_ENOMEM;
	}
	steal_ctl_close_sources(c);
	free(c->codes);
	free(c->values);
	free(c->slot);
	c->codes = codes;
	c->values = values;
	c->slot = slot;
	c->n = count;
	c->need_sys = c->need_thread = 0;
	for (int i = 0; i < count; i++) {
		const struct pv_event *e = pv_evtab_get(&steal_ev.tab, (unsigned)native[i].ni_event);

		if (!e)
			return PAPI_ENOEVNT;
		codes[i] = (unsigned)native[i].ni_event;
		native[i].ni_position = i;
		/* Their sources and values depend on the kernel's accounting. */
		if (e->kind == STEAL_K_THREAD_STEAL || e->kind == STEAL_K_VIRT_COMP)
			steal_acct_ready();
		unsigned src = steal_events_kind_sources(e->kind, steal_pvacct_excluded(steal_acct));

		c->need_sys |= !!(src & STEAL_NEED_SYS);
		c->need_thread |= !!(src & STEAL_NEED_THREAD);
	}
	return PAPI_OK;
}

static int _steal_start(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	struct steal_ctl *c = (struct steal_ctl *)ctl;
	const char *what = "";
	int rc, has_host = 0, known;

	(void)ctx;
	steal_ctl_close_sources(c);
	/* Known whenever an event here depends on it (update_control_state). */
	known = __atomic_load_n(&steal_acct_known, __ATOMIC_ACQUIRE);
	steal_guest_init(&c->guest, steal_hz, known && steal_pvacct_excluded(steal_acct),
			 known && !steal_irqtime);
	if (c->need_sys || c->need_thread) {
		rc = steal_sampler_open(&c->smp, c->need_sys, c->need_thread, pv_config_get()->steal_cache_ns, &what);
		if (rc < 0) {
			char why[512];

			pv_papi_error(&_steal_vector, "%s",
				      pv_fs_describe(PV_PROC, what, rc, why, sizeof(why)));
			return pv_papi_errno(rc);
		}
		c->sampler_open = 1;
	}
	for (int i = 0; i < c->n; i++)
		has_host |= steal_events_kind_is_host(pv_evtab_get(&steal_ev.tab, c->codes[i])->kind);
	if (has_host) {
		rc = steal_papi_host_bind(c);
		if (rc < 0) {
			steal_ctl_close_sources(c);
			return rc == -ENOENT ? PAPI_ENOEVNT : pv_papi_errno(rc);
		}
	}
	rc = steal_sample_all(c, 1, 1);
	if (rc < 0) {
		steal_ctl_close_sources(c);
		return pv_papi_errno(rc);
	}
	memset(c->values, 0, (size_t)c->n * sizeof(*c->values));
	return PAPI_OK;
}

static int _steal_read(hwd_context_t *ctx, hwd_control_state_t *ctl, long long **events, int flags)
{
	struct steal_ctl *c = (struct steal_ctl *)ctl;
	int rc;

	(void)ctx;
	(void)flags;
	rc = steal_sample_all(c, 0, 0);
	*events = c->values;
	if (rc < 0)
		return pv_papi_read_status(&c->failed, pv_papi_errno(rc));
	steal_fill(c);
	return pv_papi_read_status(&c->failed, PAPI_OK);
}

static int _steal_stop(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	struct steal_ctl *c = (struct steal_ctl *)ctl;

	(void)ctx;
	/* PAPI_stop always stops: an error here leaves the EventSet RUNNING
	 * for good.  A final sample is taken only when the sources are open
	 * (after a failed PAPI_start, PAPI's rollback calls stop on closed
	 * ones, which used to blame /proc/stat for a bad schedstat); a
	 * failure was reported by steal_sample_all and the values keep
	 * the last good sample. */
	if ((c->sampler_open || !(c->need_sys || c->need_thread)) && steal_sample_all(c, 0, 1) == 0)
		steal_fill(c);
	return PAPI_OK;
}

static int _steal_reset(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	struct steal_ctl *c = (struct steal_ctl *)ctl;
	int rc;

	(void)ctx;
	/* Keep the open files and bindings: only re-base. */
	rc = steal_sample_all(c, 1, 1);
	if (rc < 0)
		return pv_papi_errno(rc);
	memset(c->values, 0, (size_t)c->n * sizeof(*c->values));
	return PAPI_OK;
}

static int _steal_cleanup_eventset(hwd_control_state_t *ctl)
{
	steal_ctl_release((struct steal_ctl *)ctl);
	return PAPI_OK;
}

/* ---- the EventSet callbacks PAPI calls, inside steal_life ------------------- */

PV_PAPI_GUARDED_UPDATE(_steal, &steal_life)
PV_PAPI_GUARDED_CTL(_steal, start, &steal_life)
PV_PAPI_GUARDED_READ(_steal, &steal_life)
PV_PAPI_GUARDED_CTL(_steal, stop, &steal_life)
PV_PAPI_GUARDED_CTL(_steal, reset, &steal_life)

papi_vector_t _steal_vector = {
	.cmp_info = {
		.name = "steal",
		.short_name = "steal",
		.version = "1.0",
		.description = "Guest steal time (system, per CPU, per thread), steal-compensated "
			       "virtual timers, host per-vCPU run/steal/halt",
		.default_domain = PAPI_DOM_USER,
		.default_granularity = PAPI_GRN_THR,
		.available_granularities = PAPI_GRN_THR,
		.available_domains = PAPI_DOM_USER | PAPI_DOM_KERNEL,
		.hardware_intr_sig = PAPI_INT_SIGNAL,
		.num_mpx_cntrs = 512,
		.num_cntrs = 512,
	},
	.size = {
		.context = sizeof(struct steal_context),
		.control_state = sizeof(struct steal_ctl),
		.reg_value = sizeof(int),
		.reg_alloc = sizeof(int),
	},
	.init_component = _steal_init_component,
	.init_control_state = _steal_init_control_state,
	.update_control_state = _steal_guarded_update_control_state,
	.start = _steal_guarded_start,
	.stop = _steal_guarded_stop,
	.read = _steal_guarded_read,
	.reset = _steal_guarded_reset,
	.cleanup_eventset = _steal_cleanup_eventset,
	.shutdown_component = _steal_shutdown_component,
	.set_domain = pv_papi_domain_user_kernel_other,
	PV_PAPI_NOOP_CALLBACKS,
	PV_PAPI_NTV_CALLBACKS(_steal),
};
