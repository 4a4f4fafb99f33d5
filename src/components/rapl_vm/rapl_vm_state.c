/* Saved original values of host controls; see rapl_vm_state.h. */
#include "rapl_vm_state.h"
#include "pv_fs.h"
#include "pv_msg.h"
#include "rapl_vm_ctl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_MAGIC "papi-virt-rapl_vm-state 1"

struct rapl_state_entry {
	char kind[32];
	char path[PATH_MAX];
	char orig[RAPL_STATE_VALUE_MAX];
};

struct rapl_state {
	pthread_mutex_t lock;
	char dir[PATH_MAX];
	char file[PATH_MAX];
	pid_t owner;
	int fd; /* the state file, flock'ed LOCK_EX; -1 until the first save */
	int n;
	struct rapl_state_entry *e;
};


int rapl_state_escape(const char *raw, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *raw; raw++) {
		unsigned char c = (unsigned char)*raw;

		if (c > 0x20 && c < 0x7f && c != '%') {
			if (o + 1 >= len)
				return -ENAMETOOLONG;
			buf[o++] = (char)c;
		} else {
			if (o + 3 >= len)
				return -ENAMETOOLONG;
			buf[o++] = '%';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (o >= len)
		return -ENAMETOOLONG;
	buf[o] = '\0';
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int rapl_state_unescape(const char *esc, char *buf, size_t len)
{
	size_t o = 0;

	for (; *esc; esc++) {
		char c = *esc;

		if (c == '%') {
			int h = hexval(esc[1]), l = h < 0 ? -1 : hexval(esc[2]);

			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return -EINVAL;
			c = (char)(h * 16 + l);
			esc += 2;
		}
		if (o + 1 >= len)
			return -ENAMETOOLONG;
		buf[o++] = c;
	}
	buf[o] = '\0';
	return 0;
}

int rapl_state_new(const char *dir, struct rapl_state **ret)
{
	struct rapl_state *st = calloc(1, sizeof(*st));
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

/* ---- reading a state file -------------------------------------------------- */

struct state_file {
	pid_t pid;
	int n;
	struct rapl_state_entry *e;
};

static void state_file_free(struct state_file *f)
{
	free(f->e);
	f->e = NULL;
	f->n = 0;
}

/* Parses an open state file.  Unknown or truncated lines (a process killed
 * mid-append) are skipped: every complete "save" line is a valid original. */
static int state_file_parse(int fd, struct state_file *ret)
{
	char line[3 * (PATH_MAX + RAPL_STATE_VALUE_MAX) + 64];
	struct state_file f = { 0 };
	FILE *fp;
	int dfd = dup(fd), rc = 0, first = 1;

	if (dfd < 0)
		return -errno;
	if (lseek(dfd, 0, SEEK_SET) < 0 || !(fp = fdopen(dfd, "r"))) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	while (fgets(line, sizeof(line), fp)) {
		char kind[64], p[3 * PATH_MAX], v[3 * RAPL_STATE_VALUE_MAX];
		struct rapl_state_entry *ne, *x;
		size_t l = strlen(line);
		long pid;

		if (l == 0 || line[l - 1] != '\n')
			continue; /* truncated by a kill: ignore */
		line[l - 1] = '\0';
		if (first) {
			first = 0;
			if (strcmp(line, STATE_MAGIC) != 0) {
				rc = -EINVAL;
				break;
			}
			continue;
		}
		if (sscanf(line, "pid %ld", &pid) == 1) {
			f.pid = (pid_t)pid;
			continue;
		}
		if (sscanf(line, "save %63s %12287s %767s", kind, p, v) != 3)
			continue;
		ne = realloc(f.e, (size_t)(f.n + 1) * sizeof(*ne));
		if (!ne) {
			rc = -ENOMEM;
			break;
		}
		f.e = ne;
		x = &f.e[f.n];
		if (snprintf(x->kind, sizeof(x->kind), "%s", kind) >= (int)sizeof(x->kind) ||
		    rapl_state_unescape(p, x->path, sizeof(x->path)) < 0 ||
		    rapl_state_unescape(v, x->orig, sizeof(x->orig)) < 0)
			continue;
		f.n++;
	}
	if (first && rc == 0)
		rc = -EINVAL; /* empty */
	fclose(fp);
	if (rc < 0) {
		state_file_free(&f);
		return rc;
	}
	*ret = f;
	return 0;
}

/* ---- restoring ------------------------------------------------------------- */

static int kind_order(const char *kind)
{
	int k;

	for (k = 0; k < RAPL_CTL_NKINDS; k++)
		if (strcmp(kind, rapl_ctl_kind_name((enum rapl_ctl_kind)k)) == 0)
			return k;
	return RAPL_CTL_NKINDS;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct rapl_state_entry *const *x = a, *const *y = b;
	int kx = kind_order((*x)->kind), ky = kind_order((*y)->kind);

	if (kx != ky)
		return kx - ky;
	return *x < *y ? -1 : *x > *y;
}

static int same_content(const char *path, const char *want)
{
	char buf[RAPL_STATE_VALUE_MAX + 2];
	int fd = pv_fs_open_path(path, O_RDONLY);
	int rc;

	if (fd < 0)
		return 0;
	rc = pv_fs_pread_all(fd, buf, sizeof(buf), NULL);
	close(fd);
	return rc == 0 && strcmp(buf, want) == 0;
}

/* "<unsupported>" in scaling_setspeed is what the kernel shows when the
 * governor is not userspace; it cannot be written back and need not be:
 * restoring the governor restores it. */
static int ignorable(const struct rapl_state_entry *e)
{
	return strcmp(e->kind, rapl_ctl_kind_name(RAPL_CTL_SETSPEED)) == 0 && e->orig[0] == '<';
}

static int restore_entries(struct rapl_state_entry *e, int n, FILE *report, char *msg, size_t len)
{
	struct rapl_state_entry **o = calloc((size_t)(n ? n : 1), sizeof(*o));
	int i, pass, rc = 0;

	if (!o)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		o[i] = &e[i];
	qsort(o, (size_t)n, sizeof(*o), cmp_entry);
	/* Two passes: a value refused because of another control (a minimum
	 * above the current maximum) is accepted once that one is restored. */
	for (pass = 0; pass < 2; pass++) {
		rc = 0;
		for (i = 0; i < n; i++) {
			char why[PATH_MAX + 256];
			int w;

			/* A state file is data, not a list of files to overwrite:
			 * write only a known control file under the sysfs root. */
			w = rapl_ctl_known_file(o[i]->kind, o[i]->path, why, sizeof(why));
			if (w < 0) {
				if (rc == 0) {
					rc = w;
					pv_msgf(msg, len, "%s", why);
				}
				if (pass == 1 && report)
					fprintf(report, "rapl_vm: %s\n", why);
				continue;
			}
			if (same_content(o[i]->path, o[i]->orig))
				continue;
			w = pv_fs_write_path(o[i]->path, o[i]->orig);
			if (w < 0 && !ignorable(o[i])) {
				if (rc == 0) {
					rc = w;
					pv_msgf(msg, len, "%s: cannot restore %s: %s", o[i]->path, o[i]->kind, strerror(-w));
				}
				if (pass == 1 && report)
					fprintf(report, "rapl_vm: %s: cannot restore %s: %s\n", o[i]->path, o[i]->kind,
						strerror(-w));
			} else if (w == 0 && report) {
				fprintf(report, "rapl_vm: restored %s\n", o[i]->path);
			}
		}
		if (rc == 0)
			break;
	}
	free(o);
	return rc;
}

int rapl_state_restore(struct rapl_state *st, char *msg, size_t len)
{
	int rc = 0;

	if (!st)
		return 0;
	pthread_mutex_lock(&st->lock);
	if (st->fd >= 0 && getpid() == st->owner) {
		rc = restore_entries(st->e, st->n, NULL, msg, len);
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

void rapl_state_free(struct rapl_state *st)
{
	if (!st)
		return;
	rapl_state_restore(st, NULL, 0);
	/* A state file that could not be restored is left for the restore
	 * command; closing drops the lock so it sees the owner as gone. */
	if (st->fd >= 0 && getpid() == st->owner)
		close(st->fd);
	pthread_mutex_destroy(&st->lock);
	free(st->e);
	free(st);
}

/* The state directory holds files whose content restore writes back: it
 * must be this user's alone.  Under /tmp another user can create
 * /tmp/papi-virt-<uid> first (or a symlink by that name). */
static int check_dir(const char *dir, char *msg, size_t len)
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

/* A file of the state directory: never through a symlink, never a FIFO,
 * and this user's own. */
static int open_own(const char *path, int flags, char *msg, size_t len)
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

static int lock_dir(const char *dir, char *msg, size_t len)
{
	char p[PATH_MAX];
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int rc = -errno;

		pv_msgf(msg, len, "%s: cannot create the state directory: %s", dir, strerror(-rc));
		return rc;
	}
	fd = check_dir(dir, msg, len);
	if (fd < 0)
		return fd;
	if (snprintf(p, sizeof(p), "%s/.lock", dir) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	fd = open_own(p, O_RDWR | O_CREAT, msg, len);
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

static void unlock_dir(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

/* Restores one file whose lock we hold (dir lock held by the caller). */
static int restore_locked(int fd, const char *path, FILE *report, char *msg, size_t len)
{
	struct state_file f;
	int rc = state_file_parse(fd, &f);

	if (rc < 0) {
		pv_msgf(msg, len, "%s: not a rapl_vm state file: %s", path, strerror(-rc));
		if (report)
			fprintf(report, "rapl_vm: %s\n", msg);
		return rc;
	}
	if (report)
		fprintf(report, "rapl_vm: %s: restoring %d control(s) saved by pid %ld (dead)\n", path, f.n,
			(long)f.pid);
	rc = restore_entries(f.e, f.n, report, msg, len);
	state_file_free(&f);
	if (rc == 0)
		unlink(path);
	return rc;
}

static int try_lock_file(const char *path, int *ret_fd, char *msg, size_t len)
{
	int fd = open_own(path, O_RDWR, msg, len);

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

int rapl_state_restore_file(const char *path, FILE *report, char *msg, size_t len)
{
	char dir[PATH_MAX], *slash;
	int dfd, fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	dfd = lock_dir(dir, msg, len);
	if (dfd < 0)
		return dfd;
	rc = try_lock_file(path, &fd, msg, len);
	if (rc == 0) {
		rc = restore_locked(fd, path, report, msg, len);
		close(fd);
	} else if (rc == -EBUSY && report) {
		fprintf(report, "rapl_vm: %s: its process is alive; it restores its controls itself\n", path);
	}
	unlock_dir(dfd);
	return rc;
}

static int is_state_name(const char *s)
{
	size_t l = strlen(s);

	return strncmp(s, "rapl_vm-", 8) == 0 && l > 14 && strcmp(s + l - 6, ".state") == 0;
}

int rapl_state_restore_dead(const char *dir, FILE *report, int *ret_restored, int *ret_alive, char *msg, size_t len)
{
	char d[PATH_MAX], p[PATH_MAX + 256];
	struct dirent *de;
	int restored = 0, alive = 0, rc = 0, dfd;
	DIR *dp;

	if (snprintf(d, sizeof(d), "%s", dir) >= (int)sizeof(d))
		return -ENAMETOOLONG;
	if (lstat(d, &(struct stat){ 0 }) < 0 && errno == ENOENT)
		goto out; /* nothing was ever saved */
	/* Checked (owner, mode, not a symlink) before anything in it is read. */
	dfd = lock_dir(d, msg, len);
	if (dfd < 0)
		return dfd;
	dp = opendir(d);
	if (!dp) {
		rc = -errno;
		pv_msgf(msg, len, "%s: %s", d, strerror(-rc));
		unlock_dir(dfd);
		return rc;
	}
	while ((de = readdir(dp)) != NULL) {
		char why[PATH_MAX + 256];
		int fd, r;

		if (!is_state_name(de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, de->d_name);
		why[0] = '\0';
		r = try_lock_file(p, &fd, why, sizeof(why));
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
	unlock_dir(dfd);
	closedir(dp);
out:
	if (ret_restored)
		*ret_restored = restored;
	if (ret_alive)
		*ret_alive = alive;
	return rc;
}

/* ---- saving ------------------------------------------------------------------ */

static int find_entry(const struct rapl_state *st, const char *path)
{
	int i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->e[i].path, path) == 0)
			return i;
	return -1;
}

/* Does another process (alive or dead) own path?  Dir lock held. */
static int owned_elsewhere(struct rapl_state *st, const char *path, char *msg, size_t len)
{
	char p[PATH_MAX + 256];
	struct dirent *de;
	DIR *dp = opendir(st->dir);
	int rc = 0;

	if (!dp)
		return -errno;
	while (rc == 0 && (de = readdir(dp)) != NULL) {
		struct state_file f;
		int fd, i, held, r;

		if (!is_state_name(de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s", st->dir, de->d_name);
		if (strcmp(p, st->file) == 0 && st->fd >= 0)
			continue;
		fd = open_own(p, O_RDONLY, NULL, 0);
		if (fd < 0)
			continue;
		r = flock(fd, LOCK_SH | LOCK_NB);
		held = r < 0 && errno == EWOULDBLOCK;
		if (state_file_parse(fd, &f) == 0) {
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
			state_file_free(&f);
		}
		close(fd);
	}
	closedir(dp);
	return rc;
}

static int append_line(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t n = write(fd, s + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)n;
	}
	return 0;
}

static int create_file(struct rapl_state *st)
{
	char head[128];
	int fd, rc;

	int k;

	/* O_EXCL: a file left by a dead process that had our pid keeps its
	 * originals for the restore command. */
	for (k = 0, fd = -1; k < 100 && fd < 0; k++) {
		int w = k ? snprintf(st->file, sizeof(st->file), "%s/rapl_vm-%ld.%d.state", st->dir, (long)getpid(), k)
			  : snprintf(st->file, sizeof(st->file), "%s/rapl_vm-%ld.state", st->dir, (long)getpid());

		if (w < 0 || w >= (int)sizeof(st->file))
			return -ENAMETOOLONG;
		fd = open(st->file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
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
	snprintf(head, sizeof(head), STATE_MAGIC "\npid %ld\n", (long)getpid());
	rc = append_line(fd, head);
	if (rc < 0) {
		close(fd);
		unlink(st->file);
		return rc;
	}
	st->fd = fd;
	st->owner = getpid();
	return 0;
}

static int read_abs(const char *path, char *buf, size_t len)
{
	int fd = pv_fs_open_path(path, O_RDONLY);
	size_t n;
	int rc;

	if (fd < 0)
		return fd;
	rc = pv_fs_pread_all(fd, buf, len, &n);
	close(fd);
	if (rc < 0)
		return rc;
	if (memchr(buf, '\0', n))
		return -EINVAL;
	return 0;
}

static int save_locked(struct rapl_state *st, const char *kind, const char *path, char *msg, size_t len)
{
	char orig[RAPL_STATE_VALUE_MAX], ep[3 * PATH_MAX], ev[3 * RAPL_STATE_VALUE_MAX], line[sizeof(ep) + sizeof(ev) + 64];
	struct rapl_state_entry *ne;
	int rc;

	rc = read_abs(path, orig, sizeof(orig));
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
	if (st->n >= RAPL_STATE_MAX_ENTRIES)
		return -ENOSPC;
	ne = realloc(st->e, (size_t)(st->n + 1) * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	st->e = ne;
	if (rapl_state_escape(path, ep, sizeof(ep)) < 0 || rapl_state_escape(orig, ev, sizeof(ev)) < 0)
		return -ENAMETOOLONG;
	snprintf(line, sizeof(line), "save %s %s %s\n", kind, ep, ev);
	rc = append_line(st->fd, line);
	/* Durable before the control changes: a SIGKILL or a crash right after
	 * the write must still find the original. */
	if (rc == 0 && fsync(st->fd) < 0)
		rc = -errno;
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

int rapl_state_save(struct rapl_state *st, const char *kind, const char *abs_path, char *msg, size_t len)
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
	dfd = lock_dir(st->dir, msg, len);
	if (dfd < 0) {
		pthread_mutex_unlock(&st->lock);
		return dfd;
	}
	rc = save_locked(st, kind, abs_path, msg, len);
	unlock_dir(dfd);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int rapl_state_original(struct rapl_state *st, const char *abs_path, char *buf, size_t len)
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

int rapl_state_count(struct rapl_state *st)
{
	int n;

	pthread_mutex_lock(&st->lock);
	n = getpid() == st->owner ? st->n : 0;
	pthread_mutex_unlock(&st->lock);
	return n;
}
