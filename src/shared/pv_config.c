/* The table of every PAPI_VIRT_* variable; see pv_config.h. */
#include "pv_config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_parse.h"
#include "pv_msg.h"
#include "pv_virt_types.h"

struct pv_config_entry;

/* One configuration as read, with what it was read from.  Published ones
 * are never freed (a reload after the environment changed publishes a new
 * one): a pointer from pv_config_get() stays valid for the process's life,
 * and a PAPI program that re-initialises PAPI many times with a changed
 * environment leaks one small struct per change. */
struct pv_config_node {
	struct pv_config cfg;
	char *owned[PV_CFG_COUNT];           /* the strings cfg points to */
	char *input[PV_CFG_COUNT + 2];        /* the variables, then LIBVIRT_DEFAULT_URI, XDG_RUNTIME_DIR */
	struct pv_config_node *older;
};

/* Stores value (never NULL, never "": unset and empty take the default
 * first) into the entry's field.  0, or -EINVAL with a reason in why (the
 * reason only: the caller names the variable and the value). */
typedef int (*pv_config_parse_fn)(struct pv_config_node *n, const struct pv_config_entry *e, const char *value,
				  char *why, size_t len);

struct pv_config_entry {
	const char *name;
	const char *def;  /* parsed like a value when unset or empty; NULL = "" */
	pv_config_parse_fn parse;
	size_t off;       /* the field in struct pv_config */
	uint64_t min, max, scale; /* numbers: accepted range, then * scale */
	const char *doc;
};

static int parse_str(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why, size_t len);
static int parse_uint(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why, size_t len);
static int parse_u64(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why, size_t len);
static int parse_uri(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why, size_t len);
static int parse_state_dir(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why,
			   size_t len);

#define PV_CFG_FIELD(f) offsetof(struct pv_config, f)

/* The one list.  README.md's configuration table names the same variables
 * (ctests/scripts/test_config_table.sh reads the names from here: keep one
 * entry per line: index, then the name on the same line). */
static const struct pv_config_entry pv_config_table[PV_CFG_COUNT] = {
	[PV_CFG_URI] = { "PAPI_VIRT_URI", NULL, parse_uri, PV_CFG_FIELD(uri), 0, 0, 0,
			 "libvirt URI for VM discovery (unset: LIBVIRT_DEFAULT_URI, else qemu:///system)" },
	[PV_CFG_LIBVIRT] = { "PAPI_VIRT_LIBVIRT", "libvirt.so.0", parse_str, PV_CFG_FIELD(libvirt), 0, 0, 0,
			     "libvirt library to dlopen() on first need (soname or path)" },
	[PV_CFG_TIMEOUT_MS] = { "PAPI_VIRT_TIMEOUT_MS", "5000", parse_uint, PV_CFG_FIELD(timeout_ms), 1, 3600000, 1,
				"bound on one libvirt exchange, in ms" },
	[PV_CFG_PROCFS] = { "PAPI_VIRT_PROCFS", "/proc", parse_str, PV_CFG_FIELD(procfs), 0, 0, 0,
			    "root of procfs (fixture trees in tests)" },
	[PV_CFG_SYSFS] = { "PAPI_VIRT_SYSFS", "/sys", parse_str, PV_CFG_FIELD(sysfs), 0, 0, 0, "root of sysfs" },
	[PV_CFG_BOOTFS] = { "PAPI_VIRT_BOOTFS", "/boot", parse_str, PV_CFG_FIELD(bootfs), 0, 0, 0,
			    "root of /boot (kernel config-<release> files)" },
	[PV_CFG_POWER_MODEL] = { "PAPI_VIRT_POWER_MODEL", NULL, parse_str, PV_CFG_FIELD(power_model), 0, 0, 0,
				 "vmpower's energy model where there is no RAPL: idle=W,max=W[,model=linear]" },
	[PV_CFG_IDLE_POWER] = { "PAPI_VIRT_IDLE_POWER", NULL, parse_str, PV_CFG_FIELD(idle_power), 0, 0, 0,
				"vmpower's idle baseline: auto, W, or W0,W1,... per package" },
	[PV_CFG_VMPOWER_PERIOD_MS] = { "PAPI_VIRT_VMPOWER_PERIOD_MS", "1000", parse_uint,
				       PV_CFG_FIELD(vmpower_period_ms), 1, 3600000, 1,
				       "vmpower's longest attribution interval, in ms" },
	[PV_CFG_VMPOWER_REFRESH_MS] = { "PAPI_VIRT_VMPOWER_REFRESH_MS", "5000", parse_uint,
					PV_CFG_FIELD(vmpower_refresh_ms), 1, 3600000, 1,
					"vmpower's libvirt refresh period (VM lifecycle), in ms" },
	[PV_CFG_VMPOWER_EXPORT] = { "PAPI_VIRT_VMPOWER_EXPORT", NULL, parse_str, PV_CFG_FIELD(vmpower_export), 0, 0,
				    0, "directory where vmpower exports each guest's energy as powercap files" },
	[PV_CFG_VMPOWER_EXPORT_RANGE_UJ] = { "PAPI_VIRT_VMPOWER_EXPORT_RANGE_UJ", "262143328850", parse_u64,
					     PV_CFG_FIELD(vmpower_export_range_uj), 1, UINT64_MAX, 1,
					     "wrap range of the exported energy_uj files, in uJ" },
	[PV_CFG_STEAL_CACHE_US] = { "PAPI_VIRT_STEAL_CACHE_US", "1000", parse_u64, PV_CFG_FIELD(steal_cache_ns), 0,
				    10000000, 1000, "steal's /proc/stat snapshot lifetime, in us (0 disables)" },
	[PV_CFG_STATE_DIR] = { "PAPI_VIRT_STATE_DIR", NULL, parse_state_dir, PV_CFG_FIELD(state_dir), 0, 0, 0,
			       "rapl_vm's saved-control directory (unset: /run/papi-virt as root, "
			       "else $XDG_RUNTIME_DIR/papi-virt, else /tmp/papi-virt-UID)" },
	[PV_CFG_DEBUG] = { "PAPI_VIRT_DEBUG", "0", parse_uint, PV_CFG_FIELD(debug), 0, 1, 1,
			   "1: print on stderr which basis and energy source each component chose, and why" },
};

static struct pv_config_node *pv_config_cur; /* atomic: readers take no lock */
static pthread_mutex_t pv_config_lock = PTHREAD_MUTEX_INITIALIZER;

static void *field(struct pv_config *c, const struct pv_config_entry *e)
{
	return (char *)c + e->off;
}

static int parse_str(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why, size_t len)
{
	char *copy = strdup(value);

	if (!copy) {
		pv_msgf(why, len, "out of memory");
		return -ENOMEM;
	}
	n->owned[e - pv_config_table] = copy;
	*(const char **)field(&n->cfg, e) = copy;
	return 0;
}

/* A number in [min, max] (strict: no sign, no garbage, no overflow). */
static int parse_range(const struct pv_config_entry *e, const char *value, uint64_t *ret, char *why, size_t len)
{
	uint64_t v;

	if (pv_parse_u64(value, &v) < 0) {
		pv_msgf(why, len, "not an unsigned integer");
		return -EINVAL;
	}
	if (v < e->min || v > e->max) {
		pv_msgf(why, len, "outside %llu..%llu", (unsigned long long)e->min, (unsigned long long)e->max);
		return -EINVAL;
	}
	*ret = v * e->scale;
	return 0;
}

static int parse_uint(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why, size_t len)
{
	uint64_t v;
	int rc = parse_range(e, value, &v, why, len);

	if (rc == 0)
		*(unsigned int *)field(&n->cfg, e) = (unsigned int)v; /* max <= 3600000 */
	return rc;
}

static int parse_u64(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why, size_t len)
{
	uint64_t v;
	int rc = parse_range(e, value, &v, why, len);

	if (rc == 0)
		*(uint64_t *)field(&n->cfg, e) = v;
	return rc;
}

/* Unset: libvirt's own variable, then libvirt's usual default. */
static int parse_uri(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why, size_t len)
{
	const char *lv = getenv("LIBVIRT_DEFAULT_URI");

	if (!*value)
		value = lv && *lv ? lv : PV_VIRT_DEFAULT_URI;
	return parse_str(n, e, value, why, len);
}

/* Unset: a per-user directory (root's in /run, which a reboot empties along
 * with the controls it restores). */
static int parse_state_dir(struct pv_config_node *n, const struct pv_config_entry *e, const char *value, char *why,
			   size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char d[4096];

	if (*value)
		return parse_str(n, e, value, why, len);
	if (geteuid() == 0)
		snprintf(d, sizeof(d), "/run/papi-virt");
	else if (xdg && *xdg && strlen(xdg) < sizeof(d) - 16)
		snprintf(d, sizeof(d), "%s/papi-virt", xdg);
	else
		snprintf(d, sizeof(d), "/tmp/papi-virt-%u", (unsigned)geteuid());
	return parse_str(n, e, d, why, len);
}

static void pv_config_read_one(struct pv_config_node *n, const struct pv_config_entry *e, const char *v)
{
	const char *def = e->def ? e->def : "";
	char *why = n->cfg.why[e - pv_config_table];
	char reason[PV_CONFIG_WHY_MAX - 64];

	if (v && *v) {
		if (e->parse(n, e, v, reason, sizeof(reason)) == 0)
			return;
		pv_msgf(why, PV_CONFIG_WHY_MAX, "%s='%.64s': %s", e->name, v, reason);
	}
	/* The defaults are valid by construction (test_pv_config checks each). */
	if (e->parse(n, e, def, reason, sizeof(reason)) < 0 && !why[0])
		pv_msgf(why, PV_CONFIG_WHY_MAX, "%s: default '%s' refused: %s", e->name, def, reason);
}

static void pv_config_node_free(struct pv_config_node *n)
{
	for (size_t i = 0; i < PV_CFG_COUNT; i++)
		free(n->owned[i]);
	for (size_t i = 0; i < PV_CFG_COUNT + 2; i++)
		free(n->input[i]);
	free(n);
}

/* Variable i of a node's input[]: the table's, then the two outside
 * variables the URI and state-directory rules read. */
static const char *pv_config_input_name(size_t i)
{
	return i < PV_CFG_COUNT ? pv_config_table[i].name : i == PV_CFG_COUNT ? "LIBVIRT_DEFAULT_URI" : "XDG_RUNTIME_DIR";
}

/* The environment now, parsed.  NULL only when out of memory. */
static struct pv_config_node *pv_config_read(void)
{
	static const char empty[] = "";
	struct pv_config_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	for (size_t i = 0; i < PV_CFG_COUNT + 2; i++) {
		const char *v = getenv(pv_config_input_name(i));

		if (v && !(n->input[i] = strdup(v))) {
			pv_config_node_free(n);
			return NULL;
		}
	}
	/* Strings never NULL, even when a copy fails. */
	for (size_t i = 0; i < PV_CFG_COUNT; i++)
		if (pv_config_table[i].parse != parse_uint && pv_config_table[i].parse != parse_u64)
			*(const char **)field(&n->cfg, &pv_config_table[i]) = empty;
	for (size_t i = 0; i < PV_CFG_COUNT; i++)
		pv_config_read_one(n, &pv_config_table[i], n->input[i]);
	return n;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether the environment still holds what node a was read from: checked
 * before reading, so the usual case (every component's init_component
 * re-checking an unchanged environment) parses and allocates nothing. */
static int pv_config_env_unchanged(const struct pv_config_node *a)
{
	for (size_t i = 0; i < PV_CFG_COUNT + 2; i++)
		if (!same_str(a->input[i], getenv(pv_config_input_name(i))))
			return 0;
	return 1;
}

/* The debug channel's PAPI_VIRT_DEBUG bit (PAPI's bit is kept). */
static void pv_dbg_set_config(unsigned int on)
{
	int s = __atomic_load_n(&pv_msg_dbg_state, __ATOMIC_RELAXED);

	s = (s < 0 ? 0 : s & ~PV_DBG_CONFIG) | (on ? PV_DBG_CONFIG : 0);
	__atomic_store_n(&pv_msg_dbg_state, s, __ATOMIC_RELAXED);
}

int pv_config_dbg_resolve(void)
{
	pv_config_get();
	return __atomic_load_n(&pv_msg_dbg_state, __ATOMIC_RELAXED);
}

/* Refused values, on the debug channel (a component that refuses to run
 * with one says so in its disabled reason too). */
static void pv_config_dbg_refused(const struct pv_config *c)
{
	for (size_t i = 0; i < PV_CFG_COUNT; i++)
		if (c->why[i][0])
			pv_dbg("config", "%s; using the default '%s'", c->why[i], pv_config_default(i));
}

/* The fallback when even the first read runs out of memory: defaults only
 * (no strings to copy, so it cannot fail). */
static struct pv_config_node pv_config_oom;

static const struct pv_config *pv_config_publish(int only_if_changed)
{
	struct pv_config_node *cur, *n;
	int fresh = 0;

	pthread_mutex_lock(&pv_config_lock);
	cur = __atomic_load_n(&pv_config_cur, __ATOMIC_ACQUIRE);
	if (cur && (only_if_changed < 0 || (only_if_changed > 0 && pv_config_env_unchanged(cur)))) {
		pthread_mutex_unlock(&pv_config_lock);
		return &cur->cfg; /* pv_config_get: another thread read it; reload: nothing changed */
	}
	n = pv_config_read();
	if (!n && !cur) {
		/* Out of memory at the first read: the built-in defaults. */
		pv_config_oom.cfg = (struct pv_config){ .uri = PV_VIRT_DEFAULT_URI, .libvirt = "libvirt.so.0",
			.timeout_ms = 5000, .procfs = "/proc", .sysfs = "/sys", .bootfs = "/boot",
			.power_model = "", .idle_power = "", .vmpower_period_ms = 1000, .vmpower_refresh_ms = 5000,
			.vmpower_export = "", .vmpower_export_range_uj = 262143328850ull, .steal_cache_ns = 1000000,
			.state_dir = "/run/papi-virt" };
		n = &pv_config_oom;
	}
	if (n) {
		n->older = cur;
		pv_dbg_set_config(n->cfg.debug);
		__atomic_store_n(&pv_config_cur, n, __ATOMIC_RELEASE);
		cur = n;
		fresh = 1;
	}
	pthread_mutex_unlock(&pv_config_lock);
	if (fresh)
		pv_config_dbg_refused(&cur->cfg);
	return &cur->cfg;
}

const struct pv_config *pv_config_get(void)
{
	struct pv_config_node *cur = __atomic_load_n(&pv_config_cur, __ATOMIC_ACQUIRE);

	return cur ? &cur->cfg : pv_config_publish(-1);
}

const struct pv_config *pv_config_reload(void)
{
	return pv_config_publish(1);
}

void pv_config_reset(void)
{
	pv_config_publish(0);
}

const char *pv_config_error(const struct pv_config *c, enum pv_config_var var)
{
	return c->why[var][0] ? c->why[var] : NULL;
}

const char *pv_config_name(enum pv_config_var var)
{
	return pv_config_table[var].name;
}

const char *pv_config_default(enum pv_config_var var)
{
	return pv_config_table[var].def ? pv_config_table[var].def : "";
}

const char *pv_config_doc(enum pv_config_var var)
{
	return pv_config_table[var].doc;
}
