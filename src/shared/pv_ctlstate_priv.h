/*
 * Internals shared by the pv_ctlstate_*.c modules; nothing else includes
 * this.  The public interface is pv_ctlstate.h.
 */
#ifndef PV_CTLSTATE_PRIV_H
#define PV_CTLSTATE_PRIV_H

#include "pv_ctlstate.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/types.h>

#define PV_CTLSTATE_MAGIC "papi-virt-rapl_vm-state 1"

/* This process's handle (pv_ctlstate_save.c). */
struct pv_ctlstate {
	pthread_mutex_t lock;
	char dir[PATH_MAX];
	char file[PATH_MAX];
	pid_t owner;
	int fd; /* the state file, flock'ed LOCK_EX; -1 until the first save */
	int n;
	struct pv_ctlstate_entry *e;
};

/* ---- the file format (pv_ctlstate_file.c) ---- */

/* A state file as read back. */
struct pv_ctlstate_file {
	pid_t pid;
	int n;
	struct pv_ctlstate_entry *e;
};

/* Parses an open state file from its start.  -EINVAL when the magic line
 * is missing; truncated or unknown lines are skipped. */
int pv_ctlstate_file_read(int fd, struct pv_ctlstate_file *ret);
void pv_ctlstate_file_free(struct pv_ctlstate_file *f);

/* 1 if a directory entry's name is a state file's ("rapl_vm-*.state"). */
int pv_ctlstate_file_is_name(const char *name);

/* Writes the magic and pid lines to a new, empty state file. */
int pv_ctlstate_file_start(int fd, pid_t pid);

/* Appends one "save" record and fsyncs: durable before the control
 * changes, so a SIGKILL right after the write still finds the original. */
int pv_ctlstate_file_append(int fd, const char *kind, const char *path, const char *orig);

/* ---- the directory and its files (pv_ctlstate_dir.c) ---- */

/* The state directory holds files whose content restore writes back: it
 * must be this user's alone (-EPERM/-ENOTDIR with msg otherwise). */
int pv_ctlstate_check_dir(const char *dir, char *msg, size_t len);

/* open(2) of a file in the state directory: never through a symlink,
 * never a FIFO, and this user's own.  fd or -errno with msg. */
int pv_ctlstate_open_own(const char *path, int flags, char *msg, size_t len);

/* ---- locks (pv_ctlstate_lock.c) ---- */

/* Creates the directory if needed, checks it, and holds <dir>/.lock
 * exclusively: fd to give to pv_ctlstate_unlock_dir, or -errno with msg. */
int pv_ctlstate_lock_dir(const char *dir, char *msg, size_t len);
void pv_ctlstate_unlock_dir(int fd);

/* Opens a state file and takes its lock without waiting: -EBUSY when its
 * owner is alive (holds the lock). */
int pv_ctlstate_trylock_file(const char *path, int *ret_fd, char *msg, size_t len);

/* ---- the control files themselves (pv_ctlstate_control.c) ---- */

/* The whole content of a control file (absolute path, through pv_fs: a
 * FIFO or device is refused) into buf; extra open flags (O_NOFOLLOW). */
int pv_ctlstate_read_control(const char *path, int flags, char *buf, size_t len);

/* Writes the originals e[0..n) back; see pv_ctlstate_restore(). */
int pv_ctlstate_restore_entries(struct pv_ctlstate_entry *e, int n, FILE *report, char *msg, size_t len);

#endif
