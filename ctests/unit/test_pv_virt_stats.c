/* Unit tests of pv_virt_link_stats (libvirt's domain statistics as plain C
 * data, papi_vmcheck's libvirt source), compared with an independent
 * reader of the same statistics: Debian's virsh (`virsh -r -c URI domstats
 * --raw --state --cpu-total --vcpu --list-active`, `virsh domuuid`).
 *
 * virsh runs just before and just after our read: every field virsh prints
 * must be ours, with a value between virsh's two (equal for constant
 * fields such as state.state, bracketed for counters such as cpu.time and
 * vcpu.N.time/delay, which only grow), and we must report no field or
 * domain virsh does not.  The URI is libvirt's test driver (test:///default:
 * one running domain "test"; libvirt 9.0's test driver gives only the
 * state.* group of domstats) unless PV_TEST_STATS_URI names another: the VM
 * lab runs this binary against its libvirtd (ctests/vmlab/test_util_vmlab.sh)
 * and sets PV_TEST_STATS_NEED_CPU=1, so cpu.time, cpu.user, cpu.system and
 * vcpu.N.time/delay of real QEMU guests are compared the same way.
 *
 * Errors: a URI libvirt cannot open fails with the URI and libvirt's own
 * message (the one virsh prints for the same URI); a missing libvirt library
 * (PAPI_VIRT_LIBVIRT) fails with pv_virt_lib's reason; unknown groups are
 * refused. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "pv_check.h"
#include "pv_virt_link.h"

#define TIMEOUT_MS 10000
#define MAXF 512
#define MAXD 16

struct vfield {
	char name[80];
	char value[64];
};

struct vdom {
	char name[256];
	struct vfield f[MAXF];
	size_t n;
};

struct vsnap {
	struct vdom d[MAXD];
	size_t n;
};

static const char *uri(void)
{
	const char *u = getenv("PV_TEST_STATS_URI");

	return u && *u ? u : "test:///default";
}

static void use_uri(const char *u)
{
	setenv("PAPI_VIRT_URI", u, 1);
	unsetenv("PAPI_VIRT_LIBVIRT");
	pv_config_reset();
}

/* Runs cmd, returns its stdout+stderr (malloc'd) and exit status. */
static char *run(const char *cmd, int *status)
{
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	FILE *p = popen(cmd, "r");
	size_t got;

	ck_assert_ptr_nonnull(out);
	ck_assert_msg(p != NULL, "popen %s: %s", cmd, strerror(errno));
	while ((got = fread(out + len, 1, cap - 1 - len, p)) > 0) {
		len += got;
		if (len == cap - 1) {
			cap *= 2;
			out = realloc(out, cap);
			ck_assert_ptr_nonnull(out);
		}
	}
	out[len] = '\0';
	*status = pclose(p);
	return out;
}

/* virsh domstats --raw: "Domain: 'NAME'" then "  field=value" lines. */
static void virsh_domstats(struct vsnap *s)
{
	char cmd[1024], *out, *line, *save = NULL;
	int st;

	snprintf(cmd, sizeof(cmd), "virsh -r -q -c '%s' domstats --raw --state --cpu-total --vcpu --list-active 2>&1",
		 uri());
	out = run(cmd, &st);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: status %d: %s", cmd, st, out);
	memset(s, 0, sizeof(*s));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq;

		if (strncmp(line, "Domain: '", 9) == 0) {
			char *end = strrchr(line, '\'');

			ck_assert_uint_lt(s->n, MAXD);
			ck_assert_ptr_nonnull(end);
			*end = '\0';
			snprintf(s->d[s->n++].name, sizeof(s->d[0].name), "%s", line + 9);
			continue;
		}
		eq = strchr(line, '=');
		if (!eq || s->n == 0)
			continue;
		*eq = '\0';
		struct vdom *d = &s->d[s->n - 1];
		ck_assert_uint_lt(d->n, MAXF);
		snprintf(d->f[d->n].name, sizeof(d->f[0].name), "%s", line + strspn(line, " "));
		snprintf(d->f[d->n].value, sizeof(d->f[0].value), "%s", eq + 1);
		d->n++;
	}
	free(out);
}

static const struct vdom *vdom_find(const struct vsnap *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->d[i].name, name) == 0)
			return &s->d[i];
	return NULL;
}

static const char *vfield_find(const struct vdom *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].name, name) == 0)
			return d->f[i].value;
	return NULL;
}

/* Our value of st as virsh prints it would be compared: lo <= ours <= hi,
 * lo/hi being virsh's value before and after (in either order). */
static void check_between(const char *dom, const struct pv_virt_link_stat *st, const char *a, const char *b)
{
	char *e1 = (char *)"", *e2 = (char *)"";

	if (st->kind == PV_VIRT_LINK_DOUBLE) {
		double x = strtod(a, &e1), y = strtod(b, &e2);
		double lo = fmin(x, y), hi = fmax(x, y), slack = 1e-6 * fmax(1, fabs(hi));

		ck_assert_msg(*e1 == 0 && *e2 == 0, "%s %s: virsh printed '%s', '%s'", dom, st->field, a, b);
		ck_assert_msg(st->d >= lo - slack && st->d <= hi + slack, "%s %s: ours %g, virsh %s then %s", dom,
			      st->field, st->d, a, b);
	} else if (st->kind == PV_VIRT_LINK_S64) {
		long long x = strtoll(a, &e1, 10), y = strtoll(b, &e2, 10);

		ck_assert_msg(*e1 == 0 && *e2 == 0, "%s %s: virsh printed '%s', '%s'", dom, st->field, a, b);
		ck_assert_msg(st->s >= (x < y ? x : y) && st->s <= (x > y ? x : y),
			      "%s %s: ours %" PRId64 ", virsh %s then %s", dom, st->field, st->s, a, b);
	} else {
		/* virsh prints libvirt's booleans as yes/no */
		unsigned long long x = strcmp(a, "yes") == 0 ? 1 : strcmp(a, "no") == 0 ? 0 : strtoull(a, &e1, 10);
		unsigned long long y = strcmp(b, "yes") == 0 ? 1 : strcmp(b, "no") == 0 ? 0 : strtoull(b, &e2, 10);

		ck_assert_msg(*e1 == 0 && *e2 == 0, "%s %s: virsh printed '%s', '%s'", dom, st->field, a, b);
		ck_assert_msg(st->u >= (x < y ? x : y) && st->u <= (x > y ? x : y),
			      "%s %s: ours %" PRIu64 ", virsh %s then %s", dom, st->field, st->u, a, b);
	}
}

static void check_uuid(const struct pv_virt_link_domstats *d)
{
	char cmd[1024], *out;
	int st;

	snprintf(cmd, sizeof(cmd), "virsh -r -q -c '%s' domuuid '%s' 2>&1", uri(), d->dom.name);
	out = run(cmd, &st);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", cmd, out);
	out[strcspn(out, "\n")] = '\0';
	ck_assert_str_eq(d->dom.uuid, out);
	free(out);
}

/* Counters papi_vmcheck reads, required where libvirt has a real guest. */
static void check_cpu_fields(const struct pv_virt_link_domstats *d)
{
	static const char *const need[] = { "cpu.time", "cpu.user", "cpu.system", "vcpu.0.time", "vcpu.0.delay" };

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		const struct pv_virt_link_stat *st = pv_virt_link_stat_find(d, need[i]);

		ck_assert_msg(st != NULL, "%s: no %s from pv_virt_link_stats", d->dom.name, need[i]);
		ck_assert_int_eq(st->kind, PV_VIRT_LINK_U64);
	}
	ck_assert_uint_gt(pv_virt_link_stat_find(d, "cpu.time")->u, 0);
}

START_TEST(stats_match_virsh)
{
	struct pv_virt_link *l;
	struct pv_virt_link_statlist st = { NULL, 0 };
	static struct vsnap before, after;
	char err[512] = "";
	size_t compared = 0;
	int need_cpu = getenv("PV_TEST_STATS_NEED_CPU") != NULL;

	use_uri(uri());
	ck_assert_int_eq(pv_virt_link_new(uri(), &l), 0);
	virsh_domstats(&before);
	ck_assert_msg(pv_virt_link_stats(l, TIMEOUT_MS, PV_VIRT_LINK_STATE | PV_VIRT_LINK_CPU | PV_VIRT_LINK_VCPU,
					 &st, err, sizeof(err)) == 0, "pv_virt_link_stats: %s", err);
	virsh_domstats(&after);
	ck_assert_msg(before.n > 0, "virsh lists no running domain at %s", uri());
	ck_assert_uint_eq(st.n, before.n);
	for (size_t i = 0; i < st.n; i++) {
		const struct pv_virt_link_domstats *d = &st.doms[i];
		const struct vdom *b = vdom_find(&before, d->dom.name), *a = vdom_find(&after, d->dom.name);

		ck_assert_msg(b && a, "domain %s: not in virsh's domstats", d->dom.name);
		check_uuid(d);
		/* Same field set: everything virsh prints is ours and back. */
		ck_assert_msg(d->n == b->n, "%s: %zu fields, virsh printed %zu", d->dom.name, d->n, b->n);
		for (size_t k = 0; k < d->n; k++) {
			const char *x = vfield_find(b, d->stats[k].field), *y = vfield_find(a, d->stats[k].field);

			ck_assert_msg(x && y, "%s: %s is ours only", d->dom.name, d->stats[k].field);
			check_between(d->dom.name, &d->stats[k], x, y);
			compared++;
		}
		ck_assert_ptr_nonnull(pv_virt_link_stat_find(d, "state.state"));
		if (need_cpu)
			check_cpu_fields(d);
	}
	printf("pv_virt_link_stats at %s: %zu domain(s), %zu fields equal to or between virsh's\n", uri(), st.n,
	       compared);
	pv_virt_link_statlist_free(&st);
	pv_virt_link_close(l, TIMEOUT_MS);
}
END_TEST

/* One pv_virt_link_stats call on a fresh link to u, expected to fail:
 * returns its code, err gets its message, nothing is returned. */
static int stats_fail(const char *u, unsigned int groups, char *err, size_t errlen)
{
	struct pv_virt_link *l;
	struct pv_virt_link_statlist st = { NULL, 0 };
	int rc;

	ck_assert_int_eq(pv_virt_link_new(u, &l), 0);
	rc = pv_virt_link_stats(l, TIMEOUT_MS, groups, &st, err, errlen);
	ck_assert_int_lt(rc, 0);
	ck_assert_uint_eq(st.n, 0);
	ck_assert_ptr_null(st.doms);
	pv_virt_link_close(l, TIMEOUT_MS);
	return rc;
}

/* A URI libvirt cannot open: the error names it and carries libvirt's own
 * message, the one virsh prints for it. */
START_TEST(stats_bad_uri)
{
	static const char bad[] = "qemu:///system?socket=/nonexistent/pv-test-stats-sock";
	char err[512] = "", cmd[256], *out, *msg;
	int status;

	use_uri(bad);
	ck_assert_int_eq(stats_fail(bad, PV_VIRT_LINK_CPU, err, sizeof(err)), -ECONNREFUSED);
	ck_assert_msg(strstr(err, "cannot connect to libvirt at qemu:///system?socket=/nonexistent/pv-test-stats-sock: "),
		      "%s", err);
	snprintf(cmd, sizeof(cmd), "virsh -r -q -c '%s' domstats 2>&1", bad);
	out = run(cmd, &status);
	ck_assert_msg(!WIFEXITED(status) || WEXITSTATUS(status) != 0, "virsh opened %s: %s", bad, out);
	/* virsh: "error: failed to connect to the hypervisor\nerror: MESSAGE" */
	msg = strstr(out, "\nerror: ");
	ck_assert_msg(msg != NULL, "virsh said: %s", out);
	while (strstr(msg + 1, "\nerror: "))
		msg = strstr(msg + 1, "\nerror: ");
	msg += 8;
	msg[strcspn(msg, "\n")] = '\0';
	ck_assert_msg(strstr(err, msg), "ours: '%s'; virsh: '%s'", err, msg);
	free(out);
}
END_TEST

START_TEST(stats_missing_libvirt)
{
	char err[512] = "";

	use_uri("test:///default");
	setenv("PAPI_VIRT_LIBVIRT", "libvirt-missing-for-test.so.0", 1);
	pv_config_reset();
	ck_assert_int_eq(stats_fail("test:///default", PV_VIRT_LINK_CPU, err, sizeof(err)), -ELIBACC);
	ck_assert_msg(strstr(err, "cannot load libvirt (libvirt-missing-for-test.so.0, PAPI_VIRT_LIBVIRT)"), "%s", err);
}
END_TEST

START_TEST(stats_bad_groups)
{
	char err[512] = "";

	use_uri("test:///default");
	ck_assert_int_eq(stats_fail("test:///default", 0, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "unknown domain statistics groups 0x0"), "%s", err);
	ck_assert_int_eq(stats_fail("test:///default", PV_VIRT_LINK_CPU | 0x40, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "groups 0x42"), "%s", err);
}
END_TEST

PV_CHECK_MAIN_WITH("pv_virt_stats", 60, NULL, NULL,
	stats_match_virsh, stats_bad_uri, stats_missing_libvirt, stats_bad_groups)
