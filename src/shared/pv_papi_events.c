/* ntv_* callbacks over a pv_evtab, shared by all papi-virt components. */
#include "pv_papi_events.h"
#include "pv_msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pv_papi_events_init(struct pv_papi_events *ev, papi_vector_t *vector,
			int (*resolve)(struct pv_papi_events *, const char *, unsigned *))
{
	int rc = pv_evtab_init(&ev->tab);

	ev->vector = vector;
	ev->resolve = resolve;
	ev->built = 0;
	ev->build_rc = 0;
	if (rc == 0)
		rc = -pthread_mutex_init(&ev->build_lock, NULL);
	return rc;
}

void pv_papi_events_fini(struct pv_papi_events *ev)
{
	pv_evtab_destroy(&ev->tab);
	pthread_mutex_destroy(&ev->build_lock);
}

int pv_papi_errno(int err)
{
	switch (err) {
	case 0:
		return PAPI_OK;
	case -ENOENT:
	case -ESRCH:
		return PAPI_ENOEVNT;
	case -EINVAL:
	case -ERANGE:
	case -ENAMETOOLONG:
		return PAPI_EINVAL;
	case -EPERM:
	case -EACCES:
	case -EROFS:
		return PAPI_EPERM;
	case -ENOMEM:
		return PAPI_ENOMEM;
	case -ENOSYS:
	case -EOPNOTSUPP:
		return PAPI_ENOSUPP;
	case -ENODEV:
		return PAPI_ENOCMP;
	case -ENOSPC:
		return PAPI_ECOUNT;
	default:
		return PAPI_ESYS;
	}
}

int pv_papi_disable(papi_vector_t *vector, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pv_msgvf(vector->cmp_info.disabled_reason, sizeof(vector->cmp_info.disabled_reason), fmt, ap);
	va_end(ap);
	vector->cmp_info.disabled = PAPI_ECMP;
	return PAPI_ECMP;
}

void pv_papi_partial(papi_vector_t *vector, const char *fmt, ...)
{
#if PAPI_VERSION >= PAPI_VERSION_NUMBER(7, 2, 0, 0)
	va_list ap;

	va_start(ap, fmt);
	pv_msgvf(vector->cmp_info.partially_disabled_reason,
		   sizeof(vector->cmp_info.partially_disabled_reason), fmt, ap);
	va_end(ap);
	vector->cmp_info.partially_disabled = 1;
#else
	(void)vector;
	(void)fmt;
#endif
}

int pv_papi_read_status(int *failed, int papi_rc)
{
	if (papi_rc == PAPI_OK) {
		*failed = 0;
		return PAPI_OK;
	}
	if (*failed)
		return PAPI_OK;
	*failed = 1;
	return papi_rc;
}

void pv_papi_error(const papi_vector_t *vector, const char *fmt, ...)
{
	char msg[PAPI_HUGE_STR_LEN];
	va_list ap;

	va_start(ap, fmt);
	pv_msgvf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	PAPIERROR("%s: %s", vector->cmp_info.name, msg);
}

static const struct pv_event *pv_get(struct pv_papi_events *ev, unsigned code)
{
	return pv_evtab_get(&ev->tab, code);
}

static int pv_enum_in(struct pv_papi_events *ev, unsigned *code, int modifier)
{
	const struct pv_event *e;
	unsigned next;
	int rc;

	switch (modifier) {
	case PAPI_ENUM_FIRST:
		rc = pv_evtab_next_base(&ev->tab, -1, &next);
		break;
	case PAPI_ENUM_EVENTS:
		e = pv_get(ev, *code);
		if (!e)
			return PAPI_ENOEVNT;
		/* From an instance, continue after its base event. */
		rc = pv_evtab_next_base(&ev->tab, e->base < 0 ? (int)*code : e->base, &next);
		break;
	case PAPI_NTV_ENUM_UMASKS:
		e = pv_get(ev, *code);
		if (!e)
			return PAPI_ENOEVNT;
		if (e->base < 0)
			rc = pv_evtab_next_instance(&ev->tab, *code, -1, &next);
		else
			rc = pv_evtab_next_instance(&ev->tab, (unsigned)e->base, (int)*code, &next);
		break;
	default:
		return PAPI_EINVAL;
	}
	if (rc < 0)
		return PAPI_ENOEVNT;
	/* Tell PAPI the name so enumeration reuses the code that a name
	 * lookup created, instead of adding a new one on every pass. */
	_papi_hwi_set_papi_event_string(pv_get(ev, next)->name);
	*code = next;
	return PAPI_OK;
}

static int pv_name_to_code_in(struct pv_papi_events *ev, const char *name, unsigned *code)
{
	int rc;

	if (pv_evtab_find(&ev->tab, name, code) == 0)
		return PAPI_OK;
	if (!ev->resolve)
		return PAPI_ENOEVNT;
	rc = ev->resolve(ev, name, code);
	return pv_papi_errno(rc);
}

/* Copies as much of src as fits: PAPI's short fields (short_descr is 64
 * bytes) take the start of a longer description on purpose. */
static void pv_copy_cut(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int pv_copy(char *dst, int len, const char *src)
{
	if (len <= 0)
		return PAPI_EINVAL;
	pv_copy_cut(dst, (size_t)len, src);
	return PAPI_OK;
}

/* Instances are described as "<base description> masks:<instance>", the
 * form papi_native_avail splits to print qualifier lines. */
static void pv_full_descr(struct pv_papi_events *ev, const struct pv_event *e, char *buf, size_t len)
{
	const struct pv_event *b = e->base >= 0 ? pv_get(ev, (unsigned)e->base) : NULL;

	int n = b ? snprintf(buf, len, "%s masks:%s", b->desc, e->desc)
		  : snprintf(buf, len, "%s", e->desc);

	(void)n; /* a description cut at PAPI's length is still useful */
}

static int pv_code_to_name_in(struct pv_papi_events *ev, unsigned code, char *name, int len)
{
	const struct pv_event *e = pv_get(ev, code);

	if (!e)
		return PAPI_ENOEVNT;
	return pv_copy(name, len, e->name);
}

static int pv_code_to_descr_in(struct pv_papi_events *ev, unsigned code, char *descr, int len)
{
	const struct pv_event *e = pv_get(ev, code);

	if (!e)
		return PAPI_ENOEVNT;
	if (len <= 0)
		return PAPI_EINVAL;
	pv_full_descr(ev, e, descr, (size_t)len);
	return PAPI_OK;
}

static int pv_code_to_info_in(struct pv_papi_events *ev, unsigned code, PAPI_event_info_t *info)
{
	const struct pv_event *e = pv_get(ev, code);

	if (!e)
		return PAPI_ENOEVNT;
	pv_copy_cut(info->symbol, sizeof(info->symbol), e->name);
	pv_full_descr(ev, e, info->long_descr, sizeof(info->long_descr));
	pv_copy_cut(info->short_descr, sizeof(info->short_descr), e->desc);
	pv_copy_cut(info->units, sizeof(info->units), e->units);
	switch (e->dtype) {
	case PV_S64:
		info->data_type = PAPI_DATATYPE_INT64;
		break;
	case PV_F64:
		info->data_type = PAPI_DATATYPE_FP64;
		break;
	default:
		info->data_type = PAPI_DATATYPE_UINT64;
	}
	if (e->vtype == PV_GAUGE) {
		info->value_type = PAPI_VALUETYPE_ABSOLUTE;
		info->timescope = PAPI_TIMESCOPE_POINT;
	} else {
		info->value_type = PAPI_VALUETYPE_RUNNING_SUM;
		info->timescope = PAPI_TIMESCOPE_SINCE_START;
	}
	return PAPI_OK;
}

/* ---- the same, inside the component's lifetime guard --------------------- */

int pv_papi_events_ready(struct pv_papi_events *ev)
{
	if (!ev->build)
		return PAPI_OK;
	if (!__atomic_load_n(&ev->built, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&ev->build_lock);
		if (!ev->built) {
			ev->build_rc = ev->build(ev);
			if (ev->build_rc < 0)
				pv_papi_error(ev->vector, "cannot build the event table: %s",
					      strerror(-ev->build_rc));
			__atomic_store_n(&ev->built, 1, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&ev->build_lock);
	}
	return pv_papi_errno(ev->build_rc);
}

/* Enters the guard and builds the table if that is still to do: PAPI_OK
 * inside the guard, or an error outside it. */
static int pv_ev_enter(struct pv_papi_events *ev)
{
	int rc;

	if (ev->life && pv_life_enter(ev->life) < 0)
		return PAPI_ENOEVNT;
	rc = pv_papi_events_ready(ev);
	if (rc != PAPI_OK && ev->life)
		pv_life_leave(ev->life);
	return rc;
}

static void pv_ev_leave(struct pv_papi_events *ev)
{
	if (ev->life)
		pv_life_leave(ev->life);
}

int pv_papi_enum_events(struct pv_papi_events *ev, unsigned *code, int modifier)
{
	int rc;

	if ((rc = pv_ev_enter(ev)) != PAPI_OK)
		return rc;
	rc = pv_enum_in(ev, code, modifier);
	pv_ev_leave(ev);
	return rc;
}

int pv_papi_name_to_code(struct pv_papi_events *ev, const char *name, unsigned *code)
{
	int rc;

	if ((rc = pv_ev_enter(ev)) != PAPI_OK)
		return rc;
	rc = pv_name_to_code_in(ev, name, code);
	pv_ev_leave(ev);
	return rc;
}

int pv_papi_code_to_name(struct pv_papi_events *ev, unsigned code, char *name, int len)
{
	int rc;

	if ((rc = pv_ev_enter(ev)) != PAPI_OK)
		return rc;
	rc = pv_code_to_name_in(ev, code, name, len);
	pv_ev_leave(ev);
	return rc;
}

int pv_papi_code_to_descr(struct pv_papi_events *ev, unsigned code, char *descr, int len)
{
	int rc;

	if ((rc = pv_ev_enter(ev)) != PAPI_OK)
		return rc;
	rc = pv_code_to_descr_in(ev, code, descr, len);
	pv_ev_leave(ev);
	return rc;
}

int pv_papi_code_to_info(struct pv_papi_events *ev, unsigned code, PAPI_event_info_t *info)
{
	int rc;

	if ((rc = pv_ev_enter(ev)) != PAPI_OK)
		return rc;
	rc = pv_code_to_info_in(ev, code, info);
	pv_ev_leave(ev);
	return rc;
}
