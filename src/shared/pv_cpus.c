/* The one CPU-list parser (see pv_cpus.h for the grammar and the errors). */
#include "pv_cpus.h"

#include <errno.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One decimal number < ncpus at *pp; advances *pp past it.  Stops adding
 * digits once over the limit, so no digit string can overflow. */
static int scan_cpu(const char **pp, int ncpus, int *ret)
{
	const char *p = *pp;
	long v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		if (v < ncpus)
			v = v * 10 + (*p - '0');
	if (v >= ncpus)
		return -ERANGE;
	*pp = p;
	*ret = (int)v;
	return 0;
}

/* The rest of the string holds only blanks and newlines. */
static int only_space(const char *p)
{
	while (is_blank(*p) || *p == '\n')
		p++;
	return *p == '\0';
}

int pv_cpus_parse_list(const char *s, int ncpus, pv_cpus_fn fn, void *arg)
{
	const char *p = s;
	int n = 0;

	while (is_blank(*p))
		p++;
	if (only_space(p))
		return 0;
	for (;;) {
		int lo, hi, err = scan_cpu(&p, ncpus, &lo);

		if (err)
			return err;
		hi = lo;
		if (*p == '-') {
			p++;
			if ((err = scan_cpu(&p, ncpus, &hi)))
				return err;
			if (hi < lo)
				return -EINVAL;
		}
		for (int c = lo; c <= hi; c++, n++)
			if ((err = fn(c, arg)) < 0)
				return err;
		if (*p != ',')
			return only_space(p) ? n : -EINVAL;
		p++;
	}
}

static int set_bit(int cpu, void *arg)
{
	((unsigned char *)arg)[cpu] = 1;
	return 0;
}

int pv_cpus_parse_bitmap(const char *s, unsigned char *bitmap, int ncpus)
{
	memset(bitmap, 0, (size_t)ncpus);
	return pv_cpus_parse_list(s, ncpus, set_bit, bitmap);
}
