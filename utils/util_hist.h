/*
 * util_hist: the run's history for the --report charts, PAPI-free: after
 * every sample, the host's power split and each live VM's power, CPU %,
 * steal % and halt %, as columns (one value per sample, NaN where a VM was
 * not running or a value was unknown).
 */
#ifndef UTIL_HIST_H
#define UTIL_HIST_H

#include <stddef.h>

#include "util_vm.h"

enum util_hist_vser { UTIL_HV_POWER = 0, UTIL_HV_CPU, UTIL_HV_STEAL, UTIL_HV_HALT, UTIL_HV_N };

struct util_hist_vm {
	char name[UTIL_NAME_MAX];
	char uuid[UTIL_UUID_LEN];
	double *v[UTIL_HV_N];
};

struct util_hist {
	size_t n, cap;                 /* samples */
	double *t;                     /* seconds since the first sample */
	double t0_wall;                /* Unix time of the first sample */
	double *host[UTIL_H_N];        /* power, W: total, active, idle, other */
	struct util_hist_vm *vms;
	size_t nvm;
};

void util_hist_init(struct util_hist *h);
void util_hist_fini(struct util_hist *h);
/* Appends the tracker's latest sample.  0 or -ENOMEM. */
int util_hist_add(struct util_hist *h, const struct util_tracker *t);

#endif
