/* Internals of vmp_engine shared by vmp_engine.c (attribution, values) and
 * vmp_sync.c (libvirt refresh, VM records).  Not for other modules. */
#ifndef VMP_ENGINE_PRIV_H
#define VMP_ENGINE_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include "pv_procstat.h"
#include "pv_rapl.h"
#include "pv_virt.h"
#include "pv_virt_reg.h"
#include "vmp_attr.h"
#include "vmp_basis.h"
#include "vmp_engine.h"
#include "vmp_export.h"
#include "vmp_model.h"
#include "vmp_procstat.h"
#include "pv_topo.h"

/* A VM name: the unit in which values are reported. */
struct vmp_name {
	char *name;
	uint64_t cyc[VMP_MAX_PKGS];
	uint64_t ns[VMP_MAX_PKGS];
	int live;                  /* a running VM has this name */
};

/* One VM as libvirt ran it (a re-created VM is a new record). */
struct vmp_rec {
	uint64_t virt_id;
	pid_t pid;                 /* QEMU pid the counters were opened for */
	char *cgdir;               /* cgroup dir they were opened for, or NULL */
	int name;                  /* index in names (= attribution slot) */
	char uuid[PV_VIRT_UUID_STRLEN];
	struct vmp_basis b;        /* the attribution basis */
	struct vmp_basis nsb;      /* CPU time when the basis is cycles */
	int has_nsb;
	uint64_t bprev[VMP_MAX_PKGS];
	uint64_t nsprev[VMP_MAX_PKGS];
	uint64_t energy;           /* attributed while this record ran */
	uint64_t attr_prev;        /* name's total at the last update */
	int live;
	struct vmp_export_vm exp;
	int exp_err;               /* last export error (-errno), 0 */
};

struct vmp_engine {
	pthread_mutex_t lock;      /* everything below but virt */
	char read_err[512];        /* why the last update failed ("" if it did not) */
	struct vmp_engine_info info;
	struct pv_topo topo;
	struct pv_procstat_file procstat; /* kept open for the CPU-time basis and the power model */
	struct pv_virt *virt;      /* the registry's (pv_virt_reg.h), only
	                              used with the registry locked; NULL
	                              until the first sync */
	struct pv_rapl *rapl;
	int rapl_idx[VMP_MAX_PKGS];   /* -1: no RAPL domain for the package */
	struct vmp_model model;
	struct vmp_idle_cfg idle;
	struct vmp_attr attr;

	struct vmp_name *names;
	int nnames, cap_names;
	struct vmp_rec *recs;
	int nrecs, cap_recs;

	/* host totals */
	int *cpufd;                   /* cycles basis: per online CPU */
	uint64_t *cpuval;
	uint64_t hb_cum[VMP_MAX_PKGS], hb_prev[VMP_MAX_PKGS];
	uint64_t e_cum[VMP_MAX_PKGS], e_prev[VMP_MAX_PKGS];
	struct vmp_integ model_integ[VMP_MAX_PKGS], idle_integ[VMP_MAX_PKGS];
	uint64_t min_uw[VMP_MAX_PKGS];
	struct vmp_pkgstat ps_prev;
	int have_prev;
	uint64_t t_prev;
	uint64_t *vb;                 /* scratch: basis per name for one package */
	int cap_vb;

	char export_dir[1024];
	uint64_t export_range;
	char power_model[256];        /* PAPI_VIRT_POWER_MODEL, "" = unset */
	unsigned period_ms, refresh_ms;
	pthread_t thread;
	int thread_started;
	int stop;
	pthread_cond_t cond;
	uint64_t (*clock)(void);
};

uint64_t vmp_engine_now(const struct vmp_engine *e);

/* vmp_sync.c */
int vmp_sync_apply(struct vmp_engine *e);        /* engine lock held */
void vmp_sync_free(struct vmp_engine *e);
int vmp_sync_find_name(const struct vmp_engine *e, const char *name);

/* vmp_engine.c */
int vmp_engine_update_locked(struct vmp_engine *e);

#endif
