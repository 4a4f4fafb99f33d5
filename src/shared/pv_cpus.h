/*
 * pv_cpus: the one parser of kernel CPU lists ("0-3,8,10-11\n"), as in
 * /sys/devices/system/cpu/online, perf's and powercap's cpumask files and
 * /proc/<pid>/status Cpus_allowed_list.
 *
 * Grammar: optional blanks (space, tab), then either nothing (the empty
 * list: valid, no CPU) or items "N" or "N-M" separated by single commas,
 * then optional blanks and newlines up to the end of the string.  N and M
 * are decimal digits only (no sign, no "0x").  Error rules (the stricter of
 * the two parsers this replaces):
 *   -EINVAL  malformed text: a non-digit where a number belongs, an empty
 *            item (",," or a trailing ","), anything but blanks/newlines
 *            after the list (also text after a newline), a reversed
 *            range "3-1";
 *   -ERANGE  a CPU number >= ncpus (the caller's stated limit), which
 *            also bounds every number: huge digit strings cannot overflow.
 * A duplicate CPU is passed on twice; the callers keep sets or order.
 */
#ifndef PV_CPUS_H
#define PV_CPUS_H

/* The largest CPU count a kernel can have (CONFIG_NR_CPUS is at most 8192):
 * the limit for callers without a smaller one of their own. */
#define PV_CPUS_MAX 8192

/* Called once per listed CPU, in list order; a negative return stops the
 * parse and is returned by pv_cpus_parse_list. */
typedef int (*pv_cpus_fn)(int cpu, void *arg);

/* Parses s (rules above), calling fn for each CPU.  Returns the number of
 * CPUs listed (0 for the empty list), -EINVAL, -ERANGE, or fn's error. */
int pv_cpus_parse_list(const char *s, int ncpus, pv_cpus_fn fn, void *arg);

/* pv_cpus_parse_list into bitmap[0..ncpus-1] (1 for listed CPUs, cleared
 * first).  Same returns. */
int pv_cpus_parse_bitmap(const char *s, unsigned char *bitmap, int ncpus);

#endif
