/*
 * pv_fs: every read (and control write) of /proc and /sys in papi-virt goes
 * through here, relative to a root that tests can move.
 *
 *   PAPI_VIRT_PROCFS  root of procfs (default "/proc")
 *   PAPI_VIRT_SYSFS   root of sysfs  (default "/sys")
 *   PAPI_VIRT_BOOTFS  root of /boot  (default "/boot": kernel configs)
 *
 * Paths given to these functions are relative to the root ("stat",
 * "class/powercap/intel-rapl:0/energy_uj"); a leading '/' is tolerated.
 * Results are 0 or a negative errno; "absent" is always -ENOENT (the file or a
 * directory on its path does not exist), anything else is a failure.  Output
 * parameters (ret_*) are left untouched on failure.  Nothing here logs:
 * callers turn errors into one message with pv_fs_describe().
 */
#ifndef PV_FS_H
#define PV_FS_H

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pv_parse.h" /* the strict number parsers pv_fs readers use */

enum pv_fs_kind {
	PV_PROC = 0,
	PV_SYS = 1,
	PV_BOOT = 2,
};

/* The root in force for kind: the environment variable or the default,
 * read once (pv_config.h; a test that changes the variable between cases
 * calls pv_config_reset()). */
const char *pv_fs_root(enum pv_fs_kind kind);

/* Builds "<root>/<rel>" into buf.  -ENAMETOOLONG if it does not fit. */
int pv_fs_path(enum pv_fs_kind kind, const char *rel, char *buf, size_t len);

/* printf-style relative path, then as pv_fs_path. */
int pv_fs_pathf(enum pv_fs_kind kind, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* What a reader gets for a FIFO, socket or device where a /proc or /sys
 * file was expected (PAPI_VIRT_PROCFS/SYSFS can point anywhere): refused
 * before any read, which could block forever.  pv_fs_describe() says "not a
 * regular file". */
#define PV_ENOTREG EMEDIUMTYPE

/* open(2) of a root-relative path: fd >= 0 or -errno.  As pv_fs_open_path. */
int pv_fs_open(enum pv_fs_kind kind, const char *rel, int flags);

/* open(2) of an absolute path for reading or writing a file: O_CLOEXEC and
 * O_NONBLOCK are added (opening a FIFO never waits for a peer) and anything
 * but a regular file is -PV_ENOTREG.  With O_DIRECTORY in flags, a plain
 * open of a directory. */
int pv_fs_open_path(const char *path, int flags);

/* opendir(3) of a root-relative path; NULL with errno set on failure. */
DIR *pv_fs_opendir(enum pv_fs_kind kind, const char *rel);

/* fopen(3) of a root-relative path ("re" mode added); NULL + errno. */
FILE *pv_fs_fopen(enum pv_fs_kind kind, const char *rel, const char *mode);

/* Reads a whole (small) file into buf, NUL-terminated.  -EFBIG when the
 * content does not fit in len-1 bytes.  *ret_len (may be NULL) = bytes read. */
int pv_fs_read(enum pv_fs_kind kind, const char *rel, char *buf, size_t len, size_t *ret_len);

/* The one reader of a whole file of unknown size: reads to EOF (procfs
 * files report size 0) into a malloc'd, NUL-terminated buffer that grows
 * as needed, at most max bytes: the rest is left unread (QEMU's -uuid comes
 * early in a long cmdline; a caller that must refuse a longer file asks
 * for max + 1 and compares *ret_len).  A process
 * that exits while its /proc/PID entry is read gives -ENOENT (not ESRCH).
 * On success *ret (free it) and *ret_len (may be NULL) are set. */
int pv_fs_read_all(enum pv_fs_kind kind, const char *rel, size_t max, char **ret, size_t *ret_len);
/* The same for an absolute path (a file named by the user, a saved path). */
int pv_fs_read_all_path(const char *path, size_t max, char **ret, size_t *ret_len);

/* pv_fs_pread_all into a buffer that grows (x4) while the text fills it, up
 * to max bytes: for a kept-open procfs file whose size follows the machine
 * (/proc/stat grows with CPUs and IRQs).  buf and cap are the caller's buffer
 * (may start NULL/0) and keep their growth for the next call. */
int pv_fs_pread_grow(int fd, char **buf, size_t *cap, size_t max, size_t *ret_len);

/* Re-reads an already open file with ONE pread at offset 0, NUL-terminated:
 * the fast path for files read at every PAPI_read (procfs seq files and
 * sysfs attributes return their whole text at once).  -EFBIG when the
 * text filled buf (grow it and retry). */
int pv_fs_pread_all(int fd, char *buf, size_t len, size_t *ret_len);

/* First line of a file without its trailing newline. */
int pv_fs_read_line(enum pv_fs_kind kind, const char *rel, char *buf, size_t len);

/* A file holding one number (trailing whitespace/newline allowed). */
int pv_fs_read_u64(enum pv_fs_kind kind, const char *rel, uint64_t *ret);
int pv_fs_read_s64(enum pv_fs_kind kind, const char *rel, int64_t *ret);
int pv_fs_pread_u64(int fd, uint64_t *ret);

/* Writes s to an existing file (no O_CREAT, no O_APPEND), as sysfs expects:
 * one write(2) call; a short write is -EIO.  For controls. */
int pv_fs_write_str(enum pv_fs_kind kind, const char *rel, const char *s);

/* The same write for a path that is already absolute (a saved-state file
 * records the full paths it changed, under whatever root was in force). */
int pv_fs_write_path(const char *path, const char *s);

/* As pv_fs_write_path with extra open(2) flags: O_NOFOLLOW for a path that
 * came from data (a saved-state file), so a symbolic link put in place of
 * the control file is refused (-ELOOP), not followed. */
int pv_fs_write_path_flags(const char *path, const char *s, int flags);

/* 1 if the root-relative path exists, 0 if absent, -errno if it cannot be
 * told (e.g. -EACCES on a parent directory). */
int pv_fs_exists(enum pv_fs_kind kind, const char *rel);

/* One sentence describing a failure: "<root>/<rel>: <reason>" into buf,
 * where reason is strerror(-err) or "malformed content" for -EINVAL,
 * "file too large" for -EFBIG.  Returns buf. */
const char *pv_fs_describe(enum pv_fs_kind kind, const char *rel, int err, char *buf, size_t len);

#endif
