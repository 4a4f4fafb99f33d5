/*
 * util_report: papi_vmpower --report FILE.html, a self-contained HTML page
 * (inline CSS and SVG, no script, no network resource) drawn from the run's
 * history: per-VM power stacked up to the host's active power with the
 * not-attributed rest ("other") on top; the host's active and idle-baseline
 * power apart; CPU %, steal % and halt % per VM; the summary table.
 */
#ifndef UTIL_REPORT_H
#define UTIL_REPORT_H

#include "util_hist.h"
#include "util_vm.h"

/* 0, or -errno with one sentence in err (names the path). */
int util_report_write(const char *path, const struct util_hist *h, const struct util_tracker *t,
		      char *err, size_t errlen);

#endif
