/* The configuration at component init; see pv_papi_config.h. */
#include "pv_papi_config.h"

#include "papi.h"
#include "papi_internal.h"

#include "pv_msg.h"

const struct pv_config *pv_papi_config(void)
{
	const struct pv_config *c = pv_config_reload();

#ifdef DEBUG
	/* PAPI's SUBDBG channel: papi-virt's own lines go with it. */
	pv_msg_dbg_set(PV_DBG_PAPI, ISLEVEL(DEBUG_SUBSTRATE) != 0);
#endif
	return c;
}
