/*
 * pv_virt_link: the one place that calls libvirt (through pv_virt_lib's
 * dlopen'ed table).  Used by pv_virt (which VMs run) and by papi_vmcheck
 * (libvirt's domain statistics as an independent source); its header holds
 * no libvirt type, so its users include no libvirt header and link no
 * -lvirt.  A link owns one read-only connection to the URI it was made for
 * (callers take pv_config's: PAPI_VIRT_URI, else LIBVIRT_DEFAULT_URI, else
 * qemu:///system); the connection is made on the first exchange, and a dead
 * one is replaced once per exchange.  Every exchange with the daemon runs
 * in a short-lived worker thread so a hung daemon costs the caller at most
 * the timeout.  A worker that times out finishes on its own and, if the
 * link was closed meanwhile, frees it.  Failures come back as one sentence
 * naming the URI (or the library, PAPI_VIRT_LIBVIRT) and libvirt's message.
 */
#ifndef PV_VIRT_LINK_H
#define PV_VIRT_LINK_H

#include <stddef.h>
#include <stdint.h>

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

/* The URI the link was made for. */
const char *pv_virt_link_uri(const struct pv_virt_link *l);

/* Statistics groups (libvirt's VIR_DOMAIN_STATS_*) pv_virt_link_stats
 * can ask for. */
enum pv_virt_link_group {
	PV_VIRT_LINK_STATE = 1u << 0,   /* state.state, state.reason */
	PV_VIRT_LINK_CPU = 1u << 1,     /* cpu.time, cpu.user, cpu.system (ns) */
	PV_VIRT_LINK_VCPU = 1u << 2,    /* vcpu.current, vcpu.N.state/time/wait/delay */
};

enum pv_virt_link_kind {
	PV_VIRT_LINK_U64,       /* libvirt's uint, ullong and boolean fields */
	PV_VIRT_LINK_S64,       /* int, llong */
	PV_VIRT_LINK_DOUBLE,
};

/* One numeric field of a domain's statistics, as libvirt named it. */
struct pv_virt_link_stat {
	char field[80];         /* "cpu.time", "vcpu.0.delay" */
	enum pv_virt_link_kind kind;
	uint64_t u;             /* PV_VIRT_LINK_U64 */
	int64_t s;              /* PV_VIRT_LINK_S64 */
	double d;               /* PV_VIRT_LINK_DOUBLE */
};

/* The statistics of one running domain (malloc'd). */
struct pv_virt_link_domstats {
	struct pv_virt_link_dom dom;
	struct pv_virt_link_stat *stats;
	size_t n;
};

struct pv_virt_link_statlist {
	struct pv_virt_link_domstats *doms;
	size_t n;
};

/*
 * Connects if needed, then reads the statistics groups (an OR of
 * pv_virt_link_group) of every running domain in one RPC
 * (virConnectGetAllDomainStats).  String fields (none in these groups) are
 * left out.  Errors as pv_virt_link_list; -EINVAL for an unknown group.
 */
int pv_virt_link_stats(struct pv_virt_link *l, unsigned int timeout_ms, unsigned int groups,
		       struct pv_virt_link_statlist *ret, char *err, size_t errlen);

void pv_virt_link_statlist_free(struct pv_virt_link_statlist *list);

/* The field named field of d, NULL when libvirt gave none. */
const struct pv_virt_link_stat *pv_virt_link_stat_find(const struct pv_virt_link_domstats *d, const char *field);

#endif
