/* Unit tests of vmpower's PAPI-free logic: attribution (exact conservation,
 * idle baseline, frozen VMs, HOST_OTHER), the power integrator and model,
 * configuration parsing, /proc/stat per package on the topology of fixture
 * vmpower-2pkg, perf scaling and probing, basis splitting, guest export,
 * event names. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_cgroup.h"
#include "pv_fs.h"
#include "pv_rapl.h"
#include "vmp_attr.h"
#include "vmp_basis.h"
#include "vmp_events.h"
#include "vmp_export.h"
#include "vmp_model.h"
#include "vmp_perf.h"
#include "vmp_procstat.h"
#include "pv_topo.h"

/* Checks both conservation laws on every package and in total. */
static void check_conservation(const struct vmp_attr *a)
{
	for (int p = -1; p < (int)a->npkg; p++) {
		struct vmp_attr_pkg h = vmp_attr_host(a, p);
		uint64_t vms = 0;
		for (size_t i = 0; i < a->nvm; i++)
			vms += vmp_attr_vm(a, i, p);
		ck_assert_uint_eq(vms + h.other, h.active);
		ck_assert_uint_eq(h.active + h.idle, h.energy);
	}
}

START_TEST(attr_basic_split)
{
	struct vmp_attr a;
	size_t s0, s1;
	ck_assert_int_eq(vmp_attr_init(&a, 1), 0);
	ck_assert_int_eq(vmp_attr_add_vm(&a, &s0), 0);
	ck_assert_int_eq(vmp_attr_add_vm(&a, &s1), 0);
	/* 10 J, 4 J idle, basis 3:1 of a host total of 8 -> 6 J active:
	 * VM0 6*3/8 = 2.25 J, VM1 0.75 J, other 3 J. */
	uint64_t b[2] = { 3, 1 };
	ck_assert_int_eq(vmp_attr_step(&a, 0, 10000000, 4000000, 8, b), 0);
	ck_assert_uint_eq(vmp_attr_vm(&a, s0, 0), 2250000);
	ck_assert_uint_eq(vmp_attr_vm(&a, s1, -1), 750000);
	struct vmp_attr_pkg h = vmp_attr_host(&a, 0);
	ck_assert_uint_eq(h.idle, 4000000);
	ck_assert_uint_eq(h.active, 6000000);
	ck_assert_uint_eq(h.other, 3000000);
	check_conservation(&a);
	vmp_attr_fini(&a);
}
END_TEST

START_TEST(attr_idle_above_energy_and_no_basis)
{
	struct vmp_attr a;
	size_t s;
	ck_assert_int_eq(vmp_attr_init(&a, 1), 0);
	ck_assert_int_eq(vmp_attr_add_vm(&a, &s), 0);
	uint64_t b[1] = { 5 };
	/* idle budget above the energy: all idle, nothing negative */
	ck_assert_int_eq(vmp_attr_step(&a, 0, 100, 1000, 10, b), 0);
	ck_assert_uint_eq(vmp_attr_host(&a, 0).idle, 100);
	ck_assert_uint_eq(vmp_attr_host(&a, 0).active, 0);
	/* nothing ran: active energy is HOST_OTHER */
	b[0] = 0;
	ck_assert_int_eq(vmp_attr_step(&a, 0, 500, 0, 0, b), 0);
	ck_assert_uint_eq(vmp_attr_host(&a, 0).other, 500);
	ck_assert_uint_eq(vmp_attr_vm(&a, s, -1), 0);
	/* VMs above the host total (sampling skew): denominator = VM sum,
	 * HOST_OTHER never goes negative */
	b[0] = 50;
	ck_assert_int_eq(vmp_attr_step(&a, 0, 1000, 0, 10, b), 0);
	ck_assert_uint_eq(vmp_attr_vm(&a, s, -1), 1000);
	ck_assert_uint_eq(vmp_attr_host(&a, 0).other, 500);
	ck_assert_int_eq(vmp_attr_step(&a, 3, 1, 0, 0, b), -EINVAL);
	check_conservation(&a);
	vmp_attr_fini(&a);
}
END_TEST

/* Many random intervals with awkward numbers and many VMs: conservation is
 * exact after each one, and rounding keeps each VM within 1 uJ per interval
 * of its exact real-valued share. */
START_TEST(attr_random_exact)
{
	struct vmp_attr a;
	enum { NVM = 70, NPKG = 3, STEPS = 2000 };
	double exact[NVM] = { 0 };
	ck_assert_int_eq(vmp_attr_init(&a, NPKG), 0);
	for (int i = 0; i < NVM; i++) {
		size_t s;
		ck_assert_int_eq(vmp_attr_add_vm(&a, &s), 0);
		ck_assert_uint_eq(s, (size_t)i);
	}
	srand(12345);
	for (int t = 0; t < STEPS; t++) {
		uint64_t b[NVM], sum = 0;
		unsigned p = (unsigned)(rand() % NPKG);
		for (int i = 0; i < NVM; i++) {
			b[i] = (i % 7 == 3) ? 0 : (uint64_t)rand() * 977u;
			sum += b[i];
		}
		uint64_t host = sum + (uint64_t)(rand() % 3) * (uint64_t)rand();
		uint64_t e = (uint64_t)rand() * 13u + 7;
		uint64_t idle = (uint64_t)rand() % (e + 1);
		ck_assert_int_eq(vmp_attr_step(&a, p, e, idle, host, b), 0);
		uint64_t denom = host > sum ? host : sum;
		for (int i = 0; i < NVM; i++)
			exact[i] += (double)(e - idle) * (double)b[i] / (double)denom;
		if (t % 97 == 0)
			check_conservation(&a);
	}
	check_conservation(&a);
	for (int i = 0; i < NVM; i++) {
		double got = (double)vmp_attr_vm(&a, (size_t)i, -1);
		ck_assert_msg(got - exact[i] < STEPS && exact[i] - got < STEPS, "vm %d: %f vs %f", i, got, exact[i]);
		if (i % 7 == 3)
			ck_assert_uint_eq(vmp_attr_vm(&a, (size_t)i, -1), 0); /* frozen: nothing */
	}
	vmp_attr_fini(&a);
}
END_TEST

START_TEST(attr_huge_values_no_overflow)
{
	struct vmp_attr a;
	size_t s;
	ck_assert_int_eq(vmp_attr_init(&a, 1), 0);
	ck_assert_int_eq(vmp_attr_add_vm(&a, &s), 0);
	uint64_t b[1] = { UINT64_MAX / 2 };
	ck_assert_int_eq(vmp_attr_step(&a, 0, UINT64_MAX / 4, 0, UINT64_MAX, b), 0);
	check_conservation(&a);
	ck_assert_uint_eq(vmp_attr_vm(&a, s, 0), UINT64_MAX / 8);
	vmp_attr_fini(&a);
	ck_assert_int_eq(vmp_attr_init(&a, 0), -EINVAL);
	ck_assert_int_eq(vmp_attr_init(&a, VMP_MAX_PKGS + 1), -EINVAL);
}
END_TEST

START_TEST(integrator_no_drift)
{
	struct vmp_integ g = { 0 };
	uint64_t sum = 0;
	/* 33.333333 W for 3 ms, 100000 times = 9999.9999 J */
	for (int i = 0; i < 100000; i++)
		sum += vmp_attr_integ_add(&g, 33333333, 3000000);
	ck_assert_uint_eq(sum, 9999999900ull);
	struct vmp_integ h = { 0 };
	ck_assert_uint_eq(vmp_attr_integ_add(&h, 1, 999999999), 0);
	ck_assert_uint_eq(vmp_attr_integ_add(&h, 1, 1), 1);
}
END_TEST

START_TEST(watts_and_model_parsing)
{
	uint64_t uw;
	ck_assert_int_eq(vmp_model_parse_watts("62.5", &uw), 0);
	ck_assert_uint_eq(uw, 62500000);
	ck_assert_int_eq(vmp_model_parse_watts("0", &uw), 0);
	ck_assert_uint_eq(uw, 0);
	ck_assert_int_eq(vmp_model_parse_watts("0.000001", &uw), 0);
	ck_assert_uint_eq(uw, 1);
	ck_assert_int_eq(vmp_model_parse_watts("0.0000001", &uw), -EINVAL);
	ck_assert_int_eq(vmp_model_parse_watts("-1", &uw), -EINVAL);
	ck_assert_int_eq(vmp_model_parse_watts("12W", &uw), -EINVAL);
	ck_assert_int_eq(vmp_model_parse_watts("", &uw), -EINVAL);
	ck_assert_int_eq(vmp_model_parse_watts("1.", &uw), -EINVAL);
	ck_assert_int_eq(vmp_model_parse_watts("100001", &uw), -ERANGE);

	struct vmp_model m;
	char err[256];
	ck_assert_int_eq(vmp_model_parse("idle=60,max=200", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m.idle_uw, 60000000);
	ck_assert_uint_eq(m.max_uw, 200000000);
	ck_assert_int_eq(vmp_model_parse("model=linear,max=10.5,idle=2", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m.idle_uw, 2000000);
	ck_assert_int_eq(vmp_model_parse("idle=60", &m, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "both idle= and max="));
	ck_assert_int_eq(vmp_model_parse("idle=60,max=20", &m, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "below idle"));
	ck_assert_int_eq(vmp_model_parse("idle=60,max=2x0", &m, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "max='2x0'"));
	ck_assert_int_eq(vmp_model_parse("idle=1,max=2,model=cubic", &m, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(vmp_model_parse("idle=1,max=2,foo=3", &m, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(vmp_model_parse("", &m, err, sizeof(err)), -EINVAL);
	/* out of range is not a syntax error; a repeated key is refused */
	ck_assert_int_eq(vmp_model_parse("idle=1000000,max=2000000", &m, err, sizeof(err)), -ERANGE);
	ck_assert_msg(strstr(err, "idle='1000000' is out of range (at most 100000 W)") != NULL, "%s", err);
	ck_assert_int_eq(vmp_model_parse("idle=10,max=50,idle=20", &m, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "'idle' is given twice (second value '20')") != NULL, "%s", err);
	ck_assert_int_eq(vmp_model_parse("idle=10,max=50,model=linear,model=linear", &m, err, sizeof(err)), -EINVAL);

	struct vmp_model lin = { 60000000, 200000000 };
	ck_assert_uint_eq(vmp_model_power_uw(&lin, 0, 100), 60000000);
	ck_assert_uint_eq(vmp_model_power_uw(&lin, 50, 100), 130000000);
	ck_assert_uint_eq(vmp_model_power_uw(&lin, 100, 100), 200000000);
	ck_assert_uint_eq(vmp_model_power_uw(&lin, 200, 100), 200000000);
	ck_assert_uint_eq(vmp_model_power_uw(&lin, 0, 0), 60000000);

	struct vmp_idle_cfg c;
	ck_assert_int_eq(vmp_model_idle_parse(NULL, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.measured, 1);
	ck_assert_int_eq(vmp_model_idle_parse("auto", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.measured, 1);
	ck_assert_int_eq(vmp_model_idle_parse("25", &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(vmp_model_idle_uw(&c, 5), 25000000);
	ck_assert_int_eq(vmp_model_idle_parse("10,20.5", &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(vmp_model_idle_uw(&c, 1), 20500000);
	ck_assert_int_eq(vmp_model_idle_parse("10,x", &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'x'"));
}
END_TEST

START_TEST(topology_and_procstat)
{
	/* the cpulist parser's assertions are in test_pv_cpus.c */
	pv_check_use_fixture("vmpower-2pkg", PV_CHECK_PROC | PV_CHECK_SYS);
	/* the topology itself (CPUs 0-1 in package 0, 2 and 4 in package 1,
	 * 3 offline) is asserted in test_pv_topo.c */
	struct pv_topo t;
	ck_assert_int_eq(pv_topo_read(&t, NULL, 0), 0);

	struct vmp_pkgstat ps;
	struct pv_procstat_file f = { .fd = -1 };
	ck_assert_int_eq(vmp_procstat_read(&f, &t, &ps), 0);
	pv_procstat_close(&f);
	/* USER_HZ of this machine converts ticks; the fixture is in ticks */
	uint64_t tick = 1000000000u / (uint64_t)sysconf(_SC_CLK_TCK);
	ck_assert_uint_eq(ps.busy_ns[0], 300 * tick);
	ck_assert_uint_eq(ps.total_ns[0], 1000 * tick);
	ck_assert_uint_eq(ps.busy_ns[1], 300 * tick); /* cpu3 offline: ignored */
	ck_assert_uint_eq(ps.total_ns[1], 990 * tick);
	ck_assert_int_eq(vmp_procstat_parse("intr 1 2\n", &t, 100, &ps), -EINVAL);

	/* Basis split by allowed CPUs: pid 4242 is pinned to package 1. */
	struct vmp_basis b;
	pid_t tid = 0x3fffffff; /* above any pid_max: no such thread */
	struct vmp_basis_target tg = { .cgroup_dir = "fs/cgroup/machine/vm1", .pid = 4242, .tids = &tid, .ntids = 1 };
	/* cgroup perf fails on a fixture directory (not a cgroup), the
	 * thread does not exist: cpu.stat is the source left */
	ck_assert_int_eq(vmp_basis_open(&b, VMP_NS, &t, &tg), 0);
	ck_assert_int_eq(b.mode, VMP_B_CPUSTAT);
	ck_assert_int_ne(b.open_err, 0);
	ck_assert_uint_eq(b.weight[0], 0);
	ck_assert_uint_eq(b.weight[1], 2);
	ck_assert_uint_eq(b.stat_last, 1500000);
	vmp_basis_split(&b, 1000);
	ck_assert_uint_eq(b.cum[1], 1000);
	ck_assert_uint_eq(b.total, 1000);
	ck_assert_int_eq(vmp_basis_read(&b), 0); /* unchanged file: no step */
	ck_assert_uint_eq(b.total, 1000);
	vmp_basis_close(&b);
	/* cycles have no cpu.stat fallback */
	ck_assert_int_lt(vmp_basis_open(&b, VMP_CYCLES, &t, &tg), 0);
	ck_assert_int_eq(b.mode, VMP_B_NONE);
	vmp_basis_close(&b);
	pv_topo_free(&t);
}
END_TEST

START_TEST(basis_helpers)
{
	/* cpu.stat as the basis reads it (pv_cgroup) */
	struct pv_cpustat cs;
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec 12\nuser_usec 1\n", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 12000);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("user_usec 1\nusage_usec 7", &cs), 0);
	ck_assert_uint_eq(cs.usage_ns, 7000);
	ck_assert_int_eq(pv_cgroup_parse_cpustat("user_usec 1\n", &cs), 0);
	ck_assert(!(cs.have & PV_CG_USAGE));
	ck_assert_int_eq(pv_cgroup_parse_cpustat("usage_usec x\n", &cs), -EINVAL);

	struct vmp_basis b;
	memset(&b, 0, sizeof(b));
	b.npkg = 3;
	b.weight[0] = 1;
	b.weight[1] = 1;
	b.weight[2] = 1;
	vmp_basis_split(&b, 10);
	ck_assert_uint_eq(b.cum[0] + b.cum[1] + b.cum[2], 10);
	ck_assert_uint_eq(b.total, 10);
	ck_assert_uint_eq(b.cum[0], 4); /* the remainder goes to one package */
}
END_TEST

START_TEST(perf_scaling_and_probe)
{
	ck_assert_uint_eq(vmp_perf_scale(100, 10, 10), 100);
	ck_assert_uint_eq(vmp_perf_scale(100, 20, 10), 200);
	ck_assert_uint_eq(vmp_perf_scale(100, 20, 0), 0);
	ck_assert_uint_eq(vmp_perf_scale(UINT64_MAX / 2, 4, 2), UINT64_MAX - 1);

	/* This machine: CPU time always works, cycles may not; the reason
	 * must then name the counter and the errno. */
	char why[256];
	ck_assert_int_eq(vmp_perf_probe(VMP_NS, why, sizeof(why)), 0);
	int rc = vmp_perf_probe(VMP_CYCLES, why, sizeof(why));
	if (rc < 0) {
		ck_assert_ptr_nonnull(strstr(why, "PERF_COUNT_HW_CPU_CYCLES"));
		ck_assert_ptr_nonnull(strstr(why, strerror(-rc)));
	}
	/* A task-clock counter on ourselves grows and stays monotonic. */
	int fd = vmp_perf_open(VMP_NS, VMP_SCOPE_THREAD, 0, -1);
	ck_assert_int_ge(fd, 0);
	uint64_t v = 0, prev;
	volatile uint64_t x = 0;
	for (int i = 0; i < 20000000; i++)
		x += (uint64_t)i;
	ck_assert_int_eq(vmp_perf_read(fd, &v), 0);
	ck_assert_uint_gt(v, 1000000); /* > 1 ms of CPU */
	prev = v;
	ck_assert_int_eq(vmp_perf_read(fd, &v), 0);
	ck_assert_uint_ge(v, prev);
	close(fd);
}
END_TEST

static void read_file(const char *dir, const char *name, char *buf, size_t len)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, (int)len, f));
	fclose(f);
}

/* energy_uj is blank-padded to a fixed width: parse it as readers do. */
static uint64_t energy_of(const char *zone)
{
	char buf[128];
	uint64_t v = 0;
	read_file(zone, "energy_uj", buf, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), VMP_EXPORT_WIDTH + 1);
	ck_assert_int_eq(pv_parse_u64(buf, &v), 0);
	return v;
}

START_TEST(export_files)
{
	char buf[128], zone[PATH_MAX];
	struct vmp_export_vm e;
	const char *uuid = "0b9d7c1e-1111-2222-3333-444455556666";

	char root[PATH_MAX];
	snprintf(root, sizeof(root), "%s/a/b", pv_check_tmp_root());
	ck_assert_int_eq(vmp_export_vm_open(&e, root, uuid, "web server:ü", 1000), 0);
	snprintf(zone, sizeof(zone), "%s/%s/class/powercap/intel-rapl:0", root, uuid);
	read_file(zone, "name", buf, sizeof(buf));
	ck_assert_str_eq(buf, "package-0\n");
	read_file(zone, "max_energy_range_uj", buf, sizeof(buf));
	ck_assert_str_eq(buf, "1000\n");
	ck_assert_uint_eq(energy_of(zone), 0);
	ck_assert_int_eq(vmp_export_vm_write(&e, 999), 0);
	ck_assert_uint_eq(energy_of(zone), 999);
	ck_assert_int_eq(vmp_export_vm_write(&e, 1003), 0); /* wraps like RAPL */
	ck_assert_uint_eq(energy_of(zone), 2);
	char vmdir[PATH_MAX * 2];
	snprintf(vmdir, sizeof(vmdir), "%s/%s", root, uuid);
	read_file(vmdir, "vm_name", buf, sizeof(buf));
	ck_assert_str_eq(buf, "web server:ü\n");
	/* no temporary file left behind, and the file kept its inode (readers
	 * keep it open) */
	char tmpf[PATH_MAX * 2];
	snprintf(tmpf, sizeof(tmpf), "%s/.energy_uj.tmp", zone);
	ck_assert_int_ne(access(tmpf, F_OK), 0);
	/* a new exporter continues from the published value */
	struct vmp_export_vm e2;
	ck_assert_int_eq(vmp_export_vm_open(&e2, root, uuid, "x", 1000), 0);
	ck_assert_uint_eq(e2.base, 2);
	ck_assert_int_eq(vmp_export_vm_write(&e2, 10), 0);
	ck_assert_uint_eq(energy_of(zone), 12);
	vmp_export_vm_close(&e);
	vmp_export_vm_close(&e2);
	ck_assert_int_eq(vmp_export_vm_open(&e2, root, "../x", "x", 1000), -EINVAL);
	ck_assert_int_eq(vmp_export_vm_open(&e2, root, uuid, "x", 0), -EINVAL);
	pv_check_tmp_drop();
}
END_TEST

/* The guest side: a guest that mounts <export>/<uuid> and points
 * PAPI_VIRT_SYSFS at it reads its energy through pv_rapl (what rapl_vm
 * uses) as package 0, across the exporter's wraparound. */
START_TEST(export_read_by_guest_reader)
{
	char guest[PATH_MAX * 2], reason[PV_RAPL_REASON_MAX];
	const char *uuid = "7c3e1d2a-aaaa-bbbb-cccc-000000000001", *root = pv_check_tmp_root();
	struct vmp_export_vm e;
	struct pv_rapl *r;
	uint64_t uj0, uj1, uj2;

	ck_assert_int_eq(vmp_export_vm_open(&e, root, uuid, "g", 1000000), 0);
	ck_assert_int_eq(vmp_export_vm_write(&e, 999000), 0);
	snprintf(guest, sizeof(guest), "%s/%s", root, uuid);
	pv_check_use_root(PV_CHECK_SYS, guest);
	ck_assert_msg(pv_rapl_open(PV_RAPL_NO_PERF, &r, reason, sizeof(reason)) == 0, "%s", reason);
	ck_assert_int_eq(pv_rapl_npackages(r), 1);
	ck_assert_int_eq(pv_rapl_read_package(r, 0, &uj0), 0);
	ck_assert_int_eq(vmp_export_vm_write(&e, 1000500), 0); /* wraps: file shows 499 */
	ck_assert_int_eq(pv_rapl_read_package(r, 0, &uj1), 0);
	ck_assert_uint_eq(uj1 - uj0, 1500);                    /* the guest sees +1500 uJ */
	ck_assert_int_eq(vmp_export_vm_write(&e, 1250000), 0);
	ck_assert_int_eq(pv_rapl_read_package(r, 0, &uj2), 0);
	ck_assert_uint_eq(uj2 - uj0, 251000);
	pv_rapl_close(r);
	vmp_export_vm_close(&e);
	pv_check_tmp_drop();
}
END_TEST

START_TEST(event_names)
{
	struct vmp_events_ctx c;
	struct vmp_req r;
	char err[512], name[256];

	memset(&c, 0, sizeof(c));
	c.info.unit = VMP_NS;
	snprintf(c.info.unit_why, sizeof(c.info.unit_why), "perf_event_open(PERF_COUNT_HW_CPU_CYCLES): No such file");
	c.info.energy = VMP_E_RAPL;
	c.info.npkg = 2;
	ck_assert_int_eq(vmp_events_parse(&c, "VM_ENERGY_UJ:vm=a%3Ab c=d é:pkg=1", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(r.vm, "a:b c=d é");
	ck_assert_int_eq(r.pkg, 1);
	ck_assert_int_eq(vmp_events_name(&r, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "VM_ENERGY_UJ:vm=a%3Ab%20c%3Dd%20%C3%A9:pkg=1");
	/* '@' form for the high-level API's "=instant" */
	ck_assert_int_eq(vmp_events_parse(&c, "VM_POWER_W:vm@beta", &r, err, sizeof(err)), 0);
	ck_assert_str_eq(r.vm, "beta");
	ck_assert_int_eq(vmp_events_parse(&c, "VM_CYCLES:vm=a", &r, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "PERF_COUNT_HW_CPU_CYCLES"));
	ck_assert_int_eq(vmp_events_parse(&c, "HOST_ENERGY_UJ:pkg=2", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(vmp_events_parse(&c, "HOST_ENERGY_UJ:vm=a", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(vmp_events_parse(&c, "NOPE", &r, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(vmp_events_parse(&c, "VM_ENERGY_UJ:vm=%zz", &r, err, sizeof(err)), -EINVAL);
	c.info.energy = VMP_E_NONE;
	snprintf(c.info.energy_why, sizeof(c.info.energy_why), "no energy events: no RAPL");
	ck_assert_int_eq(vmp_events_parse(&c, "VM_ENERGY_UJ:vm=a", &r, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "no RAPL"));
	ck_assert_int_eq(vmp_events_parse(&c, "VM_CPU_TIME_NS:vm=a", &r, err, sizeof(err)), 0);

	/* The table: bases present per host capability, descriptions say
	 * which basis and energy source. */
	struct pv_evtab t;
	unsigned code;
	ck_assert_int_eq(pv_evtab_init(&t), 0);
	c.info.energy = VMP_E_MODEL;
	snprintf(c.info.energy_why, sizeof(c.info.energy_why), "ESTIMATED by PAPI_VIRT_POWER_MODEL=idle=1,max=2");
	ck_assert_int_eq(vmp_events_add_bases(&c, &t), 0);
	ck_assert_int_eq(pv_evtab_find(&t, "VM_CYCLES", &code), -ENOENT);
	ck_assert_int_eq(pv_evtab_find(&t, "VM_ENERGY_UJ", &code), 0);
	const struct pv_event *e = pv_evtab_get(&t, code);
	ck_assert_ptr_nonnull(strstr(e->desc, "ESTIMATED"));
	ck_assert_ptr_nonnull(strstr(e->desc, "CPU time"));
	ck_assert_ptr_nonnull(strstr(e->desc, "cycles unavailable"));
	ck_assert_int_eq(vmp_events_parse(&c, "VM_SHARE_PCT:vm=x y", &r, err, sizeof(err)), 0);
	ck_assert_int_eq(vmp_events_add(&c, &t, &r, 3, 0, &code), 0);
	e = pv_evtab_get(&t, code);
	ck_assert_str_eq(e->name, "VM_SHARE_PCT:vm=x%20y");
	ck_assert_int_eq(e->arg[0], 3);
	ck_assert_int_eq(e->dtype, PV_F64);
	ck_assert_int_eq(e->vtype, PV_GAUGE);
	pv_evtab_destroy(&t);
}
END_TEST

PV_CHECK_MAIN("vmpower_logic",
	attr_basic_split, attr_idle_above_energy_and_no_basis, attr_random_exact,
	attr_huge_values_no_overflow, integrator_no_drift, watts_and_model_parsing, topology_and_procstat,
	basis_helpers, perf_scaling_and_probe, export_files, export_read_by_guest_reader, event_names)
