/*
 * pv_virt_types: the plain records of a QEMU process's threads, shared by
 * pv_virt (which keeps them per VM) and pv_virt_proc (which reads them from
 * procfs), and pv_virt's defaults.  Their own header so no module includes
 * another's only for them: pv_virt uses pv_virt_proc, never the reverse, and
 * the configuration table can name the defaults without depending on pv_virt.
 */
#ifndef PV_VIRT_TYPES_H
#define PV_VIRT_TYPES_H

#include <sys/types.h>

#define PV_VIRT_UUID_STRLEN 37          /* 36 characters + NUL, libvirt's form */
#define PV_VIRT_COMM_LEN 16             /* kernel TASK_COMM_LEN, with the NUL */
#define PV_VIRT_DEFAULT_URI "qemu:///system"
#define PV_VIRT_DEFAULT_TIMEOUT_MS 5000u

/* A vCPU thread: "CPU <index>/TCG" or "CPU <index>/KVM" in task/<tid>/comm. */
struct pv_virt_vcpu {
	int index;
	pid_t tid;
};

/* Any other thread of the QEMU process (main loop, call_rcu, iothreads...). */
struct pv_virt_thread {
	pid_t tid;
	char comm[PV_VIRT_COMM_LEN];
};

#endif
