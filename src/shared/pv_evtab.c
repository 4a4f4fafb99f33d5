/* A component's native event table; see pv_evtab.h. */
#include "pv_evtab.h"

#include <errno.h>
#include <stdio.h>
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

/* Chunk of a code, and the code's index in it (see PV_EVTAB_CHUNK). */
static unsigned pv_evtab_chunk(unsigned code, unsigned *ret_index)
{
	unsigned q = code / PV_EVTAB_CHUNK + 1;
	unsigned k = 31u - (unsigned)__builtin_clz(q);

	*ret_index = code - PV_EVTAB_CHUNK * ((1u << k) - 1u);
	return k;
}

static struct pv_event *pv_evtab_slot(const struct pv_evtab *t, unsigned code)
{
	unsigned i, k = pv_evtab_chunk(code, &i);

	return &t->chunks[k][i];
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
	return pv_evtab_slot(t, code);
}

int pv_evtab_set_listed(struct pv_evtab *t, unsigned code, int listed)
{
	struct pv_event *e;

	if (code >= pv_evtab_count(t))
		return -ENOENT;
	e = pv_evtab_slot(t, code);
	__atomic_store_n(&e->listed, listed ? 1 : 0, __ATOMIC_RELAXED);
	return 0;
}

int pv_evtab_set_desc(struct pv_evtab *t, unsigned code, const char *desc)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&t->lock);
	if (code < t->count) {
		snprintf(pv_evtab_slot(t, code)->desc, PV_EV_DESC_MAX, "%s", desc);
		rc = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

static int pv_evtab_find_locked(struct pv_evtab *t, const char *name, unsigned *ret_code)
{
	for (unsigned i = 0; i < t->count; i++) {
		if (strcmp(pv_evtab_slot(t, i)->name, name) == 0) {
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
	unsigned code, chunk, index;
	int rc = 1;

	pthread_mutex_lock(&t->lock);
	if (pv_evtab_find_locked(t, ev->name, &code) == 0) {
		rc = 0;
		goto out;
	}
	code = t->count;
	chunk = pv_evtab_chunk(code, &index);
	if (chunk >= PV_EVTAB_MAX_CHUNKS) {
		rc = -ENOSPC;
		goto out;
	}
	if (!t->chunks[chunk]) {
		t->chunks[chunk] = calloc((size_t)PV_EVTAB_CHUNK << chunk, sizeof(struct pv_event));
		if (!t->chunks[chunk]) {
			rc = -ENOMEM;
			goto out;
		}
	}
	t->chunks[chunk][index] = *ev;
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
