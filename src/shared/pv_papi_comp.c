/* The PAPI glue every papi-virt adapter shares (pv_papi_comp.h). */
#include "pv_papi_comp.h"

/* ---- callbacks that do nothing ------------------------------------------------ */

int pv_papi_noop_thread(hwd_context_t *ctx)
{
	(void)ctx;
	return PAPI_OK;
}

int pv_papi_noop_ctl(hwd_context_t *ctx, int code, _papi_int_option_t *option)
{
	(void)ctx;
	(void)code;
	(void)option;
	return PAPI_OK;
}

int pv_papi_noop_state(hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	(void)ctx;
	(void)ctl;
	return PAPI_OK;
}

static int pv_papi_domain_in(int domain, int accepted)
{
	return (domain & accepted) ? PAPI_OK : PAPI_EINVAL;
}

int pv_papi_domain_any(hwd_control_state_t *ctl, int domain)
{
	(void)ctl;
	return pv_papi_domain_in(domain, PAPI_DOM_ALL);
}

int pv_papi_domain_user_kernel_other(hwd_control_state_t *ctl, int domain)
{
	(void)ctl;
	return pv_papi_domain_in(domain, PAPI_DOM_USER | PAPI_DOM_KERNEL | PAPI_DOM_OTHER);
}

int pv_papi_domain_user(hwd_control_state_t *ctl, int domain)
{
	(void)ctl;
	return pv_papi_domain_in(domain, PAPI_DOM_USER);
}

/* ---- EventSet callbacks inside the component's pv_life ----------------------- */

int pv_papi_guard_ctl(struct pv_life *l, pv_papi_ctl_fn fn, hwd_context_t *ctx, hwd_control_state_t *ctl)
{
	int rc;

	if (pv_life_enter(l) < 0)
		return PAPI_ECMP;
	rc = fn(ctx, ctl);
	pv_life_leave(l);
	return rc;
}

int pv_papi_guard_read(struct pv_life *l, pv_papi_read_fn fn, hwd_context_t *ctx, hwd_control_state_t *ctl,
		       long long **events, int flags)
{
	int rc;

	if (pv_life_enter(l) < 0)
		return PAPI_ECMP;
	rc = fn(ctx, ctl, events, flags);
	pv_life_leave(l);
	return rc;
}

int pv_papi_guard_write(struct pv_life *l, pv_papi_write_fn fn, hwd_context_t *ctx, hwd_control_state_t *ctl,
			long long *values)
{
	int rc;

	if (pv_life_enter(l) < 0)
		return PAPI_ECMP;
	rc = fn(ctx, ctl, values);
	pv_life_leave(l);
	return rc;
}

int pv_papi_guard_update(struct pv_life *l, pv_papi_update_fn fn, hwd_control_state_t *ctl, NativeInfo_t *native,
			 int count, hwd_context_t *ctx)
{
	int rc;

	if (pv_life_enter(l) < 0)
		return PAPI_ECMP;
	rc = fn(ctl, native, count, ctx);
	pv_life_leave(l);
	return rc;
}
