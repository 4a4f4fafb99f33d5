/*
 * vmp_engine: the vmpower component without PAPI.  It ties together VM
 * discovery (pv_virt), the basis counters (vmp_basis), the host's energy
 * (pv_rapl, else the power model), the attribution (vmp_attr) and the guest
 * export (vmp_export).
 *
 * Intervals: the engine attributes energy between two consecutive updates.
 * An update happens at every PAPI_start/PAPI_read/PAPI_stop of any event set
 * and, while the component is in use, every PAPI_VIRT_VMPOWER_PERIOD_MS
 * (default 1000 ms) from the engine's own thread, so intervals never exceed
 * the period (RAPL wraps are caught, the export stays current).
 *
 * VMs are tracked by name: the values of a name are the sum over every VM
 * that ever ran under that name (a VM destroyed and re-created with the same
 * name continues where the old one froze: counters never go backwards).
 *
 * Locks: vmp_engine_update and the value getters take the engine lock; a
 * libvirt refresh (vmp_engine_sync) runs under the process-wide registry's
 * lock (pv_virt_reg.h, shared with steal) and holds the engine lock only to
 * apply its result, so a hung daemon never blocks a PAPI_read (libvirt calls
 * are bounded by PAPI_VIRT_TIMEOUT_MS).
 *
 * Two steps, so PAPI_library_init stays cheap: vmp_engine_open reads the
 * configuration and the topology (no libvirt, no thread, no counter);
 * vmp_engine_activate, on first use, probes energy and counters and makes
 * the first libvirt refresh.
 */
#ifndef VMP_ENGINE_H
#define VMP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "pv_topo.h"
#include "vmp_perf.h"

enum vmp_energy_src { VMP_E_NONE = 0, VMP_E_RAPL, VMP_E_MODEL };

/* What the engine counts: per VM (by name index) or per host package.  The
 * events (vmp_events.h) are functions of these. */
enum vmp_qty {
	VMP_Q_VM_CYCLES = 0,   /* hardware cycles of the VM's threads */
	VMP_Q_VM_NS,           /* CPU time of the VM's threads */
	VMP_Q_VM_ENERGY,       /* energy attributed to the VM (den: host active energy) */
	VMP_Q_HOST_ENERGY,
	VMP_Q_HOST_ACTIVE,
	VMP_Q_HOST_IDLE,
	VMP_Q_HOST_OTHER,
	VMP_Q_COUNT
};
#define VMP_Q_LAST_VM VMP_Q_VM_ENERGY

struct vmp_engine;

/* Static facts of the engine, for descriptions and papi_component_avail. */
struct vmp_engine_info {
	enum vmp_unit unit;            /* the attribution basis */
	char unit_why[256];            /* why cycles are not used ("" if they are) */
	enum vmp_energy_src energy;
	char energy_why[512];          /* why there is no RAPL / no energy at all */
	int idle_measured;             /* idle baseline measured (1) or configured (0) */
	unsigned npkg;                 /* packages: the dense ":pkg=N" of pv_topo.h */
	int pkg_id[PV_TOPO_MAX_PKGS];  /* physical package id of each pkg=N */
	char uri[256];
};

struct pv_config;

/* Takes vmpower's variables from cfg (pv_config_get()) and reads the CPU
 * topology.  0, or -errno with reason (one sentence) for a bad
 * configuration. */
int vmp_engine_open(const struct pv_config *cfg, struct vmp_engine **ret, char *reason, size_t len);
/* Probes energy and counters and does the first libvirt refresh.  0, or
 * -errno with reason (libvirt missing or unreachable, export without
 * energy...).  Call once, before any other call below. */
int vmp_engine_activate(struct vmp_engine *e, char *reason, size_t len);
/* Stops the thread, frees everything, releases vmpower's registry claim. */
void vmp_engine_close(struct vmp_engine *e);
/* fork() handlers: lock (1) before, unlock (0) after in the parent. */
void vmp_engine_fork_lock(struct vmp_engine *e, int lock);
/* In a child after fork(): forgets the parent's thread, fresh locks. */
void vmp_engine_after_fork(struct vmp_engine *e);

void vmp_engine_info(const struct vmp_engine *e, struct vmp_engine_info *ret);

/* libvirt refresh + apply (new VMs get counters, gone VMs freeze).
 * 0 or -errno (then err says why; nothing changed). */
int vmp_engine_sync(struct vmp_engine *e, char *err, size_t len);

/* Index of the name's value slot: existing, else after one sync.  -ENOENT
 * when no VM of that name runs, or the sync error. */
int vmp_engine_lookup(struct vmp_engine *e, const char *name, int *ret_idx);

/* Names known so far (live and frozen): 0 <= i < count.  The returned
 * string stays valid until vmp_engine_close. */
int vmp_engine_name_count(struct vmp_engine *e);
const char *vmp_engine_name(struct vmp_engine *e, int i);
int vmp_engine_name_live(struct vmp_engine *e, int i);
/* VM records held: one per VM running now (a departed VM's record is
 * dropped at the refresh that sees it gone; its name stays).  Tests. */
int vmp_engine_record_count(struct vmp_engine *e);

/* One attribution step now (the read path: no libvirt call). */
int vmp_engine_update(struct vmp_engine *e);


/* A snapshot of one quantity, as integers: num = its counter; den = the
 * host active energy for VMP_Q_VM_ENERGY (the denominator of a share), else
 * 0; t_ns = monotonic time of the last update. */
struct vmp_sample {
	uint64_t num;
	uint64_t den;
	uint64_t t_ns;
};

/* One attribution step (as vmp_engine_update), keeping the engine locked so that the samples taken until
 * vmp_engine_read_end (with the _locked getters) all come from that one
 * step: conservation then holds exactly between events of one PAPI_read,
 * even when the engine's thread updates concurrently. */
int vmp_engine_read_begin(struct vmp_engine *e);
/* Why the step of read_begin failed: a sentence naming the file. */
const char *vmp_engine_read_error_locked(const struct vmp_engine *e);
void vmp_engine_read_end(struct vmp_engine *e);
/* vm = name index (ignored for host quantities), pkg = package or -1 for
 * all.  -EINVAL for a bad index. */
int vmp_engine_sample_locked(struct vmp_engine *e, enum vmp_qty q, int vm, int pkg,
			     struct vmp_sample *ret);
int vmp_engine_name_count_locked(const struct vmp_engine *e);

/* Starts the engine's periodic thread (idempotent).  0 or -errno. */
int vmp_engine_start_thread(struct vmp_engine *e);

/* Export directory in use (PAPI_VIRT_VMPOWER_EXPORT), "" when off. */
const char *vmp_engine_export_dir(const struct vmp_engine *e);

/* For tests: monotonic clock override (0 = the real clock). */
void vmp_engine_set_clock(struct vmp_engine *e, uint64_t (*now_ns)(void));

#endif
