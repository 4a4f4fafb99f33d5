/*
 * steal_pvacct: does the guest kernel already remove steal from task CPU
 * time?
 *
 * With CONFIG_PARAVIRT_TIME_ACCOUNTING=y the scheduler's task clock skips
 * the time the hypervisor stole (unless the guest booted with
 * "no-steal-acc"), so CLOCK_THREAD_CPUTIME_ID and schedstat run time already
 * exclude steal; subtracting an estimate again would count it twice.
 *
 * Sources, in order:
 *   1. <procfs>/cmdline: a "no-steal-acc" word -> not excluded.
 *   2. <procfs>/config.gz (the running kernel's config; decompressed with
 *      zlib loaded at run time, libz.so.1), else
 *      <bootfs>/config-<procfs>/sys/kernel/osrelease> (bootfs: pv_fs's PV_BOOT root).
 *      CONFIG_PARAVIRT_TIME_ACCOUNTING=y -> excluded; "is not set" or no
 *      such line -> not excluded.
 *   3. Neither readable -> unknown, treated as not excluded (the Kconfig
 *      default of the option is n).
 */
#ifndef STEAL_PVACCT_H
#define STEAL_PVACCT_H

#include <stddef.h>

enum steal_pvacct {
	STEAL_PVACCT_KERNEL = 0,   /* kernel excludes steal from task time */
	STEAL_PVACCT_CMDLINE_OFF,  /* CONFIG=y but booted with no-steal-acc */
	STEAL_PVACCT_CONFIG_OFF,   /* CONFIG_PARAVIRT_TIME_ACCOUNTING not set */
	STEAL_PVACCT_UNKNOWN,      /* no kernel config found */
};

/* 1 when the kernel already excludes steal from task CPU time. */
static inline int steal_pvacct_excluded(enum steal_pvacct a)
{
	return a == STEAL_PVACCT_KERNEL;
}

/* 1 if the kernel command line (one line) has the word "no-steal-acc". */
int steal_pvacct_cmdline_off(const char *cmdline);

/* Scans kernel config text: 1 for CONFIG_PARAVIRT_TIME_ACCOUNTING=y,
 * 0 for "is not set" or absent. */
int steal_pvacct_config_on(const char *config);

/*
 * Detects the case for the running kernel (see the order above), through
 * pv_fs (PAPI_VIRT_PROCFS, PAPI_VIRT_BOOTFS).  ret_source gets the file that decided
 * ("/proc/cmdline", "/proc/config.gz", "/boot/config-6.1.0-..." or "" for
 * unknown), for descriptions.
 */
enum steal_pvacct steal_pvacct_detect(char *ret_source, size_t len);

/* steal_pvacct_detect and steal_pvacct_irqtime at once, reading the kernel
 * config a single time (what PAPI_library_init uses). */
enum steal_pvacct steal_pvacct_probe(char *ret_source, size_t len, int *ret_irqtime);

/* 1 when the kernel config (same sources as steal_pvacct_detect) says
 * CONFIG_IRQ_TIME_ACCOUNTING=y or cannot be read: then IRQ time may also
 * leave task time.  0 when the config is readable and the option is off. */
int steal_pvacct_irqtime(void);

/* A short sentence for event descriptions. */
const char *steal_pvacct_describe(enum steal_pvacct a);

#endif
