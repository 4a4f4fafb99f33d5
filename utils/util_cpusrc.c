/* papi_vmcheck's independent CPU-time sources (see util_cpusrc.h). */
#include "util_cpusrc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pv_clock.h"
#include "pv_config.h"
#include "pv_cgroup.h"
#include "pv_fs.h"
#include "pv_schedstat.h"
#include "pv_procstat.h"
#include "pv_virt.h"
#include "pv_virt_link.h"
#include "pv_virt_proc.h"

/* libvirt through the shared link (pv_virt_link: the one place that calls
 * libvirt); its numbers are still libvirt's own, read here, not the
 * components'. */
struct util_lv {
	struct pv_virt_link *link;
	unsigned int timeout_ms;
};

static const char *const labels[UTIL_S_N] = {
	[UTIL_S_LV_CPU] = "libvirt cpu.time",
	[UTIL_S_LV_USERSYS] = "libvirt cpu.user+cpu.system",
	[UTIL_S_LV_VCPU_TIME] = "libvirt sum vcpu.N.time",
	[UTIL_S_LV_VCPU_DELAY] = "libvirt sum vcpu.N.delay",
	[UTIL_S_CG_USAGE] = "cgroup cpu.stat usage_usec",
	[UTIL_S_CG_USERSYS] = "cgroup cpu.stat user+system",
	[UTIL_S_PROC_UTSTIME] = "/proc/PID/stat utime+stime",
	[UTIL_S_PROC_GUEST] = "/proc/PID/stat guest_time",
	[UTIL_S_SCHED_ALL] = "schedstat run, all threads",
	[UTIL_S_SCHED_VCPU] = "schedstat run, vCPU threads",
	[UTIL_S_SCHED_VCPU_DELAY] = "schedstat delay, vCPU threads",
	[UTIL_S_PAPI_CPU] = "PAPI vmpower VM_CPU_TIME_NS",
	[UTIL_S_PAPI_RUN] = "PAPI steal VCPU_RUN_NS",
	[UTIL_S_PAPI_STEAL] = "PAPI steal VCPU_STEAL_NS",
	[UTIL_S_PAPI_HALT] = "PAPI steal VCPU_HALT_NS",
};
_Static_assert(sizeof(labels) / sizeof(labels[0]) == UTIL_S_N, "one label per source");

const char *util_src_label(enum util_srcid s)
{
	return s < UTIL_S_N ? labels[s] : "?";
}

int util_lv_open(struct util_lv **ret, char *err, size_t errlen)
{
	const struct pv_config *c = pv_config_get();
	struct util_lv *lv = calloc(1, sizeof(*lv));

	if (!lv || pv_virt_link_new(c->uri, &lv->link) < 0) {
		free(lv);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	lv->timeout_ms = c->timeout_ms;
	*ret = lv;
	return 0;
}

void util_lv_close(struct util_lv *lv)
{
	if (!lv)
		return;
	pv_virt_link_close(lv->link, lv->timeout_ms);
	free(lv);
}

const char *util_lv_uri(const struct util_lv *lv)
{
	return pv_virt_link_uri(lv->link);
}

int util_lv_list(struct util_lv *lv, struct util_cpuvm **ret, size_t *ret_n, char *err, size_t errlen)
{
	struct pv_virt_link_domlist list = { NULL, 0 };
	int reconnected = 0;
	int rc = pv_virt_link_list(lv->link, lv->timeout_ms, &list, &reconnected, err, errlen);

	if (rc < 0)
		return rc;
	struct util_cpuvm *vms = calloc(list.n + 1, sizeof(*vms));
	if (!vms) {
		pv_virt_link_domlist_free(&list);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < list.n; i++) {
		snprintf(vms[i].name, sizeof(vms[i].name), "%s", list.doms[i].name);
		snprintf(vms[i].uuid, sizeof(vms[i].uuid), "%s", list.doms[i].uuid);
	}
	*ret = vms;
	*ret_n = list.n;
	pv_virt_link_domlist_free(&list);
	return 0;
}

int util_cpuvm_locate(struct util_cpuvm *vm)
{
	const char *uuids[1] = { vm->uuid };
	pid_t pid = 0;
	struct pv_virt_vcpu *vcpus = NULL;
	struct pv_virt_thread *others = NULL;
	size_t nv = 0, no = 0;
	int rc = pv_virt_proc_find_qemu(uuids, 1, &pid);
	if (rc < 0 || pid == 0) {
		snprintf(vm->where_why, sizeof(vm->where_why), "no QEMU process with -uuid %s in %s",
			 vm->uuid, pv_fs_root(PV_PROC));
		return rc < 0 ? rc : -ENOENT;
	}
	vm->pid = pid;
	if (pv_virt_proc_start_time(pid, &vm->start_time) < 0)
		vm->start_time = 0;
	rc = pv_virt_proc_threads(pid, &vcpus, &nv, &others, &no);
	if (rc == 0) {
		vm->nthreads = nv + no;
		for (size_t i = 0; i < nv && vm->nvcpus < sizeof(vm->vcpu_tids) / sizeof(vm->vcpu_tids[0]); i++)
			vm->vcpu_tids[vm->nvcpus++] = vcpus[i].tid;
	}
	free(vcpus);
	free(others);
	if (pv_virt_proc_vm_cgroup(pid, &vm->cgroup, &vm->cgroup_dir) < 0)
		snprintf(vm->where_why, sizeof(vm->where_why), "process %d is in no cgroup v2 hierarchy", (int)pid);
	return 0;
}

int util_cpuvm_alive(const struct util_cpuvm *vm)
{
	if (vm->pid <= 0)
		return -ENOENT;
	return pv_virt_proc_alive(vm->pid, vm->start_time);
}

void util_cpuvm_free(struct util_cpuvm *vm)
{
	free(vm->cgroup);
	free(vm->cgroup_dir);
	memset(vm, 0, sizeof(*vm));
}

int util_parse_proc_stat(const char *line, uint64_t *ret_utime, uint64_t *ret_stime, uint64_t *ret_guest)
{
	/* Fields after the comm's closing parenthesis, the 3rd field first. */
	const char *p = strrchr(line, ')');
	uint64_t f[41];
	int n = 0;
	if (!p)
		return -EINVAL;
	p++;
	while (n < 41) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		const char *end = p + strcspn(p, " \n");
		char tok[32];
		if ((size_t)(end - p) >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, p, (size_t)(end - p));
		tok[end - p] = 0;
		if (n == 0)
			f[n] = 0; /* state letter */
		else if (pv_parse_u64(tok, &f[n]) < 0) {
			int64_t s;
			if (pv_parse_s64(tok, &s) < 0)
				return -EINVAL;
			f[n] = 0; /* signed fields (priority, nice) are not used */
		}
		n++;
		p = end;
	}
	if (n < 41)
		return -EINVAL;
	/* utime = field 14, stime = 15, guest_time = 43 (1-based, field 3 = f[0]) */
	*ret_utime = f[11];
	*ret_stime = f[12];
	*ret_guest = f[40];
	return 0;
}

static void set(struct util_cpuvals *v, enum util_srcid s, uint64_t ns)
{
	v->have[s] = true;
	v->ns[s] = ns;
}

static void miss(struct util_cpuvals *v, enum util_srcid s, const char *why)
{
	v->have[s] = false;
	snprintf(v->why[s], sizeof(v->why[s]), "%s", why);
}

static void miss_libvirt(struct util_cpuvals *v, const char *why)
{
	for (int s = UTIL_S_LV_CPU; s <= UTIL_S_LV_VCPU_DELAY; s++)
		miss(v, s, why);
}

/* The four libvirt sources of one domain's statistics record. */
static void read_libvirt(const struct pv_virt_link_domstats *d, struct util_cpuvals *v)
{
	uint64_t user = 0, sys = 0, vt = 0, vd = 0;
	int have_user = 0, have_sys = 0, nvt = 0, nvd = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct pv_virt_link_stat *p = &d->stats[i];
		if (p->kind != PV_VIRT_LINK_U64)
			continue;
		const char *f = p->field;
		uint64_t x = p->u;
		if (strcmp(f, "cpu.time") == 0)
			set(v, UTIL_S_LV_CPU, x);
		else if (strcmp(f, "cpu.user") == 0)
			user = x, have_user = 1;
		else if (strcmp(f, "cpu.system") == 0)
			sys = x, have_sys = 1;
		else if (strncmp(f, "vcpu.", 5) == 0 && strstr(f, ".time") && !strstr(f, "halt"))
			vt += x, nvt++;
		else if (strncmp(f, "vcpu.", 5) == 0 && strstr(f, ".delay"))
			vd += x, nvd++;
	}
	if (!v->have[UTIL_S_LV_CPU])
		miss(v, UTIL_S_LV_CPU, "libvirt gave no cpu.time");
	if (have_user && have_sys)
		set(v, UTIL_S_LV_USERSYS, user + sys);
	else
		miss(v, UTIL_S_LV_USERSYS, "libvirt gave no cpu.user/cpu.system");
	if (nvt)
		set(v, UTIL_S_LV_VCPU_TIME, vt);
	else
		miss(v, UTIL_S_LV_VCPU_TIME, "libvirt gave no vcpu.N.time");
	if (nvd)
		set(v, UTIL_S_LV_VCPU_DELAY, vd);
	else
		miss(v, UTIL_S_LV_VCPU_DELAY, "libvirt gave no vcpu.N.delay (needs libvirt >= 7.2)");
}

static void read_proc(const struct util_cpuvm *vm, struct util_cpuvals *v)
{
	char buf[4096], rel[64], why[128];
	uint64_t ut, st, gt, hz = pv_procstat_user_hz();
	snprintf(rel, sizeof(rel), "%d/stat", (int)vm->pid);
	int rc = pv_fs_read(PV_PROC, rel, buf, sizeof(buf), NULL);
	if (rc == 0)
		rc = util_parse_proc_stat(buf, &ut, &st, &gt);
	if (rc < 0) {
		snprintf(why, sizeof(why), "%s/%s: %s", pv_fs_root(PV_PROC), rel, strerror(-rc));
		miss(v, UTIL_S_PROC_UTSTIME, why);
		miss(v, UTIL_S_PROC_GUEST, why);
		return;
	}
	set(v, UTIL_S_PROC_UTSTIME, pv_procstat_ticks_to_ns(pv_sat_add(ut, st), hz));
	set(v, UTIL_S_PROC_GUEST, pv_procstat_ticks_to_ns(gt, hz));
}

static void read_cgroup(const struct util_cpuvm *vm, struct util_cpuvals *v)
{
	char why[128];
	struct pv_cpustat cs;
	if (!vm->cgroup_dir) {
		snprintf(why, sizeof(why), "%s", vm->cgroup ? "cgroup v2 mount not under the sysfs root"
							  : "no cgroup v2 directory for the VM");
		miss(v, UTIL_S_CG_USAGE, why);
		miss(v, UTIL_S_CG_USERSYS, why);
		return;
	}
	int rc = pv_cgroup_cpustat_read_dir(vm->cgroup_dir, &cs);
	if (rc == 0 && (cs.have & (PV_CG_USER | PV_CG_SYSTEM)) != (PV_CG_USER | PV_CG_SYSTEM))
		rc = -EINVAL;
	if (rc < 0) {
		pv_cgroup_cpustat_describe(vm->cgroup_dir, rc, why, sizeof(why));
		miss(v, UTIL_S_CG_USAGE, why);
		miss(v, UTIL_S_CG_USERSYS, why);
		return;
	}
	set(v, UTIL_S_CG_USAGE, cs.usage_ns);
	set(v, UTIL_S_CG_USERSYS, pv_ns_add(cs.user_ns, cs.system_ns));
}

static int is_vcpu(const struct util_cpuvm *vm, pid_t tid)
{
	for (size_t i = 0; i < vm->nvcpus; i++)
		if (vm->vcpu_tids[i] == tid)
			return 1;
	return 0;
}

/* Sums schedstat over a fixed thread set (taken at the first read). */
static int read_sched(const struct util_cpuvm *vm, struct util_cpuvals *v)
{
	uint64_t all = 0, vrun = 0, vdel = 0;
	int vanished = 0;
	if (v->ntids == 0) {
		char rel[64];
		snprintf(rel, sizeof(rel), "%d/task", (int)vm->pid);
		DIR *d = pv_fs_opendir(PV_PROC, rel);
		struct dirent *de;
		if (!d) {
			miss(v, UTIL_S_SCHED_ALL, "cannot list the QEMU threads");
			miss(v, UTIL_S_SCHED_VCPU, "cannot list the QEMU threads");
			miss(v, UTIL_S_SCHED_VCPU_DELAY, "cannot list the QEMU threads");
			return 0;
		}
		while ((de = readdir(d)) && v->ntids < UTIL_MAX_TIDS) {
			int tid;
			if (pv_parse_int(de->d_name, &tid) == 0)
				v->tids[v->ntids++] = tid;
		}
		closedir(d);
	}
	for (size_t i = 0; i < v->ntids; i++) {
		struct pv_schedstat ss;
		if (pv_schedstat_read(vm->pid, v->tids[i], &ss) < 0) {
			vanished++;
			continue;
		}
		all += ss.run_ns;
		if (is_vcpu(vm, v->tids[i])) {
			vrun += ss.run_ns;
			vdel += ss.delay_ns;
		}
	}
	set(v, UTIL_S_SCHED_ALL, all);
	if (vm->nvcpus) {
		set(v, UTIL_S_SCHED_VCPU, vrun);
		set(v, UTIL_S_SCHED_VCPU_DELAY, vdel);
	} else {
		miss(v, UTIL_S_SCHED_VCPU, "no thread named 'CPU n/TCG' or 'CPU n/KVM'");
		miss(v, UTIL_S_SCHED_VCPU_DELAY, "no thread named 'CPU n/TCG' or 'CPU n/KVM'");
	}
	return vanished;
}

static void stamp(struct util_cpuvals *v, enum util_srcid from, enum util_srcid to, uint64_t b, uint64_t e)
{
	for (int s = (int)from; s <= (int)to; s++) {
		v->t_begin[s] = b;
		v->t_end[s] = e;
	}
}

int util_cpuvals_read_local(const struct util_cpuvm *vm, struct util_cpuvals *v)
{
	uint64_t t = pv_now_ns(), u;
	if (vm->pid == 0) {
		for (int s = UTIL_S_CG_USAGE; s <= UTIL_S_SCHED_VCPU_DELAY; s++)
			miss(v, s, vm->where_why);
		return 0;
	}
	read_cgroup(vm, v);
	u = pv_now_ns();
	stamp(v, UTIL_S_CG_USAGE, UTIL_S_CG_USERSYS, t, u);
	read_proc(vm, v);
	t = pv_now_ns();
	stamp(v, UTIL_S_PROC_UTSTIME, UTIL_S_PROC_GUEST, u, t);
	int vanished = read_sched(vm, v);
	stamp(v, UTIL_S_SCHED_ALL, UTIL_S_SCHED_VCPU_DELAY, t, pv_now_ns());
	return vanished;
}

void util_cpuvals_read_libvirt(struct util_lv *lv, const struct util_cpuvm *vms, struct util_cpuvals *v, size_t n)
{
	struct pv_virt_link_statlist st = { NULL, 0 };
	char err[512];
	uint64_t t = pv_now_ns();
	int rc = pv_virt_link_stats(lv->link, lv->timeout_ms, PV_VIRT_LINK_CPU | PV_VIRT_LINK_VCPU, &st, err,
				    sizeof(err));
	uint64_t e = pv_now_ns();

	for (size_t i = 0; i < n; i++) {
		const struct pv_virt_link_domstats *d = NULL;
		for (size_t k = 0; rc == 0 && k < st.n && !d; k++)
			if (strcmp(st.doms[k].dom.uuid, vms[i].uuid) == 0)
				d = &st.doms[k];
		if (rc < 0)
			miss_libvirt(&v[i], err);
		else if (!d)
			miss_libvirt(&v[i], "not among the running domains in libvirt's statistics");
		else
			read_libvirt(d, &v[i]);
		stamp(&v[i], UTIL_S_LV_CPU, UTIL_S_LV_VCPU_DELAY, t, e);
	}
	pv_virt_link_statlist_free(&st);
}
