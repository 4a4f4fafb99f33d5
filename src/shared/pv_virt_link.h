/*
 * pv_virt_link: the libvirt side of pv_virt (internal to pv_virt.c and its
 * tests).  A link owns one read-only connection; every exchange with the
 * daemon runs in a short-lived worker thread so a hung daemon costs the
 * caller at most the timeout.  A worker that times out finishes on its own
 * and, if the link was closed meanwhile, frees it.
 */
#ifndef PV_VIRT_LINK_H
#define PV_VIRT_LINK_H

#include <stddef.h>

struct pv_virt_link;

/* One running domain as libvirt lists it (strings malloc'd). */
struct pv_virt_link_dom {
	char *name;
	char uuid[37];
	int domid;
};

struct pv_virt_link_domlist {
	struct pv_virt_link_dom *doms;
	size_t n;
};

/* -ENOMEM only; no connection is made here. */
int pv_virt_link_new(const char *uri, struct pv_virt_link **ret);

/* Closes the connection (waiting at most timeout_ms for the daemon) and
 * drops the caller's reference. */
void pv_virt_link_close(struct pv_virt_link *l, unsigned int timeout_ms);

/*
 * Connects if needed (reconnecting a dead connection), lists the running
 * domains.  0, -ETIMEDOUT, -ECONNREFUSED, -EIO, -ENOMEM; err gets a
 * sentence on failure.  *ret_reconnected is set to 1 when a lost
 * connection was replaced by a working one.
 */
int pv_virt_link_list(struct pv_virt_link *l, unsigned int timeout_ms, struct pv_virt_link_domlist *ret,
		      int *ret_reconnected, char *err, size_t errlen);

void pv_virt_link_domlist_free(struct pv_virt_link_domlist *list);

#endif
