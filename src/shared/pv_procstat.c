/* /proc/stat cpu lines and tick conversion; see pv_procstat.h. */
#include "pv_procstat.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"

void pv_procstat_scan_init(struct pv_procstat_scan *s, const char *content)
{
	memset(s, 0, sizeof(*s));
	s->pos = content;
}

/* The numbers after "cpuN" in a NUL-terminated line; at least the 8
 * through steal. */
static int pv_procstat_cols(const char *p, struct pv_cpuline *ret)
{
	uint64_t extra;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		/* A CR (or any other byte) is not a number: the kernel writes
		 * LF line ends, so such a file is not what it claims to be. */
		if (pv_parse_scan_u64(&p, n < PV_PS_NCOLS ? &ret->col[n] : &extra) < 0)
			return -EINVAL;
		n++;
	}
	if (n < PV_PROCSTAT_MIN_COLS)
		return -EINVAL;
	ret->ncols = n < PV_PS_NCOLS ? n : PV_PS_NCOLS;
	return 0;
}

/* One line starting with "cpu" (len bytes, no newline). */
static int pv_procstat_line(const char *line, size_t len, struct pv_cpuline *ret)
{
	char tmp[512];
	const char *p;
	unsigned long n = 0;

	/* pv_parse_scan_u64 stops at NUL or a blank: parse a NUL-terminated copy so
	 * the next line is never read. */
	if (len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, line, len);
	tmp[len] = '\0';
	memset(ret, 0, sizeof(*ret));
	p = tmp + 3;
	if (*p == ' ' || *p == '\t') {
		ret->cpu = PV_PROCSTAT_TOTAL;
		return pv_procstat_cols(p, ret);
	}
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (unsigned long)(*p - '0');
		if (n >= PV_PROCSTAT_MAX_CPUS)
			return -EINVAL;
		p++;
	}
	if (*p != ' ' && *p != '\t')
		return -EINVAL;
	ret->cpu = (int)n;
	return pv_procstat_cols(p, ret);
}

int pv_procstat_next(struct pv_procstat_scan *s, struct pv_cpuline *ret)
{
	while (s->pos && *s->pos) {
		const char *line = s->pos, *eol = strchr(line, '\n');
		int rc;

		if (!eol)
			eol = line + strlen(line);
		s->pos = *eol ? eol + 1 : NULL;
		s->lineno++;
		if (strncmp(line, "cpu", 3) != 0) {
			if (s->seen_cpu)
				break; /* past the cpu lines */
			continue;
		}
		s->seen_cpu = 1;
		rc = pv_procstat_line(line, (size_t)(eol - line), ret);
		if (rc == 0)
			return 1;
		s->malformed++;
		if (!s->first_bad_line)
			s->first_bad_line = s->lineno;
	}
	s->pos = NULL;
	return 0;
}

int pv_procstat_open(struct pv_procstat_file *f, size_t size_hint)
{
	int fd = pv_fs_open(PV_PROC, "stat", O_RDONLY);

	f->fd = -1;
	f->buf = NULL;
	f->cap = 0;
	if (fd < 0)
		return fd;
	if (size_hint) {
		f->buf = malloc(size_hint);
		if (!f->buf) {
			close(fd);
			return -ENOMEM;
		}
		f->cap = size_hint;
	}
	f->fd = fd;
	return 0;
}

int pv_procstat_read(struct pv_procstat_file *f, const char **ret_text)
{
	int rc = pv_fs_pread_grow(f->fd, &f->buf, &f->cap, PV_PROCSTAT_FILE_MAX, NULL);

	if (rc == 0)
		*ret_text = f->buf;
	return rc;
}

void pv_procstat_close(struct pv_procstat_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	f->fd = -1;
	f->buf = NULL;
	f->cap = 0;
}

uint64_t pv_procstat_cpuline_sum(const struct pv_cpuline *l, unsigned mask)
{
	uint64_t sum = 0;

	for (int c = 0; c < PV_PS_NCOLS; c++)
		if (mask & PV_PS_MASK(c))
			sum = pv_sat_add(sum, l->col[c]);
	return sum;
}

uint64_t pv_procstat_ticks_to_ns(uint64_t ticks, uint64_t hz)
{
	uint64_t ns;

	if (hz == 0 || hz > 1000000000ull)
		return 0;
	/* Whole seconds and the remainder separately: ticks * 1e9 overflows
	 * 64 bits after ~58 years of ticks at 100 Hz on one CPU, and a sum
	 * over many CPUs gets there sooner. */
	if (ticks / hz > PV_NS_MAX / 1000000000ull)
		return PV_NS_MAX;
	ns = ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz;
	return ns > PV_NS_MAX ? PV_NS_MAX : ns;
}

uint64_t pv_procstat_user_hz(void)
{
	long hz = sysconf(_SC_CLK_TCK);

	return hz > 0 ? (uint64_t)hz : 100;
}
