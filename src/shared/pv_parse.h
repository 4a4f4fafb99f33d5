/*
 * pv_parse: strict number parsing (no atoi), for every text papi-virt reads:
 * the whole string must be the number, optionally followed by whitespace.
 * Empty string, trailing garbage, sign on an unsigned value, or overflow ->
 * -EINVAL / -ERANGE; *ret untouched on failure.  Its own module (it was in
 * pv_fs) so modules that parse without reading files, such as the
 * configuration table, do not depend on pv_fs.
 */
#ifndef PV_PARSE_H
#define PV_PARSE_H

#include <stdint.h>

int pv_parse_u64(const char *s, uint64_t *ret);
int pv_parse_s64(const char *s, int64_t *ret);
int pv_parse_int(const char *s, int *ret);

/* Parses a number at *pp (skipping leading blanks), advances *pp past it.
 * For tokenising lines like /proc/stat: the number must end at a blank,
 * newline or NUL.  -EINVAL when there is no number there. */
int pv_parse_scan_u64(const char **pp, uint64_t *ret);

/* The value of one hexadecimal digit (either case), -1 for anything else:
 * for the %XX escapes of event names and state files. */
int pv_parse_hexdigit(char c);

#endif
