/* CPU -> package map from sysfs (see vmp_topo.h). */
#include "vmp_topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_cpus.h"
#include "pv_fs.h"
#include "vmp_attr.h"

void vmp_topo_free(struct vmp_topo *t)
{
	free(t->pkg_of);
	free(t->online);
	memset(t, 0, sizeof(*t));
}

int vmp_topo_read(struct vmp_topo *t)
{
	char buf[8192];
	unsigned char *bm = calloc(VMP_MAX_CPUS, 1);
	int ids[VMP_MAX_PKGS], nids = 0, err;

	if (!bm)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	err = pv_fs_read(PV_SYS, "devices/system/cpu/online", buf, sizeof(buf), NULL);
	if (!err)
		err = pv_cpus_parse_bitmap(buf, bm, VMP_MAX_CPUS);
	if (err < 0)
		goto out;
	for (int c = 0; c < VMP_MAX_CPUS; c++)
		if (bm[c]) {
			t->ncpu = c + 1;
			t->nonline++;
		}
	err = -EINVAL;
	if (t->nonline == 0)
		goto out;
	err = -ENOMEM;
	t->pkg_of = malloc((size_t)t->ncpu * sizeof(int));
	t->online = malloc((size_t)t->nonline * sizeof(int));
	if (!t->pkg_of || !t->online)
		goto out;
	/* First pass: physical ids; second: dense, ordered indices. */
	int n = 0;
	for (int c = 0; c < t->ncpu; c++) {
		int64_t id = 0;
		char rel[96];

		t->pkg_of[c] = -1;
		if (!bm[c])
			continue;
		t->online[n++] = c;
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/topology/physical_package_id", c);
		int e = pv_fs_read_s64(PV_SYS, rel, &id);
		if (e == -ENOENT || id < 0)
			id = 0;
		else if (e) {
			err = e;
			goto out;
		}
		t->pkg_of[c] = (int)id;
		int k;
		for (k = 0; k < nids && ids[k] != (int)id; k++)
			;
		if (k == nids) {
			if (nids == VMP_MAX_PKGS) {
				err = -ERANGE;
				goto out;
			}
			ids[nids++] = (int)id;
		}
	}
	for (int c = 0; c < t->ncpu; c++) {
		if (t->pkg_of[c] < 0)
			continue;
		int rank = 0;
		for (int k = 0; k < nids; k++)
			rank += ids[k] < t->pkg_of[c];
		t->pkg_of[c] = rank;
	}
	for (int k = 0; k < nids; k++) {
		int rank = 0;
		for (int j = 0; j < nids; j++)
			rank += ids[j] < ids[k];
		t->pkg_id[rank] = ids[k];
	}
	t->npkg = (unsigned)nids;
	err = 0;
out:
	free(bm);
	if (err)
		vmp_topo_free(t);
	return err;
}
