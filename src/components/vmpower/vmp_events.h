/*
 * vmp_events: vmpower's event names, PAPI-free.
 *
 *   VM_CYCLES[:vm=NAME][:pkg=N]        hardware cycles (only with that basis)
 *   VM_CPU_TIME_NS[:vm=NAME][:pkg=N]
 *   VM_ENERGY_UJ[:vm=NAME][:pkg=N]
 *   VM_POWER_W[:vm=NAME][:pkg=N]       FP64 gauge, average since PAPI_start
 *   VM_SHARE_PCT[:vm=NAME][:pkg=N]     FP64 gauge, % of HOST_ACTIVE since PAPI_start
 *   VM_POWER_UW, VM_SHARE_PPM          the same gauges as integers (uW, ppm):
 *                                      PAPI's high-level API prints integers
 *   HOST_ENERGY_UJ, HOST_ACTIVE_ENERGY_UJ, HOST_IDLE_ENERGY_UJ,
 *   HOST_OTHER_ENERGY_UJ [:pkg=N]
 * A VM event without :vm= is the sum over every VM.  Names are escaped as
 * pv_evname.h says (one escaping shared with steal); '@' may replace '='
 * (vm@NAME), so gauges work with the high-level API's "=instant".
 */
#ifndef VMP_EVENTS_H
#define VMP_EVENTS_H

#include <stddef.h>

#include "pv_evname.h"
#include "pv_evtab.h"
#include "vmp_engine.h"

struct vmp_req {
	enum vmp_kind kind;
	int pkg;                         /* -1: all packages */
	int has_vm;
	char vm[PV_EVNAME_VALUE_MAX];    /* raw (decoded) name */
};

/* What the host offers, to decide which bases exist and to describe them. */
struct vmp_events_ctx {
	struct vmp_engine_info info;
};

const char *vmp_kind_base(enum vmp_kind k);
int vmp_kind_is_vm(enum vmp_kind k);
int vmp_kind_is_gauge(enum vmp_kind k);
int vmp_kind_is_fp(enum vmp_kind k);

/* 1 if the event kind exists on this host (cycles basis, energy source). */
int vmp_kind_available(const struct vmp_events_ctx *c, enum vmp_kind k);

/* 1 if name (up to its first ':') is one of vmpower's bases, whatever the
 * host offers; no state needed (decides before the engine is active). */
int vmp_events_base_known(const char *name);

/* Parses a typed name.  -ENOENT unknown / unavailable base or qualifier,
 * -EINVAL malformed; err gets one sentence. */
int vmp_events_parse(const struct vmp_events_ctx *c, const char *name, struct vmp_req *ret,
		     char *err, size_t errlen);

int vmp_events_name(const struct vmp_req *r, char *buf, size_t len);

/* Adds every available base.  0 or -errno. */
int vmp_events_add_bases(const struct vmp_events_ctx *c, struct pv_evtab *t);

/* Adds (or finds) the event of a request; vm_idx is the engine's name
 * index (-1 for all VMs / host events).  0 or -errno. */
int vmp_events_add(const struct vmp_events_ctx *c, struct pv_evtab *t, const struct vmp_req *r,
		   int vm_idx, int listed, unsigned *ret_code);

#endif
