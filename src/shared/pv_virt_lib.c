/* libvirt loaded on first need; see pv_virt_lib.h. */
#include "pv_virt_lib.h"

#include "pv_config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t pv_virt_lib_once = PTHREAD_ONCE_INIT;
static struct pv_virt_fns pv_virt_lib_fns;
static const struct pv_virt_fns *pv_virt_lib_ok;
static char pv_virt_lib_why[512];

/* Name and slot of every function, in one table so none is forgotten. */
#define PV_VIRT_SYM(f) { #f, (void **)&pv_virt_lib_fns.f }
static const struct {
	const char *name;
	void **slot;
} pv_virt_lib_syms[] = {
	PV_VIRT_SYM(virInitialize),
	PV_VIRT_SYM(virSetErrorFunc),
	PV_VIRT_SYM(virGetLastError),
	PV_VIRT_SYM(virConnectOpenReadOnly),
	PV_VIRT_SYM(virConnectClose),
	PV_VIRT_SYM(virConnectIsAlive),
	PV_VIRT_SYM(virConnectListAllDomains),
	PV_VIRT_SYM(virDomainGetName),
	PV_VIRT_SYM(virDomainGetUUIDString),
	PV_VIRT_SYM(virDomainGetID),
	PV_VIRT_SYM(virDomainFree),
	PV_VIRT_SYM(virConnectGetAllDomainStats),
	PV_VIRT_SYM(virDomainStatsRecordListFree),
};
_Static_assert(sizeof(pv_virt_lib_syms) / sizeof(pv_virt_lib_syms[0]) ==
	       sizeof(struct pv_virt_fns) / sizeof(void (*)(void)),
	       "every member of struct pv_virt_fns has an entry in pv_virt_lib_syms");

const char *pv_virt_lib_name(void)
{
	return pv_config_get()->libvirt;
}

static void pv_virt_lib_load(void)
{
	const char *name = pv_virt_lib_name();
	void *h;
	size_t i;

	/* RTLD_NODELETE: libvirt registers atfork handlers and threads that
	 * must outlive any dlclose.  RTLD_LAZY: libvirt pulls in ~60 libraries
	 * and binding every function of them now is a sixth of the first
	 * vmpower add (callgrind: 43.1 M -> 35.7 M instructions for dlopen +
	 * connect); the few libvirt calls we make bind on first use, and the
	 * symbols below are looked up here either way. */
	h = dlopen(name, RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
	if (!h) {
		const char *e = dlerror();

		snprintf(pv_virt_lib_why, sizeof(pv_virt_lib_why),
			 "cannot load libvirt (%s, PAPI_VIRT_LIBVIRT): %s (is the libvirt0 package installed?)",
			 name, e ? e : "unknown dlopen error");
		return;
	}
	for (i = 0; i < sizeof(pv_virt_lib_syms) / sizeof(pv_virt_lib_syms[0]); i++) {
		void *p = dlsym(h, pv_virt_lib_syms[i].name);

		if (!p) {
			snprintf(pv_virt_lib_why, sizeof(pv_virt_lib_why),
				 "%s (PAPI_VIRT_LIBVIRT) has no symbol %s: not a usable libvirt",
				 name, pv_virt_lib_syms[i].name);
			dlclose(h);
			memset(&pv_virt_lib_fns, 0, sizeof(pv_virt_lib_fns));
			return;
		}
		*pv_virt_lib_syms[i].slot = p;
	}
	pv_virt_lib_ok = &pv_virt_lib_fns;
}

const struct pv_virt_fns *pv_virt_lib(char *reason, size_t len)
{
	pthread_once(&pv_virt_lib_once, pv_virt_lib_load);
	if (!pv_virt_lib_ok && reason && len)
		snprintf(reason, len, "%s", pv_virt_lib_why);
	return pv_virt_lib_ok;
}
