/* Powercap-style energy files for guests (see vmp_export.h). */
#include "vmp_export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_fs.h"

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int vmp_export_write_atomic(const char *dir, const char *name, const char *content)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	size_t len = strlen(content);

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >= (int)sizeof(tmp) ||
	    snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= (int)sizeof(dst))
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, content, len);
	int err = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) != 0 && !err)
		err = -errno;
	if (!err && rename(tmp, dst) != 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int vmp_export_vm_open(struct vmp_export_vm *e, const char *root, const char *uuid,
		       const char *vm_name, uint64_t range)
{
	char vmdir[PATH_MAX], buf[64];
	int err;

	memset(e, 0, sizeof(*e));
	if (range == 0 || !uuid || !*uuid || strchr(uuid, '/'))
		return -EINVAL;
	if (snprintf(vmdir, sizeof(vmdir), "%s/%s", root, uuid) >= (int)sizeof(vmdir) ||
	    snprintf(e->zone, sizeof(e->zone), "%s/class/powercap/intel-rapl:0", vmdir) >= (int)sizeof(e->zone))
		return -ENAMETOOLONG;
	if ((err = mkdir_p(e->zone)))
		return err;
	e->range = range;
	/* Continue from what a previous exporter published. */
	char cur[PATH_MAX];
	if (snprintf(cur, sizeof(cur), "%s/energy_uj", e->zone) >= (int)sizeof(cur))
		return -ENAMETOOLONG;
	/* Through pv_fs: a FIFO left there is refused (and replaced below),
	 * never waited on. */
	char *prev;
	int have_prev = pv_fs_read_all_path(cur, sizeof(buf) - 1, &prev, NULL) == 0;
	if (have_prev) {
		uint64_t v;
		prev[strcspn(prev, "\n")] = '\0';
		if (pv_parse_u64(prev, &v) == 0 && v <= range)
			e->base = v;
		free(prev);
	}
	e->fd = -1;
	snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)range);
	if ((err = vmp_export_write_atomic(e->zone, "max_energy_range_uj", buf)) ||
	    (err = vmp_export_write_atomic(e->zone, "name", "package-0\n")))
		return err;
	char namebuf[1024];
	snprintf(namebuf, sizeof(namebuf), "%s\n", vm_name ? vm_name : "");
	if ((err = vmp_export_write_atomic(vmdir, "vm_name", namebuf)))
		return err;
	/* energy_uj: created once (atomically), then rewritten in place, so
	 * readers that keep it open (pv_rapl, PAPI's powercap component, as
	 * they do on sysfs) see every update. */
	if (!have_prev) {
		char pad[VMP_EXPORT_WIDTH + 2];
		snprintf(pad, sizeof(pad), "%-*llu\n", VMP_EXPORT_WIDTH, 0ull);
		if ((err = vmp_export_write_atomic(e->zone, "energy_uj", pad)))
			return err;
	}
	e->fd = open(cur, O_WRONLY | O_CLOEXEC);
	if (e->fd < 0)
		return -errno;
	e->open = 1;
	e->last = UINT64_MAX;
	return vmp_export_vm_write(e, 0);
}

void vmp_export_vm_close(struct vmp_export_vm *e)
{
	if (e->open)
		close(e->fd);
	e->open = 0;
	e->fd = -1;
}

int vmp_export_vm_write(struct vmp_export_vm *e, uint64_t cum_uj)
{
	char buf[VMP_EXPORT_WIDTH + 2];

	if (!e->open)
		return -EBADF;
	if (cum_uj == e->last)
		return 0;
	uint64_t v = (uint64_t)(((unsigned __int128)e->base + cum_uj) % ((unsigned __int128)e->range + 1));
	/* Fixed width (the number, blanks, newline): one pwrite of the same
	 * length replaces the whole value in place, no truncation window. */
	int n = snprintf(buf, sizeof(buf), "%-*llu\n", VMP_EXPORT_WIDTH, (unsigned long long)v);
	ssize_t w = pwrite(e->fd, buf, (size_t)n, 0);
	if (w < 0)
		return -errno;
	if (w != n)
		return -EIO;
	e->last = cum_uj;
	return 0;
}
