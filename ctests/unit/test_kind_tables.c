/*
 * The kind tables of steal, vmpower and appio, and appio's size bins: every
 * row complete, names unique and stable, and every place that derives from
 * a table (event names, descriptions, counter slots, values, the report)
 * agreeing with it.  The event names are a contract (papi_native_avail
 * output, documents, users' scripts): the lists below are written out on
 * purpose, so renaming or dropping an event fails here.
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_check.h"
#include "appio_bins.h"
#include "appio_count.h"
#include "appio_events.h"
#include "appio_report.h"
#include "pv_evtab.h"
#include "steal_events.h"
#include "vmp_events.h"

/* ---- steal ---------------------------------------------------------------- */

static const char *const steal_contract[] = {
	"STEAL_NS", "THREAD_RUN_DELAY_NS", "THREAD_STEAL_NS", "VIRT_NS", "VIRT_NS_COMPENSATED",
	"VCPU_RUN_NS", "VCPU_STEAL_NS", "VCPU_HALT_NS",
};
#define N_STEAL_CONTRACT (sizeof(steal_contract) / sizeof(steal_contract[0]))

START_TEST(steal_rows_complete)
{
	ck_assert_ptr_null(steal_events_kind(-1));
	ck_assert_ptr_null(steal_events_kind(STEAL_K_COUNT));
	for (int k = 0; k < STEAL_K_COUNT; k++) {
		const struct steal_kind_def *d = steal_events_kind(k);

		ck_assert_ptr_nonnull(d);
		ck_assert_msg(d->name && d->name[0], "kind %d has no name", k);
		ck_assert_msg(d->units && strcmp(d->units, "ns") == 0, "%s: units '%s'", d->name, d->units);
		ck_assert_msg(d->desc && strlen(d->desc) > 40 && d->desc_tail, "%s: no description", d->name);
		ck_assert_int_eq(d->dtype, PV_U64);
		ck_assert_int_eq(d->vtype, PV_COUNTER);
		/* An instance's base is a base of the same name. */
		ck_assert_int_eq(steal_events_kind(d->base)->base, d->base);
		ck_assert_str_eq(steal_events_kind(d->base)->name, d->name);
		/* A value to read: guest accounting or a vCPU value, not both. */
		ck_assert_int_eq(!!d->guest_value, !steal_events_kind_is_host(k));
		ck_assert_int_eq(steal_events_kind_is_host(k), strstr(d->quals, "vm") != NULL);
		/* Guest kinds open something; host kinds only bind vCPUs. */
		ck_assert_int_eq(steal_events_kind_sources(k, 0) != 0, !steal_events_kind_is_host(k));
		ck_assert_uint_eq(steal_events_kind_sources(k, 1) & ~steal_events_kind_sources(k, 0), 0);
	}
	/* The only kind whose sources depend on the accounting case. */
	ck_assert_uint_eq(steal_events_kind_sources(STEAL_K_VIRT_COMP, 1), STEAL_NEED_THREAD);
	ck_assert_uint_eq(steal_events_kind_sources(STEAL_K_VIRT_COMP, 0), STEAL_NEED_THREAD | STEAL_NEED_SYS);
}
END_TEST

START_TEST(steal_names_stable)
{
	struct pv_evtab t;
	char name[PV_EV_NAME_MAX], err[256];
	unsigned nbases = 0;

	ck_assert_int_eq(pv_evtab_init(&t), 0);
	ck_assert_int_eq(steal_events_add_bases(&t, "CASE", 100), 0);
	for (int k = 0; k < STEAL_K_COUNT; k++)
		nbases += (int)steal_events_kind(k)->base == k;
	ck_assert_uint_eq(nbases, N_STEAL_CONTRACT);
	ck_assert_uint_eq(pv_evtab_count(&t), N_STEAL_CONTRACT);
	for (unsigned i = 0; i < N_STEAL_CONTRACT; i++) {
		const struct pv_event *e = pv_evtab_get(&t, i);
		struct steal_req r;
		unsigned code;

		/* listed in contract order, codes unique */
		ck_assert_str_eq(e->name, steal_contract[i]);
		ck_assert_int_eq(pv_evtab_find(&t, steal_contract[i], &code), 0);
		ck_assert_uint_eq(code, i);
		ck_assert_int_eq(e->base, -1);
		ck_assert_str_eq(e->units, steal_events_kind(e->kind)->units);
		ck_assert_ptr_null(strchr(e->desc, '%')); /* no format left in a description */
		/* the name parses back to its kind and prints the same */
		ck_assert_int_eq(steal_events_parse(e->name, &r, err, sizeof(err)), 0);
		ck_assert_int_eq(r.kind, e->kind);
		ck_assert_int_eq(steal_events_name(&r, name, sizeof(name)), 0);
		ck_assert_str_eq(name, e->name);
	}
	pv_evtab_destroy(&t);
}
END_TEST

/* ---- vmpower --------------------------------------------------------------- */

static const char *const vmp_contract[] = {
	"VM_CYCLES", "VM_CPU_TIME_NS", "VM_ENERGY_UJ", "VM_POWER_W", "VM_SHARE_PCT", "VM_POWER_UW",
	"VM_SHARE_PPM", "HOST_ENERGY_UJ", "HOST_ACTIVE_ENERGY_UJ", "HOST_IDLE_ENERGY_UJ",
	"HOST_OTHER_ENERGY_UJ",
};

START_TEST(vmp_rows_complete)
{
	ck_assert_uint_eq(sizeof(vmp_contract) / sizeof(vmp_contract[0]), VMP_K_COUNT);
	ck_assert_ptr_null(vmp_events_kind(VMP_K_COUNT));
	for (int k = 0; k < VMP_K_COUNT; k++) {
		const struct vmp_kind_def *d = vmp_events_kind((enum vmp_kind)k);

		ck_assert_str_eq(d->base, vmp_contract[k]);
		ck_assert_msg(d->units && d->units[0], "%s: no units", d->base);
		ck_assert_msg(d->what && strlen(d->what) > 20, "%s: no description", d->base);
		/* VM kinds read VM quantities, host kinds host quantities. */
		ck_assert_int_eq(d->per_vm, d->qty <= VMP_Q_LAST_VM);
		ck_assert_int_eq(d->per_vm, strncmp(d->base, "VM_", 3) == 0);
		/* Counters are exact integer deltas; gauges are computed. */
		ck_assert_int_eq(d->vtype == PV_COUNTER, d->calc == VMP_CALC_DELTA);
		ck_assert(d->dtype == PV_U64 || (d->dtype == PV_F64 && d->vtype == PV_GAUGE));
		if (d->calc != VMP_CALC_DELTA)
			ck_assert(d->scale > 0 && d->qty == VMP_Q_VM_ENERGY && d->need == VMP_NEED_ENERGY);
		for (int j = 0; j < k; j++)
			ck_assert_str_ne(vmp_events_kind((enum vmp_kind)j)->base, d->base);
	}
}
END_TEST

static struct vmp_sample smp(uint64_t num, uint64_t den, uint64_t t_ns)
{
	struct vmp_sample s = { num, den, t_ns };
	return s;
}

START_TEST(vmp_values_from_table)
{
	/* 3 J over 2 s = 1.5 W; 1 J of 4 J of host activity = 25 %. */
	struct vmp_sample a = smp(1000000, 2000000, 5000000000ull), b = smp(4000000, 14000000, 7000000000ull);
	long long v;
	double d;

	ck_assert_double_eq_tol(vmp_events_kind_gauge(VMP_K_VM_POWER_W, &a, &b), 1.5, 1e-12);
	ck_assert_int_eq(vmp_events_kind_value(VMP_K_VM_POWER_UW, &a, &b), 1500000);
	v = vmp_events_kind_value(VMP_K_VM_POWER_W, &a, &b);
	memcpy(&d, &v, sizeof(d));
	ck_assert_double_eq_tol(d, 1.5, 1e-12);
	v = vmp_events_kind_value(VMP_K_VM_SHARE_PCT, &a, &b);
	memcpy(&d, &v, sizeof(d));
	ck_assert_double_eq_tol(d, 25.0, 1e-12);
	ck_assert_int_eq(vmp_events_kind_value(VMP_K_VM_SHARE_PPM, &a, &b), 250000);
	/* no time or no host activity: 0, not a division by zero */
	ck_assert_double_eq(vmp_events_kind_gauge(VMP_K_VM_POWER_W, &a, &a), 0.0);
	ck_assert_int_eq(vmp_events_kind_value(VMP_K_VM_SHARE_PPM, &b, &b), 0);
	/* counters: exact 64-bit change, beyond a double's 53 bits */
	a = smp(5, 0, 0);
	b = smp((1ull << 62) + 7, 0, 0);
	ck_assert_int_eq(vmp_events_kind_value(VMP_K_HOST_ENERGY_UJ, &a, &b), (long long)((1ull << 62) + 2));
	ck_assert_int_eq(vmp_events_kind_value(VMP_K_VM_CYCLES, &a, &b), (long long)((1ull << 62) + 2));
}
END_TEST

START_TEST(vmp_table_follows_host)
{
	struct vmp_events_ctx c;
	struct pv_evtab t;

	memset(&c, 0, sizeof(c));
	c.info.npkg = 1;
	for (int full = 0; full < 2; full++) {
		c.info.unit = full ? VMP_CYCLES : VMP_NS;
		c.info.energy = full ? VMP_E_RAPL : VMP_E_NONE;
		ck_assert_int_eq(pv_evtab_init(&t), 0);
		ck_assert_int_eq(vmp_events_add_bases(&c, &t), 0);
		/* everything with cycles and RAPL; only CPU time without either */
		ck_assert_uint_eq(pv_evtab_count(&t), full ? VMP_K_COUNT : 1);
		for (unsigned i = 0; i < pv_evtab_count(&t); i++) {
			const struct pv_event *e = pv_evtab_get(&t, i);
			const struct vmp_kind_def *d = vmp_events_kind((enum vmp_kind)e->kind);

			ck_assert_str_eq(e->name, d->base);
			ck_assert_str_eq(e->units, d->units);
			ck_assert_int_eq(e->dtype, d->dtype);
			ck_assert_int_eq(e->vtype, d->vtype);
			ck_assert_ptr_nonnull(strstr(e->desc, d->what));
			ck_assert_int_eq(vmp_events_base_known(e->name), 1);
		}
		pv_evtab_destroy(&t);
	}
}
END_TEST

/* ---- appio ------------------------------------------------------------------- */

/* Short size for a label: 100, 1K, 10M, 1G (powers of 1024). */
static void short_size(uint64_t n, char *buf, size_t len)
{
	static const char unit[] = "KMG";
	int u = -1;

	while (n >= 1024 && n % 1024 == 0 && u < 2) {
		n /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, n);
	else
		snprintf(buf, len, "%" PRIu64 "%c", n, unit[u]);
}

/* Long size for a description: "1 MiB", "4 GiB", or bytes. */
static int long_size(uint64_t n, char *buf, size_t len)
{
	if (n >= 1048576 && n % 1073741824 == 0)
		snprintf(buf, len, "%" PRIu64 " GiB", n / 1073741824);
	else if (n >= 1048576 && n % 1048576 == 0)
		snprintf(buf, len, "%" PRIu64 " MiB", n / 1048576);
	else
		return 0;
	return 1;
}

/* The label and the range phrase of bin i, derived from the edges alone. */
static void bin_expect(unsigned i, char *label, char *range, size_t len)
{
	uint64_t lo = i ? appio_bins_upper(i - 1) : 0, up = appio_bins_upper(i);
	char a[32], b[32];

	short_size(lo, a, sizeof(a));
	if (up == UINT64_MAX) {
		snprintf(label, len, "%s_PLUS", a);
		long_size(lo, a, sizeof(a));
		snprintf(range, len, "more than %s", a);
		return;
	}
	short_size(up, b, sizeof(b));
	snprintf(label, len, "%s_%s", a, b);
	if (i && long_size(lo, a, sizeof(a)) && long_size(up, b, sizeof(b)))
		snprintf(range, len, "more than %s, up to %s", a, b);
	else if (long_size(up, b, sizeof(b)))
		snprintf(range, len, "%" PRIu64 " bytes to %s", lo + 1, b);
	else
		snprintf(range, len, "%" PRIu64 " to %" PRIu64 " bytes", i ? lo + 1 : 0, up);
}

static const struct { const char *family; unsigned group; } appio_fams[] = {
	{ "READ", APPIO_G_READ }, { "WRITE", APPIO_G_WRITE },
};

START_TEST(appio_bins_names_edges_agree)
{
	unsigned nsize = 0;

	ck_assert_uint_eq(APPIO_NBINS, 10); /* Darshan's ten */
	ck_assert_ptr_null(appio_bins_label(APPIO_NBINS));
	ck_assert_uint_eq(appio_bins_upper(APPIO_NBINS - 1), UINT64_MAX);
	for (unsigned i = 0; i < APPIO_NBINS; i++) {
		char label[32], range[80], name[64];

		bin_expect(i, label, range, sizeof(range));
		ck_assert_str_eq(appio_bins_label(i), label);
		if (i)
			ck_assert_uint_gt(appio_bins_upper(i), appio_bins_upper(i - 1));
		/* counting puts the edges on the right side */
		ck_assert_uint_eq(appio_bin_index(appio_bins_upper(i)), i);
		if (i + 1 < APPIO_NBINS)
			ck_assert_uint_eq(appio_bin_index(appio_bins_upper(i) + 1), i + 1);
		for (unsigned f = 0; f < 2; f++) {
			snprintf(name, sizeof(name), "%s_SIZE_%s", appio_fams[f].family, label);
			int ev = appio_events_find(name);
			ck_assert_msg(ev >= 0, "%s missing", name);
			const struct appio_event_def *e = &appio_events[ev];
			ck_assert_uint_eq(e->a, appio_fams[f].group + APPIO_F_BIN0 + i);
			ck_assert_msg(strstr(e->desc, range), "%s: '%s' does not say '%s'", name, e->desc, range);
			ck_assert_str_eq(e->units, "calls");
		}
	}
	for (unsigned i = 0; i < appio_events_count; i++)
		nsize += strstr(appio_events[i].name, "_SIZE_") != NULL;
	ck_assert_uint_eq(nsize, 2 * APPIO_NBINS); /* no bin event outside the list */
}
END_TEST

/* One transfer of every bin's upper edge, counted as the interposer does,
 * then the report: each bin's row says 1 (READ) or 2 (WRITE), in order. */
START_TEST(appio_bins_report_agrees)
{
	static uint64_t s[APPIO_NSLOTS];
	char *text = NULL, *json = NULL;
	size_t len = 0, jlen = 0;
	const char *p;

	memset(s, 0, sizeof(s));
	for (unsigned i = 0; i < APPIO_NBINS; i++) {
		int64_t n = (int64_t)(appio_bins_upper(i) > INT64_MAX ? INT64_MAX : appio_bins_upper(i));

		appio_count_xfer(s, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_FILE, (uint64_t)n, n, 0, 1, 0);
		for (int k = 0; k < 2; k++)
			appio_count_xfer(s, APPIO_G_WRITE, APPIO_DIR_WRITE, APPIO_CLASS_FILE, (uint64_t)n, n, 0, 1, 0);
	}
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(appio_report_table(f, s, 1), 0);
	fclose(f);
	f = open_memstream(&json, &jlen);
	ck_assert_int_eq(appio_report_json(f, s, NULL, 0), 0);
	fclose(f);
	for (unsigned fam = 0; fam < 2; fam++) {
		p = text;
		for (unsigned i = 0; i < APPIO_NBINS; i++) {
			char name[64], want[96], row[128];

			snprintf(name, sizeof(name), "%s_SIZE_%s", appio_fams[fam].family, appio_bins_label(i));
			snprintf(want, sizeof(want), "\n%-26s %20u  calls\n", name, fam + 1);
			const char *hit = strstr(p, want);
			ck_assert_msg(hit, "table has no row '%s' after the previous bin", want + 1);
			p = hit + 1; /* bins appear smallest first */
			snprintf(row, sizeof(row), "\"%s\": %u", name, fam + 1);
			ck_assert_msg(strstr(json, row), "JSON has no %s", row);
		}
	}
	free(text);
	free(json);
}
END_TEST

START_TEST(appio_kinds_complete)
{
	ck_assert_ptr_null(appio_events_kind(APPIO_EV_KIND_COUNT));
	for (unsigned k = 0; k < APPIO_EV_KIND_COUNT; k++) {
		ck_assert_ptr_nonnull(appio_events_kind(k)->value);
		ck_assert(appio_events_kind(k)->what && appio_events_kind(k)->what[0]);
	}
	for (unsigned i = 0; i < appio_events_count; i++) {
		const struct appio_event_def *e = &appio_events[i];

		ck_assert_uint_lt(e->kind, APPIO_EV_KIND_COUNT);
		ck_assert_int_eq(appio_events_kind(e->kind)->is_signed, strcmp(e->name, "OPEN_FDS") == 0);
	}
}
END_TEST

PV_CHECK_MAIN("kind_tables",
	steal_rows_complete, steal_names_stable, vmp_rows_complete, vmp_values_from_table, vmp_table_follows_host, appio_bins_names_edges_agree, appio_bins_report_agrees, appio_kinds_complete)
