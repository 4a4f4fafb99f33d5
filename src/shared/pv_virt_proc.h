/*
 * pv_virt_proc: how a QEMU process looks in procfs.  Every access goes
 * through pv_fs.h (root PAPI_VIRT_PROCFS / PAPI_VIRT_SYSFS), so each function
 * works on fixture trees.  Parsers take a buffer; readers take a pid.
 * Results are 0 or -errno; ret_* untouched on failure; -ENOENT means absent
 * (e.g. the process vanished), -EINVAL malformed content.
 */
#ifndef PV_VIRT_PROC_H
#define PV_VIRT_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pv_virt_types.h"

/* ---- parsers (no I/O) ---- */

/* UUID given to QEMU by "-uuid U" / "--uuid U" (also "-uuid=U") in a NUL
 * separated cmdline of len bytes.  ret_uuid gets PV_VIRT_UUID_STRLEN bytes,
 * lower-cased.  -ENOENT when there is no -uuid, -EINVAL when malformed. */
int pv_virt_parse_cmdline_uuid(const char *cmdline, size_t len, char *ret_uuid);

/* "CPU 3/TCG" or "CPU 3/KVM" (trailing newline allowed) -> 3.
 * -EINVAL for any other thread name. */
int pv_virt_parse_vcpu_comm(const char *comm, int *ret_index);

/* Field 22 (starttime) of a /proc/<pid>/stat line; the comm may contain
 * spaces and parentheses (the fields are taken after the LAST ')'). */
int pv_virt_parse_stat_start_time(const char *stat, uint64_t *ret);

/* State letter (field 3: R, S, D, Z...) of a <pid>/stat line; 0 when
 * malformed. */
char pv_virt_parse_stat_state(const char *stat);

/* The cgroup v2 line ("0::<path>") of a /proc/<pid>/cgroup file.
 * ret_path gets a malloc'd copy.  -ENOENT when there is no v2 line. */
int pv_virt_parse_cgroup_v2(const char *content, char **ret_path);

/* Mount point and root of the first cgroup2 filesystem in
 * /proc/self/mountinfo content (octal escapes like \040 decoded).
 * malloc'd copies.  -ENOENT when none. */
int pv_virt_parse_mountinfo_cgroup2(const char *content, char **ret_mnt, char **ret_root);

/* The same from /proc/mounts content (no root field there: root "/"). */
int pv_virt_parse_mounts_cgroup2(const char *content, char **ret_mnt, char **ret_root);

/* ---- readers (procfs / sysfs through pv_fs) ---- */

/* One scan of <procfs>/<pid>/cmdline for QEMU processes started with
 * "-uuid": for each uuids[i] (any case), ret_pids[i] = its pid or 0.
 * Processes vanishing during the scan are skipped.  -errno only when the
 * procfs root cannot be listed. */
int pv_virt_proc_find_qemu(const char *const *uuids, size_t n, pid_t *ret_pids);

/* starttime of <pid>/stat. */
int pv_virt_proc_start_time(pid_t pid, uint64_t *ret);

/* 1 when pid runs with this start time, 0 when it is gone (absent, reused
 * by another process, zombie), -errno when procfs cannot tell. */
int pv_virt_proc_alive(pid_t pid, uint64_t start_time);

/* Threads of pid from <pid>/task/<tid>/comm: vCPUs (sorted by index) and
 * the others (sorted by tid).  Threads vanishing during the scan are
 * skipped.  Arrays are malloc'd (NULL when empty). */
int pv_virt_proc_threads(pid_t pid, struct pv_virt_vcpu **ret_vcpus, size_t *ret_n_vcpus,
			 struct pv_virt_thread **ret_others, size_t *ret_n_others);

/* The VM's cgroup v2 directory for a QEMU pid: the process's v2 path with a
 * trailing "/emulator" removed (libvirt puts the QEMU main thread there and
 * vCPUs in ".../vcpuN"), and that path relative to the sysfs root when the
 * cgroup2 mount (from <procfs>/self/mountinfo, else <procfs>/mounts) is
 * under /sys.  *ret_dir may be set to NULL.  -ENOENT when the process is in
 * no v2 hierarchy. */
int pv_virt_proc_vm_cgroup(pid_t pid, char **ret_cgroup, char **ret_dir);

/* The VM's cgroup from the QEMU process's v2 path (the rule above; also
 * ".../qemu-N-name.libvirt-qemu" or "machine-qemu...scope[/libvirt]" as is).
 * -ENOENT when the path is not recognisably the VM's own. */
int pv_virt_vm_cgroup_of(const char *proc_cgroup, char **ret);

#endif
