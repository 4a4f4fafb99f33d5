/*
 * libFuzzer targets for the components' event-name parsers (what a PAPI
 * user types after "comp:::"), built like fuzz_parsers.c by scripts/fuzz.sh
 * with -DPV_FUZZ_<TARGET>.  A name that parses must print back to a name
 * that parses to the same request (a canonical name is a fixed point).
 *   steal_events  steal_events_parse / steal_events_name
 *   vmp_events    vmp_events_parse / vmp_events_name (cycles basis, model
 *                 energy, two packages: every kind available)
 *   rapl_events   rapl_vm_events_canonical over a set of two packages' power
 *                 limits (long_term, short_term) and a CPU governor, and
 *                 appio's appio_events_find
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "appio_events.h"
#include "rapl_vm_events.h"
#include "steal_events.h"
#include "vmp_events.h"

#include "fuzz_common.h"

#if defined(PV_FUZZ_STEAL_EVENTS)
static void one(const char *s, size_t len)
{
	(void)len;
	struct steal_req r, back;
	char err[512], name[4096];

	if (steal_events_parse(s, &r, err, sizeof(err)) != 0)
		return;
	check(r.kind >= STEAL_K_TOTAL && r.kind <= STEAL_K_VCPU_HALT);
	if (steal_events_name(&r, name, sizeof(name)) != 0)
		return; /* a decoded VM name too long to list: refused, fine */
	check(steal_events_parse(name, &back, err, sizeof(err)) == 0);
	check(back.kind == r.kind && back.cpu == r.cpu && back.vcpu == r.vcpu && strcmp(back.vm, r.vm) == 0);
}
#elif defined(PV_FUZZ_VMP_EVENTS)
static void one(const char *s, size_t len)
{
	(void)len;
	struct vmp_events_ctx c;
	struct vmp_req r, back;
	char err[512], name[4096];

	memset(&c, 0, sizeof(c));
	c.info.unit = VMP_CYCLES;
	c.info.energy = VMP_E_MODEL;
	c.info.npkg = 2;
	if (vmp_events_parse(&c, s, &r, err, sizeof(err)) != 0)
		return;
	check((unsigned)r.kind < VMP_K_COUNT && r.pkg >= -1 && r.pkg < 2);
	if (vmp_events_name(&r, name, sizeof(name)) != 0)
		return;
	check(vmp_events_parse(&c, name, &back, err, sizeof(err)) == 0);
	check(back.kind == r.kind && back.pkg == r.pkg && back.has_vm == r.has_vm && strcmp(back.vm, r.vm) == 0);
}
#elif defined(PV_FUZZ_RAPL_EVENTS)
static struct rapl_vm_ctl ctls[5];
static const struct rapl_vm_ctl_set set = { ctls, 5, 5 };

static void setup(void)
{
	static const char *names[2] = { "long_term", "short_term" };

	for (int i = 0; i < 4; i++) {
		ctls[i].kind = PV_CTL_POWER_LIMIT;
		ctls[i].pkg = i / 2;
		ctls[i].cpu = -1;
		ctls[i].constraint = i % 2;
		strcpy(ctls[i].cname, names[i % 2]);
	}
	ctls[4].kind = PV_CTL_GOVERNOR;
	ctls[4].pkg = -1;
	ctls[4].cpu = 0;
	ctls[4].constraint = -1;
}

static void one(const char *s, size_t len)
{
	(void)len;
	char err[512], canon[512], again[512];

	if (!ctls[0].cname[0])
		setup();
	if (rapl_vm_events_canonical(&set, s, canon, sizeof(canon), err, sizeof(err)) == 0) {
		check(rapl_vm_events_is_base(canon));
		check(rapl_vm_events_canonical(&set, canon, again, sizeof(again), err, sizeof(err)) == 0);
		check(strcmp(canon, again) == 0);
	}
	rapl_vm_events_canonical(NULL, s, canon, sizeof(canon), err, sizeof(err));
	int i = appio_events_find(s);
	check(i == -ENOENT || (i >= 0 && (unsigned)i < appio_events_count && strcmp(appio_events[i].name, s) == 0));
}
#else
#error "define one PV_FUZZ_<TARGET> (see scripts/fuzz.sh)"
#endif
