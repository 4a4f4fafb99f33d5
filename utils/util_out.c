/* papi_vmpower's table, CSV and summary output (see util_out.h). */
#include "util_out.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void util_out_printable(const char *raw, char *buf, size_t len)
{
	size_t o = 0;
	if (len == 0)
		return;
	for (const unsigned char *p = (const unsigned char *)raw; *p && o + 5 < len; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = 0;
}

static void num(char *buf, size_t len, double v, int prec)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", prec, v);
}

static void wallstr(double wall, char *buf, size_t len)
{
	time_t s = (time_t)wall;
	struct tm tm;
	localtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

void util_out_table(FILE *f, const struct util_tracker *t, bool redraw)
{
	char when[32], p[16], e[20], c[16], sh[16], st[16], ha[16], name[UTIL_NAME_MAX * 4];

	if (redraw)
		fputs("\033[H\033[J", f);
	wallstr(t->last_wall, when, sizeof(when));
	fprintf(f, "papi_vmpower  %s  interval %.1f s  VMs %zu  energy: %s  basis: %s\n", when,
		t->last_dt_s, util_tracker_live(t), or_dash(t->source), or_dash(t->basis));
	fprintf(f, "%-20s %9s %11s %7s %7s %7s %7s  %-9s %s\n", "VM", "POWER_W", "ENERGY_J", "CPU%",
		"SHARE%", "STEAL%", "HALT%", "BASIS", "ENERGY");
	for (size_t i = 0; i < t->nvm; i++) {
		const struct util_vm *vm = &t->vms[i];
		if (vm->gone_reported)
			continue;
		util_out_printable(vm->name, name, sizeof(name));
		if (vm->state == UTIL_VM_GONE) {
			num(e, sizeof(e), vm->have[UTIL_C_ENERGY_UJ] ? vm->cum[UTIL_C_ENERGY_UJ] / 1e6 : NAN, 1);
			fprintf(f, "%-20s %9s %11s  (gone)\n", name, "-", e);
			continue;
		}
		bool ok = vm->rate_ok;
		num(p, sizeof(p), ok ? vm->power_w : NAN, 2);
		num(e, sizeof(e), vm->have[UTIL_C_ENERGY_UJ] ? vm->cum[UTIL_C_ENERGY_UJ] / 1e6 : NAN, 1);
		num(c, sizeof(c), ok ? vm->cpu_pct : NAN, 1);
		num(sh, sizeof(sh), vm->share_pct, 1);
		num(st, sizeof(st), ok ? vm->steal_pct : NAN, 1);
		num(ha, sizeof(ha), ok ? vm->halt_pct : NAN, 1);
		fprintf(f, "%-20s %9s %11s %7s %7s %7s %7s  %-9s %s%s\n", name, p, e, c, sh, st, ha,
			or_dash(t->basis), vm->have[UTIL_C_ENERGY_UJ] ? or_dash(t->source) : "-",
			vm->state == UTIL_VM_NEW ? "  (new)" : "");
	}
	const struct util_host *h = &t->host;
	num(p, sizeof(p), h->power_w[UTIL_H_ENERGY], 2);
	num(e, sizeof(e), h->have[UTIL_H_ENERGY] ? h->cum[UTIL_H_ENERGY] / 1e6 : NAN, 1);
	fprintf(f, "%-20s %9s %11s %7s %7s %7s %7s  %-9s %s\n", "HOST", p, e, "", "", "", "", "",
		h->have[UTIL_H_ENERGY] ? or_dash(t->source) : "-");
	char a[16], id[16], o[16], v[16];
	num(a, sizeof(a), h->power_w[UTIL_H_ACTIVE], 2);
	num(id, sizeof(id), h->power_w[UTIL_H_IDLE], 2);
	num(o, sizeof(o), h->power_w[UTIL_H_OTHER], 2);
	num(v, sizeof(v), h->vm_power_w, 2);
	fprintf(f, "  host power W: active %s  idle %s  other (not VMs) %s  sum of VMs %s\n", a, id, o, v);
	if (t->appeared || t->disappeared) {
		fputs("  changes:", f);
		for (size_t i = 0; i < t->nvm; i++) {
			const struct util_vm *vm = &t->vms[i];
			if (vm->gone_reported)
				continue;
			util_out_printable(vm->name, name, sizeof(name));
			if (vm->state == UTIL_VM_NEW)
				fprintf(f, " +%s", name);
			else if (vm->state == UTIL_VM_GONE)
				fprintf(f, " -%s", name);
		}
		fputc('\n', f);
	}
	if (!redraw)
		fputc('\n', f);
	fflush(f);
}

/* RFC 4180: quoted when the field holds a comma, quote, CR or LF. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_num(FILE *f, double v, int prec)
{
	fputc(',', f);
	if (!isnan(v))
		fprintf(f, "%.*f", prec, v);
}

void util_out_csv_header(FILE *f)
{
	fputs("time,scope,vm,state,power_w,energy_j,cpu_pct,share_pct,steal_pct,halt_pct,basis,energy_source\n", f);
	fflush(f);
}

static const char *state_name(enum util_vmstate s)
{
	return s == UTIL_VM_NEW ? "new" : s == UTIL_VM_GONE ? "gone" : "running";
}

void util_out_csv(FILE *f, const struct util_tracker *t)
{
	for (size_t i = 0; i < t->nvm; i++) {
		const struct util_vm *vm = &t->vms[i];
		if (vm->gone_reported)
			continue;
		bool ok = vm->rate_ok;
		fprintf(f, "%.3f,vm,", t->last_wall);
		csv_field(f, vm->name);
		fprintf(f, ",%s", state_name(vm->state));
		csv_num(f, ok ? vm->power_w : NAN, 3);
		csv_num(f, vm->have[UTIL_C_ENERGY_UJ] ? vm->cum[UTIL_C_ENERGY_UJ] / 1e6 : NAN, 6);
		csv_num(f, ok ? vm->cpu_pct : NAN, 2);
		csv_num(f, vm->state == UTIL_VM_GONE ? NAN : vm->share_pct, 2);
		csv_num(f, ok ? vm->steal_pct : NAN, 2);
		csv_num(f, ok ? vm->halt_pct : NAN, 2);
		fprintf(f, ",%s,%s\n", t->basis, vm->have[UTIL_C_ENERGY_UJ] ? t->source : "none");
	}
	const struct util_host *h = &t->host;
	fprintf(f, "%.3f,host,,running", t->last_wall);
	csv_num(f, h->power_w[UTIL_H_ENERGY], 3);
	csv_num(f, h->have[UTIL_H_ENERGY] ? h->cum[UTIL_H_ENERGY] / 1e6 : NAN, 6);
	fprintf(f, ",,,,,%s,%s\n", t->basis, h->have[UTIL_H_ENERGY] ? t->source : "none");
	fflush(f);
}

static double avg(double sum, unsigned n)
{
	return n ? sum / n : NAN;
}

static void summary_text(FILE *f, const struct util_tracker *t)
{
	char name[UTIL_NAME_MAX * 4], e[20], p[16], c[16], st[16], ha[16];
	double span = t->samples ? (double)(t->last_ns - t->first_ns) / 1e9 : 0;

	fprintf(f, "summary: %u samples over %.1f s; energy %s, basis %s\n", t->samples, span,
		or_dash(t->source), or_dash(t->basis));
	fprintf(f, "%-20s %11s %9s %7s %7s %7s %9s  %s\n", "VM", "ENERGY_J", "AVG_W", "CPU%", "STEAL%",
		"HALT%", "SEEN_S", "STATE");
	for (size_t i = 0; i < t->nvm; i++) {
		const struct util_vm *vm = &t->vms[i];
		double seen = (double)(vm->last_ns - vm->first_ns) / 1e9;
		double ej = vm->have[UTIL_C_ENERGY_UJ] ? vm->cum[UTIL_C_ENERGY_UJ] / 1e6 : NAN;
		util_out_printable(vm->name, name, sizeof(name));
		num(e, sizeof(e), ej, 1);
		num(p, sizeof(p), seen > 0 ? ej / seen : NAN, 2);
		num(c, sizeof(c), avg(vm->sum_cpu_pct, vm->n_rates), 1);
		num(st, sizeof(st), avg(vm->sum_steal_pct, vm->n_steal), 1);
		num(ha, sizeof(ha), avg(vm->sum_halt_pct, vm->n_steal), 1);
		fprintf(f, "%-20s %11s %9s %7s %7s %7s %9.1f  %s\n", name, e, p, c, st, ha, seen,
			vm->state == UTIL_VM_GONE ? "gone" : "running");
	}
	if (t->forgotten)
		fprintf(f, "(%lu departed VMs not listed: the last %d are kept)\n", t->forgotten, UTIL_GONE_KEEP);
	const struct util_host *h = &t->host;
	double ej = h->have[UTIL_H_ENERGY] ? h->cum[UTIL_H_ENERGY] / 1e6 : NAN;
	num(e, sizeof(e), ej, 1);
	num(p, sizeof(p), span > 0 ? ej / span : NAN, 2);
	fprintf(f, "%-20s %11s %9s\n", "HOST", e, p);
	if (h->have[UTIL_H_ACTIVE] && h->have[UTIL_H_IDLE] && h->have[UTIL_H_OTHER])
		fprintf(f, "  host energy J: active %.1f  idle %.1f  other (not VMs) %.1f\n",
			h->cum[UTIL_H_ACTIVE] / 1e6, h->cum[UTIL_H_IDLE] / 1e6, h->cum[UTIL_H_OTHER] / 1e6);
	fflush(f);
}

int util_out_summary(FILE *f, const struct util_tracker *t, bool json)
{
	if (json)
		return util_out_json_summary(f, t);
	summary_text(f, t);
	return 0;
}
