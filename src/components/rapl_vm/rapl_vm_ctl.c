/* Host power controls: discovery, reading, validation, batched writes.
 * See rapl_vm_ctl.h. */
#include "rapl_vm_ctl.h"
#include "pv_ctlstate.h"
#include "pv_fs.h"
#include "pv_msg.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CPU_DIR "devices/system/cpu"
#define PSTATE_DIR CPU_DIR "/intel_pstate"

/* ---- what each kind of control is: one row per kind ------------------------ */

/* Where discovery looks for the file: CPU_DIR/cpuN/cpufreq/<leaf>,
 * PSTATE_DIR/<leaf>, <zone>/<leaf> or <zone>/constraint_K_<leaf>. */
enum ctl_scope { IN_CPUFREQ, IN_PSTATE, IN_ZONE, IN_CONSTRAINT };

/* How the file's text reads as the event's value. */
enum ctl_parse {
	AS_NUMBER,
	AS_GOVERNOR, /* a name: its index in scaling_available_governors */
	AS_SETSPEED, /* a number, or "<unsupported>" (read as 0) */
};

/* Where the limits a new value is checked against come from. */
enum ctl_limits {
	LIM_NONE,      /* read-only: the value is ignored */
	LIM_FIXED,     /* [lo, hi] */
	LIM_GOVERNORS, /* an index into scaling_available_governors */
	LIM_FILES,     /* [lo_file, hi_file]: sibling files (cpuinfo_*_freq) */
	LIM_RAPL,      /* constraint_K_{min,max}_<rapl_what>, else the original as ceiling */
};

/* After the batch, the value must stay at most (or at least) another
 * control's value: "is above the maximum frequency 2000000 (file)". */
struct ctl_bound {
	const char *what; /* NULL: no bound */
	enum pv_ctl_kind other;
	int at_most;
};

static const struct ctl_rule {
	enum ctl_scope scope;
	const char *leaf;
	enum ctl_parse parse;
	enum ctl_limits limits;
	int64_t lo, hi;                 /* LIM_FIXED */
	const char *lo_file, *hi_file;  /* LIM_FILES */
	const char *rapl_what;          /* LIM_RAPL: "power_uw", "time_window_us" */
	int userspace_only;             /* only under the userspace governor */
	struct ctl_bound bound[2];
} rules[] = {
	[PV_CTL_GOVERNOR] = { IN_CPUFREQ, "scaling_governor", AS_GOVERNOR, LIM_GOVERNORS },
	[PV_CTL_MIN_FREQ] = { IN_CPUFREQ, "scaling_min_freq", AS_NUMBER, LIM_FILES,
			      .lo_file = "cpuinfo_min_freq", .hi_file = "cpuinfo_max_freq",
			      .bound = { { "the maximum frequency", PV_CTL_MAX_FREQ, 1 } } },
	[PV_CTL_MAX_FREQ] = { IN_CPUFREQ, "scaling_max_freq", AS_NUMBER, LIM_FILES,
			      .lo_file = "cpuinfo_min_freq", .hi_file = "cpuinfo_max_freq",
			      .bound = { { "the minimum frequency", PV_CTL_MIN_FREQ, 0 } } },
	[PV_CTL_SETSPEED] = { IN_CPUFREQ, "scaling_setspeed", AS_SETSPEED, LIM_FILES,
			      .lo_file = "cpuinfo_min_freq", .hi_file = "cpuinfo_max_freq", .userspace_only = 1,
			      .bound = { { "the policy minimum", PV_CTL_MIN_FREQ, 0 },
					 { "the policy maximum", PV_CTL_MAX_FREQ, 1 } } },
	[PV_CTL_CUR_FREQ] = { IN_CPUFREQ, "scaling_cur_freq", AS_NUMBER, LIM_NONE },
	[PV_CTL_PSTATE_NO_TURBO] = { IN_PSTATE, "no_turbo", AS_NUMBER, LIM_FIXED, 0, 1 },
	[PV_CTL_PSTATE_MIN] = { IN_PSTATE, "min_perf_pct", AS_NUMBER, LIM_FIXED, 0, 100,
				.bound = { { "max_perf_pct", PV_CTL_PSTATE_MAX, 1 } } },
	[PV_CTL_PSTATE_MAX] = { IN_PSTATE, "max_perf_pct", AS_NUMBER, LIM_FIXED, 0, 100,
				.bound = { { "min_perf_pct", PV_CTL_PSTATE_MIN, 0 } } },
	[PV_CTL_POWER_LIMIT] = { IN_CONSTRAINT, "power_limit_uw", AS_NUMBER, LIM_RAPL, .rapl_what = "power_uw" },
	[PV_CTL_TIME_WINDOW] = { IN_CONSTRAINT, "time_window_us", AS_NUMBER, LIM_RAPL, .rapl_what = "time_window_us" },
	[PV_CTL_LIMIT_ENABLED] = { IN_ZONE, "enabled", AS_NUMBER, LIM_FIXED, 0, 1 },
};
_Static_assert(sizeof(rules) / sizeof(rules[0]) == PV_CTL_NKINDS, "one constraint rule per control kind");

/* ---- discovery ------------------------------------------------------------- */

int rapl_vm_ctl_zones(const struct pv_rapl *r, struct rapl_vm_ctl_zone *z, int max)
{
	int i, n = 0;

	for (i = 0; r && i < pv_rapl_count(r) && n < max; i++) {
		struct pv_rapl_info in;

		if (pv_rapl_info(r, i, &in) < 0 || in.dom != PV_RAPL_PACKAGE || in.src != PV_RAPL_SRC_POWERCAP)
			continue;
		z[n].pkg = in.pkg;
		z[n].pkg_id = in.pkg_id;
		snprintf(z[n].dir, sizeof(z[n].dir), "%s", in.zone);
		n++;
	}
	return n;
}

static int add(struct rapl_vm_ctl_set *set, enum pv_ctl_kind k, int pkg, int cpu, int constraint, const char *fmt,
	       ...) __attribute__((format(printf, 6, 7)));
static int add(struct rapl_vm_ctl_set *set, enum pv_ctl_kind k, int pkg, int cpu, int constraint, const char *fmt,
	       ...)
{
	struct rapl_vm_ctl *c;
	va_list ap;
	int n;

	if (set->n == set->cap) {
		int cap = set->cap ? set->cap * 2 : 32;
		struct rapl_vm_ctl *nc = realloc(set->c, (size_t)cap * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		set->c = nc;
		set->cap = cap;
	}
	c = &set->c[set->n];
	memset(c, 0, sizeof(*c));
	c->kind = k;
	c->pkg = pkg;
	c->pkg_id = pkg; /* discover_zone sets the physical id */
	c->cpu = cpu;
	c->constraint = constraint;
	va_start(ap, fmt);
	n = vsnprintf(c->file, sizeof(c->file), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(c->file))
		return -ENAMETOOLONG;
	if (pv_fs_exists(PV_SYS, c->file) != 1)
		return 0; /* absent: not a control here */
	set->n++;
	return 1;
}

/* The RAPL limits of a zone: per constraint K that has a name, every
 * IN_CONSTRAINT kind; then the zone's own (IN_ZONE) controls. */
static int discover_zone(struct rapl_vm_ctl_set *set, const struct rapl_vm_ctl_zone *z)
{
	char rel[160], name[sizeof(set->c[0].cname)];
	int k, rc, first = set->n;
	enum pv_ctl_kind kind;

	for (k = 0; k < 16; k++) {
		snprintf(rel, sizeof(rel), "%s/constraint_%d_name", z->dir, k);
		if (pv_fs_read_line(PV_SYS, rel, name, sizeof(name)) < 0)
			continue;
		for (kind = 0; kind < PV_CTL_NKINDS; kind++) {
			if (rules[kind].scope != IN_CONSTRAINT)
				continue;
			rc = add(set, kind, z->pkg, -1, k, "%s/constraint_%d_%s", z->dir, k, rules[kind].leaf);
			if (rc < 0)
				return rc;
			if (rc > 0)
				snprintf(set->c[set->n - 1].cname, sizeof(set->c[0].cname), "%s", name);
		}
	}
	for (kind = 0; kind < PV_CTL_NKINDS; kind++) {
		if (rules[kind].scope != IN_ZONE)
			continue;
		rc = add(set, kind, z->pkg, -1, -1, "%s/%s", z->dir, rules[kind].leaf);
		if (rc < 0)
			return rc;
	}
	for (k = first; k < set->n; k++)
		set->c[k].pkg_id = z->pkg_id;
	return 0;
}

static int read_governors(struct rapl_vm_ctl *c)
{
	char rel[RAPL_CTL_FILE_MAX], buf[512], *tok, *save = NULL;

	snprintf(rel, sizeof(rel), CPU_DIR "/cpu%d/cpufreq/scaling_available_governors", c->cpu);
	if (pv_fs_read(PV_SYS, rel, buf, sizeof(buf), NULL) < 0)
		return 0; /* no list: no index can be validated, so none is writable */
	for (tok = strtok_r(buf, " \t\n", &save); tok && c->ngov < RAPL_CTL_MAX_GOV;
	     tok = strtok_r(NULL, " \t\n", &save))
		snprintf(c->gov[c->ngov++], RAPL_CTL_GOV_LEN, "%s", tok);
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* A CPU's cpufreq controls (IN_CPUFREQ kinds); the first of them (the
 * governor) decides whether the CPU has cpufreq at all. */
static int discover_cpufreq(struct rapl_vm_ctl_set *set, int cpu)
{
	enum pv_ctl_kind kind;
	int rc, first = 1;

	for (kind = 0; kind < PV_CTL_NKINDS; kind++) {
		if (rules[kind].scope != IN_CPUFREQ)
			continue;
		rc = add(set, kind, -1, cpu, -1, CPU_DIR "/cpu%d/cpufreq/%s", cpu, rules[kind].leaf);
		if (rc < 0 || (rc == 0 && first))
			return rc; /* rc == 0: no cpufreq on this CPU */
		if (rc > 0 && rules[kind].parse == AS_GOVERNOR)
			read_governors(&set->c[set->n - 1]);
		first = 0;
	}
	return 0;
}

static int discover_cpus(struct rapl_vm_ctl_set *set)
{
	DIR *d = pv_fs_opendir(PV_SYS, CPU_DIR);
	struct dirent *de;
	int *cpus = NULL, n = 0, cap = 0, i, rc = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		int cpu;

		if (strncmp(de->d_name, "cpu", 3) != 0 || de->d_name[3] < '0' || de->d_name[3] > '9' ||
		    pv_parse_int(de->d_name + 3, &cpu) < 0)
			continue;
		if (n == cap) {
			int *nc = realloc(cpus, (size_t)(cap = cap ? cap * 2 : 64) * sizeof(*nc));

			if (!nc) {
				rc = -ENOMEM;
				break;
			}
			cpus = nc;
		}
		cpus[n++] = cpu;
	}
	closedir(d);
	if (rc == 0 && n > 0)
		qsort(cpus, (size_t)n, sizeof(*cpus), cmp_int);
	for (i = 0; rc >= 0 && i < n; i++)
		rc = discover_cpufreq(set, cpus[i]);
	free(cpus);
	return rc < 0 ? rc : 0;
}

int rapl_vm_ctl_discover(struct rapl_vm_ctl_set *set, const struct rapl_vm_ctl_zone *zones, int nzones)
{
	enum pv_ctl_kind kind;
	int i, rc = 0;

	memset(set, 0, sizeof(*set));
	for (i = 0; rc == 0 && i < nzones; i++)
		rc = discover_zone(set, &zones[i]);
	if (rc == 0)
		rc = discover_cpus(set);
	for (kind = 0; rc >= 0 && kind < PV_CTL_NKINDS; kind++)
		if (rules[kind].scope == IN_PSTATE)
			rc = add(set, kind, -1, -1, -1, PSTATE_DIR "/%s", rules[kind].leaf);
	if (rc < 0) {
		rapl_vm_ctl_free(set);
		return rc;
	}
	return 0;
}

void rapl_vm_ctl_free(struct rapl_vm_ctl_set *set)
{
	free(set->c);
	memset(set, 0, sizeof(*set));
}

int rapl_vm_ctl_find(const struct rapl_vm_ctl_set *set, enum pv_ctl_kind k, int pkg_or_cpu, int constraint)
{
	int i;

	for (i = 0; i < set->n; i++) {
		const struct rapl_vm_ctl *c = &set->c[i];

		if (c->kind != k)
			continue;
		if (c->pkg >= 0 && c->pkg != pkg_or_cpu)
			continue;
		if (c->cpu >= 0 && c->cpu != pkg_or_cpu)
			continue;
		if (c->constraint >= 0 && c->constraint != constraint)
			continue;
		return i;
	}
	return -ENOENT;
}

/* ---- reading --------------------------------------------------------------- */

static int gov_index(const struct rapl_vm_ctl *c, const char *name)
{
	int i;

	for (i = 0; i < c->ngov; i++)
		if (strcmp(c->gov[i], name) == 0)
			return i;
	return -1;
}

int rapl_vm_ctl_read(const struct rapl_vm_ctl *c, int64_t *ret)
{
	char buf[64];
	int rc;

	if (rules[c->kind].parse == AS_NUMBER)
		return pv_fs_read_s64(PV_SYS, c->file, ret);
	rc = pv_fs_read_line(PV_SYS, c->file, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	if (rules[c->kind].parse == AS_GOVERNOR) {
		*ret = gov_index(c, buf);
		return 0;
	}
	if (buf[0] == '<') { /* "<unsupported>": the governor is not userspace */
		*ret = 0;
		return 0;
	}
	return pv_parse_s64(buf, ret);
}

/* A sibling file of the control ("cpuinfo_max_freq" next to scaling_*). */
static int sibling(const struct rapl_vm_ctl *c, const char *leaf, char *rel, size_t len)
{
	const char *slash = strrchr(c->file, '/');
	int n = snprintf(rel, len, "%.*s/%s", slash ? (int)(slash - c->file) : 0, c->file, leaf);

	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

static const char *abs_of(const char *rel, char *buf, size_t len)
{
	if (pv_fs_path(PV_SYS, rel, buf, len) < 0)
		snprintf(buf, len, "%s", rel);
	return buf;
}

/* ---- validation ------------------------------------------------------------ */

struct batch {
	const struct rapl_vm_ctl_set *set;
	const int *idx;
	const int64_t *val;
	int n;
	struct pv_ctlstate *st;
};

/* The value a control will have after this batch: the batch's value if it
 * sets one, else its current value. */
static int effective(const struct batch *b, enum pv_ctl_kind k, int cpu, int64_t *ret, const struct rapl_vm_ctl **rc_ctl)
{
	int i = rapl_vm_ctl_find(b->set, k, cpu, -1), j;

	if (i < 0)
		return i;
	*rc_ctl = &b->set->c[i];
	for (j = b->n - 1; j >= 0; j--) {
		if (b->idx[j] == i && b->val[j] != RAPL_CTL_KEEP) {
			*ret = b->val[j];
			return 0;
		}
	}
	return rapl_vm_ctl_read(&b->set->c[i], ret);
}

static int range_msg(const struct rapl_vm_ctl *c, int64_t v, int64_t lo, int64_t hi, const char *lo_file,
		     const char *hi_file, char *msg, size_t len)
{
	char a[PATH_MAX], l[PATH_MAX];

	if (v < lo) {
		pv_msgf(msg, len, "%s: %" PRId64 " is below the minimum %" PRId64 "%s%s%s", abs_of(c->file, a, sizeof(a)), v,
		     lo, lo_file ? " (" : "", lo_file ? abs_of(lo_file, l, sizeof(l)) : "", lo_file ? ")" : "");
		return -EINVAL;
	}
	if (v > hi) {
		pv_msgf(msg, len, "%s: %" PRId64 " is above the maximum %" PRId64 "%s%s%s", abs_of(c->file, a, sizeof(a)), v,
		     hi, hi_file ? " (" : "", hi_file ? abs_of(hi_file, l, sizeof(l)) : "", hi_file ? ")" : "");
		return -EINVAL;
	}
	return 0;
}

/* Hardware range from two sibling files (cpuinfo_min_freq/cpuinfo_max_freq). */
static int hw_range(const struct rapl_vm_ctl *c, int64_t v, const char *lo_leaf, const char *hi_leaf, char *msg,
		    size_t len)
{
	char lo_rel[RAPL_CTL_FILE_MAX + 64], hi_rel[RAPL_CTL_FILE_MAX + 64], a[PATH_MAX];
	int64_t lo, hi;
	int rc;

	sibling(c, lo_leaf, lo_rel, sizeof(lo_rel));
	sibling(c, hi_leaf, hi_rel, sizeof(hi_rel));
	rc = pv_fs_read_s64(PV_SYS, lo_rel, &lo);
	if (rc == 0)
		rc = pv_fs_read_s64(PV_SYS, hi_rel, &hi);
	if (rc < 0) {
		pv_msgf(msg, len, "%s: cannot check %" PRId64 ": the hardware limits %s/%s are unreadable (%s)",
		     abs_of(c->file, a, sizeof(a)), v, lo_leaf, hi_leaf, strerror(-rc));
		return -EINVAL;
	}
	return range_msg(c, v, lo, hi, lo_rel, hi_rel, msg, len);
}

/* RAPL limit: [min file or 1, max file]; without a published maximum the
 * value saved before the first change (or the current one) is the ceiling. */
static int check_rapl(const struct batch *b, const struct rapl_vm_ctl *c, int64_t v, char *msg, size_t len)
{
	const char *what = rules[c->kind].rapl_what;
	char leaf[64], lo_rel[RAPL_CTL_FILE_MAX + 64], hi_rel[RAPL_CTL_FILE_MAX + 64], a[PATH_MAX], orig[64];
	int64_t lo = 1, hi;

	snprintf(leaf, sizeof(leaf), "constraint_%d_min_%s", c->constraint, what);
	sibling(c, leaf, lo_rel, sizeof(lo_rel));
	if (pv_fs_read_s64(PV_SYS, lo_rel, &lo) < 0 || lo < 1)
		lo = 1;
	snprintf(leaf, sizeof(leaf), "constraint_%d_max_%s", c->constraint, what);
	sibling(c, leaf, hi_rel, sizeof(hi_rel));
	if (pv_fs_read_s64(PV_SYS, hi_rel, &hi) == 0 && hi > 0)
		return range_msg(c, v, lo, hi, lo_rel, hi_rel, msg, len);
	if (b->st && pv_ctlstate_original(b->st, abs_of(c->file, a, sizeof(a)), orig, sizeof(orig)) == 0 &&
	    pv_parse_s64(orig, &hi) == 0) {
		/* hi = the original value */
	} else if (rapl_vm_ctl_read(c, &hi) < 0) {
		hi = 0;
	}
	if (v > hi) {
		pv_msgf(msg, len,
		     "%s: %" PRId64 " is above %" PRId64 ", the value before the first change: the hardware publishes no"
		     " maximum (%s absent), so this limit can only be lowered",
		     abs_of(c->file, a, sizeof(a)), v, hi, leaf);
		return -EINVAL;
	}
	return range_msg(c, v, lo, INT64_MAX, lo_rel, NULL, msg, len);
}

static int check_governor_index(const struct rapl_vm_ctl *c, int64_t v, char *msg, size_t len)
{
	char list[RAPL_CTL_MAX_GOV * (RAPL_CTL_GOV_LEN + 4)] = "", rel[RAPL_CTL_FILE_MAX + 64];
	char a[PATH_MAX], l[PATH_MAX];
	int i;

	if (v >= 0 && v < c->ngov)
		return 0;
	for (i = 0; i < c->ngov; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d=%s", i ? " " : "", i, c->gov[i]);
	sibling(c, "scaling_available_governors", rel, sizeof(rel));
	pv_msgf(msg, len, "%s: governor index %" PRId64 " is out of range: %s lists %d (%s)",
		abs_of(c->file, a, sizeof(a)), v, abs_of(rel, l, sizeof(l)), c->ngov, list);
	return -EINVAL;
}

/* The value against its own limits (the rule's limits source). */
static int check_limits(const struct batch *b, const struct rapl_vm_ctl *c, int64_t v, char *msg, size_t len)
{
	const struct ctl_rule *r = &rules[c->kind];

	switch (r->limits) {
	case LIM_FIXED:
		return range_msg(c, v, r->lo, r->hi, NULL, NULL, msg, len);
	case LIM_GOVERNORS:
		return check_governor_index(c, v, msg, len);
	case LIM_FILES:
		return hw_range(c, v, r->lo_file, r->hi_file, msg, len);
	case LIM_RAPL:
		return check_rapl(b, c, v, msg, len);
	case LIM_NONE:
		break;
	}
	return 0;
}

/* Only under the userspace governor (scaling_setspeed), which may be set
 * in the same batch. */
static int check_userspace(const struct batch *b, const struct rapl_vm_ctl *c, int64_t v, char *msg, size_t len)
{
	const struct rapl_vm_ctl *o = NULL;
	char a[PATH_MAX], l[PATH_MAX];
	int64_t e = -1;

	if (effective(b, PV_CTL_GOVERNOR, c->cpu, &e, &o) == 0 && e >= 0 && e < o->ngov &&
	    strcmp(o->gov[e], "userspace") == 0)
		return 0;
	pv_msgf(msg, len,
		"%s: cannot set %" PRId64 " kHz: the governor of cpu%d is %s, not userspace (%s); set"
		" CPU_GOVERNOR:cpu=%d to userspace in the same PAPI_write",
		abs_of(c->file, a, sizeof(a)), v, c->cpu, (o && e >= 0 && e < o->ngov) ? o->gov[e] : "unknown",
		o ? abs_of(o->file, l, sizeof(l)) : "", c->cpu);
	return -EINVAL;
}

/* The value against another control's value after the batch. */
static int check_bound(const struct batch *b, const struct rapl_vm_ctl *c, int64_t v, const struct ctl_bound *bd,
		       char *msg, size_t len)
{
	const struct rapl_vm_ctl *o = NULL;
	char a[PATH_MAX], l[PATH_MAX];
	int64_t e;

	if (effective(b, bd->other, c->cpu, &e, &o) < 0 || (bd->at_most ? v <= e : v >= e))
		return 0;
	pv_msgf(msg, len, "%s: %" PRId64 " is %s %s %" PRId64 " (%s)", abs_of(c->file, a, sizeof(a)), v,
		bd->at_most ? "above" : "below", bd->what, e, abs_of(o->file, l, sizeof(l)));
	return -EINVAL;
}

/* One control's new value, by its kind's rule: userspace governor, own
 * limits, then bounds by other controls. */
static int check_one(const struct batch *b, const struct rapl_vm_ctl *c, int64_t v, char *msg, size_t len)
{
	const struct ctl_rule *r = &rules[c->kind];
	size_t i;
	int rc;

	if (r->userspace_only && (rc = check_userspace(b, c, v, msg, len)) < 0)
		return rc;
	rc = check_limits(b, c, v, msg, len);
	for (i = 0; rc == 0 && i < sizeof(r->bound) / sizeof(r->bound[0]) && r->bound[i].what; i++)
		rc = check_bound(b, c, v, &r->bound[i], msg, len);
	return rc;
}

static int changes(const struct rapl_vm_ctl *c, int64_t v)
{
	int64_t cur;

	if (v == RAPL_CTL_KEEP || !pv_ctl_kind_writable(c->kind))
		return 0;
	/* Equal to the current value: nothing to write (and nothing to save). */
	return !(rapl_vm_ctl_read(c, &cur) == 0 && cur == v);
}

static int validate(const struct batch *b, char *msg, size_t len)
{
	int j, rc;

	for (j = 0; j < b->n; j++) {
		const struct rapl_vm_ctl *c;

		if (b->idx[j] < 0 || b->idx[j] >= b->set->n) {
			pv_msgf(msg, len, "control %d does not exist", b->idx[j]);
			return -ENOENT;
		}
		c = &b->set->c[b->idx[j]];
		if (!changes(c, b->val[j]))
			continue;
		rc = check_one(b, c, b->val[j], msg, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rapl_vm_ctl_validate(const struct rapl_vm_ctl_set *set, struct pv_ctlstate *st, const int *idx, const int64_t *val,
		      int n, char *msg, size_t len)
{
	struct batch b = { set, idx, val, n, st };

	return validate(&b, msg, len);
}

/* ---- writing ---------------------------------------------------------------- */

struct step {
	int j;   /* position in the batch */
	int key; /* write order */
	char prev[PV_CTLSTATE_VALUE_MAX];
};

static int cmp_step(const void *a, const void *b)
{
	const struct step *x = a, *y = b;

	if (x->key != y->key)
		return x->key - y->key;
	return x->j - y->j;
}

/* Write order: the kind's rank; a minimum that rises above the current
 * maximum goes after the maximum, otherwise before it. */
static int order_key(const struct batch *b, const struct rapl_vm_ctl *c, int64_t v)
{
	enum pv_ctl_kind max = c->kind == PV_CTL_MIN_FREQ ? PV_CTL_MAX_FREQ : PV_CTL_PSTATE_MAX;
	const struct rapl_vm_ctl *o;
	int64_t cur;

	if (c->kind != PV_CTL_MIN_FREQ && c->kind != PV_CTL_PSTATE_MIN)
		return (int)c->kind * 2;
	o = NULL;
	{
		int i = rapl_vm_ctl_find(b->set, max, c->cpu, -1);

		if (i >= 0)
			o = &b->set->c[i];
	}
	if (o && rapl_vm_ctl_read(o, &cur) == 0 && v > cur)
		return (int)max * 2 + 1;
	return (int)c->kind * 2;
}

static int format_value(const struct rapl_vm_ctl *c, int64_t v, char *buf, size_t len)
{
	if (rules[c->kind].parse == AS_GOVERNOR)
		snprintf(buf, len, "%s\n", c->gov[v]);
	else
		snprintf(buf, len, "%" PRId64 "\n", v);
	return 0;
}

static const char *write_hint(int rc)
{
	if (rc == -EACCES || rc == -EPERM)
		return " (changing host controls needs root)";
	if (rc == -EINVAL)
		return " (the kernel rejected the value)";
	return "";
}

static void rollback(const struct batch *b, struct step *s, int done)
{
	/* Reverse order undoes ordering constraints in the right sequence. */
	while (--done >= 0) {
		const struct rapl_vm_ctl *c = &b->set->c[b->idx[s[done].j]];

		pv_fs_write_str(PV_SYS, c->file, s[done].prev);
	}
}

int rapl_vm_ctl_apply(const struct rapl_vm_ctl_set *set, struct pv_ctlstate *st, const int *idx, const int64_t *val,
		   int n, char *msg, size_t len)
{
	struct batch b = { set, idx, val, n, st };
	struct step *s;
	char a[PATH_MAX], buf[64];
	int ns = 0, j, rc;

	if (msg && len)
		msg[0] = '\0';
	rc = validate(&b, msg, len);
	if (rc < 0)
		return rc;
	s = calloc((size_t)(n ? n : 1), sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (j = 0; j < n; j++) {
		const struct rapl_vm_ctl *c = &set->c[idx[j]];

		if (!changes(c, val[j]))
			continue;
		s[ns].j = j;
		s[ns].key = order_key(&b, c, val[j]);
		ns++;
	}
	/* Every original is on disk before anything changes. */
	for (j = 0; j < ns && st; j++) {
		const struct rapl_vm_ctl *c = &set->c[idx[s[j].j]];

		rc = pv_ctlstate_save(st, pv_ctl_kind_name(c->kind), abs_of(c->file, a, sizeof(a)), msg, len);
		if (rc < 0)
			goto out;
	}
	qsort(s, (size_t)ns, sizeof(*s), cmp_step);
	for (j = 0; j < ns; j++) {
		const struct rapl_vm_ctl *c = &set->c[idx[s[j].j]];

		rc = pv_fs_read(PV_SYS, c->file, s[j].prev, sizeof(s[j].prev), NULL);
		if (rc == 0) {
			format_value(c, val[s[j].j], buf, sizeof(buf));
			rc = pv_fs_write_str(PV_SYS, c->file, buf);
		}
		if (rc < 0) {
			pv_msgf(msg, len, "%s: cannot write %" PRId64 ": %s%s", abs_of(c->file, a, sizeof(a)), val[s[j].j],
			     strerror(-rc), write_hint(rc));
			rollback(&b, s, j);
			goto out;
		}
	}
	rc = 0;
out:
	free(s);
	return rc;
}
