/* appio report transport (preload -> papi_appio_run), formatting, clock
 * scaling and descriptor classes. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pv_check.h"
#include "appio_clock.h"
#include "appio_events.h"
#include "appio_fdclass.h"
#include "appio_report.h"

START_TEST(serialize_parse_roundtrip)
{
	static uint64_t in[APPIO_NSLOTS], out[APPIO_NSLOTS];
	static char buf[APPIO_REPORT_MAX];
	for (unsigned i = 0; i < APPIO_NSLOTS; i++)
		in[i] = (uint64_t)i * 1000003u;
	in[0] = UINT64_MAX;
	int n = appio_report_serialize(in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(strlen(buf), (size_t)n);
	ck_assert_int_eq(appio_report_parse(buf, out), 0);
	ck_assert_mem_eq(in, out, sizeof(in));
	ck_assert_int_eq(appio_report_serialize(in, buf, 40), -ENOSPC);
}
END_TEST

START_TEST(parse_rejects_bad_reports)
{
	static uint64_t in[APPIO_NSLOTS], out[APPIO_NSLOTS];
	static char buf[APPIO_REPORT_MAX], bad[APPIO_REPORT_MAX + 8];
	int n = appio_report_serialize(in, buf, sizeof(buf));
	ck_assert_int_eq(appio_report_parse("", out), -EINVAL);
	ck_assert_int_eq(appio_report_parse("papi-appio-slots 3 ns\n1\n2\n3\n", out), -EINVAL);
	memcpy(bad, buf, (size_t)n - 2); /* truncated */
	bad[n - 2] = 0;
	ck_assert_int_eq(appio_report_parse(bad, out), -EINVAL);
	snprintf(bad, sizeof(bad), "%sjunk", buf); /* trailing garbage */
	ck_assert_int_eq(appio_report_parse(bad, out), -EINVAL);
	snprintf(bad, sizeof(bad), "%s", buf);
	bad[strlen("papi-appio-slots 999 ns\n") + 1] = 'x';
	ck_assert_int_eq(appio_report_parse(bad, out), -EINVAL);
	snprintf(bad, sizeof(bad), "papi-appio-slots %u ns\n99999999999999999999\n", (unsigned)APPIO_NSLOTS);
	ck_assert_int_eq(appio_report_parse(bad, out), -EINVAL); /* overflow */
}
END_TEST

START_TEST(table_and_json)
{
	static uint64_t s[APPIO_NSLOTS];
	char *text = NULL;
	size_t len = 0;
	s[APPIO_G_READ + APPIO_F_BYTES] = 1234;
	s[APPIO_G_READ + APPIO_F_CALLS] = 2;
	s[APPIO_G_READ + APPIO_F_TICKS] = 5000; /* ns in a report */
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(appio_report_table(f, s, 0), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "READ_BYTES"));
	ck_assert_ptr_nonnull(strstr(text, "1234"));
	ck_assert_ptr_nonnull(strstr(text, "READ_BLOCK_SIZE"));
	ck_assert_ptr_null(strstr(text, "WRITE_BYTES")); /* zeros omitted */
	free(text);
	char *argv[] = { "prog", "a \"quoted\"\\arg\n", NULL };
	f = open_memstream(&text, &len);
	ck_assert_int_eq(appio_report_json(f, s, argv, -9), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "\"command\": [\"prog\", \"a \\\"quoted\\\"\\\\arg\\u000a\"]"));
	ck_assert_ptr_nonnull(strstr(text, "\"exit_status\": null, \"signal\": 9"));
	ck_assert_ptr_nonnull(strstr(text, "\"READ_BYTES\": 1234,"));
	ck_assert_ptr_nonnull(strstr(text, "\"READ_USEC\": 5,"));
	ck_assert_ptr_nonnull(strstr(text, "\"WRITE_BYTES\": 0,"));
	free(text);
}
END_TEST

START_TEST(clock_scaling)
{
	ck_assert_uint_eq(appio_clock_scale(3000, 100, 1000, 3100, 2000), 1000);
	ck_assert_uint_eq(appio_clock_scale(7, 100, 1000, 100, 2000), 0);
	/* (2^40 ticks at 2.5 GHz) */
	ck_assert_uint_eq(appio_clock_scale((uint64_t)1 << 40, 0, 0, 2500000000u, 1000000000u), 439804651110u);
	/* live: ticks over a ~20 ms sleep convert to the CLOCK_MONOTONIC time
	 * measured around the same interval, within 2% + 50 us */
	appio_clock_init();
	uint64_t m0 = pv_now_ns(), t0 = appio_ticks();
	struct timespec ts = { 0, 20000000 };
	nanosleep(&ts, NULL);
	uint64_t t1 = appio_ticks(), m1 = pv_now_ns();
	uint64_t ns = appio_clock_ticks_to_ns(appio_ticks_since(t0, t1)), mono = m1 - m0;
	uint64_t tol = mono / 50 + 50000;
	ck_assert_msg(ns + tol >= mono && ns <= mono + tol, "%llu ticks-ns against %llu mono ns",
		      (unsigned long long)ns, (unsigned long long)mono);
}
END_TEST

START_TEST(descriptor_classes)
{
	char path[] = "/tmp/test_appio_fdclassXXXXXX";
	int f = mkstemp(path), p[2], s[2];
	ck_assert_int_ge(f, 0);
	unlink(path);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	int null = open("/dev/null", O_RDWR);
	ck_assert_int_eq(appio_fdclass_get(f), APPIO_CLASS_FILE);
	ck_assert_int_eq(appio_fdclass_get(p[0]), APPIO_CLASS_PIPE);
	ck_assert_int_eq(appio_fdclass_get(s[0]), APPIO_CLASS_SOCK);
	ck_assert_int_eq(appio_fdclass_get(null), APPIO_CLASS_OTHER);
	int pt = posix_openpt(O_RDWR | O_NOCTTY);
	if (pt >= 0) {
		grantpt(pt);
		unlockpt(pt);
		int tty = open(ptsname(pt), O_RDWR | O_NOCTTY);
		ck_assert_int_ge(tty, 0);
		ck_assert_int_eq(appio_fdclass_get(tty), APPIO_CLASS_TTY);
		close(tty);
		close(pt);
	}
	/* errno preserved by a failed probe, not cached */
	errno = 1234;
	ck_assert_int_eq(appio_fdclass_get(9999), APPIO_CLASS_OTHER);
	ck_assert_int_eq(errno, 1234);
	ck_assert_int_eq(appio_fdclass_cache[9999], APPIO_CLASS_UNKNOWN);
	/* a reused number is re-probed after forget */
	close(f);
	ck_assert_int_eq(dup2(p[0], f), f);
	appio_fdclass_forget(f);
	ck_assert_int_eq(appio_fdclass_get(f), APPIO_CLASS_PIPE);
	appio_fdclass_forget_range(0, ~0u);
	ck_assert_int_eq(appio_fdclass_cache[p[0]], APPIO_CLASS_UNKNOWN);
	/* opened-descriptor marks */
	appio_fdclass_mark_opened(70);
	ck_assert_int_eq(appio_fdclass_take_opened(70), 1);
	ck_assert_int_eq(appio_fdclass_take_opened(70), 0);
	ck_assert_int_eq(appio_fdclass_take_opened(-1), 0);
	ck_assert_int_eq(appio_fdclass_take_opened(APPIO_FDCLASS_MAX), 0);
}
END_TEST

PV_CHECK_MAIN("appio_report",
	serialize_parse_roundtrip, parse_rejects_bad_reports, table_and_json, clock_scaling,
	descriptor_classes)
