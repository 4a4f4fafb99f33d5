/* Readers of a QEMU process's procfs view (pid, threads, cgroup, schedstat),
 * all through pv_fs so tests run them on fixture trees; see pv_virt_proc.h. */
#include "pv_virt_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"

#define PV_VIRT_CMDLINE_MAX (256 * 1024)  /* QEMU's -uuid comes early; cap the read */
#define PV_VIRT_FILE_MAX (16 * 1024 * 1024)

/* A directory entry that is a pid/tid: digits only, > 0. */
static pid_t pv_virt_dirent_pid(const struct dirent *de)
{
	int v;

	if (de->d_name[0] < '1' || de->d_name[0] > '9')
		return 0;
	if (pv_parse_int(de->d_name, &v) < 0 || v <= 0)
		return 0;
	return (pid_t)v;
}

int pv_virt_proc_find_qemu(const char *const *uuids, size_t n, pid_t *ret_pids)
{
	DIR *d;
	struct dirent *de;
	size_t i, found = 0;
	pid_t *pids;

	pids = calloc(n ? n : 1, sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	d = pv_fs_opendir(PV_PROC, "");
	if (!d) {
		int err = errno;

		free(pids);
		return -err;
	}
	while (found < n && (de = readdir(d))) {
		pid_t pid = pv_virt_dirent_pid(de);
		char rel[64], uuid[PV_VIRT_UUID_STRLEN], *cmd;
		size_t len;

		if (!pid)
			continue;
		snprintf(rel, sizeof(rel), "%d/cmdline", (int)pid);
		if (pv_fs_read_all(PV_PROC, rel, PV_VIRT_CMDLINE_MAX, &cmd, &len) < 0)
			continue;       /* vanished, or not ours to read */
		if (pv_virt_parse_cmdline_uuid(cmd, len, uuid) == 0) {
			for (i = 0; i < n; i++) {
				if (!pids[i] && strcasecmp(uuids[i], uuid) == 0) {
					pids[i] = pid;
					found++;
				}
			}
		}
		free(cmd);
	}
	closedir(d);
	memcpy(ret_pids, pids, n * sizeof(*pids));
	free(pids);
	return 0;
}

static int pv_virt_read_stat(pid_t pid, char *buf, size_t len)
{
	char rel[64];
	int rc;

	snprintf(rel, sizeof(rel), "%d/stat", (int)pid);
	rc = pv_fs_read(PV_PROC, rel, buf, len, NULL);
	return rc == -ESRCH ? -ENOENT : rc;
}

int pv_virt_proc_start_time(pid_t pid, uint64_t *ret)
{
	char buf[2048];
	int rc = pv_virt_read_stat(pid, buf, sizeof(buf));

	return rc < 0 ? rc : pv_virt_parse_stat_start_time(buf, ret);
}

int pv_virt_proc_alive(pid_t pid, uint64_t start_time)
{
	char buf[2048], state;
	uint64_t st;
	int rc;

	if (pid <= 0)
		return -ENOENT;
	rc = pv_virt_read_stat(pid, buf, sizeof(buf));
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (pv_virt_parse_stat_start_time(buf, &st) < 0)
		return -EINVAL;
	if (st != start_time)
		return 0;       /* the pid now belongs to another process */
	state = pv_virt_parse_stat_state(buf);
	/* Zombie or dead: destroyed, waiting to be reaped by libvirtd. */
	return (state == 'Z' || state == 'X' || state == 'x') ? 0 : 1;
}

static int pv_virt_cmp_vcpu(const void *a, const void *b)
{
	const struct pv_virt_vcpu *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

static int pv_virt_cmp_thread(const void *a, const void *b)
{
	const struct pv_virt_thread *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* Appends one element of size sz to *arr (capacity *cap). */
static int pv_virt_push(void **arr, size_t *n, size_t *cap, size_t sz, const void *elem)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void *na = realloc(*arr, nc * sz);

		if (!na)
			return -ENOMEM;
		*arr = na;
		*cap = nc;
	}
	memcpy((char *)*arr + *n * sz, elem, sz);
	(*n)++;
	return 0;
}

int pv_virt_proc_threads(pid_t pid, struct pv_virt_vcpu **ret_vcpus, size_t *ret_n_vcpus,
			 struct pv_virt_thread **ret_others, size_t *ret_n_others)
{
	struct pv_virt_vcpu *vc = NULL;
	struct pv_virt_thread *ot = NULL;
	size_t nv = 0, cv = 0, no = 0, co = 0;
	char rel[64];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(rel, sizeof(rel), "%d/task", (int)pid);
	d = pv_fs_opendir(PV_PROC, rel);
	if (!d)
		return errno == ESRCH ? -ENOENT : -errno;
	while ((de = readdir(d))) {
		pid_t tid = pv_virt_dirent_pid(de);
		char comm[64];
		int idx;

		if (!tid)
			continue;
		snprintf(rel, sizeof(rel), "%d/task/%d/comm", (int)pid, (int)tid);
		rc = pv_fs_read_line(PV_PROC, rel, comm, sizeof(comm));
		if (rc == -ENOENT || rc == -ESRCH) {
			rc = 0;         /* the thread ended during the scan */
			continue;
		}
		if (rc < 0)
			break;
		if (pv_virt_parse_vcpu_comm(comm, &idx) == 0) {
			struct pv_virt_vcpu v = { .index = idx, .tid = tid };

			rc = pv_virt_push((void **)&vc, &nv, &cv, sizeof(v), &v);
		} else {
			struct pv_virt_thread t = { .tid = tid };

			/* comm is at most 15 bytes in procfs; a fixture may say more. */
			memcpy(t.comm, comm, strnlen(comm, sizeof(t.comm) - 1));
			rc = pv_virt_push((void **)&ot, &no, &co, sizeof(t), &t);
		}
		if (rc < 0)
			break;
	}
	closedir(d);
	if (rc < 0) {
		free(vc);
		free(ot);
		return rc;
	}
	if (nv)
		qsort(vc, nv, sizeof(*vc), pv_virt_cmp_vcpu);
	if (no)
		qsort(ot, no, sizeof(*ot), pv_virt_cmp_thread);
	*ret_vcpus = vc;
	*ret_n_vcpus = nv;
	*ret_others = ot;
	*ret_n_others = no;
	return 0;
}

/* Mount point and root of the cgroup2 hierarchy as this process sees it. */
static int pv_virt_cgroup2_mount(char **ret_mnt, char **ret_root)
{
	char *buf;
	int rc = pv_fs_read_all(PV_PROC, "self/mountinfo", PV_VIRT_FILE_MAX, &buf, NULL);

	if (rc == 0) {
		rc = pv_virt_parse_mountinfo_cgroup2(buf, ret_mnt, ret_root);
		free(buf);
		if (rc != -ENOENT)
			return rc;
	}
	rc = pv_fs_read_all(PV_PROC, "mounts", PV_VIRT_FILE_MAX, &buf, NULL);
	if (rc < 0)
		return rc;
	rc = pv_virt_parse_mounts_cgroup2(buf, ret_mnt, ret_root);
	free(buf);
	return rc;
}

static int pv_virt_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/*
 * The VM's own cgroup from QEMU's: libvirt puts the main thread in
 * <vm>/emulator (vCPUs in <vm>/vcpuN), or, without thread-level cgroups,
 * the process in <vm> itself (".../qemu-3-a.libvirt-qemu",
 * ".../machine-qemu\x2d3\x2da.scope[/libvirt]").  Any other cgroup may be
 * shared with unrelated processes: not the VM's.
 */
int pv_virt_vm_cgroup_of(const char *proc_cgroup, char **ret)
{
	const char *last;
	size_t len = strlen(proc_cgroup);
	char *vm;

	if (pv_virt_ends_with(proc_cgroup, "/emulator")) {
		len -= strlen("/emulator");
	} else {
		last = strrchr(proc_cgroup, '/');
		if (!last || (!strstr(last, "qemu") && !(strcmp(last, "/libvirt") == 0 &&
							 len > 8 && memmem(proc_cgroup, len - 8, "qemu", 4))))
			return -ENOENT;
	}
	if (len == 0)
		return -ENOENT;
	vm = strndup(proc_cgroup, len);
	if (!vm)
		return -ENOMEM;
	*ret = vm;
	return 0;
}

/* "<mnt><cgroup below root>" relative to the sysfs root, when it is under
 * /sys and exists there.  NULL in *ret when not. */
static int pv_virt_cgroup_sysfs_rel(const char *cg, const char *mnt, const char *root, char **ret)
{
	size_t lr = strlen(root);
	const char *below = cg;
	char *abs = NULL;
	int rc;

	*ret = NULL;
	if (strcmp(root, "/") != 0) {
		if (strncmp(cg, root, lr) != 0 || (cg[lr] != '/' && cg[lr] != '\0'))
			return 0;       /* outside what this mount shows */
		below = cg + lr;
	}
	if (strncmp(mnt, "/sys/", 5) != 0)
		return 0;
	if (asprintf(&abs, "%s%s", mnt + 5, below) < 0)
		return -ENOMEM;
	rc = pv_fs_exists(PV_SYS, abs);
	if (rc == 1)
		*ret = abs;
	else
		free(abs);
	return 0;
}

int pv_virt_proc_vm_cgroup(pid_t pid, char **ret_cgroup, char **ret_dir)
{
	char rel[64], *buf, *pcg = NULL, *vm = NULL, *mnt = NULL, *root = NULL, *dir = NULL;
	int rc;

	snprintf(rel, sizeof(rel), "%d/cgroup", (int)pid);
	rc = pv_fs_read_all(PV_PROC, rel, PV_VIRT_FILE_MAX, &buf, NULL);
	if (rc < 0)
		return rc;
	rc = pv_virt_parse_cgroup_v2(buf, &pcg);
	free(buf);
	if (rc < 0)
		return rc;
	rc = pv_virt_vm_cgroup_of(pcg, &vm);
	free(pcg);
	if (rc < 0)
		return rc;
	rc = pv_virt_cgroup2_mount(&mnt, &root);
	if (rc == 0)
		rc = pv_virt_cgroup_sysfs_rel(vm, mnt, root, &dir);
	else if (rc == -ENOENT || rc == -EACCES)
		rc = 0;         /* the path stands; its directory is unknown */
	free(mnt);
	free(root);
	if (rc < 0) {
		free(vm);
		return rc;
	}
	*ret_cgroup = vm;
	*ret_dir = dir;
	return 0;
}
