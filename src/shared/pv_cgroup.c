/* cgroup v2 cpu.stat; see pv_cgroup.h. */
#include "pv_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"
#include "pv_procstat.h"

static const struct {
	const char *key; /* with its separating blank */
	unsigned bit;
	size_t off;
} pv_cg_keys[] = {
	{ "usage_usec ", PV_CG_USAGE, offsetof(struct pv_cpustat, usage_ns) },
	{ "user_usec ", PV_CG_USER, offsetof(struct pv_cpustat, user_ns) },
	{ "system_usec ", PV_CG_SYSTEM, offsetof(struct pv_cpustat, system_ns) },
};

/* usec -> ns, saturating at PV_NS_MAX. */
static uint64_t pv_cg_usec_to_ns(uint64_t us)
{
	return us > PV_NS_MAX / 1000u ? PV_NS_MAX : us * 1000u;
}

int pv_cgroup_parse_cpustat(const char *content, struct pv_cpustat *ret)
{
	struct pv_cpustat s = { 0 };
	const char *line = content;

	while (line && *line) {
		for (size_t k = 0; k < sizeof(pv_cg_keys) / sizeof(pv_cg_keys[0]); k++) {
			size_t kl = strlen(pv_cg_keys[k].key);
			const char *p = line + kl;
			uint64_t us;

			if (strncmp(line, pv_cg_keys[k].key, kl) != 0)
				continue;
			/* The number and nothing else up to the line end. */
			if (pv_parse_scan_u64(&p, &us) < 0)
				return -EINVAL;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p && *p != '\n')
				return -EINVAL;
			*(uint64_t *)((char *)&s + pv_cg_keys[k].off) = pv_cg_usec_to_ns(us);
			s.have |= pv_cg_keys[k].bit;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	*ret = s;
	return 0;
}

static int pv_cgroup_cpustat_rel(const char *dir, char *rel, size_t len)
{
	return snprintf(rel, len, "%s/cpu.stat", dir) >= (int)len ? -ENAMETOOLONG : 0;
}

int pv_cgroup_cpustat_open(const char *dir)
{
	char rel[PATH_MAX];
	int rc = pv_cgroup_cpustat_rel(dir, rel, sizeof(rel));

	return rc < 0 ? rc : pv_fs_open(PV_SYS, rel, O_RDONLY);
}

const char *pv_cgroup_cpustat_describe(const char *dir, int err, char *buf, size_t len)
{
	char rel[PATH_MAX];

	if (pv_cgroup_cpustat_rel(dir, rel, sizeof(rel)) < 0)
		snprintf(rel, sizeof(rel), "%.64s.../cpu.stat", dir);
	return pv_fs_describe(PV_SYS, rel, err, buf, len);
}

int pv_cgroup_cpustat_read(int fd, struct pv_cpustat *ret)
{
	/* cpu.stat is a dozen short lines; pressure/psi keys do not live here. */
	char buf[2048];
	struct pv_cpustat s;
	int rc = pv_fs_pread_all(fd, buf, sizeof(buf), NULL);

	if (rc == 0)
		rc = pv_cgroup_parse_cpustat(buf, &s);
	if (rc == 0 && !(s.have & PV_CG_USAGE))
		rc = -EINVAL;
	if (rc == 0)
		*ret = s;
	return rc;
}

int pv_cgroup_cpustat_read_dir(const char *dir, struct pv_cpustat *ret)
{
	int fd = pv_cgroup_cpustat_open(dir);
	int rc;

	if (fd < 0)
		return fd;
	rc = pv_cgroup_cpustat_read(fd, ret);
	close(fd);
	return rc;
}
