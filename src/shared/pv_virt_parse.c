/* Parsers of the procfs files that describe a QEMU process; see pv_virt_proc.h.
 * Pure functions on buffers: the fixtures' unit tests drive them directly. */
#include "pv_virt_proc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pv_fs.h"

/* 8-4-4-4-12 hex digits; copied lower-cased into ret (37 bytes). */
static int pv_virt_uuid_copy(const char *s, size_t len, char *ret)
{
	char tmp[PV_VIRT_UUID_STRLEN];
	size_t i;

	if (len != PV_VIRT_UUID_STRLEN - 1)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -EINVAL;
		} else if (!isxdigit(c)) {
			return -EINVAL;
		}
		tmp[i] = (char)tolower(c);
	}
	tmp[len] = '\0';
	memcpy(ret, tmp, sizeof(tmp));
	return 0;
}

int pv_virt_parse_cmdline_uuid(const char *cmdline, size_t len, char *ret_uuid)
{
	const char *p = cmdline, *end = cmdline + len;
	int want_value = 0;

	while (p < end) {
		const char *arg = p;
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t alen = nul ? (size_t)(nul - p) : (size_t)(end - p);

		p = arg + alen + 1;
		if (want_value)
			return pv_virt_uuid_copy(arg, alen, ret_uuid);
		if ((alen == 5 && memcmp(arg, "-uuid", 5) == 0) ||
		    (alen == 6 && memcmp(arg, "--uuid", 6) == 0)) {
			want_value = 1;
			continue;
		}
		if (alen > 6 && memcmp(arg, "-uuid=", 6) == 0)
			return pv_virt_uuid_copy(arg + 6, alen - 6, ret_uuid);
		if (alen > 7 && memcmp(arg, "--uuid=", 7) == 0)
			return pv_virt_uuid_copy(arg + 7, alen - 7, ret_uuid);
	}
	return want_value ? -EINVAL : -ENOENT;
}

int pv_virt_parse_vcpu_comm(const char *comm, int *ret_index)
{
	const char *p;
	char *end;
	long idx;

	if (strncmp(comm, "CPU ", 4) != 0 || !isdigit((unsigned char)comm[4]))
		return -EINVAL;
	errno = 0;
	idx = strtol(comm + 4, &end, 10);
	if (errno || idx < 0 || idx > 1000000 || *end != '/')
		return -EINVAL;
	p = end + 1;
	/* The accelerator: TCG, KVM, HVF, WHPX... upper-case letters. */
	if (!isupper((unsigned char)*p))
		return -EINVAL;
	while (isupper((unsigned char)*p))
		p++;
	if (*p == '\n')
		p++;
	if (*p != '\0')
		return -EINVAL;
	*ret_index = (int)idx;
	return 0;
}

/* Field n (1-based, n >= 3) of a stat line, counted after the last ')'. */
static const char *pv_virt_stat_field(const char *stat, int n)
{
	const char *p = strrchr(stat, ')');
	int field = 2;

	if (!p)
		return NULL;
	p++;
	while (field < n) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			return NULL;
		field++;
		if (field == n)
			return p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	return NULL;
}

int pv_virt_parse_stat_start_time(const char *stat, uint64_t *ret)
{
	const char *p = pv_virt_stat_field(stat, 22);
	uint64_t v;
	int rc;

	if (!p)
		return -EINVAL;
	rc = pv_parse_scan_u64(&p, &v);
	if (rc < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* State letter (field 3) of a stat line, 0 when malformed. */
char pv_virt_parse_stat_state(const char *stat)
{
	const char *p = pv_virt_stat_field(stat, 3);

	return (p && isalpha((unsigned char)*p)) ? *p : 0;
}

int pv_virt_parse_cgroup_v2(const char *content, char **ret_path)
{
	const char *line = content;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len >= 3 && memcmp(line, "0::", 3) == 0) {
			char *path;

			if (len == 3 || line[3] != '/')
				return -EINVAL;
			path = strndup(line + 3, len - 3);
			if (!path)
				return -ENOMEM;
			*ret_path = path;
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

/* Copies a mountinfo field, decoding \NNN octal escapes. */
static char *pv_virt_unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Splits one line into at most max space-separated fields. */
static int pv_virt_split(const char *line, size_t len, const char **f, size_t *flen, int max)
{
	const char *p = line, *end = line + len;
	int n = 0;

	while (p < end && n < max) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		f[n] = p;
		while (p < end && *p != ' ')
			p++;
		flen[n] = (size_t)(p - f[n]);
		n++;
	}
	return n;
}

int pv_virt_parse_mountinfo_cgroup2(const char *content, char **ret_mnt, char **ret_root)
{
	const char *line = content;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *f[64];
		size_t fl[64];
		int n = pv_virt_split(line, len, f, fl, 64), i;

		/* id parent maj:min root mountpoint options [optional...] - fstype source super */
		for (i = 6; i + 1 < n; i++) {
			if (fl[i] == 1 && f[i][0] == '-') {
				if (fl[i + 1] == 7 && memcmp(f[i + 1], "cgroup2", 7) == 0) {
					char *mnt = pv_virt_unescape(f[4], fl[4]);
					char *root = pv_virt_unescape(f[3], fl[3]);

					if (!mnt || !root) {
						free(mnt);
						free(root);
						return -ENOMEM;
					}
					*ret_mnt = mnt;
					*ret_root = root;
					return 0;
				}
				break;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

/* /proc/mounts: "source mountpoint fstype options 0 0"; the root is "/". */
int pv_virt_parse_mounts_cgroup2(const char *content, char **ret_mnt, char **ret_root)
{
	const char *line = content;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *f[4];
		size_t fl[4];
		int n = pv_virt_split(line, len, f, fl, 4);

		if (n >= 3 && fl[2] == 7 && memcmp(f[2], "cgroup2", 7) == 0) {
			char *mnt = pv_virt_unescape(f[1], fl[1]);
			char *root = strdup("/");

			if (!mnt || !root) {
				free(mnt);
				free(root);
				return -ENOMEM;
			}
			*ret_mnt = mnt;
			*ret_root = root;
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}
