/* Which state directory and files in it are safe
 * to use (the directory may be under /tmp, where another user can create a
 * name first).  See pv_ctlstate.h. */
#include "pv_ctlstate_priv.h"
#include "pv_msg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Under /tmp another user can create /tmp/papi-virt-<uid> first (or a
 * symlink by that name). */
int pv_ctlstate_check_dir(const char *dir, char *msg, size_t len)
{
	struct stat st;

	if (lstat(dir, &st) < 0) {
		int rc = -errno;

		pv_msgf(msg, len, "%s: cannot use the state directory: %s", dir, strerror(-rc));
		return rc;
	}
	if (S_ISLNK(st.st_mode)) {
		pv_msgf(msg, len, "%s: refusing the state directory: it is a symbolic link (set PAPI_VIRT_STATE_DIR "
			"or remove it)", dir);
		return -EPERM;
	}
	if (!S_ISDIR(st.st_mode)) {
		pv_msgf(msg, len, "%s: refusing the state directory: not a directory", dir);
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid()) {
		pv_msgf(msg, len, "%s: refusing the state directory: it belongs to uid %u, not to this user (uid %u); "
			"set PAPI_VIRT_STATE_DIR or remove it", dir, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (st.st_mode & 022) {
		pv_msgf(msg, len, "%s: refusing the state directory: other users can write to it (mode %04o); "
			"chmod go-w it", dir, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int pv_ctlstate_open_own(const char *path, int flags, char *msg, size_t len)
{
	struct stat st;
	int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);

	if (fd < 0) {
		int rc = errno == ELOOP ? -EPERM : -errno;

		if (rc == -EPERM)
			pv_msgf(msg, len, "%s: refusing it: it is a symbolic link", path);
		else
			pv_msgf(msg, len, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		pv_msgf(msg, len, "%s: refusing it: not a regular file of this user (uid %u)", path,
			(unsigned)geteuid());
		close(fd);
		return -EPERM;
	}
	return fd;
}
