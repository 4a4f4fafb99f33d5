/*
 * vmpower_probe: a PAPI client of the vmpower component for the VM-lab
 * tests and the benchmark.
 *
 *   vmpower_probe [-t SECONDS] [-i MS] [-x SCRIPT] [-l NAME] [-c FILE]... [-b READS] EVENT...
 *
 * Adds the EVENTs ("vmpower:::" is prepended when missing), starts, reads
 * every MS milliseconds for SECONDS, stops and prints one line per event:
 * "<name>\t<value>" (FP64 events with 6 decimals).  Every read checks that
 * no counter event went backwards (a frozen VM must freeze, not drop).
 *   -x SCRIPT  runs "SCRIPT start" right after PAPI_start and "SCRIPT stop"
 *              right after PAPI_stop (independent sampling by the caller)
 *   -l NAME    a VM that does not run yet: a second thread polls for it and,
 *              once libvirt has it, counts VM_ENERGY_UJ and VM_CPU_TIME_NS of
 *              it until the end ("late:<event>\t<value>" lines)
 *   -c FILE    (repeatable) snapshot FILE right after PAPI_start and right
 *              after PAPI_stop, within microseconds of them: one line
 *              "snap\t<start|stop>\t<FILE>\t<line>" per line of the file (an
 *              empty read, as a file being rewritten gives, is retried)
 *   -b READS   benchmark: after start, time READS PAPI_read calls and print
 *              "read_us mean p50 p99 max" and memory (VmRSS) figures
 * Exit 0 on success, 1 on any PAPI error or a counter going backwards.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"

#define MAXEV 4096

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static const char *full(const char *ev, char *buf, size_t len)
{
	if (strstr(ev, ":::"))
		return ev;
	snprintf(buf, len, "vmpower:::%s", ev);
	return buf;
}

static int is_fp(const char *name)
{
	PAPI_event_info_t info;
	int code;
	return PAPI_event_name_to_code((char *)name, &code) == PAPI_OK &&
	       PAPI_get_event_info(code, &info) == PAPI_OK && info.data_type == PAPI_DATATYPE_FP64;
}

static void print_value(const char *prefix, const char *name, long long v, int fp)
{
	if (fp) {
		double d;
		memcpy(&d, &v, sizeof(d));
		printf("%s%s\t%.6f\n", prefix, name, d);
	} else {
		printf("%s%s\t%lld\n", prefix, name, v);
	}
}

/* ---- snapshots of independent sources ---- */
#define MAXSNAP 64
static const char *snap_path[MAXSNAP];
static int nsnap;
static char snap_buf[2][MAXSNAP][8192];

static void snap_take(int which)
{
	for (int i = 0; i < nsnap; i++) {
		char *b = snap_buf[which][i];
		b[0] = '\0';
		for (int t = 0; t < 20 && !b[0]; t++) {
			FILE *f = fopen(snap_path[i], "r");
			if (f) {
				size_t n = fread(b, 1, sizeof(snap_buf[0][0]) - 1, f);
				b[n] = '\0';
				fclose(f);
			}
			if (!b[0])
				usleep(1000);
		}
	}
}

static void snap_print(int which)
{
	for (int i = 0; i < nsnap; i++) {
		char *save = NULL, copy[8192];
		snprintf(copy, sizeof(copy), "%s", snap_buf[which][i]);
		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			printf("snap\t%s\t%s\t%s\n", which ? "stop" : "start", snap_path[i], l);
	}
}

/* ---- the late VM ---- */
static const char *late_name;
static volatile int late_stop;
static int late_ok = 1;
static long long late_vals[2];
static int late_found;

/* Whether vmpower lists VM vm under event base now (papi_native_avail's
 * walk: events, then each event's ":vm=NAME" instances).  Enumeration is
 * how a client learns which VMs run; polling PAPI_event_name_to_code
 * instead would print "no VM named" through PAPIERROR on every miss,
 * burying real errors on stderr. */
static int listed(const char *base, const char *vm)
{
	int cid = PAPI_get_component_index("vmpower");
	int code = PAPI_NATIVE_MASK;
	char name[PAPI_MAX_STR_LEN], want[PAPI_MAX_STR_LEN];

	snprintf(want, sizeof(want), "%s:vm=%s", base, vm);
	if (cid < 0 || PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid) != PAPI_OK)
		return 0;
	do {
		if (PAPI_event_code_to_name(code, name) != PAPI_OK || strcmp(name, base) != 0)
			continue;
		for (int u = code; PAPI_enum_cmp_event(&u, PAPI_NTV_ENUM_UMASKS, cid) == PAPI_OK;)
			if (PAPI_event_code_to_name(u, name) == PAPI_OK && strcmp(name, want) == 0)
				return 1;
		return 0;
	} while (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cid) == PAPI_OK);
	return 0;
}

static void *late_main(void *arg)
{
	(void)arg;
	char n0[512], n1[512];
	int es = PAPI_NULL;
	PAPI_register_thread();
	snprintf(n0, sizeof(n0), "vmpower:::VM_ENERGY_UJ:vm@%s", late_name);
	snprintf(n1, sizeof(n1), "vmpower:::VM_CPU_TIME_NS:vm@%s", late_name);
	while (!late_stop && !listed("vmpower:::VM_ENERGY_UJ", late_name))
		usleep(200000);
	if (late_stop)
		return NULL;
	if (PAPI_create_eventset(&es) != PAPI_OK || PAPI_add_named_event(es, n0) != PAPI_OK ||
	    PAPI_add_named_event(es, n1) != PAPI_OK || PAPI_start(es) != PAPI_OK) {
		fprintf(stderr, "vmpower_probe: cannot count the late VM '%s'\n", late_name);
		late_ok = 0;
		return NULL;
	}
	late_found = 1;
	while (!late_stop)
		usleep(100000);
	if (PAPI_stop(es, late_vals) != PAPI_OK)
		late_ok = 0;
	return NULL;
}

int main(int argc, char **argv)
{
	double secs = 5;
	int interval_ms = 500, bench = 0, opt;
	const char *script = NULL;

	while ((opt = getopt(argc, argv, "t:i:x:l:b:c:")) != -1) {
		switch (opt) {
		case 't': secs = atof(optarg); break;
		case 'i': interval_ms = atoi(optarg); break;
		case 'x': script = optarg; break;
		case 'l': late_name = optarg; break;
		case 'b': bench = atoi(optarg); break;
		case 'c':
			if (nsnap == MAXSNAP)
				return 2;
			snap_path[nsnap++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: vmpower_probe [-t S] [-i MS] [-x SCRIPT] [-l NAME] [-c FILE]... [-b READS] EVENT...\n");
			return 2;
		}
	}
	int n = argc - optind;
	if (n <= 0 || n > MAXEV) {
		fprintf(stderr, "vmpower_probe: give 1..%d events\n", MAXEV);
		return 2;
	}
	long rss0 = rss_kb();
	double ti = now_s();
	PAPI_set_debug(PAPI_VERB_ECONT); /* PAPIERROR lines (a component names a failed source) on stderr */
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT ||
	    PAPI_thread_init((unsigned long (*)(void))pthread_self) != PAPI_OK) {
		fprintf(stderr, "vmpower_probe: PAPI init failed\n");
		return 1;
	}
	double init_s = now_s() - ti;
	int cid = PAPI_get_component_index("vmpower");
	const PAPI_component_info_t *ci = cid >= 0 ? PAPI_get_component_info(cid) : NULL;
	/* PAPI_EDELAY_INIT: vmpower activates (libvirt, counters) on the first
	 * add, which is timed below. */
	if (!ci || (ci->disabled && ci->disabled != PAPI_EDELAY_INIT)) {
		fprintf(stderr, "vmpower_probe: vmpower unavailable: %s\n", ci ? ci->disabled_reason : "not compiled in");
		return 1;
	}
	long rss1 = rss_kb();
	static char names[MAXEV][512];
	static int fp[MAXEV];
	static long long v[MAXEV], prev[MAXEV];
	int es = PAPI_NULL;
	if (PAPI_create_eventset(&es) != PAPI_OK)
		return 1;
	double first_add_s = 0;
	for (int i = 0; i < n; i++) {
		char buf[512];
		snprintf(names[i], sizeof(names[i]), "%s", full(argv[optind + i], buf, sizeof(buf)));
		double ta = now_s();
		int rc = PAPI_add_named_event(es, names[i]);
		if (i == 0)
			first_add_s = now_s() - ta;
		if (rc != PAPI_OK && ci->disabled) {
			/* The first add activates vmpower: its failure has a reason. */
			fprintf(stderr, "vmpower_probe: vmpower unavailable: %s\n", ci->disabled_reason);
			return 1;
		}
		if (rc != PAPI_OK) {
			fprintf(stderr, "vmpower_probe: %s: %s\n", names[i], PAPI_strerror(rc));
			return 1;
		}
		fp[i] = is_fp(names[i]);
	}
	long rss2 = rss_kb();
	pthread_t late;
	if (late_name && pthread_create(&late, NULL, late_main, NULL) != 0)
		return 1;
	if (PAPI_start(es) != PAPI_OK) {
		fprintf(stderr, "vmpower_probe: PAPI_start failed\n");
		return 1;
	}
	snap_take(0);
	if (script) {
		char cmd[1024];
		snprintf(cmd, sizeof(cmd), "%s start", script);
		if (system(cmd) != 0)
			return 1;
	}
	int ok = 1, reads = 0;
	if (bench > 0) {
		double *lat = calloc((size_t)bench, sizeof(double));
		double sum = 0;
		for (int r = 0; r < bench; r++) {
			double t0 = now_s();
			if (PAPI_read(es, v) != PAPI_OK)
				return 1;
			lat[r] = (now_s() - t0) * 1e6;
			sum += lat[r];
		}
		for (int a = 1; a < bench; a++) { /* insertion sort: bench is small */
			double x = lat[a];
			int b = a - 1;
			while (b >= 0 && lat[b] > x) {
				lat[b + 1] = lat[b];
				b--;
			}
			lat[b + 1] = x;
		}
		printf("events %d reads %d read_us mean %.1f p50 %.1f p99 %.1f max %.1f\n", n, bench,
		       sum / bench, lat[bench / 2], lat[(bench * 99) / 100], lat[bench - 1]);
		printf("init_s %.3f rss_kb before_init %ld after_init %ld after_add %ld first_add_s %.4f\n", init_s, rss0,
		       rss1, rss2, first_add_s);
		free(lat);
	}
	double end = now_s() + secs;
	while (bench == 0 && now_s() < end) {
		usleep((useconds_t)interval_ms * 1000);
		int rrc = PAPI_read(es, v);
		if (rrc != PAPI_OK) {
			fprintf(stderr, "vmpower_probe: PAPI_read failed: %s\n", PAPI_strerror(rrc));
			return 1;
		}
		reads++;
		for (int i = 0; i < n; i++) {
			if (!fp[i] && v[i] < prev[i]) {
				fprintf(stderr, "vmpower_probe: %s went backwards: %lld -> %lld\n", names[i], prev[i], v[i]);
				ok = 0;
			}
			prev[i] = v[i];
		}
	}
	if (PAPI_stop(es, v) != PAPI_OK)
		return 1;
	snap_take(1);
	if (script) {
		char cmd[1024];
		snprintf(cmd, sizeof(cmd), "%s stop", script);
		if (system(cmd) != 0)
			return 1;
	}
	late_stop = 1;
	if (late_name)
		pthread_join(late, NULL);
	for (int i = 0; i < n; i++)
		print_value("", names[i] + strlen("vmpower:::"), v[i], fp[i]);
	if (late_name) {
		printf("late_found\t%d\n", late_found);
		if (late_found) {
			printf("late:VM_ENERGY_UJ\t%lld\n", late_vals[0]);
			printf("late:VM_CPU_TIME_NS\t%lld\n", late_vals[1]);
		}
	}
	snap_print(0);
	snap_print(1);
	printf("reads\t%d\nmonotonic\t%s\n", reads, ok ? "ok" : "NO");
	PAPI_shutdown();
	return ok && late_ok ? 0 : 1;
}
