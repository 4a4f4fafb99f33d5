/* Strict number parsing; see pv_parse.h. */
#include "pv_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* Where the digits of a number start in s (after blanks), or NULL when no
 * number starts there.  strtoull accepts "-1" as ULLONG_MAX, so a sign is
 * refused unless the caller parses a signed value. */
static const char *number_start(const char *s, int sign_ok)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (isdigit((unsigned char)*s))
		return s;
	if (sign_ok && (*s == '-' || *s == '+') && isdigit((unsigned char)s[1]))
		return s;
	return NULL;
}

/* The verdict on a strtoX call that started at p and stopped at end, errno
 * as it left it: whole_string asks that only blanks follow; otherwise the
 * number must end at a blank or NUL (a token of a /proc line). */
static int number_end(const char *p, const char *end, int whole_string)
{
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == p)
		return -EINVAL;
	if (!whole_string)
		return *end == '\0' || isspace((unsigned char)*end) ? 0 : -EINVAL;
	while (*end && isspace((unsigned char)*end))
		end++;
	return *end == '\0' ? 0 : -EINVAL;
}

int pv_parse_u64(const char *s, uint64_t *ret)
{
	const char *p = number_start(s, 0);
	char *end;

	if (!p)
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	int rc = number_end(p, end, 1);
	if (rc == 0)
		*ret = (uint64_t)v;
	return rc;
}

int pv_parse_s64(const char *s, int64_t *ret)
{
	const char *p = number_start(s, 1);
	char *end;

	if (!p)
		return -EINVAL;
	errno = 0;
	long long v = strtoll(p, &end, 10);
	int rc = number_end(p, end, 1);
	if (rc == 0)
		*ret = (int64_t)v;
	return rc;
}

int pv_parse_int(const char *s, int *ret)
{
	int64_t v;
	int rc = pv_parse_s64(s, &v);

	if (rc < 0)
		return rc;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

int pv_parse_scan_u64(const char **pp, uint64_t *ret)
{
	const char *p = number_start(*pp, 0);
	char *end;

	if (!p)
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	int rc = number_end(p, end, 0);
	if (rc == 0) {
		*ret = (uint64_t)v;
		*pp = end;
	}
	return rc;
}

int pv_parse_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
