/*
 * pv_ctlstate: saved original values of host controls, GEOPM-style.
 * PAPI-free and free of any component, so the control utility's "restore"
 * (papi_vmctl) uses it as part of the helper library (pv_helpers.h) while
 * rapl_vm's controls (rapl_vm_ctl) save through it.
 *
 * Before a process first changes a control file, its original content is
 * appended (and fsync'ed) to the process's state file
 *     <dir>/rapl_vm-<pid>.state
 * which the process holds with an exclusive flock(2) for its lifetime.  The
 * originals are written back by pv_ctlstate_restore() (PAPI_shutdown,
 * process exit), after which the file is removed.  When the process died
 * without restoring (SIGKILL), its lock is gone: pv_ctlstate_restore_dead()
 * (the control utility's restore command) replays every such file.
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
 *
 * The jobs live in one file each: pv_ctlstate_dir.c (where the directory is,
 * and which directory and files in it are safe to use), pv_ctlstate_lock.c
 * (the directory and state-file locks), pv_ctlstate_file.c (the file
 * format: encoding, parsing, appending), pv_ctlstate_save.c (this process's
 * handle: save, originals, ownership) and pv_ctlstate_restore.c (writing
 * originals back).
 */
#ifndef PV_CTLSTATE_H
#define PV_CTLSTATE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define PV_CTLSTATE_MAX_ENTRIES 4096
#define PV_CTLSTATE_VALUE_MAX 256

struct pv_ctlstate;

/* One saved original: the control's kind (pv_ctl event base name), its
 * absolute path, and its content before the first change. */
struct pv_ctlstate_entry {
	char kind[32];
	char path[PATH_MAX];
	char orig[PV_CTLSTATE_VALUE_MAX];
};

/* A handle for this process, its files in dir (struct pv_config's
 * state_dir, given by the caller); nothing is created on disk until the
 * first save. */
int pv_ctlstate_new(const char *dir, struct pv_ctlstate **ret);

/* Restores (if this process saved anything) and frees. */
void pv_ctlstate_free(struct pv_ctlstate *st);

/* Saves the original content of the control file abs_path (kind names the
 * control, e.g. "CPU_GOVERNOR") unless already saved by this process.
 * -EBUSY (msg names the owner) when another process owns it, -errno
 * when the state cannot be written (then nothing must be changed). */
int pv_ctlstate_save(struct pv_ctlstate *st, const char *kind, const char *abs_path, char *msg, size_t len);

/* The original content saved for abs_path ("" and -ENOENT if none). */
int pv_ctlstate_original(struct pv_ctlstate *st, const char *abs_path, char *buf, size_t len);

/* Number of controls saved by this process. */
int pv_ctlstate_count(struct pv_ctlstate *st);

/* Writes every saved original back (controls in pv_ctl's write order, twice
 * if an ordering constraint rejected a value the first time), then removes
 * the state file.  Only in the process that saved (a forked child does
 * nothing).  0, or the first error with msg; the state file is kept when a
 * value could not be restored. */
int pv_ctlstate_restore(struct pv_ctlstate *st, char *msg, size_t len);

/* Restores one state file whose owner is dead.  -EBUSY if it is alive.
 * Progress and problems go to report (may be NULL); the first error also
 * to msg. */
int pv_ctlstate_restore_file(const char *path, FILE *report, char *msg, size_t len);

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
 * (pv_ctl_known_file), never through a symbolic link, anything else is
 * refused (-EPERM). */
int pv_ctlstate_restore_dead(const char *dir, FILE *report, int *ret_restored, int *ret_alive, char *msg,
			     size_t len);

/* Percent-encoding used by the file (exposed for tests and the fuzzer). */
int pv_ctlstate_escape(const char *raw, char *buf, size_t len);
int pv_ctlstate_unescape(const char *esc, char *buf, size_t len);

/* One line of a state file after the magic line, without its newline:
 * PV_CTLSTATE_LINE_PID ("pid N": *ret_pid set), PV_CTLSTATE_LINE_SAVE
 * ("save KIND PATH VALUE": *ret filled, decoded) or PV_CTLSTATE_LINE_OTHER
 * (anything else, skipped by readers: a state file is data).  Output
 * parameters are untouched unless their kind of line was recognised.
 * Exposed for tests and the fuzzer. */
enum pv_ctlstate_line { PV_CTLSTATE_LINE_OTHER = 0, PV_CTLSTATE_LINE_PID, PV_CTLSTATE_LINE_SAVE };
enum pv_ctlstate_line pv_ctlstate_parse_line(const char *line, pid_t *ret_pid, struct pv_ctlstate_entry *ret);

#endif
