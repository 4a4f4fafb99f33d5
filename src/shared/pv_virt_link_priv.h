/*
 * Internals shared by pv_virt_link.c (connection, worker threads, list) and
 * pv_virt_link_stats.c (domain statistics as plain data); nothing else
 * includes this.  The public interface is pv_virt_link.h.  Both files call
 * libvirt only through the table L (pv_virt_lib), from the link's worker.
 */
#ifndef PV_VIRT_LINK_PRIV_H
#define PV_VIRT_LINK_PRIV_H

#include "pv_virt_lib.h"
#include "pv_virt_link.h"

/* Name, UUID and id of dom (no RPC: the handle caches them).  -ENOMEM. */
int pv_virt_link_ident(const struct pv_virt_fns *L, virDomainPtr dom, struct pv_virt_link_dom *out);

/* groups (pv_virt_link_group bits) -> libvirt's VIR_DOMAIN_STATS_* bits;
 * -EINVAL with a sentence in err for none or an unknown bit. */
int pv_virt_link_groups(unsigned int groups, unsigned int *ret_libvirt, char *err, size_t errlen);

/* libvirt's n statistics records -> *ret (string fields left out).
 * -ENOMEM (*ret then empty). */
int pv_virt_link_stats_of(const struct pv_virt_fns *L, virDomainStatsRecordPtr *recs, int n,
			  struct pv_virt_link_statlist *ret);

#endif
