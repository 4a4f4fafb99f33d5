/* RAPL energy reader: handle, source selection, 64-bit accumulation.
 * See pv_rapl.h; discovery lives in pv_rapl_powercap.c and pv_rapl_perf.c. */
#include "pv_rapl_priv.h"
#include "pv_fs.h"
#include "pv_msg.h"
#include "pv_topo.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const pv_rapl_dom_names[PV_RAPL_NDOMS] = {
	[PV_RAPL_PACKAGE] = "package",
	[PV_RAPL_CORE] = "core",
	[PV_RAPL_UNCORE] = "uncore",
	[PV_RAPL_DRAM] = "dram",
	[PV_RAPL_PSYS] = "psys",
};

const char *pv_rapl_dom_name(enum pv_rapl_dom dom)
{
	if ((int)dom < 0 || dom >= PV_RAPL_NDOMS)
		return NULL;
	return pv_rapl_dom_names[dom];
}

void pv_rapl_reason_add(char *reason, size_t len, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (!reason || len == 0)
		return;
	used = strnlen(reason, len);
	if (used >= len - 1)
		return;
	if (used > 0) {
		snprintf(reason + used, len - used, "; ");
		used = strnlen(reason, len);
	}
	va_start(ap, fmt);
	vsnprintf(reason + used, len - used, fmt, ap);
	va_end(ap);
}

uint64_t pv_rapl_delta(uint64_t prev, uint64_t cur, uint64_t max_range)
{
	if (cur >= prev)
		return cur - prev;
	/* A counter above its own range means it was reset (or the range is
	 * unknown): count from zero rather than invent a wrap. */
	if (max_range == 0 || prev > max_range)
		return cur;
	return (max_range - prev) + cur + 1;
}

static int pv_rapl_cmp(const void *a, const void *b)
{
	const struct pv_rapl_dstate *x = a, *y = b;
	int px = x->info.dom == PV_RAPL_PSYS ? 1 << 30 : x->info.pkg;
	int py = y->info.dom == PV_RAPL_PSYS ? 1 << 30 : y->info.pkg;

	if (px != py)
		return px < py ? -1 : 1;
	return (int)x->info.dom - (int)y->info.dom;
}

void pv_rapl_sort(struct pv_rapl *r)
{
	int i;

	qsort(r->d, (size_t)r->n, sizeof(r->d[0]), pv_rapl_cmp);
	r->npkg = 0;
	for (i = 0; i < r->n; i++)
		if (r->d[i].info.pkg + 1 > r->npkg)
			r->npkg = r->d[i].info.pkg + 1;
}

/* The sources found physical package ids: number them densely with topo
 * (see "Package numbers" in pv_rapl.h); NULL: read the topology here. */
static void pv_rapl_number(struct pv_rapl *r, const struct pv_topo *topo)
{
	int ids[PV_RAPL_MAX_DOMS], n = 0, i;
	struct pv_topo own;
	int read_own = !topo && pv_topo_read(&own, NULL, 0) == 0;

	if (read_own)
		topo = &own;

	for (i = 0; i < r->n; i++)
		if (r->d[i].info.dom != PV_RAPL_PSYS)
			ids[n++] = r->d[i].info.pkg;
	for (i = 0; i < r->n; i++) {
		struct pv_rapl_info *in = &r->d[i].info;

		in->pkg_id = in->dom == PV_RAPL_PSYS ? -1 : in->pkg;
		if (in->dom != PV_RAPL_PSYS)
			in->pkg = pv_topo_number(topo, in->pkg_id, ids, n);
	}
	if (read_own)
		pv_topo_free(&own);
}

void pv_rapl_finish(struct pv_rapl *r, const struct pv_topo *topo)
{
	pv_rapl_number(r, topo);
	pv_rapl_sort(r);
}

int pv_rapl_numbering(const struct pv_rapl *r, char *buf, size_t len)
{
	int i, n = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < r->n; i++) {
		const struct pv_rapl_info *in = &r->d[i].info;
		size_t used = strnlen(buf, len);

		if (in->dom != PV_RAPL_PACKAGE || in->pkg == in->pkg_id)
			continue;
		snprintf(buf + used, len - used, "%spkg=%d is physical package %d", n ? ", " : "", in->pkg, in->pkg_id);
		n++;
	}
	return n;
}

int pv_rapl_feed(struct pv_rapl_dstate *d, uint64_t raw)
{
	/* The counter counts modulo max_energy_range_uj + 1: a value above
	 * the range is no energy reading (a corrupt file, a firmware reset).
	 * Adding it would count up to 2^64 uJ and wrap the caller's long long
	 * negative: it is a reset instead, and the next reading in range
	 * becomes the new base. */
	if (d->info.max_range_uj && raw > d->info.max_range_uj) {
		d->out_of_range++;
		d->bad_raw = raw;
		d->rebase = 1;
		return 0;
	}
	if (!d->rebase)
		d->acc_uj += pv_rapl_delta(d->last_raw, raw, d->info.max_range_uj);
	d->rebase = 0;
	d->last_raw = raw;
	return 0;
}

int pv_rapl_range_note(struct pv_rapl *r, char *msg, size_t len)
{
	int i, said = 0;

	pthread_mutex_lock(&r->lock);
	for (i = 0; !r->range_said && i < r->n; i++) {
		const struct pv_rapl_dstate *d = &r->d[i];
		char path[PATH_MAX];

		if (!d->out_of_range)
			continue;
		pv_fs_pathf(PV_SYS, path, sizeof(path), "%s/energy_uj", d->info.zone);
		pv_msgf(msg, len,
			"%s: %" PRIu64 " is above max_energy_range_uj %" PRIu64 "; taken as a counter reset, no energy"
			" added (said once)",
			path, d->bad_raw, d->info.max_range_uj);
		r->range_said = said = 1;
	}
	pthread_mutex_unlock(&r->lock);
	return said;
}

int pv_rapl_update(struct pv_rapl_dstate *d)
{
	uint64_t raw;
	int rc;

	if (d->info.src == PV_RAPL_SRC_PERF) {
		/* read(), not pread(): perf fds need not support offsets. */
		ssize_t n = read(d->fd, &raw, sizeof(raw));

		if (n < 0)
			return -errno;
		if (n != (ssize_t)sizeof(raw))
			return -EIO;
		/* The PMU count is 64-bit and starts at 0 at open: convert the
		 * total each time so rounding never accumulates. */
		d->acc_uj = (uint64_t)((double)raw * d->uj_per_cnt);
		return 0;
	}
	rc = pv_fs_pread_u64(d->fd, &raw);
	if (rc < 0)
		return rc;
	return pv_rapl_feed(d, raw);
}

static void pv_rapl_close_fds(struct pv_rapl *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->d[i].fd >= 0)
			close(r->d[i].fd);
	r->n = 0;
}

int pv_rapl_open(unsigned flags, struct pv_rapl **ret, char *reason, size_t reason_len)
{
	return pv_rapl_open_topo(flags, NULL, ret, reason, reason_len);
}

int pv_rapl_open_topo(unsigned flags, const struct pv_topo *topo, struct pv_rapl **ret, char *reason,
		      size_t reason_len)
{
	struct pv_rapl *r;
	int rc = -ENODEV, rc_pc = -ENODEV, rc_perf = -ENODEV;

	if (reason && reason_len)
		reason[0] = '\0';
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	pthread_mutex_init(&r->lock, NULL);
	if (!(flags & PV_RAPL_NO_POWERCAP)) {
		rc_pc = pv_rapl_powercap_open(r, reason, reason_len);
		if (rc_pc == 0) {
			r->src = PV_RAPL_SRC_POWERCAP;
			goto found;
		}
		pv_rapl_close_fds(r);
	} else {
		pv_rapl_reason_add(reason, reason_len, "powercap not used (disabled by the caller)");
	}
	if (!(flags & PV_RAPL_NO_PERF)) {
		rc_perf = pv_rapl_perf_open(r, reason, reason_len);
		if (rc_perf == 0) {
			r->src = PV_RAPL_SRC_PERF;
			goto found;
		}
		pv_rapl_close_fds(r);
	} else {
		pv_rapl_reason_add(reason, reason_len, "perf power PMU not used (disabled by the caller)");
	}
	/* The more telling error: "present but unreadable" beats "absent". */
	rc = rc_pc != -ENODEV ? rc_pc : rc_perf;
	pthread_mutex_destroy(&r->lock);
	free(r);
	return rc;
found:
	/* reason now lists only what this source could not use (a zone with a
	 * malformed file, zones past the limit): empty when all was used. */
	pv_rapl_finish(r, topo);
	*ret = r;
	return 0;
}

void pv_rapl_close(struct pv_rapl *r)
{
	if (!r)
		return;
	pv_rapl_close_fds(r);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

enum pv_rapl_source pv_rapl_source(const struct pv_rapl *r)
{
	return r->src;
}

const char *pv_rapl_source_name(const struct pv_rapl *r)
{
	return pv_rapl_source(r) == PV_RAPL_SRC_PERF ? "perf (power PMU)" : "powercap";
}

int pv_rapl_npackages(const struct pv_rapl *r)
{
	return r->npkg;
}

int pv_rapl_count(const struct pv_rapl *r)
{
	return r->n;
}

int pv_rapl_info(const struct pv_rapl *r, int i, struct pv_rapl_info *ret)
{
	if (i < 0 || i >= r->n)
		return -ENOENT;
	*ret = r->d[i].info;
	return 0;
}

int pv_rapl_find(const struct pv_rapl *r, int pkg, enum pv_rapl_dom dom)
{
	int i;

	for (i = 0; i < r->n; i++) {
		const struct pv_rapl_info *in = &r->d[i].info;

		if (in->dom == dom && (dom == PV_RAPL_PSYS || in->pkg == pkg))
			return i;
	}
	return -ENOENT;
}

int pv_rapl_read_many(struct pv_rapl *r, const int *idx, int n, uint64_t *ret_uj)
{
	int k, rc = 0;

	pthread_mutex_lock(&r->lock);
	for (k = 0; k < n; k++) {
		if (idx[k] < 0 || idx[k] >= r->n) {
			rc = -ENOENT;
			break;
		}
		rc = pv_rapl_update(&r->d[idx[k]]);
		if (rc < 0)
			break;
		ret_uj[k] = r->d[idx[k]].acc_uj;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

int pv_rapl_read(struct pv_rapl *r, int i, uint64_t *ret_uj)
{
	return pv_rapl_read_many(r, &i, 1, ret_uj);
}

int pv_rapl_read_package(struct pv_rapl *r, int pkg, uint64_t *ret_uj)
{
	int i = pv_rapl_find(r, pkg, PV_RAPL_PACKAGE);

	if (i < 0)
		return i;
	return pv_rapl_read(r, i, ret_uj);
}

double pv_rapl_wrap_seconds(const struct pv_rapl *r, int i, double watts)
{
	if (i < 0 || i >= r->n || watts <= 0 || r->d[i].info.max_range_uj == 0)
		return 0;
	return (double)r->d[i].info.max_range_uj / 1e6 / watts;
}
