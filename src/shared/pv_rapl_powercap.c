/* pv_rapl back-end: powercap "intel-rapl" zones, identified by name.  A
 * package zone is "package-<physical package id>" (the kernel writes
 * topology_physical_package_id); pv_rapl_finish renumbers densely. */
#include "pv_rapl_priv.h"
#include "pv_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PC_DIR "class/powercap"
#define PC_MAX_ZONES 256

struct pc_zone {
	int top, sub; /* intel-rapl:<top>[:<sub>]; sub = -1 for a top zone */
	char dir[PV_RAPL_ZONE_MAX];
};

int pv_rapl_zone_name(const char *name, enum pv_rapl_dom *ret_dom, int *ret_pkg)
{
	static const struct {
		const char *name;
		enum pv_rapl_dom dom;
	} fixed[] = {
		{ "core", PV_RAPL_CORE },
		{ "uncore", PV_RAPL_UNCORE },
		{ "dram", PV_RAPL_DRAM },
		{ "psys", PV_RAPL_PSYS },
	};
	size_t i;
	int pkg;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strcmp(name, fixed[i].name) == 0) {
			*ret_dom = fixed[i].dom;
			*ret_pkg = -1;
			return 0;
		}
	}
	if (strncmp(name, "package-", 8) == 0 && pv_parse_int(name + 8, &pkg) == 0 &&
	    name[8] >= '0' && name[8] <= '9') {
		*ret_dom = PV_RAPL_PACKAGE;
		*ret_pkg = pkg;
		return 0;
	}
	return -EINVAL;
}

/* "intel-rapl:3" or "intel-rapl:3:1"; not "intel-rapl-mmio:0", which only
 * duplicates a package's limits. */
static int pc_parse_dirname(const char *s, int *ret_top, int *ret_sub)
{
	char tail[16];
	int top, sub, n = -1;

	if (strncmp(s, "intel-rapl:", 11) != 0)
		return -EINVAL;
	if (sscanf(s + 11, "%d:%d%n", &top, &sub, &n) == 2 && n > 0 && s[11 + n] == '\0') {
		*ret_top = top;
		*ret_sub = sub;
		return top >= 0 && sub >= 0 ? 0 : -EINVAL;
	}
	n = -1;
	if (sscanf(s + 11, "%d%n%15s", &top, &n, tail) == 1 && n > 0 && s[11 + n] == '\0' && top >= 0) {
		*ret_top = top;
		*ret_sub = -1;
		return 0;
	}
	return -EINVAL;
}

static int pc_list(struct pc_zone *z, int max, int *ret_n, char *reason, size_t rlen)
{
	DIR *d = pv_fs_opendir(PV_SYS, PC_DIR);
	struct dirent *de;
	char msg[PATH_MAX + 64];
	int n = 0;

	if (!d) {
		int err = errno;

		pv_rapl_reason_add(reason, rlen, "powercap: %s", pv_fs_describe(PV_SYS, PC_DIR, -err, msg, sizeof(msg)));
		return err == ENOENT ? -ENODEV : -err;
	}
	while ((de = readdir(d)) != NULL) {
		int top, sub;

		if (pc_parse_dirname(de->d_name, &top, &sub) < 0)
			continue;
		if (n == max) {
			char path[PATH_MAX];

			pv_fs_path(PV_SYS, PC_DIR, path, sizeof(path));
			pv_rapl_reason_add(reason, rlen, "powercap: more than %d intel-rapl zones in %s; %s and later ones ignored",
					   max, path, de->d_name);
			break;
		}
		z[n].top = top;
		z[n].sub = sub;
		snprintf(z[n].dir, sizeof(z[n].dir), PC_DIR "/%.40s", de->d_name);
		n++;
	}
	closedir(d);
	if (n == 0) {
		char path[PATH_MAX];

		pv_fs_path(PV_SYS, PC_DIR, path, sizeof(path));
		pv_rapl_reason_add(reason, rlen, "powercap: no intel-rapl zones in %s", path);
		return -ENODEV;
	}
	*ret_n = n;
	return 0;
}

static const char *pc_hint(int err)
{
	if (err == -EACCES || err == -EPERM)
		return " (energy_uj is readable by root only since Linux 5.10, CVE-2020-8694: run as root"
		       " or make it readable, e.g. with a udev rule)";
	return "";
}

/* Opens the zone's energy counter and takes the first reading. */
static int pc_open_domain(struct pv_rapl_dstate *s, const char *zdir, char *reason, size_t rlen)
{
	char rel[PV_RAPL_ZONE_MAX + 32], msg[PATH_MAX + 64];
	uint64_t max, raw;
	int fd, rc;

	snprintf(rel, sizeof(rel), "%s/max_energy_range_uj", zdir);
	rc = pv_fs_read_u64(PV_SYS, rel, &max);
	if (rc < 0) {
		pv_rapl_reason_add(reason, rlen, "powercap: %s%s", pv_fs_describe(PV_SYS, rel, rc, msg, sizeof(msg)),
				   pc_hint(rc));
		return rc;
	}
	snprintf(rel, sizeof(rel), "%s/energy_uj", zdir);
	fd = pv_fs_open(PV_SYS, rel, O_RDONLY);
	rc = fd < 0 ? fd : pv_fs_pread_u64(fd, &raw);
	if (rc < 0) {
		pv_rapl_reason_add(reason, rlen, "powercap: %s%s", pv_fs_describe(PV_SYS, rel, rc, msg, sizeof(msg)),
				   pc_hint(rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	s->fd = fd;
	s->info.src = PV_RAPL_SRC_POWERCAP;
	s->info.max_range_uj = max;
	snprintf(s->info.zone, sizeof(s->info.zone), "%s", zdir);
	s->last_raw = 0;
	s->acc_uj = 0;
	pv_rapl_feed(s, raw); /* acc_uj = raw, unless out of range */
	return 0;
}

static int pc_has(const struct pv_rapl *r, int pkg, enum pv_rapl_dom dom)
{
	return pv_rapl_find(r, pkg, dom) >= 0;
}

/* Resolves one zone to (dom, pkg): a top zone by its own name, a subzone by
 * its name and its parent's package. */
static int pc_identify(const struct pc_zone *z, int nz, int i, enum pv_rapl_dom *ret_dom, int *ret_pkg,
		       char *reason, size_t rlen)
{
	char rel[PV_RAPL_ZONE_MAX + 16], name[64], msg[PATH_MAX + 64];
	enum pv_rapl_dom dom, pdom;
	int pkg = -1, ppkg, j, rc;

	snprintf(rel, sizeof(rel), "%s/name", z[i].dir);
	rc = pv_fs_read_line(PV_SYS, rel, name, sizeof(name));
	if (rc < 0) {
		pv_rapl_reason_add(reason, rlen, "powercap: %s", pv_fs_describe(PV_SYS, rel, rc, msg, sizeof(msg)));
		return rc;
	}
	if (pv_rapl_zone_name(name, &dom, &pkg) < 0) {
		pv_rapl_reason_add(reason, rlen, "powercap: %s/%s: unknown zone name \"%s\" ignored",
				   pv_fs_root(PV_SYS), rel, name);
		return -EINVAL;
	}
	if (z[i].sub < 0) {
		if (dom != PV_RAPL_PACKAGE && dom != PV_RAPL_PSYS)
			return -EINVAL;
		*ret_dom = dom;
		*ret_pkg = pkg;
		return 0;
	}
	if (dom == PV_RAPL_PACKAGE || dom == PV_RAPL_PSYS)
		return -EINVAL;
	for (j = 0; j < nz; j++) {
		if (z[j].sub >= 0 || z[j].top != z[i].top)
			continue;
		snprintf(rel, sizeof(rel), "%s/name", z[j].dir);
		if (pv_fs_read_line(PV_SYS, rel, name, sizeof(name)) < 0 ||
		    pv_rapl_zone_name(name, &pdom, &ppkg) < 0 || pdom != PV_RAPL_PACKAGE)
			return -EINVAL;
		*ret_dom = dom;
		*ret_pkg = ppkg;
		return 0;
	}
	return -EINVAL;
}

int pv_rapl_powercap_open(struct pv_rapl *r, char *reason, size_t rlen)
{
	static struct pc_zone z[PC_MAX_ZONES];
	static pthread_mutex_t zlock = PTHREAD_MUTEX_INITIALIZER;
	int nz = 0, i, rc, first_err = 0;

	pthread_mutex_lock(&zlock);
	rc = pc_list(z, PC_MAX_ZONES, &nz, reason, rlen);
	if (rc < 0) {
		pthread_mutex_unlock(&zlock);
		return rc;
	}
	for (i = 0; i < nz && r->n < PV_RAPL_MAX_DOMS; i++) {
		struct pv_rapl_dstate *s = &r->d[r->n];
		enum pv_rapl_dom dom;
		int pkg;

		if (pc_identify(z, nz, i, &dom, &pkg, reason, rlen) < 0)
			continue;
		if (pc_has(r, pkg, dom)) {
			pv_rapl_reason_add(reason, rlen, "powercap: %s/%s duplicates package %d's %s zone, ignored",
					   pv_fs_root(PV_SYS), z[i].dir, pkg, pv_rapl_dom_name(dom));
			continue;
		}
		memset(s, 0, sizeof(*s));
		s->fd = -1;
		s->info.dom = dom;
		s->info.pkg = dom == PV_RAPL_PSYS ? -1 : pkg;
		rc = pc_open_domain(s, z[i].dir, reason, rlen);
		if (rc < 0) {
			if (!first_err)
				first_err = rc;
			continue;
		}
		r->n++;
	}
	if (i < nz)
		pv_rapl_reason_add(reason, rlen, "powercap: more than %d RAPL domains; %s/%s and later zones ignored",
				   PV_RAPL_MAX_DOMS, pv_fs_root(PV_SYS), z[i].dir);
	pthread_mutex_unlock(&zlock);
	if (r->n == 0)
		return first_err ? first_err : -ENODEV;
	return 0;
}
