/* CPU -> package map and the dense package numbering (see pv_topo.h). */
#include "pv_topo.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_cpus.h"
#include "pv_fs.h"

void pv_topo_free(struct pv_topo *t)
{
	free(t->pkg_of);
	free(t->online);
	memset(t, 0, sizeof(*t));
}

/* CPU cpu's physical_package_id file, relative to the sysfs root. */
static const char *phys_rel(int cpu, char *rel, size_t len)
{
	snprintf(rel, len, "devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
	return rel;
}

int pv_topo_cpu_phys(int cpu, int *ret_id)
{
	char rel[96];
	int64_t id;
	int rc;

	rc = pv_fs_read_s64(PV_SYS, phys_rel(cpu, rel, sizeof(rel)), &id);
	if (rc)
		return rc;
	if (id < 0)
		return -EDOM; /* -1: "unknown" on some platforms */
	if (id > INT_MAX)
		return -ERANGE;
	*ret_id = (int)id;
	return 0;
}

#define ONLINE "devices/system/cpu/online"

/* The online CPUs into t->online / t->ncpu / t->nonline. */
static int read_online(struct pv_topo *t, unsigned char *bm, char *why, size_t len)
{
	char buf[8192];
	int err = pv_fs_read(PV_SYS, ONLINE, buf, sizeof(buf), NULL);

	if (!err)
		err = pv_cpus_parse_bitmap(buf, bm, PV_CPUS_MAX);
	if (err == 0)
		err = -EINVAL; /* "": no CPU to run on */
	if (err < 0) {
		if (why)
			pv_fs_describe(PV_SYS, ONLINE, err, why, len);
		return err;
	}
	for (int c = 0; c < PV_CPUS_MAX; c++)
		if (bm[c]) {
			t->ncpu = c + 1;
			t->nonline++;
		}
	t->pkg_of = malloc((size_t)t->ncpu * sizeof(int));
	t->online = malloc((size_t)t->nonline * sizeof(int));
	if (!t->pkg_of || !t->online)
		return -ENOMEM;
	for (int c = 0, n = 0; c < t->ncpu; c++) {
		t->pkg_of[c] = -1;
		if (bm[c])
			t->online[n++] = c;
	}
	return 0;
}

/* Adds phys to the sorted set t->pkg_id[0..npkg-1]. */
static int add_id(struct pv_topo *t, int phys)
{
	unsigned k = 0;

	while (k < t->npkg && t->pkg_id[k] < phys)
		k++;
	if (k < t->npkg && t->pkg_id[k] == phys)
		return 0;
	if (t->npkg == PV_TOPO_MAX_PKGS)
		return -ERANGE;
	memmove(&t->pkg_id[k + 1], &t->pkg_id[k], (t->npkg - k) * sizeof(int));
	t->pkg_id[k] = phys;
	t->npkg++;
	return 0;
}

/* CPU c's physical id into pkg_of[c] and the set of ids. */
static int read_cpu(struct pv_topo *t, int c, char *why, size_t len)
{
	int id = 0, err = pv_topo_cpu_phys(c, &id);

	if (err == -ENOENT || err == -EDOM)
		id = 0; /* no topology (guests) or "unknown": package 0 */
	else if (err) {
		if (why) {
			char rel[96];

			pv_fs_describe(PV_SYS, phys_rel(c, rel, sizeof(rel)), err, why, len);
		}
		return err;
	}
	t->pkg_of[c] = id;
	err = add_id(t, id);
	if (err && why)
		snprintf(why, len, "more than %d CPU packages (physical_package_id) under %s/devices/system/cpu",
			 PV_TOPO_MAX_PKGS, pv_fs_root(PV_SYS));
	return err;
}

int pv_topo_read(struct pv_topo *t, char *why, size_t len)
{
	unsigned char *bm = calloc(PV_CPUS_MAX, 1);
	int err;

	memset(t, 0, sizeof(*t));
	if (why && len)
		why[0] = '\0';
	if (!bm)
		return -ENOMEM;
	err = read_online(t, bm, why, len);
	free(bm);
	/* First pass: physical ids (pkg_of holds them for now) and the sorted
	 * set of ids; second: each CPU's id becomes its dense index. */
	for (int i = 0; !err && i < t->nonline; i++)
		err = read_cpu(t, t->online[i], why, len);
	for (int i = 0; !err && i < t->nonline; i++)
		t->pkg_of[t->online[i]] = pv_topo_index(t, t->pkg_of[t->online[i]]);
	if (err)
		pv_topo_free(t);
	if (err == -ENOMEM && why)
		snprintf(why, len, "out of memory reading the CPU topology");
	return err;
}

int pv_topo_index(const struct pv_topo *t, int phys)
{
	for (unsigned k = 0; t && k < t->npkg; k++)
		if (t->pkg_id[k] == phys)
			return (int)k;
	return -ENOENT;
}

int pv_topo_number(const struct pv_topo *t, int phys, const int *ids, int n)
{
	int idx = pv_topo_index(t, phys), rank = 0;

	if (idx >= 0)
		return idx;
	/* Count the distinct ids below phys that the topology lacks: each is
	 * counted at its first occurrence only. */
	for (int i = 0; i < n; i++) {
		int seen = 0;

		if (ids[i] >= phys || pv_topo_index(t, ids[i]) >= 0)
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = ids[j] == ids[i];
		rank += !seen;
	}
	return (t ? (int)t->npkg : 0) + rank;
}
