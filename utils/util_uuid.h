/*
 * util_uuid: the libvirt UUID of each VM of a sample.  PAPI's events name a
 * VM by its name only, and a name can be reused by another VM; the UUID
 * (label `uuid` of every per-VM Prometheus series, "uuid" in JSON) tells
 * them apart.  Read-only libvirt list (src/shared pv_virt, same URI as the
 * components: PAPI_VIRT_URI, LIBVIRT_DEFAULT_URI, qemu:///system), one
 * exchange per sample, bounded by a 1 s timeout; when libvirt does not
 * answer, the UUIDs last seen stay and unknown ones are "".
 */
#ifndef UTIL_UUID_H
#define UTIL_UUID_H

#include "util_vm.h"

struct util_uuids;

/* -ENOMEM only: the connection is made by the first util_uuids_fill. */
int util_uuids_open(struct util_uuids **ret);

/* Sets uuid of every VM row of s that libvirt lists under its name. */
void util_uuids_fill(struct util_uuids *u, struct util_sample *s);

void util_uuids_close(struct util_uuids *u);

#endif
