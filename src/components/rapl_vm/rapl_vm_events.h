/*
 * rapl_vm_events: the rapl_vm event table (names, descriptions, units),
 * PAPI-free.  Built once at init from the energy domains (pv_rapl) and the
 * controls found (rapl_vm_ctl); names typed by users are canonicalised here.
 *
 * Event payload (struct pv_event): kind = RAPL_EV_*, arg[0] = the pv_rapl
 * domain index (energy) or the control index (controls).
 */
#ifndef RAPL_VM_EVENTS_H
#define RAPL_VM_EVENTS_H

#include <stddef.h>

#include "pv_evtab.h"
#include "pv_rapl.h"
#include "rapl_vm_ctl.h"

enum rapl_ev_kind {
	RAPL_EV_HEADER = 0, /* a base that needs qualifiers: listed, not addable */
	RAPL_EV_ENERGY,
	RAPL_EV_CTL,
};

/* Adds every event; r may be NULL (no energy source), set may be empty.
 * 0 or -errno. */
int rapl_vm_events_build(struct pv_evtab *t, struct pv_rapl *r, const struct rapl_vm_ctl_set *set);

/* Canonical spelling of a typed name (qualifiers in any order, '@' or '=',
 * constraint by name or index): "POWER_LIMIT_UW:constraint@0:pkg=1" ->
 * "POWER_LIMIT_UW:pkg=1:constraint=long_term".  -ENOENT with err naming
 * what is wrong. */
int rapl_vm_events_canonical(const struct rapl_vm_ctl_set *set, const char *name, char *buf, size_t len, char *err,
			  size_t errlen);

/* 1 if name (qualifiers ignored) starts with one of rapl_vm's base names. */
int rapl_vm_events_is_base(const char *name);

#endif
