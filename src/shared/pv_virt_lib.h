/*
 * pv_virt_lib: libvirt, loaded with dlopen() the first time a component
 * needs it, so libpapi's NEEDED list stays what Debian's libpapi7.0 has
 * (a machine without libvirt0 loads libpapi; guest-side events work).
 *
 * The symbol table is resolved all or nothing (as PAPI's rocm/nvml
 * components and systemd's dlopen_many_sym_or_warn do): either every
 * function below is usable, or none is and the reason says which soname or
 * symbol was missing.  A failed load is remembered for the process; the
 * library is never unloaded (libvirt keeps threads and atfork handlers).
 *
 * Configuration: PAPI_VIRT_LIBVIRT names the library to load (a soname or a
 * path); default "libvirt.so.0".  Tests set it to a missing name to
 * simulate a machine without libvirt0.
 *
 * Only pv_virt_link (pv_virt_link.c, pv_virt_link_stats.c) calls libvirt,
 * through pv_virt_lib()->fn; its users include no libvirt header.
 */
#ifndef PV_VIRT_LIB_H
#define PV_VIRT_LIB_H

#include <stddef.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

struct pv_virt_fns {
	int (*virInitialize)(void);
	void (*virSetErrorFunc)(void *userData, virErrorFunc handler);
	virErrorPtr (*virGetLastError)(void);
	virConnectPtr (*virConnectOpenReadOnly)(const char *name);
	int (*virConnectClose)(virConnectPtr conn);
	int (*virConnectIsAlive)(virConnectPtr conn);
	int (*virConnectListAllDomains)(virConnectPtr conn, virDomainPtr **domains, unsigned int flags);
	const char *(*virDomainGetName)(virDomainPtr domain);
	int (*virDomainGetUUIDString)(virDomainPtr domain, char *buf);
	unsigned int (*virDomainGetID)(virDomainPtr domain);
	int (*virDomainFree)(virDomainPtr domain);
	int (*virConnectGetAllDomainStats)(virConnectPtr conn, unsigned int stats, virDomainStatsRecordPtr **retStats,
					   unsigned int flags);
	void (*virDomainStatsRecordListFree)(virDomainStatsRecordPtr *stats);
};

/* The loaded table, loading it on the first call (thread-safe, once per
 * process).  NULL when libvirt cannot be used; then reason (if not NULL)
 * gets one sentence naming the library and the cause. */
const struct pv_virt_fns *pv_virt_lib(char *reason, size_t len);

/* The library name that is (or would be) loaded. */
const char *pv_virt_lib_name(void);

#endif
