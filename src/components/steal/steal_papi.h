/*
 * steal: internals shared by the two halves of the PAPI adapter
 * (steal_papi.c: callbacks and guest side; steal_papi_host.c: libvirt and
 * vCPU binding).  Only *_papi*.c files include this.
 */
#ifndef STEAL_PAPI_H
#define STEAL_PAPI_H

#include <stddef.h>
#include <stdint.h>

#include "papi.h"
#include "papi_internal.h"
#include "papi_memory.h"
#include "papi_vector.h"

#include "pv_fs.h"
#include "pv_papi_events.h"
#include "pv_virt.h"
#include "pv_virt_reg.h"
#include "steal_events.h"
#include "steal_guest.h"
#include "steal_vcpu.h"
#include "steal_procstat.h"
#include "steal_pvacct.h"
#include "steal_sample.h"

extern papi_vector_t _steal_vector;
extern struct pv_papi_events steal_ev;

/* ---- per-EventSet state ---------------------------------------------- */

struct steal_hvm {
	uint64_t id;            /* pv_virt record id */
	int in_all;             /* bound for an "all VMs" event */
	struct steal_vcpu *v;
	size_t n;
};

struct steal_ctl {
	int n;
	int failed; /* pv_papi_read_status */
	unsigned *codes;
	long long *values;
	int *slot;              /* host events: index in hvm, -1 = all VMs */
	int need_sys, need_thread;
	int sampler_open;
	struct steal_sampler smp;
	struct steal_guest guest;
	struct steal_hvm *hvm;
	size_t nhvm;
};

struct steal_context {
	int unused;
};

int steal_papi_host_bind(struct steal_ctl *c);
void steal_papi_host_free(struct steal_ctl *c);
uint64_t steal_papi_host_value(const struct steal_ctl *c, int slot, int vcpu, enum steal_vcpu_value what);
void steal_papi_host_list_vms(void);
int steal_papi_host_check(const struct steal_req *r);
void steal_papi_host_shutdown(void);

#endif
