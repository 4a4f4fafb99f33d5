/*
 * steal_vcpu: run, steal and halt time of VM vCPU threads, seen from the
 * host, since PAPI_start.
 *
 * For each vCPU thread, <procfs>/<pid>/task/<tid>/schedstat gives
 *   run    time on a host CPU (ns)
 *   delay  time runnable but waiting for a host CPU (ns): the guest's steal
 * and halt is what is left of the wall-clock interval:
 *   halt = (now - start) - run - delay
 * (the vCPU was neither running nor waiting: the guest idled, HLT/WFI).
 * halt is kept monotonic (max with the previous value): the kernel adds a
 * wait to run_delay only when the wait ends, so a long wait is first seen
 * as halt and later moved to delay; halt then pauses until it catches up.
 *
 * The schedstat file is kept open: a read is one pread, no libvirt call, no
 * path lookup.  An open procfs file is bound to the thread, not to its
 * number, so a reused tid cannot be mistaken for the vCPU.  When the thread
 * is gone (the VM was destroyed) the read fails with ESRCH or ENOENT and the
 * vCPU's values freeze.
 */
#ifndef STEAL_VCPU_H
#define STEAL_VCPU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "steal_acc.h"

struct pv_schedstat;

enum steal_vcpu_value { STEAL_V_RUN = 0, STEAL_V_DELAY, STEAL_V_HALT };

struct steal_vcpu {
	pid_t pid, tid;
	int index;           /* guest vCPU number */
	int fd;              /* schedstat, -1 when closed */
	struct steal_acc run, delay;
	uint64_t halt_ns;
	uint64_t t0_ns;      /* monotonic time at start */
	int started, frozen;
};

/* Opens the thread's schedstat.  0 or -errno (-ENOENT / -ESRCH: gone). */
int steal_vcpu_open(struct steal_vcpu *v, pid_t pid, pid_t tid, int index);
void steal_vcpu_close(struct steal_vcpu *v);

/* The arithmetic, without I/O (tests drive it). */
void steal_vcpu_feed(struct steal_vcpu *v, const struct pv_schedstat *st, uint64_t now_ns);

/* Start (zero everything, take the base) / update from the file.  When the
 * thread is gone the vCPU freezes and 0 is returned; other errors are
 * returned and change nothing.  A frozen vCPU is not read again. */
int steal_vcpu_start(struct steal_vcpu *v, uint64_t now_ns);
int steal_vcpu_update(struct steal_vcpu *v, uint64_t now_ns);

uint64_t steal_vcpu_value(const struct steal_vcpu *v, enum steal_vcpu_value what);

#endif
