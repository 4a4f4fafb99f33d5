/*
 * pv_helpers.h: the helper library of papi-virt's utilities (utils/).
 *
 * A utility uses the PAPI API (papi.h), its own helper modules
 * (utils/util_*.[ch]) and the PAPI-free modules listed below, which it gets
 * from the logic archive (libpvlogic.a).  Nothing else: the internals of a
 * component (src/components/<c>/ headers not listed here) are not for
 * utilities; what a utility needs from a component either goes through
 * PAPI events or moves into this library first (the saved control state of
 * rapl_vm became pv_ctlstate for papi_vmctl's restore).
 * ctests/scripts/test_utils_helpers_only.sh fails when a file of utils/
 * includes any other header of src/.
 *
 * This header only documents; include the headers themselves.  One line per
 * member, "helper: <header>  <what it is for>":
 *
 * helper: pv_fs.h           /proc, /sys reads under PAPI_VIRT_PROCFS/SYSFS
 * helper: pv_parse.h        strict number parsing (no atoi)
 * helper: pv_msg.h          pv_msgf: one formatted message into a caller's buffer
 * helper: pv_evname.h       event-name qualifiers (vm=NAME) and their escaping
 * helper: pv_virt.h         which VMs run (libvirt, dlopen'ed) and their QEMU processes
 * helper: pv_virt_link.h    libvirt without its headers or -lvirt: list domains, domain statistics (papi_vmcheck)
 * helper: pv_virt_proc.h    a QEMU process in procfs: vCPU threads, cgroup, schedstat
 * helper: pv_virt_types.h   the thread records pv_virt and pv_virt_proc share
 * helper: pv_guestview.h    what a guest can see of its hypervisor (papi_vmguest)
 * helper: pv_ctl.h          which host files are power controls, by kind
 * helper: pv_ctlstate.h     saved originals of host controls and their restore (papi_vmctl restore)
 * helper: pv_clock.h        pv_now_ns, the one monotonic clock (branch hostlayer)
 * helper: pv_procstat.h     /proc/stat per-CPU columns, exact tick conversion (branch hostlayer)
 * helper: pv_schedstat.h    a thread's schedstat: run and wait time (branch hostlayer)
 * helper: pv_cgroup.h       cgroup v2 cpu.stat of a VM (branch hostlayer)
 * helper: pv_config.h       the PAPI_VIRT_* configuration table (branch config)
 * helper: appio_report.h    the report appio's interposer writes for papi_appio_run (see below)
 *
 * appio_report.h is the one member outside src/shared: it is the wire format
 * between libpapi_appio_preload.so and papi_appio_run, written from and read
 * into appio's event table (appio_events), so it is defined once next to
 * that table rather than copied; papi_appio_run (which links no libpapi)
 * uses nothing else of appio.
 */
#ifndef PV_HELPERS_H
#define PV_HELPERS_H
#endif
