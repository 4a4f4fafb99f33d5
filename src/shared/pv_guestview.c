/* What PAPI can measure inside this VM; see pv_guestview.h. */
#include "pv_guestview.h"

#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "pv_fs.h"
#include "pv_perf.h"

#define ZONE_REL "class/powercap/intel-rapl:0"

/* ---- probes ---------------------------------------------------------------- */

#if defined(__x86_64__) || defined(__i386__)
static void leaf_sig(uint32_t leaf, char sig[13], uint32_t *ret_eax)
{
	unsigned a, b, c, d;

	__cpuid(leaf, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	*ret_eax = a;
}
#endif

void pv_guestview_probe_cpuid(struct pv_guestview_facts *f)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	char sig[13];
	uint32_t max;

	__cpuid(1, a, b, c, d);
	f->hv_flag |= (c >> 31) & 1;
	if (__get_cpuid_max(0, NULL) >= 0xa) {
		__cpuid(0xa, a, b, c, d);
		f->pmu_version = a & 0xff;
	}
	if (!f->hv_flag)
		return;
	/* Vendor leaves every 0x100 from 0x40000000: KVM with Hyper-V
	 * enlightenments puts Hyper-V first and KVM at 0x40000100. */
	for (uint32_t leaf = 0x40000000; leaf <= 0x40000f00; leaf += 0x100) {
		leaf_sig(leaf, sig, &max);
		if (max < leaf || !sig[0])
			break;
		if (!f->hv_sig[0] || strcmp(sig, "KVMKVMKVM") == 0) {
			memcpy(f->hv_sig, sig, sizeof(sig));
			f->hv_leaf = leaf;
		}
		if (strcmp(sig, "KVMKVMKVM") == 0) {
			if (max >= leaf + 1) {
				__cpuid(leaf + 1, a, b, c, d);
				f->kvm_features = a;
				f->kvm_features_known = 1;
			}
			break;
		}
	}
#else
	(void)f;
#endif
}

void pv_guestview_probe_pmu(struct pv_guestview_facts *f)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_CPU_CYCLES;
	attr.disabled = 1;
	attr.exclude_kernel = 1; /* allowed at perf_event_paranoid 2 */
	attr.exclude_hv = 1;
	int fd = pv_perf_open(&attr, 0, -1, 0);
	if (fd < 0) {
		f->pmu_err = -fd;
		return;
	}
	close(fd);
	f->pmu_err = 0;
}

static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == '\t') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

static void probe_cpuinfo(struct pv_guestview_facts *f)
{
	char line[8192];
	FILE *fp = pv_fs_fopen(PV_PROC, "cpuinfo", "r");

	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, "flags", 5) == 0) {
			f->hv_flag |= has_word(strchr(line, ':') ? strchr(line, ':') + 1 : line, "hypervisor");
			break;
		}
	fclose(fp);
}

static void probe_steal(struct pv_guestview_facts *f)
{
	char line[512];
	const char *p;
	uint64_t v = 0;
	FILE *fp = pv_fs_fopen(PV_PROC, "stat", "r");

	if (!fp)
		return;
	if (fgets(line, sizeof(line), fp) && strncmp(line, "cpu ", 4) == 0) {
		p = line + 4;
		int i;
		for (i = 0; i < 8 && pv_parse_scan_u64(&p, &v) == 0; i++)
			;
		if (i == 8) {
			f->steal_ticks = v;
			f->steal_known = 1;
		}
	}
	fclose(fp);
}

void pv_guestview_probe_fs(struct pv_guestview_facts *f)
{
	char real[PATH_MAX];
	size_t len = 1 << 16;
	char *mounts = malloc(len);

	probe_cpuinfo(f);
	probe_steal(f);
	snprintf(f->sysfs_root, sizeof(f->sysfs_root), "%s", pv_fs_root(PV_SYS));
	f->zone = pv_fs_exists(PV_SYS, ZONE_REL "/energy_uj");
	if (mounts && pv_fs_read(PV_PROC, "self/mounts", mounts, len, NULL) == 0)
		pv_guestview_find_mount(mounts, realpath(f->sysfs_root, real) ? real : f->sysfs_root, f);
	free(mounts);
}

/* ---- pure parts ------------------------------------------------------------ */

static const struct {
	const char *sig, *name;
} hv_names[] = {
	{ "KVMKVMKVM", "KVM" },
	{ "TCGTCGTCGTCG", "TCG" },
	{ "Microsoft Hv", "Hyper-V" },
	{ "VMwareVMware", "VMware" },
	{ "XenVMMXenVMM", "Xen" },
	{ "bhyve bhyve ", "bhyve" },
	{ "ACRNACRNACRN", "ACRN" },
	{ " lrpepyh  vr", "Parallels" },
	{ "VBoxVBoxVBox", "VirtualBox" },
};

const char *pv_guestview_hv_name(const char *sig)
{
	for (size_t i = 0; sig && *sig && i < sizeof(hv_names) / sizeof(hv_names[0]); i++)
		if (strcmp(sig, hv_names[i].sig) == 0)
			return hv_names[i].name;
	return NULL;
}

/* /proc/mounts escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static int is_under(const char *path, const char *mnt)
{
	size_t n = strlen(mnt);
	if (strcmp(mnt, "/") == 0)
		return 1;
	return strncmp(path, mnt, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int pv_guestview_find_mount(const char *mounts, const char *path, struct pv_guestview_facts *f)
{
	char src[128], mnt[PATH_MAX], type[32], opts[128];
	size_t best = 0;
	int found = 0;

	for (const char *l = mounts; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (sscanf(l, "%127s %4095s %31s %127s", src, mnt, type, opts) != 4)
			continue;
		unescape(mnt);
		if (!is_under(path, mnt) || strlen(mnt) < best)
			continue;
		best = strlen(mnt);
		unescape(src);
		snprintf(f->mount_type, sizeof(f->mount_type), "%s", type);
		snprintf(f->mount_src, sizeof(f->mount_src), "%s", src);
		snprintf(f->mount_opts, sizeof(f->mount_opts), "%s", opts);
		found = 1;
	}
	return found ? 0 : -ENOENT;
}

static const char *hv_label(const struct pv_guestview_facts *f)
{
	const char *n = pv_guestview_hv_name(f->hv_sig);
	if (n)
		return n;
	return f->hv_flag ? "unknown" : "none";
}

static void report_hv(FILE *out, const struct pv_guestview_facts *f)
{
	const char *n = hv_label(f);

	if (f->hv_sig[0])
		fprintf(out, "hypervisor: %s (CPUID 0x%08x \"%s\"%s)\n", n, (unsigned)f->hv_leaf, f->hv_sig,
			strcmp(n, "TCG") == 0 ? ": QEMU emulation, no hardware acceleration" : "");
	else if (f->hv_flag)
		fprintf(out, "hypervisor: unknown (CPUID hypervisor bit set, no vendor signature)\n");
	else
		fprintf(out, "hypervisor: none (no CPUID hypervisor bit: bare metal, or a hypervisor that hides)\n");
}

static int report_pmu(FILE *out, const struct pv_guestview_facts *f, int tcg)
{
	if (f->pmu_err == 0) {
		fprintf(out, "vpmu: present (perf_event_open(PERF_COUNT_HW_CPU_CYCLES) works; CPUID 0xA perfmon "
			     "version %u)\n", f->pmu_version);
		return 0;
	}
	fprintf(out, "vpmu: absent (perf_event_open(PERF_COUNT_HW_CPU_CYCLES): %s; CPUID 0xA perfmon version %u)\n",
		strerror(f->pmu_err), f->pmu_version);
	if (f->pmu_err == EACCES || f->pmu_err == EPERM)
		fprintf(out, "  enable: in this guest, lower /proc/sys/kernel/perf_event_paranoid (the counters may "
			     "exist but are forbidden)\n");
	else if (tcg)
		fprintf(out, "  enable: host: QEMU's TCG emulates no PMU: run the VM under KVM (<domain "
			     "type='kvm'>) with <features><pmu state='on'/></features> and <cpu "
			     "mode='host-passthrough'/>\n");
	else
		fprintf(out, "  enable: host: libvirt <features><pmu state='on'/></features> with <cpu "
			     "mode='host-passthrough'/> (KVM on a host that has hardware counters)\n");
	return 1;
}

static int report_steal(FILE *out, const struct pv_guestview_facts *f, int tcg)
{
	const char *n = hv_label(f);
	int kvm = strcmp(n, "KVM") == 0;

	if (kvm && f->kvm_features_known && (f->kvm_features >> PV_KVM_FEATURE_STEAL_TIME & 1)) {
		fprintf(out, "steal_clock: present (KVM steal time, CPUID 0x%08x EAX bit %d; /proc/stat steal %llu "
			     "ticks so far)\n", (unsigned)f->hv_leaf + 1, PV_KVM_FEATURE_STEAL_TIME,
			(unsigned long long)f->steal_ticks);
		return 0;
	}
	if (strcmp(n, "Xen") == 0 || (f->steal_known && f->steal_ticks > 0)) {
		fprintf(out, "steal_clock: present (%s; /proc/stat steal %llu ticks so far)\n",
			strcmp(n, "Xen") == 0 ? "Xen runstate" : "the kernel accounts steal",
			(unsigned long long)f->steal_ticks);
		return 0;
	}
	fprintf(out, "steal_clock: absent (%s; /proc/stat steal %s)\n",
		kvm ? "KVM without KVM_FEATURE_STEAL_TIME" : tcg ? "TCG has no paravirtual clocks"
							     : "no paravirtual steal clock seen",
		f->steal_known ? (f->steal_ticks ? "nonzero" : "0") : "unreadable");
	if (tcg)
		fprintf(out, "  enable: host: run the VM under KVM (<domain type='kvm'>): QEMU then exposes "
			     "kvm-steal-time by default\n");
	else if (kvm)
		fprintf(out, "  enable: host: do not hide KVM (drop <features><kvm><hidden state='on'/></kvm>"
			     "</features>) and keep the CPU model's kvm-steal-time\n");
	else
		fprintf(out, "  enable: host: a paravirtual steal clock (KVM: <domain type='kvm'>; VMware: "
			     "stealclock.enable = \"TRUE\"; Xen provides runstate)\n");
	return 1;
}

static int report_rapl(FILE *out, const struct pv_guestview_facts *f)
{
	if (f->zone == 1 && f->rapl_read) {
		fprintf(out, "virtual_rapl: present (rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 counted %llu uJ in %.1f s%s; %s/"
			     ZONE_REL " on %s \"%s\" (%s))\n", (unsigned long long)f->rapl_uj, f->rapl_wait_s,
			f->rapl_uj ? "" : ", NOT advancing: is the host exporter running?",
			f->sysfs_root, f->mount_type[0] ? f->mount_type : "?", f->mount_src,
			strncmp(f->mount_opts, "ro", 2) == 0 && (f->mount_opts[2] == ',' || !f->mount_opts[2])
				? "read-only" : "read-write");
		return 0;
	}
	if (f->zone == 1)
		fprintf(out, "virtual_rapl: absent (%s/" ZONE_REL " exists but rapl_vm cannot read it: %s)\n",
			f->sysfs_root, f->rapl_why[0] ? f->rapl_why : "unknown reason");
	else
		fprintf(out, "virtual_rapl: absent (no %s/" ZONE_REL "/energy_uj%s)\n", f->sysfs_root,
			f->zone < 0 ? ": not readable" : "");
	fprintf(out, "  enable: host: papi_vmpower --export /var/lib/papi-virt/export, share "
		     "/var/lib/papi-virt/export/<uuid> read-only with <filesystem type='mount' "
		     "accessmode='passthrough'><driver type='virtiofs'/>...<target dir='vmpower'/></filesystem> "
		     "and <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking> "
		     "(docs/vmpower.md); guest: mount -t virtiofs -o ro vmpower /mnt/vmpower and "
		     "PAPI_VIRT_SYSFS=/mnt/vmpower\n");
	return 1;
}

int pv_guestview_report(FILE *out, const struct pv_guestview_facts *f)
{
	int tcg = strcmp(hv_label(f), "TCG") == 0, missing = 0;

	report_hv(out, f);
	missing += report_pmu(out, f, tcg);
	missing += report_steal(out, f, tcg);
	missing += report_rapl(out, f);
	return missing;
}
