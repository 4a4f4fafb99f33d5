/*
 * papi_vmcheck: for each running VM, its CPU time over a window from
 * independent sources side by side (libvirt, /proc, cgroup, schedstat, and
 * the vmpower/steal components through the PAPI API), a verdict per pair
 * and the known reasons they differ.  Exit 1 when a pair disagrees.
 * See --help and docs/utils.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"
#include "pv_clock.h"
#include "pv_procstat.h"
#include "util_check.h"
#include "util_cpusrc.h"
#include "util_evset.h"
#include "util_out.h"

static const char usage_text[] =
"NAME\n"
"    papi_vmcheck - check a VM's CPU statistics against independent sources\n"
"\n"
"SYNOPSIS\n"
"    papi_vmcheck [-w SECONDS] [-t PERCENT] [--vm NAME]... [--no-papi] [-v]\n"
"\n"
"DESCRIPTION\n"
"    Measures each running VM (or the VMs named with --vm) over a window and\n"
"    prints its CPU time from every source side by side:\n"
"      libvirt   cpu.time, cpu.user+cpu.system, sum of vcpu.N.time and\n"
"                vcpu.N.delay (virConnectGetAllDomainStats, read-only)\n"
"      /proc     utime+stime and guest_time of the QEMU process\n"
"      cgroup    usage_usec and user_usec+system_usec of the VM's cgroup v2\n"
"      schedstat run time of every QEMU thread and of the vCPU threads, and\n"
"                the vCPU threads' run delay\n"
"      PAPI      vmpower:::VM_CPU_TIME_NS, steal:::VCPU_RUN_NS,\n"
"                VCPU_STEAL_NS and VCPU_HALT_NS for the VM\n"
"    then a verdict for each pair of sources that should agree (or where one\n"
"    should not exceed the other), with the allowance used and the known\n"
"    reasons they differ: clock-tick granularity (10 ms), guest time counted\n"
"    inside user time, emulator threads outside the vCPUs, threads that exit\n"
"    during the window, user/system sampling.\n"
"\n"
"    A pair agrees when |a - b| <= max(PERCENT of the larger, allowance);\n"
"    the allowance is the sources' granularity (2 ticks; per vCPU for\n"
"    vcpu.N.time) plus the CPU time the VM can use while one snapshot of its\n"
"    sources is taken.  \"agree (explained)\": beyond PERCENT but within\n"
"    the allowance.  \"differ (explained)\": the QEMU thread set changed in\n"
"    the window, which explains schedstat sums.  \"n/a\": a source is\n"
"    missing (the reason is printed).\n"
"\n"
"OPTIONS\n"
"    -w, --window SECONDS   measurement window, default 10 (0.2 .. 3600)\n"
"    -t, --tolerance PCT    relative tolerance, default 2; 0 means exact:\n"
"                           no allowance, every pair must match exactly\n"
"        --vm NAME          check this VM only (repeatable; raw name)\n"
"        --no-papi          leave out the PAPI sources\n"
"    -v, --verbose          print the explanation of every pair\n"
"    -h, --help             this text\n"
"\n"
"ENVIRONMENT\n"
"    PAPI_VIRT_URI          libvirt URI (else LIBVIRT_DEFAULT_URI, else\n"
"                           qemu:///system); also used by the components\n"
"    PAPI_VIRT_PROCFS, PAPI_VIRT_SYSFS   roots of /proc and /sys\n"
"    LD_LIBRARY_PATH        must reach papi-virt's libpapi when not installed\n"
"\n"
"EXIT STATUS\n"
"    0  every pair agrees (or is explained, or n/a)\n"
"    1  at least one pair disagrees beyond the tolerance\n"
"    2  usage error, libvirt unreachable, no running VM, or a VM named with\n"
"       --vm is not running\n"
"\n"
"EXAMPLES\n"
"    papi_vmcheck -w 20\n"
"    papi_vmcheck --vm web -t 1 -v\n"
"\n"
"SEE ALSO\n"
"    papi_vmpower(1), virsh(1) domstats, proc(5), docs/utils.md\n";

struct opts {
	double window;
	double tol;
	const char **vms;
	size_t nvms;
	int no_papi, verbose;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_VM = 256, O_NOPAPI };
	static const struct option lo[] = {
		{ "window", required_argument, NULL, 'w' }, { "tolerance", required_argument, NULL, 't' },
		{ "vm", required_argument, NULL, O_VM },    { "no-papi", no_argument, NULL, O_NOPAPI },
		{ "verbose", no_argument, NULL, 'v' },      { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;
	*o = (struct opts){ .window = 10, .tol = 2 };
	while ((c = getopt_long(argc, argv, "w:t:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'w':
			o->window = strtod(optarg, &end);
			if (end == optarg || *end || !(o->window >= 0.2 && o->window <= 3600)) {
				fprintf(stderr, "papi_vmcheck: --window '%s': want seconds, 0.2 to 3600\n", optarg);
				return -1;
			}
			break;
		case 't':
			o->tol = strtod(optarg, &end);
			if (end == optarg || *end || !(o->tol >= 0 && o->tol <= 100)) {
				fprintf(stderr, "papi_vmcheck: --tolerance '%s': want a percentage, 0 to 100\n", optarg);
				return -1;
			}
			break;
		case O_VM: {
			const char **v = realloc(o->vms, (o->nvms + 1) * sizeof(*v));
			if (!v)
				return -1;
			o->vms = v;
			o->vms[o->nvms++] = optarg;
			break;
		}
		case O_NOPAPI: o->no_papi = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default:
			fputs("Try 'papi_vmcheck --help'.\n", stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "papi_vmcheck: unexpected argument '%s'; try --help\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* ---- PAPI side: one EventSet per component, positions per VM ---- */

struct papi_side {
	struct util_evset vmp, stl;
	int pos[64][4];  /* per VM: CPU, RUN, STEAL, HALT position, -1 if none */
	char why_vmp[512], why_stl[512];
};

static const struct { int set; const char *comp, *base; enum util_srcid src; } papi_evs[4] = {
	{ 0, "vmpower", "VM_CPU_TIME_NS", UTIL_S_PAPI_CPU },
	{ 1, "steal", "VCPU_RUN_NS", UTIL_S_PAPI_RUN },
	{ 1, "steal", "VCPU_STEAL_NS", UTIL_S_PAPI_STEAL },
	{ 1, "steal", "VCPU_HALT_NS", UTIL_S_PAPI_HALT },
};

static void papi_setup(struct papi_side *p, struct util_cpuvm *vms, size_t n)
{
	char err[512], name[1024];
	int cid[2];
	memset(p, 0, sizeof(*p));
	p->vmp.es = p->stl.es = PAPI_NULL;
	for (size_t i = 0; i < n && i < 64; i++)
		for (int k = 0; k < 4; k++)
			p->pos[i][k] = -1;
	if (util_papi_init(err, sizeof(err)) != 0) {
		snprintf(p->why_vmp, sizeof(p->why_vmp), "%s", err);
		snprintf(p->why_stl, sizeof(p->why_stl), "%s", err);
		return;
	}
	cid[0] = util_papi_component("vmpower", p->why_vmp, sizeof(p->why_vmp));
	cid[1] = util_papi_component("steal", p->why_stl, sizeof(p->why_stl));
	struct util_evset *sets[2] = { &p->vmp, &p->stl };
	char *whys[2] = { p->why_vmp, p->why_stl };
	for (int s = 0; s < 2; s++) {
		if (cid[s] < 0)
			continue;
		int rc = util_evset_init(sets[s], cid[s]);
		if (rc != PAPI_OK) {
			snprintf(whys[s], 512, "EventSet: %s", PAPI_strerror(rc));
			continue;
		}
		for (size_t i = 0; i < n && i < 64; i++) {
			for (int k = 0; k < 4; k++) {
				if (papi_evs[k].set != s)
					continue;
				if (util_event_name(name, sizeof(name), papi_evs[k].comp, papi_evs[k].base, vms[i].name) < 0)
					continue;
				rc = util_evset_add(sets[s], name);
				if (rc >= 0)
					p->pos[i][k] = rc;
				else
					snprintf(whys[s], 512, "%s: %s", name, PAPI_strerror(rc));
			}
		}
		rc = util_evset_start(sets[s]);
		if (rc != PAPI_OK)
			snprintf(whys[s], 512, "PAPI_start: %s", PAPI_strerror(rc));
	}
}

/* Reads both EventSets and stores each VM's PAPI sources into vals[i]. */
static void papi_read(struct papi_side *p, struct util_cpuvals *vals, size_t n)
{
	int ok[2] = { util_evset_read(&p->vmp) == PAPI_OK, util_evset_read(&p->stl) == PAPI_OK };
	const struct util_evset *sets[2] = { &p->vmp, &p->stl };
	const char *whys[2] = { p->why_vmp, p->why_stl };
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++) {
			enum util_srcid src = papi_evs[k].src;
			int s = papi_evs[k].set, pos = i < 64 ? p->pos[i][k] : -1;
			if (ok[s] && pos >= 0) {
				vals[i].have[src] = true;
				vals[i].ns[src] = util_evset_u64(sets[s], (size_t)pos);
			} else {
				vals[i].have[src] = false;
				snprintf(vals[i].why[src], sizeof(vals[i].why[src]), "%s",
					 whys[s][0] ? whys[s] : "PAPI_read failed");
			}
		}
	}
}

static void papi_none(struct util_cpuvals *vals, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 4; k++) {
			vals[i].have[papi_evs[k].src] = false;
			snprintf(vals[i].why[papi_evs[k].src], sizeof(vals[i].why[0]), "--no-papi");
		}
}

/* ---- report ---- */

static void print_sources(const struct util_window *w, double window_ns)
{
	printf("  %-32s %12s %9s\n", "source", "CPU ms", "% window");
	for (int s = 0; s < UTIL_S_N; s++) {
		double d = util_check_delta(w, (enum util_srcid)s);
		if (d < 0) {
			const struct util_cpuvals *x = w->v0->have[s] ? w->v1 : w->v0;
			printf("  %-32s %12s %9s  (%s)\n", util_src_label((enum util_srcid)s), "-", "-",
			       x->why[s][0] ? x->why[s] : "went backwards");
		} else {
			printf("  %-32s %12.1f %9.1f\n", util_src_label((enum util_srcid)s), d / 1e6,
			       100.0 * d / window_ns);
		}
	}
}

static int print_pairs(const struct util_window *w, int verbose)
{
	struct util_verdict v[UTIL_CHECK_MAX_PAIRS];
	size_t n = util_check_pairs(w, v);
	int bad = 0;
	printf("  %-62s %8s  %s\n", "pair", "diff %", "verdict");
	for (size_t i = 0; i < n; i++) {
		char pair[128], diff[16];
		snprintf(pair, sizeof(pair), "%s %s %s", util_src_label(v[i].a), v[i].relation,
			 util_src_label(v[i].b));
		if (v[i].state == UTIL_V_NA)
			snprintf(diff, sizeof(diff), "-");
		else
			snprintf(diff, sizeof(diff), "%+.2f", v[i].diff_pct);
		printf("  %-62s %8s  %s; %s\n", pair, diff, util_verdict_name(v[i].state), v[i].note);
		if (verbose || v[i].state == UTIL_V_ALLOWED || v[i].state == UTIL_V_EXCUSED ||
		    v[i].state == UTIL_V_DISAGREE)
			printf("      why they may differ: %s\n", v[i].why);
		bad += v[i].state == UTIL_V_DISAGREE;
	}
	return bad;
}

/* One snapshot: PAPI first, then every VM's procfs/sysfs sources (fast),
 * then libvirt's (one RPC for all VMs); the same order at both ends of the
 * window so the offsets between sources mostly cancel. */
static void snapshot(const struct opts *o, struct papi_side *papi, struct util_lv *lv,
		     struct util_cpuvm *vms, struct util_cpuvals *v, int *gone, size_t n)
{
	uint64_t b = pv_now_ns();
	if (o->no_papi)
		papi_none(v, n);
	else
		papi_read(papi, v, n);
	uint64_t e = pv_now_ns();
	for (size_t i = 0; i < n; i++)
		for (int s = UTIL_S_PAPI_CPU; s <= UTIL_S_PAPI_HALT; s++) {
			v[i].t_begin[s] = b;
			v[i].t_end[s] = e;
		}
	for (size_t i = 0; i < n; i++)
		gone[i] = util_cpuvals_read_local(&vms[i], &v[i]);
	util_cpuvals_read_libvirt(lv, vms, v, n);
}

static int wanted(const struct opts *o, const char *name)
{
	if (o->nvms == 0)
		return 1;
	for (size_t i = 0; i < o->nvms; i++)
		if (strcmp(o->vms[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct util_lv *lv = NULL;
	struct util_cpuvm *all = NULL;
	size_t nall = 0, n = 0;
	char err[1024];
	int rc = 2;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (util_lv_open(&lv, err, sizeof(err)) < 0 || util_lv_list(lv, &all, &nall, err, sizeof(err)) < 0) {
		fprintf(stderr, "papi_vmcheck: %s\n", err);
		util_lv_close(lv);
		return 2;
	}
	/* Keep the wanted VMs, in libvirt's order, at the front. */
	for (size_t i = 0; i < nall; i++) {
		if (wanted(&o, all[i].name) && n < 64) {
			struct util_cpuvm t = all[i];
			all[i] = all[n];
			all[n++] = t;
		}
	}
	for (size_t k = 0; k < o.nvms; k++) {
		size_t i;
		for (i = 0; i < n && strcmp(all[i].name, o.vms[k]) != 0; i++)
			;
		if (i == n) {
			fprintf(stderr, "papi_vmcheck: no running VM named '%s' at %s\n", o.vms[k], util_lv_uri(lv));
			goto out;
		}
	}
	if (n == 0) {
		fprintf(stderr, "papi_vmcheck: no running VM at %s\n", util_lv_uri(lv));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		util_cpuvm_locate(&all[i]);

	struct papi_side papi;
	if (!o.no_papi)
		papi_setup(&papi, all, n);
	struct util_cpuvals *v0 = calloc(n, sizeof(*v0)), *v1 = calloc(n, sizeof(*v1));
	int *gone0 = calloc(n, sizeof(*gone0)), *gone1 = calloc(n, sizeof(*gone1));
	if (!v0 || !v1 || !gone0 || !gone1) {
		fprintf(stderr, "papi_vmcheck: out of memory\n");
		goto out;
	}
	uint64_t start = pv_now_ns();
	snapshot(&o, &papi, lv, all, v0, gone0, n);
	struct timespec until = pv_clock_ns_to_ts(start);
	pv_clock_ts_add_ns(&until, (uint64_t)(o.window * 1e9));
	while (!stop_flag && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
		;
	if (stop_flag) {
		fprintf(stderr, "papi_vmcheck: interrupted\n");
		goto out;
	}
	uint64_t end = pv_now_ns();
	for (size_t i = 0; i < n; i++) {
		v1[i].ntids = v0[i].ntids;
		memcpy(v1[i].tids, v0[i].tids, sizeof(v1[i].tids));
	}
	snapshot(&o, &papi, lv, all, v1, gone1, n);
	double window_ns = (double)(end - start);

	long hz = (long)pv_procstat_user_hz();
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int bad = 0;
	printf("papi_vmcheck: %zu VM(s) at %s, window %.2f s, tolerance %g%%, clock tick %ld Hz, %ld host CPUs\n",
	       n, util_lv_uri(lv), window_ns / 1e9, o.tol, hz, ncpu);
	for (size_t i = 0; i < n; i++) {
		char name[1024];
		util_out_printable(all[i].name, name, sizeof(name));
		printf("\nVM %s (uuid %s, pid %d, %zu vCPU, %zu threads, cgroup %s)\n", name, all[i].uuid,
		       (int)all[i].pid, all[i].nvcpus, all[i].nthreads, all[i].cgroup ? all[i].cgroup : "-");
		if (all[i].pid > 0 && util_cpuvm_alive(&all[i]) == 0) {
			printf("  the VM stopped during the window: not checked\n");
			continue;
		}
		struct util_window w = {
			.v0 = &v0[i], .v1 = &v1[i], .tol_pct = o.tol,
			.ncpus = ncpu > 0 ? (unsigned)ncpu : 1,
			.tick_ns = pv_procstat_ticks_to_ns(1, (uint64_t)hz),
			.nvcpus = all[i].nvcpus, .nthreads = all[i].nthreads,
			.threads_changed = gone1[i] > 0 || gone0[i] > 0,
		};
		print_sources(&w, window_ns);
		bad += print_pairs(&w, o.verbose);
	}
	printf("\n%s: %d pair(s) disagree\n", bad ? "FAIL" : "PASS", bad);
	rc = bad ? 1 : 0;
	free(v0);
	free(v1);
	free(gone0);
	free(gone1);
	if (!o.no_papi) {
		util_evset_fini(&papi.vmp);
		util_evset_fini(&papi.stl);
	}
out:
	for (size_t i = 0; i < nall; i++)
		util_cpuvm_free(&all[i]);
	free(all);
	free(o.vms);
	util_lv_close(lv);
	if (PAPI_is_initialized())
		PAPI_shutdown();
	return rc;
}
