/*
 * pv_evtab: a component's native event table, PAPI-free.
 *
 * Entries are never moved or removed once added, so a code (the entry's
 * index) and a pointer to an entry stay valid until pv_evtab_destroy: PAPI
 * keeps codes for the life of the process, and events may be created on
 * demand (a VM started after PAPI_library_init) from any thread.  Adding
 * and finding take the table's mutex; pv_evtab_get is lock-free.
 */
#ifndef PV_EVTAB_H
#define PV_EVTAB_H

#include <pthread.h>
#include <stdint.h>

enum pv_dtype { PV_U64 = 0, PV_S64, PV_F64 };

enum pv_vtype {
	PV_COUNTER = 0, /* grows; PAPI reports the change since PAPI_start */
	PV_GAUGE,       /* an instantaneous value (use "=instant" in the HL API) */
};

#define PV_EV_NAME_MAX 128  /* = PAPI_MAX_STR_LEN, without "comp:::" */
#define PV_EV_DESC_MAX 1024 /* = PAPI_HUGE_STR_LEN */
#define PV_EV_UNITS_MAX 64  /* = PAPI_MIN_STR_LEN */
#define PV_EV_KEY_MAX 256

struct pv_event {
	char name[PV_EV_NAME_MAX];  /* canonical name, no "comp:::" prefix */
	char desc[PV_EV_DESC_MAX];
	char units[PV_EV_UNITS_MAX];
	enum pv_dtype dtype;
	enum pv_vtype vtype;
	int base;        /* code of the unqualified base event; -1 for a base */
	int listed;      /* 1: shown by enumeration (papi_native_avail) */
	/* Component-defined payload: what the component needs to read it. */
	int kind;
	int arg[3];
	char key[PV_EV_KEY_MAX];
};

/* Chunk k holds PV_EVTAB_CHUNK << k events, allocated when the first of
 * them is added: a few pointers cover a large table, so the struct (in
 * every component's static data, set up at PAPI_library_init) stays small.
 * 13 chunks: 256 x (2^13 - 1) = 2,096,896 events. */
#define PV_EVTAB_CHUNK 256
#define PV_EVTAB_MAX_CHUNKS 13

struct pv_evtab {
	pthread_mutex_t lock;
	unsigned count;
	struct pv_event *chunks[PV_EVTAB_MAX_CHUNKS];
};

int pv_evtab_init(struct pv_evtab *t);
void pv_evtab_destroy(struct pv_evtab *t);

/* Adds ev (copied) unless an event of that name exists; either way *ret_code
 * is the code of the event with that name.  Returns 1 when added, 0 when it
 * existed, -ENOMEM / -ENOSPC on failure. */
int pv_evtab_add(struct pv_evtab *t, const struct pv_event *ev, unsigned *ret_code);

/* -ENOENT when no event has this canonical name. */
int pv_evtab_find(struct pv_evtab *t, const char *name, unsigned *ret_code);

/* NULL when code is out of range. */
const struct pv_event *pv_evtab_get(const struct pv_evtab *t, unsigned code);

unsigned pv_evtab_count(const struct pv_evtab *t);

/* Shows or hides an event in enumeration (a VM that is gone stops being
 * listed by papi_native_avail) without invalidating its code: an EventSet
 * that holds it keeps reading it.  -ENOENT for an unknown code. */
int pv_evtab_set_listed(struct pv_evtab *t, unsigned code, int listed);

/* Replaces an event's description (a detail found out after the event was
 * added).  Readers of descriptions must be ordered after it by the caller;
 * other fields may be read meanwhile.  -ENOENT for an unknown code. */
int pv_evtab_set_desc(struct pv_evtab *t, unsigned code, const char *desc);

/* Enumeration order for papi_native_avail: next listed base event after
 * code (or the first when code < 0); next listed instance of base after
 * code (or the first instance when code < 0).  -ENOENT at the end. */
int pv_evtab_next_base(const struct pv_evtab *t, int code, unsigned *ret_code);
int pv_evtab_next_instance(const struct pv_evtab *t, unsigned base, int code, unsigned *ret_code);

#endif
