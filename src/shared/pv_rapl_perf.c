/* pv_rapl back-end: the perf "power" PMU (energy-pkg, energy-cores, ...).
 * The sysfs description is parsed here (testable on fixtures); the counters
 * are opened with perf_event_open, which needs the real PMU. */
#include "pv_rapl_priv.h"
#include "pv_cpus.h"
#include "pv_fs.h"
#include "pv_perf.h"
#include "pv_topo.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PMU_DIR "bus/event_source/devices/power"

static const struct {
	const char *event;
	enum pv_rapl_dom dom;
} pv_perf_events[] = {
	{ "energy-pkg", PV_RAPL_PACKAGE },
	{ "energy-cores", PV_RAPL_CORE },
	{ "energy-gpu", PV_RAPL_UNCORE },
	{ "energy-ram", PV_RAPL_DRAM },
	{ "energy-psys", PV_RAPL_PSYS },
};

int pv_rapl_perf_parse_config(const char *s, uint64_t *ret)
{
	char buf[128], *tok, *save = NULL;
	uint64_t config = 0;
	int seen = 0;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -EINVAL;
	buf[strcspn(buf, "\n")] = '\0';
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long long v;

		if (strncmp(tok, "event=", 6) != 0)
			return -EINVAL; /* umask=, config1=...: not a power PMU event */
		errno = 0;
		v = strtoull(tok + 6, &end, 0);
		if (errno || end == tok + 6 || *end != '\0' || seen)
			return -EINVAL;
		config = v;
		seen = 1;
	}
	if (!seen)
		return -EINVAL;
	*ret = config;
	return 0;
}

static int perf_bad(char *reason, size_t rlen, const char *rel, int rc)
{
	char msg[PATH_MAX + 64];

	pv_rapl_reason_add(reason, rlen, "perf power PMU: %s", pv_fs_describe(PV_SYS, rel, rc, msg, sizeof(msg)));
	return rc;
}

/* pv_cpus callback: appends a cpumask CPU to the descriptor's list. */
static int add_cpu(int cpu, void *arg)
{
	struct pv_rapl_perf_desc *d = arg;

	if (d->ncpu >= PV_RAPL_PERF_MAX_CPUS)
		return -E2BIG;
	d->cpu[d->ncpu++] = cpu;
	return 0;
}

/* The power PMU's cpumask: one CPU per package, at least one. */
int pv_rapl_perf_parse_cpumask(const char *s, struct pv_rapl_perf_desc *d)
{
	int rc;

	d->ncpu = 0;
	rc = pv_cpus_parse_list(s, PV_CPUS_MAX, add_cpu, d);
	return rc == 0 ? -EINVAL : rc < 0 ? rc : 0;
}

static int perf_scan_cpus(struct pv_rapl_perf_desc *d, char *reason, size_t rlen)
{
	char buf[1024];
	int rc, i;

	rc = pv_fs_read(PV_SYS, PMU_DIR "/cpumask", buf, sizeof(buf), NULL);
	if (rc == 0)
		rc = pv_rapl_perf_parse_cpumask(buf, d);
	if (rc < 0)
		return perf_bad(reason, rlen, PMU_DIR "/cpumask", rc);
	/* Physical ids here; pv_rapl_open numbers them densely (pv_topo).
	 * Without topology the cpumask order is the package order. */
	for (i = 0; i < d->ncpu; i++)
		if (pv_topo_cpu_phys(d->cpu[i], &d->pkg[i]) < 0)
			d->pkg[i] = i;
	return 0;
}

int pv_rapl_perf_scan(struct pv_rapl_perf_desc *d, char *reason, size_t rlen)
{
	char buf[128], rel[128];
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = pv_fs_read(PV_SYS, PMU_DIR "/type", buf, sizeof(buf), NULL);
	if (rc == -ENOENT) {
		char path[PATH_MAX];

		pv_fs_path(PV_SYS, PMU_DIR, path, sizeof(path));
		pv_rapl_reason_add(reason, rlen, "perf power PMU: %s absent (no RAPL PMU in this kernel or CPU)", path);
		return -ENODEV;
	}
	if (rc == 0)
		rc = pv_parse_int(buf, &d->type);
	if (rc < 0)
		return perf_bad(reason, rlen, PMU_DIR "/type", rc);
	rc = perf_scan_cpus(d, reason, rlen);
	if (rc < 0)
		return rc;
	for (i = 0; i < sizeof(pv_perf_events) / sizeof(pv_perf_events[0]); i++) {
		struct pv_rapl_perf_ev *e = &d->ev[d->nev];
		char *end;

		snprintf(rel, sizeof(rel), PMU_DIR "/events/%s", pv_perf_events[i].event);
		rc = pv_fs_read(PV_SYS, rel, buf, sizeof(buf), NULL);
		if (rc == -ENOENT)
			continue; /* this CPU has no such domain */
		if (rc == 0)
			rc = pv_rapl_perf_parse_config(buf, &e->config);
		if (rc < 0)
			return perf_bad(reason, rlen, rel, rc);
		snprintf(rel, sizeof(rel), PMU_DIR "/events/%s.scale", pv_perf_events[i].event);
		rc = pv_fs_read(PV_SYS, rel, buf, sizeof(buf), NULL);
		if (rc == 0) {
			errno = 0;
			e->scale = strtod(buf, &end);
			while (*end == '\n' || *end == ' ')
				end++;
			if (errno || end == buf || *end || !(e->scale > 0))
				rc = -EINVAL;
		}
		if (rc < 0)
			return perf_bad(reason, rlen, rel, rc);
		e->dom = pv_perf_events[i].dom;
		d->nev++;
	}
	if (d->nev == 0) {
		pv_rapl_reason_add(reason, rlen, "perf power PMU: no energy-* event in %s/%s/events", pv_fs_root(PV_SYS),
				   PMU_DIR);
		return -ENODEV;
	}
	return 0;
}

static int perf_open_one(const struct pv_rapl_perf_desc *d, const struct pv_rapl_perf_ev *e, int cpu)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = (unsigned)d->type;
	attr.config = e->config;
	return pv_perf_open(&attr, -1, cpu, 0);
}

int pv_rapl_perf_add(struct pv_rapl *r, const struct pv_rapl_perf_desc *d, pv_rapl_perf_open_fn open_fn,
		     char *reason, size_t rlen)
{
	int i, k;

	for (k = 0; k < d->nev; k++) {
		for (i = 0; i < d->ncpu && r->n < PV_RAPL_MAX_DOMS; i++) {
			struct pv_rapl_dstate *s = &r->d[r->n];
			int fd;

			if (d->ev[k].dom == PV_RAPL_PSYS && i > 0)
				break; /* platform-wide: one counter */
			fd = open_fn(d, &d->ev[k], d->cpu[i]);
			if (fd < 0) {
				pv_rapl_reason_add(reason, rlen,
						   "perf power PMU: perf_event_open(type %d, config 0x%llx, cpu %d): %s%s",
						   d->type, (unsigned long long)d->ev[k].config, d->cpu[i], strerror(-fd),
						   pv_perf_hint(fd));
				return fd;
			}
			memset(s, 0, sizeof(*s));
			s->fd = fd;
			s->info.src = PV_RAPL_SRC_PERF;
			s->info.dom = d->ev[k].dom;
			s->info.pkg = d->ev[k].dom == PV_RAPL_PSYS ? -1 : d->pkg[i]; /* physical */
			s->uj_per_cnt = d->ev[k].scale * 1e6;
			r->n++;
		}
	}
	return r->n > 0 ? 0 : -ENODEV;
}

int pv_rapl_perf_open(struct pv_rapl *r, char *reason, size_t rlen)
{
	struct pv_rapl_perf_desc d;
	int rc = pv_rapl_perf_scan(&d, reason, rlen);

	return rc < 0 ? rc : pv_rapl_perf_add(r, &d, perf_open_one, reason, rlen);
}
