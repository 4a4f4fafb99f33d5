/* papi_vmpower --report: one HTML file with inline SVG charts (util_report.h). */
#include "util_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util_out.h"

#define W 960.0        /* chart size in SVG units */
#define H 280.0
#define ML 64.0        /* margins: left (axis labels), right (legend), top, bottom */
#define MR 190.0
#define MT 34.0
#define MB 40.0

struct ser {
	const char *name;
	const double *v;
	const char *color;
};

/* Distinct colours for VMs (Tableau 10); host parts use greys. */
static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#17becf",
};
#define NPAL (sizeof(palette) / sizeof(palette[0]))

/* Text for HTML and SVG: & < > " ' escaped, control bytes shown as \xNN. */
static void esc(FILE *f, const char *raw)
{
	char buf[UTIL_NAME_MAX * 4];
	util_out_printable(raw, buf, sizeof(buf));
	for (const char *s = buf; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static double val(const double *v, size_t i)
{
	return isnan(v[i]) ? 0 : v[i];
}

/* A "nice" axis maximum (1, 2, 2.5 or 5 times a power of ten) above m. */
static double nice_max(double m)
{
	if (!(m > 0))
		return 1;
	double p = pow(10, floor(log10(m)));
	static const double steps[] = { 1, 2, 2.5, 5, 10 };
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (m <= steps[i] * p)
			return steps[i] * p;
	return 10 * p;
}

struct frame {
	double tmax, ymax;
};

static double px(const struct frame *fr, double t)
{
	return ML + (fr->tmax > 0 ? t / fr->tmax : 0) * (W - ML - MR);
}

static double py(const struct frame *fr, double y)
{
	return H - MB - y / fr->ymax * (H - MT - MB);
}

static void axes(FILE *f, const struct frame *fr, const char *title, const char *unit)
{
	fprintf(f, "<text x=\"%.0f\" y=\"20\" class=\"title\">", ML);
	esc(f, title);
	fputs("</text>\n", f);
	for (int k = 0; k <= 4; k++) {
		double y = fr->ymax * k / 4;
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%g</text>\n",
			ML, W - MR, py(fr, y), py(fr, y), ML - 6, py(fr, y) + 4, y);
	}
	/* Time ticks at round steps (about 5 of them). */
	double step = nice_max(fr->tmax / 5);
	for (double t = 0; step > 0 && t <= fr->tmax + 1e-9; t += step)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%g</text>\n",
			px(fr, t), H - MB + 16, t);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">time (s)</text>\n",
		(ML + W - MR) / 2, H - 6);
	fprintf(f, "<text x=\"14\" y=\"%.1f\" class=\"tick\" transform=\"rotate(-90 14 %.1f)\" "
		"text-anchor=\"middle\">", (MT + H - MB) / 2, (MT + H - MB) / 2);
	esc(f, unit);
	fputs("</text>\n", f);
}

static void legend(FILE *f, int row, const char *name, const char *color, int line)
{
	double y = MT + 6 + row * 18;
	if (line)
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"/>",
			W - MR + 14, W - MR + 30, y, y, color);
	else
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"11\" fill=\"%s\"/>",
			W - MR + 14, y - 6, color);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">", W - MR + 36, y + 4);
	esc(f, name);
	fputs("</text>\n", f);
}

/* Stacked areas (NaN counts 0) and lines on top of them (NaN: a gap). */
static void chart(FILE *f, const struct util_hist *h, const char *title, const char *unit,
		  const struct ser *area, size_t na, const struct ser *lines, size_t nl, double ymin_max)
{
	struct frame fr = { .tmax = h->n ? h->t[h->n - 1] : 0, .ymax = ymin_max };
	for (size_t i = 0; i < h->n; i++) {
		double s = 0;
		for (size_t a = 0; a < na; a++)
			s += val(area[a].v, i);
		fr.ymax = fmax(fr.ymax, s);
		for (size_t l = 0; l < nl; l++)
			if (!isnan(lines[l].v[i]))
				fr.ymax = fmax(fr.ymax, lines[l].v[i]);
	}
	fr.ymax = nice_max(fr.ymax);
	fprintf(f, "<svg viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
		"height=\"%.0f\" role=\"img\">\n", W, H, W, H);
	axes(f, &fr, title, unit);
	int row = 0;
	for (size_t a = 0; a < na; a++) {
		fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.85\" points=\"", area[a].color);
		for (size_t i = 0; i < h->n; i++) {   /* upper edge, left to right */
			double top = 0;
			for (size_t b = 0; b <= a; b++)
				top += val(area[b].v, i);
			fprintf(f, "%.1f,%.1f ", px(&fr, h->t[i]), py(&fr, top));
		}
		for (size_t i = h->n; i-- > 0;) {     /* lower edge, back */
			double bot = 0;
			for (size_t b = 0; b < a; b++)
				bot += val(area[b].v, i);
			fprintf(f, "%.1f,%.1f ", px(&fr, h->t[i]), py(&fr, bot));
		}
		fputs("\"/>\n", f);
	}
	for (size_t l = 0; l < nl; l++) {
		int open = 0;
		fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"", lines[l].color);
		for (size_t i = 0; i < h->n; i++) {
			if (isnan(lines[l].v[i])) {
				open = 0;
				continue;
			}
			fprintf(f, "%c%.1f,%.1f ", open ? 'L' : 'M', px(&fr, h->t[i]), py(&fr, lines[l].v[i]));
			open = 1;
		}
		fputs("\"/>\n", f);
	}
	/* Legend top-down in the order the stack reads (top first). */
	for (size_t l = 0; l < nl; l++)
		legend(f, row++, lines[l].name, lines[l].color, 1);
	for (size_t a = na; a-- > 0;)
		legend(f, row++, area[a].name, area[a].color, 0);
	fputs("</svg>\n", f);
}

static const char *vm_color(size_t i)
{
	return palette[i % NPAL];
}

static void charts(FILE *f, const struct util_hist *h)
{
	struct ser s[h->nvm + 2];
	size_t n = 0;
	for (size_t i = 0; i < h->nvm; i++)
		s[n++] = (struct ser){ h->vms[i].name, h->vms[i].v[UTIL_HV_POWER], vm_color(i) };
	s[n++] = (struct ser){ "other (host, not VMs)", h->host[UTIL_H_OTHER], "#a0a0a0" };
	struct ser active = { "host active power", h->host[UTIL_H_ACTIVE], "#222222" };
	fputs("<h2>Power</h2>\n", f);
	chart(f, h, "VM power stacked up to the host's active power (idle baseline apart, below)",
	      "W", s, n, &active, 1, 0);
	struct ser hs[] = {
		{ "active (VMs + other)", h->host[UTIL_H_ACTIVE], "#5f7fa8" },
		{ "idle baseline", h->host[UTIL_H_IDLE], "#d0d0d0" },
	};
	struct ser total = { "host total power", h->host[UTIL_H_ENERGY], "#8b1a1a" };
	chart(f, h, "Host power: idle baseline and active power", "W", hs, 2, &total, 1, 0);

	static const struct { int k; const char *h2, *title, *unit; double ymax; } per_vm[] = {
		{ UTIL_HV_CPU, "CPU", "Host CPU per VM (100 = one host CPU)", "% of a CPU", 0 },
		{ UTIL_HV_STEAL, "Steal and halt", "vCPU steal (runnable, waiting for a host CPU)", "% of vCPU time", 1 },
		{ UTIL_HV_HALT, NULL, "vCPU halt (idle in the guest)", "% of vCPU time", 1 },
	};
	for (size_t c = 0; c < sizeof(per_vm) / sizeof(per_vm[0]); c++) {
		for (size_t i = 0; i < h->nvm; i++)
			s[i] = (struct ser){ h->vms[i].name, h->vms[i].v[per_vm[c].k], vm_color(i) };
		if (per_vm[c].h2)
			fprintf(f, "<h2>%s</h2>\n", per_vm[c].h2);
		chart(f, h, per_vm[c].title, per_vm[c].unit, NULL, 0, s, h->nvm, per_vm[c].ymax);
	}
}

static void cell(FILE *f, double v, int prec)
{
	if (isnan(v))
		fputs("<td>-</td>", f);
	else
		fprintf(f, "<td>%.*f</td>", prec, v);
}

static void summary(FILE *f, const struct util_tracker *t)
{
	fputs("<h2>Summary</h2>\n<table>\n<tr><th>VM</th><th>UUID</th><th>energy (J)</th><th>avg power (W)</th>"
	      "<th>avg CPU (%)</th><th>steal (%)</th><th>halt (%)</th><th>seen (s)</th><th>state</th></tr>\n", f);
	for (size_t i = 0; i < t->nvm; i++) {
		const struct util_vm *vm = &t->vms[i];
		double seen = (double)(vm->last_ns - vm->first_ns) / 1e9;
		double ej = vm->have[UTIL_C_ENERGY_UJ] ? vm->cum[UTIL_C_ENERGY_UJ] / 1e6 : NAN;
		fputs("<tr><td>", f);
		esc(f, vm->name);
		fputs("</td><td class=\"uuid\">", f);
		esc(f, *vm->uuid ? vm->uuid : "-");
		fputs("</td>", f);
		cell(f, ej, 1);
		cell(f, seen > 0 ? ej / seen : NAN, 2);
		cell(f, vm->n_rates ? vm->sum_cpu_pct / vm->n_rates : NAN, 1);
		cell(f, vm->n_steal ? vm->sum_steal_pct / vm->n_steal : NAN, 1);
		cell(f, vm->n_steal ? vm->sum_halt_pct / vm->n_steal : NAN, 1);
		cell(f, seen, 1);
		fprintf(f, "<td>%s</td></tr>\n", vm->state == UTIL_VM_GONE ? "gone" : "running");
	}
	const struct util_host *hs = &t->host;
	double span = (double)(t->last_ns - t->first_ns) / 1e9;
	static const char *const parts[UTIL_H_N] = { "host total", "host active", "host idle baseline",
						     "host other (not VMs)" };
	for (int k = 0; k < UTIL_H_N; k++) {
		double ej = hs->have[k] ? hs->cum[k] / 1e6 : NAN;
		fprintf(f, "<tr class=\"host\"><td>%s</td><td></td>", parts[k]);
		cell(f, ej, 1);
		cell(f, span > 0 ? ej / span : NAN, 2);
		fputs("<td></td><td></td><td></td>", f);
		cell(f, span, 1);
		fputs("<td></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static const char style[] =
	"body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}"
	"h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
	"svg{display:block;margin:6px 0 14px 0;background:#fff}"
	".title{font-size:14px;font-weight:bold}.tick{font-size:11px;fill:#444}"
	".legend{font-size:12px}.grid{stroke:#ddd;stroke-width:1}"
	"table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;"
	"text-align:right}td:first-child,th:first-child{text-align:left}.uuid{font-family:monospace;"
	"font-size:11px}.host td{background:#f4f4f4}.note{color:#8b1a1a}";

int util_report_write(const char *path, const struct util_hist *h, const struct util_tracker *t,
		      char *err, size_t errlen)
{
	FILE *f = fopen(path, "we");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "--report %s: %s", path, strerror(e));
		return -e;
	}
	char when[64] = "";
	time_t s = (time_t)h->t0_wall;
	struct tm tm;
	if (h->n && localtime_r(&s, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", &tm);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>papi_vmpower report</title><style>%s</style></head><body>\n", style);
	fprintf(f, "<h1>papi_vmpower report</h1>\n<p>%u samples from %s over %.1f s; attribution basis: ",
		t->samples, when, h->n ? h->t[h->n - 1] : 0.0);
	esc(f, *t->basis ? t->basis : "unknown");
	fputs("; energy: ", f);
	esc(f, *t->source ? t->source : "none");
	fputs(".</p>\n", f);
	if (strcmp(t->source, "estimated") == 0)
		fputs("<p class=\"note\">Energy is ESTIMATED from the power model (PAPI_VIRT_POWER_MODEL), "
		      "not measured: this host has no RAPL.</p>\n", f);
	charts(f, h);
	summary(f, t);
	fputs("</body></html>\n", f);
	if (ferror(f) | (fclose(f) != 0)) {
		snprintf(err, errlen, "--report %s: write failed", path);
		return -EIO;
	}
	return 0;
}
