/*
 * papi_vmguest: run INSIDE a VM, says what PAPI can measure there and, for
 * each missing feature, the host-side change that provides it: the
 * hypervisor, a virtual PMU, the steal clock, a virtual RAPL (the host's
 * per-VM energy export read through rapl_vm).  Links libpapi alone (no
 * libvirt, no JSON library of its own), so it fits a minimal guest.
 * Logic and wording: src/shared/pv_guestview.c; docs/utils.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "papi.h"
#include "pv_guestview.h"

static const char usage_text[] =
	"usage: papi_vmguest [-w SECONDS]\n"
	"  Reports, from inside a VM: hypervisor, virtual PMU (perf_event_open of\n"
	"  hardware cycles), steal clock, virtual RAPL (rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0\n"
	"  under PAPI_VIRT_SYSFS, read twice SECONDS apart, default 1.5: the host\n"
	"  exporter updates every second), and for each one missing the host-side\n"
	"  change that enables it.  Exit 0 (report printed), 1 (PAPI unusable),\n"
	"  2 (usage).  See docs/utils.md.\n";

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The virtual RAPL as an unmodified PAPI program sees it. */
static void read_rapl(struct pv_guestview_facts *f, double wait_s)
{
	const char *ev = "rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0";
	int es = PAPI_NULL, rc, cid = PAPI_get_component_index("rapl_vm");
	const PAPI_component_info_t *ci = cid >= 0 ? PAPI_get_component_info(cid) : NULL;
	long long v0, v1;

	if (!ci) {
		snprintf(f->rapl_why, sizeof(f->rapl_why), "this libpapi has no rapl_vm component");
		return;
	}
	if (ci->disabled) {
		snprintf(f->rapl_why, sizeof(f->rapl_why), "rapl_vm disabled: %s", ci->disabled_reason);
		return;
	}
	if ((rc = PAPI_create_eventset(&es)) != PAPI_OK || (rc = PAPI_add_named_event(es, ev)) != PAPI_OK ||
	    (rc = PAPI_start(es)) != PAPI_OK || (rc = PAPI_read(es, &v0)) != PAPI_OK) {
		snprintf(f->rapl_why, sizeof(f->rapl_why), "%s: %s", ev, PAPI_strerror(rc));
		return;
	}
	sleep_s(wait_s);
	if ((rc = PAPI_stop(es, &v1)) != PAPI_OK) {
		snprintf(f->rapl_why, sizeof(f->rapl_why), "%s: PAPI_stop: %s", ev, PAPI_strerror(rc));
		return;
	}
	f->rapl_read = 1;
	f->rapl_uj = v1 > v0 ? (uint64_t)(v1 - v0) : 0;
	f->rapl_wait_s = wait_s;
}

int main(int argc, char **argv)
{
	struct pv_guestview_facts f;
	double wait_s = 1.5;
	char *end;
	int c, rc;

	while ((c = getopt(argc, argv, "w:h")) != -1) {
		switch (c) {
		case 'w':
			errno = 0;
			wait_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || wait_s < 0 || wait_s > 3600) {
				fprintf(stderr, "papi_vmguest: -w '%s': want seconds, 0 to 3600\n", optarg);
				return 2;
			}
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "papi_vmguest: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	memset(&f, 0, sizeof(f));
	pv_guestview_probe_fs(&f);
	pv_guestview_probe_cpuid(&f);
	pv_guestview_probe_pmu(&f);
	if ((rc = PAPI_library_init(PAPI_VER_CURRENT)) != PAPI_VER_CURRENT) {
		fprintf(stderr, "papi_vmguest: PAPI_library_init: %s\n", PAPI_strerror(rc));
		return 1;
	}
	if (f.zone == 1)
		read_rapl(&f, wait_s);
	pv_guestview_report(stdout, &f);
	PAPI_shutdown();
	return 0;
}
