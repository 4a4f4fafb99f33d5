/* A component's native event table; see pv_evtab.h. */
#include "pv_evtab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pv_evtab_init(struct pv_evtab *t)
{
	memset(t, 0, sizeof(*t));
	return -pthread_mutex_init(&t->lock, NULL);
}

void pv_evtab_destroy(struct pv_evtab *t)
{
	for (unsigned i = 0; i < PV_EVTAB_MAX_CHUNKS && t->chunks[i]; i++)
		free(t->chunks[i]);
	pthread_mutex_destroy(&t->lock);
	memset(t, 0, sizeof(*t));
}

unsigned pv_evtab_count(const struct pv_evtab *t)
{
	/* Pairs with the release store in pv_evtab_add: an entry is complete
	 * before it is counted, so readers need no lock. */
	return __atomic_load_n(&t->count, __ATOMIC_ACQUIRE);
}

const struct pv_event *pv_evtab_get(const struct pv_evtab *t, unsigned code)
{
	if (code >= pv_evtab_count(t))
		return NULL;
	return &t->chunks[code / PV_EVTAB_CHUNK][code % PV_EVTAB_CHUNK];
}

int pv_evtab_set_listed(struct pv_evtab *t, unsigned code, int listed)
{
	struct pv_event *e;

	if (code >= pv_evtab_count(t))
		return -ENOENT;
	e = &t->chunks[code / PV_EVTAB_CHUNK][code % PV_EVTAB_CHUNK];
	__atomic_store_n(&e->listed, listed ? 1 : 0, __ATOMIC_RELAXED);
	return 0;
}

static int pv_evtab_find_locked(struct pv_evtab *t, const char *name, unsigned *ret_code)
{
	for (unsigned i = 0; i < t->count; i++) {
		if (strcmp(t->chunks[i / PV_EVTAB_CHUNK][i % PV_EVTAB_CHUNK].name, name) == 0) {
			*ret_code = i;
			return 0;
		}
	}
	return -ENOENT;
}

int pv_evtab_find(struct pv_evtab *t, const char *name, unsigned *ret_code)
{
	int rc;

	pthread_mutex_lock(&t->lock);
	rc = pv_evtab_find_locked(t, name, ret_code);
	pthread_mutex_unlock(&t->lock);
	return rc;
}

int pv_evtab_add(struct pv_evtab *t, const struct pv_event *ev, unsigned *ret_code)
{
	unsigned code, chunk;
	int rc = 1;

	pthread_mutex_lock(&t->lock);
	if (pv_evtab_find_locked(t, ev->name, &code) == 0) {
		rc = 0;
		goto out;
	}
	code = t->count;
	chunk = code / PV_EVTAB_CHUNK;
	if (chunk >= PV_EVTAB_MAX_CHUNKS) {
		rc = -ENOSPC;
		goto out;
	}
	if (!t->chunks[chunk]) {
		t->chunks[chunk] = calloc(PV_EVTAB_CHUNK, sizeof(struct pv_event));
		if (!t->chunks[chunk]) {
			rc = -ENOMEM;
			goto out;
		}
	}
	t->chunks[chunk][code % PV_EVTAB_CHUNK] = *ev;
	__atomic_store_n(&t->count, code + 1, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&t->lock);
	if (rc >= 0)
		*ret_code = code;
	return rc;
}

int pv_evtab_next_base(const struct pv_evtab *t, int code, unsigned *ret_code)
{
	unsigned n = pv_evtab_count(t);

	for (unsigned i = code < 0 ? 0 : (unsigned)code + 1; i < n; i++) {
		const struct pv_event *e = pv_evtab_get(t, i);

		if (e->base < 0 && e->listed) {
			*ret_code = i;
			return 0;
		}
	}
	return -ENOENT;
}

int pv_evtab_next_instance(const struct pv_evtab *t, unsigned base, int code, unsigned *ret_code)
{
	unsigned n = pv_evtab_count(t);

	for (unsigned i = code < 0 ? 0 : (unsigned)code + 1; i < n; i++) {
		const struct pv_event *e = pv_evtab_get(t, i);

		if (e->base == (int)base && e->listed) {
			*ret_code = i;
			return 0;
		}
	}
	return -ENOENT;
}
