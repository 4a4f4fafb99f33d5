/* The state file format: percent-encoding, the line parser, reading a whole
 * file back, and appending records.  See pv_ctlstate.h. */
#include "pv_ctlstate_priv.h"
#include "pv_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pv_ctlstate_escape(const char *raw, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *raw; raw++) {
		unsigned char c = (unsigned char)*raw;

		if (c > 0x20 && c < 0x7f && c != '%') {
			if (o + 1 >= len)
				return -ENAMETOOLONG;
			buf[o++] = (char)c;
		} else {
			if (o + 3 >= len)
				return -ENAMETOOLONG;
			buf[o++] = '%';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (o >= len)
		return -ENAMETOOLONG;
	buf[o] = '\0';
	return 0;
}

int pv_ctlstate_unescape(const char *esc, char *buf, size_t len)
{
	size_t o = 0;

	for (; *esc; esc++) {
		char c = *esc;

		if (c == '%') {
			int h = pv_parse_hexdigit(esc[1]), l = h < 0 ? -1 : pv_parse_hexdigit(esc[2]);

			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return -EINVAL;
			c = (char)(h * 16 + l);
			esc += 2;
		}
		if (o + 1 >= len)
			return -ENAMETOOLONG;
		buf[o++] = c;
	}
	buf[o] = '\0';
	return 0;
}

enum pv_ctlstate_line pv_ctlstate_parse_line(const char *line, pid_t *ret_pid, struct pv_ctlstate_entry *ret)
{
	char kind[64], p[3 * PATH_MAX], v[3 * PV_CTLSTATE_VALUE_MAX];
	struct pv_ctlstate_entry x;
	long pid;

	if (sscanf(line, "pid %ld", &pid) == 1) {
		*ret_pid = (pid_t)pid;
		return PV_CTLSTATE_LINE_PID;
	}
	if (sscanf(line, "save %63s %12287s %767s", kind, p, v) != 3)
		return PV_CTLSTATE_LINE_OTHER;
	if (snprintf(x.kind, sizeof(x.kind), "%s", kind) >= (int)sizeof(x.kind) ||
	    pv_ctlstate_unescape(p, x.path, sizeof(x.path)) < 0 || pv_ctlstate_unescape(v, x.orig, sizeof(x.orig)) < 0)
		return PV_CTLSTATE_LINE_OTHER;
	*ret = x;
	return PV_CTLSTATE_LINE_SAVE;
}

void pv_ctlstate_file_free(struct pv_ctlstate_file *f)
{
	free(f->e);
	f->e = NULL;
	f->n = 0;
}

/* Unknown or truncated lines (a process killed mid-append) are skipped:
 * every complete "save" line is a valid original. */
int pv_ctlstate_file_read(int fd, struct pv_ctlstate_file *ret)
{
	char line[3 * (PATH_MAX + PV_CTLSTATE_VALUE_MAX) + 64];
	struct pv_ctlstate_file f = { 0 };
	FILE *fp;
	int dfd = dup(fd), rc = 0, first = 1;

	if (dfd < 0)
		return -errno;
	if (lseek(dfd, 0, SEEK_SET) < 0 || !(fp = fdopen(dfd, "r"))) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	while (fgets(line, sizeof(line), fp)) {
		struct pv_ctlstate_entry x, *ne;
		size_t l = strlen(line);

		if (l == 0 || line[l - 1] != '\n')
			continue; /* truncated by a kill: ignore */
		line[l - 1] = '\0';
		if (first) {
			first = 0;
			if (strcmp(line, PV_CTLSTATE_MAGIC) != 0) {
				rc = -EINVAL;
				break;
			}
			continue;
		}
		if (pv_ctlstate_parse_line(line, &f.pid, &x) != PV_CTLSTATE_LINE_SAVE)
			continue;
		ne = realloc(f.e, (size_t)(f.n + 1) * sizeof(*ne));
		if (!ne) {
			rc = -ENOMEM;
			break;
		}
		f.e = ne;
		f.e[f.n++] = x;
	}
	if (first && rc == 0)
		rc = -EINVAL; /* empty */
	fclose(fp);
	if (rc < 0) {
		pv_ctlstate_file_free(&f);
		return rc;
	}
	*ret = f;
	return 0;
}

int pv_ctlstate_file_is_name(const char *s)
{
	size_t l = strlen(s);

	return strncmp(s, "rapl_vm-", 8) == 0 && l > 14 && strcmp(s + l - 6, ".state") == 0;
}

static int append_line(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t n = write(fd, s + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)n;
	}
	return 0;
}

int pv_ctlstate_file_start(int fd, pid_t pid)
{
	char head[128];

	snprintf(head, sizeof(head), PV_CTLSTATE_MAGIC "\npid %ld\n", (long)pid);
	return append_line(fd, head);
}

int pv_ctlstate_file_append(int fd, const char *kind, const char *path, const char *orig)
{
	char ep[3 * PATH_MAX], ev[3 * PV_CTLSTATE_VALUE_MAX], line[sizeof(ep) + sizeof(ev) + 64];
	int rc;

	if (pv_ctlstate_escape(path, ep, sizeof(ep)) < 0 || pv_ctlstate_escape(orig, ev, sizeof(ev)) < 0)
		return -ENAMETOOLONG;
	snprintf(line, sizeof(line), "save %s %s %s\n", kind, ep, ev);
	rc = append_line(fd, line);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	return rc;
}
