/* The rapl_vm event table; see rapl_vm_events.h and docs/rapl_vm.md. */
#include "rapl_vm_events.h"
#include "pv_evname.h"
#include "pv_fs.h"
#include "pv_msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum qual { Q_NONE, Q_PKG, Q_PKG_CONSTRAINT, Q_CPU };

struct base {
	const char *name;
	enum qual qual;
	int energy; /* 1: energy domain dom; 0: control kind ctl */
	enum pv_rapl_dom dom;
	enum pv_ctl_kind ctl;
	const char *units;
	const char *desc;
};

#define ENERGY_TAIL                                                                                            \
	" since PAPI_start, in microjoules (uJ, UINT64); 64-bit accumulation, exact across energy_uj wraparound" \
	" when read at least once per wrap period (max_energy_range_uj / power)."

static const struct base bases[] = {
	{ "PACKAGE_ENERGY_UJ", Q_PKG, 1, PV_RAPL_PACKAGE, 0, "uJ",
	  "Energy used by one package (RAPL package domain)" ENERGY_TAIL },
	{ "CORE_ENERGY_UJ", Q_PKG, 1, PV_RAPL_CORE, 0, "uJ",
	  "Energy used by the cores of one package (RAPL core/PP0 domain)" ENERGY_TAIL },
	{ "UNCORE_ENERGY_UJ", Q_PKG, 1, PV_RAPL_UNCORE, 0, "uJ",
	  "Energy used by the uncore (integrated GPU) of one package (RAPL uncore/PP1 domain)" ENERGY_TAIL },
	{ "DRAM_ENERGY_UJ", Q_PKG, 1, PV_RAPL_DRAM, 0, "uJ",
	  "Energy used by the memory of one package (RAPL DRAM domain)" ENERGY_TAIL },
	{ "PSYS_ENERGY_UJ", Q_NONE, 1, PV_RAPL_PSYS, 0, "uJ",
	  "Energy used by the whole platform (RAPL psys domain)" ENERGY_TAIL },
	{ "POWER_LIMIT_UW", Q_PKG_CONSTRAINT, 0, 0, PV_CTL_POWER_LIMIT, "uW",
	  "RAPL power limit of a package for one constraint (long_term = PL1, short_term = PL2), microwatts."
	  " PAPI_write sets it: validated against constraint_K_max_power_uw (without one, it can only be"
	  " lowered); -1 keeps it. Originals are restored at PAPI_shutdown, exit, or by 'papi_vmctl restore'." },
	{ "TIME_WINDOW_US", Q_PKG_CONSTRAINT, 0, 0, PV_CTL_TIME_WINDOW, "us",
	  "RAPL averaging time window of a package's power-limit constraint, microseconds. PAPI_write sets it:"
	  " validated against constraint_K_max_time_window_us (without one, it can only be shortened); -1"
	  " keeps it. Restored like every control." },
	{ "LIMIT_ENABLED", Q_PKG, 0, 0, PV_CTL_LIMIT_ENABLED, "",
	  "1 if the package's RAPL power limits are enforced (powercap 'enabled'), else 0. PAPI_write of 0 or 1"
	  " sets it; -1 keeps it. Restored like every control." },
	{ "CPU_GOVERNOR", Q_CPU, 0, 0, PV_CTL_GOVERNOR, "",
	  "cpufreq governor of a CPU, as an index into that CPU's scaling_available_governors (listed for each"
	  " CPU; -1 if the current one is not in the list). PAPI_write of an index sets the governor; -1 keeps"
	  " it. Restored like every control." },
	{ "CPU_SETSPEED_KHZ", Q_CPU, 0, 0, PV_CTL_SETSPEED, "kHz",
	  "Frequency requested for a CPU under the userspace governor (scaling_setspeed), kHz; 0 under any other"
	  " governor. PAPI_write sets it within cpuinfo_min_freq..cpuinfo_max_freq and the policy's min/max,"
	  " only under the userspace governor (which may be set by the same PAPI_write). Restored." },
	{ "CPU_MIN_FREQ_KHZ", Q_CPU, 0, 0, PV_CTL_MIN_FREQ, "kHz",
	  "Lowest frequency the cpufreq policy of a CPU may use (scaling_min_freq), kHz. PAPI_write sets it"
	  " within cpuinfo_min_freq..cpuinfo_max_freq and not above the maximum; -1 keeps it. Restored." },
	{ "CPU_MAX_FREQ_KHZ", Q_CPU, 0, 0, PV_CTL_MAX_FREQ, "kHz",
	  "Highest frequency the cpufreq policy of a CPU may use (scaling_max_freq), kHz. PAPI_write sets it"
	  " within cpuinfo_min_freq..cpuinfo_max_freq and not below the minimum; -1 keeps it. Restored." },
	{ "CPU_CUR_FREQ_KHZ", Q_CPU, 0, 0, PV_CTL_CUR_FREQ, "kHz",
	  "Current frequency of a CPU as the kernel reports it (scaling_cur_freq), kHz. Read-only: a value"
	  " given to PAPI_write is ignored." },
	{ "PSTATE_MAX_PERF_PCT", Q_NONE, 0, 0, PV_CTL_PSTATE_MAX, "%",
	  "intel_pstate upper performance limit, percent of the highest (turbo) P-state (max_perf_pct)."
	  " PAPI_write sets it within 0..100 and not below min_perf_pct; -1 keeps it. Restored." },
	{ "PSTATE_MIN_PERF_PCT", Q_NONE, 0, 0, PV_CTL_PSTATE_MIN, "%",
	  "intel_pstate lower performance limit, percent of the highest (turbo) P-state (min_perf_pct)."
	  " PAPI_write sets it within 0..100 and not above max_perf_pct; -1 keeps it. Restored." },
	{ "PSTATE_NO_TURBO", Q_NONE, 0, 0, PV_CTL_PSTATE_NO_TURBO, "",
	  "1 if intel_pstate's turbo P-states are disabled (no_turbo), else 0. PAPI_write of 0 or 1 sets it;"
	  " -1 keeps it. Restored." },
};

static const struct base *find_base(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (strcmp(bases[i].name, name) == 0)
			return &bases[i];
	return NULL;
}

int rapl_vm_events_is_base(const char *name)
{
	size_t i, l = strcspn(name, ":");

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (strlen(bases[i].name) == l && strncmp(bases[i].name, name, l) == 0)
			return 1;
	return 0;
}

static void fill(struct pv_event *e, const struct base *b, int base_code)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->units, sizeof(e->units), "%s", b->units);
	e->dtype = b->energy ? PV_U64 : PV_S64;
	e->vtype = b->energy ? PV_COUNTER : PV_GAUGE;
	e->base = base_code;
	e->listed = 1;
	e->kind = RAPL_EV_HEADER;
}

static int add_base(struct pv_evtab *t, const struct base *b, int kind, int arg, unsigned *ret_code)
{
	struct pv_event e;

	fill(&e, b, -1);
	snprintf(e.name, sizeof(e.name), "%s", b->name);
	snprintf(e.desc, sizeof(e.desc), "%s", b->desc);
	e.kind = kind;
	e.arg[0] = arg;
	return pv_evtab_add(t, &e, ret_code);
}

/* "package 1", plus the physical id where the dense index (pv_topo.h) is
 * not it, so the package can be found in /sys. */
static void pkg_words(char *buf, size_t len, int pkg, int pkg_id)
{
	if (pkg == pkg_id)
		snprintf(buf, len, "package %d", pkg);
	else
		snprintf(buf, len, "package %d, physical package %d", pkg, pkg_id);
}

static int add_energy(struct pv_evtab *t, const struct base *b, struct pv_rapl *r)
{
	unsigned base_code = 0, code;
	int i, have_base = 0, rc;

	for (i = 0; r && i < pv_rapl_count(r); i++) {
		struct pv_rapl_info in;
		struct pv_event e;
		char pkg[64];

		if (pv_rapl_info(r, i, &in) < 0 || in.dom != b->dom)
			continue;
		if (b->qual == Q_NONE)
			return add_base(t, b, RAPL_EV_ENERGY, i, &code) < 0 ? -ENOMEM : 0;
		if (!have_base) {
			rc = add_base(t, b, RAPL_EV_HEADER, -1, &base_code);
			if (rc < 0)
				return rc;
			have_base = 1;
		}
		fill(&e, b, (int)base_code);
		snprintf(e.name, sizeof(e.name), "%s:pkg=%d", b->name, in.pkg);
		pkg_words(pkg, sizeof(pkg), in.pkg, in.pkg_id);
		if (in.src == PV_RAPL_SRC_POWERCAP)
			snprintf(e.desc, sizeof(e.desc), "%s (%s/%s/energy_uj)", pkg, pv_fs_root(PV_SYS), in.zone);
		else
			snprintf(e.desc, sizeof(e.desc), "%s (perf power PMU)", pkg);
		e.kind = RAPL_EV_ENERGY;
		e.arg[0] = i;
		rc = pv_evtab_add(t, &e, &code);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void ctl_desc(const struct rapl_vm_ctl *c, char *buf, size_t len)
{
	char pkg[64];
	size_t o;
	int i;

	pkg_words(pkg, sizeof(pkg), c->pkg, c->pkg_id);
	switch (c->kind) {
	case PV_CTL_POWER_LIMIT:
	case PV_CTL_TIME_WINDOW:
		snprintf(buf, len, "%s, %s (constraint_%d; %s/%s)", pkg, c->cname, c->constraint, pv_fs_root(PV_SYS),
			 c->file);
		return;
	case PV_CTL_LIMIT_ENABLED:
		snprintf(buf, len, "%s (%s/%s)", pkg, pv_fs_root(PV_SYS), c->file);
		return;
	case PV_CTL_GOVERNOR:
		snprintf(buf, len, "cpu%d:", c->cpu);
		for (i = 0; i < c->ngov; i++) {
			o = strlen(buf);
			snprintf(buf + o, len - o, " %d=%s", i, c->gov[i]);
		}
		return;
	default:
		if (c->cpu >= 0)
			snprintf(buf, len, "cpu%d (%s/%s)", c->cpu, pv_fs_root(PV_SYS), c->file);
		else
			snprintf(buf, len, "%s/%s", pv_fs_root(PV_SYS), c->file);
	}
}

static int add_ctls(struct pv_evtab *t, const struct base *b, const struct rapl_vm_ctl_set *set)
{
	unsigned base_code = 0, code;
	int i, have_base = 0, rc;

	for (i = 0; i < set->n; i++) {
		const struct rapl_vm_ctl *c = &set->c[i];
		struct pv_event e;

		if (c->kind != b->ctl)
			continue;
		if (b->qual == Q_NONE)
			return add_base(t, b, RAPL_EV_CTL, i, &code) < 0 ? -ENOMEM : 0;
		if (!have_base) {
			rc = add_base(t, b, RAPL_EV_HEADER, -1, &base_code);
			if (rc < 0)
				return rc;
			have_base = 1;
		}
		fill(&e, b, (int)base_code);
		if (b->qual == Q_PKG_CONSTRAINT)
			snprintf(e.name, sizeof(e.name), "%s:pkg=%d:constraint=%s", b->name, c->pkg, c->cname);
		else if (b->qual == Q_PKG)
			snprintf(e.name, sizeof(e.name), "%s:pkg=%d", b->name, c->pkg);
		else
			snprintf(e.name, sizeof(e.name), "%s:cpu=%d", b->name, c->cpu);
		ctl_desc(c, e.desc, sizeof(e.desc));
		e.kind = RAPL_EV_CTL;
		e.arg[0] = i;
		rc = pv_evtab_add(t, &e, &code);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rapl_vm_events_build(struct pv_evtab *t, struct pv_rapl *r, const struct rapl_vm_ctl_set *set)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(bases) / sizeof(bases[0]); i++)
		rc = bases[i].energy ? add_energy(t, &bases[i], r) : add_ctls(t, &bases[i], set);
	return rc < 0 ? rc : 0;
}

/* One sentence into err; -ENOENT for the caller to return. */
static int bad(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pv_msgvf(err, len, fmt, ap);
	va_end(ap);
	return -ENOENT;
}

int rapl_vm_events_canonical(const struct rapl_vm_ctl_set *set, const char *name, char *buf, size_t len, char *err,
			  size_t errlen)
{
	struct pv_evname ev;
	const struct base *b;
	const char *cs;
	int pkg = -1, cpu = -1, k, i, n, want;

	if (pv_evname_parse(name, &ev) < 0)
		return bad(err, errlen, "'%s': malformed event name", name);
	b = find_base(ev.base);
	if (!b)
		return bad(err, errlen, "'%s': no event %s in rapl_vm (see papi_native_avail)", name, ev.base);
	want = b->qual == Q_NONE ? 0 : b->qual == Q_PKG_CONSTRAINT ? 2 : 1;
	for (k = 0; k < ev.nquals; k++) {
		const char *key = ev.quals[k].key;
		int ok = (b->qual != Q_NONE && b->qual != Q_CPU && strcmp(key, "pkg") == 0) ||
			 (b->qual == Q_PKG_CONSTRAINT && strcmp(key, "constraint") == 0) ||
			 (b->qual == Q_CPU && strcmp(key, "cpu") == 0);

		if (!ok)
			return bad(err, errlen, "'%s': qualifier '%s' does not apply to this event", name, key);
	}
	if (ev.nquals != want)
		return bad(err, errlen, "'%s': %s needs qualifiers (see papi_native_avail)", name, ev.base);
	if (b->qual == Q_CPU) {
		if (pv_evname_int(&ev, "cpu", &cpu) < 0)
			return bad(err, errlen, "'%s': cpu= must be a CPU number", name);
		n = snprintf(buf, len, "%s:cpu=%d", b->name, cpu);
	} else if (b->qual == Q_NONE) {
		n = snprintf(buf, len, "%s", b->name);
	} else {
		if (pv_evname_int(&ev, "pkg", &pkg) < 0)
			return bad(err, errlen, "'%s': pkg= must be a package number", name);
		if (b->qual == Q_PKG) {
			n = snprintf(buf, len, "%s:pkg=%d", b->name, pkg);
		} else {
			cs = pv_evname_value(&ev, "constraint");
			if (!cs) /* ":constraint" without '=': found by fuzz_rapl_events (strcmp on NULL) */
				return bad(err, errlen, "'%s': constraint needs a value (=long_term, =0...)%s", name, "");
			for (i = 0; set && i < set->n; i++) {
				const struct rapl_vm_ctl *c = &set->c[i];
				int idx;

				if (c->kind != b->ctl || c->pkg != pkg)
					continue;
				if (strcmp(cs, c->cname) == 0 || (pv_parse_int(cs, &idx) == 0 && idx == c->constraint))
					break;
			}
			if (!set || i == set->n)
				return bad(err, errlen, "'%s': package has no power-limit constraint '%s'", name, cs);
			n = snprintf(buf, len, "%s:pkg=%d:constraint=%s", b->name, pkg, set->c[i].cname);
		}
	}
	if (n < 0 || (size_t)n >= len)
		return bad(err, errlen, "'%s': name too long", name);
	return 0;
}
