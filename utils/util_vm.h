/*
 * util_vm: the monitor's data model, PAPI-free.
 *
 * A source (PAPI, or a replay file in tests) delivers samples: for each VM
 * the raw counter values read since the start of the current EventSet
 * "epoch", plus host totals.  The tracker turns them into cumulative totals
 * that survive EventSet rebuilds (a VM appearing or leaving forces the
 * monitor to stop, rebuild and restart its EventSets, which restarts every
 * counter at 0), per-interval rates, the set of VMs seen (appearing,
 * running, gone) and the run's summary.  Renderers (util_out.h) read it.
 *
 * Symbols are prefixed util_: every helper module in utils/ is linked into
 * every utility.
 */
#ifndef UTIL_VM_H
#define UTIL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Cumulative counters of a VM (all since the start of an epoch). */
enum util_ctr {
	UTIL_C_ENERGY_UJ = 0, /* vmpower VM_ENERGY_UJ */
	UTIL_C_CPU_NS,        /* vmpower VM_CPU_TIME_NS */
	UTIL_C_RUN_NS,        /* steal VCPU_RUN_NS (all vCPUs) */
	UTIL_C_STEAL_NS,      /* steal VCPU_STEAL_NS */
	UTIL_C_HALT_NS,       /* steal VCPU_HALT_NS */
	UTIL_C_N
};

/* Cumulative host counters, uJ. */
enum util_hctr {
	UTIL_H_ENERGY = 0, /* HOST_ENERGY_UJ */
	UTIL_H_ACTIVE,     /* HOST_ACTIVE_ENERGY_UJ */
	UTIL_H_IDLE,       /* HOST_IDLE_ENERGY_UJ */
	UTIL_H_OTHER,      /* HOST_OTHER_ENERGY_UJ */
	UTIL_H_N
};

#define UTIL_NAME_MAX 256
#define UTIL_LABEL_MAX 32
#define UTIL_UUID_LEN 37          /* libvirt's textual UUID + NUL */

struct util_vmread {
	char name[UTIL_NAME_MAX];       /* raw (decoded) VM name */
	char uuid[UTIL_UUID_LEN];       /* domain UUID, "" when unknown */
	bool have[UTIL_C_N];
	uint64_t v[UTIL_C_N];
	bool have_share;
	double share_pct;               /* vmpower VM_SHARE_PCT (gauge) */
};

struct util_sample {
	uint64_t t_ns;                  /* CLOCK_MONOTONIC (or replay) time of the read */
	double wall;                    /* Unix time of the read, seconds */
	unsigned epoch;                 /* changes when EventSets were rebuilt */
	uint64_t epoch_t0_ns;           /* when the current epoch's counters started */
	size_t nvm;
	struct util_vmread *vms;
	bool host_have[UTIL_H_N];
	uint64_t host[UTIL_H_N];
	char basis[UTIL_LABEL_MAX];     /* "cycles", "cpu_time", or "" when unknown */
	char source[UTIL_LABEL_MAX];    /* "measured", "estimated", or "none" */
};

enum util_vmstate {
	UTIL_VM_NEW = 0,  /* first seen in the latest sample */
	UTIL_VM_RUNNING,
	UTIL_VM_GONE,     /* seen before, absent from the latest sample */
};

struct util_vm {
	char name[UTIL_NAME_MAX];
	char uuid[UTIL_UUID_LEN];       /* "" when unknown */
	enum util_vmstate state;
	bool gone_reported;       /* gone in an earlier sample: renderers hide it */
	double first_wall, last_wall;
	uint64_t first_ns, last_ns;
	/* cumulative since first seen, across epochs */
	bool have[UTIL_C_N];
	uint64_t cum[UTIL_C_N];
	/* previous raw values, to difference within an epoch */
	unsigned epoch;
	uint64_t prev[UTIL_C_N];
	uint64_t prev_ns;
	/* latest interval (valid when rate_ok) */
	bool rate_ok;
	double dt_s;
	double power_w;           /* NaN when unknown */
	double cpu_pct;           /* % of one host CPU */
	double steal_pct;         /* % of the vCPUs' time (run + steal + halt) */
	double halt_pct;
	double share_pct;         /* VM_SHARE_PCT as read */
	/* summary */
	double sum_cpu_pct;
	double sum_steal_pct, sum_halt_pct;
	unsigned n_rates, n_steal;
};

struct util_host {
	bool have[UTIL_H_N];
	uint64_t cum[UTIL_H_N];
	uint64_t prev[UTIL_H_N];
	unsigned epoch;
	uint64_t prev_ns;
	bool started;
	bool rate_ok;
	double power_w[UTIL_H_N]; /* NaN when unknown */
	double vm_power_w;        /* sum of the VMs' power (NaN when none known) */
};

struct util_tracker {
	struct util_vm *vms;
	size_t nvm, cap;
	struct util_host host;
	char basis[UTIL_LABEL_MAX];
	char source[UTIL_LABEL_MAX];
	unsigned samples;
	double first_wall, last_wall;
	uint64_t first_ns, last_ns;
	unsigned appeared, disappeared;   /* in the latest sample */
	unsigned long forgotten;          /* departed VMs dropped (UTIL_GONE_KEEP) */
	double last_dt_s;                 /* time between the last two samples */
};

/* Departed VMs kept for the summary: beyond this many, the one that left
 * first is forgotten (counted in forgotten), so an exporter that runs for
 * months beside VMs with ever-new names keeps bounded rows. */
#define UTIL_GONE_KEEP 256

void util_tracker_init(struct util_tracker *t);
void util_tracker_fini(struct util_tracker *t);

/* Takes one sample.  0 or -ENOMEM. */
int util_tracker_add(struct util_tracker *t, const struct util_sample *s);

/* Counts of VMs in the latest sample (not gone). */
size_t util_tracker_live(const struct util_tracker *t);

/* Sample helpers (sources build samples with these). */
void util_sample_reset(struct util_sample *s);
/* The row of VM name in s->vms, added (zeroed, named) when absent: its
 * index into *ret_idx, 0 or -ENOMEM.  An index, never a pointer: adding a
 * row may move s->vms, so a pointer kept across a later call would point
 * into freed memory; use s->vms[idx] where the row is written. */
int util_sample_vm(struct util_sample *s, const char *name, size_t *ret_idx);
void util_sample_free(struct util_sample *s);

#endif
