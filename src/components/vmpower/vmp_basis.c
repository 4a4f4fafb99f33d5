/* One VM's basis counters (see vmp_basis.h). */
#include "vmp_basis.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_cgroup.h"
#include "pv_cpus.h"
#include "pv_fs.h"

const char *vmp_basis_mode_name(enum vmp_bmode m)
{
	switch (m) {
	case VMP_B_CGROUP_PERF: return "cgroup perf counters";
	case VMP_B_THREAD_PERF: return "per-thread perf counters";
	case VMP_B_CPUSTAT: return "cgroup cpu.stat";
	default: return "none";
	}
}

static int alloc_counters(struct vmp_basis *b, int n)
{
	b->fd = malloc((size_t)n * sizeof(int));
	b->pkg = malloc((size_t)n * sizeof(int));
	b->val = calloc((size_t)n, sizeof(uint64_t));
	if (!b->fd || !b->pkg || !b->val)
		return -ENOMEM;
	b->n = 0;
	return 0;
}

static void free_counters(struct vmp_basis *b)
{
	for (int i = 0; i < b->n; i++)
		close(b->fd[i]);
	free(b->fd);
	free(b->pkg);
	free(b->val);
	b->fd = b->pkg = NULL;
	b->val = NULL;
	b->n = 0;
}

static int open_cgroup(struct vmp_basis *b, const struct pv_topo *t, const char *dir)
{
	int cg = pv_fs_open(PV_SYS, dir, O_RDONLY | O_DIRECTORY);
	int err;

	if (cg < 0)
		return cg;
	err = alloc_counters(b, t->nonline);
	for (int i = 0; !err && i < t->nonline; i++) {
		int fd = vmp_perf_open(b->unit, VMP_SCOPE_CGROUP, cg, t->online[i]);
		if (fd < 0) {
			err = fd;
			break;
		}
		b->fd[b->n] = fd;
		b->pkg[b->n] = t->pkg_of[t->online[i]];
		b->n++;
	}
	close(cg);
	if (err)
		free_counters(b);
	return err;
}

static int open_threads(struct vmp_basis *b, const struct vmp_basis_target *tg)
{
	int err, opened = 0;

	if (tg->ntids == 0)
		return -ESRCH; /* no process found for the VM */
	err = alloc_counters(b, (int)tg->ntids);
	if (err)
		goto out;
	for (size_t i = 0; i < tg->ntids; i++) {
		int fd = vmp_perf_open(b->unit, VMP_SCOPE_THREAD, tg->tids[i], -1);
		if (fd == -ESRCH)
			continue; /* the thread ended meanwhile: nothing to count */
		if (fd < 0) {
			err = fd;
			goto out;
		}
		b->fd[b->n] = fd;
		b->pkg[b->n] = -1;
		b->n++;
		opened++;
	}
	err = opened ? 0 : -ESRCH;
out:
	if (err)
		free_counters(b);
	return err;
}

static int open_cpustat(struct vmp_basis *b, const char *dir)
{
	struct pv_cpustat cs;
	int fd = pv_cgroup_cpustat_open(dir), err;

	if (fd < 0)
		return fd;
	err = pv_cgroup_cpustat_read(fd, &cs);
	if (err) {
		close(fd);
		return err;
	}
	b->statfd = fd;
	b->stat_last = cs.usage_ns; /* count from now, like the perf counters */
	return 0;
}

int vmp_basis_weights(const char *cpulist, const struct pv_topo *t, uint32_t *ret_weight)
{
	unsigned char *bm = calloc(PV_CPUS_MAX, 1);
	int err;

	if (!bm)
		return -ENOMEM;
	err = pv_cpus_parse_bitmap(cpulist, bm, PV_CPUS_MAX);
	if (err >= 0) {
		uint32_t w[VMP_MAX_PKGS] = { 0 };
		uint32_t sum = 0;
		for (int c = 0; c < t->ncpu; c++)
			if (bm[c] && t->pkg_of[c] >= 0) {
				w[t->pkg_of[c]]++;
				sum++;
			}
		if (sum == 0) {
			err = -EINVAL;
		} else {
			memcpy(ret_weight, w, sizeof(w));
			err = 0;
		}
	}
	free(bm);
	return err;
}

/* Weights from /proc/<pid>/status Cpus_allowed_list; every online CPU when
 * unknown. */
static void read_weights(struct vmp_basis *b, const struct pv_topo *t, pid_t pid)
{
	char rel[64], buf[8192];

	for (int i = 0; i < t->nonline; i++)
		b->weight[t->pkg_of[t->online[i]]]++;
	if (pid <= 0 || t->npkg == 1)
		return;
	snprintf(rel, sizeof(rel), "%d/status", (int)pid);
	if (pv_fs_read(PV_PROC, rel, buf, sizeof(buf), NULL) != 0)
		return;
	const char *p = strstr(buf, "\nCpus_allowed_list:");
	if (!p)
		return;
	p += strlen("\nCpus_allowed_list:");
	while (*p == ' ' || *p == '\t')
		p++;
	char list[4096];
	size_t n = strcspn(p, "\n");
	if (n >= sizeof(list))
		return;
	memcpy(list, p, n);
	list[n] = '\0';
	vmp_basis_weights(list, t, b->weight);
}

int vmp_basis_open(struct vmp_basis *b, enum vmp_unit unit, const struct pv_topo *t,
		   const struct vmp_basis_target *tg)
{
	int err = -ENOENT;

	memset(b, 0, sizeof(*b));
	b->unit = unit;
	b->statfd = -1;
	b->npkg = t->npkg;
	read_weights(b, t, tg->pid);
	if (tg->cgroup_dir) {
		err = open_cgroup(b, t, tg->cgroup_dir);
		if (!err) {
			b->mode = VMP_B_CGROUP_PERF;
			/* CPU time: the amount from the kernel's own accounting
			 * (cpu.stat, = libvirt's cpu.time), the split over
			 * packages from the per-CPU counters.  task-clock alone
			 * also counts interrupts served while the VM ran
			 * (1-4% more here), which /proc/stat books as irq. */
			if (unit == VMP_NS && open_cpustat(b, tg->cgroup_dir) != 0)
				b->statfd = -1;
			return 0;
		}
	}
	b->open_err = err;
	err = open_threads(b, tg);
	if (!err) {
		b->mode = VMP_B_THREAD_PERF;
		return 0;
	}
	if (!b->open_err)
		b->open_err = err;
	if (unit == VMP_NS && tg->cgroup_dir) {
		err = open_cpustat(b, tg->cgroup_dir);
		if (!err) {
			b->mode = VMP_B_CPUSTAT;
			return 0;
		}
	}
	b->mode = VMP_B_NONE;
	return b->open_err ? b->open_err : err;
}

void vmp_basis_split(struct vmp_basis *b, uint64_t delta)
{
	uint64_t wsum = 0, given = 0;
	unsigned best = 0;

	for (unsigned p = 0; p < b->npkg; p++) {
		wsum += b->weight[p];
		if (b->weight[p] > b->weight[best])
			best = p;
	}
	if (wsum == 0) {
		b->cum[0] += delta;
	} else {
		for (unsigned p = 0; p < b->npkg; p++) {
			uint64_t d = (uint64_t)((unsigned __int128)delta * b->weight[p] / wsum);
			b->cum[p] += d;
			given += d;
		}
		b->cum[best] += delta - given;
	}
	b->total += delta;
}

/* CGROUP_PERF with cpu.stat: per-package perf deltas only give the split. */
static int read_scaled(struct vmp_basis *b)
{
	uint64_t d[VMP_MAX_PKGS] = { 0 }, dsum = 0, ns = 0;
	int first = 0;

	for (int i = 0; i < b->n; i++) {
		uint64_t before = b->val[i];
		int err = vmp_perf_read(b->fd[i], &b->val[i]);
		if (err) {
			if (!first)
				first = err;
			continue;
		}
		d[b->pkg[i]] += b->val[i] - before;
		dsum += b->val[i] - before;
	}
	struct pv_cpustat cs;
	int err = pv_cgroup_cpustat_read(b->statfd, &cs);
	ns = err ? 0 : cs.usage_ns;
	if (err) {
		/* cpu.stat lost: count with the perf counters alone */
		for (unsigned p = 0; p < b->npkg; p++) {
			b->cum[p] += d[p];
			b->total += d[p];
		}
		return first ? first : err;
	}
	if (ns <= b->stat_last)
		return first;
	uint64_t u = ns - b->stat_last, given = 0;
	unsigned best = 0;
	b->stat_last = ns;
	if (dsum == 0) {
		vmp_basis_split(b, u);
		return first;
	}
	for (unsigned p = 0; p < b->npkg; p++) {
		uint64_t share = (uint64_t)((unsigned __int128)u * d[p] / dsum);
		b->cum[p] += share;
		given += share;
		if (d[p] > d[best])
			best = p;
	}
	b->cum[best] += u - given;
	b->total += u;
	return first;
}

int vmp_basis_read(struct vmp_basis *b)
{
	int first = 0;

	if (b->mode == VMP_B_CGROUP_PERF && b->statfd >= 0)
		return read_scaled(b);
	for (int i = 0; i < b->n; i++) {
		uint64_t before = b->val[i];
		int err = vmp_perf_read(b->fd[i], &b->val[i]);
		if (err) {
			if (!first)
				first = err;
			continue;
		}
		uint64_t d = b->val[i] - before;
		if (b->pkg[i] >= 0) {
			b->cum[b->pkg[i]] += d;
			b->total += d;
		} else {
			vmp_basis_split(b, d);
		}
	}
	if (b->statfd >= 0) {
		struct pv_cpustat cs;
		int err = pv_cgroup_cpustat_read(b->statfd, &cs);
		if (!err && cs.usage_ns > b->stat_last) {
			vmp_basis_split(b, cs.usage_ns - b->stat_last);
			b->stat_last = cs.usage_ns;
		}
		if (err && !first)
			first = err;
	}
	return first;
}

void vmp_basis_close(struct vmp_basis *b)
{
	free_counters(b);
	if (b->statfd >= 0)
		close(b->statfd);
	b->statfd = -1;
}
