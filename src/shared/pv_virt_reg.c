/* The process-wide libvirt registry; see pv_virt_reg.h. */
#include "pv_virt_reg.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>


static pthread_mutex_t pv_virt_reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t pv_virt_reg_once = PTHREAD_ONCE_INIT;
static struct pv_virt *pv_virt_reg_ctx;
static unsigned int pv_virt_reg_claims;
static unsigned int pv_virt_reg_nclosed;
static struct pv_virt_reg_fork_hook pv_virt_reg_hook;

/* One handler for the registry and its user's hook, so the locks are
 * always taken in the order the code takes them: registry first. */
static void pv_virt_reg_prepare(void)
{
	pthread_mutex_lock(&pv_virt_reg_lock);
	if (pv_virt_reg_hook.prepare)
		pv_virt_reg_hook.prepare();
}

static void pv_virt_reg_parent(void)
{
	if (pv_virt_reg_hook.parent)
		pv_virt_reg_hook.parent();
	pthread_mutex_unlock(&pv_virt_reg_lock);
}

static void pv_virt_reg_child(void)
{
	/* This thread is the only one: a fresh lock is an unlocked copy of
	 * the one prepare took. */
	pthread_mutex_init(&pv_virt_reg_lock, NULL);
	if (pv_virt_reg_ctx)
		(void)pv_virt_after_fork(pv_virt_reg_ctx);
	if (pv_virt_reg_hook.child)
		pv_virt_reg_hook.child();
}

static void pv_virt_reg_atfork(void)
{
	pthread_atfork(pv_virt_reg_prepare, pv_virt_reg_parent, pv_virt_reg_child);
}

int pv_virt_reg_get(unsigned int user, struct pv_virt **ret)
{
	pthread_once(&pv_virt_reg_once, pv_virt_reg_atfork);
	pthread_mutex_lock(&pv_virt_reg_lock);
	if (!pv_virt_reg_ctx) {
		int rc = pv_virt_open(&pv_virt_reg_ctx);

		if (rc < 0) {
			pthread_mutex_unlock(&pv_virt_reg_lock);
			return rc;
		}
	}
	pv_virt_reg_claims |= user;
	*ret = pv_virt_reg_ctx;
	return 0;
}

void pv_virt_reg_unlock(void)
{
	pthread_mutex_unlock(&pv_virt_reg_lock);
}

void pv_virt_reg_release(unsigned int user, unsigned int close_timeout_ms)
{
	pthread_mutex_lock(&pv_virt_reg_lock);
	pv_virt_reg_claims &= ~user;
	if (!pv_virt_reg_claims && pv_virt_reg_ctx) {
		/* A worker stuck in a hung daemon finishes and frees the
		 * connection on its own (pv_virt.h): do not wait a full
		 * timeout for it. */
		pv_virt_set_timeout_ms(pv_virt_reg_ctx, close_timeout_ms);
		pv_virt_close(pv_virt_reg_ctx);
		pv_virt_reg_ctx = NULL;
		pv_virt_reg_nclosed++;
	}
	pthread_mutex_unlock(&pv_virt_reg_lock);
}

void pv_virt_reg_set_fork_hook(const struct pv_virt_reg_fork_hook *hook)
{
	pthread_once(&pv_virt_reg_once, pv_virt_reg_atfork);
	pthread_mutex_lock(&pv_virt_reg_lock);
	pv_virt_reg_hook = *hook;
	pthread_mutex_unlock(&pv_virt_reg_lock);
}

unsigned int pv_virt_reg_users(void)
{
	pthread_mutex_lock(&pv_virt_reg_lock);
	unsigned int u = pv_virt_reg_claims;
	pthread_mutex_unlock(&pv_virt_reg_lock);
	return u;
}

unsigned int pv_virt_reg_closes(void)
{
	pthread_mutex_lock(&pv_virt_reg_lock);
	unsigned int n = pv_virt_reg_nclosed;
	pthread_mutex_unlock(&pv_virt_reg_lock);
	return n;
}
