/* /proc/stat cpu lines, matched by CPU number; see steal_procstat.h. */
#include "steal_procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"
#include "pv_procstat.h"

void steal_procstat_init(struct steal_procstat *s)
{
	memset(s, 0, sizeof(*s));
}

void steal_procstat_free(struct steal_procstat *s)
{
	free(s->cpu);
	memset(s, 0, sizeof(*s));
}

static int steal_procstat_reserve(struct steal_procstat *s, size_t n)
{
	size_t cap = s->cap ? s->cap : 64;
	struct steal_cpustat *p;

	if (n <= s->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	p = realloc(s->cpu, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	memset(p + s->cap, 0, (cap - s->cap) * sizeof(*p));
	s->cpu = p;
	s->cap = cap;
	return 0;
}

/* Stores one well-formed line of pv_procstat; a duplicate CPU is -EINVAL
 * (the first one is kept). */
static int steal_procstat_store(struct steal_procstat *s, const struct pv_cpuline *l)
{
	struct steal_cpustat cs = {
		.busy = pv_procstat_cpuline_sum(l, PV_PS_BUSY),
		.idle = pv_procstat_cpuline_sum(l, PV_PS_IDLE),
		.steal = l->col[PV_PS_STEAL],
		.present = 1,
	};
	size_t n;
	int rc;

	if (l->cpu == PV_PROCSTAT_TOTAL) {
		if (s->total.present)
			return -EINVAL;
		s->total = cs;
		return 0;
	}
	n = (size_t)l->cpu;
	rc = steal_procstat_reserve(s, n + 1);
	if (rc < 0)
		return rc;
	if (s->cpu[n].present)
		return -EINVAL;
	s->cpu[n] = cs;
	if (n + 1 > s->ncpu)
		s->ncpu = n + 1;
	s->present++;
	return 0;
}

int steal_procstat_parse(const char *buf, struct steal_procstat *s)
{
	struct pv_procstat_scan sc;
	struct pv_cpuline l;
	unsigned dup = 0;
	int first_dup = 0;

	memset(&s->total, 0, sizeof(s->total));
	if (s->cpu)
		memset(s->cpu, 0, s->cap * sizeof(*s->cpu));
	s->ncpu = 0;
	s->present = 0;
	pv_procstat_scan_init(&sc, buf);
	while (pv_procstat_next(&sc, &l)) {
		int rc = steal_procstat_store(s, &l);

		if (rc == -ENOMEM)
			return rc;
		if (rc < 0 && !dup++)
			first_dup = sc.lineno;
	}
	s->malformed = sc.malformed + dup;
	s->first_bad_line = sc.first_bad_line;
	if (first_dup && (!s->first_bad_line || first_dup < s->first_bad_line))
		s->first_bad_line = first_dup;
	if (!s->total.present && s->present == 0)
		return -EINVAL;
	return 0;
}

const struct steal_cpustat *steal_procstat_get(const struct steal_procstat *s, int n)
{
	if (n < 0 || (size_t)n >= s->ncpu || !s->cpu[n].present)
		return NULL;
	return &s->cpu[n];
}

uint64_t steal_procstat_total_steal(const struct steal_procstat *s, int *ret_from_sum)
{
	uint64_t sum = 0;

	if (s->total.present) {
		if (ret_from_sum)
			*ret_from_sum = 0;
		return s->total.steal;
	}
	for (size_t i = 0; i < s->ncpu; i++)
		if (s->cpu[i].present)
			sum = pv_sat_add(sum, s->cpu[i].steal);
	if (ret_from_sum)
		*ret_from_sum = 1;
	return sum;
}

int steal_procstat_copy(struct steal_procstat *dst, const struct steal_procstat *src)
{
	struct steal_cpustat *keep;
	size_t keepcap;
	int rc = steal_procstat_reserve(dst, src->ncpu);

	if (rc < 0)
		return rc;
	keep = dst->cpu;
	keepcap = dst->cap;
	memset(keep, 0, keepcap * sizeof(*keep));
	if (src->ncpu)
		memcpy(keep, src->cpu, src->ncpu * sizeof(*keep));
	*dst = *src;
	dst->cpu = keep;
	dst->cap = keepcap;
	return 0;
}

int steal_procstat_read(struct pv_procstat_file *f, struct steal_procstat *s)
{
	const char *text;
	int rc = pv_procstat_read(f, &text);

	return rc < 0 ? rc : steal_procstat_parse(text, s);
}
