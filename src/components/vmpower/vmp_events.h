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

enum vmp_kind {
	VMP_K_VM_CYCLES = 0,
	VMP_K_VM_CPU_TIME_NS,
	VMP_K_VM_ENERGY_UJ,
	VMP_K_VM_POWER_W,
	VMP_K_VM_SHARE_PCT,
	VMP_K_VM_POWER_UW,          /* integer twins of the FP64 gauges, for the */
	VMP_K_VM_SHARE_PPM,         /* high-level API (it prints integers) */
	VMP_K_HOST_ENERGY_UJ,
	VMP_K_HOST_ACTIVE_ENERGY_UJ,
	VMP_K_HOST_IDLE_ENERGY_UJ,
	VMP_K_HOST_OTHER_ENERGY_UJ,
	VMP_K_COUNT
};

/* What the host must offer for a kind to exist (and what its description
 * and its "not available" sentence talk about). */
enum vmp_need {
	VMP_NEED_BASIS = 0, /* nothing: the attribution basis itself */
	VMP_NEED_CYCLES,    /* the cycles basis (perf cycles per VM thread) */
	VMP_NEED_ENERGY,    /* an energy source (RAPL or the power model) */
};

/* How PAPI's value comes from the samples at PAPI_start and now. */
enum vmp_calc {
	VMP_CALC_DELTA = 0, /* counter: now - start, exact in 64 bits */
	VMP_CALC_POWER,     /* gauge: energy change (uJ) / elapsed time, in W x scale */
	VMP_CALC_SHARE,     /* gauge: change / change of the sample's den, x scale */
};

/* Everything vmpower knows about a kind: one row per kind. */
struct vmp_kind_def {
	const char *base;     /* event name */
	const char *units;
	const char *what;     /* description (the host's basis and energy source are added) */
	int per_vm;           /* 1: a VM event (:vm=NAME, VMs found through libvirt); 0: host */
	enum vmp_need need;
	enum vmp_qty qty;     /* the engine's quantity it reads */
	enum vmp_calc calc;
	double scale;         /* gauges: unit factor (1 W, 1e6 uW, 100 %, 1e6 ppm) */
	enum pv_dtype dtype;
	enum pv_vtype vtype;
};

/* The row of a kind; NULL out of range. */
const struct vmp_kind_def *vmp_events_kind(enum vmp_kind k);

/* A gauge's value between two samples of its quantity (0 when no time or
 * no denominator passed), or a counter's change as a double. */
double vmp_events_kind_gauge(enum vmp_kind k, const struct vmp_sample *start, const struct vmp_sample *now);

/* The value PAPI reports: a counter's exact change, an FP64 gauge's bits,
 * or an integer gauge rounded to nearest. */
long long vmp_events_kind_value(enum vmp_kind k, const struct vmp_sample *start, const struct vmp_sample *now);

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

/* 1 if the event kind exists on this host (cycles basis, energy source). */
int vmp_events_kind_available(const struct vmp_events_ctx *c, enum vmp_kind k);

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
