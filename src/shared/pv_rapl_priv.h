/*
 * pv_rapl internals shared by pv_rapl.c (handle, accumulation) and the two
 * discovery back-ends, pv_rapl_powercap.c and pv_rapl_perf.c.  Unit tests
 * include it to test the parsers on fixture trees; components must not.
 */
#ifndef PV_RAPL_PRIV_H
#define PV_RAPL_PRIV_H

#include "pv_rapl.h"

#include <pthread.h>

#define PV_RAPL_MAX_DOMS 256

struct pv_rapl_dstate {
	struct pv_rapl_info info;
	int fd;            /* energy_uj (powercap) or the perf event */
	double uj_per_cnt; /* perf: the PMU's .scale (J) * 1e6 */
	uint64_t last_raw; /* last raw reading (powercap) */
	uint64_t acc_uj;   /* 64-bit accumulated energy */
	int rebase;        /* powercap: last_raw is no base (after an out-of-range reading) */
	unsigned out_of_range; /* readings above max_energy_range_uj, taken as resets */
	uint64_t bad_raw;  /* the last such reading, for the message */
};

struct pv_rapl {
	pthread_mutex_t lock;
	int range_said; /* pv_rapl_range_note() reported it */
	enum pv_rapl_source src;
	int n;
	int npkg;
	struct pv_rapl_dstate d[PV_RAPL_MAX_DOMS];
};

/* Appends a formatted sentence to a reason buffer ("; " between parts). */
void pv_rapl_reason_add(char *reason, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sorts r->d by (package, domain), psys last, and sets r->npkg.  The
 * back-ends fill info.pkg with PHYSICAL ids; pv_rapl_open renumbers them
 * (pv_topo_number) before sorting. */
void pv_rapl_sort(struct pv_rapl *r);

/*
 * powercap: fills r->d[] with the zones found, energy files opened and
 * read once.  0 with r->n > 0 on success; -ENODEV when there are no RAPL
 * zones; another -errno (first failure) when zones exist but none can be
 * read.  reason gets one sentence per problem.
 */
int pv_rapl_powercap_open(struct pv_rapl *r, char *reason, size_t reason_len);

/* Parses a powercap zone name: "package-N" -> (PACKAGE, N: the physical
 * package id, renumbered by pv_rapl_finish), "core",
 * "uncore", "dram" -> that domain (pkg from the parent), "psys" -> PSYS.
 * -EINVAL for other names (e.g. "package-0-die-1", handled as unknown). */
int pv_rapl_zone_name(const char *name, enum pv_rapl_dom *ret_dom, int *ret_pkg);

/* perf "power" PMU description read from sysfs (no perf_event_open). */
struct pv_rapl_perf_ev {
	enum pv_rapl_dom dom;
	uint64_t config;
	double scale; /* joules per count */
};

#define PV_RAPL_PERF_MAX_CPUS 64

struct pv_rapl_perf_desc {
	int type;
	int nev;
	struct pv_rapl_perf_ev ev[PV_RAPL_NDOMS];
	int ncpu;
	int cpu[PV_RAPL_PERF_MAX_CPUS]; /* one CPU per package, from cpumask */
	int pkg[PV_RAPL_PERF_MAX_CPUS]; /* its physical_package_id (cpumask position without one) */
};

/* Reads <sysfs>/bus/event_source/devices/power/.  -ENODEV when the PMU is
 * absent, -EINVAL (with reason) on malformed files. */
int pv_rapl_perf_scan(struct pv_rapl_perf_desc *ret, char *reason, size_t reason_len);

/* Parses a perf event string "event=0x02[,umask=..]" (only event= is
 * supported, as the power PMU uses) into a config. */
int pv_rapl_perf_parse_config(const char *s, uint64_t *ret);

/* Parses the PMU's cpumask ("0", "0,18", "0-3,8"; pv_cpus rules) into
 * d->cpu[] and d->ncpu: -EINVAL when malformed or empty, -ERANGE for a CPU
 * >= PV_CPUS_MAX, -E2BIG when more than PV_RAPL_PERF_MAX_CPUS. */
int pv_rapl_perf_parse_cpumask(const char *s, struct pv_rapl_perf_desc *d);

/* Opens one counter: a file descriptor whose read() gives the 64-bit count,
 * or -errno.  perf_event_open in the library; tests pass their own. */
typedef int (*pv_rapl_perf_open_fn)(const struct pv_rapl_perf_desc *d, const struct pv_rapl_perf_ev *e, int cpu);

/* Adds one domain per (cpumask CPU, event) of d to r, counters opened with
 * open_fn, package = the CPU's physical id (pv_rapl_finish renumbers).
 * Same return convention as pv_rapl_powercap_open. */
int pv_rapl_perf_add(struct pv_rapl *r, const struct pv_rapl_perf_desc *d, pv_rapl_perf_open_fn open_fn,
		     char *reason, size_t reason_len);

/* perf: scan, then perf_event_open every (package, event). */
int pv_rapl_perf_open(struct pv_rapl *r, char *reason, size_t reason_len);

/* After a source filled r->d[] with physical package ids: numbers them
 * densely with topo (NULL: read here; see "Package numbers" in pv_rapl.h)
 * and sorts (pv_rapl_sort). */
void pv_rapl_finish(struct pv_rapl *r, const struct pv_topo *topo);

/* Reads one domain's raw value and updates its accumulator (lock held). */
int pv_rapl_update(struct pv_rapl_dstate *d);

/* Accounts one raw powercap reading (wraparound; a value above the range
 * is a reset: counted in out_of_range, the next reading is the new base). */
int pv_rapl_feed(struct pv_rapl_dstate *d, uint64_t raw);

#endif
