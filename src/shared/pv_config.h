/*
 * pv_config: every PAPI_VIRT_* environment variable, in one table
 * (pv_config.c: name, default, parser, one-line doc), read once into a
 * struct pv_config.
 *
 * Only this module calls getenv() for a PAPI_VIRT_* variable.  Adapters
 * (*_papi.c) and utilities take the struct from pv_config_get() and pass it
 * (or the fields they need) to the logic modules; shared infrastructure that
 * every module reaches without a context (pv_fs roots, the libvirt registry,
 * the debug channel) reads it through pv_config_get() itself.
 *
 * README.md's configuration table lists the same names
 * (ctests/scripts/test_config_table.sh fails when they differ).
 *
 * A bad value never crashes the host program: the variable takes its
 * documented fallback and pv_config_error() holds one sentence naming the
 * variable, the value and the reason.  Whether a bad value also disables a
 * component is the component's decision (vmpower refuses a bad export
 * range; a bad timeout falls back to the default, as documented).
 *
 * Adding a variable: (1) an id in enum pv_config_var; (2) a field in struct
 * pv_config; (3) its entry in pv_config.c's table, on one line from the
 * index to the name (name, default string, parser, field, range, doc);
 * (4) a row in README.md's configuration table; (5) the adapter passes the
 * field (or the struct) to the logic module that needs it.
 * test_pv_config checks defaults and refusals, test_config_table.sh (4).
 */
#ifndef PV_CONFIG_H
#define PV_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum pv_config_var {
	PV_CFG_URI,
	PV_CFG_LIBVIRT,
	PV_CFG_TIMEOUT_MS,
	PV_CFG_PROCFS,
	PV_CFG_SYSFS,
	PV_CFG_BOOTFS,
	PV_CFG_POWER_MODEL,
	PV_CFG_IDLE_POWER,
	PV_CFG_VMPOWER_PERIOD_MS,
	PV_CFG_VMPOWER_REFRESH_MS,
	PV_CFG_VMPOWER_EXPORT,
	PV_CFG_VMPOWER_EXPORT_RANGE_UJ,
	PV_CFG_STEAL_CACHE_US,
	PV_CFG_STATE_DIR,
	PV_CFG_DEBUG,
	PV_CFG_COUNT
};

#define PV_CONFIG_WHY_MAX 256

struct pv_config {
	/* Strings are never NULL: "" means unset where the variable has no
	 * default (POWER_MODEL, IDLE_POWER, VMPOWER_EXPORT). */
	const char *uri;             /* PAPI_VIRT_URI, else LIBVIRT_DEFAULT_URI */
	const char *libvirt;         /* soname or path to dlopen() */
	unsigned int timeout_ms;     /* one libvirt exchange */
	const char *procfs, *sysfs, *bootfs;
	const char *power_model;     /* parsed by vmpower (vmp_model_parse) */
	const char *idle_power;      /* parsed by vmpower (vmp_model_idle_parse) */
	unsigned int vmpower_period_ms, vmpower_refresh_ms;
	const char *vmpower_export;  /* directory, "" = no export */
	uint64_t vmpower_export_range_uj;
	uint64_t steal_cache_ns;
	const char *state_dir;       /* resolved: never "" */
	unsigned int debug;          /* PAPI_VIRT_DEBUG=1 */
	/* One sentence per variable whose value was refused ("" if none). */
	char why[PV_CFG_COUNT][PV_CONFIG_WHY_MAX];
};

/* The configuration in force: read from the environment the first time
 * (thread-safe), the same object afterwards.  The pointer stays valid for
 * the life of the process, whatever is reloaded later. */
const struct pv_config *pv_config_get(void);

/* Reads the environment again and, when any variable changed, publishes a
 * new configuration (the old one stays valid for whoever still holds it).
 * Called at every component init (pv_papi_config.c), so a program that
 * changes a variable between PAPI_shutdown and PAPI_library_init gets it,
 * as it did when every module read the environment itself. */
const struct pv_config *pv_config_reload(void);

/* Reads the environment again unconditionally: for unit tests that change
 * variables between cases. */
void pv_config_reset(void);

/* The sentence explaining why var's value was refused, or NULL. */
const char *pv_config_error(const struct pv_config *c, enum pv_config_var var);

/* The variable's name ("PAPI_VIRT_URI"), its default ("" where the default
 * is derived, as for the URI), its doc line: the table, for messages and
 * tests. */
const char *pv_config_name(enum pv_config_var var);
const char *pv_config_default(enum pv_config_var var);
const char *pv_config_doc(enum pv_config_var var);

#endif
