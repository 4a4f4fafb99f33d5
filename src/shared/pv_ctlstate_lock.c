/* The locks of the state directory: <dir>/.lock serialises ownership checks
 * and appends between processes; each state file is held exclusively by its
 * live owner, so a file whose lock can be taken belongs to a dead process.
 * See pv_ctlstate.h. */
#include "pv_ctlstate_priv.h"
#include "pv_msg.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int pv_ctlstate_lock_dir(const char *dir, char *msg, size_t len)
{
	char p[PATH_MAX];
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int rc = -errno;

		pv_msgf(msg, len, "%s: cannot create the state directory: %s", dir, strerror(-rc));
		return rc;
	}
	/* Checked (owner, mode, not a symlink) before anything in it is used. */
	fd = pv_ctlstate_check_dir(dir, msg, len);
	if (fd < 0)
		return fd;
	if (snprintf(p, sizeof(p), "%s/.lock", dir) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	fd = pv_ctlstate_open_own(p, O_RDWR | O_CREAT, msg, len);
	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int rc = -errno;

			close(fd);
			return rc;
		}
	}
	return fd;
}

void pv_ctlstate_unlock_dir(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

int pv_ctlstate_trylock_file(const char *path, int *ret_fd, char *msg, size_t len)
{
	int fd = pv_ctlstate_open_own(path, O_RDWR, msg, len);

	if (fd < 0)
		return fd;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int rc = errno == EWOULDBLOCK ? -EBUSY : -errno;

		close(fd);
		return rc;
	}
	*ret_fd = fd;
	return 0;
}
