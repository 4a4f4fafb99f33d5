/*
 * pv_papi_comp: the PAPI glue every papi-virt adapter shares, written once:
 * the callbacks that do nothing, the ntv_* forwarders onto a component's
 * pv_papi_events table, and the EventSet callbacks run inside the
 * component's pv_life guard.  Only *_papi.c files include this.
 *
 * PAPI calls its callbacks without saying which component they are for, so
 * each component needs its own functions: the macros below define them as
 * static functions named after a prefix, and the *_CALLBACKS macros fill
 * the matching members of its papi_vector_t.  papi_vector_t is the same in
 * PAPI 7.0, 7.1 and 7.2 (only the members below are used).  A component
 * (prefix _c) writes:
 *
 *   static struct pv_life c_life = PV_LIFE_INITIALIZER;
 *   static struct pv_papi_events c_ev = { .life = &c_life };
 *   ... _c_update_control_state, _c_start, _c_read (the real work) ...
 *   PV_PAPI_NTV_FORWARDERS(_c, &c_ev, pv_papi_enter_none, pv_papi_leave_none)
 *   PV_PAPI_GUARDED_UPDATE(_c, &c_life)
 *   PV_PAPI_GUARDED_CTL(_c, start, &c_life)
 *   PV_PAPI_GUARDED_READ(_c, &c_life)
 *   papi_vector_t _c_vector = {
 *           .cmp_info = { ... }, .size = { ... },
 *           .init_component = ..., .shutdown_component = ...,
 *           .update_control_state = _c_guarded_update_control_state,
 *           .start = _c_guarded_start, .read = _c_guarded_read, ...,
 *           .set_domain = pv_papi_domain_user,
 *           PV_PAPI_NOOP_CALLBACKS,
 *           PV_PAPI_NTV_CALLBACKS(_c),
 *   };
 */
#ifndef PV_PAPI_COMP_H
#define PV_PAPI_COMP_H

#include "papi.h"
#include "papi_internal.h"
#include "papi_vector.h"

#include "pv_life.h"
#include "pv_papi_config.h"
#include "pv_papi_events.h"

/* ---- callbacks that do nothing -------------------------------------------- */

/* init_thread and shutdown_thread: no per-thread state. */
int pv_papi_noop_thread(hwd_context_t *ctx);
/* ctl (PAPI_set_opt): no component options; accepted and ignored. */
int pv_papi_noop_ctl(hwd_context_t *ctx, int code, _papi_int_option_t *option);
/* start/stop/reset of a component whose EventSet keeps no running state. */
int pv_papi_noop_state(hwd_context_t *ctx, hwd_control_state_t *ctl);

/* set_domain: the counting domain is not the component's to choose; a
 * request is accepted when it names one of the domains listed. */
int pv_papi_domain_any(hwd_control_state_t *ctl, int domain);               /* PAPI_DOM_ALL */
int pv_papi_domain_user_kernel_other(hwd_control_state_t *ctl, int domain); /* USER|KERNEL|OTHER */
int pv_papi_domain_user(hwd_control_state_t *ctl, int domain);              /* PAPI_DOM_USER */

/* The members every component fills with the callbacks above. */
#define PV_PAPI_NOOP_CALLBACKS                                                  \
	.init_thread = pv_papi_noop_thread, .shutdown_thread = pv_papi_noop_thread, \
	.ctl = pv_papi_noop_ctl

/* ---- ntv_* forwarders --------------------------------------------------------- */

/* What runs around each forwarded ntv_* call: enter() returns PAPI_OK, or
 * the PAPI code the callback returns without looking (leave() is then not
 * called).  The "none" pair is for components whose table is guarded by
 * its pv_papi_events' life alone. */
static inline int pv_papi_enter_none(void)
{
	return PAPI_OK;
}

static inline void pv_papi_leave_none(void)
{
}

#define PV_PAPI_NTV_ENTERED_(enter, leave, call)                                \
	{                                                                       \
		int pv_rc_ = enter();                                           \
		if (pv_rc_ != PAPI_OK)                                          \
			return pv_rc_;                                          \
		pv_rc_ = (call);                                                \
		leave();                                                        \
		return pv_rc_;                                                  \
	}

/* pfx##_ntv_enum_events */
#define PV_PAPI_NTV_ENUM(pfx, ev, enter, leave)                                 \
	static int pfx##_ntv_enum_events(unsigned *code, int modifier)          \
	PV_PAPI_NTV_ENTERED_(enter, leave, pv_papi_enum_events((ev), code, modifier))

/* pfx##_ntv_name_to_code */
#define PV_PAPI_NTV_NAME_TO_CODE(pfx, ev, enter, leave)                         \
	static int pfx##_ntv_name_to_code(const char *name, unsigned *code)     \
	PV_PAPI_NTV_ENTERED_(enter, leave, pv_papi_name_to_code((ev), name, code))

/* pfx##_ntv_code_to_name */
#define PV_PAPI_NTV_CODE_TO_NAME(pfx, ev, enter, leave)                                         \
	static int pfx##_ntv_code_to_name(unsigned code, char *name, int len)                   \
	PV_PAPI_NTV_ENTERED_(enter, leave, pv_papi_code_to_name((ev), code, name, len))

/* pfx##_ntv_code_to_descr and _info (a component whose descriptions need
 * more than its names, steal's, gives these their own enter()) */
#define PV_PAPI_NTV_CODE_TO_DESCR(pfx, ev, enter, leave)                                        \
	static int pfx##_ntv_code_to_descr(unsigned code, char *descr, int len)                 \
	PV_PAPI_NTV_ENTERED_(enter, leave, pv_papi_code_to_descr((ev), code, descr, len))       \
	static int pfx##_ntv_code_to_info(unsigned code, PAPI_event_info_t *info)               \
	PV_PAPI_NTV_ENTERED_(enter, leave, pv_papi_code_to_info((ev), code, info))

/* pfx##_ntv_code_to_name, _descr and _info */
#define PV_PAPI_NTV_CODE_TO(pfx, ev, enter, leave)           \
	PV_PAPI_NTV_CODE_TO_NAME(pfx, ev, enter, leave)      \
	PV_PAPI_NTV_CODE_TO_DESCR(pfx, ev, enter, leave)

/* All five; a component with its own enumeration or name lookup uses the
 * three macros above for the others and names its own pfx##_ntv_* alike. */
#define PV_PAPI_NTV_FORWARDERS(pfx, ev, enter, leave)                           \
	PV_PAPI_NTV_ENUM(pfx, ev, enter, leave)                                 \
	PV_PAPI_NTV_NAME_TO_CODE(pfx, ev, enter, leave)                         \
	PV_PAPI_NTV_CODE_TO(pfx, ev, enter, leave)

#define PV_PAPI_NTV_CALLBACKS(pfx)                                              \
	.ntv_enum_events = pfx##_ntv_enum_events,                               \
	.ntv_name_to_code = pfx##_ntv_name_to_code,                             \
	.ntv_code_to_name = pfx##_ntv_code_to_name,                             \
	.ntv_code_to_descr = pfx##_ntv_code_to_descr,                           \
	.ntv_code_to_info = pfx##_ntv_code_to_info

/* ---- EventSet callbacks inside the component's pv_life ---------------------- */

/* A component callback run inside its lifetime guard: PAPI_ECMP without
 * calling fn when the component is not live (shut down by another thread,
 * or never initialised). */
typedef int (*pv_papi_ctl_fn)(hwd_context_t *ctx, hwd_control_state_t *ctl);
typedef int (*pv_papi_read_fn)(hwd_context_t *ctx, hwd_control_state_t *ctl, long long **events, int flags);
typedef int (*pv_papi_write_fn)(hwd_context_t *ctx, hwd_control_state_t *ctl, long long *values);
typedef int (*pv_papi_update_fn)(hwd_control_state_t *ctl, NativeInfo_t *native, int count, hwd_context_t *ctx);
int pv_papi_guard_ctl(struct pv_life *l, pv_papi_ctl_fn fn, hwd_context_t *ctx, hwd_control_state_t *ctl);
int pv_papi_guard_read(struct pv_life *l, pv_papi_read_fn fn, hwd_context_t *ctx, hwd_control_state_t *ctl,
		       long long **events, int flags);
int pv_papi_guard_write(struct pv_life *l, pv_papi_write_fn fn, hwd_context_t *ctx, hwd_control_state_t *ctl,
			long long *values);
int pv_papi_guard_update(struct pv_life *l, pv_papi_update_fn fn, hwd_control_state_t *ctl, NativeInfo_t *native,
			 int count, hwd_context_t *ctx);


/* pfx##_guarded_<cb> runs pfx##_<cb> inside *life (PAPI_ECMP when the
 * component is not live): cb is start, stop or reset. */
#define PV_PAPI_GUARDED_CTL(pfx, cb, life)                                              \
	static int pfx##_guarded_##cb(hwd_context_t *ctx, hwd_control_state_t *ctl)    \
	{                                                                               \
		return pv_papi_guard_ctl((life), pfx##_##cb, ctx, ctl);                 \
	}

#define PV_PAPI_GUARDED_READ(pfx, life)                                                                 \
	static int pfx##_guarded_read(hwd_context_t *ctx, hwd_control_state_t *ctl, long long **events, \
				      int flags)                                                        \
	{                                                                                               \
		return pv_papi_guard_read((life), pfx##_read, ctx, ctl, events, flags);                 \
	}

#define PV_PAPI_GUARDED_WRITE(pfx, life)                                                                \
	static int pfx##_guarded_write(hwd_context_t *ctx, hwd_control_state_t *ctl, long long *values) \
	{                                                                                               \
		return pv_papi_guard_write((life), pfx##_write, ctx, ctl, values);                      \
	}

#define PV_PAPI_GUARDED_UPDATE(pfx, life)                                                               \
	static int pfx##_guarded_update_control_state(hwd_control_state_t *ctl, NativeInfo_t *native,   \
						      int count, hwd_context_t *ctx)                    \
	{                                                                                               \
		return pv_papi_guard_update((life), pfx##_update_control_state, ctl, native, count, ctx); \
	}

/* pfx##_init_component and pfx##_shutdown_component of a component whose
 * life is *life: init reads the configuration (pv_papi_config) and runs
 * init once inside the guard; shutdown is idempotent (concurrent and
 * repeated calls tear down once). */
#define PV_PAPI_LIFE_CALLBACKS(pfx, life, init, teardown)               \
	static int pfx##_init_component(int cidx)                       \
	{                                                               \
		pv_papi_config();                                       \
		return pv_life_init((life), (init), (teardown), cidx);  \
	}                                                               \
	static int pfx##_shutdown_component(void)                       \
	{                                                               \
		pv_life_shutdown((life), (teardown));                   \
		return PAPI_OK;                                         \
	}

#endif
