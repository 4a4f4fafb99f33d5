/*
 * util_replay_csv: a run recorded with papi_vmpower --csv, read back as the
 * objects --json would have written (util_replay_json.c turns those into
 * samples).  The CSV has power, energy and percentages per row: cpu_seconds
 * is rebuilt as the running sum of cpu_pct x interval; the host row has
 * total energy only (no active / idle / other split: those charts stay
 * empty).  Fields follow RFC 4180 (quoted names may hold commas, quotes and
 * newlines).
 */
#ifndef UTIL_REPLAY_CSV_H
#define UTIL_REPLAY_CSV_H

#include <json-c/json.h>
#include <stdio.h>

struct util_csv;

struct util_csv *util_csv_new(void);
void util_csv_free(struct util_csv *c);

/* 1 with the next sample as a {"type":"sample",...} object in *ret (the
 * caller puts it), 0 at the end, -ENOMEM, or -EINVAL with "PATH:LINE:
 * reason" in err. */
int util_csv_next(struct util_csv *c, FILE *f, const char *path, json_object **ret, char *err,
		  size_t errlen);

#endif
