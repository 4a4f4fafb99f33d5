/* Strict number parsing; see pv_parse.h. */
#include "pv_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

static int pv_trailing_blank(const char *end)
{
	while (*end && isspace((unsigned char)*end))
		end++;
	return *end == '\0';
}

int pv_parse_u64(const char *s, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (!s)
		return -EINVAL;
	while (*s == ' ' || *s == '\t')
		s++;
	/* strtoull accepts "-1" as ULLONG_MAX: refuse any sign. */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s || !pv_trailing_blank(end))
		return -EINVAL;
	*ret = (uint64_t)v;
	return 0;
}

int pv_parse_s64(const char *s, int64_t *ret)
{
	long long v;
	char *end;

	if (!s)
		return -EINVAL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s) && !((*s == '-' || *s == '+') && isdigit((unsigned char)s[1])))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s || !pv_trailing_blank(end))
		return -EINVAL;
	*ret = (int64_t)v;
	return 0;
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

int pv_scan_u64(const char **pp, uint64_t *ret)
{
	const char *p = *pp;
	unsigned long long v;
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0' && !isspace((unsigned char)*end))
		return -EINVAL;
	*ret = (uint64_t)v;
	*pp = end;
	return 0;
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
