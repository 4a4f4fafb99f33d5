/*
 * pv_procstat: the per-CPU columns of /proc/stat and the one tick -> ns
 * conversion of papi-virt.
 *
 *   cpu  user nice system idle iowait irq softirq steal guest guest_nice
 *   cpu0 ...
 *
 * Values are USER_HZ ticks.  A scanner walks the "cpu" lines at the top of
 * the file (the kernel prints them all first; the rest, "intr" with one
 * number per IRQ, is not read) and returns each well-formed line with its
 * CPU number: CPUs are matched by the number in their name, never by line
 * position (an offline CPU is a gap, not a shift).  A line that cannot be
 * used (fewer than the 8 columns through steal, as before Linux 2.6.11, a
 * non-number, a CR, a CPU number >= PV_PROCSTAT_MAX_CPUS, over 511 bytes) is
 * skipped and counted; columns after guest_nice must be numbers but are
 * not kept.
 *
 * Ticks become ns exactly (whole seconds and remainder apart: USER_HZ of
 * 100, 250 or 1000 divides 1e9, and no rounding error accumulates for any
 * hz) and saturate at PV_NS_MAX instead of wrapping.  PV_NS_MAX is
 * INT64_MAX because PAPI hands every counter out as long long: a larger
 * value would turn negative in the application.  Sums of ticks or ns use
 * the saturating pv_sat_add(): a corrupt line with huge counts must not
 * wrap (a wrapped busy sum could exceed its total).
 */
#ifndef PV_PROCSTAT_H
#define PV_PROCSTAT_H

#include <stddef.h>
#include <stdint.h>

#define PV_NS_MAX ((uint64_t)INT64_MAX)

#define PV_PROCSTAT_MAX_CPUS 8192          /* kernel NR_CPUS upper bound on x86_64 */
#define PV_PROCSTAT_FILE_MAX (16u << 20)   /* /proc/stat larger than this is refused */
#define PV_PROCSTAT_TOTAL (-1)             /* cpu number of the "cpu " total line */

enum pv_procstat_col {
	PV_PS_USER, PV_PS_NICE, PV_PS_SYSTEM, PV_PS_IDLE, PV_PS_IOWAIT,
	PV_PS_IRQ, PV_PS_SOFTIRQ, PV_PS_STEAL, PV_PS_GUEST, PV_PS_GUEST_NICE,
	PV_PS_NCOLS
};
#define PV_PROCSTAT_MIN_COLS 8 /* through steal */

/* Column sets for pv_procstat_cpuline_sum (guest time is already inside user/nice). */
#define PV_PS_MASK(c) (1u << (c))
#define PV_PS_BUSY (PV_PS_MASK(PV_PS_USER) | PV_PS_MASK(PV_PS_NICE) | PV_PS_MASK(PV_PS_SYSTEM) | \
		    PV_PS_MASK(PV_PS_IRQ) | PV_PS_MASK(PV_PS_SOFTIRQ))
#define PV_PS_IDLE (PV_PS_MASK(PV_PS_IDLE) | PV_PS_MASK(PV_PS_IOWAIT))

struct pv_cpuline {
	int cpu;                      /* N of "cpuN", PV_PROCSTAT_TOTAL for "cpu " */
	int ncols;                    /* columns present, PV_PROCSTAT_MIN_COLS..PV_PS_NCOLS */
	uint64_t col[PV_PS_NCOLS];    /* ticks; absent columns are 0 */
};

/* Walks the cpu lines of NUL-terminated /proc/stat content. */
struct pv_procstat_scan {
	const char *pos;
	int lineno;                   /* lines consumed */
	int seen_cpu;
	unsigned malformed;           /* cpu lines skipped */
	int first_bad_line;           /* 1-based line of the first skipped line, 0 if none */
};

void pv_procstat_scan_init(struct pv_procstat_scan *s, const char *content);

/* The next well-formed cpu line into *ret: 1, or 0 at the end of the cpu
 * lines.  Malformed lines are skipped and counted in s. */
int pv_procstat_next(struct pv_procstat_scan *s, struct pv_cpuline *ret);

/*
 * A kept-open /proc/stat: reading it again is one pread, not an
 * open/read/close (the kernel regenerates the text on every read either
 * way).  The buffer grows when the file does (many CPUs, many IRQs), up to
 * PV_PROCSTAT_FILE_MAX.
 */
struct pv_procstat_file {
	int fd;
	char *buf;
	size_t cap;
};

/* Opens <procfs>/stat (through pv_fs: a FIFO is refused).  size_hint: the
 * first buffer size (0: 16 KiB).  0 or -errno (-ENOENT: absent). */
int pv_procstat_open(struct pv_procstat_file *f, size_t size_hint);
/* Reads the whole text again; *ret_text stays valid until the next read
 * or close.  0 or -errno (-EFBIG past PV_PROCSTAT_FILE_MAX). */
int pv_procstat_read(struct pv_procstat_file *f, const char **ret_text);
void pv_procstat_close(struct pv_procstat_file *f);

/* Saturating sum of the columns in mask. */
uint64_t pv_procstat_cpuline_sum(const struct pv_cpuline *l, unsigned mask);

/* a + b, UINT64_MAX instead of wrapping. */
static inline uint64_t pv_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* a + b for ns values: PV_NS_MAX instead of passing it. */
static inline uint64_t pv_ns_add(uint64_t a, uint64_t b)
{
	uint64_t s = pv_sat_add(a, b);

	return s > PV_NS_MAX ? PV_NS_MAX : s;
}

/* USER_HZ ticks -> ns, exact, saturating at PV_NS_MAX; 0 when hz is 0 or
 * above 1e9 (not a tick rate). */
uint64_t pv_procstat_ticks_to_ns(uint64_t ticks, uint64_t hz);

/* USER_HZ of this system (sysconf(_SC_CLK_TCK)), 100 when it cannot be
 * told (the value of every Linux architecture papi-virt runs on). */
uint64_t pv_procstat_user_hz(void);

#endif
