/*
 * vmp_model: configuration of the energy side.
 *
 * PAPI_VIRT_POWER_MODEL: an estimated energy source for hosts without RAPL.
 *   "idle=W,max=W[,model=linear]"    W in watts, decimals allowed ("62.5")
 * Each package draws idle + (max - idle) * u, where u is the package's CPU
 * utilisation (busy / total time of its CPUs in /proc/stat) over the
 * interval; the model's idle watts are also the idle baseline.  Values are
 * estimates and labelled so by the component.
 *
 * PAPI_VIRT_IDLE_POWER: the idle baseline with a measured energy source.
 *   unset or "auto"   measured: the lowest average package power seen in any
 *                     update interval of at least VMP_IDLE_MIN_INTERVAL_NS
 *                     since the component started (only ever decreases)
 *   "W"               the same configured watts for every package
 *   "W0,W1,..."       one value per package (":pkg=N" order)
 *   "0"               no baseline: all energy is active (Kepler-like)
 */
#ifndef VMP_MODEL_H
#define VMP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "vmp_attr.h"

#define VMP_IDLE_MIN_INTERVAL_NS 100000000ull /* 100 ms */
#define VMP_MAX_WATTS 100000u                 /* sanity bound for configured values */

struct vmp_model {
	uint64_t idle_uw;
	uint64_t max_uw;
};

struct vmp_idle_cfg {
	int measured;                     /* 1: "auto" */
	unsigned n;                       /* values given (1 = for every package) */
	uint64_t uw[VMP_MAX_PKGS];
};

/* "62.5" -> 62500000 uW.  Strict: digits, at most 6 decimals, no sign, no
 * unit, <= VMP_MAX_WATTS.  -EINVAL / -ERANGE. */
int vmp_model_parse_watts(const char *s, uint64_t *ret_uw);

/* Parses a PAPI_VIRT_POWER_MODEL value.  On -EINVAL, err (if not NULL) gets
 * one sentence naming the offending part. */
int vmp_model_parse(const char *s, struct vmp_model *ret, char *err, size_t errlen);

/* Power of the model at utilisation busy/total (total 0 -> idle), in uW. */
uint64_t vmp_model_power_uw(const struct vmp_model *m, uint64_t busy, uint64_t total);

/* Parses a PAPI_VIRT_IDLE_POWER value (NULL or "" = auto). */
int vmp_model_idle_parse(const char *s, struct vmp_idle_cfg *ret, char *err, size_t errlen);

/* Configured idle power of package pkg; only meaningful when !measured. */
uint64_t vmp_model_idle_uw(const struct vmp_idle_cfg *c, unsigned pkg);

#endif
