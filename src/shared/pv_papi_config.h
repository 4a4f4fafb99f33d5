/*
 * pv_papi_config: the configuration as every adapter's init_component takes
 * it.  Only *_papi.c files include this.
 */
#ifndef PV_PAPI_CONFIG_H
#define PV_PAPI_CONFIG_H

#include "pv_config.h"

/* Re-reads the environment (pv_config_reload: PAPI_library_init after a
 * changed environment sees the change) and turns the debug channel on when
 * PAPI, built with debug, prints its SUBSTRATE messages (PAPI_DEBUG=SUBSTRATE). */
const struct pv_config *pv_papi_config(void);

#endif
