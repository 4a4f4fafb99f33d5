/*
 * pv_guestview: what PAPI can measure from inside this VM (papi_vmguest).
 *
 * Facts are gathered by small probes (CPUID, one perf_event_open, procfs
 * through pv_fs) into struct pv_guestview_facts; pv_guestview_report() turns them
 * into the report, naming for every missing feature the host-side change that
 * provides it.  The report is a pure function of the facts, so tests feed it
 * fixtures.  No PAPI here: the utility adds the rapl_vm reading.
 *
 * Report lines (stable, "key: state (details)"; an indented "enable:" line
 * follows every feature that is absent):
 *   hypervisor: KVM | TCG | Xen | Hyper-V | VMware | ... | unknown | none
 *   vpmu: present | absent
 *   steal_clock: present | absent
 *   virtual_rapl: present | absent
 */
#ifndef PV_GUESTVIEW_H
#define PV_GUESTVIEW_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* KVM_FEATURE_STEAL_TIME: bit 5 of CPUID 0x40000001 EAX (KVM's leaf). */
#define PV_KVM_FEATURE_STEAL_TIME 5

struct pv_guestview_facts {
	/* Hypervisor: CPUID.1:ECX[31] or the "hypervisor" cpuinfo flag, and the
	 * vendor signature of the first hypervisor leaf (0x40000000 + n*0x100). */
	int hv_flag;
	char hv_sig[13];
	uint32_t hv_leaf;
	int kvm_features_known;
	uint32_t kvm_features;
	/* Virtual PMU: errno of perf_event_open(PERF_COUNT_HW_CPU_CYCLES), 0 = opened;
	 * CPUID 0xA architectural perfmon version (0 = none). */
	int pmu_err;
	unsigned pmu_version;
	/* Steal: the cpu line of /proc/stat (8th value), in USER_HZ ticks. */
	int steal_known;
	uint64_t steal_ticks;
	/* Virtual RAPL under the sysfs root: 1 zone file present, 0 absent, <0 error. */
	char sysfs_root[256];
	int zone;
	char mount_type[32], mount_src[128], mount_opts[128];
	/* Filled by the caller (PAPI): 1 = read through rapl_vm; the energy it
	 * counted between two reads rapl_wait_s apart. */
	int rapl_read;
	uint64_t rapl_uj;
	double rapl_wait_s;
	char rapl_why[256];
};

/* CPUID probes (x86; elsewhere only hv_flag from cpuinfo is known). */
void pv_guestview_probe_cpuid(struct pv_guestview_facts *f);
/* perf_event_open of hardware cycles for this thread, closed at once. */
void pv_guestview_probe_pmu(struct pv_guestview_facts *f);
/* procfs through pv_fs: cpuinfo "hypervisor" flag, /proc/stat steal, and the
 * mount (self/mounts) holding the sysfs root; the zone file under it. */
void pv_guestview_probe_fs(struct pv_guestview_facts *f);

/* Hypervisor name for a CPUID signature ("" -> NULL). */
const char *pv_guestview_hv_name(const char *sig);
/* The mount in mounts text (self/mounts format) whose mount point is the
 * longest prefix of path: fills type/src/opts; 0, or -ENOENT. */
int pv_guestview_find_mount(const char *mounts, const char *path, struct pv_guestview_facts *f);

/* Writes the report; returns the number of absent features (0..3). */
int pv_guestview_report(FILE *out, const struct pv_guestview_facts *f);
#endif
