/* Unit tests of pv_config (the table of every PAPI_VIRT_* variable) and of
 * the debug channel pv_dbg (pv_msg.h):
 *   - with nothing set, every field has its documented default and no
 *     variable is refused (each default string goes through its own parser);
 *   - values are parsed with the validation each module had before (ranges
 *     of the ms variables, the steal cache window, a positive export range);
 *     a refused value keeps the default and leaves one sentence naming the
 *     variable, the value and the reason;
 *   - URI and state directory fall back as documented;
 *   - the configuration is read once: a changed environment is seen only
 *     after pv_config_reload()/pv_config_reset(), and an old pointer stays
 *     valid;
 *   - pv_dbg prints "papi-virt[<component>]: <text>" only when
 *     PAPI_VIRT_DEBUG=1, and does not evaluate its arguments otherwise. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_config.h"
#include "pv_fs.h"
#include "pv_msg.h"

static void clear_env(void)
{
	for (int i = 0; i < PV_CFG_COUNT; i++)
		unsetenv(pv_config_name(i));
	unsetenv("LIBVIRT_DEFAULT_URI");
	pv_config_reset();
}

START_TEST(defaults)
{
	const struct pv_config *c;

	clear_env();
	c = pv_config_get();
	for (int i = 0; i < PV_CFG_COUNT; i++) {
		ck_assert_msg(pv_config_error(c, i) == NULL, "%s", pv_config_error(c, i));
		ck_assert_msg(strncmp(pv_config_name(i), "PAPI_VIRT_", 10) == 0, "%s", pv_config_name(i));
		ck_assert_msg(strlen(pv_config_doc(i)) > 10, "%s has no doc line", pv_config_name(i));
	}
	ck_assert_str_eq(c->uri, "qemu:///system");
	ck_assert_str_eq(c->libvirt, "libvirt.so.0");
	ck_assert_uint_eq(c->timeout_ms, 5000);
	ck_assert_str_eq(c->procfs, "/proc");
	ck_assert_str_eq(c->sysfs, "/sys");
	ck_assert_str_eq(c->bootfs, "/boot");
	ck_assert_str_eq(c->power_model, "");
	ck_assert_str_eq(c->idle_power, "");
	ck_assert_uint_eq(c->vmpower_period_ms, 1000);
	ck_assert_uint_eq(c->vmpower_refresh_ms, 5000);
	ck_assert_str_eq(c->vmpower_export, "");
	ck_assert_uint_eq(c->vmpower_export_range_uj, 262143328850ull);
	ck_assert_uint_eq(c->steal_cache_ns, 1000000);
	ck_assert_uint_eq(c->debug, 0);
	ck_assert_str_eq(pv_fs_root(PV_PROC), "/proc");
	ck_assert_str_eq(pv_fs_root(PV_BOOT), "/boot");
}
END_TEST

START_TEST(values)
{
	const struct pv_config *c;

	clear_env();
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_LIBVIRT", "/x/libvirt.so", 1);
	setenv("PAPI_VIRT_TIMEOUT_MS", "1500", 1);
	setenv("PAPI_VIRT_PROCFS", "/fx/proc", 1);
	setenv("PAPI_VIRT_SYSFS", "/fx/sys/", 1);
	setenv("PAPI_VIRT_BOOTFS", "/fx/boot", 1);
	setenv("PAPI_VIRT_POWER_MODEL", "idle=10,max=50", 1);
	setenv("PAPI_VIRT_IDLE_POWER", "1,2", 1);
	setenv("PAPI_VIRT_VMPOWER_PERIOD_MS", "3600000", 1);
	setenv("PAPI_VIRT_VMPOWER_REFRESH_MS", "1", 1);
	setenv("PAPI_VIRT_VMPOWER_EXPORT", "/fx/export", 1);
	setenv("PAPI_VIRT_VMPOWER_EXPORT_RANGE_UJ", "40000000", 1);
	setenv("PAPI_VIRT_STEAL_CACHE_US", "10000000", 1);
	setenv("PAPI_VIRT_STATE_DIR", "/x/y", 1);
	setenv("PAPI_VIRT_DEBUG", "1", 1);
	pv_config_reset();
	c = pv_config_get();
	for (int i = 0; i < PV_CFG_COUNT; i++)
		ck_assert_msg(pv_config_error(c, i) == NULL, "%s", pv_config_error(c, i));
	ck_assert_str_eq(c->uri, "test:///default");
	ck_assert_str_eq(c->libvirt, "/x/libvirt.so");
	ck_assert_uint_eq(c->timeout_ms, 1500);
	ck_assert_str_eq(pv_fs_root(PV_PROC), "/fx/proc");
	ck_assert_str_eq(pv_fs_root(PV_BOOT), "/fx/boot");
	char p[64];
	ck_assert_int_eq(pv_fs_path(PV_SYS, "class", p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/fx/sys/class");
	ck_assert_str_eq(c->power_model, "idle=10,max=50");
	ck_assert_str_eq(c->idle_power, "1,2");
	ck_assert_uint_eq(c->vmpower_period_ms, 3600000);
	ck_assert_uint_eq(c->vmpower_refresh_ms, 1);
	ck_assert_str_eq(c->vmpower_export, "/fx/export");
	ck_assert_uint_eq(c->vmpower_export_range_uj, 40000000);
	ck_assert_uint_eq(c->steal_cache_ns, 10000000000ull);
	ck_assert_str_eq(c->state_dir, "/x/y");
	ck_assert_uint_eq(c->debug, 1);
	/* An empty value is unset (as every module treated it before). */
	setenv("PAPI_VIRT_PROCFS", "", 1);
	setenv("PAPI_VIRT_STEAL_CACHE_US", "0", 1);
	pv_config_reset();
	c = pv_config_get();
	ck_assert_str_eq(c->procfs, "/proc");
	ck_assert_uint_eq(c->steal_cache_ns, 0);
}
END_TEST

/* var=value is refused with reason; the field keeps its default. */
static void refused(const char *var, enum pv_config_var id, const char *value, const char *reason)
{
	char want[256];
	const struct pv_config *c;

	clear_env();
	setenv(var, value, 1);
	pv_config_reset();
	c = pv_config_get();
	snprintf(want, sizeof(want), "%s='%s': %s", var, value, reason);
	ck_assert_ptr_nonnull(pv_config_error(c, id));
	ck_assert_str_eq(pv_config_error(c, id), want);
	for (int i = 0; i < PV_CFG_COUNT; i++)
		if (i != (int)id)
			ck_assert_ptr_null(pv_config_error(c, i));
}

START_TEST(bad_values)
{
	refused("PAPI_VIRT_TIMEOUT_MS", PV_CFG_TIMEOUT_MS, "12x", "not an unsigned integer");
	ck_assert_uint_eq(pv_config_get()->timeout_ms, 5000);
	refused("PAPI_VIRT_TIMEOUT_MS", PV_CFG_TIMEOUT_MS, "0", "outside 1..3600000");
	refused("PAPI_VIRT_TIMEOUT_MS", PV_CFG_TIMEOUT_MS, "3600001", "outside 1..3600000");
	refused("PAPI_VIRT_TIMEOUT_MS", PV_CFG_TIMEOUT_MS, "-5", "not an unsigned integer");
	refused("PAPI_VIRT_VMPOWER_PERIOD_MS", PV_CFG_VMPOWER_PERIOD_MS, "0", "outside 1..3600000");
	ck_assert_uint_eq(pv_config_get()->vmpower_period_ms, 1000);
	refused("PAPI_VIRT_VMPOWER_REFRESH_MS", PV_CFG_VMPOWER_REFRESH_MS, "5s", "not an unsigned integer");
	ck_assert_uint_eq(pv_config_get()->vmpower_refresh_ms, 5000);
	refused("PAPI_VIRT_STEAL_CACHE_US", PV_CFG_STEAL_CACHE_US, "12abc", "not an unsigned integer");
	ck_assert_uint_eq(pv_config_get()->steal_cache_ns, 1000000);
	refused("PAPI_VIRT_STEAL_CACHE_US", PV_CFG_STEAL_CACHE_US, "10000001", "outside 0..10000000");
	refused("PAPI_VIRT_VMPOWER_EXPORT_RANGE_UJ", PV_CFG_VMPOWER_EXPORT_RANGE_UJ, "0",
		"outside 1..18446744073709551615");
	refused("PAPI_VIRT_VMPOWER_EXPORT_RANGE_UJ", PV_CFG_VMPOWER_EXPORT_RANGE_UJ, "99999999999999999999",
		"not an unsigned integer");
	ck_assert_uint_eq(pv_config_get()->vmpower_export_range_uj, 262143328850ull);
	refused("PAPI_VIRT_DEBUG", PV_CFG_DEBUG, "yes", "not an unsigned integer");
	ck_assert_uint_eq(pv_config_get()->debug, 0);
	refused("PAPI_VIRT_DEBUG", PV_CFG_DEBUG, "2", "outside 0..1");
}
END_TEST

START_TEST(fallbacks)
{
	clear_env();
	setenv("LIBVIRT_DEFAULT_URI", "test:///default", 1);
	pv_config_reset();
	ck_assert_str_eq(pv_config_get()->uri, "test:///default");
	setenv("PAPI_VIRT_URI", "qemu:///session", 1);
	pv_config_reset();
	ck_assert_str_eq(pv_config_get()->uri, "qemu:///session");

	unsetenv("PAPI_VIRT_STATE_DIR");
	setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
	pv_config_reset();
	if (geteuid() == 0) {
		ck_assert_str_eq(pv_config_get()->state_dir, "/run/papi-virt");
	} else {
		char want[64];

		ck_assert_str_eq(pv_config_get()->state_dir, "/run/user/4242/papi-virt");
		unsetenv("XDG_RUNTIME_DIR");
		pv_config_reset();
		snprintf(want, sizeof(want), "/tmp/papi-virt-%u", (unsigned)geteuid());
		ck_assert_str_eq(pv_config_get()->state_dir, want);
	}
}
END_TEST

START_TEST(read_once)
{
	const struct pv_config *a, *b;

	clear_env();
	setenv("PAPI_VIRT_SYSFS", "/first", 1);
	pv_config_reset();
	a = pv_config_get();
	setenv("PAPI_VIRT_SYSFS", "/second", 1);
	ck_assert_ptr_eq(pv_config_get(), a);
	ck_assert_str_eq(pv_fs_root(PV_SYS), "/first"); /* not re-read per call */
	b = pv_config_reload();
	ck_assert_ptr_ne(a, b);
	ck_assert_str_eq(pv_fs_root(PV_SYS), "/second");
	ck_assert_str_eq(a->sysfs, "/first"); /* still valid */
	ck_assert_ptr_eq(pv_config_reload(), b); /* nothing changed: same object */
	setenv("XDG_RUNTIME_DIR", "/elsewhere", 1); /* an input of a fallback */
	ck_assert_ptr_ne(pv_config_reload(), b);
}
END_TEST

static int evaluated;

static int count_eval(void)
{
	return ++evaluated;
}

/* Runs pv_dbg with stderr sent to a file; returns what was printed. */
static void dbg_capture(char *out, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	ck_assert_ptr_nonnull(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	pv_dbg("steal", "chose %s because %d", "host", count_eval());
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

START_TEST(debug_channel)
{
	char out[256];

	clear_env();
	evaluated = 0;
	dbg_capture(out, sizeof(out));
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(evaluated, 0);
	setenv("PAPI_VIRT_DEBUG", "1", 1);
	pv_config_reset();
	dbg_capture(out, sizeof(out));
	ck_assert_str_eq(out, "papi-virt[steal]: chose host because 1\n");
	/* PAPI's debug level is a second source, independent of the variable. */
	setenv("PAPI_VIRT_DEBUG", "0", 1);
	pv_config_reset();
	pv_msg_dbg_set(PV_DBG_PAPI, 1);
	dbg_capture(out, sizeof(out));
	ck_assert_str_eq(out, "papi-virt[steal]: chose host because 2\n");
	pv_msg_dbg_set(PV_DBG_PAPI, 0);
	dbg_capture(out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

PV_CHECK_MAIN("pv_config",
	defaults, values, bad_values, fallbacks, read_once, debug_channel)
