/*
 * papi_vmpower: live per-VM power, energy, CPU share, steal and halt on a
 * libvirt/KVM host, through the public PAPI API only (vmpower and steal
 * components).  See --help and docs/utils.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "papi.h"
#include "pv_clock.h"
#include "util_evset.h"
#include "util_hist.h"
#include "util_httpd.h"
#include "util_out.h"
#include "util_report.h"
#include "util_src.h"
#include "util_webcfg.h"

static const char usage_text[] =
"NAME\n"
"    papi_vmpower - live per-VM power, energy, CPU share, steal and halt time\n"
"\n"
"SYNOPSIS\n"
"    papi_vmpower [-i SECONDS] [-c COUNT] [--csv | --json | --quiet]\n"
"                 [--prometheus ADDR:PORT [--web.config.file FILE]]\n"
"                 [--no-redraw] [--replay FILE] [--report FILE.html]\n"
"                 [--export DIR]\n"
"\n"
"DESCRIPTION\n"
"    Every interval, prints one row per running VM: the host energy attributed\n"
"    to it (power in W over the interval, energy in J since first seen), its\n"
"    host CPU use (% of one host CPU), its share of the attribution basis\n"
"    (VM_SHARE_PCT), the steal and halt % of its vCPUs' time, the attribution\n"
"    basis (cycles or cpu_time) and the energy source (measured from RAPL, or\n"
"    estimated from PAPI_VIRT_POWER_MODEL), then the host's totals: power,\n"
"    and its split into active, idle-baseline and other (not attributed to a\n"
"    VM) power.  Everything is read with PAPI_add_named_event/PAPI_read from\n"
"    the vmpower and steal components; the VM list comes from PAPI's event\n"
"    enumeration, so VMs that start or stop are shown without a restart\n"
"    (marked new or gone).  On a terminal the table redraws in place;\n"
"    otherwise each sample is appended.  Ctrl-C (or the end of --count)\n"
"    prints a summary: energy, average power, CPU, steal and halt per VM.\n"
"\n"
"OPTIONS\n"
"    -i, --interval SECONDS   sampling interval, default 1 (0.05 .. 86400)\n"
"    -c, --count N            stop after N samples (default 0: until Ctrl-C)\n"
"        --csv                CSV rows (RFC 4180) with a header line; the\n"
"                             summary goes to standard error\n"
"        --json               JSON Lines: one object per sample\n"
"                             ({\"type\":\"sample\",...}), a final summary object\n"
"        --quiet              no per-sample output (with --prometheus)\n"
"        --prometheus ADDR:PORT\n"
"                             serve the latest values over HTTP at /metrics in\n"
"                             the Prometheus text format.  ':PORT' listens on\n"
"                             every address, IPv6 and IPv4 (as node_exporter's\n"
"                             ':9100'); 127.0.0.1:PORT or [::1]:PORT only on\n"
"                             this host.  At most 256 connections, 32 per\n"
"                             client address; a request header must arrive\n"
"                             within 10 s.  Per-VM metrics (labels vm, uuid):\n"
"                             papi_virt_vm_energy_joules_total,\n"
"                             papi_virt_vm_power_watts,\n"
"                             papi_virt_vm_cpu_seconds_total,\n"
"                             papi_virt_vm_cpu_share_ratio,\n"
"                             papi_virt_vm_vcpu_{run,steal,halt}_seconds_total;\n"
"                             papi_virt_host_{,active_,idle_,other_}energy_joules_total,\n"
"                             papi_virt_host_power_watts, papi_virt_vms,\n"
"                             papi_virt_monitor_info{basis,energy_source}\n"
"        --web.config.file FILE\n"
"                             TLS and basic authentication for --prometheus,\n"
"                             in Prometheus exporter-toolkit's format\n"
"                             (tls_server_config: cert_file, key_file;\n"
"                             basic_auth_users: NAME: BCRYPT_HASH); a file\n"
"                             with an error stops papi_vmpower at start\n"
"        --no-redraw          append samples even on a terminal\n"
"        --export DIR         keep each VM's energy exported to its guest as a\n"
"                             powercap tree DIR/<uuid>/class/powercap/intel-rapl:0/\n"
"                             (a virtual RAPL; sets PAPI_VIRT_VMPOWER_EXPORT=DIR\n"
"                             for the component; DIR is created if missing;\n"
"                             layout and guest set-up in docs/vmpower.md)\n"
"        --replay FILE        take samples from FILE instead of PAPI: a replay\n"
"                             file (format in docs/utils.md) or a run recorded\n"
"                             with --json or --csv; for tests and offline\n"
"                             rendering\n"
"        --report FILE.html   at the end, write one self-contained HTML page\n"
"                             with SVG charts (VM power stacked up to the\n"
"                             host's active power, idle and other apart; CPU,\n"
"                             steal, halt per VM) and the summary table\n"
"    -h, --help               this text\n"
"\n"
"COLUMNS\n"
"    POWER_W   attributed energy over the interval / interval length\n"
"    ENERGY_J  attributed energy since the monitor first saw the VM\n"
"    CPU%      host CPU time of all the VM's QEMU threads / wall time\n"
"    SHARE%    vmpower VM_SHARE_PCT: the VM's part of the attribution basis\n"
"    STEAL%    vCPU steal / (run + steal + halt) over the interval\n"
"    HALT%     vCPU halt  / (run + steal + halt) over the interval\n"
"    A '-' means the value is not available (component disabled, no energy\n"
"    source, first interval of a VM).\n"
"\n"
"ENVIRONMENT\n"
"    PAPI_VIRT_URI          libvirt URI (else LIBVIRT_DEFAULT_URI, else\n"
"                           qemu:///system), read by the components\n"
"    PAPI_VIRT_POWER_MODEL  energy model where the host has no RAPL, e.g.\n"
"                           \"idle=50,max=150\": energy is then labelled estimated\n"
"    LD_LIBRARY_PATH        must reach papi-virt's libpapi when not installed\n"
"\n"
"EXIT STATUS\n"
"    0 after --count samples or Ctrl-C; 1 when PAPI or the components cannot\n"
"    be used (the reason is printed); 2 on a usage error.\n"
"\n"
"EXAMPLES\n"
"    papi_vmpower -i 2\n"
"    papi_vmpower --count 10 --csv > power.csv\n"
"    papi_vmpower --quiet --prometheus 127.0.0.1:9977 &\n"
"    papi_vmpower --quiet --export /var/lib/papi-virt/export &\n"
"    curl -s http://127.0.0.1:9977/metrics\n"
"    papi_vmpower --quiet --prometheus :9977 --web.config.file web.yml\n"
"    papi_vmpower --count 600 --json > run.jsonl\n"
"    papi_vmpower --replay run.jsonl -i 0 --quiet --report run.html\n"
"\n"
"SEE ALSO\n"
"    papi_vmcheck(1), papi_native_avail(1), docs/vmpower.md, docs/steal.md\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct opts {
	double interval;
	long count;
	enum util_fmt fmt;
	int quiet, no_redraw;
	const char *prom, *replay, *export_dir;
	const char *web_config;
	const char *report;
};

static int parse_double(const char *s, double *ret)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v))
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_CSV = 256, O_JSON, O_PROM, O_QUIET, O_NOREDRAW, O_REPLAY, O_WEBCFG, O_REPORT, O_EXPORT };
	static const struct option lo[] = {
		{ "interval", required_argument, NULL, 'i' }, { "count", required_argument, NULL, 'c' },
		{ "csv", no_argument, NULL, O_CSV },          { "json", no_argument, NULL, O_JSON },
		{ "prometheus", required_argument, NULL, O_PROM },
		{ "quiet", no_argument, NULL, O_QUIET },      { "no-redraw", no_argument, NULL, O_NOREDRAW },
		{ "replay", required_argument, NULL, O_REPLAY }, { "help", no_argument, NULL, 'h' },
		{ "web.config.file", required_argument, NULL, O_WEBCFG },
		{ "report", required_argument, NULL, O_REPORT },
		{ "export", required_argument, NULL, O_EXPORT },
		{ NULL, 0, NULL, 0 },
	};
	int c, nfmt = 0;
	char *end;

	*o = (struct opts){ .interval = 1.0, .fmt = UTIL_FMT_TABLE };
	while ((c = getopt_long(argc, argv, "i:c:h", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_double(optarg, &o->interval) < 0 || o->interval < 0 || o->interval > 86400) {
				fprintf(stderr, "papi_vmpower: --interval '%s': want seconds, 0.05 to 86400\n", optarg);
				return -1;
			}
			break;
		case 'c':
			errno = 0;
			o->count = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o->count < 0) {
				fprintf(stderr, "papi_vmpower: --count '%s': want a whole number >= 0\n", optarg);
				return -1;
			}
			break;
		case O_CSV: o->fmt = UTIL_FMT_CSV; nfmt++; break;
		case O_JSON: o->fmt = UTIL_FMT_JSON; nfmt++; break;
		case O_QUIET: o->quiet = 1; nfmt++; break;
		case O_PROM: o->prom = optarg; break;
		case O_NOREDRAW: o->no_redraw = 1; break;
		case O_REPLAY: o->replay = optarg; break;
		case O_WEBCFG: o->web_config = optarg; break;
		case O_REPORT: o->report = optarg; break;
		case O_EXPORT: o->export_dir = optarg; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default:
			fputs("Try 'papi_vmpower --help'.\n", stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "papi_vmpower: unexpected argument '%s'; try --help\n", argv[optind]);
		return -1;
	}
	if (o->web_config && !o->prom) {
		fputs("papi_vmpower: --web.config.file needs --prometheus\n", stderr);
		return -1;
	}
	if (nfmt > 1) {
		fputs("papi_vmpower: --csv, --json and --quiet exclude each other\n", stderr);
		return -1;
	}
	if (o->export_dir && o->replay) {
		fputs("papi_vmpower: --export needs live VMs, not --replay\n", stderr);
		return -1;
	}
	/* Interval 0 only makes sense when replaying a file as fast as it goes. */
	if (o->interval < 0.05 && !(o->replay && o->interval == 0)) {
		fputs("papi_vmpower: --interval below 0.05 s (0 only with --replay)\n", stderr);
		return -1;
	}
	return 0;
}

/* Sleeps until the absolute monotonic deadline; returns early on a signal. */
static void sleep_until(struct timespec *next, double interval)
{
	pv_clock_ts_add_ns(next, (uint64_t)(interval * 1e9));
	while (!stop_flag && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR)
		;
}

static void output(const struct opts *o, const struct util_tracker *t, int redraw)
{
	if (o->quiet)
		return;
	switch (o->fmt) {
	case UTIL_FMT_TABLE: util_out_table(stdout, t, redraw); break;
	case UTIL_FMT_CSV: util_out_csv(stdout, t); break;
	case UTIL_FMT_JSON:
		if (util_out_json(stdout, t) < 0)
			fputs("papi_vmpower: JSON output failed (out of memory)\n", stderr);
		break;
	}
}

static int run(const struct opts *o, struct util_src *src, struct util_httpd *httpd)
{
	struct util_tracker t;
	struct util_hist hist;
	struct util_sample s = { 0 };
	struct timespec next;
	char err[1024] = "";
	int rc = 0, redraw = o->fmt == UTIL_FMT_TABLE && !o->no_redraw && isatty(STDOUT_FILENO);

	util_tracker_init(&t);
	util_hist_init(&hist);
	if (o->fmt == UTIL_FMT_CSV && !o->quiet)
		util_out_csv_header(stdout);
	next = pv_clock_ns_to_ts(pv_now_ns());
	while (!stop_flag && (o->count == 0 || (long)t.samples < o->count)) {
		sleep_until(&next, o->interval);
		if (stop_flag)
			break;
		int r = util_src_sample(src, &s, err, sizeof(err));
		if (r == UTIL_SRC_END)
			break;
		if (r == UTIL_SRC_SKIP)
			continue;
		if (r < 0 || util_tracker_add(&t, &s) < 0) {
			fprintf(stderr, "papi_vmpower: %s\n", r < 0 && *err ? err : "out of memory");
			rc = 1;
			break;
		}
		if (o->report && util_hist_add(&hist, &t) < 0) {
			fputs("papi_vmpower: out of memory for the report's history\n", stderr);
			rc = 1;
			break;
		}
		output(o, &t, redraw);
		if (httpd) {
			char *body;
			if (util_out_prometheus(&t, &body) == 0)
				util_httpd_set(httpd, body);
		}
	}
	if (t.samples > 0) {
		FILE *f = o->fmt == UTIL_FMT_CSV || o->quiet ? stderr : stdout;
		if (o->fmt == UTIL_FMT_TABLE || o->fmt == UTIL_FMT_CSV || o->quiet)
			fputc('\n', f);
		util_out_summary(f, &t, o->fmt == UTIL_FMT_JSON && !o->quiet);
	}
	if (o->report && rc == 0) {
		if (util_report_write(o->report, &hist, &t, err, sizeof(err)) < 0) {
			fprintf(stderr, "papi_vmpower: %s\n", err);
			rc = 1;
		} else {
			fprintf(stderr, "papi_vmpower: report written to %s\n", o->report);
		}
	}
	util_hist_fini(&hist);
	util_sample_free(&s);
	util_tracker_fini(&t);
	return rc;
}

/* --export DIR: the component exports when PAPI_VIRT_VMPOWER_EXPORT is set at
 * PAPI_library_init, so set it first; refuse a DIR it could not write. */
static int export_prepare(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "papi_vmpower: --export '%s': cannot create the directory: %s\n", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "papi_vmpower: --export '%s': not a writable directory\n", dir);
		return -1;
	}
	return setenv("PAPI_VIRT_VMPOWER_EXPORT", dir, 1);
}

/* An exporter without vmpower would run and export nothing: fail instead. */
static int export_check(void)
{
	char why[PAPI_MAX_STR_LEN + 64];

	if (util_papi_component("vmpower", why, sizeof(why)) >= 0)
		return 0;
	fprintf(stderr, "papi_vmpower: --export: %s\n", why);
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct util_src *src = NULL;
	struct util_httpd *httpd = NULL;
	struct util_webcfg *web = NULL;
	char err[2048] = "";
	int rc;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* A bad web configuration stops the exporter before it measures or
	 * listens: serving without the TLS or authentication asked for would be
	 * worse than not serving. */
	if (o.web_config && util_webcfg_load(o.web_config, &web, err, sizeof(err)) < 0) {
		fprintf(stderr, "papi_vmpower: %s\n", err);
		return 1;
	}
	if (o.export_dir && export_prepare(o.export_dir) < 0) {
		util_webcfg_free(web);
		return 1;
	}
	rc = o.replay ? util_src_replay_open(o.replay, &src, err, sizeof(err))
		      : util_src_papi_open(&src, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "papi_vmpower: %s\n", err);
		util_webcfg_free(web);
		return 1;
	}
	if (o.export_dir && export_check() < 0) {
		util_src_close(src);
		util_webcfg_free(web);
		PAPI_shutdown();
		return 1;
	}
	if (src->notes[0])
		fprintf(stderr, "papi_vmpower: %s", src->notes);
	if (o.prom) {
		if (util_httpd_start(o.prom, web, &httpd, err, sizeof(err)) < 0) {
			fprintf(stderr, "papi_vmpower: %s\n", err);
			util_src_close(src);
			util_webcfg_free(web);
			return 1;
		}
		fprintf(stderr, "papi_vmpower: Prometheus metrics on port %u at /metrics%s%s\n",
			util_httpd_port(httpd), web && web->tls ? " (HTTPS)" : "",
			web && web->nusers ? " (basic auth)" : "");
	}
	rc = run(&o, src, httpd);
	util_httpd_stop(httpd);
	util_webcfg_free(web);
	util_src_close(src);
	if (!o.replay)
		PAPI_shutdown();
	return rc;
}
