/*
 * util_evset: one PAPI EventSet of one component, by event name, values
 * converted by the event's data type (FP64 events carry a double).  Also
 * the PAPI-API helpers both papi_vmpower and papi_vmcheck need: component
 * lookup with the disabled reason, and the list of VMs from event
 * enumeration (PAPI_NTV_ENUM_UMASKS shows ":vm=" instances).
 * PAPI's own error codes (negative) are returned; PAPI_strerror names them.
 */
#ifndef UTIL_EVSET_H
#define UTIL_EVSET_H

#include <stddef.h>
#include <stdint.h>

struct util_evset {
	int es;           /* PAPI EventSet, or -1 when none */
	int cid;
	size_t n, cap;
	int *fp;          /* per position: 1 when the event's data type is FP64 */
	long long *vals;
	int running;
};

/* PAPI_library_init (once).  0 or a PAPI error; err gets a sentence. */
int util_papi_init(char *err, size_t errlen);

/* Index of an active component, or -1 with why (disabled reason, or absent). */
int util_papi_component(const char *name, char *why, size_t whylen);

/* Calls fn(raw VM name, arg) for each ":vm=" instance of comp:::base whose
 * only qualifier is vm.  Returns the number of instances or a PAPI error. */
int util_papi_list_vms(int cid, const char *comp, const char *base,
		       void (*fn)(const char *vm, void *arg), void *arg);

/* Long description of an event ("" when the event does not resolve). */
int util_papi_event_descr(const char *name, char *buf, size_t len);

int util_evset_init(struct util_evset *e, int cid);
/* Position (>= 0) of the added event, or a PAPI error. */
int util_evset_add(struct util_evset *e, const char *name);
int util_evset_start(struct util_evset *e);
int util_evset_read(struct util_evset *e);
double util_evset_double(const struct util_evset *e, size_t i);
uint64_t util_evset_u64(const struct util_evset *e, size_t i);
void util_evset_fini(struct util_evset *e);

/* "comp:::BASE:vm=<escaped vm>" into buf.  0, or -ENAMETOOLONG. */
int util_event_name(char *buf, size_t len, const char *comp, const char *base, const char *vm);

#endif
