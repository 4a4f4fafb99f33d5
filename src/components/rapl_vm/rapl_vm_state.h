/*
 * rapl_vm_state: saved original values of host controls, GEOPM-style.
 * PAPI-free, so the control utility's "restore" can use it without PAPI.
 *
 * Before a process first changes a control file, its original content is
 * appended (and fsync'ed) to the process's state file
 *     <dir>/rapl_vm-<pid>.state
 * which the process holds with an exclusive flock(2) for its lifetime.  The
 * originals are written back by rapl_state_restore() (PAPI_shutdown, process
 * exit), after which the file is removed.  When the process died without
 * restoring (SIGKILL), its lock is gone: rapl_state_restore_dead() (the
 * control utility's restore command) replays every such file.
 *
 * Ownership between processes (advisory, among papi-virt users): a control
 * file listed in a live process's state file belongs to that process until
 * it restores; another process trying to change it gets -EBUSY with the
 * owner's pid.  A control listed in a dead process's file also gives -EBUSY
 * ("run papi_vmctl restore") so that a stale original is never lost.
 * Checks and appends are serialised by flock on <dir>/.lock.
 *
 * Directory (struct pv_config's state_dir, given by the caller):
 * $PAPI_VIRT_STATE_DIR, else /run/papi-virt for root, else
 * $XDG_RUNTIME_DIR/papi-virt, else /tmp/papi-virt-<uid>.  Paths in the file
 * are absolute (the sysfs root in force when saved), so restore does not
 * depend on the environment.
 *
 * File format (text, one record per line, fields percent-encoded: every
 * byte outside 0x21..0x7e and '%' becomes %XX):
 *     papi-virt-rapl_vm-state 1
 *     pid <pid>
 *     save <KIND> <absolute-path> <original-content>
 */
#ifndef RAPL_VM_STATE_H
#define RAPL_VM_STATE_H

#include <stddef.h>
#include <stdio.h>

#define RAPL_STATE_MAX_ENTRIES 4096
#define RAPL_STATE_VALUE_MAX 256

struct rapl_state;

/* A handle for this process, its files in dir; nothing is created on disk
 * until the first save. */
int rapl_state_new(const char *dir, struct rapl_state **ret);

/* Restores (if this process saved anything) and frees. */
void rapl_state_free(struct rapl_state *st);

/* Saves the original content of the control file abs_path (kind names the
 * control, e.g. "CPU_GOVERNOR") unless already saved by this process.
 * -EBUSY (msg names the owner) when another process owns it, -errno
 * when the state cannot be written (then nothing must be changed). */
int rapl_state_save(struct rapl_state *st, const char *kind, const char *abs_path, char *msg, size_t len);

/* The original content saved for abs_path ("" and -ENOENT if none). */
int rapl_state_original(struct rapl_state *st, const char *abs_path, char *buf, size_t len);

/* Number of controls saved by this process. */
int rapl_state_count(struct rapl_state *st);

/* Writes every saved original back (controls in a safe order, twice if an
 * ordering constraint rejected a value the first time), then removes the
 * state file.  Only in the process that saved (a forked child does
 * nothing).  0, or the first error with msg; the state file is kept when a
 * value could not be restored. */
int rapl_state_restore(struct rapl_state *st, char *msg, size_t len);

/* Restores one state file whose owner is dead.  -EBUSY if it is alive.
 * Progress and problems go to report (may be NULL); the first error also
 * to msg. */
int rapl_state_restore_file(const char *path, FILE *report, char *msg, size_t len);

/* The restore command: every state file in dir whose owner
 * is dead.  *ret_restored / *ret_alive (may be NULL) count files restored
 * and files skipped because their owner is alive.  0 or the first error,
 * described in msg.
 *
 * Safety (the directory may be in /tmp, the files are data): the directory
 * must be this user's, not a symlink, not writable by others (-EPERM);
 * state files and .lock are opened without following symlinks and must be
 * this user's regular files; and each saved value is written only to the
 * file of its control kind under the sysfs root in force
 * (rapl_ctl_known_file), anything else is refused (-EPERM). */
int rapl_state_restore_dead(const char *dir, FILE *report, int *ret_restored, int *ret_alive, char *msg,
			    size_t len);

/* Percent-encoding used by the file (exposed for tests). */
int rapl_state_escape(const char *raw, char *buf, size_t len);
int rapl_state_unescape(const char *esc, char *buf, size_t len);

#endif
