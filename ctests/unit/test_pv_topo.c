/* Unit tests of the shared package numbering (pv_topo) on fixture trees:
 * dense indices in order of physical id whatever the CPU order (pkgnum-gap:
 * CPUs 0-1 are physical package 3, CPUs 2-3 physical package 0), the
 * numbering of ids other sources report (RAPL zones without online CPUs,
 * no topology at all), the package-0 rule for CPUs without topology, and the
 * errors, each naming its file. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "pv_check.h"
#include "pv_fs.h"
#include "pv_topo.h"

#define CPU "devices/system/cpu"

/* A writable copy of pkgnum-gap's sys tree; PAPI_VIRT_SYSFS -> it. */
static const char *gap_copy(void)
{
	const char *root = pv_check_tmp_copy("pkgnum-gap", "sys");

	pv_check_use_root(PV_CHECK_SYS, root);
	return root;
}

static void put(const char *rel, const char *s)
{
	ck_assert_int_eq(pv_fs_write_str(PV_SYS, rel, s), 0);
}

/* What pv_topo_read must find in a fixture. */
struct want {
	const char *fixture;
	int ncpu, nonline;
	unsigned npkg;
	int pkg_of[8], pkg_id[4], online[8];
};

static void expect_topo(const struct want *w)
{
	struct pv_topo t;

	pv_check_use_fixture(w->fixture, PV_CHECK_SYS);
	ck_assert_int_eq(pv_topo_read(&t, NULL, 0), 0);
	ck_assert_int_eq(t.ncpu, w->ncpu);
	ck_assert_int_eq(t.nonline, w->nonline);
	ck_assert_uint_eq(t.npkg, w->npkg);
	for (int c = 0; c < w->ncpu; c++)
		ck_assert_msg(t.pkg_of[c] == w->pkg_of[c], "%s: cpu%d in %d", w->fixture, c, t.pkg_of[c]);
	for (int i = 0; i < w->nonline; i++)
		ck_assert_int_eq(t.online[i], w->online[i]);
	for (unsigned p = 0; p < w->npkg; p++) {
		ck_assert_int_eq(t.pkg_id[p], w->pkg_id[p]);
		ck_assert_int_eq(pv_topo_index(&t, w->pkg_id[p]), (int)p);
	}
	pv_topo_free(&t);
	ck_assert_ptr_null(t.pkg_of);
	pv_topo_free(&t); /* twice is harmless */
}

START_TEST(gap_ids_are_dense_in_physical_order)
{
	/* physical 0 is pkg 0 although its CPUs come last */
	static const struct want w = { "pkgnum-gap", 4, 4, 2, { 1, 1, 0, 0 }, { 0, 3 }, { 0, 1, 2, 3 } };
	struct pv_topo t;

	expect_topo(&w);
	pv_check_use_fixture("pkgnum-gap", PV_CHECK_SYS);
	ck_assert_int_eq(pv_topo_read(&t, NULL, 0), 0);
	ck_assert_int_eq(pv_topo_index(&t, 1), -ENOENT);
	ck_assert_int_eq(pv_topo_index(NULL, 0), -ENOENT);
	pv_topo_free(&t);
}
END_TEST

START_TEST(offline_cpus_and_gapped_ids)
{
	/* vmpower-2pkg: online 0-2,4; physical ids 0,0,3,(3, offline),3 */
	static const struct want w = { "vmpower-2pkg", 5, 4, 2, { 0, 0, 1, -1, 1 }, { 0, 3 }, { 0, 1, 2, 4 } };

	expect_topo(&w);
}
END_TEST

START_TEST(numbering_ids_of_other_sources)
{
	struct pv_topo t;
	const int gap[] = { 3, 0 }, extra[] = { 3, 0, 7, 5, 7 }, contiguous[] = { 0, 1, 1, 2 };

	pv_check_use_fixture("pkgnum-gap", PV_CHECK_SYS);
	ck_assert_int_eq(pv_topo_read(&t, NULL, 0), 0);
	ck_assert_int_eq(pv_topo_number(&t, 3, gap, 2), 1);
	ck_assert_int_eq(pv_topo_number(&t, 0, gap, 2), 0);
	/* ids without an online CPU come after the topology's, in id order,
	 * each counted once */
	ck_assert_int_eq(pv_topo_number(&t, 5, extra, 5), 2);
	ck_assert_int_eq(pv_topo_number(&t, 7, extra, 5), 3);
	ck_assert_int_eq(pv_topo_number(&t, 3, extra, 5), 1);
	/* no topology: the rank of the source's own ids */
	ck_assert_int_eq(pv_topo_number(NULL, 3, gap, 2), 1);
	ck_assert_int_eq(pv_topo_number(NULL, 0, gap, 2), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pv_topo_number(NULL, contiguous[i], contiguous, 4), contiguous[i]);
	pv_topo_free(&t);
}
END_TEST

START_TEST(cpu_without_topology_is_package_0)
{
	struct pv_topo t;
	char path[PATH_MAX];
	int id = -1;

	snprintf(path, sizeof(path), "%s/" CPU "/cpu0/topology/physical_package_id", gap_copy());
	ck_assert_int_eq(unlink(path), 0);
	put(CPU "/cpu1/topology/physical_package_id", "-1\n"); /* "unknown" */
	ck_assert_int_eq(pv_topo_cpu_phys(0, &id), -ENOENT);
	ck_assert_int_eq(pv_topo_cpu_phys(1, &id), -EDOM);
	ck_assert_int_eq(pv_topo_cpu_phys(2, &id), 0);
	ck_assert_int_eq(id, 0);
	ck_assert_int_eq(pv_topo_read(&t, NULL, 0), 0);
	ck_assert_uint_eq(t.npkg, 1);
	for (int c = 0; c < 4; c++)
		ck_assert_int_eq(t.pkg_of[c], 0);
	pv_topo_free(&t);
	pv_check_tmp_drop();
}
END_TEST

START_TEST(errors_name_the_file)
{
	struct pv_topo t;
	char why[512], path[PATH_MAX];

	gap_copy();
	put(CPU "/cpu2/topology/physical_package_id", "zero\n");
	ck_assert_int_eq(pv_topo_read(&t, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "cpu2/topology/physical_package_id") && strstr(why, "malformed"), "%s", why);
	ck_assert_ptr_null(t.pkg_of);
	put(CPU "/cpu2/topology/physical_package_id", "0\n");
	put(CPU "/online", "0-3,\n");
	ck_assert_int_eq(pv_topo_read(&t, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, CPU "/online"), "%s", why);
	put(CPU "/online", "\n");
	ck_assert_int_eq(pv_topo_read(&t, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, CPU "/online"), "%s", why);
	snprintf(path, sizeof(path), "%s/sys/" CPU "/online", pv_check_tmp);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(pv_topo_read(&t, why, sizeof(why)), -ENOENT);
	ck_assert_msg(strstr(why, path), "%s", why);
	pv_check_tmp_drop();
}
END_TEST

START_TEST(too_many_packages_are_refused)
{
	struct pv_topo t;
	char why[512], rel[96], id[16];
	int n = PV_TOPO_MAX_PKGS + 1;

	gap_copy();
	snprintf(id, sizeof(id), "0-%d\n", n - 1);
	put(CPU "/online", id);
	for (int c = 0; c < n; c++) {
		snprintf(rel, sizeof(rel), "%s/sys/" CPU "/cpu%d/topology/physical_package_id", pv_check_tmp, c);
		snprintf(id, sizeof(id), "%d\n", 2 * c);
		pv_check_write(rel, id);
	}
	ck_assert_int_eq(pv_topo_read(&t, why, sizeof(why)), -ERANGE);
	ck_assert_msg(strstr(why, "more than 64 CPU packages"), "%s", why);
	/* one fewer fits: the highest index is the highest id */
	snprintf(id, sizeof(id), "0-%d\n", n - 2);
	put(CPU "/online", id);
	ck_assert_int_eq(pv_topo_read(&t, why, sizeof(why)), 0);
	ck_assert_uint_eq(t.npkg, PV_TOPO_MAX_PKGS);
	ck_assert_int_eq(t.pkg_id[PV_TOPO_MAX_PKGS - 1], 2 * (n - 2));
	pv_topo_free(&t);
	pv_check_tmp_drop();
}
END_TEST

PV_CHECK_MAIN("pv_topo",
	gap_ids_are_dense_in_physical_order, offline_cpus_and_gapped_ids, numbering_ids_of_other_sources,
	cpu_without_topology_is_package_0, errors_name_the_file, too_many_packages_are_refused)
