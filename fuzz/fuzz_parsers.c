/*
 * libFuzzer targets for every text parser of papi-virt's logic modules
 * (src/shared and the components).  One source, one binary per target:
 * built with -DPV_FUZZ_<TARGET> by scripts/fuzz.sh, which also runs them on
 * the seed corpora in fuzz/corpus/<target>/.  The input is made a
 * NUL-terminated string (what every parser receives from pv_fs); a crash,
 * a sanitizer report, a leak or a broken invariant (abort) is a finding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pv_evname.h"
#include "pv_cgroup.h"
#include "pv_cpus.h"
#include "pv_fs.h"
#include "pv_schedstat.h"
#include "pv_procstat.h"
#include "pv_rapl_priv.h"
#include "pv_virt_proc.h"
#include "appio_report.h"
#include "pv_ctlstate.h"
#include "steal_procstat.h"
#include "steal_pvacct.h"
#include "vmp_basis.h"
#include "vmp_model.h"
#include "vmp_procstat.h"
#include "pv_topo.h"

#include "fuzz_common.h"

#if defined(PV_FUZZ_PV_PARSE)
/* pv_fs's strict numbers: a parsed value prints back to what was parsed. */
static void one(const char *s, size_t len)
{
	uint64_t u;
	int64_t i;
	int n;
	const char *p = s;

	(void)len;
	if (pv_parse_u64(s, &u) == 0)
		check(strtoull(s, NULL, 10) == u);
	if (pv_parse_s64(s, &i) == 0)
		check(strtoll(s, NULL, 10) == i);
	pv_parse_int(s, &n);
	for (int k = 0; k < 64 && pv_parse_scan_u64(&p, &u) == 0; k++)
		check(p > s && p <= s + len);
}
#elif defined(PV_FUZZ_PV_EVNAME)
static void one(const char *s, size_t len)
{
	struct pv_evname ev;
	char buf[4096], back[4096];
	int v;

	(void)len;
	if (pv_evname_parse(s, &ev) == 0)
		pv_evname_int(&ev, "vm", &v);
	/* escape then unescape gives the input back */
	if (pv_evname_escape(s, buf, sizeof(buf)) == 0 && pv_evname_unescape(buf, back, sizeof(back)) == 0)
		check(strcmp(back, s) == 0);
	pv_evname_unescape(s, back, sizeof(back));
}
#elif defined(PV_FUZZ_PV_VIRT)
static void one(const char *s, size_t len)
{
	char uuid[64], *a = NULL, *b = NULL;
	struct pv_schedstat st;
	uint64_t t;
	int idx;

	pv_virt_parse_cmdline_uuid(s, len, uuid);
	pv_virt_parse_vcpu_comm(s, &idx);
	pv_virt_parse_stat_start_time(s, &t);
	pv_virt_parse_stat_state(s);
	if (pv_virt_parse_cgroup_v2(s, &a) == 0)
		free(a);
	a = NULL;
	if (pv_virt_parse_mountinfo_cgroup2(s, &a, &b) == 0) {
		free(a);
		free(b);
	}
	a = b = NULL;
	if (pv_virt_parse_mounts_cgroup2(s, &a, &b) == 0) {
		free(a);
		free(b);
	}
	pv_schedstat_parse(s, &st);
}
#elif defined(PV_FUZZ_PV_RAPL)
static void one(const char *s, size_t len)
{
	struct pv_rapl_perf_desc d;
	int pkg;
	uint64_t cfg;
	enum pv_rapl_dom dom;

	(void)len;
	if (pv_rapl_perf_parse_cpumask(s, &d) == 0)
		check(d.ncpu > 0 && d.ncpu <= PV_RAPL_PERF_MAX_CPUS);
	pv_rapl_perf_parse_config(s, &cfg);
	pv_rapl_zone_name(s, &dom, &pkg);
}
#elif defined(PV_FUZZ_STEAL_PROCSTAT)
static void one(const char *s, size_t len)
{
	struct steal_procstat ps;
	struct pv_procstat_scan sc;
	struct pv_cpuline l;

	(void)len;
	/* The shared parser itself, then steal's snapshot built on it. */
	pv_procstat_scan_init(&sc, s);
	while (pv_procstat_next(&sc, &l)) {
		check(l.cpu >= PV_PROCSTAT_TOTAL && l.cpu < PV_PROCSTAT_MAX_CPUS);
		check(l.ncols >= PV_PROCSTAT_MIN_COLS && l.ncols <= PV_PS_NCOLS);
		check(pv_procstat_cpuline_sum(&l, PV_PS_BUSY) <= pv_procstat_cpuline_sum(&l, PV_PS_BUSY | PV_PS_IDLE));
		for (uint64_t hz = 1; hz <= 1000; hz *= 10)
			check(pv_procstat_ticks_to_ns(l.col[PV_PS_USER], hz) <= PV_NS_MAX);
	}
	steal_procstat_init(&ps);
	if (steal_procstat_parse(s, &ps) == 0) {
		int from_sum;

		steal_procstat_total_steal(&ps, &from_sum);
	}
	steal_procstat_free(&ps);
	steal_pvacct_cmdline_off(s);
	steal_pvacct_config_on(s);
}
#elif defined(PV_FUZZ_VMP_MODEL)
static void one(const char *s, size_t len)
{
	struct vmp_model m;
	struct vmp_idle_cfg idle;
	char err[256];
	uint64_t uw;

	(void)len;
	if (vmp_model_parse(s, &m, err, sizeof(err)) == 0)
		check(m.idle_uw <= m.max_uw && m.max_uw <= (uint64_t)VMP_MAX_WATTS * 1000000u);
	vmp_model_idle_parse(s, &idle, err, sizeof(err));
	vmp_model_parse_watts(s, &uw);
}
#elif defined(PV_FUZZ_VMP_PROCSTAT)
static void one(const char *s, size_t len)
{
	int pkg_of[8] = { 0, 0, 1, 1, -1, 0, 1, 0 };
	struct pv_topo t = { 0 };
	struct vmp_pkgstat ps;
	unsigned char bm[256];
	struct pv_cpustat cs;

	(void)len;
	t.ncpu = 8;
	t.pkg_of = pkg_of;
	t.npkg = 2;
	if (vmp_procstat_parse(s, &t, 100, &ps) == 0)
		check(ps.busy_ns[0] <= ps.total_ns[0] && ps.busy_ns[1] <= ps.total_ns[1]);
	int ncpu = pv_cpus_parse_bitmap(s, bm, 256), nset = 0;
	for (int i = 0; i < 256; i++)
		nset += bm[i];
	if (ncpu >= 0) /* duplicates count twice, but each listed CPU sets a bit */
		check(nset <= ncpu && (ncpu == 0) == (nset == 0));
	if (pv_cgroup_parse_cpustat(s, &cs) == 0)
		check(cs.usage_ns <= PV_NS_MAX && cs.user_ns <= PV_NS_MAX && cs.system_ns <= PV_NS_MAX);
}
#elif defined(PV_FUZZ_STATE_ESCAPE)
/* The control state file's fields and lines, and appio's report. */
static void one(const char *s, size_t len)
{
	char esc[3 * 4096 + 1], back[4096];
	uint64_t slots[APPIO_NSLOTS];
	struct pv_ctlstate_entry e;
	pid_t pid;

	(void)len;
	if (pv_ctlstate_parse_line(s, &pid, &e) == PV_CTLSTATE_LINE_SAVE)
		check(strlen(e.kind) < sizeof(e.kind) && strlen(e.path) < sizeof(e.path));
	if (pv_ctlstate_escape(s, esc, sizeof(esc)) == 0 && pv_ctlstate_unescape(esc, back, sizeof(back)) == 0)
		check(strcmp(back, s) == 0);
	pv_ctlstate_unescape(s, back, sizeof(back));
	appio_report_parse(s, slots);
}
#else
#error "define one PV_FUZZ_<TARGET> (see scripts/fuzz.sh)"
#endif
