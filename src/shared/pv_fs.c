/* Root-relative /proc and /sys access; see pv_fs.h. */
#include "pv_fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_config.h"

const char *pv_fs_root(enum pv_fs_kind kind)
{
	const struct pv_config *c = pv_config_get();

	switch (kind) {
	case PV_PROC:
		return c->procfs;
	case PV_SYS:
		return c->sysfs;
	case PV_BOOT:
		return c->bootfs;
	}
	return "/nonexistent"; /* not a kind: every read fails with ENOENT */
}

int pv_fs_path(enum pv_fs_kind kind, const char *rel, char *buf, size_t len)
{
	const char *root = pv_fs_root(kind);
	size_t rl = strlen(root);
	int n;

	/* "/proc/" + "/stat" must not become "/proc//stat": tidy for messages. */
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	while (*rel == '/')
		rel++;
	n = snprintf(buf, len, "%.*s/%s", (int)rl, root, rel);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int pv_fs_pathf(enum pv_fs_kind kind, char *buf, size_t len, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	return pv_fs_path(kind, rel, buf, len);
}

int pv_fs_open_path(const char *path, int flags)
{
	struct stat st;
	int fd;

	if (flags & O_DIRECTORY) {
		fd = open(path, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	/* O_NONBLOCK: open(2) of a FIFO for reading returns at once instead of
	 * waiting for a writer; the type check then refuses it.  Regular files
	 * (procfs, sysfs, fixtures) ignore the flag. */
	fd = open(path, flags | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno == ENXIO ? -PV_ENOTREG : -errno; /* FIFO without a reader, O_WRONLY */
	if (fstat(fd, &st) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -PV_ENOTREG;
	}
	return fd;
}

int pv_fs_open(enum pv_fs_kind kind, const char *rel, int flags)
{
	char path[PATH_MAX];
	int rc = pv_fs_path(kind, rel, path, sizeof(path));

	return rc < 0 ? rc : pv_fs_open_path(path, flags);
}

DIR *pv_fs_opendir(enum pv_fs_kind kind, const char *rel)
{
	char path[PATH_MAX];
	int rc = pv_fs_path(kind, rel, path, sizeof(path));

	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return opendir(path);
}

FILE *pv_fs_fopen(enum pv_fs_kind kind, const char *rel, const char *mode)
{
	FILE *f;
	int fd;

	/* Through pv_fs_open so a FIFO is refused here too; read-only is all
	 * any caller needs from /proc and /sys. */
	if (strcmp(mode, "r") != 0) {
		errno = EINVAL;
		return NULL;
	}
	fd = pv_fs_open(kind, rel, O_RDONLY);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

int pv_fs_pread_all(int fd, char *buf, size_t len, size_t *ret_len)
{
	ssize_t n;

	if (len < 2)
		return -EINVAL;
	/* One pread at offset 0.  procfs files built by seq_file (stat,
	 * schedstat) and sysfs attributes return their whole text in one read
	 * when the buffer is larger; a second read at a non-zero offset would
	 * make the kernel generate the whole text again just to find EOF.  A
	 * regular (fixture) file also returns everything up to len at once.
	 * A full buffer may mean more is left: the caller grows it. */
	do
		n = pread(fd, buf, len - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n == len - 1)
		return -EFBIG;
	buf[n] = '\0';
	if (ret_len)
		*ret_len = (size_t)n;
	return 0;
}

int pv_fs_pread_grow(int fd, char **buf, size_t *cap, size_t max, size_t *ret_len)
{
	for (;;) {
		int rc = *buf ? pv_fs_pread_all(fd, *buf, *cap, ret_len) : -EFBIG;
		size_t ncap;
		char *nb;

		if (rc != -EFBIG)
			return rc;
		if (*cap >= max)
			return -EFBIG;
		ncap = *cap ? *cap * 4 : 16384;
		if (ncap > max)
			ncap = max;
		nb = realloc(*buf, ncap);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = ncap;
	}
}

/* Reads fd to EOF into a growing buffer; see pv_fs_read_all. */
static int pv_fs_read_fd_all(int fd, size_t max, char **ret, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t want;
		ssize_t n;

		if (len >= max)
			break;
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		want = cap - 1 - len;
		if (want > max - len)
			want = max - len;
		n = read(fd, buf + len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			free(buf);
			/* A process that exits while we read gives ESRCH. */
			return err == ESRCH ? -ENOENT : -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
}

int pv_fs_read_all_path(const char *path, size_t max, char **ret, size_t *ret_len)
{
	int fd = pv_fs_open_path(path, O_RDONLY);
	int rc;

	if (fd < 0)
		return fd;
	rc = pv_fs_read_fd_all(fd, max, ret, ret_len);
	close(fd);
	return rc;
}

int pv_fs_read_all(enum pv_fs_kind kind, const char *rel, size_t max, char **ret, size_t *ret_len)
{
	char path[PATH_MAX];
	int rc = pv_fs_path(kind, rel, path, sizeof(path));

	return rc < 0 ? rc : pv_fs_read_all_path(path, max, ret, ret_len);
}

int pv_fs_read(enum pv_fs_kind kind, const char *rel, char *buf, size_t len, size_t *ret_len)
{
	int fd = pv_fs_open(kind, rel, O_RDONLY);
	int rc;

	if (fd < 0)
		return fd;
	rc = pv_fs_pread_all(fd, buf, len, ret_len);
	close(fd);
	return rc;
}

int pv_fs_read_line(enum pv_fs_kind kind, const char *rel, char *buf, size_t len)
{
	char tmp[4096];
	size_t n;
	int rc = pv_fs_read(kind, rel, tmp, sizeof(tmp), NULL);
	char *nl;

	if (rc < 0)
		return rc;
	nl = strchr(tmp, '\n');
	if (nl)
		*nl = '\0';
	n = strlen(tmp);
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, tmp, n + 1);
	return 0;
}

static int pv_parse_file_u64(const char *buf, uint64_t *ret)
{
	return pv_parse_u64(buf, ret);
}

int pv_fs_read_u64(enum pv_fs_kind kind, const char *rel, uint64_t *ret)
{
	char buf[64];
	int rc = pv_fs_read(kind, rel, buf, sizeof(buf), NULL);

	if (rc < 0)
		return rc == -EFBIG ? -EINVAL : rc;
	return pv_parse_file_u64(buf, ret);
}

int pv_fs_read_s64(enum pv_fs_kind kind, const char *rel, int64_t *ret)
{
	char buf[64];
	int rc = pv_fs_read(kind, rel, buf, sizeof(buf), NULL);

	if (rc < 0)
		return rc == -EFBIG ? -EINVAL : rc;
	return pv_parse_s64(buf, ret);
}

int pv_fs_pread_u64(int fd, uint64_t *ret)
{
	char buf[64];
	int rc = pv_fs_pread_all(fd, buf, sizeof(buf), NULL);

	if (rc < 0)
		return rc == -EFBIG ? -EINVAL : rc;
	return pv_parse_file_u64(buf, ret);
}

int pv_fs_write_path_flags(const char *path, const char *s, int flags)
{
	/* O_TRUNC as a shell redirection does: sysfs ignores it, and a regular
	 * fixture file loses its old content as a sysfs attribute would. */
	int fd = pv_fs_open_path(path, O_WRONLY | O_TRUNC | flags);
	size_t len = strlen(s);
	ssize_t n;
	int rc = 0;

	if (fd < 0)
		return fd;
	do
		n = write(fd, s, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int pv_fs_write_path(const char *path, const char *s)
{
	return pv_fs_write_path_flags(path, s, 0);
}

int pv_fs_write_str(enum pv_fs_kind kind, const char *rel, const char *s)
{
	char path[PATH_MAX];
	int rc = pv_fs_path(kind, rel, path, sizeof(path));

	return rc < 0 ? rc : pv_fs_write_path(path, s);
}

int pv_fs_exists(enum pv_fs_kind kind, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;
	int rc = pv_fs_path(kind, rel, path, sizeof(path));

	if (rc < 0)
		return rc;
	if (stat(path, &st) == 0)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	return -errno;
}

const char *pv_fs_describe(enum pv_fs_kind kind, const char *rel, int err, char *buf, size_t len)
{
	char path[PATH_MAX];
	const char *why;

	if (pv_fs_path(kind, rel, path, sizeof(path)) < 0)
		snprintf(path, sizeof(path), "%s/%s", pv_fs_root(kind), rel);
	switch (err) {
	case -EINVAL:
		why = "malformed content";
		break;
	case -EFBIG:
		why = "file larger than expected";
		break;
	case -ENOENT:
		why = "not present";
		break;
	case -PV_ENOTREG:
		why = "not a regular file (a FIFO, socket or device is refused)";
		break;
	default:
		why = strerror(-err);
	}
	snprintf(buf, len, "%s: %s", path, why);
	return buf;
}
