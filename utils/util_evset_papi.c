/* PAPI EventSet and enumeration helpers for the utilities (util_evset.h). */
#include "util_evset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papi.h"
#include "pv_evname.h"

int util_papi_init(char *err, size_t errlen)
{
	if (PAPI_is_initialized())
		return 0;
	int rc = PAPI_library_init(PAPI_VER_CURRENT);
	if (rc != PAPI_VER_CURRENT) {
		snprintf(err, errlen, "PAPI_library_init failed: %s (is LD_LIBRARY_PATH set to papi-virt's libpapi?)",
			 rc < 0 ? PAPI_strerror(rc) : "version mismatch");
		return rc < 0 ? rc : PAPI_EINVAL;
	}
	return 0;
}

int util_papi_component(const char *name, char *why, size_t whylen)
{
	int cid = PAPI_get_component_index(name);
	if (cid < 0) {
		snprintf(why, whylen, "component %s is not in this libpapi", name);
		return -1;
	}
	const PAPI_component_info_t *ci = PAPI_get_component_info(cid);
	if (!ci) {
		snprintf(why, whylen, "component %s: no component info", name);
		return -1;
	}
	/* A component with delayed init (vmpower) activates on enumeration,
	 * as Debian's papi_component_avail forces it. */
	if (ci->disabled == PAPI_EDELAY_INIT) {
		int code = PAPI_NATIVE_MASK;
		(void)PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid);
	}
	if (ci->disabled) {
		snprintf(why, whylen, "component %s is disabled: %s", name,
			 ci->disabled_reason[0] ? ci->disabled_reason : "(no reason given)");
		return -1;
	}
	why[0] = 0;
	return cid;
}

/* "comp:::BASE:vm=X" with vm the only qualifier -> X decoded. */
static int instance_vm(const char *full, const char *comp, const char *base, char *vm, size_t len)
{
	size_t cl = strlen(comp);
	if (strncmp(full, comp, cl) != 0 || strncmp(full + cl, ":::", 3) != 0)
		return -EINVAL;
	struct pv_evname ev;
	if (pv_evname_parse(full + cl + 3, &ev) < 0 || strcmp(ev.base, base) != 0 || ev.nquals != 1)
		return -EINVAL;
	const char *v = pv_evname_value(&ev, "vm");
	if (!v || strlen(v) >= len)
		return -EINVAL;
	strcpy(vm, v);
	return 0;
}

int util_papi_list_vms(int cid, const char *comp, const char *base,
		       void (*fn)(const char *vm, void *arg), void *arg)
{
	char want[PAPI_MAX_STR_LEN], name[PAPI_HUGE_STR_LEN], vm[PV_EVNAME_VALUE_MAX];
	int code = PAPI_NATIVE_MASK, found = 0, rc;

	snprintf(want, sizeof(want), "%s:::%s", comp, base);
	rc = PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid);
	if (rc != PAPI_OK)
		return rc;
	/* Bounded: a component lists finitely many events; stop at 1e6. */
	for (int guard = 0; guard < 1000000; guard++) {
		if (PAPI_event_code_to_name(code, name) == PAPI_OK && strcmp(name, want) == 0) {
			int k = code;
			int more = PAPI_enum_cmp_event(&k, PAPI_NTV_ENUM_UMASKS, cid) == PAPI_OK;
			for (int g2 = 0; more && g2 < 1000000; g2++) {
				if (PAPI_event_code_to_name(k, name) == PAPI_OK &&
				    instance_vm(name, comp, base, vm, sizeof(vm)) == 0) {
					fn(vm, arg);
					found++;
				}
				more = PAPI_enum_cmp_event(&k, PAPI_NTV_ENUM_UMASKS, cid) == PAPI_OK;
			}
			return found;
		}
		if (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cid) != PAPI_OK)
			break;
	}
	return found;
}

int util_papi_event_descr(const char *name, char *buf, size_t len)
{
	int code;
	PAPI_event_info_t info;
	buf[0] = 0;
	int rc = PAPI_event_name_to_code(name, &code);
	if (rc != PAPI_OK)
		return rc;
	rc = PAPI_get_event_info(code, &info);
	if (rc != PAPI_OK)
		return rc;
	snprintf(buf, len, "%s", info.long_descr);
	return 0;
}

int util_event_name(char *buf, size_t len, const char *comp, const char *base, const char *vm)
{
	char esc[PV_EVNAME_VALUE_MAX * 3];
	if (pv_evname_escape(vm, esc, sizeof(esc)) < 0)
		return -ENAMETOOLONG;
	int n = snprintf(buf, len, "%s:::%s:vm=%s", comp, base, esc);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int util_evset_init(struct util_evset *e, int cid)
{
	memset(e, 0, sizeof(*e));
	e->es = PAPI_NULL;
	e->cid = cid;
	int rc = PAPI_create_eventset(&e->es);
	if (rc != PAPI_OK) {
		e->es = PAPI_NULL;
		return rc;
	}
	rc = PAPI_assign_eventset_component(e->es, cid);
	if (rc != PAPI_OK)
		util_evset_fini(e);
	return rc;
}

int util_evset_add(struct util_evset *e, const char *name)
{
	int code, rc;
	PAPI_event_info_t info;

	if ((rc = PAPI_event_name_to_code(name, &code)) != PAPI_OK)
		return rc;
	if ((rc = PAPI_add_event(e->es, code)) != PAPI_OK)
		return rc;
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 16;
		int *fp = realloc(e->fp, cap * sizeof(*fp));
		if (!fp)
			return PAPI_ENOMEM;
		e->fp = fp;
		long long *v = realloc(e->vals, cap * sizeof(*v));
		if (!v)
			return PAPI_ENOMEM;
		e->vals = v;
		e->cap = cap;
	}
	e->fp[e->n] = PAPI_get_event_info(code, &info) == PAPI_OK && info.data_type == PAPI_DATATYPE_FP64;
	e->vals[e->n] = 0;
	return (int)e->n++;
}

int util_evset_start(struct util_evset *e)
{
	if (e->n == 0)
		return PAPI_OK;
	int rc = PAPI_start(e->es);
	e->running = rc == PAPI_OK;
	return rc;
}

int util_evset_read(struct util_evset *e)
{
	if (!e->running)
		return PAPI_ENOTRUN;
	return PAPI_read(e->es, e->vals);
}

double util_evset_double(const struct util_evset *e, size_t i)
{
	if (e->fp[i]) {
		double d;
		memcpy(&d, &e->vals[i], sizeof(d));
		return d;
	}
	return (double)e->vals[i];
}

uint64_t util_evset_u64(const struct util_evset *e, size_t i)
{
	if (e->fp[i]) {
		double d = util_evset_double(e, i);
		return d > 0 ? (uint64_t)d : 0;
	}
	return e->vals[i] > 0 ? (uint64_t)e->vals[i] : 0;
}

void util_evset_fini(struct util_evset *e)
{
	if (e->es != PAPI_NULL) {
		long long *junk = e->n ? calloc(e->n, sizeof(*junk)) : NULL;
		if (e->running)
			PAPI_stop(e->es, junk);
		PAPI_cleanup_eventset(e->es);
		PAPI_destroy_eventset(&e->es);
		free(junk);
	}
	free(e->fp);
	free(e->vals);
	memset(e, 0, sizeof(*e));
	e->es = PAPI_NULL;
}
