/*
 * util_out: papi_vmpower's output formats, PAPI-free.
 *
 *   table  human table per sample; on a terminal each sample redraws the
 *          screen in place (ANSI home + clear), otherwise blocks are appended
 *   csv    RFC 4180 rows, one header line, one row per VM and one host row
 *          per sample
 *   json   JSON Lines: one object per sample (json-c), a final summary object
 *   prometheus   text exposition format 0.0.4 of the latest state
 */
#ifndef UTIL_OUT_H
#define UTIL_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "util_vm.h"

enum util_fmt { UTIL_FMT_TABLE = 0, UTIL_FMT_CSV, UTIL_FMT_JSON };

void util_out_table(FILE *f, const struct util_tracker *t, bool redraw);
void util_out_csv_header(FILE *f);
void util_out_csv(FILE *f, const struct util_tracker *t);
/* 0, or -ENOMEM when json-c fails. */
int util_out_json(FILE *f, const struct util_tracker *t);

/* The run's summary: human text, or one JSON object (json true). */
int util_out_summary(FILE *f, const struct util_tracker *t, bool json);

/* The summary as one JSON object (util_json.c). */
int util_out_json_summary(FILE *f, const struct util_tracker *t);

/* Prometheus text exposition of the latest state into a malloc'd string
 * (*ret, NUL terminated).  0 or -ENOMEM. */
int util_out_prometheus(const struct util_tracker *t, char **ret);

/* A VM name made printable for the table: control bytes shown as \xNN. */
void util_out_printable(const char *raw, char *buf, size_t len);

#endif
