/* Unit tests of the steal component's logic modules against the
 * ctests/fixtures/steal-* trees and synthetic samples: /proc/stat parsing by
 * CPU name (offline CPUs, many CPUs, malformed lines, counters going
 * backwards), paravirt steal accounting detection, the thread steal
 * estimate, host vCPU run/steal/halt, event names. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_evtab.h"
#include "pv_fs.h"
#include "pv_schedstat.h"
#include "pv_virt_proc.h"
#include "steal_acc.h"
#include "steal_events.h"
#include "steal_guest.h"
#include "steal_vcpu.h"
#include "steal_procstat.h"
#include "steal_pvacct.h"
#include "steal_sample.h"

static void use_proc(const char *scenario)
{
	pv_check_use_fixture(scenario, PV_CHECK_PROC);
}

/* Reads <scenario>/proc/stat through the kept-open reader. */
static void load(const char *scenario, struct steal_procstat *ps)
{
	struct pv_procstat_file f;

	use_proc(scenario);
	ck_assert_int_eq(pv_procstat_open(&f, 0), 0);
	ck_assert_int_eq(steal_procstat_read(&f, ps), 0);
	pv_procstat_close(&f);
}

/* ---- accumulator ---- */

START_TEST(acc_never_negative)
{
	struct steal_acc a;

	steal_acc_start(&a, 100);
	ck_assert_uint_eq(steal_acc_feed(&a, 150), 50);
	ck_assert_uint_eq(steal_acc_feed(&a, 120), 0); /* backwards: re-base */
	ck_assert_uint_eq(a.backwards, 1);
	ck_assert_uint_eq(steal_acc_feed(&a, 130), 10);
	ck_assert_uint_eq(a.total, 60);
}
END_TEST

/* ---- /proc/stat ---- */

START_TEST(procstat_basic)
{
	struct steal_procstat ps;
	int from_sum = -1;

	steal_procstat_init(&ps);
	load("steal-basic", &ps);
	ck_assert_uint_eq(ps.present, 2);
	ck_assert_uint_eq(ps.malformed, 0);
	ck_assert_uint_eq(steal_procstat_total_steal(&ps, &from_sum), 3099);
	ck_assert_int_eq(from_sum, 0);
	ck_assert_uint_eq(steal_procstat_get(&ps, 0)->steal, 1498);
	ck_assert_uint_eq(steal_procstat_get(&ps, 1)->steal, 1601);
	/* busy = user + nice + system + irq + softirq */
	ck_assert_uint_eq(steal_procstat_get(&ps, 1)->busy, 2134 + 2773 + 197);
	ck_assert_uint_eq(steal_procstat_get(&ps, 1)->idle, 815605 + 648);
	ck_assert_ptr_null(steal_procstat_get(&ps, 2));
	ck_assert_ptr_null(steal_procstat_get(&ps, -1));
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(procstat_offline_gap_matched_by_name)
{
	struct steal_procstat ps;

	steal_procstat_init(&ps);
	load("steal-offline-t0", &ps);
	ck_assert_ptr_nonnull(steal_procstat_get(&ps, 0));
	ck_assert_ptr_null(steal_procstat_get(&ps, 1)); /* offline: a gap, not a shift */
	ck_assert_uint_eq(steal_procstat_get(&ps, 2)->steal, 200);
	ck_assert_uint_eq(steal_procstat_get(&ps, 3)->steal, 300);
	ck_assert_uint_eq(ps.ncpu, 4);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(procstat_many_cpus)
{
	struct steal_procstat ps;
	uint64_t sum = 0;

	steal_procstat_init(&ps);
	load("steal-many", &ps);
	ck_assert_uint_eq(ps.present, 384);
	ck_assert_uint_eq(ps.ncpu, 511); /* cpu511 is offline (511 % 4 == 3) */
	for (int i = 0; i < 512; i++) {
		const struct steal_cpustat *c = steal_procstat_get(&ps, i);

		if (i % 4 == 3) {
			ck_assert_ptr_null(c);
			continue;
		}
		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(c->steal, (uint64_t)i * 3);
		sum += c->steal;
	}
	ck_assert_uint_eq(steal_procstat_total_steal(&ps, NULL), sum);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(procstat_malformed_lines_skipped)
{
	struct steal_procstat ps;
	int from_sum = 0;

	steal_procstat_init(&ps);
	load("steal-malformed", &ps);
	ck_assert_uint_eq(ps.malformed, 4); /* short, 1x, cpuX, duplicate cpu0 */
	ck_assert_int_eq(ps.first_bad_line, 2);
	ck_assert_uint_eq(steal_procstat_get(&ps, 0)->steal, 7); /* first cpu0 kept */
	ck_assert_ptr_null(steal_procstat_get(&ps, 1));
	ck_assert_ptr_null(steal_procstat_get(&ps, 2));
	ck_assert_uint_eq(steal_procstat_get(&ps, 3)->steal, 11); /* no guest columns */
	ck_assert_uint_eq(steal_procstat_get(&ps, 4)->steal, 13); /* an extra column */
	/* no "cpu " line: the sum of the per-CPU lines */
	ck_assert_uint_eq(steal_procstat_total_steal(&ps, &from_sum), 31);
	ck_assert_int_eq(from_sum, 1);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(procstat_no_cpu_line)
{
	struct steal_procstat ps;
	struct pv_procstat_file f;

	steal_procstat_init(&ps);
	use_proc("steal-nocpu");
	ck_assert_int_eq(pv_procstat_open(&f, 0), 0);
	ck_assert_int_eq(steal_procstat_read(&f, &ps), -EINVAL);
	pv_procstat_close(&f);
	ck_assert_int_eq(steal_procstat_parse("", &ps), -EINVAL);
	ck_assert_int_eq(steal_procstat_parse("cpu0 1 2 3\n", &ps), -EINVAL);
	ck_assert_int_eq(steal_procstat_parse("cpu99999 1 2 3 4 5 6 7 8\n", &ps), -EINVAL);
	/* a line without a newline at the end of the buffer */
	ck_assert_int_eq(steal_procstat_parse("cpu5 1 2 3 4 5 6 7 8", &ps), 0);
	ck_assert_uint_eq(steal_procstat_get(&ps, 5)->steal, 8);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(procstat_unreadable)
{
	struct pv_procstat_file f;

	setenv("PAPI_VIRT_PROCFS", "/nonexistent-papi-virt", 1);
	pv_config_reset();
	ck_assert_int_eq(pv_procstat_open(&f, 0), -ENOENT);
}
END_TEST

START_TEST(procstat_copy)
{
	struct steal_procstat a, b;

	steal_procstat_init(&a);
	steal_procstat_init(&b);
	load("steal-many", &a);
	ck_assert_int_eq(steal_procstat_copy(&b, &a), 0);
	load("steal-basic", &a);
	ck_assert_uint_eq(b.present, 384);
	ck_assert_uint_eq(steal_procstat_get(&b, 100)->steal, 300);
	ck_assert_uint_eq(a.present, 2);
	ck_assert_ptr_null(steal_procstat_get(&a, 100)); /* re-parse clears old CPUs */
	steal_procstat_free(&a);
	steal_procstat_free(&b);
}
END_TEST

/* ---- guest accounting: system steal ---- */

START_TEST(guest_total_and_cpu_deltas)
{
	struct steal_procstat ps;
	struct steal_guest g;

	steal_procstat_init(&ps);
	steal_guest_init(&g, 100, 1, 0);
	load("steal-basic", &ps);
	ck_assert_int_eq(steal_guest_start(&g, &ps, NULL), 0);
	ck_assert_uint_eq(steal_guest_total_ns(&g), 0);
	load("steal-basic-t1", &ps);
	ck_assert_int_eq(steal_guest_update(&g, &ps, NULL), 0);
	ck_assert_uint_eq(steal_guest_total_ns(&g), 250 * 10000000ull);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 0), 100 * 10000000ull);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 1), 150 * 10000000ull);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 7), 0);
	steal_guest_free(&g);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(guest_offline_cpu_freezes)
{
	struct steal_procstat ps;
	struct steal_guest g;

	steal_procstat_init(&ps);
	steal_guest_init(&g, 100, 1, 0);
	load("steal-offline-t0", &ps);
	steal_guest_start(&g, &ps, NULL);
	load("steal-offline-t1", &ps); /* cpu2 offline */
	steal_guest_update(&g, &ps, NULL);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 0), 20 * 10000000ull);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 2), 0);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 3), 40 * 10000000ull);
	/* the total line keeps offline CPUs: it never drops */
	ck_assert_uint_eq(steal_guest_total_ns(&g), 60 * 10000000ull);
	load("steal-offline-t2", &ps); /* cpu2 back, cpu1 new */
	steal_guest_update(&g, &ps, NULL);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 2), 15 * 10000000ull);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 1), 0); /* first sight is a base */
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 3), 50 * 10000000ull);
	ck_assert_uint_eq(steal_guest_total_ns(&g), 100 * 10000000ull);
	steal_guest_free(&g);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(guest_backwards_never_negative)
{
	struct steal_procstat ps;
	struct steal_guest g;

	steal_procstat_init(&ps);
	steal_guest_init(&g, 100, 1, 0);
	load("steal-backwards-t0", &ps);
	steal_guest_start(&g, &ps, NULL);
	load("steal-backwards-t1", &ps);
	steal_guest_update(&g, &ps, NULL);
	ck_assert_uint_eq(steal_guest_total_ns(&g), 0);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 0), 10 * 10000000ull);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 1), 0);
	load("steal-backwards-t2", &ps);
	steal_guest_update(&g, &ps, NULL);
	ck_assert_uint_eq(steal_guest_total_ns(&g), 20 * 10000000ull);
	ck_assert_uint_eq(steal_guest_cpu_ns(&g, 1), 10 * 10000000ull);
	ck_assert_uint_eq(g.total.backwards, 1);
	steal_guest_free(&g);
	steal_procstat_free(&ps);
}
END_TEST

/* ---- guest accounting: thread estimate ---- */

/* cpu0: busy b ticks, steal s ticks since the base of zeros. */
static void one_cpu(struct steal_procstat *ps, uint64_t b, uint64_t s)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "cpu  %llu 0 0 0 0 0 0 %llu 0 0\ncpu0 %llu 0 0 0 0 0 0 %llu 0 0\n",
		 (unsigned long long)b, (unsigned long long)s, (unsigned long long)b,
		 (unsigned long long)s);
	ck_assert_int_eq(steal_procstat_parse(buf, ps), 0);
}

START_TEST(thread_estimate_kernel_excludes)
{
	struct steal_procstat ps;
	struct steal_guest g;
	struct steal_thread_sample t0 = { .cpu_ns = 0, .delay_ns = 0, .cpu = 0 }, t1 = { .cpu_ns = 500000000, .delay_ns = 7000, .cpu = 0 };

	steal_procstat_init(&ps);
	steal_guest_init(&g, 100, 1, 0);
	one_cpu(&ps, 0, 0);
	steal_guest_start(&g, &ps, &t0);
	one_cpu(&ps, 100, 50); /* 1 s busy, 0.5 s steal */
	steal_guest_update(&g, &ps, &t1);
	/* thread ran 0.5 of 1 s busy -> half of 0.5 s steal */
	ck_assert_uint_eq(steal_guest_thread_steal_ns(&g), 250000000ull);
	ck_assert_uint_eq(steal_guest_virt_ns(&g), 500000000ull);
	ck_assert_uint_eq(steal_guest_comp_ns(&g), 500000000ull); /* nothing subtracted */
	ck_assert_uint_eq(steal_guest_delay_ns(&g), 7000);
	steal_guest_free(&g);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(thread_estimate_subtracted_once)
{
	struct steal_procstat ps;
	struct steal_guest g;
	struct steal_thread_sample t0 = { .cpu_ns = 0, .delay_ns = 0, .cpu = 0 }, t1 = { .cpu_ns = 500000000, .delay_ns = 0, .cpu = 0 }, t2 = { .cpu_ns = 1500000000, .delay_ns = 0, .cpu = 0 };

	steal_procstat_init(&ps);
	steal_guest_init(&g, 100, 0, 0);
	one_cpu(&ps, 0, 0);
	steal_guest_start(&g, &ps, &t0);
	one_cpu(&ps, 100, 50);
	steal_guest_update(&g, &ps, &t1);
	/* task time includes steal: share = 0.5 / (1 + 0.5) */
	ck_assert_uint_eq(steal_guest_thread_steal_ns(&g), 166666666ull);
	ck_assert_uint_eq(steal_guest_comp_ns(&g), 500000000ull - 166666666ull);
	/* the thread owns the CPU: all of its steal, capped at the CPU's */
	one_cpu(&ps, 100, 50);
	steal_guest_update(&g, &ps, &t2);
	ck_assert_uint_eq(steal_guest_thread_steal_ns(&g), 500000000ull);
	ck_assert_uint_eq(steal_guest_comp_ns(&g), 1000000000ull);
	ck_assert(steal_guest_comp_ns(&g) <= steal_guest_virt_ns(&g));
	steal_guest_free(&g);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(thread_estimate_migration_split)
{
	struct steal_procstat ps;
	struct steal_guest g;
	struct steal_thread_sample t0 = { .cpu_ns = 0, .delay_ns = 0, .cpu = 0 }, t1 = { .cpu_ns = 400000000, .delay_ns = 0, .cpu = 1 };

	steal_procstat_init(&ps);
	steal_guest_init(&g, 100, 1, 0);
	ck_assert_int_eq(steal_procstat_parse("cpu0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0\n", &ps), 0);
	steal_guest_start(&g, &ps, &t0);
	/* cpu0: 1 s busy, 0.4 s steal; cpu1: 1 s busy, no steal */
	ck_assert_int_eq(steal_procstat_parse("cpu0 100 0 0 0 0 0 0 40\ncpu1 100 0 0 0 0 0 0 0\n", &ps), 0);
	steal_guest_update(&g, &ps, &t1);
	/* moved 0 -> 1: 0.2 s on each; 0.2/1 of cpu0's 0.4 s */
	ck_assert_uint_eq(steal_guest_thread_steal_ns(&g), 80000000ull);
	steal_guest_free(&g);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(thread_estimate_monotonic)
{
	struct steal_procstat ps;
	struct steal_guest g;
	struct steal_thread_sample t0 = { .cpu_ns = 0, .delay_ns = 0, .cpu = 0 }, t1 = { .cpu_ns = 500000000, .delay_ns = 0, .cpu = 0 }, t2 = { .cpu_ns = 510000000, .delay_ns = 0, .cpu = 0 };
	uint64_t est;

	steal_procstat_init(&ps);
	steal_guest_init(&g, 100, 0, 0);
	one_cpu(&ps, 0, 0);
	steal_guest_start(&g, &ps, &t0);
	one_cpu(&ps, 100, 50);
	steal_guest_update(&g, &ps, &t1);
	est = steal_guest_thread_steal_ns(&g);
	/* the CPU then ran others: the recomputed share drops, the value does not */
	one_cpu(&ps, 1000, 50);
	steal_guest_update(&g, &ps, &t2);
	ck_assert_uint_eq(steal_guest_thread_steal_ns(&g), est);
	ck_assert_uint_ge(steal_guest_comp_ns(&g), 500000000ull - est);
	steal_guest_free(&g);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(thread_exact_interval)
{
	struct steal_procstat ps;
	struct steal_guest g;
	/* runnable throughout (no voluntary switch): 10 s wall, 7 s CPU, 2 s queued */
	struct steal_thread_sample t0 = { 0, 0, 0, 1000000000ull, 5, 1 },
				   t1 = { 7000000000ull, 2000000000ull, 0, 11000000000ull, 5, 1 },
				   t2 = { 7500000000ull, 2000000000ull, 0, 13000000000ull, 6, 1 };

	steal_procstat_init(&ps);
	steal_guest_init(&g, 100, 1, 1);
	one_cpu(&ps, 0, 0);
	steal_guest_start(&g, &ps, &t0);
	one_cpu(&ps, 700, 300);
	steal_guest_update(&g, &ps, &t1);
	ck_assert_uint_eq(steal_guest_thread_steal_ns(&g), 1000000000ull); /* exact: 10 - 7 - 2 */
	ck_assert_uint_eq(g.exact_intervals, 1);
	/* it slept (nvcsw moved): the per-CPU estimate for that interval */
	one_cpu(&ps, 800, 300);
	steal_guest_update(&g, &ps, &t2);
	ck_assert_uint_eq(g.est_intervals, 1);
	ck_assert_uint_eq(steal_guest_thread_steal_ns(&g), 1000000000ull + 3000000000ull * 500 / 8000);
	/* never exact when the kernel does not exclude steal */
	steal_guest_free(&g);
	steal_guest_init(&g, 100, 0, 1);
	ck_assert_int_eq(g.exact_ok, 0);
	steal_guest_free(&g);
	steal_procstat_free(&ps);
}
END_TEST

START_TEST(thread_sampler_fixture_schedstat)
{
	struct steal_sampler s;
	struct steal_thread_sample t;
	const char *what = NULL;

	use_proc("steal-basic");
	ck_assert_int_eq(steal_sampler_open(&s, 1, 1, 1000000, &what), 0);
	ck_assert_int_eq(steal_sampler_thread(&s, &t), 0);
	ck_assert_uint_eq(t.delay_ns, 10757954ull);
	ck_assert_int_ge(t.cpu, 0);
	ck_assert_int_eq(t.has_nvcsw, 1);
	ck_assert_uint_gt(t.wall_ns, 0);
	steal_sampler_close(&s);
	use_proc("steal-nocpu");
	ck_assert_int_eq(steal_sampler_open(&s, 0, 1, 1000000, &what), -ENOENT);
	ck_assert_str_eq(what, "thread-self/schedstat");
}
END_TEST

START_TEST(sampler_cache_window)
{
	struct steal_sampler s;
	const struct steal_procstat *ps;

	use_proc("steal-basic");
	ck_assert_int_eq(steal_sampler_open(&s, 1, 0, 10000000000ull, NULL), 0);
	ck_assert_int_eq(steal_sampler_sys(&s, 1, &ps), 0);
	ck_assert_int_eq(steal_sampler_sys(&s, 0, &ps), 0);
	ck_assert_uint_eq(s.reads, 1);
	ck_assert_uint_eq(s.cache_hits, 1);
	ck_assert_int_eq(steal_sampler_sys(&s, 1, &ps), 0); /* fresh bypasses it */
	ck_assert_uint_eq(s.reads, 2);
	steal_sampler_close(&s);
	ck_assert_int_eq(steal_sampler_open(&s, 1, 0, 0, NULL), 0);
	steal_sampler_sys(&s, 0, &ps);
	steal_sampler_sys(&s, 0, &ps);
	ck_assert_uint_eq(s.cache_hits, 0);
	steal_sampler_close(&s);
}
END_TEST

/* ---- paravirt steal accounting ---- */

START_TEST(pvacct_parsers)
{
	ck_assert_int_eq(steal_pvacct_cmdline_off("quiet no-steal-acc"), 1);
	ck_assert_int_eq(steal_pvacct_cmdline_off("no-steal-acc"), 1);
	ck_assert_int_eq(steal_pvacct_cmdline_off("xno-steal-acc quiet"), 0);
	ck_assert_int_eq(steal_pvacct_cmdline_off("no-steal-accounting"), 0);
	ck_assert_int_eq(steal_pvacct_cmdline_off("quiet -- no-steal-acc"), 0); /* init's argument */
	ck_assert_int_eq(steal_pvacct_config_on("CONFIG_A=y\nCONFIG_PARAVIRT_TIME_ACCOUNTING=y\n"), 1);
	ck_assert_int_eq(steal_pvacct_config_on("CONFIG_PARAVIRT_TIME_ACCOUNTING=y"), 1);
	ck_assert_int_eq(steal_pvacct_config_on("# CONFIG_PARAVIRT_TIME_ACCOUNTING is not set\n"), 0);
	ck_assert_int_eq(steal_pvacct_config_on("XCONFIG_PARAVIRT_TIME_ACCOUNTING=y\n"), 0);
	ck_assert_int_eq(steal_pvacct_config_on(""), 0);
}
END_TEST

START_TEST(pvacct_detect_fixtures)
{
	char src[PATH_MAX], boot[PATH_MAX];

	snprintf(boot, sizeof(boot), "%s/steal-pvacct-boot/boot", pv_check_fixtures());
	use_proc("steal-basic"); /* config.gz =y; "no-steal-acc" only after "--" */
	ck_assert_int_eq(steal_pvacct_detect(src, sizeof(src)), STEAL_PVACCT_KERNEL);
	ck_assert_ptr_nonnull(strstr(src, "steal-basic/proc/config.gz"));
	use_proc("steal-pvacct-cmdline");
	ck_assert_int_eq(steal_pvacct_detect(src, sizeof(src)), STEAL_PVACCT_CMDLINE_OFF);
	ck_assert_ptr_nonnull(strstr(src, "cmdline"));
	use_proc("steal-pvacct-off");
	ck_assert_int_eq(steal_pvacct_detect(src, sizeof(src)), STEAL_PVACCT_CONFIG_OFF);
	use_proc("steal-pvacct-boot");
	setenv("PAPI_VIRT_BOOTFS", boot, 1);
	pv_config_reset();
	ck_assert_int_eq(steal_pvacct_detect(src, sizeof(src)), STEAL_PVACCT_KERNEL);
	ck_assert_ptr_nonnull(strstr(src, "config-6.1.0-99-cloud-amd64"));
	ck_assert_int_eq(steal_pvacct_irqtime(), 0);
	/* a FIFO where the config should be: refused, never blocks */
	char fifo[PATH_MAX + 64], fdir[] = "/tmp/pvboot.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(fdir));
	snprintf(fifo, sizeof(fifo), "%s/config-6.1.0-99-cloud-amd64", fdir);
	pv_check_mkfifo(fifo);
	setenv("PAPI_VIRT_BOOTFS", fdir, 1);
	pv_config_reset();
	PV_CHECK_NEVER_BLOCKS(ck_assert_int_eq(steal_pvacct_detect(src, sizeof(src)), STEAL_PVACCT_UNKNOWN));
	unlink(fifo);
	rmdir(fdir);
	setenv("PAPI_VIRT_BOOTFS", "/nonexistent", 1);
	use_proc("steal-pvacct-none");
	ck_assert_int_eq(steal_pvacct_detect(src, sizeof(src)), STEAL_PVACCT_UNKNOWN);
	ck_assert_int_eq(steal_pvacct_irqtime(), 1); /* unknown: no exact path */
	ck_assert_str_eq(src, "");
	ck_assert(!steal_pvacct_excluded(STEAL_PVACCT_UNKNOWN));
	ck_assert_ptr_nonnull(strstr(steal_pvacct_describe(STEAL_PVACCT_KERNEL), "nothing is subtracted"));
}
END_TEST

/* ---- host vCPUs ---- */

START_TEST(vcpu_arithmetic)
{
	struct steal_vcpu v;
	struct pv_schedstat st = { 1000, 500, 1 };

	memset(&v, 0, sizeof(v));
	v.fd = -1;
	steal_vcpu_feed(&v, &st, 10000000000ull);
	st.run_ns = 1000 + 6000000000ull;
	st.delay_ns = 500 + 3000000000ull;
	steal_vcpu_feed(&v, &st, 20000000000ull);
	ck_assert_uint_eq(steal_vcpu_value(&v, STEAL_V_RUN), 6000000000ull);
	ck_assert_uint_eq(steal_vcpu_value(&v, STEAL_V_DELAY), 3000000000ull);
	ck_assert_uint_eq(steal_vcpu_value(&v, STEAL_V_HALT), 1000000000ull);
	/* a long wait is booked late: halt does not go back */
	st.delay_ns += 1500000000ull;
	steal_vcpu_feed(&v, &st, 21000000000ull);
	ck_assert_uint_eq(steal_vcpu_value(&v, STEAL_V_HALT), 1000000000ull);
	/* a counter going backwards adds nothing */
	st.run_ns = 5;
	steal_vcpu_feed(&v, &st, 22000000000ull);
	ck_assert_uint_eq(steal_vcpu_value(&v, STEAL_V_RUN), 6000000000ull);
}
END_TEST

START_TEST(vcpu_fixture_and_freeze)
{
	struct steal_vcpu v;

	use_proc("steal-host");
	ck_assert_int_eq(steal_vcpu_open(&v, 4242, 4243, 0), 0);
	ck_assert_int_eq(steal_vcpu_start(&v, 1000), 0);
	ck_assert_uint_eq(v.run.last, 6000000000ull);
	ck_assert_uint_eq(v.delay.last, 3000000000ull);
	ck_assert_int_eq(steal_vcpu_update(&v, 2000), 0);
	ck_assert_uint_eq(steal_vcpu_value(&v, STEAL_V_HALT), 1000);
	/* the thread goes away (a closed file reads as ESRCH): values freeze */
	steal_vcpu_close(&v);
	ck_assert_int_eq(steal_vcpu_update(&v, 5000), 0);
	ck_assert_int_eq(v.frozen, 1);
	ck_assert_uint_eq(steal_vcpu_value(&v, STEAL_V_HALT), 1000);
	ck_assert_int_eq(steal_vcpu_open(&v, 4242, 9999, 3), -ENOENT);
}
END_TEST

/* ---- event names ---- */

START_TEST(events_parse_names)
{
	struct steal_req r;
	char err[256], name[256];

	ck_assert_int_eq(steal_events_parse("STEAL_NS", &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.kind, STEAL_K_TOTAL);
	ck_assert_int_eq(steal_events_parse("STEAL_NS:cpu=3", &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.kind, STEAL_K_CPU);
	ck_assert_int_eq(r.cpu, 3);
	ck_assert_int_eq(steal_events_parse("VCPU_STEAL_NS:vm=web%20server:vcpu=0", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(r.vm, "web server");
	ck_assert_int_eq(r.vcpu, 0);
	/* raw spaces, '=', encoded ':' and UTF-8 */
	ck_assert_int_eq(steal_events_parse("VCPU_RUN_NS:vm=a b=c%3Ad\xc3\xa9", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(r.vm, "a b=c:d\xc3\xa9");
	ck_assert_int_eq(r.vcpu, -1);
	ck_assert_int_eq(steal_events_name(&r, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "VCPU_RUN_NS:vm=a%20b%3Dc%3Ad%C3%A9");
	ck_assert_int_eq(steal_events_parse("VCPU_HALT_NS:vm@x:vcpu@2", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(r.vm, "x");
	ck_assert_int_eq(r.vcpu, 2);
	/* round trip of the canonical name */
	ck_assert_int_eq(steal_events_parse(name, &r, err, sizeof(err)), 0);
	ck_assert_str_eq(r.vm, "a b=c:d\xc3\xa9");
}
END_TEST

START_TEST(events_parse_errors)
{
	struct steal_req r;
	char err[256];

	ck_assert_int_eq(steal_events_parse("NOPE_NS", &r, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "NOPE_NS"));
	ck_assert_int_eq(steal_events_parse("STEAL_NS:vm=x", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(steal_events_parse("VIRT_NS:cpu=0", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(steal_events_parse("VCPU_RUN_NS:vcpu=0", &r, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "needs vm="));
	ck_assert_int_eq(steal_events_parse("STEAL_NS:cpu=abc", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(steal_events_parse("STEAL_NS:cpu=99999", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(steal_events_parse("VCPU_RUN_NS:vm=x:vcpu=-1", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(steal_events_parse("VCPU_RUN_NS:vm=", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(steal_events_parse("VCPU_RUN_NS:vm=%zz", &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(steal_events_parse("VCPU_RUN_NS:vm", &r, err, sizeof(err)), -ENOENT);
}
END_TEST

START_TEST(events_table)
{
	struct pv_evtab t;
	struct steal_req r = { .kind = STEAL_K_CPU, .cpu = 5, .vcpu = -1 };
	unsigned code, code2, base;
	const struct pv_event *e;

	ck_assert_int_eq(pv_evtab_init(&t), 0);
	ck_assert_int_eq(steal_events_add_bases(&t, "CASE", 100), 0);
	ck_assert_uint_eq(pv_evtab_count(&t), 8);
	ck_assert_int_eq(pv_evtab_find(&t, "VIRT_NS_COMPENSATED", &code), 0);
	ck_assert_ptr_nonnull(strstr(pv_evtab_get(&t, code)->desc, "CASE"));
	ck_assert_int_eq(pv_evtab_find(&t, "STEAL_NS", &base), 0);
	ck_assert_ptr_nonnull(strstr(pv_evtab_get(&t, base)->desc, "USER_HZ=100"));
	ck_assert_int_eq(steal_events_add(&t, &r, 1, NULL, &code), 0);
	ck_assert_int_eq(steal_events_add(&t, &r, 1, NULL, &code2), 0);
	ck_assert_uint_eq(code, code2);
	e = pv_evtab_get(&t, code);
	ck_assert_str_eq(e->name, "STEAL_NS:cpu=5");
	ck_assert_int_eq(e->base, (int)base);
	ck_assert_str_eq(e->units, "ns");
	struct steal_req h = { .kind = STEAL_K_VCPU_HALT, .cpu = -1, .vcpu = 1 };
	snprintf(h.vm, sizeof(h.vm), "my vm");
	ck_assert_int_eq(steal_events_add(&t, &h, 0, NULL, &code), 0);
	e = pv_evtab_get(&t, code);
	ck_assert_str_eq(e->name, "VCPU_HALT_NS:vm=my%20vm:vcpu=1");
	struct steal_req back;
	steal_events_req(e, &back);
	ck_assert_str_eq(back.vm, "my vm");
	ck_assert_int_eq(back.vcpu, 1);
	ck_assert_int_eq(back.kind, STEAL_K_VCPU_HALT);
	/* a name too long for PAPI's 128 characters */
	memset(h.vm, 0xc3, 100);
	h.vm[100] = 0;
	ck_assert_int_eq(steal_events_add(&t, &h, 0, NULL, &code), -ENAMETOOLONG);
	pv_evtab_destroy(&t);
}
END_TEST

/* The table is built before the kernel config is probed (the probe waits
 * for a description or an event that needs it): both VIRT bases get the
 * sentence later, the others keep theirs. */
START_TEST(events_pvacct_later)
{
	struct pv_evtab t;
	unsigned virt, comp, total;
	char before[PV_EV_DESC_MAX];

	ck_assert_int_eq(pv_evtab_init(&t), 0);
	ck_assert_int_eq(steal_events_add_bases(&t, NULL, 100), 0);
	ck_assert_uint_eq(pv_evtab_count(&t), steal_events_nbases());
	ck_assert_int_eq(pv_evtab_find(&t, "VIRT_NS", &virt), 0);
	ck_assert_int_eq(pv_evtab_find(&t, "VIRT_NS_COMPENSATED", &comp), 0);
	ck_assert_int_eq(pv_evtab_find(&t, "STEAL_NS", &total), 0);
	ck_assert_ptr_nonnull(strstr(pv_evtab_get(&t, comp)->desc, "not probed yet"));
	snprintf(before, sizeof(before), "%s", pv_evtab_get(&t, total)->desc);
	ck_assert_int_eq(steal_events_set_pvacct(&t, "THE CASE"), 0);
	ck_assert_ptr_nonnull(strstr(pv_evtab_get(&t, virt)->desc, "THE CASE."));
	ck_assert_ptr_nonnull(strstr(pv_evtab_get(&t, comp)->desc, "Case on this machine: THE CASE."));
	ck_assert_ptr_null(strstr(pv_evtab_get(&t, comp)->desc, "not probed yet"));
	ck_assert_str_eq(pv_evtab_get(&t, total)->desc, before);
	pv_evtab_destroy(&t);
}
END_TEST

PV_CHECK_MAIN("steal",
	acc_never_negative, procstat_basic, procstat_offline_gap_matched_by_name,
	procstat_many_cpus, procstat_malformed_lines_skipped, procstat_no_cpu_line, procstat_unreadable,
	procstat_copy, guest_total_and_cpu_deltas, guest_offline_cpu_freezes,
	guest_backwards_never_negative, thread_estimate_kernel_excludes, thread_estimate_subtracted_once,
	thread_estimate_migration_split, thread_estimate_monotonic, thread_exact_interval,
	thread_sampler_fixture_schedstat, sampler_cache_window, pvacct_parsers, pvacct_detect_fixtures,
	vcpu_arithmetic, vcpu_fixture_and_freeze, events_parse_names, events_parse_errors, events_table,
	events_pvacct_later)
