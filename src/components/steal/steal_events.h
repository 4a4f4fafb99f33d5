/*
 * steal_events: the steal component's event names, PAPI-free.
 *
 *   STEAL_NS[:cpu=N]                   guest, all CPUs / kernel CPU N
 *   THREAD_RUN_DELAY_NS, THREAD_STEAL_NS, VIRT_NS, VIRT_NS_COMPENSATED
 *   VCPU_RUN_NS|VCPU_STEAL_NS|VCPU_HALT_NS[:vm=NAME[:vcpu=N]]   host
 *
 * VM names are percent-encoded as pv_evname.h defines (shared with vmpower):
 * listed names encode every byte outside [A-Za-z0-9._+-]; typed names need
 * only ':' and '%' encoded.  '@' may replace '=' (vm@NAME).  A host event
 * without :vm= sums every VM running at PAPI_start.
 */
#ifndef STEAL_EVENTS_H
#define STEAL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "pv_evname.h"
#include "pv_evtab.h"
#include "steal_guest.h"
#include "steal_vcpu.h"

enum steal_kind {
	STEAL_K_TOTAL = 0,
	STEAL_K_CPU,          /* STEAL_NS:cpu=N, an instance of STEAL_NS */
	STEAL_K_THREAD_DELAY,
	STEAL_K_THREAD_STEAL,
	STEAL_K_VIRT,
	STEAL_K_VIRT_COMP,
	STEAL_K_VCPU_RUN,
	STEAL_K_VCPU_STEAL,
	STEAL_K_VCPU_HALT,
	STEAL_K_COUNT
};

/* What an EventSet must open between PAPI_start and PAPI_stop. */
enum steal_need {
	STEAL_NEED_SYS = 1,                 /* /proc/stat */
	STEAL_NEED_THREAD = 2,              /* thread-self/schedstat, the thread's CPU clock */
	STEAL_NEED_SYS_UNLESS_EXCLUDED = 4, /* /proc/stat, unless the kernel already leaves
					     * steal out of the thread's CPU time (steal_pvacct) */
	STEAL_NEED_LIBVIRT = 8,             /* host: the VM's vCPU threads, found through libvirt */
};

/* Text of the running system put into a base description at init. */
enum steal_detail { STEAL_D_NONE = 0, STEAL_D_HZ, STEAL_D_PVACCT };

/* Everything the component knows about a kind: one row per kind. */
struct steal_kind_def {
	const char *name;            /* base event name */
	enum steal_kind base;        /* the listed base this kind is an instance of (itself for a base) */
	const char *quals;           /* qualifiers the name takes, space separated */
	const char *units;
	enum pv_dtype dtype;
	enum pv_vtype vtype;
	unsigned needs;              /* steal_need bits */
	/* The value: a guest kind reads the guest accounting (cpu: the event's
	 * CPU, -1 when none), a host kind one value of its vCPU threads. */
	uint64_t (*guest_value)(const struct steal_guest *g, int cpu);
	enum steal_vcpu_value vcpu_value;
	/* Description: desc, the detail of this system, desc_tail. */
	const char *desc;
	enum steal_detail detail;
	const char *desc_tail;
};

/* The row of a kind; NULL out of range. */
const struct steal_kind_def *steal_events_kind(int kind);

/* 1 for the host kinds (VM / vCPU events, need libvirt). */
int steal_events_kind_is_host(int kind);

/* The sources (STEAL_NEED_SYS, STEAL_NEED_THREAD bits) a kind needs; excluded:
 * steal_pvacct_excluded() of this system. */
unsigned steal_events_kind_sources(int kind, int excluded);

/* A parsed request.  vcpu = -1: all vCPUs; vm[0] = 0: all VMs. */
struct steal_req {
	int kind;
	int cpu;                       /* STEAL_K_CPU */
	int vcpu;
	char vm[PV_EVNAME_VALUE_MAX];  /* raw (decoded) VM name */
};

/*
 * Parses a typed name (no "steal:::" prefix).  0 on success; otherwise
 * -ENOENT (unknown base, or a qualifier this base does not take) or -EINVAL
 * (malformed), with one sentence in err.
 */
int steal_events_parse(const char *name, struct steal_req *ret, char *err, size_t errlen);

/* The canonical name of a request (what papi_native_avail lists). */
int steal_events_name(const struct steal_req *r, char *buf, size_t len);

/* How many base events steal_events_add_bases adds. */
size_t steal_events_nbases(void);

/* Adds the base events.  pvacct is steal_pvacct_describe()'s sentence
 * (NULL: not known yet, set later with steal_events_set_pvacct); hz the
 * USER_HZ used.  0 or -errno. */
int steal_events_add_bases(struct pv_evtab *t, const char *pvacct, unsigned long hz);

/* Puts pvacct into the descriptions of the bases that depend on it
 * (VIRT_NS, VIRT_NS_COMPENSATED).  0 or -errno. */
int steal_events_set_pvacct(struct pv_evtab *t, const char *pvacct);

/* Adds (or finds) the event for a request, as an instance of its base.
 * listed: show it in enumeration.  note: extra text for the instance
 * description ("offline at start", ...), may be NULL. */
int steal_events_add(struct pv_evtab *t, const struct steal_req *r, int listed, const char *note,
		     unsigned *ret_code);

/* The request an event stands for (from its payload). */
void steal_events_req(const struct pv_event *e, struct steal_req *ret);

#endif
