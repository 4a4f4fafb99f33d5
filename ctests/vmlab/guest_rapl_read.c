/*
 * guest_rapl_read: the PAPI client the VM lab runs INSIDE a guest, reading the
 * virtual RAPL the host exports (docs/vmpower.md, "Exporting each VM's energy").
 *
 *   guest_rapl_read [-p POLL_MS] [-t SECONDS] [-w WAIT_S] [EVENT]
 *
 * EVENT defaults to rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0; PAPI_VIRT_SYSFS must
 * point at the guest's mount of its export directory.  Waits up to WAIT_S
 * (default 60) for the zone's energy_uj to appear (the host exporter creates it
 * when it first sees the VM), then PAPI_library_init, PAPI_start, and reads
 * every POLL_MS (default 50).  Prints one line to stdout, in one write, each
 * time the value changes (so right after each update by the host exporter):
 *
 *   PVRAPL <seq> <mono_ns> <papi_uj> <raw_uj>
 *
 * mono_ns is the guest's CLOCK_MONOTONIC, papi_uj the PAPI counter since
 * PAPI_start (rapl_vm accumulates across wraps), raw_uj the energy_uj file
 * as PAPI read it (read after PAPI_read, confirmed by a second PAPI_read;
 * -1 when the host updated it in between); it wraps at max_energy_range_uj
 * + 1.  A value lower than the previous one is printed as "PVRAPL backwards ..." and makes the exit
 * status 1.  Other output: "PVRAPL start <event> <range_uj>" once,
 * "PVRAPL error <reason>" on failure.  Runs for SECONDS (default: until killed).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"

#define ZONE "class/powercap/intel-rapl:0"

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The raw file, for the log only: the measurement is PAPI's. */
static long long read_raw(const char *path)
{
	char buf[64];
	long long v = -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtoll(buf, NULL, 10);
	fclose(f);
	return v;
}

static int say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	/* One write per line: the workload shares the serial console. */
	return write(STDOUT_FILENO, line, (size_t)n) == n ? 0 : -1;
}

static int wait_zone(const char *root, int wait_s, char *energy, size_t len)
{
	snprintf(energy, len, "%s/" ZONE "/energy_uj", root);
	for (int i = 0; i < wait_s * 10; i++) {
		if (access(energy, R_OK) == 0)
			return 0;
		sleep_ms(100);
	}
	say("PVRAPL error %s did not appear within %d s (is the host exporter running?)\n", energy, wait_s);
	return -1;
}

/* A whole number >= 0, or -1 (then the range check below refuses it). */
static long whole(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || end == s || *end || v < 0 ? -1 : v;
}

int main(int argc, char **argv)
{
	const char *ev = "rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0";
	long poll_ms = 50, secs = 0, wait_s = 60;
	char energy[4096], range[4096];
	int c, es = PAPI_NULL, rc;

	while ((c = getopt(argc, argv, "p:t:w:")) != -1) {
		switch (c) {
		case 'p': poll_ms = whole(optarg); break;
		case 't': secs = whole(optarg); break;
		case 'w': wait_s = whole(optarg); break;
		default:
			fprintf(stderr, "usage: guest_rapl_read [-p POLL_MS] [-t SECONDS] [-w WAIT_S] [EVENT]\n");
			return 2;
		}
	}
	if (optind < argc)
		ev = argv[optind];
	if (poll_ms < 1 || poll_ms > 10000 || secs < 0 || wait_s < 0) {
		fprintf(stderr, "guest_rapl_read: -p wants 1..10000 ms, -t and -w seconds >= 0\n");
		return 2;
	}
	const char *root = getenv("PAPI_VIRT_SYSFS");
	if (!root || !*root) {
		say("PVRAPL error PAPI_VIRT_SYSFS is not set (want the mount of the host's export)\n");
		return 1;
	}
	if (wait_zone(root, (int)wait_s, energy, sizeof(energy)) < 0)
		return 1;
	snprintf(range, sizeof(range), "%s/" ZONE "/max_energy_range_uj", root);
	if ((rc = PAPI_library_init(PAPI_VER_CURRENT)) != PAPI_VER_CURRENT) {
		say("PVRAPL error PAPI_library_init: %s\n", PAPI_strerror(rc));
		return 1;
	}
	if ((rc = PAPI_create_eventset(&es)) != PAPI_OK || (rc = PAPI_add_named_event(es, ev)) != PAPI_OK ||
	    (rc = PAPI_start(es)) != PAPI_OK) {
		say("PVRAPL error %s: %s\n", ev, PAPI_strerror(rc));
		return 1;
	}
	say("PVRAPL start %s %lld\n", ev, read_raw(range));
	uint64_t t_end = secs ? mono_ns() + (uint64_t)secs * 1000000000ull : UINT64_MAX;
	long long v, last = -1;
	unsigned long seq = 0;
	int bad = 0;
	while (mono_ns() < t_end) {
		if ((rc = PAPI_read(es, &v)) != PAPI_OK) {
			say("PVRAPL error PAPI_read: %s\n", PAPI_strerror(rc));
			return 1;
		}
		if (v != last) {
			const char *tag = v < last ? "backwards " : "";
			bad |= v < last;
			/* The file value PAPI saw: read it, then make sure with a
			 * second PAPI_read that the file did not move meanwhile
			 * (every move changes PAPI's value).  One read per poll
			 * otherwise: each is a round trip to the host. */
			long long raw = read_raw(energy), v2;
			if ((rc = PAPI_read(es, &v2)) != PAPI_OK) {
				say("PVRAPL error PAPI_read: %s\n", PAPI_strerror(rc));
				return 1;
			}
			say("PVRAPL %s%lu %" PRIu64 " %lld %lld\n", tag, seq++, mono_ns(), v, v2 == v ? raw : -1);
			last = v;
		}
		sleep_ms(poll_ms);
	}
	PAPI_shutdown();
	return bad;
}
