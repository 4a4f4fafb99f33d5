/*
 * pv_schedstat: /proc/<pid>/task/<tid>/schedstat and
 * /proc/thread-self/schedstat, through pv_fs.
 *
 *   run_ns run_delay_ns timeslices
 *
 * run_delay is the time a task was runnable but waited for a CPU: for a
 * QEMU vCPU thread, what the guest sees as steal.  Readers that sample at
 * every PAPI_read keep the file open (pv_schedstat_open_*) and re-read it
 * with one pread.
 */
#ifndef PV_SCHEDSTAT_H
#define PV_SCHEDSTAT_H

#include <stdint.h>
#include <sys/types.h>

struct pv_schedstat {
	uint64_t run_ns;        /* time on a CPU */
	uint64_t delay_ns;      /* time runnable but waiting for a CPU (guest steal) */
	uint64_t slices;
};

/* Exactly three numbers (trailing blanks/newline allowed): 0 or -EINVAL. */
int pv_schedstat_parse(const char *content, struct pv_schedstat *ret);

/* Opens task/<tid>/schedstat of pid, or thread-self/schedstat: fd or
 * -errno (-ENOENT: no such thread). */
int pv_schedstat_open_task(pid_t pid, pid_t tid);
int pv_schedstat_open_self(void);

/* Re-reads an open schedstat file (one pread) and parses it. */
int pv_schedstat_pread(int fd, struct pv_schedstat *ret);

/* Open, read, close.  A thread that exits meanwhile is -ENOENT. */
int pv_schedstat_read(pid_t pid, pid_t tid, struct pv_schedstat *ret);

#endif
