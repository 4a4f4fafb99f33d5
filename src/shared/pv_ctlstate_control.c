/* Reading a control file's original and writing originals back, in pv_ctl's
 * write order, only to files pv_ctl names.  See pv_ctlstate.h. */
#include "pv_ctl.h"
#include "pv_ctlstate_priv.h"
#include "pv_fs.h"
#include "pv_msg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pv_ctlstate_read_control(const char *path, int flags, char *buf, size_t len)
{
	int fd = pv_fs_open_path(path, O_RDONLY | flags);
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

static int cmp_entry(const void *a, const void *b)
{
	const struct pv_ctlstate_entry *const *x = a, *const *y = b;
	int kx = pv_ctl_kind_by_name((*x)->kind), ky = pv_ctl_kind_by_name((*y)->kind);

	if (kx != ky)
		return kx - ky;
	return *x < *y ? -1 : *x > *y;
}

static int same_content(const char *path, const char *want)
{
	char buf[PV_CTLSTATE_VALUE_MAX + 2];

	return pv_ctlstate_read_control(path, O_NOFOLLOW, buf, sizeof(buf)) == 0 && strcmp(buf, want) == 0;
}

/* "<unsupported>" in scaling_setspeed is what the kernel shows when the
 * governor is not userspace; it cannot be written back and need not be:
 * restoring the governor restores it. */
static int ignorable(const struct pv_ctlstate_entry *e)
{
	return pv_ctl_kind_by_name(e->kind) == PV_CTL_SETSPEED && e->orig[0] == '<';
}

/* One original back: 0, 1 when nothing had to be written, or -errno with
 * why (the path, the kind and the reason). */
static int restore_one(const struct pv_ctlstate_entry *e, char *why, size_t len)
{
	int w;

	/* A state file is data, not a list of files to overwrite: write only
	 * a known control file under the sysfs root, never through a symlink. */
	w = pv_ctl_known_file(e->kind, e->path, why, len);
	if (w < 0)
		return w;
	if (same_content(e->path, e->orig))
		return 1;
	w = pv_fs_write_path_flags(e->path, e->orig, O_NOFOLLOW);
	if (w == -ELOOP)
		pv_msgf(why, len, "%s: cannot restore %s: refusing to write through a symbolic link", e->path, e->kind);
	else if (w < 0)
		pv_msgf(why, len, "%s: cannot restore %s: %s", e->path, e->kind, strerror(-w));
	if (w < 0 && ignorable(e))
		return 1;
	return w;
}

int pv_ctlstate_restore_entries(struct pv_ctlstate_entry *e, int n, FILE *report, char *msg, size_t len)
{
	struct pv_ctlstate_entry **o = calloc((size_t)(n ? n : 1), sizeof(*o));
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
			int w = restore_one(o[i], why, sizeof(why));

			if (w < 0) {
				if (rc == 0) {
					rc = w;
					pv_msgf(msg, len, "%s", why);
				}
				if (pass == 1 && report)
					fprintf(report, "rapl_vm: %s\n", why);
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
