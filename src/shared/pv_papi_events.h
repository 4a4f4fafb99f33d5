/*
 * pv_papi_events: the PAPI side of every papi-virt component's event table.
 * One implementation of the ntv_* callbacks over a pv_evtab, so adapters do
 * not each copy their own lookups.  Only *_papi.c files include this.
 *
 * A component keeps one struct pv_papi_events and forwards its ntv_*
 * callbacks (which PAPI calls without a context pointer) to these functions.
 */
#ifndef PV_PAPI_EVENTS_H
#define PV_PAPI_EVENTS_H

#include "papi.h"
#include "papi_internal.h"
#include "papi_vector.h"

#include "pv_evtab.h"
#include "pv_life.h"

struct pv_papi_events {
	struct pv_evtab tab;
	papi_vector_t *vector;
	/* Creates (or finds) the event for a name that is not in the table
	 * verbatim: a qualified instance such as a VM started after
	 * PAPI_library_init, or a non-canonical spelling.  Returns 0 and the
	 * code, -ENOENT for an unknown event (after reporting why with
	 * pv_papi_error), another -errno on failure.  May be NULL. */
	int (*resolve)(struct pv_papi_events *ev, const char *name, unsigned *ret_code);
	/* The component's lifetime guard (pv_life.h), set statically; the
	 * ntv_* functions below then run inside it and answer PAPI_ENOEVNT
	 * once the component is shut down.  NULL: the caller guards. */
	struct pv_life *life;
	/* Fills the table on first use (enumeration, name lookup, code
	 * query) instead of at PAPI_library_init, so a program that never
	 * looks at the component's events does not pay for them; set
	 * statically, may be NULL.  Runs once per init_component, inside the
	 * guard.  0 or -errno (reported here; every lookup then fails). */
	int (*build)(struct pv_papi_events *ev);
	pthread_mutex_t build_lock; /* pv_papi_events_init sets it up */
	int built;                  /* 0, or 1 with build_rc valid */
	int build_rc;
};

int pv_papi_events_init(struct pv_papi_events *ev, papi_vector_t *vector,
			int (*resolve)(struct pv_papi_events *, const char *, unsigned *));
void pv_papi_events_fini(struct pv_papi_events *ev);

/* Runs ev->build once (if set and not run since pv_papi_events_init);
 * the ntv_* functions below call it themselves.  For callbacks that add to
 * the table outside them (a component's own enumeration step); call inside
 * the guard.  PAPI_OK or a PAPI error code. */
int pv_papi_events_ready(struct pv_papi_events *ev);

int pv_papi_enum_events(struct pv_papi_events *ev, unsigned *code, int modifier);
int pv_papi_name_to_code(struct pv_papi_events *ev, const char *name, unsigned *code);
int pv_papi_code_to_name(struct pv_papi_events *ev, unsigned code, char *name, int len);
int pv_papi_code_to_descr(struct pv_papi_events *ev, unsigned code, char *descr, int len);
int pv_papi_code_to_info(struct pv_papi_events *ev, unsigned code, PAPI_event_info_t *info);

/* -errno (or 0) -> PAPI error code, in one place. */
int pv_papi_errno(int neg_errno);

/* Marks the component disabled with a reason (one sentence naming the path,
 * value and cause) and returns PAPI_ECMP for init_component to return. */
int pv_papi_disable(papi_vector_t *vector, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Marks an active component partially disabled with a reason: PAPI 7.2's
 * papi_component_avail shows it under the component ("Partially disabled:
 * REASON").  PAPI 7.0 and 7.1 have no such field: there it does nothing, and
 * callers state the limit where every version shows it too (description). */
void pv_papi_partial(papi_vector_t *vector, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The status of a read callback whose source failed (papi_rc != PAPI_OK):
 * the first failure of a run is returned, so PAPI_read tells the caller;
 * later ones return PAPI_OK with the last values.  PAPI_stop reads before
 * it stops and gives up on a read error, leaving the EventSet RUNNING for
 * good (PAPI_cleanup_eventset then fails): after the reported failure, a
 * stop must get through.  *failed is the EventSet's flag; a good read
 * (papi_rc == PAPI_OK) clears it. */
int pv_papi_read_status(int *failed, int papi_rc);

/* Reports an error once, through PAPI's own channel (shown with
 * PAPI_VERBOSE=1 or PAPI_set_debug(PAPI_VERB_ECONT)), prefixed by the
 * component name. */
void pv_papi_error(const papi_vector_t *vector, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
