/*
 * pv_virt: which VMs run on this host, and where the host sees them.
 *
 * A context lists the running libvirt domains (read-only connection) and
 * resolves each one, through procfs (pv_fs.h, so fixtures work), to its QEMU
 * process, its vCPU threads and its cgroup v2 directory.  Components keep
 * per-VM state keyed by the record's id (or pointer): a record is never
 * reused for another VM.
 *
 * Configuration (read by pv_virt_open):
 *   PAPI_VIRT_URI        libvirt URI; else LIBVIRT_DEFAULT_URI; else
 *                        "qemu:///system".
 *   PAPI_VIRT_LIBVIRT    the libvirt library to dlopen (pv_virt_lib.h), on
 *                        the first refresh only.
 *
 * Cost model: libvirt is asked ONLY by pv_virt_refresh() (and
 * pv_virt_lookup_name() on a miss).  Call it at PAPI_start or on an unknown
 * name, never on the read path.  The read path uses pv_virt_vm_alive() (one
 * small procfs read) and the tids/cgroup recorded here.
 *
 * Time bound: every libvirt exchange runs in a worker thread; a call that
 * does not finish within the context's timeout (PAPI_VIRT_TIMEOUT_MS,
 * pv_virt_set_timeout_ms) returns -ETIMEDOUT and leaves the worker to finish
 * on its own (a hung daemon cannot hang the host application).
 *
 * Daemon restarts: a dead connection (virConnectIsAlive, or a call failing)
 * is closed and reopened once per refresh; pv_virt_reconnects() counts it.
 * A failed refresh changes no record: VMs are not declared gone because the
 * daemon is away.
 *
 * libvirt errors: libvirt's default printing to stderr is silenced once per
 * process (virSetErrorFunc with a no-op handler); the message of the last
 * failure is kept in the context (pv_virt_last_error()).
 *
 * Threads: a context is not thread-safe; callers serialise calls on it.
 * Records are only modified by pv_virt_refresh/pv_virt_apply (their
 * vcpus/others arrays may be replaced when the thread set changes) and freed
 * by pv_virt_forget_gone/pv_virt_close.
 *
 * Errors are negative errno values; nothing here prints.
 */
#ifndef PV_VIRT_H
#define PV_VIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pv_virt_types.h"

struct pv_virt_vm {
	uint64_t id;                    /* 1, 2, ... unique in the context, never reused */
	char *name;                     /* raw UTF-8 as libvirt gives it, any characters */
	char uuid[PV_VIRT_UUID_STRLEN]; /* lower-case textual UUID */
	int domid;                      /* libvirt domain id (changes on every start) */
	pid_t pid;                      /* QEMU main process; 0 if not found in procfs */
	uint64_t start_time;            /* field 22 of <pid>/stat; with pid, the identity */
	struct pv_virt_vcpu *vcpus;     /* sorted by index */
	size_t n_vcpus;
	struct pv_virt_thread *others;  /* sorted by tid */
	size_t n_others;
	char *cgroup;                   /* VM's cgroup v2 path ("/machine/qemu-3-a.libvirt-qemu"),
	                                   NULL when the process is in no v2 hierarchy */
	char *cgroup_dir;               /* the same directory relative to the sysfs root
	                                   ("fs/cgroup/unified/machine/..."), for pv_fs with
	                                   PV_SYS; NULL when unknown or not under /sys */
	bool gone;                      /* no longer running (seen by a refresh) */
};

/* What a refresh changed.  live = records not gone afterwards. */
struct pv_virt_changes {
	size_t added;
	size_t gone;
	size_t live;
};

struct pv_virt;

/* Creates a context (URI from the environment).  Does not connect: the
 * first pv_virt_refresh does.  -ENOMEM only. */
int pv_virt_open(struct pv_virt **ret);

/* Frees the context and every record.  Safe with NULL.  A worker still stuck
 * in libvirt finishes and frees the connection on its own. */
void pv_virt_close(struct pv_virt *v);

const char *pv_virt_uri(const struct pv_virt *v);

/* Upper bound for one libvirt exchange (connect + list), in ms (>= 1). */
void pv_virt_set_timeout_ms(struct pv_virt *v, unsigned int ms);
unsigned int pv_virt_timeout_ms(const struct pv_virt *v);

/*
 * Asks libvirt for the running domains (reconnecting if needed), then
 * resolves them through procfs (as pv_virt_apply).  0 on success; on failure
 * no record changes and pv_virt_last_error() says why:
 *   -ELIBACC       libvirt cannot be loaded (pv_virt_lib.h: no libvirt0,
 *                  or PAPI_VIRT_LIBVIRT names a missing/unusable library)
 *   -ETIMEDOUT     the daemon did not answer within the timeout
 *   -ECONNREFUSED  cannot connect (no daemon, no socket, refused)
 *   -EIO           connected, but a call failed twice (after a reconnect)
 *   -ENOMEM
 * ret_changes may be NULL.
 */
int pv_virt_refresh(struct pv_virt *v, struct pv_virt_changes *ret_changes);

/* A domain as libvirt lists it (input of pv_virt_apply). */
struct pv_virt_dom {
	const char *name;
	const char *uuid;       /* textual, any case */
	int domid;
};

/*
 * The procfs half of a refresh, public so tests (fixtures) and callers with
 * their own domain list can use it: doms is the complete set of running
 * domains.  A record matches a domain when the UUID, the QEMU pid and its
 * start time are the same (UUID and domid when no process was found);
 * otherwise a new record is made.  Records not matched become gone.
 * 0, -EINVAL (a UUID that is not 36 characters of hex and dashes, or no
 * name) or -ENOMEM; on failure nothing changed.
 */
int pv_virt_apply(struct pv_virt *v, const struct pv_virt_dom *doms, size_t n,
		  struct pv_virt_changes *ret_changes);

/* Message of the last failed refresh/apply, "" when the last one succeeded. */
const char *pv_virt_last_error(const struct pv_virt *v);

/* Successful reconnections after a lost connection (daemon restarts). */
unsigned int pv_virt_reconnects(const struct pv_virt *v);

/* Every record, live and gone, in creation order (i < pv_virt_count). */
size_t pv_virt_count(const struct pv_virt *v);
const struct pv_virt_vm *pv_virt_at(const struct pv_virt *v, size_t i);

/* Live record with this exact name (bytes compared) / UUID (any case);
 * NULL when none.  No libvirt call. */
const struct pv_virt_vm *pv_virt_find_name(const struct pv_virt *v, const char *name);
const struct pv_virt_vm *pv_virt_find_uuid(const struct pv_virt *v, const char *uuid);
/* Record with this id, live or gone (until forgotten); NULL when none. */
const struct pv_virt_vm *pv_virt_find_id(const struct pv_virt *v, uint64_t id);

/* find_name; on a miss, one refresh and find_name again.  0 and *ret set,
 * -ENOENT when no running domain has that name, or the refresh error. */
int pv_virt_lookup_name(struct pv_virt *v, const char *name, const struct pv_virt_vm **ret);

/* In a child after fork(): the parent's connection (its socket, its
 * worker threads, which do not exist here) is abandoned, never closed (a
 * close would talk on the parent's socket); the next refresh connects
 * afresh.  Records are kept.  -ENOMEM leaves the context without a link:
 * refresh then retries to make one. */
int pv_virt_after_fork(struct pv_virt *v);

/* Frees gone records (their pointers and ids become invalid). */
void pv_virt_forget_gone(struct pv_virt *v);

/*
 * Read-path liveness: 1 when vm->pid still runs with the same start time,
 * 0 when it is gone (no such pid, or a new process reusing it), or -errno
 * when procfs cannot tell.  One read of <pid>/stat; no libvirt call, no
 * change to the record.  A record without a pid (pid 0) gives -ENOENT.
 */
int pv_virt_vm_alive(const struct pv_virt_vm *vm);

#endif
