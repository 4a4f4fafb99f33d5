/* A component's lifetime guard; see pv_life.h. */
#include "pv_life.h"

#include <errno.h>

/* Every life that was ever initialised, for the fork handlers.  A handful
 * (one per component); the list only grows. */
#define PV_LIFE_MAX 16
static pthread_mutex_t pv_life_list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pv_life *pv_life_list[PV_LIFE_MAX];
static int pv_life_count;
static pthread_once_t pv_life_fork_once = PTHREAD_ONCE_INIT;

/* Before fork: no callback or shutdown is half-way in any life (the list
 * lock first, then the lives in registration order, as always). */
static void pv_life_prepare(void)
{
	pthread_mutex_lock(&pv_life_list_lock);
	for (int i = 0; i < pv_life_count; i++)
		pthread_rwlock_wrlock(&pv_life_list[i]->rw);
}

static void pv_life_parent(void)
{
	for (int i = pv_life_count - 1; i >= 0; i--)
		pthread_rwlock_unlock(&pv_life_list[i]->rw);
	pthread_mutex_unlock(&pv_life_list_lock);
}

/* The child's only thread is not the one that took the locks: start them
 * afresh rather than unlock a lock another thread id holds. */
static void pv_life_child(void)
{
	pthread_rwlockattr_t a;

	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (int i = 0; i < pv_life_count; i++)
		pthread_rwlock_init(&pv_life_list[i]->rw, &a);
	pthread_rwlockattr_destroy(&a);
	pthread_mutex_init(&pv_life_list_lock, NULL);
}

/* Lock order: a life is taken before any lock a callback takes inside it
 * (the libvirt registry, pv_virt_reg), so its prepare handler must run
 * before theirs.  fork runs prepare handlers in reverse order of
 * registration: the registry's is registered by vmpower's init, the first
 * component PAPI initialises; a life registers at its own init, later. */
static void pv_life_fork_setup(void)
{
	/* glibc removes these handlers when libpapi is dlclose'd. */
	pthread_atfork(pv_life_prepare, pv_life_parent, pv_life_child);
}

/* Without l's lock: the fork handlers take the list lock first. */
static void pv_life_register(struct pv_life *l)
{
	pthread_once(&pv_life_fork_once, pv_life_fork_setup);
	pthread_mutex_lock(&pv_life_list_lock);
	if (!l->registered && pv_life_count < PV_LIFE_MAX) {
		pv_life_list[pv_life_count++] = l;
		l->registered = 1;
	}
	pthread_mutex_unlock(&pv_life_list_lock);
}

int pv_life_enter(struct pv_life *l)
{
	pthread_rwlock_rdlock(&l->rw);
	if (l->live)
		return 0;
	pthread_rwlock_unlock(&l->rw);
	return -ENODEV;
}

void pv_life_leave(struct pv_life *l)
{
	pthread_rwlock_unlock(&l->rw);
}

void pv_life_begin(struct pv_life *l)
{
	pv_life_register(l);
	pthread_rwlock_wrlock(&l->rw);
}

int pv_life_live(const struct pv_life *l)
{
	return l->live;
}

void pv_life_end(struct pv_life *l, int live)
{
	l->live = live ? 1 : 0;
	pthread_rwlock_unlock(&l->rw);
}

int pv_life_init(struct pv_life *l, int (*init)(int arg), void (*teardown)(void), int arg)
{
	int rc;

	pv_life_begin(l);
	if (l->live)
		teardown();
	rc = init(arg);
	if (rc != 0)
		teardown();
	pv_life_end(l, rc == 0);
	return rc;
}

void pv_life_shutdown(struct pv_life *l, void (*teardown)(void))
{
	pv_life_begin(l);
	if (l->live)
		teardown();
	pv_life_end(l, 0);
}
