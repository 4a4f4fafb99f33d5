/* /proc/stat cpu lines, matched by CPU number; see steal_procstat.h. */
#include "steal_procstat.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"

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

/* Parses the numbers after "cpuN" up to the end of the line.  Needs the
 * first 8 (through steal); guest and guest_nice are optional. */
static int steal_parse_fields(const char *p, const char *eol, struct steal_cpustat *ret)
{
	uint64_t v[10], extra;
	int n = 0;

	/* Columns after guest_nice (a future kernel) must be numbers too, but
	 * are not used. */
	for (;;) {
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= eol)
			break;
		if (pv_scan_u64(&p, n < 10 ? &v[n] : &extra) < 0)
			return -EINVAL;
		n++;
	}
	if (n < 8)
		return -EINVAL;
	ret->busy = v[0] + v[1] + v[2] + v[5] + v[6];
	ret->idle = v[3] + v[4];
	ret->steal = v[7];
	ret->present = 1;
	return 0;
}

/* One line starting with "cpu"; eol points at its '\n' or NUL. */
static int steal_parse_line(const char *line, const char *eol, struct steal_procstat *s)
{
	const char *p;
	struct steal_cpustat cs;
	unsigned long n = 0;
	char tmp[512];
	size_t len = (size_t)(eol - line);
	int rc;

	/* pv_scan_u64 stops at NUL or a blank: parse a NUL-terminated copy so
	 * the newline never reaches it, and the next line is never read. */
	if (len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, line, len);
	tmp[len] = '\0';
	p = tmp + 3;
	if (*p == ' ' || *p == '\t') {
		rc = steal_parse_fields(p, tmp + len, &cs);
		if (rc < 0 || s->total.present)
			return -EINVAL;
		s->total = cs;
		return 0;
	}
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (unsigned long)(*p - '0');
		if (n >= STEAL_MAX_CPUS)
			return -EINVAL;
		p++;
	}
	if (*p != ' ' && *p != '\t')
		return -EINVAL;
	rc = steal_parse_fields(p, tmp + len, &cs);
	if (rc < 0)
		return rc;
	rc = steal_procstat_reserve(s, n + 1);
	if (rc < 0)
		return rc;
	if (s->cpu[n].present)
		return -EINVAL; /* duplicate: keep the first */
	s->cpu[n] = cs;
	if (n + 1 > s->ncpu)
		s->ncpu = n + 1;
	s->present++;
	return 0;
}

int steal_procstat_parse(const char *buf, struct steal_procstat *s)
{
	const char *line = buf;
	int lineno = 0, seen_cpu = 0;

	memset(&s->total, 0, sizeof(s->total));
	if (s->cpu)
		memset(s->cpu, 0, s->cap * sizeof(*s->cpu));
	s->ncpu = 0;
	s->present = 0;
	s->malformed = 0;
	s->first_bad_line = 0;
	while (*line) {
		const char *eol = strchr(line, '\n');

		if (!eol)
			eol = line + strlen(line);
		lineno++;
		if (strncmp(line, "cpu", 3) == 0) {
			int rc = steal_parse_line(line, eol, s);

			if (rc == -ENOMEM)
				return rc;
			if (rc < 0) {
				s->malformed++;
				if (!s->first_bad_line)
					s->first_bad_line = lineno;
			}
			seen_cpu = 1;
		} else if (seen_cpu) {
			/* The kernel prints all cpu lines first; the rest
			 * (intr has one number per IRQ) is not needed. */
			break;
		}
		if (!*eol)
			break;
		line = eol + 1;
	}
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
			sum += s->cpu[i].steal;
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

int steal_procstat_open(struct steal_procstat_file *f)
{
	int fd = pv_fs_open(PV_PROC, "stat", O_RDONLY);

	f->fd = -1;
	f->buf = NULL;
	f->len = 0;
	if (fd < 0)
		return fd;
	f->len = 16384;
	f->buf = malloc(f->len);
	if (!f->buf) {
		close(fd);
		return -ENOMEM;
	}
	f->fd = fd;
	return 0;
}

int steal_procstat_read(struct steal_procstat_file *f, struct steal_procstat *s)
{
	int rc;

	for (;;) {
		char *nb;

		rc = pv_fs_pread_all(f->fd, f->buf, f->len, NULL);
		if (rc != -EFBIG)
			break;
		if (f->len >= (16u << 20))
			return rc;
		nb = realloc(f->buf, f->len * 4);
		if (!nb)
			return -ENOMEM;
		f->buf = nb;
		f->len *= 4;
	}
	if (rc < 0)
		return rc;
	return steal_procstat_parse(f->buf, s);
}

void steal_procstat_close(struct steal_procstat_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	f->fd = -1;
	f->buf = NULL;
	f->len = 0;
}
