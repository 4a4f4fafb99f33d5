/* Per-package busy/total time from /proc/stat (see vmp_procstat.h). */
#include "vmp_procstat.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

int vmp_procstat_parse(const char *content, const struct vmp_topo *t, long tick_hz,
		       struct vmp_pkgstat *ret)
{
	struct vmp_pkgstat s;
	const char *line = content;
	int used = 0;

	/* The kernel writes LF line ends: a CR means the file is not what it
	 * claims to be (steal refuses it too). */
	if (tick_hz <= 0 || strchr(content, '\r'))
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9')
			continue;
		const char *p = line + 3;
		uint64_t cpu, v[8];
		if (pv_scan_u64(&p, &cpu) != 0)
			continue;
		int k;
		for (k = 0; k < 8; k++)
			if (pv_scan_u64(&p, &v[k]) != 0)
				break;
		if (k < 8)
			continue; /* malformed or pre-2.6.11 line: skipped */
		if (cpu >= (uint64_t)t->ncpu || t->pkg_of[cpu] < 0)
			continue;
		int pkg = t->pkg_of[cpu];
		/* Saturating: a corrupt line with huge tick counts must not
		 * wrap and make busy exceed total (found by fuzz_vmp_procstat). */
		uint64_t busy = sat_add(sat_add(sat_add(v[0], v[1]), sat_add(v[2], v[5])), sat_add(v[6], v[7]));
		uint64_t total = sat_add(busy, sat_add(v[3], v[4]));
		uint64_t ns_per_tick = 1000000000u / (uint64_t)tick_hz;
		s.busy_ns[pkg] = sat_add(s.busy_ns[pkg], sat_mul(busy, ns_per_tick));
		s.total_ns[pkg] = sat_add(s.total_ns[pkg], sat_mul(total, ns_per_tick));
		used++;
	}
	if (!used)
		return -EINVAL;
	*ret = s;
	return 0;
}

int vmp_procstat_read(const struct vmp_topo *t, struct vmp_pkgstat *ret)
{
	/* The "intr" line grows with the number of IRQs: start generous,
	 * double on -EFBIG up to 16 MB. */
	size_t len = 65536 + (size_t)t->ncpu * 256;
	int err;

	for (;;) {
		char *buf = malloc(len);
		if (!buf)
			return -ENOMEM;
		err = pv_fs_read(PV_PROC, "stat", buf, len, NULL);
		if (!err)
			err = vmp_procstat_parse(buf, t, sysconf(_SC_CLK_TCK), ret);
		free(buf);
		if (err != -EFBIG || len >= (16u << 20))
			return err;
		len *= 2;
	}
}
