/*
 * appio PAPI adapter: application I/O counters of the calling thread
 * (unqualified names, stock appio's meaning) or of the whole process
 * (":process", exited threads included), as differences since PAPI_start.
 *
 * The counting itself is done by the interposer compiled into libpapi
 * (appio_preload_wrap.c, appio_preload_meta.c) into the registry
 * (appio_registry.h); this file only snapshots and subtracts.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "papi.h"
#include "papi_internal.h"
#include "papi_vector.h"

#include "pv_evname.h"
#include "pv_papi_config.h"
#include "pv_papi_comp.h"
#include "pv_papi_events.h"

#include "appio_events.h"
#include "appio_preload_wrap.h"
#include "appio_registry.h"

#define APPIO_MAX_EVSET 512

enum appio_scope { APPIO_SCOPE_THREAD = 0, APPIO_SCOPE_PROCESS = 1 };

struct appio_ctl {
	int n;
	int need_thread, need_process;
	int armed;              /* holds one appio_armed count (running) */
	unsigned code[APPIO_MAX_EVSET];
	uint64_t start_thread[APPIO_NSLOTS];
	uint64_t start_process[APPIO_NSLOTS];
	long long values[APPIO_MAX_EVSET];
};

struct appio_context {
	int unused;
};

papi_vector_t _appio_vector;
/* The event table lives between init and the first shutdown; callbacks
 * that use it run inside appio_life (pv_life.h), so concurrent or repeated
 * PAPI_shutdown frees it once and never under a reader.  The counters
 * themselves (appio_registry) live as long as the process. */
static struct pv_life appio_life = PV_LIFE_INITIALIZER;
static int appio_build(struct pv_papi_events *ev);
/* The table (2 x appio_events_count entries) is built on first use of an appio
 * event (enumeration, name, code), not at PAPI_library_init: a program
 * that never looks at appio events does not pay for it. */
static struct pv_papi_events appio_ev = { .life = &appio_life, .build = appio_build };

static const char appio_process_desc[] =
	"every thread of the process instead, threads that have exited included";

static int appio_build(struct pv_papi_events *ev)
{
	struct pv_evtab *t = &ev->tab;

	for (unsigned i = 0; i < appio_events_count; i++) {
		const struct appio_event_def *d = &appio_events[i];
		struct pv_event e;
		unsigned base, code;
		int rc;

		memset(&e, 0, sizeof(e));
		snprintf(e.name, sizeof(e.name), "%s", d->name);
		snprintf(e.desc, sizeof(e.desc), "%s; calling thread since PAPI_start", d->desc);
		snprintf(e.units, sizeof(e.units), "%s", d->units);
		e.dtype = appio_events_kind(d->kind)->is_signed ? PV_S64 : PV_U64;
		e.vtype = PV_COUNTER;
		e.base = -1;
		e.listed = 1;
		e.kind = APPIO_SCOPE_THREAD;
		e.arg[0] = (int)i;
		rc = pv_evtab_add(t, &e, &base);
		if (rc < 0)
			return rc;
		snprintf(e.name, sizeof(e.name), "%s:process", d->name);
		snprintf(e.desc, sizeof(e.desc), "%s", appio_process_desc);
		e.base = (int)base;
		e.kind = APPIO_SCOPE_PROCESS;
		rc = pv_evtab_add(t, &e, &code);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Names not in the table verbatim: qualifiers in another spelling. */
static int appio_resolve(struct pv_papi_events *ev, const char *name, unsigned *ret_code)
{
	struct pv_evname n;
	int rc = pv_evname_parse(name, &n);

	if (rc < 0 || appio_events_find(n.base) < 0) {
		pv_papi_error(&_appio_vector, "'%s' is not an appio event (see papi_native_avail -c appio)", name);
		return -ENOENT;
	}
	if (n.nquals == 0)
		return pv_evtab_find(&ev->tab, n.base, ret_code);
	if (n.nquals == 1 && strcmp(n.quals[0].key, "process") == 0 && !n.quals[0].has_value) {
		char canon[PV_EV_NAME_MAX];

		snprintf(canon, sizeof(canon), "%s:process", n.base);
		return pv_evtab_find(&ev->tab, canon, ret_code);
	}
	pv_papi_error(&_appio_vector, "'%s': the only appio qualifier is ':process'", name);
	return -ENOENT;
}

static int appio_init(int cidx)
{
	int rc;

	_appio_vector.cmp_info.CmpIdx = cidx;
	/* Normally done by the library constructor already. */
	appio_wrap_init();
	rc = pv_papi_events_init(&appio_ev, &_appio_vector, appio_resolve);
	if (rc < 0)
		return pv_papi_disable(&_appio_vector, "cannot build the event table: %s", strerror(-rc));
	/* Thread and :process instance of every event (appio_build). */
	_appio_vector.cmp_info.num_native_events = (int)(2 * appio_events_count);
	return PAPI_OK;
}

static void appio_teardown(void)
{
	pv_papi_events_fini(&appio_ev);
}

/* At shutdown the counters live on (the interposer keeps counting after
 * PAPI_shutdown); only the event table goes (appio_teardown), once however
 * many threads shut down. */
PV_PAPI_LIFE_CALLBACKS(_appio, &appio_life, appio_init, appio_teardown)

static int _appio_init_control_state(hwd_control_state_t *ctl)
{
	memset(ctl, 0, sizeof(struct appio_ctl));
	return PAPI_OK;
}

static int _appio_update_control_state(hwd_control_state_t *ctl, NativeInfo_t *native, int count,
				       hwd_context_t *ctx)
{
	struct appio_ctl *c = (struct appio_ctl *)ctl;

	(void)ctx;
	if (count > APPIO_MAX_EVSET)
		return PAPI_ECOUNT;
	c->need_thread = c->need_process = 0;
	for (int i = 0; i < count; i++) {
		const struct pv_event *e = pv_evtab_get(&appio_ev.tab, (unsigned)native[i].ni_event);

		if (!e)
			return PAPI_ENOEVNT;
		c->code[i] = (unsigned)native[i].ni_event;
		native[i].ni_position = i;
		if (e->kind == APPIO_SCOPE_PROCESS)
			c->need_process = 1;
		else
			c->need_thread = 1;
	}
	c->n = count;
	return PAPI_OK;
}

/* Current slots of the scopes the EventSet uses. */
static int appio_snapshot(const struct appio_ctl *c, uint64_t *thr, uint64_t *proc)
{
	if (c->need_thread) {
		struct appio_block *b = appio_registry_self();

		if (!b)
			return PAPI_ENOMEM;
		appio_registry_copy(b, thr);
	}
	if (c->need_process)
		appio_registry_sum(proc);
	return PAPI_OK;
}

static int appio_rebase(struct appio_ctl *c)
{
	int rc = appio_snapshot(c, c->start_thread, c->start_process);

	memset(c->values, 0, sizeof(c->values));
	return rc;
}

static int appio_fill(struct appio_ctl *c)
{
	uint64_t thr[APPIO_NSLOTS], proc[APPIO_NSLOTS], delta[2][APPIO_NSLOTS];
	int rc = appio_snapshot(c, thr, proc);

	if (rc != PAPI_OK)
		return rc;
	for (unsigned s = 0; s < APPIO_NSLOTS; s++) {
		delta[APPIO_SCOPE_THREAD][s] = c->need_thread ? thr[s] - c->start_thread[s] : 0;
		delta[APPIO_SCOPE_PROCESS][s] = c->need_process ? proc[s] - c->start_process[s] : 0;
	}
	for (int i = 0; i < c->n; i++) {
		const struct pv_event *e = pv_evtab_get(&appio_ev.tab, c->code[i]);

		c->values[i] = appio_events_value(&appio_events[e->arg[0]], delta[e->kind], 0);
	}
	return PAPI_OK;
}

/* Armed before the start snapshot: every call after PAPI_start counts. */
static int _appio_start(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	struct appio_ctl *c = (struct appio_ctl *)ctl;

	(void)ctx;
	if (!c->armed) {
		appio_wrap_arm(1);
		c->armed = 1;
	}
	return appio_rebase(c);
}

static int _appio_reset(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	(void)ctx;
	return appio_rebase((struct appio_ctl *)ctl);
}

static int _appio_read(hwd_context_t *ctx, hwd_control_state_t *ctl, long long **events, int flags)
{
	struct appio_ctl *c = (struct appio_ctl *)ctl;
	int rc;

	(void)ctx;
	(void)flags;
	rc = appio_fill(c);
	*events = c->values;
	return rc;
}

/* Disarmed after the last reading. */
static int _appio_stop(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	struct appio_ctl *c = (struct appio_ctl *)ctl;
	int rc;

	(void)ctx;
	rc = appio_fill(c);
	if (c->armed) {
		appio_wrap_arm(-1);
		c->armed = 0;
	}
	return rc;
}

/* Start and reset only snapshot the registry: no guard needed. */
PV_PAPI_GUARDED_UPDATE(_appio, &appio_life)
PV_PAPI_GUARDED_READ(_appio, &appio_life)
PV_PAPI_GUARDED_CTL(_appio, stop, &appio_life)

PV_PAPI_NTV_FORWARDERS(_appio, &appio_ev, pv_papi_enter_none, pv_papi_leave_none)

papi_vector_t _appio_vector = {
	.cmp_info = {
		.name = "appio",
		.short_name = "appio",
		.version = "2.0",
		.description = "Application I/O (POSIX and stdio calls intercepted in libpapi), "
			       "per thread and process-wide (:process)",
		.default_domain = PAPI_DOM_USER,
		.available_domains = PAPI_DOM_USER,
		.default_granularity = PAPI_GRN_THR,
		.available_granularities = PAPI_GRN_THR,
		.hardware_intr_sig = PAPI_INT_SIGNAL,
		.num_mpx_cntrs = APPIO_MAX_EVSET,
		.num_cntrs = APPIO_MAX_EVSET,
	},
	.size = {
		.context = sizeof(struct appio_context),
		.control_state = sizeof(struct appio_ctl),
		.reg_value = sizeof(int),
		.reg_alloc = sizeof(int),
	},
	.init_component = _appio_init_component,
	.init_control_state = _appio_init_control_state,
	.update_control_state = _appio_guarded_update_control_state,
	.start = _appio_start,
	.stop = _appio_guarded_stop,
	.read = _appio_guarded_read,
	.reset = _appio_reset,
	.shutdown_component = _appio_shutdown_component,
	.set_domain = pv_papi_domain_user,
	PV_PAPI_NOOP_CALLBACKS,
	PV_PAPI_NTV_CALLBACKS(_appio),
};
