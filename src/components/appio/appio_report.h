/*
 * appio_report: moving counters from a measured process to papi_appio_run,
 * and printing them.
 *
 * The preloaded interposer writes its process totals as text:
 *   "papi-appio-slots <N> ns\n" then N decimal values, one per line
 * (tick slots already converted to nanoseconds).  papi_appio_run parses it
 * and prints every event as a table or as JSON.
 */
#ifndef APPIO_REPORT_H
#define APPIO_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "appio_slots.h"

#define APPIO_REPORT_MAX (32 + APPIO_NSLOTS * 21)

/* Formats slots (tick slots must already be ns) into buf without stdio or
 * malloc.  Returns the length, or -ENOSPC. */
int appio_report_serialize(const uint64_t *slots, char *buf, size_t len);

/* Parses a serialized report.  -EINVAL when malformed or written by a build
 * with another slot count. */
int appio_report_parse(const char *text, uint64_t *ret_slots);

/* Converts every tick slot of slots to nanoseconds, in place. */
void appio_report_ticks_to_ns(uint64_t *slots);

/* "EVENT  VALUE  UNITS" lines; all = 0 prints only non-zero events. */
int appio_report_table(FILE *out, const uint64_t *slots_ns, int all);

/* {"command": [...], "exit_status": N, "events": {"READ_BYTES": 123, ...}}.
 * exit_status < 0 means killed by signal -exit_status. */
int appio_report_json(FILE *out, const uint64_t *slots_ns, char *const *argv, int exit_status);

/* Writes s as a JSON string literal. */
void appio_report_json_string(FILE *out, const char *s);

#endif
