/* Event names and descriptions of the steal component; see steal_events.h. */
#include "steal_events.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "steal_procstat.h"

struct steal_base {
	int kind;
	const char *name;
	const char *quals; /* allowed qualifiers, space separated */
	const char *desc;
};

/* Descriptions say what is measured, the unit, and the source. */
static const struct steal_base steal_bases[] = {
	{ STEAL_K_TOTAL, "STEAL_NS", "cpu",
	  "Guest: time the hypervisor ran something else while this guest's vCPUs wanted to run "
	  "(steal), all CPUs, in ns (uint64, counter). Source: the 'cpu' line of /proc/stat, which "
	  "keeps CPUs that went offline; USER_HZ=%lu tick resolution. :cpu=N for kernel CPU N "
	  "(matched by name; an offline CPU's value stays frozen)." },
	{ STEAL_K_THREAD_DELAY, "THREAD_RUN_DELAY_NS", "",
	  "Guest or host: time the thread that called PAPI_start waited runnable on a run queue, "
	  "in ns (uint64, counter). Source: /proc/thread-self/schedstat (run_delay)." },
	{ STEAL_K_THREAD_STEAL, "THREAD_STEAL_NS", "",
	  "Guest: estimated steal suffered by the thread that called PAPI_start while it ran, in ns "
	  "(uint64, counter): the steal of each CPU it ran on weighted by its share of that CPU's "
	  "busy time (see docs/steal.md). Tick-resolution input: use intervals of 1 s or more." },
	{ STEAL_K_VIRT, "VIRT_NS", "",
	  "Guest or host: CPU time of the thread that called PAPI_start, in ns (uint64, counter; "
	  "CLOCK_THREAD_CPUTIME_ID). %s." },
	{ STEAL_K_VIRT_COMP, "VIRT_NS_COMPENSATED", "",
	  "Guest: CPU time of the thread that called PAPI_start with stolen time removed, in ns "
	  "(uint64, counter). Case on this machine: %s." },
	{ STEAL_K_VCPU_RUN, "VCPU_RUN_NS", "vm vcpu",
	  "Host: time the VM's vCPU threads ran on a host CPU, in ns (uint64, counter; schedstat run "
	  "time of each vCPU thread). :vm=NAME (percent-encoded) for one VM, :vm=NAME:vcpu=N for "
	  "one vCPU; without :vm= every VM running at PAPI_start. Frozen when the VM is destroyed." },
	{ STEAL_K_VCPU_STEAL, "VCPU_STEAL_NS", "vm vcpu",
	  "Host: time the VM's vCPU threads were runnable but waited for a host CPU (schedstat "
	  "run_delay: what the guest sees as steal), in ns (uint64, counter). Qualifiers as "
	  "VCPU_RUN_NS." },
	{ STEAL_K_VCPU_HALT, "VCPU_HALT_NS", "vm vcpu",
	  "Host: time the VM's vCPU threads neither ran nor waited (guest idle/halted) = wall time - "
	  "run - run_delay per vCPU thread, in ns (uint64, counter, never decreasing). Qualifiers "
	  "as VCPU_RUN_NS." },
};

#define STEAL_NBASES (sizeof(steal_bases) / sizeof(steal_bases[0]))
_Static_assert(STEAL_NBASES == STEAL_K_VCPU_HALT - 1, "one base per kind except STEAL_K_CPU");

static const struct steal_base *steal_base_by_name(const char *name)
{
	for (size_t i = 0; i < STEAL_NBASES; i++)
		if (strcmp(steal_bases[i].name, name) == 0)
			return &steal_bases[i];
	return NULL;
}

static const struct steal_base *steal_base_by_kind(int kind)
{
	if (kind == STEAL_K_CPU)
		kind = STEAL_K_TOTAL;
	for (size_t i = 0; i < STEAL_NBASES; i++)
		if (steal_bases[i].kind == kind)
			return &steal_bases[i];
	return NULL;
}

static int steal_qual_allowed(const struct steal_base *b, const char *key)
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
	const struct steal_base *b;
	struct steal_req r = { .cpu = -1, .vcpu = -1 };
	char why[160];
	int rc = pv_evname_parse_why(name, &ev, why, sizeof(why));

	if (rc < 0) {
		snprintf(err, errlen, "event name '%.80s%s' is malformed: %s", name, strlen(name) > 80 ? "..." : "", why);
		return -EINVAL;
	}
	b = steal_base_by_name(ev.base);
	if (!b) {
		snprintf(err, errlen, "no steal event named '%s'", ev.base);
		return -ENOENT;
	}
	r.kind = b->kind;
	for (int i = 0; i < ev.nquals; i++) {
		if (!steal_qual_allowed(b, ev.quals[i].key) || !ev.quals[i].has_value) {
			snprintf(err, errlen, "%s does not take the qualifier '%s'%s", b->name,
				 ev.quals[i].key, ev.quals[i].has_value ? "" : " without a value");
			return -ENOENT;
		}
	}
	if (pv_evname_has(&ev, "cpu")) {
		if (pv_evname_int(&ev, "cpu", &r.cpu) < 0 || r.cpu >= STEAL_MAX_CPUS) {
			snprintf(err, errlen, "cpu=%s is not a CPU number (0..%d)",
				 pv_evname_value(&ev, "cpu"), STEAL_MAX_CPUS - 1);
			return -ENOENT;
		}
		r.kind = STEAL_K_CPU;
	}
	if (pv_evname_has(&ev, "vcpu")) {
		if (!pv_evname_has(&ev, "vm")) {
			snprintf(err, errlen, "%s: vcpu= needs vm=NAME", b->name);
			return -ENOENT;
		}
		if (pv_evname_int(&ev, "vcpu", &r.vcpu) < 0) {
			snprintf(err, errlen, "vcpu=%s is not a vCPU number", pv_evname_value(&ev, "vcpu"));
			return -ENOENT;
		}
	}
	if (pv_evname_has(&ev, "vm")) {
		const char *vm = pv_evname_value(&ev, "vm");

		if (!*vm) {
			snprintf(err, errlen, "%s: vm= needs a VM name", b->name);
			return -ENOENT;
		}
		snprintf(r.vm, sizeof(r.vm), "%s", vm);
	}
	*ret = r;
	return 0;
}

int steal_events_name(const struct steal_req *r, char *buf, size_t len)
{
	const struct steal_base *b = steal_base_by_kind(r->kind);
	char esc[PV_EV_NAME_MAX];
	int n;

	if (!b)
		return -EINVAL;
	if (r->kind == STEAL_K_CPU)
		n = snprintf(buf, len, "%s:cpu=%d", b->name, r->cpu);
	else if (!steal_kind_is_host(r->kind) || !r->vm[0])
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

/* Bases whose description names the kernel's steal accounting. */
static int steal_base_pvacct(const struct steal_base *b)
{
	return b->kind == STEAL_K_VIRT || b->kind == STEAL_K_VIRT_COMP;
}

int steal_events_set_pvacct(struct pv_evtab *t, const char *pvacct)
{
	for (size_t i = 0; i < STEAL_NBASES; i++) {
		const struct steal_base *b = &steal_bases[i];
		char desc[PV_EV_DESC_MAX];
		unsigned code;
		int rc;

		if (!steal_base_pvacct(b))
			continue;
		rc = pv_evtab_find(t, b->name, &code);
		if (rc == 0) {
			snprintf(desc, sizeof(desc), b->desc, pvacct);
			rc = pv_evtab_set_desc(t, code, desc);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

size_t steal_events_nbases(void)
{
	return STEAL_NBASES;
}

int steal_events_add_bases(struct pv_evtab *t, const char *pvacct, unsigned long hz)
{
	for (size_t i = 0; i < STEAL_NBASES; i++) {
		const struct steal_base *b = &steal_bases[i];
		struct pv_event e;
		unsigned code;
		int rc;

		memset(&e, 0, sizeof(e));
		snprintf(e.name, sizeof(e.name), "%s", b->name);
		if (b->kind == STEAL_K_TOTAL)
			snprintf(e.desc, sizeof(e.desc), b->desc, hz);
		else if (steal_base_pvacct(b))
			snprintf(e.desc, sizeof(e.desc), b->desc, pvacct ? pvacct : "not probed yet");
		else
			snprintf(e.desc, sizeof(e.desc), "%s", b->desc);
		snprintf(e.units, sizeof(e.units), "ns");
		e.dtype = PV_U64;
		e.vtype = PV_COUNTER;
		e.base = -1;
		e.listed = 1;
		e.kind = b->kind;
		e.arg[0] = -1;
		e.arg[1] = -1;
		rc = pv_evtab_add(t, &e, &code);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int steal_events_add(struct pv_evtab *t, const struct steal_req *r, int listed, const char *note,
		     unsigned *ret_code)
{
	const struct steal_base *b = steal_base_by_kind(r->kind);
	struct pv_event e;
	unsigned base;
	int rc;

	if (!b)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
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
	snprintf(e.units, sizeof(e.units), "ns");
	e.dtype = PV_U64;
	e.vtype = PV_COUNTER;
	e.base = (int)base;
	e.listed = listed;
	e.kind = r->kind;
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
