/*
 * The callbacks every component takes from the shared glue
 * (src/shared/pv_papi_comp.h), through the PAPI API, for each of our
 * components on fixtures:
 *   - set_domain: an EventSet assigned while the component's default domain
 *     is each single domain it lists in available_domains is accepted
 *     (PAPI calls set_domain at assignment), except SUPERVISOR alone for
 *     vmpower, which counts user, kernel and other time only (PAPI_EINVAL);
 *   - ctl: PAPI_set_opt(PAPI_DOMAIN) with each of those domains is
 *     accepted and read back by PAPI_get_opt;
 *   - the ntv_* forwarders: the first enumerated event's code maps to its
 *     name and back, with a description.
 * Fails (never skips) when a component is missing or disabled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papi.h"

static int failed;

static void fail(const char *comp, const char *what, int rc)
{
	printf("FAIL %s: %s (%d: %s)\n", comp, what, rc, PAPI_strerror(rc));
	failed = 1;
}

/* The domain rule of each component's set_domain (pv_papi_domain_*). */
static int accepts(const char *comp, int dom)
{
	if (strcmp(comp, "vmpower") == 0)
		return (dom & (PAPI_DOM_USER | PAPI_DOM_KERNEL | PAPI_DOM_OTHER)) != 0;
	return 1;
}

static void check_domains(const char *comp, int cidx, int avail)
{
	for (int dom = PAPI_DOM_USER; dom <= PAPI_DOM_SUPERVISOR; dom <<= 1) {
		int es = PAPI_NULL, rc;
		PAPI_option_t opt;

		if (!(avail & dom))
			continue;
		if ((rc = PAPI_set_cmp_domain(dom, cidx)) != PAPI_OK) {
			fail(comp, "PAPI_set_cmp_domain", rc);
			continue;
		}
		if ((rc = PAPI_create_eventset(&es)) != PAPI_OK) {
			fail(comp, "PAPI_create_eventset", rc);
			continue;
		}
		rc = PAPI_assign_eventset_component(es, cidx);
		printf("%s: default domain 0x%x: assign %d\n", comp, dom, rc);
		if (accepts(comp, dom) != (rc == PAPI_OK))
			fail(comp, accepts(comp, dom) ? "assign refused" : "assign accepted a domain it does not count", rc);
		if (rc == PAPI_OK) {
			memset(&opt, 0, sizeof(opt));
			opt.domain.eventset = es;
			opt.domain.domain = dom;
			if ((rc = PAPI_set_opt(PAPI_DOMAIN, &opt)) != PAPI_OK)
				fail(comp, "PAPI_set_opt(PAPI_DOMAIN)", rc);
			memset(&opt, 0, sizeof(opt));
			opt.domain.eventset = es;
			rc = PAPI_get_opt(PAPI_DOMAIN, &opt);
			if (rc != PAPI_OK || opt.domain.domain != dom)
				fail(comp, "PAPI_get_opt(PAPI_DOMAIN) does not read back the domain", rc);
		}
		PAPI_destroy_eventset(&es);
	}
}

static void check_names(const char *comp, int cidx)
{
	int code = 0 | PAPI_NATIVE_MASK, back, rc;
	char name[PAPI_MAX_STR_LEN];
	PAPI_event_info_t info;

	if ((rc = PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cidx)) != PAPI_OK)
		return fail(comp, "no first event", rc);
	if ((rc = PAPI_event_code_to_name(code, name)) != PAPI_OK)
		return fail(comp, "PAPI_event_code_to_name", rc);
	if ((rc = PAPI_event_name_to_code(name, &back)) != PAPI_OK || back != code)
		return fail(comp, "the name does not map back to the code", rc);
	if ((rc = PAPI_get_event_info(code, &info)) != PAPI_OK || !info.long_descr[0])
		return fail(comp, "no description", rc);
	printf("%s: 0x%x = %s: %s\n", comp, (unsigned)code, name, info.long_descr);
}

int main(void)
{
	static const char *comps[] = { "vmpower", "steal", "appio", "rapl_vm" };
	const char *fx = getenv("PV_FIXTURES");
	char p[4096];
	int rc;

	fx = fx ? fx : "ctests/fixtures";
	snprintf(p, sizeof(p), "%s/vmpower-2pkg/proc", fx);
	setenv("PAPI_VIRT_PROCFS", p, 1);
	snprintf(p, sizeof(p), "%s/rapl-intel-2pkg/sys", fx);
	setenv("PAPI_VIRT_SYSFS", p, 1);
	setenv("PAPI_VIRT_URI", "test:///default", 1);
	setenv("PAPI_VIRT_STATE_DIR", "/nonexistent/papi-virt-glue-test", 1); /* nothing is written */
	if ((rc = PAPI_library_init(PAPI_VER_CURRENT)) != PAPI_VER_CURRENT) {
		printf("FAIL: PAPI_library_init: %d\n", rc);
		return 1;
	}
	for (size_t i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
		int cidx = PAPI_get_component_index(comps[i]);
		const PAPI_component_info_t *ci = cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;

		if (!ci) {
			fail(comps[i], "component missing from libpapi", cidx);
			continue;
		}
		if (ci->disabled && ci->disabled != PAPI_EDELAY_INIT) {
			printf("FAIL %s: disabled: %s\n", comps[i], ci->disabled_reason);
			failed = 1;
			continue;
		}
		check_names(comps[i], cidx);
		check_domains(comps[i], cidx, ci->available_domains);
	}
	PAPI_shutdown();
	if (!failed)
		printf("PASS: set_domain, ctl and ntv_* of every component\n");
	return failed;
}
