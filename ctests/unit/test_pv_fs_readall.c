/* Unit tests of pv_fs's whole-file readers: pv_fs_read_all (to EOF, at
 * most max bytes) and pv_fs_pread_grow (kept-open file, growing buffer),
 * against files made in a temporary directory: empty, larger than the
 * first buffer, over max, missing, a directory, a FIFO. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pv_check.h"
#include "pv_config.h"
#include "pv_fs.h"

static char root[PATH_MAX];

static void make_dir(void)
{
	snprintf(root, sizeof(root), "/tmp/pvra.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	pv_check_use_root(PV_CHECK_PROC, root);
}

/* <root>/name with n bytes of a repeating pattern; returns the content. */
static char *make_file(const char *name, size_t n)
{
	char p[PATH_MAX + 64];
	char *s = malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = (char)('a' + i % 26);
	s[n] = '\0';
	snprintf(p, sizeof(p), "%s/%s", root, name);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, n, f), n);
	fclose(f);
	return s;
}

static void drop(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(read_all_whole_and_capped)
{
	char *text, *want;
	size_t len;

	make_dir();
	want = make_file("big", 100000); /* many times the first 4 KiB buffer */
	ck_assert_int_eq(pv_fs_read_all(PV_PROC, "big", 1u << 20, &text, &len), 0);
	ck_assert_uint_eq(len, 100000);
	ck_assert_str_eq(text, want);
	free(text);
	/* at most max bytes: a prefix, NUL-terminated; max + 1 tells "too big" */
	ck_assert_int_eq(pv_fs_read_all(PV_PROC, "big", 5000, &text, &len), 0);
	ck_assert_uint_eq(len, 5000);
	ck_assert_uint_eq(strlen(text), 5000);
	ck_assert_int_eq(memcmp(text, want, 5000), 0);
	free(text);
	free(want);
	want = make_file("empty", 0);
	ck_assert_int_eq(pv_fs_read_all(PV_PROC, "empty", 100, &text, NULL), 0);
	ck_assert_str_eq(text, "");
	free(text);
	free(want);
	/* the real procfs: a file of size 0 that has content */
	unsetenv("PAPI_VIRT_PROCFS");
	pv_config_reset();
	ck_assert_int_eq(pv_fs_read_all(PV_PROC, "self/status", 1u << 20, &text, &len), 0);
	ck_assert_ptr_nonnull(strstr(text, "\nPid:"));
	ck_assert_uint_eq(strlen(text), len);
	free(text);
	drop();
}
END_TEST

START_TEST(read_all_errors)
{
	char *text = (char *)"untouched";
	char p[PATH_MAX + 64];

	make_dir();
	ck_assert_int_eq(pv_fs_read_all(PV_PROC, "missing", 100, &text, NULL), -ENOENT);
	snprintf(p, sizeof(p), "%s/dir", root);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(pv_fs_read_all(PV_PROC, "dir", 100, &text, NULL), -EISDIR);
	snprintf(p, sizeof(p), "%s/fifo", root);
	pv_check_mkfifo(p);
	PV_CHECK_NEVER_BLOCKS(ck_assert_int_eq(pv_fs_read_all(PV_PROC, "fifo", 100, &text, NULL), -PV_ENOTREG));
	PV_CHECK_NEVER_BLOCKS(ck_assert_int_eq(pv_fs_read_all_path(p, 100, &text, NULL), -PV_ENOTREG));
	ck_assert_str_eq(text, "untouched");
	drop();
}
END_TEST

START_TEST(pread_grow_rereads)
{
	char *buf = NULL, *want;
	size_t cap = 0, len;
	int fd;

	make_dir();
	want = make_file("stat", 50000);
	fd = pv_fs_open(PV_PROC, "stat", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pv_fs_pread_grow(fd, &buf, &cap, 1u << 20, &len), 0);
	ck_assert_uint_eq(len, 50000);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_gt(cap, 50000);
	size_t kept = cap;
	ck_assert_int_eq(pv_fs_pread_grow(fd, &buf, &cap, 1u << 20, &len), 0); /* again, no growth */
	ck_assert_uint_eq(cap, kept);
	ck_assert_str_eq(buf, want);
	/* over max: -EFBIG, the buffer stays the caller's to free */
	free(buf);
	buf = NULL;
	cap = 0;
	ck_assert_int_eq(pv_fs_pread_grow(fd, &buf, &cap, 40000, &len), -EFBIG);
	ck_assert_uint_le(cap, 40000);
	free(buf);
	close(fd);
	free(want);
	drop();
}
END_TEST

PV_CHECK_MAIN("pv_fs_readall",
	read_all_whole_and_capped, read_all_errors, pread_grow_rereads)
