/* The restore commands: this process's originals at its end, and the state
 * files of processes that died without restoring.  See pv_ctlstate.h. */
#include "pv_ctlstate_priv.h"
#include "pv_msg.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pv_ctlstate_restore(struct pv_ctlstate *st, char *msg, size_t len)
{
	int rc = 0;

	if (!st)
		return 0;
	pthread_mutex_lock(&st->lock);
	if (st->fd >= 0 && getpid() == st->owner) {
		rc = pv_ctlstate_restore_entries(st->e, st->n, NULL, msg, len);
		if (rc == 0) {
			unlink(st->file);
			close(st->fd);
			st->fd = -1;
			st->n = 0;
		}
	}
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* Restores one file whose lock we hold (dir lock held by the caller). */
static int restore_locked(int fd, const char *path, FILE *report, char *msg, size_t len)
{
	struct pv_ctlstate_file f;
	int rc = pv_ctlstate_file_read(fd, &f);

	if (rc < 0) {
		pv_msgf(msg, len, "%s: not a rapl_vm state file: %s", path, strerror(-rc));
		if (report)
			fprintf(report, "rapl_vm: %s\n", msg);
		return rc;
	}
	if (report)
		fprintf(report, "rapl_vm: %s: restoring %d control(s) saved by pid %ld (dead)\n", path, f.n,
			(long)f.pid);
	rc = pv_ctlstate_restore_entries(f.e, f.n, report, msg, len);
	pv_ctlstate_file_free(&f);
	if (rc == 0)
		unlink(path);
	return rc;
}

int pv_ctlstate_restore_file(const char *path, FILE *report, char *msg, size_t len)
{
	char dir[PATH_MAX], *slash;
	int dfd, fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	dfd = pv_ctlstate_lock_dir(dir, msg, len);
	if (dfd < 0)
		return dfd;
	rc = pv_ctlstate_trylock_file(path, &fd, msg, len);
	if (rc == 0) {
		rc = restore_locked(fd, path, report, msg, len);
		close(fd);
	} else if (rc == -EBUSY && report) {
		fprintf(report, "rapl_vm: %s: its process is alive; it restores its controls itself\n", path);
	}
	pv_ctlstate_unlock_dir(dfd);
	return rc;
}

int pv_ctlstate_restore_dead(const char *dir, FILE *report, int *ret_restored, int *ret_alive, char *msg,
			     size_t len)
{
	char d[PATH_MAX], p[PATH_MAX + 256];
	struct dirent *de;
	int restored = 0, alive = 0, rc = 0, dfd;
	DIR *dp;

	if (snprintf(d, sizeof(d), "%s", dir) >= (int)sizeof(d))
		return -ENAMETOOLONG;
	if (lstat(d, &(struct stat){ 0 }) < 0 && errno == ENOENT)
		goto out; /* nothing was ever saved */
	dfd = pv_ctlstate_lock_dir(d, msg, len);
	if (dfd < 0)
		return dfd;
	dp = opendir(d);
	if (!dp) {
		rc = -errno;
		pv_msgf(msg, len, "%s: %s", d, strerror(-rc));
		pv_ctlstate_unlock_dir(dfd);
		return rc;
	}
	while ((de = readdir(dp)) != NULL) {
		char why[PATH_MAX + 256];
		int fd, r;

		if (!pv_ctlstate_file_is_name(de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, de->d_name);
		why[0] = '\0';
		r = pv_ctlstate_trylock_file(p, &fd, why, sizeof(why));
		if (r == -EBUSY) {
			alive++;
			if (report)
				fprintf(report, "rapl_vm: %s: its process is alive; it restores its controls itself\n", p);
			continue;
		}
		if (r == 0) {
			r = restore_locked(fd, p, report, why, sizeof(why));
			close(fd);
			if (r == 0)
				restored++;
		} else if (report) {
			fprintf(report, "rapl_vm: %s\n", why);
		}
		if (r < 0 && rc == 0) {
			rc = r;
			pv_msgf(msg, len, "%s", why);
		}
	}
	pv_ctlstate_unlock_dir(dfd);
	closedir(dp);
out:
	if (ret_restored)
		*ret_restored = restored;
	if (ret_alive)
		*ret_alive = alive;
	return rc;
}
