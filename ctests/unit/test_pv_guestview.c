/* Unit tests of pv_guestview (papi_vmguest's logic): hypervisor names, the
 * mount holding the virtual RAPL, procfs probes on ctests/fixtures/guestview,
 * and the report (states and the host-side change named for each absence). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_check.h"
#include "pv_guestview.h"

/* The report of f as a string (static buffer), and its absent count. */
static const char *report(const struct pv_guestview_facts *f, int *ret_missing)
{
	static char buf[8192];
	FILE *m = fmemopen(buf, sizeof(buf), "w");
	ck_assert_ptr_nonnull(m);
	*ret_missing = pv_guestview_report(m, f);
	fclose(m);
	return buf;
}

/* A TCG lab guest with the share mounted and rapl_vm reading it. */
static struct pv_guestview_facts tcg_guest(void)
{
	struct pv_guestview_facts f;
	memset(&f, 0, sizeof(f));
	f.hv_flag = 1;
	strcpy(f.hv_sig, "TCGTCGTCGTCG");
	f.hv_leaf = 0x40000000;
	f.pmu_err = ENOENT;
	f.steal_known = 1;
	strcpy(f.sysfs_root, "/mnt/vmpower");
	f.zone = 1;
	strcpy(f.mount_type, "virtiofs");
	strcpy(f.mount_src, "vmpower");
	strcpy(f.mount_opts, "ro,relatime");
	f.rapl_read = 1;
	f.rapl_uj = 3662564;
	f.rapl_wait_s = 1.5;
	return f;
}

START_TEST(hypervisor_names)
{
	ck_assert_str_eq(pv_guestview_hv_name("KVMKVMKVM"), "KVM");
	ck_assert_str_eq(pv_guestview_hv_name("TCGTCGTCGTCG"), "TCG");
	ck_assert_str_eq(pv_guestview_hv_name("Microsoft Hv"), "Hyper-V");
	ck_assert_str_eq(pv_guestview_hv_name("bhyve bhyve "), "bhyve");
	ck_assert_ptr_null(pv_guestview_hv_name("KVMKVMKV"));
	ck_assert_ptr_null(pv_guestview_hv_name(""));
	ck_assert_ptr_null(pv_guestview_hv_name(NULL));
}
END_TEST

START_TEST(mount_longest_prefix_and_escapes)
{
	const char *m = "rootfs / rootfs rw 0 0\n"
			"vmpower /mnt/vm virtiofs ro 0 0\n"
			"vmpower /mnt/vmpower virtiofs ro,relatime 0 0\n"
			"share /srv/my\\040power 9p rw,trans=virtio 0 0\n"
			"garbage\n";
	struct pv_guestview_facts f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(pv_guestview_find_mount(m, "/mnt/vmpower", &f), 0);
	ck_assert_str_eq(f.mount_type, "virtiofs");
	ck_assert_str_eq(f.mount_opts, "ro,relatime");
	memset(&f, 0, sizeof(f));
	/* "/mnt/vm" is not a parent of "/mnt/vmpowerX". */
	ck_assert_int_eq(pv_guestview_find_mount(m, "/mnt/vmpowerX/a", &f), 0);
	ck_assert_str_eq(f.mount_type, "rootfs");
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(pv_guestview_find_mount(m, "/srv/my power/class", &f), 0);
	ck_assert_str_eq(f.mount_type, "9p");
	ck_assert_str_eq(f.mount_src, "share");
	ck_assert_int_eq(pv_guestview_find_mount("proc /proc proc rw 0 0\n", "/mnt", &f), -ENOENT);
}
END_TEST

START_TEST(probe_fs_fixture)
{
	char p[PATH_MAX];
	struct pv_guestview_facts f;

	pv_check_use_fixture("guestview", PV_CHECK_PROC | PV_CHECK_SYS);
	snprintf(p, sizeof(p), "%s/guestview/sys", pv_check_fixtures());
	memset(&f, 0, sizeof(f));
	pv_guestview_probe_fs(&f);
	ck_assert_int_eq(f.hv_flag, 1);         /* "hypervisor" in the first flags line */
	ck_assert_int_eq(f.steal_known, 1);
	ck_assert_uint_eq(f.steal_ticks, 4242); /* 8th value of the cpu line */
	ck_assert_int_eq(f.zone, 1);
	ck_assert_str_eq(f.sysfs_root, p);
	ck_assert_str_eq(f.mount_type, "rootfs"); /* only "/" covers the fixture */

	snprintf(p, sizeof(p), "%s/guestview/nowhere", pv_check_fixtures());
	pv_check_use_root(PV_CHECK_SYS, p);
	memset(&f, 0, sizeof(f));
	pv_guestview_probe_fs(&f);
	ck_assert_int_eq(f.zone, 0);
}
END_TEST

START_TEST(report_tcg_lab_guest)
{
	struct pv_guestview_facts f = tcg_guest();
	int missing;
	const char *r = report(&f, &missing);

	ck_assert_int_eq(missing, 2);
	ck_assert_str_eq(r,
		"hypervisor: TCG (CPUID 0x40000000 \"TCGTCGTCGTCG\": QEMU emulation, no hardware acceleration)\n"
		"vpmu: absent (perf_event_open(PERF_COUNT_HW_CPU_CYCLES): No such file or directory; CPUID 0xA "
		"perfmon version 0)\n"
		"  enable: host: QEMU's TCG emulates no PMU: run the VM under KVM (<domain type='kvm'>) with "
		"<features><pmu state='on'/></features> and <cpu mode='host-passthrough'/>\n"
		"steal_clock: absent (TCG has no paravirtual clocks; /proc/stat steal 0)\n"
		"  enable: host: run the VM under KVM (<domain type='kvm'>): QEMU then exposes kvm-steal-time by "
		"default\n"
		"virtual_rapl: present (rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 counted 3662564 uJ in 1.5 s; "
		"/mnt/vmpower/class/powercap/intel-rapl:0 on virtiofs \"vmpower\" (read-only))\n");
}
END_TEST

START_TEST(report_kvm_steal_and_pmu)
{
	struct pv_guestview_facts f = tcg_guest();
	int missing;
	const char *r;

	strcpy(f.hv_sig, "KVMKVMKVM");
	f.hv_leaf = 0x40000100; /* behind Hyper-V enlightenments */
	f.kvm_features_known = 1;
	f.kvm_features = 1u << PV_KVM_FEATURE_STEAL_TIME;
	f.steal_ticks = 17;
	f.pmu_err = 0;
	f.pmu_version = 2;
	r = report(&f, &missing);
	ck_assert_int_eq(missing, 0);
	ck_assert_ptr_nonnull(strstr(r, "vpmu: present (perf_event_open(PERF_COUNT_HW_CPU_CYCLES) works; CPUID 0xA "
					"perfmon version 2)\n"));
	ck_assert_ptr_nonnull(strstr(r, "steal_clock: present (KVM steal time, CPUID 0x40000101 EAX bit 5; "
					"/proc/stat steal 17 ticks so far)\n"));
	ck_assert_ptr_null(strstr(r, "enable:"));

	/* KVM hiding its steal clock; counters forbidden by the guest. */
	f.kvm_features = 0;
	f.steal_ticks = 0;
	f.pmu_err = EACCES;
	r = report(&f, &missing);
	ck_assert_int_eq(missing, 2);
	ck_assert_ptr_nonnull(strstr(r, "steal_clock: absent (KVM without KVM_FEATURE_STEAL_TIME; /proc/stat steal 0)\n"
					"  enable: host: do not hide KVM (drop <features><kvm><hidden state='on'/>"));
	ck_assert_ptr_nonnull(strstr(r, "  enable: in this guest, lower /proc/sys/kernel/perf_event_paranoid"));
}
END_TEST

START_TEST(report_steal_evidence_and_xen)
{
	struct pv_guestview_facts f = tcg_guest();
	int missing;

	strcpy(f.hv_sig, "VMwareVMware");
	f.steal_ticks = 5;
	ck_assert_ptr_nonnull(strstr(report(&f, &missing), "steal_clock: present (the kernel accounts steal; "
								 "/proc/stat steal 5 ticks so far)\n"));
	strcpy(f.hv_sig, "XenVMMXenVMM");
	f.steal_ticks = 0;
	ck_assert_ptr_nonnull(strstr(report(&f, &missing), "steal_clock: present (Xen runstate;"));
	f.hv_sig[0] = '\0';
	f.hv_flag = 0;
	f.steal_known = 0;
	const char *r = report(&f, &missing);
	ck_assert_ptr_nonnull(strstr(r, "hypervisor: none (no CPUID hypervisor bit"));
	ck_assert_ptr_nonnull(strstr(r, "steal_clock: absent (no paravirtual steal clock seen; /proc/stat steal "
					"unreadable)\n  enable: host: a paravirtual steal clock"));
	ck_assert_ptr_nonnull(strstr(r, "  enable: host: libvirt <features><pmu state='on'/></features>"));
}
END_TEST

START_TEST(report_virtual_rapl_absent_or_stuck)
{
	struct pv_guestview_facts f = tcg_guest();
	int missing;
	const char *r;

	f.zone = 0;
	f.rapl_read = 0;
	strcpy(f.sysfs_root, "/sys");
	r = report(&f, &missing);
	ck_assert_int_eq(missing, 3);
	ck_assert_ptr_nonnull(strstr(r, "virtual_rapl: absent (no /sys/class/powercap/intel-rapl:0/energy_uj)\n"
					"  enable: host: papi_vmpower --export /var/lib/papi-virt/export, share "));
	ck_assert_ptr_nonnull(strstr(r, "guest: mount -t virtiofs -o ro vmpower /mnt/vmpower and "
					"PAPI_VIRT_SYSFS=/mnt/vmpower\n"));

	f.zone = 1;
	strcpy(f.rapl_why, "rapl_vm disabled: something precise");
	r = report(&f, &missing);
	ck_assert_ptr_nonnull(strstr(r, "virtual_rapl: absent (/sys/class/powercap/intel-rapl:0 exists but rapl_vm "
					"cannot read it: rapl_vm disabled: something precise)\n"));

	f = tcg_guest();
	f.rapl_uj = 0;
	strcpy(f.mount_opts, "rw,relatime");
	r = report(&f, &missing);
	ck_assert_int_eq(missing, 2);
	ck_assert_ptr_nonnull(strstr(r, "counted 0 uJ in 1.5 s, NOT advancing: is the host exporter running?"));
	ck_assert_ptr_nonnull(strstr(r, "(read-write))\n"));
}
END_TEST

PV_CHECK_MAIN("pv_guestview",
	hypervisor_names, mount_longest_prefix_and_escapes, probe_fs_fixture, report_tcg_lab_guest,
	report_kvm_steal_and_pmu, report_steal_evidence_and_xen, report_virtual_rapl_absent_or_stuck)
