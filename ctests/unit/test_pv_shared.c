/* Unit tests of the shared helpers: pv_fs (against ctests/fixtures/pvfs),
 * pv_evname (qualifiers, VM-name escaping) and pv_evtab. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_evname.h"
#include "pv_evtab.h"
#include "pv_fs.h"

static void use_fixture(void)
{
	pv_check_use_fixture("pvfs", PV_CHECK_PROC | PV_CHECK_SYS);
}

START_TEST(roots_default_and_override)
{
	unsetenv("PAPI_VIRT_PROCFS");
	unsetenv("PAPI_VIRT_SYSFS");
	unsetenv("PAPI_VIRT_BOOTFS");
	pv_config_reset();
	ck_assert_str_eq(pv_fs_root(PV_PROC), "/proc");
	ck_assert_str_eq(pv_fs_root(PV_SYS), "/sys");
	ck_assert_str_eq(pv_fs_root(PV_BOOT), "/boot");
	setenv("PAPI_VIRT_BOOTFS", "/tmp/fixture-boot", 1);
	pv_config_reset();
	ck_assert_str_eq(pv_fs_root(PV_BOOT), "/tmp/fixture-boot");
	setenv("PAPI_VIRT_PROCFS", "", 1);
	pv_config_reset();
	ck_assert_str_eq(pv_fs_root(PV_PROC), "/proc");
	setenv("PAPI_VIRT_SYSFS", "/tmp/x/", 1);
	pv_config_reset();
	char buf[64];
	ck_assert_int_eq(pv_fs_path(PV_SYS, "/class/powercap", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/tmp/x/class/powercap");
	ck_assert_int_eq(pv_fs_path(PV_SYS, "class/powercap/intel-rapl:0/energy_uj", buf, 16), -ENAMETOOLONG);
	unsetenv("PAPI_VIRT_BOOTFS");
	pv_config_reset();
	ck_assert_int_eq(pv_fs_path(PV_BOOT, "config-6.1.0", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/boot/config-6.1.0");
	setenv("PAPI_VIRT_BOOTFS", "/tmp/b", 1);
	pv_config_reset();
	ck_assert_int_eq(pv_fs_path(PV_BOOT, "config-6.1.0", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/tmp/b/config-6.1.0");
}
END_TEST

START_TEST(read_numbers_strictly)
{
	uint64_t u = 7;
	int64_t s = 7;

	use_fixture();
	ck_assert_int_eq(pv_fs_read_u64(PV_PROC, "number", &u), 0);
	ck_assert_uint_eq(u, 12345);
	u = 7;
	ck_assert_int_eq(pv_fs_read_u64(PV_PROC, "garbage", &u), -EINVAL);
	ck_assert_int_eq(pv_fs_read_u64(PV_PROC, "empty", &u), -EINVAL);
	ck_assert_int_eq(pv_fs_read_u64(PV_PROC, "negative", &u), -EINVAL);
	ck_assert_int_eq(pv_fs_read_u64(PV_PROC, "overflow", &u), -ERANGE);
	ck_assert_uint_eq(u, 7); /* untouched on failure */
	ck_assert_int_eq(pv_fs_read_s64(PV_PROC, "negative", &s), 0);
	ck_assert_int_eq(s, -5);
	ck_assert_int_eq(pv_fs_read_u64(PV_SYS, "nonl", &u), 0);
	ck_assert_uint_eq(u, 42);
}
END_TEST

START_TEST(absent_is_not_failed)
{
	uint64_t u;
	char buf[8];

	use_fixture();
	ck_assert_int_eq(pv_fs_read_u64(PV_PROC, "missing", &u), -ENOENT);
	ck_assert_int_eq(pv_fs_read_u64(PV_PROC, "missing/dir/file", &u), -ENOENT);
	ck_assert_int_eq(pv_fs_exists(PV_PROC, "missing"), 0);
	ck_assert_int_eq(pv_fs_exists(PV_PROC, "number"), 1);
	/* A file under a regular file: ENOTDIR, still "absent". */
	ck_assert_int_eq(pv_fs_exists(PV_PROC, "number/x"), 0);
	ck_assert_int_eq(pv_fs_read(PV_PROC, "sub/lines", buf, sizeof(buf), NULL), -EFBIG);
}
END_TEST

START_TEST(permission_is_reported)
{
	char p[PATH_MAX];
	const char *dir;
	uint64_t u;

	if (geteuid() == 0)
		return; /* root reads anything: nothing to observe */
	dir = pv_check_tmp_root();
	snprintf(p, sizeof(p), "%s/secret", dir);
	pv_check_write(p, "1\n");
	ck_assert_int_eq(chmod(p, 0), 0);
	pv_check_use_root(PV_CHECK_SYS, dir);
	ck_assert_int_eq(pv_fs_read_u64(PV_SYS, "secret", &u), -EACCES);
	pv_check_tmp_drop();
}
END_TEST

START_TEST(lines_and_pread)
{
	char buf[64];
	size_t n;
	uint64_t u;
	int fd;

	use_fixture();
	ck_assert_int_eq(pv_fs_read_line(PV_PROC, "sub/lines", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "first line");
	ck_assert_int_eq(pv_fs_read_line(PV_PROC, "sub/lines", buf, 5), -ENAMETOOLONG);
	fd = pv_fs_open(PV_PROC, "number", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(pv_fs_pread_u64(fd, &u), 0);
		ck_assert_uint_eq(u, 12345);
	}
	ck_assert_int_eq(pv_fs_pread_all(fd, buf, sizeof(buf), &n), 0);
	ck_assert_uint_eq(n, 6);
	close(fd);
	ck_assert_int_eq(pv_fs_open(PV_PROC, "missing", O_RDONLY), -ENOENT);
}
END_TEST

START_TEST(write_replaces_content)
{
	char p[PATH_MAX], buf[32];
	const char *dir = pv_check_tmp_root();

	snprintf(p, sizeof(p), "%s/power_limit_uw", dir);
	pv_check_write(p, "150000000\n");
	pv_check_use_root(PV_CHECK_SYS, dir);
	ck_assert_int_eq(pv_fs_write_str(PV_SYS, "power_limit_uw", "9"), 0);
	ck_assert_int_eq(pv_fs_read(PV_SYS, "power_limit_uw", buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "9");
	/* Controls never create files. */
	ck_assert_int_eq(pv_fs_write_str(PV_SYS, "nothere", "1"), -ENOENT);
	pv_check_tmp_drop();
}
END_TEST

START_TEST(parse_and_scan)
{
	uint64_t u = 0;
	int i = 0;
	const char *line = "cpu3 10 20 x";
	const char *p = line + 4;

	ck_assert_int_eq(pv_parse_u64("18446744073709551615", &u), 0);
	ck_assert_uint_eq(u, UINT64_MAX);
	ck_assert_int_eq(pv_parse_u64("+1", &u), -EINVAL);
	ck_assert_int_eq(pv_parse_u64("", &u), -EINVAL);
	ck_assert_int_eq(pv_parse_u64("1 2", &u), -EINVAL);
	ck_assert_int_eq(pv_parse_int("2147483648", &i), -ERANGE);
	ck_assert_int_eq(pv_parse_int("-2147483648", &i), 0);
	ck_assert_int_eq(i, INT_MIN);
	ck_assert_int_eq(pv_parse_scan_u64(&p, &u), 0);
	ck_assert_uint_eq(u, 10);
	ck_assert_int_eq(pv_parse_scan_u64(&p, &u), 0);
	ck_assert_uint_eq(u, 20);
	ck_assert_int_eq(pv_parse_scan_u64(&p, &u), -EINVAL);
	p = "12abc";
	ck_assert_int_eq(pv_parse_scan_u64(&p, &u), -EINVAL);
}
END_TEST

START_TEST(describe_names_path_and_cause)
{
	char buf[256];

	setenv("PAPI_VIRT_PROCFS", "/fx/proc", 1);
	pv_config_reset();
	pv_fs_describe(PV_PROC, "stat", -EINVAL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/fx/proc/stat: malformed content");
	pv_fs_describe(PV_PROC, "stat", -EACCES, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/fx/proc/stat: Permission denied");
}
END_TEST

START_TEST(evname_qualifiers)
{
	struct pv_evname ev;
	int n = -1;

	ck_assert_int_eq(pv_evname_parse("VCPU_RUN_NS:vm=web%20server:vcpu=3", &ev), 0);
	ck_assert_str_eq(ev.base, "VCPU_RUN_NS");
	ck_assert_int_eq(ev.nquals, 2);
	ck_assert_str_eq(pv_evname_value(&ev, "vm"), "web server");
	ck_assert_int_eq(pv_evname_int(&ev, "vcpu", &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_ptr_null(pv_evname_value(&ev, "pkg"));
	ck_assert_int_eq(pv_evname_int(&ev, "pkg", &n), -ENOENT);

	/* '@' for the high-level API, raw '=' and UTF-8 inside a value. */
	ck_assert_int_eq(pv_evname_parse("VM_SHARE_PCT:vm@a=b\xc3\xa9", &ev), 0);
	ck_assert_str_eq(pv_evname_value(&ev, "vm"), "a=b\xc3\xa9");
	ck_assert_int_eq(pv_evname_parse("READ_BYTES:process", &ev), 0);
	ck_assert(pv_evname_has(&ev, "process"));
	ck_assert_ptr_null(pv_evname_value(&ev, "process"));
	ck_assert_int_eq(pv_evname_parse("STEAL_NS", &ev), 0);
	ck_assert_int_eq(ev.nquals, 0);
}
END_TEST

START_TEST(evname_rejects_malformed)
{
	struct pv_evname ev;
	int n;

	ck_assert_int_eq(pv_evname_parse("", &ev), -EINVAL);
	ck_assert_int_eq(pv_evname_parse(":vm=a", &ev), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:vm=a:vm=b", &ev), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:=a", &ev), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:vm=%4", &ev), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:vm=%zz", &ev), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:vm=%00", &ev), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:a=1:b=2:c=3:d=4:e=5", &ev), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:vcpu=07", &ev), 0);
	ck_assert_int_eq(pv_evname_int(&ev, "vcpu", &n), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:vcpu=-1", &ev), 0);
	ck_assert_int_eq(pv_evname_int(&ev, "vcpu", &n), -EINVAL);
	ck_assert_int_eq(pv_evname_parse("X:vcpu=99999999999", &ev), 0);
	ck_assert_int_eq(pv_evname_int(&ev, "vcpu", &n), -ERANGE);
}
END_TEST

/* Each refusal says what is wrong, not one generic message. */
START_TEST(evname_says_why)
{
	struct pv_evname ev;
	char why[256], name[5100];

	ck_assert_int_eq(pv_evname_parse_why("X:vm=a:vm=b", &ev, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "the qualifier 'vm' is given twice");
	memset(name, 'v', sizeof(name));
	memcpy(name, "X:vm=", 5);
	name[5005] = '\0'; /* a 5000-character VM name */
	ck_assert_int_eq(pv_evname_parse_why(name, &ev, why, sizeof(why)), -ENAMETOOLONG);
	ck_assert_msg(strstr(why, "is 5003 characters long (key at most 15, value at most 255)") != NULL, "%s", why);
	ck_assert_int_eq(pv_evname_parse_why("X:vm=%zz", &ev, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "the qualifier 'vm=%zz' is malformed (empty key or bad %XX escape)");
	ck_assert_int_eq(pv_evname_parse_why("X:a=1:b=2:c=3:d=4:e=5", &ev, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "more than 4 qualifiers");
}
END_TEST

START_TEST(evname_escape_round_trip)
{
	const char *names[] = { "plain-vm_1.2", "my vm", "a:b", "k=v", "100%", "caf\xc3\xa9 \xe2\x98\x83", "x,y" };
	char esc[128], back[128];
	struct pv_evname ev;
	char name[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_int_eq(pv_evname_escape(names[i], esc, sizeof(esc)), 0);
		ck_assert_ptr_null(strpbrk(esc, " :=,@"));
		ck_assert_int_eq(pv_evname_unescape(esc, back, sizeof(back)), 0);
		ck_assert_str_eq(back, names[i]);
		snprintf(name, sizeof(name), "VM_ENERGY_UJ:vm=%s", esc);
		ck_assert_int_eq(pv_evname_parse(name, &ev), 0);
		ck_assert_str_eq(pv_evname_value(&ev, "vm"), names[i]);
	}
	ck_assert_int_eq(pv_evname_escape("a:b", esc, sizeof(esc)), 0);
	ck_assert_str_eq(esc, "a%3Ab");
	ck_assert_int_eq(pv_evname_escape("abc", esc, 3), -ENAMETOOLONG);
	ck_assert_int_eq(pv_evname_escape("::", esc, 6), -ENAMETOOLONG);
}
END_TEST

static struct pv_event mk(const char *name, int base)
{
	struct pv_event e;

	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.base = base;
	e.listed = 1;
	return e;
}

START_TEST(evtab_codes_are_stable)
{
	static struct pv_evtab t;
	unsigned c0, c1, c, n;
	const struct pv_event *p0;

	ck_assert_int_eq(pv_evtab_init(&t), 0);
	struct pv_event e = mk("STEAL_NS", -1);
	ck_assert_int_eq(pv_evtab_add(&t, &e, &c0), 1);
	p0 = pv_evtab_get(&t, c0);
	e = mk("STEAL_NS:cpu=0", (int)c0);
	ck_assert_int_eq(pv_evtab_add(&t, &e, &c1), 1);
	ck_assert_int_eq(pv_evtab_add(&t, &e, &c), 0);
	ck_assert_uint_eq(c, c1);
	/* Thousands more: earlier pointers and codes stay valid. */
	for (int i = 0; i < 3000; i++) {
		char nm[64];

		snprintf(nm, sizeof(nm), "EV_%d", i);
		e = mk(nm, -1);
		ck_assert_int_eq(pv_evtab_add(&t, &e, &c), 1);
	}
	ck_assert_ptr_eq(pv_evtab_get(&t, c0), p0);
	ck_assert_str_eq(pv_evtab_get(&t, c1)->name, "STEAL_NS:cpu=0");
	ck_assert_int_eq(pv_evtab_find(&t, "EV_2999", &c), 0);
	ck_assert_str_eq(pv_evtab_get(&t, c)->name, "EV_2999");
	ck_assert_int_eq(pv_evtab_find(&t, "NOPE", &c), -ENOENT);
	ck_assert_ptr_null(pv_evtab_get(&t, pv_evtab_count(&t)));
	n = pv_evtab_count(&t);
	ck_assert_uint_eq(n, 3002);
	/* Chunks double (256, 512, 1024, 2048): every code across their
	 * boundaries maps to its own entry, in the order added. */
	for (unsigned i = 0; i < 3000; i++) {
		char nm[64];

		snprintf(nm, sizeof(nm), "EV_%u", i);
		ck_assert_str_eq(pv_evtab_get(&t, i + 2)->name, nm);
	}
	/* The table's own struct is static data in every component: small. */
	ck_assert_uint_lt(sizeof(struct pv_evtab), 256);
	pv_evtab_destroy(&t);
}
END_TEST

START_TEST(evtab_set_desc)
{
	static struct pv_evtab t;
	struct pv_event e = mk("VIRT_NS", -1);
	unsigned c;

	ck_assert_int_eq(pv_evtab_init(&t), 0);
	ck_assert_int_eq(pv_evtab_add(&t, &e, &c), 1);
	ck_assert_int_eq(pv_evtab_set_desc(&t, c, "found out later"), 0);
	ck_assert_str_eq(pv_evtab_get(&t, c)->desc, "found out later");
	ck_assert_str_eq(pv_evtab_get(&t, c)->name, "VIRT_NS");
	ck_assert_int_eq(pv_evtab_set_desc(&t, c + 1, "x"), -ENOENT);
	pv_evtab_destroy(&t);
}
END_TEST

START_TEST(evtab_enumeration)
{
	static struct pv_evtab t;
	unsigned a, a1, a2, b, hidden, c;
	struct pv_event e;

	ck_assert_int_eq(pv_evtab_init(&t), 0);
	e = mk("A", -1);
	pv_evtab_add(&t, &e, &a);
	e = mk("A:vm=x", (int)a);
	pv_evtab_add(&t, &e, &a1);
	e = mk("B", -1);
	pv_evtab_add(&t, &e, &b);
	e = mk("A:vm=y", (int)a);
	pv_evtab_add(&t, &e, &a2);
	e = mk("A:vm=gone", (int)a);
	e.listed = 0;
	pv_evtab_add(&t, &e, &hidden);

	ck_assert_int_eq(pv_evtab_next_base(&t, -1, &c), 0);
	ck_assert_uint_eq(c, a);
	ck_assert_int_eq(pv_evtab_next_base(&t, (int)c, &c), 0);
	ck_assert_uint_eq(c, b);
	ck_assert_int_eq(pv_evtab_next_base(&t, (int)c, &c), -ENOENT);
	ck_assert_int_eq(pv_evtab_next_instance(&t, a, -1, &c), 0);
	ck_assert_uint_eq(c, a1);
	ck_assert_int_eq(pv_evtab_next_instance(&t, a, (int)c, &c), 0);
	ck_assert_uint_eq(c, a2);
	ck_assert_int_eq(pv_evtab_next_instance(&t, a, (int)c, &c), -ENOENT);
	ck_assert_int_eq(pv_evtab_next_instance(&t, b, -1, &c), -ENOENT);

	/* Unlisting hides an instance from enumeration, keeps its code. */
	ck_assert_int_eq(pv_evtab_set_listed(&t, a1, 0), 0);
	ck_assert_int_eq(pv_evtab_next_instance(&t, a, -1, &c), 0);
	ck_assert_uint_eq(c, a2);
	ck_assert_str_eq(pv_evtab_get(&t, a1)->name, "A:vm=x");
	ck_assert_int_eq(pv_evtab_find(&t, "A:vm=x", &c), 0);
	ck_assert_uint_eq(c, a1);
	ck_assert_int_eq(pv_evtab_set_listed(&t, hidden, 1), 0);
	ck_assert_int_eq(pv_evtab_next_instance(&t, a, (int)a2, &c), 0);
	ck_assert_uint_eq(c, hidden);
	ck_assert_int_eq(pv_evtab_set_listed(&t, 999, 1), -ENOENT);
	pv_evtab_destroy(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pv_shared");
	TCase *fs = tcase_create("pv_fs");
	TCase *nm = tcase_create("pv_evname");
	TCase *tb = tcase_create("pv_evtab");

	tcase_add_test(fs, roots_default_and_override);
	tcase_add_test(fs, read_numbers_strictly);
	tcase_add_test(fs, absent_is_not_failed);
	tcase_add_test(fs, permission_is_reported);
	tcase_add_test(fs, lines_and_pread);
	tcase_add_test(fs, write_replaces_content);
	tcase_add_test(fs, parse_and_scan);
	tcase_add_test(fs, describe_names_path_and_cause);
	tcase_add_test(nm, evname_qualifiers);
	tcase_add_test(nm, evname_rejects_malformed);
	tcase_add_test(nm, evname_says_why);
	tcase_add_test(nm, evname_escape_round_trip);
	tcase_add_test(tb, evtab_codes_are_stable);
	tcase_add_test(tb, evtab_set_desc);
	tcase_add_test(tb, evtab_enumeration);
	suite_add_tcase(s, fs);
	suite_add_tcase(s, nm);
	suite_add_tcase(s, tb);
	return pv_check_run(s);
}
