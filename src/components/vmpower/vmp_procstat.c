/* Per-package busy/total time from /proc/stat (see vmp_procstat.h). */
#include "vmp_procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"
#include "pv_procstat.h"

int vmp_procstat_parse(const char *content, const struct pv_topo *t, long tick_hz,
		       struct vmp_pkgstat *ret)
{
	struct vmp_pkgstat s;
	struct pv_procstat_scan sc;
	struct pv_cpuline l;
	int used = 0;

	if (tick_hz <= 0)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	pv_procstat_scan_init(&sc, content);
	while (pv_procstat_next(&sc, &l)) {
		if (l.cpu < 0 || l.cpu >= t->ncpu || t->pkg_of[l.cpu] < 0)
			continue; /* the total line, or a CPU outside the topology */
		int pkg = t->pkg_of[l.cpu];
		/* Saturating sums and conversion (pv_procstat): a corrupt line
		 * with huge tick counts must not wrap and make busy exceed
		 * total (found by fuzz_vmp_procstat); the conversion is
		 * monotonic, so busy_ns <= total_ns too. */
		uint64_t busy = pv_procstat_cpuline_sum(&l, PV_PS_BUSY | PV_PS_MASK(PV_PS_STEAL));
		uint64_t total = pv_sat_add(busy, pv_procstat_cpuline_sum(&l, PV_PS_IDLE));
		s.busy_ns[pkg] = pv_ns_add(s.busy_ns[pkg], pv_procstat_ticks_to_ns(busy, (uint64_t)tick_hz));
		s.total_ns[pkg] = pv_ns_add(s.total_ns[pkg], pv_procstat_ticks_to_ns(total, (uint64_t)tick_hz));
		used++;
	}
	if (!used)
		return -EINVAL;
	*ret = s;
	return 0;
}

int vmp_procstat_read(struct pv_procstat_file *f, const struct pv_topo *t, struct vmp_pkgstat *ret)
{
	const char *text;
	int err = 0;

	/* The "intr" line grows with the number of IRQs: start generous. */
	if (f->fd < 0)
		err = pv_procstat_open(f, 65536 + (size_t)t->ncpu * 256);
	if (!err)
		err = pv_procstat_read(f, &text);
	if (!err)
		err = vmp_procstat_parse(text, t, pv_procstat_user_hz(), ret);
	return err;
}
