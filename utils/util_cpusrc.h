/*
 * util_cpusrc: papi_vmcheck's independent sources of a VM's CPU time,
 * PAPI-free.  Each is read through its own path: libvirt's domain stats
 * (cpu.time/user/system, vcpu.N.time/delay: pv_virt_link_stats, one
 * virConnectGetAllDomainStats for all VMs),
 * the QEMU process's /proc/<pid>/stat (utime, stime, guest_time), the VM's
 * cgroup v2 cpu.stat, and the schedstat of every QEMU thread.  procfs and
 * sysfs go through pv_fs (PAPI_VIRT_PROCFS / PAPI_VIRT_SYSFS); the process,
 * its threads and its cgroup are located by pv_virt_proc (the QEMU process
 * started with "-uuid <the domain's UUID>").
 */
#ifndef UTIL_CPUSRC_H
#define UTIL_CPUSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum util_srcid {
	UTIL_S_LV_CPU = 0,      /* libvirt cpu.time */
	UTIL_S_LV_USERSYS,      /* libvirt cpu.user + cpu.system */
	UTIL_S_LV_VCPU_TIME,    /* libvirt sum of vcpu.N.time */
	UTIL_S_LV_VCPU_DELAY,   /* libvirt sum of vcpu.N.delay */
	UTIL_S_CG_USAGE,        /* cgroup v2 cpu.stat usage_usec */
	UTIL_S_CG_USERSYS,      /* cgroup v2 cpu.stat user_usec + system_usec */
	UTIL_S_PROC_UTSTIME,    /* /proc/<pid>/stat utime + stime */
	UTIL_S_PROC_GUEST,      /* /proc/<pid>/stat guest_time */
	UTIL_S_SCHED_ALL,       /* sum of run_ns over every QEMU thread */
	UTIL_S_SCHED_VCPU,      /* sum of run_ns over the vCPU threads */
	UTIL_S_SCHED_VCPU_DELAY,/* sum of run_delay over the vCPU threads */
	UTIL_S_PAPI_CPU,        /* vmpower VM_CPU_TIME_NS */
	UTIL_S_PAPI_RUN,        /* steal VCPU_RUN_NS */
	UTIL_S_PAPI_STEAL,      /* steal VCPU_STEAL_NS */
	UTIL_S_PAPI_HALT,       /* steal VCPU_HALT_NS */
	UTIL_S_N
};

/* Name shown for a source ("libvirt cpu.time"). */
const char *util_src_label(enum util_srcid s);

#define UTIL_MAX_TIDS 256

struct util_cpuvals {
	bool have[UTIL_S_N];
	uint64_t ns[UTIL_S_N];
	char why[UTIL_S_N][128];   /* why a source is missing */
	uint64_t t_begin[UTIL_S_N], t_end[UTIL_S_N]; /* monotonic ns around each source's read */
	size_t ntids;
	pid_t tids[UTIL_MAX_TIDS]; /* threads summed for UTIL_S_SCHED_ALL */
};

/* A VM and where the host sees it. */
struct util_cpuvm {
	char name[256];
	char uuid[40];
	pid_t pid;
	uint64_t start_time;  /* of pid, to tell it from a reused pid */
	size_t nvcpus;
	pid_t vcpu_tids[64];
	size_t nthreads;
	char *cgroup;      /* v2 path, NULL when none */
	char *cgroup_dir;  /* relative to the sysfs root, NULL when unknown */
	char where_why[160];
};

struct util_lv;

/* Read-only libvirt link (pv_virt_link) to PAPI_VIRT_URI /
 * LIBVIRT_DEFAULT_URI / qemu:///system, each exchange bounded by
 * PAPI_VIRT_TIMEOUT_MS; it connects on the first list.  -ENOMEM only. */
int util_lv_open(struct util_lv **ret, char *err, size_t errlen);
void util_lv_close(struct util_lv *lv);
const char *util_lv_uri(const struct util_lv *lv);

/* Connects if needed, lists the running domains (names and UUIDs).  *ret
 * is malloc'd.  -errno with one sentence in err naming the URI (or the
 * library, PAPI_VIRT_LIBVIRT) and libvirt's message. */
int util_lv_list(struct util_lv *lv, struct util_cpuvm **ret, size_t *ret_n, char *err, size_t errlen);

/* Locates the QEMU process, threads and cgroup of vm (fills pid...). */
int util_cpuvm_locate(struct util_cpuvm *vm);
void util_cpuvm_free(struct util_cpuvm *vm);

/* 1 while the located QEMU process still runs, 0 when gone, -errno. */
int util_cpuvm_alive(const struct util_cpuvm *vm);

/* Reads the procfs/sysfs sources of vm (cgroup, /proc stat, schedstat)
 * into v, with the instants around each read.  When v->ntids > 0 the same
 * thread set is summed again (so a window compares the same threads);
 * returns the number of those threads that vanished. */
int util_cpuvals_read_local(const struct util_cpuvm *vm, struct util_cpuvals *v);
/* Reads libvirt's statistics of vms[0..n-1] into v[0..n-1] (one RPC for
 * all, slower: read after every VM's local sources so those stay close to
 * the PAPI read).  A failure or a VM missing from the statistics makes the
 * four libvirt sources missing, with the reason. */
void util_cpuvals_read_libvirt(struct util_lv *lv, const struct util_cpuvm *vms, struct util_cpuvals *v, size_t n);

/* /proc/<pid>/stat line -> utime, stime, guest_time in clock ticks. */
int util_parse_proc_stat(const char *line, uint64_t *ret_utime, uint64_t *ret_stime, uint64_t *ret_guest);

#endif
