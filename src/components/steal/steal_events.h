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

#include "pv_evname.h"
#include "pv_evtab.h"

enum steal_kind {
	STEAL_K_TOTAL = 1,
	STEAL_K_CPU,
	STEAL_K_THREAD_DELAY,
	STEAL_K_THREAD_STEAL,
	STEAL_K_VIRT,
	STEAL_K_VIRT_COMP,
	STEAL_K_VCPU_RUN,
	STEAL_K_VCPU_STEAL,
	STEAL_K_VCPU_HALT,
};

static inline int steal_kind_is_host(int k)
{
	return k >= STEAL_K_VCPU_RUN && k <= STEAL_K_VCPU_HALT;
}

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
