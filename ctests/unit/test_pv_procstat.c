/* Unit tests of pv_procstat: the shared /proc/stat cpu-line scanner, the
 * exact saturating tick -> ns conversion, and the kept-open file (against
 * trees made in a temporary directory: gaps, malformed lines, a FIFO). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_fs.h"
#include "pv_procstat.h"

static const char *root; /* the scratch root (pv_check.h) */

/* A fresh procfs root with stat holding text (NULL: no stat file). */
static void make_root(const char *text)
{
	char p[PATH_MAX + 16];

	root = pv_check_tmp_root();
	pv_check_use_root(PV_CHECK_PROC, root);
	if (text) {
		snprintf(p, sizeof(p), "%s/stat", root);
		pv_check_write(p, text);
	}
}

static void drop_root(void)
{
	pv_check_tmp_drop();
}

/* Scans text; returns how many lines came back, lines into out[]. */
static int scan(const char *text, struct pv_cpuline *out, int max, struct pv_procstat_scan *sc)
{
	int n = 0;

	pv_procstat_scan_init(sc, text);
	while (n < max && pv_procstat_next(sc, &out[n]))
		n++;
	return n;
}

START_TEST(lines_by_cpu_number)
{
	struct pv_procstat_scan sc;
	struct pv_cpuline l[8];
	int n = scan("cpu  10 20 30 40 50 60 70 80 90 100\n"
		     "cpu0 1 2 3 4 5 6 7 8 9 10\n"
		     "cpu2 1 1 1 1 1 1 1 1\n"              /* cpu1 offline: a gap; no guest columns */
		     "cpu3 1 1 1 1 1 1 1 1 1 1 77\n"       /* a future column */
		     "intr 1 2 3\n"
		     "cpu9 1 1 1 1 1 1 1 1\n",             /* after the cpu lines: not read */
		     l, 8, &sc);

	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(l[0].cpu, PV_PROCSTAT_TOTAL);
	ck_assert_int_eq(l[0].ncols, 10);
	ck_assert_uint_eq(l[0].col[PV_PS_STEAL], 80);
	ck_assert_uint_eq(l[0].col[PV_PS_GUEST_NICE], 100);
	ck_assert_int_eq(l[1].cpu, 0);
	ck_assert_uint_eq(pv_procstat_cpuline_sum(&l[1], PV_PS_BUSY), 1 + 2 + 3 + 6 + 7);
	ck_assert_uint_eq(pv_procstat_cpuline_sum(&l[1], PV_PS_IDLE), 4 + 5);
	ck_assert_int_eq(l[2].cpu, 2);
	ck_assert_int_eq(l[2].ncols, 8);
	ck_assert_uint_eq(l[2].col[PV_PS_GUEST], 0);
	ck_assert_int_eq(l[3].cpu, 3);
	ck_assert_int_eq(l[3].ncols, PV_PS_NCOLS);
	ck_assert_uint_eq(sc.malformed, 0);
	ck_assert_int_eq(sc.first_bad_line, 0);
}
END_TEST

START_TEST(malformed_lines_are_skipped_and_counted)
{
	struct pv_procstat_scan sc;
	struct pv_cpuline l[8];
	char longline[700];
	char text[2048];

	memset(longline, 0, sizeof(longline));
	strcpy(longline, "cpu6");
	for (int i = 0; i < 60; i++)
		strcat(longline, " 123456789"); /* 604 bytes: over the line limit */
	snprintf(text, sizeof(text),
		 "cpu0 1 2 3 4 5 6 7 8\n"
		 "cpu1 1 2 3\n"                       /* line 2: before 2.6.11, no steal */
		 "cpu2 1 2 x 4 5 6 7 8\n"             /* garbage */
		 "cpu3 1 2 3 4 5 6 7 8\r\n"           /* CR line end */
		 "cpu99999 1 2 3 4 5 6 7 8\n"         /* above PV_PROCSTAT_MAX_CPUS */
		 "cpu4 -1 2 3 4 5 6 7 8\n"            /* a sign */
		 "cpu5 1 2 3 4 5 6 7 99999999999999999999\n" /* over 64 bits */
		 "%s\n"
		 "cpux 1 2 3 4 5 6 7 8\n"
		 "cpu7 1 2 3 4 5 6 7 8",              /* no final newline */
		 longline);
	int n = scan(text, l, 8, &sc);

	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(l[0].cpu, 0);
	ck_assert_int_eq(l[1].cpu, 7);
	ck_assert_uint_eq(l[1].col[PV_PS_STEAL], 8);
	ck_assert_uint_eq(sc.malformed, 8);
	ck_assert_int_eq(sc.first_bad_line, 2);
	ck_assert_int_eq(scan("", l, 8, &sc), 0);
	ck_assert_int_eq(scan("intr 1 2\nctxt 5\n", l, 8, &sc), 0);
	ck_assert_uint_eq(sc.malformed, 0);
}
END_TEST

START_TEST(ticks_to_ns_exact_and_saturating)
{
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(3099, 100), 30990000000ull);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(5, 250), 20000000ull);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(1024 * 3 + 512, 1024), 3500000000ull);
	/* 1e9/hz would round 1e9/3 down to 333333333 per tick and lose 1 ns
	 * every 3 ticks; the whole-seconds split keeps 3 ticks = 1 s exactly */
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(3, 3), 1000000000ull);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(3000000, 3), 1000000000000000ull);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(9223372035ull * 100 + 47, 100), 9223372035470000000ull);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(9223372036ull * 100 + 85, 100), 9223372036850000000ull); /* just below */
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(9223372036ull * 100 + 86, 100), PV_NS_MAX); /* just past */
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(UINT64_MAX / 1000, 100), PV_NS_MAX);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(UINT64_MAX, 100), PV_NS_MAX);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(UINT64_MAX, 1), PV_NS_MAX);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(7, 0), 0);
	ck_assert_uint_eq(pv_procstat_ticks_to_ns(7, 1000000001ull), 0);
	ck_assert_uint_eq(PV_NS_MAX, (uint64_t)INT64_MAX);
	ck_assert_uint_ge(pv_procstat_user_hz(), 1);
	ck_assert_uint_eq(pv_procstat_user_hz(), (uint64_t)sysconf(_SC_CLK_TCK));
}
END_TEST

START_TEST(sums_saturate)
{
	struct pv_procstat_scan sc;
	struct pv_cpuline l[1];

	ck_assert_uint_eq(pv_sat_add(UINT64_MAX - 1, 5), UINT64_MAX);
	ck_assert_uint_eq(pv_sat_add(2, 3), 5);
	ck_assert_uint_eq(pv_ns_add(PV_NS_MAX - 1, 5), PV_NS_MAX);
	ck_assert_uint_eq(pv_ns_add(UINT64_MAX, UINT64_MAX), PV_NS_MAX);
	ck_assert_int_eq(scan("cpu0 18446744073709551615 18446744073709551615 1 1 1 1 1 1\n", l, 1, &sc), 1);
	/* busy saturates instead of wrapping to a small number, and stays
	 * below busy + idle */
	uint64_t busy = pv_procstat_cpuline_sum(&l[0], PV_PS_BUSY);
	ck_assert_uint_eq(busy, UINT64_MAX);
	ck_assert_uint_le(busy, pv_procstat_cpuline_sum(&l[0], PV_PS_BUSY | PV_PS_IDLE));
	ck_assert_uint_le(pv_procstat_ticks_to_ns(busy, 100), pv_procstat_ticks_to_ns(pv_procstat_cpuline_sum(&l[0], PV_PS_BUSY | PV_PS_IDLE), 100));
}
END_TEST

START_TEST(file_reads_again_and_grows)
{
	struct pv_procstat_file f;
	const char *text;
	char *big = malloc(200000);
	size_t len;

	/* 40 KB: more than the first 16 KiB buffer */
	strcpy(big, "cpu0 1 2 3 4 5 6 7 8\nintr");
	len = strlen(big);
	while (len < 40000)
		len += (size_t)sprintf(big + len, " %zu", len);
	strcpy(big + len, "\n");
	make_root(big);
	ck_assert_int_eq(pv_procstat_open(&f, 0), 0);
	ck_assert_int_eq(pv_procstat_read(&f, &text), 0);
	ck_assert_str_eq(text, big);
	ck_assert_uint_ge(f.cap, 40000);
	ck_assert_int_eq(pv_procstat_read(&f, &text), 0); /* again: same fd, no reopen */
	ck_assert_str_eq(text, big);
	pv_procstat_close(&f);
	ck_assert_int_eq(f.fd, -1);
	pv_procstat_close(&f); /* idempotent */
	drop_root();
	free(big);
}
END_TEST

START_TEST(missing_file_and_fifo)
{
	struct pv_procstat_file f;
	char p[PATH_MAX + 16];

	make_root(NULL);
	ck_assert_int_eq(pv_procstat_open(&f, 0), -ENOENT);
	pv_procstat_close(&f);
	snprintf(p, sizeof(p), "%s/stat", root);
	pv_check_mkfifo(p);
	PV_CHECK_NEVER_BLOCKS(ck_assert_int_eq(pv_procstat_open(&f, 0), -PV_ENOTREG));
	pv_procstat_close(&f);
	drop_root();
}
END_TEST

PV_CHECK_MAIN("pv_procstat",
	lines_by_cpu_number, malformed_lines_are_skipped_and_counted, ticks_to_ns_exact_and_saturating, sums_saturate, file_reads_again_and_grows, missing_file_and_fifo)
