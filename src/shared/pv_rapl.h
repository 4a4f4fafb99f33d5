/*
 * pv_rapl: RAPL energy per package and domain, PAPI-free, shared by rapl_vm
 * and vmpower.
 *
 * Sources, in order of preference:
 *   1. powercap sysfs zones  <sysfs>/class/powercap/intel-rapl:N[:M]/
 *      (Intel, and AMD since Linux 5.8: same "intel-rapl" control type).
 *      Zones are identified by their "name" file ("package-N", "core",
 *      "uncore", "dram", "psys"), never by their position: a psys zone
 *      (often intel-rapl:1) does not shift package numbering.
 *   2. the perf "power" PMU  <sysfs>/bus/event_source/devices/power/
 *      (events/energy-{pkg,cores,gpu,ram,psys} with their .scale), opened
 *      with perf_event_open on the first CPU of each package listed in its
 *      cpumask.  Used only when no powercap zone can be read.
 * All sysfs access goes through pv_fs (PAPI_VIRT_SYSFS moves the root).
 *
 * Package numbers: both sources find PHYSICAL package ids (the kernel writes
 * topology_physical_package_id into "package-N"; perf gives a CPU whose
 * physical_package_id is read).  pv_rapl reports packages in the one dense
 * numbering of pv_topo.h instead (index 0..n-1 in order of physical id, the
 * ":pkg=N" of vmpower and rapl_vm), and keeps the physical id in
 * pv_rapl_info.pkg_id.  A physical id that no online CPU has (a fixture
 * without CPU topology, a zone left from a package whose CPUs are all
 * offline) is numbered after the topology's packages, in order of physical
 * id (pv_topo_number): the domain stays readable and the packages with CPUs
 * keep their numbers.  When the topology cannot be read at all, the
 * numbering is the rank of the source's own ids, so 0..n-1 stay 0..n-1.
 *
 * Counters: a domain's energy is reported as a 64-bit, never-decreasing
 * count of microjoules.  For powercap it is the zone's energy_uj extended
 * to 64 bits: equal to energy_uj until the first wraparound, then
 * energy_uj + k * (max_energy_range_uj + 1) after k wraps (the counter
 * counts modulo max_energy_range_uj + 1).  A wrap is detected when a read
 * is lower than the previous one, so at most one wrap between two reads of
 * the same domain is seen: read more often than the wrap period
 * (max_energy_range_uj / power; ~260 kJ / 200 W ~ 20 min on current
 * servers).  pv_rapl_wrap_seconds() gives that bound.  For perf the count
 * is the PMU's 64-bit count times its scale, in uJ, from 0 at open.
 * Consumers take differences between two reads.
 *
 * Thread safety: all functions may be called concurrently on one handle
 * (an internal mutex protects the accumulators).
 *
 * Errors are negative errno; when a function has a reason buffer it is
 * filled with one sentence naming the path, the value and the cause.
 */
#ifndef PV_RAPL_H
#define PV_RAPL_H

#include <stddef.h>
#include <stdint.h>

enum pv_rapl_dom {
	PV_RAPL_PACKAGE = 0, /* "package-N" zone / energy-pkg   */
	PV_RAPL_CORE,        /* "core" subzone    / energy-cores */
	PV_RAPL_UNCORE,      /* "uncore" subzone  / energy-gpu   */
	PV_RAPL_DRAM,        /* "dram" subzone    / energy-ram   */
	PV_RAPL_PSYS,        /* "psys" zone       / energy-psys (platform; pkg = -1) */
	PV_RAPL_NDOMS
};

enum pv_rapl_source {
	PV_RAPL_SRC_NONE = 0,
	PV_RAPL_SRC_POWERCAP,
	PV_RAPL_SRC_PERF,
};

/* Flags for pv_rapl_open. */
#define PV_RAPL_NO_POWERCAP 0x1u /* skip the powercap zones */
#define PV_RAPL_NO_PERF     0x2u /* skip the perf power PMU */

#define PV_RAPL_REASON_MAX 512
#define PV_RAPL_ZONE_MAX 64

struct pv_rapl;

/* One energy domain found on this host. */
struct pv_rapl_info {
	int pkg;                  /* dense package index (pv_topo.h); -1 for psys */
	int pkg_id;               /* its physical package id (from "package-N" or
	                           * the perf CPU's topology); -1 for psys */
	enum pv_rapl_dom dom;
	enum pv_rapl_source src;
	/* powercap: the zone directory relative to the sysfs root,
	 * "class/powercap/intel-rapl:0:1"; perf: "" */
	char zone[PV_RAPL_ZONE_MAX];
	uint64_t max_range_uj;    /* powercap wrap range; 0 for perf (64-bit) */
};

/* Short lower-case name of a domain: "package", "core", "uncore", "dram",
 * "psys"; NULL when out of range. */
const char *pv_rapl_dom_name(enum pv_rapl_dom dom);

/* Discovers the domains (see the source order above), opens their counters
 * and takes a first reading.  On success *ret is a new handle.  When no
 * source can be used, returns -ENODEV (nothing there), -EACCES/-EPERM
 * (present but not readable, e.g. energy_uj is root-only since Linux 5.10)
 * or another -errno, and reason says why (which files, which error).
 * On success reason lists what the source could not use (a zone with a
 * malformed or unreadable file, zones past the limit), "" when nothing.
 * reason may be NULL. */
int pv_rapl_open(unsigned flags, struct pv_rapl **ret, char *reason, size_t reason_len);

/* The same, numbering packages with a topology the caller has already read
 * (vmpower: its ":pkg=N" and pv_rapl's N then come from one read; a CPU
 * hot-plugged in between cannot make them differ).  topo NULL: read here. */
struct pv_topo;
int pv_rapl_open_topo(unsigned flags, const struct pv_topo *topo, struct pv_rapl **ret, char *reason,
		      size_t reason_len);
void pv_rapl_close(struct pv_rapl *r);

enum pv_rapl_source pv_rapl_source(const struct pv_rapl *r);
/* "powercap" or "perf (power PMU)", for messages. */
const char *pv_rapl_source_name(const struct pv_rapl *r);

/* Number of packages (highest dense package index + 1) and of domains. */
int pv_rapl_npackages(const struct pv_rapl *r);
int pv_rapl_count(const struct pv_rapl *r);

/* Domain i (0 <= i < pv_rapl_count) -> its description.  -ENOENT if out of
 * range. */
int pv_rapl_info(const struct pv_rapl *r, int i, struct pv_rapl_info *ret);

/* Index of the domain (pkg, dom), pkg the dense package index (see "Package
 * numbers"), ignored for PV_RAPL_PSYS; -ENOENT when this host has no such
 * domain. */
int pv_rapl_find(const struct pv_rapl *r, int pkg, enum pv_rapl_dom dom);

/* Reads domain i now and returns its 64-bit accumulated energy in uJ
 * (see "Counters" above). */
int pv_rapl_read(struct pv_rapl *r, int i, uint64_t *ret_uj);

/* Reads n domains (indices idx[0..n-1]) under one lock acquisition; stops
 * at the first error, leaving ret_uj[] of the later ones untouched. */
int pv_rapl_read_many(struct pv_rapl *r, const int *idx, int n, uint64_t *ret_uj);

/* 1 (once per pv_rapl) when a domain has read a value above its
 * max_energy_range_uj, which the counters took as a reset: msg names the
 * file, the value and the range.  0 otherwise. */
int pv_rapl_range_note(struct pv_rapl *r, char *msg, size_t len);

/* "pkg=1 is physical package 3, ..." for the package domains whose dense
 * index differs from their physical id, "" when none does (for debug output
 * and descriptions).  Returns the number of such packages. */
int pv_rapl_numbering(const struct pv_rapl *r, char *buf, size_t len);

/* Convenience: the package domain of package pkg (dense index). */
int pv_rapl_read_package(struct pv_rapl *r, int pkg, uint64_t *ret_uj);

/* Seconds between two reads of domain i above which a wrap can be missed,
 * at the given power in watts; 0 when the counter cannot wrap (perf). */
double pv_rapl_wrap_seconds(const struct pv_rapl *r, int i, double watts);

/*
 * The wraparound arithmetic on its own, for callers keeping their own
 * counters: energy between two raw readings of a counter that counts
 * modulo (max_range + 1).
 */
uint64_t pv_rapl_delta(uint64_t prev, uint64_t cur, uint64_t max_range);

#endif
