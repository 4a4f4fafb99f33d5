/* This process's saved originals: the handle, saving before the first
 * change, and who owns a control.  See pv_ctlstate.h. */
#include "pv_ctlstate_priv.h"
#include "pv_msg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int pv_ctlstate_new(const char *dir, struct pv_ctlstate **ret)
{
	struct pv_ctlstate *st = calloc(1, sizeof(*st));
	int rc = 0;

	if (!st)
		return -ENOMEM;
	rc = snprintf(st->dir, sizeof(st->dir), "%s", dir) >= (int)sizeof(st->dir) ? -ENAMETOOLONG : 0;
	if (rc < 0) {
		free(st);
		return rc;
	}
	pthread_mutex_init(&st->lock, NULL);
	st->fd = -1;
	st->owner = getpid();
	*ret = st;
	return 0;
}

void pv_ctlstate_free(struct pv_ctlstate *st)
{
	if (!st)
		return;
	pv_ctlstate_restore(st, NULL, 0);
	/* A state file that could not be restored is left for the restore
	 * command; closing drops the lock so it sees the owner as gone. */
	if (st->fd >= 0 && getpid() == st->owner)
		close(st->fd);
	pthread_mutex_destroy(&st->lock);
	free(st->e);
	free(st);
}

static int find_entry(const struct pv_ctlstate *st, const char *path)
{
	int i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->e[i].path, path) == 0)
			return i;
	return -1;
}

/* Does another process (alive or dead) own path?  Dir lock held. */
static int owned_elsewhere(struct pv_ctlstate *st, const char *path, char *msg, size_t len)
{
	char p[PATH_MAX + 256];
	struct dirent *de;
	DIR *dp = opendir(st->dir);
	int rc = 0;

	if (!dp)
		return -errno;
	while (rc == 0 && (de = readdir(dp)) != NULL) {
		struct pv_ctlstate_file f;
		int fd, i, held, r;

		if (!pv_ctlstate_file_is_name(de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s", st->dir, de->d_name);
		if (strcmp(p, st->file) == 0 && st->fd >= 0)
			continue;
		fd = pv_ctlstate_open_own(p, O_RDONLY, NULL, 0);
		if (fd < 0)
			continue;
		r = flock(fd, LOCK_SH | LOCK_NB);
		held = r < 0 && errno == EWOULDBLOCK;
		if (pv_ctlstate_file_read(fd, &f) == 0) {
			for (i = 0; i < f.n; i++) {
				if (strcmp(f.e[i].path, path) != 0)
					continue;
				rc = -EBUSY;
				if (held)
					pv_msgf(msg, len,
						"%s is being controlled by process %ld (state file %s): it restores it when it"
						" ends",
						path, (long)f.pid, p);
				else
					pv_msgf(msg, len,
						"%s was changed by process %ld, which died without restoring it: run"
						" 'papi_vmctl restore' first (state file %s)",
						path, (long)f.pid, p);
				break;
			}
			pv_ctlstate_file_free(&f);
		}
		close(fd);
	}
	closedir(dp);
	return rc;
}

static int create_file(struct pv_ctlstate *st)
{
	int fd, rc, k;

	/* O_EXCL: a file left by a dead process that had our pid keeps its
	 * originals for the restore command. */
	for (k = 0, fd = -1; k < 100 && fd < 0; k++) {
		int w = k ? snprintf(st->file, sizeof(st->file), "%s/rapl_vm-%ld.%d.state", st->dir, (long)getpid(), k)
			  : snprintf(st->file, sizeof(st->file), "%s/rapl_vm-%ld.state", st->dir, (long)getpid());

		if (w < 0 || w >= (int)sizeof(st->file))
			return -ENAMETOOLONG;
		fd = open(st->file, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = pv_ctlstate_file_start(fd, getpid());
	if (rc < 0) {
		close(fd);
		unlink(st->file);
		return rc;
	}
	st->fd = fd;
	st->owner = getpid();
	return 0;
}

static int save_locked(struct pv_ctlstate *st, const char *kind, const char *path, char *msg, size_t len)
{
	char orig[PV_CTLSTATE_VALUE_MAX];
	struct pv_ctlstate_entry *ne;
	int rc;

	rc = pv_ctlstate_read_control(path, 0, orig, sizeof(orig));
	if (rc < 0) {
		pv_msgf(msg, len, "%s: cannot read the original value: %s", path, strerror(-rc));
		return rc;
	}
	rc = owned_elsewhere(st, path, msg, len);
	if (rc < 0)
		return rc;
	if (st->fd < 0 && (rc = create_file(st)) < 0) {
		pv_msgf(msg, len, "%s: cannot create the state file: %s", st->file, strerror(-rc));
		return rc;
	}
	if (st->n >= PV_CTLSTATE_MAX_ENTRIES)
		return -ENOSPC;
	ne = realloc(st->e, (size_t)(st->n + 1) * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	st->e = ne;
	rc = pv_ctlstate_file_append(st->fd, kind, path, orig);
	if (rc < 0) {
		pv_msgf(msg, len, "%s: cannot write the state file: %s", st->file, strerror(-rc));
		return rc;
	}
	snprintf(ne[st->n].kind, sizeof(ne[st->n].kind), "%s", kind);
	snprintf(ne[st->n].path, sizeof(ne[st->n].path), "%s", path);
	snprintf(ne[st->n].orig, sizeof(ne[st->n].orig), "%s", orig);
	st->n++;
	return 0;
}

int pv_ctlstate_save(struct pv_ctlstate *st, const char *kind, const char *abs_path, char *msg, size_t len)
{
	int rc, dfd;

	pthread_mutex_lock(&st->lock);
	if (getpid() != st->owner) {
		/* A forked child starts its own state; the parent's file and
		 * originals stay the parent's. */
		st->fd = -1;
		st->n = 0;
		st->owner = getpid();
	}
	if (find_entry(st, abs_path) >= 0) {
		pthread_mutex_unlock(&st->lock);
		return 0;
	}
	dfd = pv_ctlstate_lock_dir(st->dir, msg, len);
	if (dfd < 0) {
		pthread_mutex_unlock(&st->lock);
		return dfd;
	}
	rc = save_locked(st, kind, abs_path, msg, len);
	pv_ctlstate_unlock_dir(dfd);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int pv_ctlstate_original(struct pv_ctlstate *st, const char *abs_path, char *buf, size_t len)
{
	int i, rc = -ENOENT;

	if (len)
		buf[0] = '\0';
	pthread_mutex_lock(&st->lock);
	i = find_entry(st, abs_path);
	if (i >= 0 && getpid() == st->owner) {
		snprintf(buf, len, "%s", st->e[i].orig);
		rc = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int pv_ctlstate_count(struct pv_ctlstate *st)
{
	int n;

	pthread_mutex_lock(&st->lock);
	n = getpid() == st->owner ? st->n : 0;
	pthread_mutex_unlock(&st->lock);
	return n;
}
