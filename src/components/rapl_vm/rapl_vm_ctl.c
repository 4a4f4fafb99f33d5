/* Host power controls: discovery, reading, validation, batched writes.
 * See rapl_vm_ctl.h. */
#include "rapl_vm_ctl.h"
#include "pv_msg.h"
#include "rapl_vm_state.h"
#include "pv_fs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pattern: the file of a writable control relative to the sysfs root, as
 * discovery builds it ('#' = a decimal number, '*' = a powercap zone name);
 * restore writes only files that match it (rapl_ctl_known_file). */
static const struct {
	const char *name;
	int writable;
	const char *pattern;
} ctl_kinds[] = {
	[RAPL_CTL_GOVERNOR] = { "CPU_GOVERNOR", 1, "devices/system/cpu/cpu#/cpufreq/scaling_governor" },
	[RAPL_CTL_MIN_FREQ] = { "CPU_MIN_FREQ_KHZ", 1, "devices/system/cpu/cpu#/cpufreq/scaling_min_freq" },
	[RAPL_CTL_MAX_FREQ] = { "CPU_MAX_FREQ_KHZ", 1, "devices/system/cpu/cpu#/cpufreq/scaling_max_freq" },
	[RAPL_CTL_SETSPEED] = { "CPU_SETSPEED_KHZ", 1, "devices/system/cpu/cpu#/cpufreq/scaling_setspeed" },
	[RAPL_CTL_CUR_FREQ] = { "CPU_CUR_FREQ_KHZ", 0, NULL },
	[RAPL_CTL_PSTATE_NO_TURBO] = { "PSTATE_NO_TURBO", 1, "devices/system/cpu/intel_pstate/no_turbo" },
	[RAPL_CTL_PSTATE_MIN] = { "PSTATE_MIN_PERF_PCT", 1, "devices/system/cpu/intel_pstate/min_perf_pct" },
	[RAPL_CTL_PSTATE_MAX] = { "PSTATE_MAX_PERF_PCT", 1, "devices/system/cpu/intel_pstate/max_perf_pct" },
	[RAPL_CTL_POWER_LIMIT] = { "POWER_LIMIT_UW", 1, "class/powercap/*/constraint_#_power_limit_uw" },
	[RAPL_CTL_TIME_WINDOW] = { "TIME_WINDOW_US", 1, "class/powercap/*/constraint_#_time_window_us" },
	[RAPL_CTL_LIMIT_ENABLED] = { "LIMIT_ENABLED", 1, "class/powercap/*/enabled" },
};
_Static_assert(sizeof(ctl_kinds) / sizeof(ctl_kinds[0]) == RAPL_CTL_NKINDS, "one entry per control kind");

#define CPU_DIR "devices/system/cpu"
#define PSTATE_DIR CPU_DIR "/intel_pstate"

const char *rapl_ctl_kind_name(enum rapl_ctl_kind k)
{
	return ((int)k >= 0 && k < RAPL_CTL_NKINDS) ? ctl_kinds[k].name : "?";
}

int rapl_ctl_kind_writable(enum rapl_ctl_kind k)
{
	return ((int)k >= 0 && k < RAPL_CTL_NKINDS) ? ctl_kinds[k].writable : 0;
}

static int zone_char(char c)
{
	return isalnum((unsigned char)c) || c == ':' || c == '-' || c == '_';
}

/* Whole-string match of rel against a control pattern.  Neither '#' nor '*'
 * matches '.' or '/', so "..", "." and extra components never match. */
static int pattern_match(const char *pat, const char *rel)
{
	for (; *pat; pat++) {
		if (*pat == '#' || *pat == '*') {
			const char *start = rel;

			while (*pat == '#' ? isdigit((unsigned char)*rel) : zone_char(*rel))
				rel++;
			if (rel == start)
				return 0;
		} else if (*rel++ != *pat) {
			return 0;
		}
	}
	return *rel == '\0';
}

int rapl_ctl_known_file(const char *kind, const char *abs_path, char *msg, size_t len)
{
	char root[PATH_MAX];
	size_t rl;
	int k;

	if (pv_fs_path(PV_SYS, "", root, sizeof(root)) < 0)
		return -ENAMETOOLONG;
	rl = strlen(root); /* "<sysfs root>/" */
	for (k = 0; k < RAPL_CTL_NKINDS; k++)
		if (strcmp(kind, ctl_kinds[k].name) == 0)
			break;
	if (k == RAPL_CTL_NKINDS || !ctl_kinds[k].pattern) {
		pv_msgf(msg, len, "%s: refusing to write it: '%s' is not a writable rapl_vm control", abs_path, kind);
		return -EPERM;
	}
	if (strncmp(abs_path, root, rl) != 0 || !pattern_match(ctl_kinds[k].pattern, abs_path + rl)) {
		pv_msgf(msg, len,
			"%s: refusing to write it: not a %s control file (%s%s) under the sysfs root %s (PAPI_VIRT_SYSFS)",
			abs_path, kind, root, ctl_kinds[k].pattern, pv_fs_root(PV_SYS));
		return -EPERM;
	}
	return 0;
}


/* ---- discovery ------------------------------------------------------------- */

static int add(struct rapl_ctl_set *set, enum rapl_ctl_kind k, int pkg, int cpu, int constraint, const char *fmt,
	       ...) __attribute__((format(printf, 6, 7)));
static int add(struct rapl_ctl_set *set, enum rapl_ctl_kind k, int pkg, int cpu, int constraint, const char *fmt,
	       ...)
{
	struct rapl_ctl *c;
	va_list ap;
	int n;

	if (set->n == set->cap) {
		int cap = set->cap ? set->cap * 2 : 32;
		struct rapl_ctl *nc = realloc(set->c, (size_t)cap * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		set->c = nc;
		set->cap = cap;
	}
	c = &set->c[set->n];
	memset(c, 0, sizeof(*c));
	c->kind = k;
	c->pkg = pkg;
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

static int discover_zone(struct rapl_ctl_set *set, const struct rapl_ctl_zone *z)
{
	char rel[160], name[sizeof(set->c[0].cname)];
	int k, rc;

	for (k = 0; k < 16; k++) {
		snprintf(rel, sizeof(rel), "%s/constraint_%d_name", z->dir, k);
		if (pv_fs_read_line(PV_SYS, rel, name, sizeof(name)) < 0)
			continue;
		rc = add(set, RAPL_CTL_POWER_LIMIT, z->pkg, -1, k, "%s/constraint_%d_power_limit_uw", z->dir, k);
		if (rc > 0)
			snprintf(set->c[set->n - 1].cname, sizeof(set->c[0].cname), "%s", name);
		if (rc >= 0)
			rc = add(set, RAPL_CTL_TIME_WINDOW, z->pkg, -1, k, "%s/constraint_%d_time_window_us", z->dir, k);
		if (rc > 0)
			snprintf(set->c[set->n - 1].cname, sizeof(set->c[0].cname), "%s", name);
		if (rc < 0)
			return rc;
	}
	rc = add(set, RAPL_CTL_LIMIT_ENABLED, z->pkg, -1, -1, "%s/enabled", z->dir);
	return rc < 0 ? rc : 0;
}

static int read_governors(struct rapl_ctl *c)
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

static int discover_cpus(struct rapl_ctl_set *set)
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
	for (i = 0; rc >= 0 && i < n; i++) {
		int c = cpus[i];

		rc = add(set, RAPL_CTL_GOVERNOR, -1, c, -1, CPU_DIR "/cpu%d/cpufreq/scaling_governor", c);
		if (rc <= 0)
			continue; /* no cpufreq on this CPU */
		read_governors(&set->c[set->n - 1]);
		rc = add(set, RAPL_CTL_MIN_FREQ, -1, c, -1, CPU_DIR "/cpu%d/cpufreq/scaling_min_freq", c);
		if (rc >= 0)
			rc = add(set, RAPL_CTL_MAX_FREQ, -1, c, -1, CPU_DIR "/cpu%d/cpufreq/scaling_max_freq", c);
		if (rc >= 0)
			rc = add(set, RAPL_CTL_SETSPEED, -1, c, -1, CPU_DIR "/cpu%d/cpufreq/scaling_setspeed", c);
		if (rc >= 0)
			rc = add(set, RAPL_CTL_CUR_FREQ, -1, c, -1, CPU_DIR "/cpu%d/cpufreq/scaling_cur_freq", c);
	}
	free(cpus);
	return rc < 0 ? rc : 0;
}

int rapl_ctl_discover(struct rapl_ctl_set *set, const struct rapl_ctl_zone *zones, int nzones)
{
	int i, rc = 0;

	memset(set, 0, sizeof(*set));
	for (i = 0; rc == 0 && i < nzones; i++)
		rc = discover_zone(set, &zones[i]);
	if (rc == 0)
		rc = discover_cpus(set);
	if (rc == 0)
		rc = add(set, RAPL_CTL_PSTATE_NO_TURBO, -1, -1, -1, PSTATE_DIR "/no_turbo");
	if (rc >= 0)
		rc = add(set, RAPL_CTL_PSTATE_MIN, -1, -1, -1, PSTATE_DIR "/min_perf_pct");
	if (rc >= 0)
		rc = add(set, RAPL_CTL_PSTATE_MAX, -1, -1, -1, PSTATE_DIR "/max_perf_pct");
	if (rc < 0) {
		rapl_ctl_free(set);
		return rc;
	}
	return 0;
}

void rapl_ctl_free(struct rapl_ctl_set *set)
{
	free(set->c);
	memset(set, 0, sizeof(*set));
}

int rapl_ctl_find(const struct rapl_ctl_set *set, enum rapl_ctl_kind k, int pkg_or_cpu, int constraint)
{
	int i;

	for (i = 0; i < set->n; i++) {
		const struct rapl_ctl *c = &set->c[i];

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

static int gov_index(const struct rapl_ctl *c, const char *name)
{
	int i;

	for (i = 0; i < c->ngov; i++)
		if (strcmp(c->gov[i], name) == 0)
			return i;
	return -1;
}

int rapl_ctl_read(const struct rapl_ctl *c, int64_t *ret)
{
	char buf[64];
	int rc;

	if (c->kind == RAPL_CTL_GOVERNOR || c->kind == RAPL_CTL_SETSPEED) {
		rc = pv_fs_read_line(PV_SYS, c->file, buf, sizeof(buf));
		if (rc < 0)
			return rc;
		if (c->kind == RAPL_CTL_GOVERNOR) {
			*ret = gov_index(c, buf);
			return 0;
		}
		if (buf[0] == '<') {
			*ret = 0;
			return 0;
		}
		return pv_parse_s64(buf, ret);
	}
	return pv_fs_read_s64(PV_SYS, c->file, ret);
}

/* A sibling file of the control ("cpuinfo_max_freq" next to scaling_*). */
static int sibling(const struct rapl_ctl *c, const char *leaf, char *rel, size_t len)
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
	const struct rapl_ctl_set *set;
	const int *idx;
	const int64_t *val;
	int n;
	struct rapl_state *st;
};

/* The value a control will have after this batch: the batch's value if it
 * sets one, else its current value. */
static int effective(const struct batch *b, enum rapl_ctl_kind k, int cpu, int64_t *ret, const struct rapl_ctl **rc_ctl)
{
	int i = rapl_ctl_find(b->set, k, cpu, -1), j;

	if (i < 0)
		return i;
	*rc_ctl = &b->set->c[i];
	for (j = b->n - 1; j >= 0; j--) {
		if (b->idx[j] == i && b->val[j] != RAPL_CTL_KEEP) {
			*ret = b->val[j];
			return 0;
		}
	}
	return rapl_ctl_read(&b->set->c[i], ret);
}

static int range_msg(const struct rapl_ctl *c, int64_t v, int64_t lo, int64_t hi, const char *lo_file,
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
static int hw_range(const struct rapl_ctl *c, int64_t v, const char *lo_leaf, const char *hi_leaf, char *msg,
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

static int check_flag(const struct rapl_ctl *c, int64_t v, char *msg, size_t len)
{
	return range_msg(c, v, 0, 1, NULL, NULL, msg, len);
}

/* RAPL limit: [min file or 1, max file]; without a published maximum the
 * value saved before the first change (or the current one) is the ceiling. */
static int check_rapl(const struct batch *b, const struct rapl_ctl *c, int64_t v, char *msg, size_t len)
{
	const char *what = c->kind == RAPL_CTL_POWER_LIMIT ? "power" : "time_window";
	const char *unit = c->kind == RAPL_CTL_POWER_LIMIT ? "uw" : "us";
	char leaf[64], lo_rel[RAPL_CTL_FILE_MAX + 64], hi_rel[RAPL_CTL_FILE_MAX + 64], a[PATH_MAX], orig[64];
	int64_t lo = 1, hi;

	snprintf(leaf, sizeof(leaf), "constraint_%d_min_%s_%s", c->constraint, what, unit);
	sibling(c, leaf, lo_rel, sizeof(lo_rel));
	if (pv_fs_read_s64(PV_SYS, lo_rel, &lo) < 0 || lo < 1)
		lo = 1;
	snprintf(leaf, sizeof(leaf), "constraint_%d_max_%s_%s", c->constraint, what, unit);
	sibling(c, leaf, hi_rel, sizeof(hi_rel));
	if (pv_fs_read_s64(PV_SYS, hi_rel, &hi) == 0 && hi > 0)
		return range_msg(c, v, lo, hi, lo_rel, hi_rel, msg, len);
	if (b->st && rapl_state_original(b->st, abs_of(c->file, a, sizeof(a)), orig, sizeof(orig)) == 0 &&
	    pv_parse_s64(orig, &hi) == 0) {
		/* hi = the original value */
	} else if (rapl_ctl_read(c, &hi) < 0) {
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

static int check_one(const struct batch *b, const struct rapl_ctl *c, int64_t v, char *msg, size_t len)
{
	const struct rapl_ctl *o = NULL;
	char a[PATH_MAX], l[PATH_MAX];
	int64_t e = -1;
	int rc;

	switch (c->kind) {
	case RAPL_CTL_GOVERNOR:
		if (v < 0 || v >= c->ngov) {
			char list[RAPL_CTL_MAX_GOV * (RAPL_CTL_GOV_LEN + 4)] = "";
			char rel[RAPL_CTL_FILE_MAX + 64];
			int i;

			for (i = 0; i < c->ngov; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d=%s", i ? " " : "", i,
					 c->gov[i]);
			sibling(c, "scaling_available_governors", rel, sizeof(rel));
			pv_msgf(msg, len, "%s: governor index %" PRId64 " is out of range: %s lists %d (%s)",
			     abs_of(c->file, a, sizeof(a)), v, abs_of(rel, l, sizeof(l)), c->ngov, list);
			return -EINVAL;
		}
		return 0;
	case RAPL_CTL_MIN_FREQ:
	case RAPL_CTL_MAX_FREQ:
		rc = hw_range(c, v, "cpuinfo_min_freq", "cpuinfo_max_freq", msg, len);
		if (rc < 0)
			return rc;
		if (c->kind == RAPL_CTL_MIN_FREQ && effective(b, RAPL_CTL_MAX_FREQ, c->cpu, &e, &o) == 0 && v > e) {
			pv_msgf(msg, len, "%s: %" PRId64 " is above the maximum frequency %" PRId64 " (%s)",
			     abs_of(c->file, a, sizeof(a)), v, e, abs_of(o->file, l, sizeof(l)));
			return -EINVAL;
		}
		if (c->kind == RAPL_CTL_MAX_FREQ && effective(b, RAPL_CTL_MIN_FREQ, c->cpu, &e, &o) == 0 && v < e) {
			pv_msgf(msg, len, "%s: %" PRId64 " is below the minimum frequency %" PRId64 " (%s)",
			     abs_of(c->file, a, sizeof(a)), v, e, abs_of(o->file, l, sizeof(l)));
			return -EINVAL;
		}
		return 0;
	case RAPL_CTL_SETSPEED:
		if (effective(b, RAPL_CTL_GOVERNOR, c->cpu, &e, &o) < 0 || e < 0 || e >= o->ngov ||
		    strcmp(o->gov[e], "userspace") != 0) {
			pv_msgf(msg, len,
			     "%s: cannot set %" PRId64 " kHz: the governor of cpu%d is %s, not userspace (%s); set"
			     " CPU_GOVERNOR:cpu=%d to userspace in the same PAPI_write",
			     abs_of(c->file, a, sizeof(a)), v, c->cpu,
			     (o && e >= 0 && e < o->ngov) ? o->gov[e] : "unknown", o ? abs_of(o->file, l, sizeof(l)) : "",
			     c->cpu);
			return -EINVAL;
		}
		rc = hw_range(c, v, "cpuinfo_min_freq", "cpuinfo_max_freq", msg, len);
		if (rc == 0 && effective(b, RAPL_CTL_MIN_FREQ, c->cpu, &e, &o) == 0 && v < e) {
			pv_msgf(msg, len, "%s: %" PRId64 " is below the policy minimum %" PRId64 " (%s)",
			     abs_of(c->file, a, sizeof(a)), v, e, abs_of(o->file, l, sizeof(l)));
			rc = -EINVAL;
		}
		if (rc == 0 && effective(b, RAPL_CTL_MAX_FREQ, c->cpu, &e, &o) == 0 && v > e) {
			pv_msgf(msg, len, "%s: %" PRId64 " is above the policy maximum %" PRId64 " (%s)",
			     abs_of(c->file, a, sizeof(a)), v, e, abs_of(o->file, l, sizeof(l)));
			rc = -EINVAL;
		}
		return rc;
	case RAPL_CTL_PSTATE_MIN:
	case RAPL_CTL_PSTATE_MAX:
		rc = range_msg(c, v, 0, 100, NULL, NULL, msg, len);
		if (rc < 0)
			return rc;
		if (c->kind == RAPL_CTL_PSTATE_MIN && effective(b, RAPL_CTL_PSTATE_MAX, -1, &e, &o) == 0 && v > e) {
			pv_msgf(msg, len, "%s: %" PRId64 " is above max_perf_pct %" PRId64 " (%s)",
			     abs_of(c->file, a, sizeof(a)), v, e, abs_of(o->file, l, sizeof(l)));
			return -EINVAL;
		}
		if (c->kind == RAPL_CTL_PSTATE_MAX && effective(b, RAPL_CTL_PSTATE_MIN, -1, &e, &o) == 0 && v < e) {
			pv_msgf(msg, len, "%s: %" PRId64 " is below min_perf_pct %" PRId64 " (%s)",
			     abs_of(c->file, a, sizeof(a)), v, e, abs_of(o->file, l, sizeof(l)));
			return -EINVAL;
		}
		return 0;
	case RAPL_CTL_PSTATE_NO_TURBO:
	case RAPL_CTL_LIMIT_ENABLED:
		return check_flag(c, v, msg, len);
	case RAPL_CTL_POWER_LIMIT:
	case RAPL_CTL_TIME_WINDOW:
		return check_rapl(b, c, v, msg, len);
	default:
		return 0; /* read-only: the value is ignored */
	}
}

static int changes(const struct rapl_ctl *c, int64_t v)
{
	int64_t cur;

	if (v == RAPL_CTL_KEEP || !rapl_ctl_kind_writable(c->kind))
		return 0;
	/* Equal to the current value: nothing to write (and nothing to save). */
	return !(rapl_ctl_read(c, &cur) == 0 && cur == v);
}

static int validate(const struct batch *b, char *msg, size_t len)
{
	int j, rc;

	for (j = 0; j < b->n; j++) {
		const struct rapl_ctl *c;

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

int rapl_ctl_validate(const struct rapl_ctl_set *set, struct rapl_state *st, const int *idx, const int64_t *val,
		      int n, char *msg, size_t len)
{
	struct batch b = { set, idx, val, n, st };

	return validate(&b, msg, len);
}

/* ---- writing ---------------------------------------------------------------- */

struct step {
	int j;   /* position in the batch */
	int key; /* write order */
	char prev[RAPL_STATE_VALUE_MAX];
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
static int order_key(const struct batch *b, const struct rapl_ctl *c, int64_t v)
{
	enum rapl_ctl_kind max = c->kind == RAPL_CTL_MIN_FREQ ? RAPL_CTL_MAX_FREQ : RAPL_CTL_PSTATE_MAX;
	const struct rapl_ctl *o;
	int64_t cur;

	if (c->kind != RAPL_CTL_MIN_FREQ && c->kind != RAPL_CTL_PSTATE_MIN)
		return (int)c->kind * 2;
	o = NULL;
	{
		int i = rapl_ctl_find(b->set, max, c->cpu, -1);

		if (i >= 0)
			o = &b->set->c[i];
	}
	if (o && rapl_ctl_read(o, &cur) == 0 && v > cur)
		return (int)max * 2 + 1;
	return (int)c->kind * 2;
}

static int format_value(const struct rapl_ctl *c, int64_t v, char *buf, size_t len)
{
	if (c->kind == RAPL_CTL_GOVERNOR)
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
		const struct rapl_ctl *c = &b->set->c[b->idx[s[done].j]];

		pv_fs_write_str(PV_SYS, c->file, s[done].prev);
	}
}

int rapl_ctl_apply(const struct rapl_ctl_set *set, struct rapl_state *st, const int *idx, const int64_t *val,
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
		const struct rapl_ctl *c = &set->c[idx[j]];

		if (!changes(c, val[j]))
			continue;
		s[ns].j = j;
		s[ns].key = order_key(&b, c, val[j]);
		ns++;
	}
	/* Every original is on disk before anything changes. */
	for (j = 0; j < ns && st; j++) {
		const struct rapl_ctl *c = &set->c[idx[s[j].j]];

		rc = rapl_state_save(st, rapl_ctl_kind_name(c->kind), abs_of(c->file, a, sizeof(a)), msg, len);
		if (rc < 0)
			goto out;
	}
	qsort(s, (size_t)ns, sizeof(*s), cmp_step);
	for (j = 0; j < ns; j++) {
		const struct rapl_ctl *c = &set->c[idx[s[j].j]];

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
