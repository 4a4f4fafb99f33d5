/*
 * pv_life: a component's lifetime in the process, PAPI-free.
 *
 * PAPI calls shutdown_component from every thread that calls PAPI_shutdown,
 * and applications call it from exit paths: in several threads at once,
 * from an atexit handler while other threads are still inside PAPI_read,
 * or in a child after fork().  A component's shared state (event table,
 * open sources, saved controls) must then be freed exactly once and never
 * while a callback uses it.
 *
 * Every callback that touches the shared state runs between
 * pv_life_enter() (a read lock, only while the component is live) and
 * pv_life_leave().  init_component and shutdown_component run between
 * pv_life_begin() and pv_life_end() (the write lock): shutdown tears down
 * only when pv_life_live() says so, and ends not live, so a second or
 * concurrent shutdown does nothing and a callback that comes after it gets
 * -ENODEV instead of freed memory.  The lock prefers writers, so readers
 * in a loop cannot starve a shutdown; callbacks must not nest.
 *
 * fork(): the locks of every life are taken (as the writer) around fork,
 * so the child never inherits one held by a thread that does not exist
 * there; the child keeps the live state (PAPI programs go on using PAPI in
 * a child).
 */
#ifndef PV_LIFE_H
#define PV_LIFE_H

#include <pthread.h>

struct pv_life {
	pthread_rwlock_t rw;
	int live;       /* written under the write lock */
	int registered; /* in the fork list */
};

#define PV_LIFE_INITIALIZER { .rw = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP }

/* Read side: 0 with the lock held (the component is live), or -ENODEV
 * (not initialised, or shut down) without it. */
int pv_life_enter(struct pv_life *l);
void pv_life_leave(struct pv_life *l);

/* Write side, for init_component and shutdown_component. */
void pv_life_begin(struct pv_life *l);
int pv_life_live(const struct pv_life *l);
void pv_life_end(struct pv_life *l, int live);

/* init_component and shutdown_component in one call each: init(arg)
 * returns 0 on success (PAPI_OK), anything else leaves the component not
 * live after teardown() freed what init built.  teardown() runs only on a
 * live component (a repeated init tears the old state down first), under
 * the write lock. */
int pv_life_init(struct pv_life *l, int (*init)(int arg), void (*teardown)(void), int arg);
void pv_life_shutdown(struct pv_life *l, void (*teardown)(void));

#endif
