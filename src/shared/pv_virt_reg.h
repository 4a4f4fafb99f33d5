/*
 * pv_virt_reg: the process-wide libvirt registry shared by vmpower and
 * steal's host events.  One pv_virt context (so one connection, one
 * PAPI_VIRT_TIMEOUT_MS and one record per VM: the same domain seen by both
 * components is the same record, with the same id), created on the first
 * pv_virt_reg_get() and closed when the last user releases it.
 *
 * Users are bits (PV_VIRT_REG_*): a component claims its bit when it first
 * needs the registry and releases it at its shutdown.  Releasing is
 * idempotent and thread-safe: PAPI_shutdown running in several threads at
 * once (or again from an atexit handler) closes the context exactly once;
 * the registry lock itself is static and never destroyed, so a late caller
 * only waits for it.
 *
 * Fork: a child keeps the records but never uses the parent's connection
 * (pv_virt_after_fork); the lock is held across fork() so the child sees no
 * half-applied refresh (a fork may then wait for an ongoing refresh, at most
 * the libvirt timeout).
 *
 * Configuration (pv_config.h), taken when the context is created:
 *   PAPI_VIRT_TIMEOUT_MS  bound on one libvirt exchange, 1..3600000 ms.
 * Creating the context makes no connection, thread or libvirt call.
 */
#ifndef PV_VIRT_REG_H
#define PV_VIRT_REG_H

#include "pv_virt.h"

#define PV_VIRT_REG_VMPOWER 1u
#define PV_VIRT_REG_STEAL   2u

/*
 * Locks the registry, claims it for user and returns the context (created
 * if needed) in *ret.  0, or -ENOMEM (then the registry is NOT locked).
 * Every successful call is paired with pv_virt_reg_unlock(); the context
 * may only be used between the two.
 */
int pv_virt_reg_get(unsigned int user, struct pv_virt **ret);
void pv_virt_reg_unlock(void);

/* Drops user's claim; the last claim closes the context (bounded by
 * close_timeout_ms for a hung daemon).  Safe to call any number of times,
 * from any thread, and without a prior get. */
void pv_virt_reg_release(unsigned int user, unsigned int close_timeout_ms);

/* A user's own locks to hold across fork(), taken after the registry's
 * (the order of the code: registry, then the user's lock) and released
 * before it; child runs in the child after the registry was made safe.
 * One hook (vmpower's engine); set again to replace it. */
struct pv_virt_reg_fork_hook {
	void (*prepare)(void);
	void (*parent)(void);
	void (*child)(void);
};
void pv_virt_reg_set_fork_hook(const struct pv_virt_reg_fork_hook *hook);

/* Users holding a claim (bits), and contexts closed so far (tests). */
unsigned int pv_virt_reg_users(void);
unsigned int pv_virt_reg_closes(void);

#endif
