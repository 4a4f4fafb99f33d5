/* vmpower event names and descriptions (see vmp_events.h). */
#include "vmp_events.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pv_msg.h"

#define VMP_COUNTER(q) (q), VMP_CALC_DELTA, 0.0, PV_U64, PV_COUNTER
#define VMP_VM_GAUGE(calc, scale, dtype) VMP_Q_VM_ENERGY, (calc), (scale), (dtype), PV_GAUGE

static const struct vmp_kind_def kinds[] = {
	[VMP_K_VM_CYCLES] = { "VM_CYCLES", "cycles",
		"CPU cycles of all the VM's threads (vCPUs, emulator, iothreads), guest mode included",
		1, VMP_NEED_CYCLES, VMP_COUNTER(VMP_Q_VM_CYCLES) },
	[VMP_K_VM_CPU_TIME_NS] = { "VM_CPU_TIME_NS", "ns",
		"CPU time of all the VM's threads (vCPUs, emulator, iothreads)",
		1, VMP_NEED_BASIS, VMP_COUNTER(VMP_Q_VM_NS) },
	[VMP_K_VM_ENERGY_UJ] = { "VM_ENERGY_UJ", "uJ",
		"Energy attributed to the VM: per interval and package, active energy x the VM's share of the package's activity",
		1, VMP_NEED_ENERGY, VMP_COUNTER(VMP_Q_VM_ENERGY) },
	[VMP_K_VM_POWER_W] = { "VM_POWER_W", "W",
		"Average power attributed to the VM since PAPI_start (gauge)",
		1, VMP_NEED_ENERGY, VMP_VM_GAUGE(VMP_CALC_POWER, 1.0, PV_F64) },
	[VMP_K_VM_SHARE_PCT] = { "VM_SHARE_PCT", "%",
		"The VM's share of the host's active energy since PAPI_start (gauge)",
		1, VMP_NEED_ENERGY, VMP_VM_GAUGE(VMP_CALC_SHARE, 100.0, PV_F64) },
	[VMP_K_VM_POWER_UW] = { "VM_POWER_UW", "uW",
		"VM_POWER_W as an integer in micro-watts, for the high-level API (gauge)",
		1, VMP_NEED_ENERGY, VMP_VM_GAUGE(VMP_CALC_POWER, 1e6, PV_U64) },
	[VMP_K_VM_SHARE_PPM] = { "VM_SHARE_PPM", "ppm",
		"VM_SHARE_PCT as an integer in parts per million, for the high-level API (gauge)",
		1, VMP_NEED_ENERGY, VMP_VM_GAUGE(VMP_CALC_SHARE, 1e6, PV_U64) },
	[VMP_K_HOST_ENERGY_UJ] = { "HOST_ENERGY_UJ", "uJ",
		"Host package energy (= HOST_ACTIVE + HOST_IDLE)",
		0, VMP_NEED_ENERGY, VMP_COUNTER(VMP_Q_HOST_ENERGY) },
	[VMP_K_HOST_ACTIVE_ENERGY_UJ] = { "HOST_ACTIVE_ENERGY_UJ", "uJ",
		"Host energy above the idle baseline (= sum of VM_ENERGY_UJ + HOST_OTHER, exactly)",
		0, VMP_NEED_ENERGY, VMP_COUNTER(VMP_Q_HOST_ACTIVE) },
	[VMP_K_HOST_IDLE_ENERGY_UJ] = { "HOST_IDLE_ENERGY_UJ", "uJ",
		"Idle baseline energy, not attributed to any VM",
		0, VMP_NEED_ENERGY, VMP_COUNTER(VMP_Q_HOST_IDLE) },
	[VMP_K_HOST_OTHER_ENERGY_UJ] = { "HOST_OTHER_ENERGY_UJ", "uJ",
		"Active energy not attributed to a VM: host processes, QEMU work outside the VMs",
		0, VMP_NEED_ENERGY, VMP_COUNTER(VMP_Q_HOST_OTHER) },
};

_Static_assert(sizeof(kinds) / sizeof(kinds[0]) == VMP_K_COUNT, "vmpower kinds: one row per enum vmp_kind");

const struct vmp_kind_def *vmp_events_kind(enum vmp_kind k)
{
	return (unsigned)k < VMP_K_COUNT ? &kinds[k] : NULL;
}

double vmp_events_kind_gauge(enum vmp_kind k, const struct vmp_sample *a, const struct vmp_sample *b)
{
	const struct vmp_kind_def *d = &kinds[k];

	if (d->calc == VMP_CALC_POWER) {
		if (b->t_ns <= a->t_ns)
			return 0.0;
		double w = (double)(b->num - a->num) / 1e6 / ((double)(b->t_ns - a->t_ns) / 1e9);
		return w * d->scale;
	}
	if (d->calc == VMP_CALC_SHARE) {
		if (b->den <= a->den)
			return 0.0;
		double f = (double)(b->num - a->num) / (double)(b->den - a->den);
		return d->scale * f;
	}
	return (double)(b->num - a->num);
}

long long vmp_events_kind_value(enum vmp_kind k, const struct vmp_sample *a, const struct vmp_sample *b)
{
	const struct vmp_kind_def *d = &kinds[k];
	long long v;

	if (d->calc == VMP_CALC_DELTA)
		return (long long)(b->num - a->num);
	double g = vmp_events_kind_gauge(k, a, b);
	if (d->dtype == PV_F64)
		memcpy(&v, &g, sizeof(v));
	else
		v = (long long)(g + 0.5);
	return v;
}

int vmp_events_kind_available(const struct vmp_events_ctx *c, enum vmp_kind k)
{
	switch (kinds[k].need) {
	case VMP_NEED_CYCLES: return c->info.unit == VMP_CYCLES;
	case VMP_NEED_ENERGY: return c->info.energy != VMP_E_NONE;
	default: return 1;
	}
}

int vmp_events_base_known(const char *name)
{
	size_t n = strcspn(name, ":");

	for (int k = 0; k < VMP_K_COUNT; k++)
		if (strlen(kinds[k].base) == n && strncmp(name, kinds[k].base, n) == 0)
			return 1;
	return 0;
}

int vmp_events_parse(const struct vmp_events_ctx *c, const char *name, struct vmp_req *ret,
		     char *err, size_t errlen)
{
	struct pv_evname ev;
	struct vmp_req r;
	char why[160];
	int rc = pv_evname_parse_why(name, &ev, why, sizeof(why));

	memset(&r, 0, sizeof(r));
	r.pkg = -1;
	if (rc) {
		pv_msgf(err, errlen, "'%.80s%s' is not a valid event name: %s", name, strlen(name) > 80 ? "..." : "",
			 why);
		return rc;
	}
	int k;
	for (k = 0; k < VMP_K_COUNT && strcmp(ev.base, kinds[k].base) != 0; k++)
		;
	if (k == VMP_K_COUNT) {
		pv_msgf(err, errlen, "'%s': no such vmpower event", ev.base);
		return -ENOENT;
	}
	r.kind = (enum vmp_kind)k;
	if (!vmp_events_kind_available(c, r.kind)) {
		pv_msgf(err, errlen, "'%s' is not available on this host: %s", ev.base,
			kinds[r.kind].need == VMP_NEED_CYCLES ? c->info.unit_why : c->info.energy_why);
		return -ENOENT;
	}
	for (int i = 0; i < ev.nquals; i++) {
		const struct pv_qual *q = &ev.quals[i];
		if (strcmp(q->key, "vm") == 0 && q->has_value && kinds[r.kind].per_vm) {
			if (!q->value[0]) {
				pv_msgf(err, errlen, "'%s': empty VM name", name);
				return -ENOENT;
			}
			r.has_vm = 1;
			snprintf(r.vm, sizeof(r.vm), "%s", q->value);
		} else if (strcmp(q->key, "pkg") == 0 && q->has_value) {
			if (pv_evname_int(&ev, "pkg", &r.pkg) != 0 || (unsigned)r.pkg >= c->info.npkg) {
				pv_msgf(err, errlen, "'%s': pkg must be 0..%u", name, c->info.npkg - 1);
				return -ENOENT;
			}
		} else {
			pv_msgf(err, errlen, "'%s': %s takes no qualifier '%s'", name, ev.base, q->key);
			return -ENOENT;
		}
	}
	*ret = r;
	return 0;
}

int vmp_events_name(const struct vmp_req *r, char *buf, size_t len)
{
	char esc[PV_EV_NAME_MAX], pkg[24] = "";
	int n;

	if (r->has_vm) {
		int rc = pv_evname_escape(r->vm, esc, sizeof(esc));
		if (rc)
			return rc;
	}
	if (r->pkg >= 0)
		snprintf(pkg, sizeof(pkg), ":pkg=%d", r->pkg);
	n = snprintf(buf, len, "%s%s%s%s", kinds[r->kind].base, r->has_vm ? ":vm=" : "",
		     r->has_vm ? esc : "", pkg);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void describe(const struct vmp_events_ctx *c, enum vmp_kind k, char *buf, size_t len)
{
	const char *basis = c->info.unit == VMP_CYCLES
		? "basis: hardware CPU cycles, guest mode included"
		: "basis: CPU time (task-clock / cgroup cpu.stat)";
	const char *energy = c->info.energy == VMP_E_RAPL ? "energy: RAPL (measured)"
			     : c->info.energy == VMP_E_MODEL ? c->info.energy_why : c->info.energy_why;
	const char *unitwhy = c->info.unit == VMP_CYCLES ? "" : c->info.unit_why;

	if (kinds[k].need != VMP_NEED_ENERGY)
		snprintf(buf, len, "%s; %s%s%s%s", kinds[k].what, basis, unitwhy[0] ? " (cycles unavailable: " : "",
			 unitwhy, unitwhy[0] ? ")" : "");
	else
		snprintf(buf, len, "%s%s; %s; %s%s%s%s", c->info.energy == VMP_E_MODEL ? "ESTIMATED: " : "",
			 kinds[k].what, energy, basis, unitwhy[0] ? " (cycles unavailable: " : "",
			 unitwhy, unitwhy[0] ? ")" : "");
}

static void fill(const struct vmp_events_ctx *c, struct pv_event *e, enum vmp_kind k)
{
	memset(e, 0, sizeof(*e));
	describe(c, k, e->desc, sizeof(e->desc));
	snprintf(e->units, sizeof(e->units), "%s", kinds[k].units);
	e->dtype = kinds[k].dtype;
	e->vtype = kinds[k].vtype;
	e->kind = (int)k;
	e->arg[0] = -1;
	e->arg[1] = -1;
	e->base = -1;
}

int vmp_events_add_bases(const struct vmp_events_ctx *c, struct pv_evtab *t)
{
	for (int k = 0; k < VMP_K_COUNT; k++) {
		struct pv_event e;
		unsigned code;
		if (!vmp_events_kind_available(c, (enum vmp_kind)k))
			continue;
		fill(c, &e, (enum vmp_kind)k);
		snprintf(e.name, sizeof(e.name), "%s", kinds[k].base);
		e.listed = 1;
		int rc = pv_evtab_add(t, &e, &code);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int vmp_events_add(const struct vmp_events_ctx *c, struct pv_evtab *t, const struct vmp_req *r,
		   int vm_idx, int listed, unsigned *ret_code)
{
	struct pv_event e;
	unsigned base;
	int rc;

	fill(c, &e, r->kind);
	if ((rc = vmp_events_name(r, e.name, sizeof(e.name))))
		return rc;
	if (!r->has_vm && r->pkg < 0)
		return pv_evtab_find(t, e.name, ret_code);
	if ((rc = pv_evtab_find(t, kinds[r->kind].base, &base)))
		return rc;
	/* The instance description is the qualifier part, shown after
	 * "masks:" by papi_native_avail. */
	snprintf(e.desc, sizeof(e.desc), "%s%s%s%s", r->has_vm ? "VM " : "", r->has_vm ? r->vm : "",
		 r->has_vm && r->pkg >= 0 ? ", " : "", r->pkg >= 0 ? "package " : "");
	if (r->pkg >= 0) {
		size_t l = strlen(e.desc);
		int id = c->info.pkg_id[r->pkg];

		/* The physical id where the dense index is not it (pv_topo.h). */
		if (id == r->pkg)
			snprintf(e.desc + l, sizeof(e.desc) - l, "%d", r->pkg);
		else
			snprintf(e.desc + l, sizeof(e.desc) - l, "%d (physical package %d)", r->pkg, id);
	}
	e.base = (int)base;
	e.listed = listed;
	e.arg[0] = vm_idx;
	e.arg[1] = r->pkg;
	snprintf(e.key, sizeof(e.key), "%s", r->has_vm ? r->vm : "");
	rc = pv_evtab_add(t, &e, ret_code);
	return rc < 0 ? rc : 0;
}
