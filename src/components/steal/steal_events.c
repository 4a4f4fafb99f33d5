/* Event names and descriptions of the steal component; see steal_events.h. */
#include "steal_events.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pv_msg.h"
#include "steal_procstat.h"

/* Guest values with one shape, so the table can point at them. */
static uint64_t steal_rd_total(const struct steal_guest *g, int cpu)
{
	return cpu < 0 ? steal_guest_total_ns(g) : steal_guest_cpu_ns(g, cpu);
}

static uint64_t steal_rd_delay(const struct steal_guest *g, int cpu)
{
	(void)cpu;
	return steal_guest_delay_ns(g);
}

static uint64_t steal_rd_thread_steal(const struct steal_guest *g, int cpu)
{
	(void)cpu;
	return steal_guest_thread_steal_ns(g);
}

static uint64_t steal_rd_virt(const struct steal_guest *g, int cpu)
{
	(void)cpu;
	return steal_guest_virt_ns(g);
}

static uint64_t steal_rd_comp(const struct steal_guest *g, int cpu)
{
	(void)cpu;
	return steal_guest_comp_ns(g);
}

#define STEAL_NS_U64 "ns", PV_U64, PV_COUNTER
#define STEAL_HOST_VCPU(v) STEAL_NEED_LIBVIRT, NULL, (v)

/* Descriptions say what is measured, the unit, and the source. */
static const struct steal_kind_def steal_kinds[] = {
	[STEAL_K_TOTAL] = { "STEAL_NS", STEAL_K_TOTAL, "cpu", STEAL_NS_U64, STEAL_NEED_SYS, steal_rd_total, 0,
	  "Guest: time the hypervisor ran something else while this guest's vCPUs wanted to run "
	  "(steal), all CPUs, in ns (uint64, counter). Source: the 'cpu' line of /proc/stat, which "
	  "keeps CPUs that went offline; USER_HZ=", STEAL_D_HZ, " tick resolution. :cpu=N for kernel CPU N "
	  "(matched by name; an offline CPU's value stays frozen)." },
	[STEAL_K_CPU] = { "STEAL_NS", STEAL_K_TOTAL, "cpu", STEAL_NS_U64, STEAL_NEED_SYS, steal_rd_total, 0,
	  "Guest: steal of one kernel CPU, in ns (uint64, counter). Source: its cpuN line of /proc/stat.",
	  STEAL_D_NONE, "" },
	[STEAL_K_THREAD_DELAY] = { "THREAD_RUN_DELAY_NS", STEAL_K_THREAD_DELAY, "", STEAL_NS_U64, STEAL_NEED_THREAD,
	  steal_rd_delay, 0,
	  "Guest or host: time the thread that called PAPI_start waited runnable on a run queue, "
	  "in ns (uint64, counter). Source: /proc/thread-self/schedstat (run_delay).", STEAL_D_NONE, "" },
	[STEAL_K_THREAD_STEAL] = { "THREAD_STEAL_NS", STEAL_K_THREAD_STEAL, "", STEAL_NS_U64,
	  STEAL_NEED_SYS | STEAL_NEED_THREAD, steal_rd_thread_steal, 0,
	  "Guest: estimated steal suffered by the thread that called PAPI_start while it ran, in ns "
	  "(uint64, counter): the steal of each CPU it ran on weighted by its share of that CPU's "
	  "busy time (see docs/steal.md). Tick-resolution input: use intervals of 1 s or more.", STEAL_D_NONE, "" },
	[STEAL_K_VIRT] = { "VIRT_NS", STEAL_K_VIRT, "", STEAL_NS_U64, STEAL_NEED_THREAD, steal_rd_virt, 0,
	  "Guest or host: CPU time of the thread that called PAPI_start, in ns (uint64, counter; "
	  "CLOCK_THREAD_CPUTIME_ID). ", STEAL_D_PVACCT, "." },
	[STEAL_K_VIRT_COMP] = { "VIRT_NS_COMPENSATED", STEAL_K_VIRT_COMP, "", STEAL_NS_U64,
	  STEAL_NEED_THREAD | STEAL_NEED_SYS_UNLESS_EXCLUDED, steal_rd_comp, 0,
	  "Guest: CPU time of the thread that called PAPI_start with stolen time removed, in ns "
	  "(uint64, counter). Case on this machine: ", STEAL_D_PVACCT, "." },
	[STEAL_K_VCPU_RUN] = { "VCPU_RUN_NS", STEAL_K_VCPU_RUN, "vm vcpu", STEAL_NS_U64, STEAL_HOST_VCPU(STEAL_V_RUN),
	  "Host: time the VM's vCPU threads ran on a host CPU, in ns (uint64, counter; schedstat run "
	  "time of each vCPU thread). :vm=NAME (percent-encoded) for one VM, :vm=NAME:vcpu=N for "
	  "one vCPU; without :vm= every VM running at PAPI_start. Frozen when the VM is destroyed.", STEAL_D_NONE, "" },
	[STEAL_K_VCPU_STEAL] = { "VCPU_STEAL_NS", STEAL_K_VCPU_STEAL, "vm vcpu", STEAL_NS_U64,
	  STEAL_HOST_VCPU(STEAL_V_DELAY),
	  "Host: time the VM's vCPU threads were runnable but waited for a host CPU (schedstat "
	  "run_delay: what the guest sees as steal), in ns (uint64, counter). Qualifiers as "
	  "VCPU_RUN_NS.", STEAL_D_NONE, "" },
	[STEAL_K_VCPU_HALT] = { "VCPU_HALT_NS", STEAL_K_VCPU_HALT, "vm vcpu", STEAL_NS_U64,
	  STEAL_HOST_VCPU(STEAL_V_HALT),
	  "Host: time the VM's vCPU threads neither ran nor waited (guest idle/halted) = wall time - "
	  "run - run_delay per vCPU thread, in ns (uint64, counter, never decreasing). Qualifiers "
	  "as VCPU_RUN_NS.", STEAL_D_NONE, "" },
};

_Static_assert(sizeof(steal_kinds) / sizeof(steal_kinds[0]) == STEAL_K_COUNT,
	       "steal_kinds: one row per enum steal_kind");

const struct steal_kind_def *steal_events_kind(int kind)
{
	return kind >= 0 && kind < STEAL_K_COUNT ? &steal_kinds[kind] : NULL;
}

int steal_events_kind_is_host(int kind)
{
	const struct steal_kind_def *d = steal_events_kind(kind);

	return d && (d->needs & STEAL_NEED_LIBVIRT);
}

unsigned steal_events_kind_sources(int kind, int excluded)
{
	const struct steal_kind_def *d = steal_events_kind(kind);
	unsigned n;

	if (!d)
		return 0;
	n = d->needs & (STEAL_NEED_SYS | STEAL_NEED_THREAD);
	if ((d->needs & STEAL_NEED_SYS_UNLESS_EXCLUDED) && !excluded)
		n |= STEAL_NEED_SYS;
	return n;
}

/* The listed base of a name, NULL for none. */
static const struct steal_kind_def *steal_base_by_name(const char *name)
{
	for (int k = 0; k < STEAL_K_COUNT; k++)
		if ((int)steal_kinds[k].base == k && strcmp(steal_kinds[k].name, name) == 0)
			return &steal_kinds[k];
	return NULL;
}

static int steal_qual_allowed(const struct steal_kind_def *b, const char *key)
{
	size_t kl = strlen(key);
	const char *p = b->quals;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == b->quals || p[-1] == ' ') && (p[kl] == ' ' || p[kl] == '\0'))
			return 1;
		p += kl;
	}
	return 0;
}

int steal_events_parse(const char *name, struct steal_req *ret, char *err, size_t errlen)
{
	struct pv_evname ev;
	const struct steal_kind_def *b;
	struct steal_req r = { .cpu = -1, .vcpu = -1 };
	char why[160];
	int rc = pv_evname_parse_why(name, &ev, why, sizeof(why));

	if (rc < 0) {
		pv_msgf(err, errlen, "event name '%.80s%s' is malformed: %s", name, strlen(name) > 80 ? "..." : "", why);
		return -EINVAL;
	}
	b = steal_base_by_name(ev.base);
	if (!b) {
		pv_msgf(err, errlen, "no steal event named '%s'", ev.base);
		return -ENOENT;
	}
	r.kind = (int)(b - steal_kinds);
	for (int i = 0; i < ev.nquals; i++) {
		if (!steal_qual_allowed(b, ev.quals[i].key) || !ev.quals[i].has_value) {
			pv_msgf(err, errlen, "%s does not take the qualifier '%s'%s", b->name,
				 ev.quals[i].key, ev.quals[i].has_value ? "" : " without a value");
			return -ENOENT;
		}
	}
	if (pv_evname_has(&ev, "cpu")) {
		if (pv_evname_int(&ev, "cpu", &r.cpu) < 0 || r.cpu >= STEAL_MAX_CPUS) {
			pv_msgf(err, errlen, "cpu=%s is not a CPU number (0..%d)",
				 pv_evname_value(&ev, "cpu"), STEAL_MAX_CPUS - 1);
			return -ENOENT;
		}
		r.kind = STEAL_K_CPU;
	}
	if (pv_evname_has(&ev, "vcpu")) {
		if (!pv_evname_has(&ev, "vm")) {
			pv_msgf(err, errlen, "%s: vcpu= needs vm=NAME", b->name);
			return -ENOENT;
		}
		if (pv_evname_int(&ev, "vcpu", &r.vcpu) < 0) {
			pv_msgf(err, errlen, "vcpu=%s is not a vCPU number", pv_evname_value(&ev, "vcpu"));
			return -ENOENT;
		}
	}
	if (pv_evname_has(&ev, "vm")) {
		const char *vm = pv_evname_value(&ev, "vm");

		if (!*vm) {
			pv_msgf(err, errlen, "%s: vm= needs a VM name", b->name);
			return -ENOENT;
		}
		snprintf(r.vm, sizeof(r.vm), "%s", vm);
	}
	*ret = r;
	return 0;
}

int steal_events_name(const struct steal_req *r, char *buf, size_t len)
{
	const struct steal_kind_def *b = steal_events_kind(r->kind);
	char esc[PV_EV_NAME_MAX];
	int n;

	if (!b)
		return -EINVAL;
	if (r->kind == STEAL_K_CPU)
		n = snprintf(buf, len, "%s:cpu=%d", b->name, r->cpu);
	else if (!steal_events_kind_is_host(r->kind) || !r->vm[0])
		n = snprintf(buf, len, "%s", b->name);
	else {
		int rc = pv_evname_escape(r->vm, esc, sizeof(esc));

		if (rc < 0)
			return rc;
		if (r->vcpu >= 0)
			n = snprintf(buf, len, "%s:vm=%s:vcpu=%d", b->name, esc, r->vcpu);
		else
			n = snprintf(buf, len, "%s:vm=%s", b->name, esc);
	}
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/* A kind's fields of a table entry; the caller sets name, desc, base, listed. */
static void steal_fill(struct pv_event *e, int kind)
{
	const struct steal_kind_def *d = &steal_kinds[kind];

	memset(e, 0, sizeof(*e));
	pv_msgf(e->units, sizeof(e->units), "%s", d->units);
	e->dtype = d->dtype;
	e->vtype = d->vtype;
	e->kind = kind;
	e->arg[0] = -1;
	e->arg[1] = -1;
}

/* A base's description: desc, this system's detail, desc_tail.  The kernel
 * accounting detail is known only once probed (on first need: the probe
 * reads /proc/config.gz through zlib), "not probed yet" until then. */
static void steal_base_desc(const struct steal_kind_def *d, const char *pvacct, unsigned long hz, char *desc,
			    size_t len)
{
	char detail[256] = "";

	if (d->detail == STEAL_D_HZ)
		pv_msgf(detail, sizeof(detail), "%lu", hz);
	else if (d->detail == STEAL_D_PVACCT)
		pv_msgf(detail, sizeof(detail), "%s", pvacct ? pvacct : "not probed yet");
	pv_msgf(desc, len, "%s%s%s", d->desc, detail, d->desc_tail);
}

int steal_events_set_pvacct(struct pv_evtab *t, const char *pvacct)
{
	for (int k = 0; k < STEAL_K_COUNT; k++) {
		const struct steal_kind_def *d = &steal_kinds[k];
		char desc[PV_EV_DESC_MAX];
		unsigned code;
		int rc;

		if ((int)d->base != k || d->detail != STEAL_D_PVACCT)
			continue;
		rc = pv_evtab_find(t, d->name, &code);
		if (rc == 0) {
			steal_base_desc(d, pvacct, 0, desc, sizeof(desc));
			rc = pv_evtab_set_desc(t, code, desc);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

size_t steal_events_nbases(void)
{
	size_t n = 0;

	for (int k = 0; k < STEAL_K_COUNT; k++)
		n += (int)steal_kinds[k].base == k;
	return n;
}

int steal_events_add_bases(struct pv_evtab *t, const char *pvacct, unsigned long hz)
{
	for (int k = 0; k < STEAL_K_COUNT; k++) {
		const struct steal_kind_def *d = &steal_kinds[k];
		struct pv_event e;
		unsigned code;
		int rc;

		if ((int)d->base != k)
			continue;
		steal_fill(&e, k);
		pv_msgf(e.name, sizeof(e.name), "%s", d->name);
		steal_base_desc(d, pvacct, hz, e.desc, sizeof(e.desc));
		e.base = -1;
		e.listed = 1;
		rc = pv_evtab_add(t, &e, &code);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int steal_events_add(struct pv_evtab *t, const struct steal_req *r, int listed, const char *note,
		     unsigned *ret_code)
{
	const struct steal_kind_def *k = steal_events_kind(r->kind);
	const struct steal_kind_def *b = k ? &steal_kinds[k->base] : NULL;
	struct pv_event e;
	unsigned base;
	int rc;

	if (!b)
		return -EINVAL;
	steal_fill(&e, r->kind);
	rc = steal_events_name(r, e.name, sizeof(e.name));
	if (rc < 0)
		return rc;
	if (strcmp(e.name, b->name) == 0)
		return pv_evtab_find(t, b->name, ret_code);
	rc = pv_evtab_find(t, b->name, &base);
	if (rc < 0)
		return rc;
	if (r->kind == STEAL_K_CPU)
		snprintf(e.desc, sizeof(e.desc), "CPU %d%s%s", r->cpu, note ? ", " : "", note ? note : "");
	else if (r->vcpu >= 0)
		snprintf(e.desc, sizeof(e.desc), "VM %s vCPU %d", r->vm, r->vcpu);
	else
		snprintf(e.desc, sizeof(e.desc), "VM %s (sum of its vCPUs)", r->vm);
	e.base = (int)base;
	e.listed = listed;
	e.arg[0] = r->cpu;
	e.arg[1] = r->vcpu;
	snprintf(e.key, sizeof(e.key), "%s", r->vm);
	rc = pv_evtab_add(t, &e, ret_code);
	return rc < 0 ? rc : 0;
}

void steal_events_req(const struct pv_event *e, struct steal_req *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->kind = e->kind;
	ret->cpu = e->arg[0];
	ret->vcpu = e->arg[1];
	snprintf(ret->vm, sizeof(ret->vm), "%s", e->key);
}
