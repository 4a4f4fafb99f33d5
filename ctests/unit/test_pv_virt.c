/* Unit tests of pv_virt: procfs parsing and resolution against fixture trees
 * (ctests/fixtures/virt-*), identity rules of pv_virt_apply, and the
 * unreachable-daemon path of pv_virt_refresh. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pv_check.h"
#include "pv_schedstat.h"
#include "pv_virt.h"
#include "pv_virt_proc.h"

#define UA "84145c68-96f0-43ca-994b-04ed5ecc840c"
#define UB "0899975c-8ef9-4f46-b44d-2fa9fef2915d"
#define UC "11111111-2222-3333-4444-555555555555"
#define WEIRD "we ird: na=m\xc3\xa9 \xc3\xbc"

static void use_fixture(const char *scenario)
{
	pv_check_use_fixture(scenario, PV_CHECK_PROC | PV_CHECK_SYS);
}

/* ---- parsers ---- */

START_TEST(cmdline_uuid_forms)
{
	char u[PV_VIRT_UUID_STRLEN];
	static const char a[] = "qemu\0-name\0guest=x\0-uuid\0" UA "\0-m\0192";
	static const char b[] = "qemu\0--uuid\0" "0899975C-8EF9-4F46-B44D-2FA9FEF2915D";
	static const char c[] = "qemu\0-uuid=" UA;
	static const char d[] = "qemu\0--uuid=" UA "\0";

	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(a, sizeof(a), u), 0);
	ck_assert_str_eq(u, UA);
	/* no trailing NUL (truncated read), upper case */
	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(b, sizeof(b) - 1, u), 0);
	ck_assert_str_eq(u, UB);
	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(c, sizeof(c), u), 0);
	ck_assert_str_eq(u, UA);
	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(d, sizeof(d), u), 0);
	ck_assert_str_eq(u, UA);
}
END_TEST

START_TEST(cmdline_uuid_bad)
{
	char u[PV_VIRT_UUID_STRLEN] = "untouched";
	static const char none[] = "qemu\0-name\0-uuidx\0" UA;
	static const char noval[] = "qemu\0-uuid";
	static const char bad[] = "qemu\0-uuid\0" "84145c68-96f0-43ca-994b-04ed5ecc840";
	static const char dash[] = "qemu\0-uuid\0" "84145c68x96f0-43ca-994b-04ed5ecc840c";
	static const char hex[] = "qemu\0-uuid\0" "g4145c68-96f0-43ca-994b-04ed5ecc840c";

	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(none, sizeof(none), u), -ENOENT);
	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(noval, sizeof(noval), u), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(bad, sizeof(bad), u), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(dash, sizeof(dash), u), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_cmdline_uuid(hex, sizeof(hex), u), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_cmdline_uuid("", 0, u), -ENOENT);
	ck_assert_str_eq(u, "untouched");
}
END_TEST

START_TEST(vcpu_comm)
{
	int i = -7;

	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU 0/TCG", &i), 0);
	ck_assert_int_eq(i, 0);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU 13/KVM\n", &i), 0);
	ck_assert_int_eq(i, 13);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU 2/HVF", &i), 0);
	ck_assert_int_eq(i, 2);
	i = -7;
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("qemu-system-x86", &i), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU /TCG", &i), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU -1/TCG", &i), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU 1/", &i), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU 1/tcg", &i), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU 1/TCG x", &i), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("CPU 1 TCG", &i), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_vcpu_comm("", &i), -EINVAL);
	ck_assert_int_eq(i, -7);
}
END_TEST

START_TEST(stat_fields)
{
	uint64_t st = 42;

	ck_assert_int_eq(pv_virt_parse_stat_start_time(
		"4242 (qemu (x) 86) S 1 4242 4242 0 -1 4194560 100 0 0 0 700 300 0 0 20 0 4 0 123456 1000\n", &st), 0);
	ck_assert_uint_eq(st, 123456);
	ck_assert_int_eq(pv_virt_parse_stat_state("1 (a) b) Z 0"), 'Z');
	st = 42;
	ck_assert_int_eq(pv_virt_parse_stat_start_time("4242 (qemu) S 1 2 3\n", &st), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_stat_start_time("garbage\n", &st), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_stat_start_time(
		"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12a 1\n", &st), -EINVAL);
	ck_assert_uint_eq(st, 42);
	ck_assert_int_eq(pv_virt_parse_stat_state("garbage"), 0);
}
END_TEST

START_TEST(cgroup_and_mounts)
{
	char *p = NULL, *m = NULL, *r = NULL;

	ck_assert_int_eq(pv_virt_parse_cgroup_v2("1:cpu:/a\n0::/machine/x:y/emulator\n", &p), 0);
	ck_assert_str_eq(p, "/machine/x:y/emulator");
	free(p);
	ck_assert_int_eq(pv_virt_parse_cgroup_v2("1:cpu:/a\n", &p), -ENOENT);
	ck_assert_int_eq(pv_virt_parse_cgroup_v2("0::machine\n", &p), -EINVAL);
	ck_assert_int_eq(pv_virt_parse_cgroup_v2("", &p), -ENOENT);

	ck_assert_int_eq(pv_virt_parse_mountinfo_cgroup2(
		"30 1 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
		"42 30 0:38 /sub /mnt/c\\040g rw shared:1 master:3 - cgroup2 cgroup2 rw\n", &m, &r), 0);
	ck_assert_str_eq(m, "/mnt/c g");
	ck_assert_str_eq(r, "/sub");
	free(m);
	free(r);
	ck_assert_int_eq(pv_virt_parse_mountinfo_cgroup2("30 1 0:26 / /x rw - tmpfs t rw\nshort line\n", &m, &r),
			 -ENOENT);
	ck_assert_int_eq(pv_virt_parse_mounts_cgroup2("cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n", &m, &r), 0);
	ck_assert_str_eq(m, "/sys/fs/cgroup");
	ck_assert_str_eq(r, "/");
	free(m);
	free(r);
}
END_TEST

START_TEST(vm_cgroup_rule)
{
	char *c = NULL;

	ck_assert_int_eq(pv_virt_vm_cgroup_of("/machine/qemu-1-a.libvirt-qemu/emulator", &c), 0);
	ck_assert_str_eq(c, "/machine/qemu-1-a.libvirt-qemu");
	free(c);
	ck_assert_int_eq(pv_virt_vm_cgroup_of("/machine/qemu-1-a.libvirt-qemu", &c), 0);
	ck_assert_str_eq(c, "/machine/qemu-1-a.libvirt-qemu");
	free(c);
	ck_assert_int_eq(pv_virt_vm_cgroup_of("/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/libvirt", &c), 0);
	ck_assert_str_eq(c, "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/libvirt");
	free(c);
	/* Shared cgroups are not the VM's. */
	ck_assert_int_eq(pv_virt_vm_cgroup_of("/", &c), -ENOENT);
	ck_assert_int_eq(pv_virt_vm_cgroup_of("/user.slice/session-1.scope", &c), -ENOENT);
	ck_assert_int_eq(pv_virt_vm_cgroup_of("/emulator", &c), -ENOENT);
	ck_assert_int_eq(pv_virt_vm_cgroup_of("/x/libvirt", &c), -ENOENT);
}
END_TEST

/* ---- readers on fixtures ---- */

START_TEST(find_qemu_fixture)
{
	const char *uuids[] = { UA, "0899975C-8ef9-4f46-b44d-2fa9fef2915d", UC };
	pid_t pids[3] = { -1, -1, -1 };

	use_fixture("virt-host");
	ck_assert_int_eq(pv_virt_proc_find_qemu(uuids, 3, pids), 0);
	ck_assert_int_eq(pids[0], 4242);
	ck_assert_int_eq(pids[1], 5000);
	ck_assert_int_eq(pids[2], 0);
	setenv("PAPI_VIRT_PROCFS", "/nonexistent-procfs", 1);
	pv_config_reset();
	pids[0] = -1;
	ck_assert_int_eq(pv_virt_proc_find_qemu(uuids, 1, pids), -ENOENT);
	ck_assert_int_eq(pids[0], -1);
}
END_TEST

START_TEST(threads_fixture)
{
	struct pv_virt_vcpu *v = NULL;
	struct pv_virt_thread *o = NULL;
	size_t nv = 9, no = 9;

	use_fixture("virt-host");
	ck_assert_int_eq(pv_virt_proc_threads(4242, &v, &nv, &o, &no), 0);
	ck_assert_uint_eq(nv, 2);
	ck_assert_int_eq(v[0].index, 0);
	ck_assert_int_eq(v[0].tid, 4249);
	ck_assert_int_eq(v[1].index, 1);
	ck_assert_int_eq(v[1].tid, 4250);
	ck_assert_uint_eq(no, 3);
	ck_assert_int_eq(o[0].tid, 4242);
	ck_assert_str_eq(o[0].comm, "qemu-system-x86");
	ck_assert_str_eq(o[2].comm, "IO mon_iothread");
	free(v);
	free(o);
	ck_assert_int_eq(pv_virt_proc_threads(5000, &v, &nv, &o, &no), 0);
	ck_assert_uint_eq(nv, 1);
	ck_assert_int_eq(v[0].tid, 5003);
	free(v);
	free(o);
	/* vanished: empty task dir -> no threads; absent pid -> -ENOENT */
	ck_assert_int_eq(pv_virt_proc_threads(7000, &v, &nv, &o, &no), 0);
	ck_assert_uint_eq(nv + no, 0);
	ck_assert_int_eq(pv_virt_proc_threads(9999, &v, &nv, &o, &no), -ENOENT);
}
END_TEST

START_TEST(cgroup_fixture)
{
	char *c = NULL, *d = NULL;

	use_fixture("virt-host");
	ck_assert_int_eq(pv_virt_proc_vm_cgroup(4242, &c, &d), 0);
	ck_assert_str_eq(c, "/machine/qemu-1-weirdnam.libvirt-qemu");
	ck_assert_str_eq(d, "fs/cgroup/unified/machine/qemu-1-weirdnam.libvirt-qemu");
	free(c);
	free(d);
	/* path known, directory absent from sysfs */
	ck_assert_int_eq(pv_virt_proc_vm_cgroup(5000, &c, &d), 0);
	ck_assert_str_eq(c, "/machine/qemu-2-plain.libvirt-qemu");
	ck_assert_ptr_null(d);
	free(c);
	ck_assert_int_eq(pv_virt_proc_vm_cgroup(6001, &c, &d), -EINVAL);
	ck_assert_int_eq(pv_virt_proc_vm_cgroup(7000, &c, &d), -ENOENT);

	use_fixture("virt-purev2");
	ck_assert_int_eq(pv_virt_proc_vm_cgroup(3000, &c, &d), 0);
	ck_assert_str_eq(c, "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/libvirt");
	ck_assert_str_eq(d, "fs/cgroup/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/libvirt");
	free(c);
	free(d);

	use_fixture("virt-nocgroup");
	ck_assert_int_eq(pv_virt_proc_vm_cgroup(3000, &c, &d), -ENOENT);
	ck_assert_int_eq(pv_virt_proc_vm_cgroup(3001, &c, &d), -ENOENT);
}
END_TEST

START_TEST(alive_and_schedstat_fixture)
{
	struct pv_schedstat s;
	uint64_t st = 0;

	use_fixture("virt-host");
	ck_assert_int_eq(pv_virt_proc_start_time(4242, &st), 0);
	ck_assert_uint_eq(st, 123456);
	ck_assert_int_eq(pv_virt_proc_alive(4242, 123456), 1);
	ck_assert_int_eq(pv_virt_proc_alive(4242, 123457), 0);  /* pid reused */
	ck_assert_int_eq(pv_virt_proc_alive(9999, 1), 0);       /* gone */
	ck_assert_int_eq(pv_virt_proc_alive(7000, 1), 0);       /* vanished mid-way */
	ck_assert_int_eq(pv_virt_proc_alive(8000, 999), 0);     /* zombie */
	ck_assert_int_eq(pv_virt_proc_alive(6001, 1), -EINVAL); /* malformed stat */
	ck_assert_int_eq(pv_virt_proc_alive(0, 1), -ENOENT);
	ck_assert_int_eq(pv_schedstat_read(4242, 4249, &s), 0);
	ck_assert_uint_eq(s.run_ns, 7055537037ULL);
	ck_assert_int_eq(pv_schedstat_read(4242, 4250, &s), -EINVAL);
	ck_assert_int_eq(pv_schedstat_read(4242, 4243, &s), -ENOENT);
}
END_TEST

/* ---- identity rules (pv_virt_apply) ---- */

START_TEST(apply_identity)
{
	struct pv_virt *v;
	struct pv_virt_changes ch;
	const struct pv_virt_vm *a, *b, *c;
	uint64_t ida, idb;
	struct pv_virt_dom both[] = { { WEIRD, UA, 1 }, { "plain", "0899975C-8EF9-4F46-B44D-2FA9FEF2915D", 2 } };
	struct pv_virt_dom only_a[] = { { WEIRD, UA, 1 } };
	struct pv_virt_dom new_plain[] = { { WEIRD, UA, 1 }, { "plain", UC, 3 } };
	struct pv_virt_dom bad[] = { { "x", "not-a-uuid", 4 } };

	use_fixture("virt-host");
	ck_assert_int_eq(pv_virt_open(&v), 0);
	ck_assert_int_eq(pv_virt_apply(v, both, 2, &ch), 0);
	ck_assert_uint_eq(ch.added, 2);
	ck_assert_uint_eq(ch.live, 2);
	a = pv_virt_find_name(v, WEIRD);
	b = pv_virt_find_name(v, "plain");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(a->pid, 4242);
	ck_assert_uint_eq(a->start_time, 123456);
	ck_assert_uint_eq(a->n_vcpus, 2);
	ck_assert_str_eq(a->cgroup_dir, "fs/cgroup/unified/machine/qemu-1-weirdnam.libvirt-qemu");
	ck_assert_str_eq(b->uuid, UB);
	ck_assert_int_eq(b->pid, 5000);
	ck_assert_ptr_eq(pv_virt_find_uuid(v, "84145C68-96F0-43CA-994B-04ED5ECC840C"), a);
	ck_assert_ptr_null(pv_virt_find_name(v, "we ird"));
	ck_assert_int_eq(pv_virt_vm_alive(a), 1);
	ida = a->id;
	idb = b->id;
	ck_assert_uint_ne(ida, idb);

	/* same domains again: same records */
	ck_assert_int_eq(pv_virt_apply(v, both, 2, &ch), 0);
	ck_assert_uint_eq(ch.added + ch.gone, 0);
	ck_assert_ptr_eq(pv_virt_find_name(v, WEIRD), a);

	/* plain disappears: reported gone, kept until forgotten */
	ck_assert_int_eq(pv_virt_apply(v, only_a, 1, &ch), 0);
	ck_assert_uint_eq(ch.gone, 1);
	ck_assert_uint_eq(ch.live, 1);
	ck_assert(b->gone);
	ck_assert_ptr_null(pv_virt_find_name(v, "plain"));
	ck_assert_ptr_eq(pv_virt_find_id(v, idb), b);

	/* a new VM with the same name and another UUID (no process found) */
	ck_assert_int_eq(pv_virt_apply(v, new_plain, 2, &ch), 0);
	ck_assert_uint_eq(ch.added, 1);
	c = pv_virt_find_name(v, "plain");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_ne(c->id, idb);
	ck_assert_int_eq(c->pid, 0);
	ck_assert_int_eq(pv_virt_vm_alive(c), -ENOENT);
	ck_assert_uint_eq(pv_virt_count(v), 3);

	/* invalid input: error, nothing changes */
	ck_assert_int_eq(pv_virt_apply(v, bad, 1, &ch), -EINVAL);
	ck_assert_str_ne(pv_virt_last_error(v), "");
	ck_assert_ptr_eq(pv_virt_find_name(v, "plain"), c);
	ck_assert(!a->gone);

	pv_virt_forget_gone(v);
	ck_assert_uint_eq(pv_virt_count(v), 2);
	ck_assert_ptr_null(pv_virt_find_id(v, idb));
	ck_assert_uint_eq(pv_virt_find_name(v, WEIRD)->id, ida);

	/* everything gone */
	ck_assert_int_eq(pv_virt_apply(v, NULL, 0, &ch), 0);
	ck_assert_uint_eq(ch.gone, 2);
	ck_assert_uint_eq(ch.live, 0);
	pv_virt_close(v);
}
END_TEST

START_TEST(same_uuid_new_process)
{
	struct pv_virt *v;
	struct pv_virt_changes ch;
	struct pv_virt_dom d[] = { { "vm", UA, 1 } };
	const struct pv_virt_vm *first, *second;

	use_fixture("virt-host");
	ck_assert_int_eq(pv_virt_open(&v), 0);
	ck_assert_int_eq(pv_virt_apply(v, d, 1, &ch), 0);
	first = pv_virt_find_name(v, "vm");
	ck_assert_int_eq(first->pid, 4242);
	/* the VM was restarted: same UUID, another QEMU process */
	use_fixture("virt-purev2");
	d[0].domid = 7;
	ck_assert_int_eq(pv_virt_apply(v, d, 1, &ch), 0);
	ck_assert_uint_eq(ch.added, 1);
	ck_assert_uint_eq(ch.gone, 1);
	second = pv_virt_find_name(v, "vm");
	ck_assert_ptr_ne(first, second);
	ck_assert_int_eq(second->pid, 3000);
	ck_assert(first->gone);
	pv_virt_close(v);
}
END_TEST

/* ---- libvirt side without a daemon ---- */

START_TEST(refresh_unreachable)
{
	struct pv_virt *v;
	struct pv_virt_changes ch = { 7, 7, 7 };
	struct pv_virt_dom d[] = { { "vm", UA, 1 } };
	struct timespec t0, t1;
	long ms;
	int rc;

	use_fixture("virt-host");
	setenv("PAPI_VIRT_URI", "qemu:///system?socket=/nonexistent/pv-test-sock", 1);
	pv_config_reset();
	ck_assert_int_eq(pv_virt_open(&v), 0);
	ck_assert_str_eq(pv_virt_uri(v), "qemu:///system?socket=/nonexistent/pv-test-sock");
	ck_assert_int_eq(pv_virt_apply(v, d, 1, NULL), 0);
	pv_virt_set_timeout_ms(v, 3000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pv_virt_refresh(v, &ch);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_eq(rc, -ECONNREFUSED);
	ck_assert_int_le(ms, 3000);
	ck_assert_ptr_nonnull(strstr(pv_virt_last_error(v), "/nonexistent/pv-test-sock"));
	ck_assert_uint_eq(ch.added, 7);                  /* untouched */
	ck_assert_ptr_nonnull(pv_virt_find_name(v, "vm")); /* not declared gone */
	ck_assert_int_eq(pv_virt_lookup_name(v, "other", &(const struct pv_virt_vm *){ NULL }), -ECONNREFUSED);
	pv_virt_close(v);
}
END_TEST

START_TEST(uri_precedence)
{
	struct pv_virt *v;

	unsetenv("PAPI_VIRT_URI");
	unsetenv("LIBVIRT_DEFAULT_URI");
	pv_config_reset();
	ck_assert_int_eq(pv_virt_open(&v), 0);
	ck_assert_str_eq(pv_virt_uri(v), PV_VIRT_DEFAULT_URI);
	pv_virt_close(v);
	setenv("LIBVIRT_DEFAULT_URI", "test:///default", 1);
	pv_config_reset();
	ck_assert_int_eq(pv_virt_open(&v), 0);
	ck_assert_str_eq(pv_virt_uri(v), "test:///default");
	pv_virt_close(v);
	setenv("PAPI_VIRT_URI", "qemu:///system?socket=/x", 1);
	pv_config_reset();
	ck_assert_int_eq(pv_virt_open(&v), 0);
	ck_assert_str_eq(pv_virt_uri(v), "qemu:///system?socket=/x");
	pv_virt_close(v);
}
END_TEST

/* libvirt's test driver: a real listing through the whole refresh path
 * (domains exist in libvirt, no QEMU process in the fixture). */
START_TEST(refresh_test_driver)
{
	struct pv_virt *v;
	struct pv_virt_changes ch;
	const struct pv_virt_vm *vm = NULL;

	use_fixture("virt-host");
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	pv_config_reset();
	ck_assert_int_eq(pv_virt_open(&v), 0);
	ck_assert_int_eq(pv_virt_refresh(v, &ch), 0);
	ck_assert_uint_eq(ch.added, 1);
	ck_assert_int_eq(pv_virt_lookup_name(v, "test", &vm), 0);
	ck_assert_int_eq(vm->pid, 0);
	ck_assert_int_eq(pv_virt_lookup_name(v, "no such vm", &vm), -ENOENT);
	ck_assert_int_eq(pv_virt_refresh(v, &ch), 0);
	ck_assert_uint_eq(ch.added + ch.gone, 0);
	ck_assert_uint_eq(pv_virt_reconnects(v), 0);
	pv_virt_close(v);
}
END_TEST

static Suite *pv_virt_suite(void)
{
	Suite *s = suite_create("pv_virt");
	TCase *p = tcase_create("parse"), *f = tcase_create("fixtures"), *i = tcase_create("identity"),
	      *l = tcase_create("libvirt");

	tcase_add_test(p, cmdline_uuid_forms);
	tcase_add_test(p, cmdline_uuid_bad);
	tcase_add_test(p, vcpu_comm);
	tcase_add_test(p, stat_fields);
	tcase_add_test(p, cgroup_and_mounts);
	tcase_add_test(p, vm_cgroup_rule);
	tcase_add_test(f, find_qemu_fixture);
	tcase_add_test(f, threads_fixture);
	tcase_add_test(f, cgroup_fixture);
	tcase_add_test(f, alive_and_schedstat_fixture);
	tcase_add_test(i, apply_identity);
	tcase_add_test(i, same_uuid_new_process);
	tcase_add_test(l, refresh_unreachable);
	tcase_add_test(l, uri_precedence);
	tcase_add_test(l, refresh_test_driver);
	tcase_set_timeout(l, 20);
	suite_add_tcase(s, p);
	suite_add_tcase(s, f);
	suite_add_tcase(s, i);
	suite_add_tcase(s, l);
	return s;
}

int main(void)
{
	return pv_check_run(pv_virt_suite());
}
