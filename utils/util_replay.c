/*
 * A sample source reading a text file (see docs/utils.md, "Replay files"):
 *
 *   # comment
 *   info basis=cpu_time source=estimated
 *   sample SECONDS [epoch=N] [t0=SECONDS] [wall=UNIX_SECONDS]
 *   vm NAME [uuid=UUID] [energy_uj=N] [cpu_ns=N] [run_ns=N] [steal_ns=N] [halt_ns=N] [share_pct=X]
 *   host [energy_uj=N] [active_uj=N] [idle_uj=N] [other_uj=N]
 *
 * Counter values are what PAPI_read would return: cumulative since the
 * start of the epoch.  NAME is percent-encoded as in event names.
 */
#include "util_src.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pv_evname.h"
#include "pv_fs.h"

struct replay {
	struct util_src base;
	FILE *f;
	char *path;
	unsigned line;
	char pending[4096];       /* a "sample" line read ahead */
	int have_pending;
	char basis[UTIL_LABEL_MAX], source[UTIL_LABEL_MAX];
};

double util_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bad(struct replay *r, char *err, size_t errlen, const char *what, const char *tok)
{
	snprintf(err, errlen, "%s:%u: %s '%s'", r->path, r->line, what, tok);
	return -EINVAL;
}

static int parse_secs(const char *s, uint64_t *ret_ns)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 1e9)
		return -EINVAL;
	*ret_ns = (uint64_t)(v * 1e9 + 0.5);
	return 0;
}

static const char *const vm_keys[UTIL_C_N] = { "energy_uj", "cpu_ns", "run_ns", "steal_ns", "halt_ns" };
static const char *const host_keys[UTIL_H_N] = { "energy_uj", "active_uj", "idle_uj", "other_uj" };

static int parse_vm(struct replay *r, char *rest, struct util_sample *s, char *err, size_t errlen)
{
	char *save, *tok = strtok_r(rest, " \t", &save);
	char name[UTIL_NAME_MAX];
	if (!tok || pv_evname_unescape(tok, name, sizeof(name)) < 0)
		return bad(r, err, errlen, "bad VM name", tok ? tok : "");
	size_t vi;
	if (util_sample_vm(s, name, &vi) < 0)
		return -ENOMEM;
	struct util_vmread *v = &s->vms[vi]; /* no row is added below */
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(tok, '=');
		int done = 0;
		if (!eq)
			return bad(r, err, errlen, "expected key=value, got", tok);
		*eq = 0;
		for (int c = 0; c < UTIL_C_N && !done; c++) {
			if (strcmp(tok, vm_keys[c]) == 0) {
				if (pv_parse_u64(eq + 1, &v->v[c]) < 0)
					return bad(r, err, errlen, "bad number", eq + 1);
				v->have[c] = true;
				done = 1;
			}
		}
		if (!done && strcmp(tok, "uuid") == 0) {
			if (strlen(eq + 1) != UTIL_UUID_LEN - 1 ||
			    strspn(eq + 1, "0123456789abcdefABCDEF-") != UTIL_UUID_LEN - 1)
				return bad(r, err, errlen, "bad uuid (36 hex digits and dashes)", eq + 1);
			snprintf(v->uuid, sizeof(v->uuid), "%s", eq + 1);
			done = 1;
		}
		if (!done && strcmp(tok, "share_pct") == 0) {
			char *end;
			v->share_pct = strtod(eq + 1, &end);
			if (end == eq + 1 || *end)
				return bad(r, err, errlen, "bad number", eq + 1);
			v->have_share = true;
			done = 1;
		}
		if (!done)
			return bad(r, err, errlen, "unknown vm key", tok);
	}
	return 0;
}

static int parse_host(struct replay *r, char *rest, struct util_sample *s, char *err, size_t errlen)
{
	char *save, *tok;
	for (tok = strtok_r(rest, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');
		int done = 0;
		if (!eq)
			return bad(r, err, errlen, "expected key=value, got", tok);
		*eq = 0;
		for (int k = 0; k < UTIL_H_N && !done; k++) {
			if (strcmp(tok, host_keys[k]) == 0) {
				if (pv_parse_u64(eq + 1, &s->host[k]) < 0)
					return bad(r, err, errlen, "bad number", eq + 1);
				s->host_have[k] = true;
				done = 1;
			}
		}
		if (!done)
			return bad(r, err, errlen, "unknown host key", tok);
	}
	return 0;
}

static int parse_info(struct replay *r, char *rest, char *err, size_t errlen)
{
	char *save, *tok;
	for (tok = strtok_r(rest, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (strncmp(tok, "basis=", 6) == 0)
			snprintf(r->basis, sizeof(r->basis), "%s", tok + 6);
		else if (strncmp(tok, "source=", 7) == 0)
			snprintf(r->source, sizeof(r->source), "%s", tok + 7);
		else
			return bad(r, err, errlen, "unknown info key", tok);
	}
	return 0;
}

static int parse_sample_line(struct replay *r, char *rest, struct util_sample *s, char *err, size_t errlen)
{
	char *save, *tok = strtok_r(rest, " \t", &save);
	if (!tok || parse_secs(tok, &s->t_ns) < 0)
		return bad(r, err, errlen, "bad sample time", tok ? tok : "");
	s->wall = 1.7e9 + (double)s->t_ns / 1e9;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		uint64_t v;
		if (strncmp(tok, "epoch=", 6) == 0 && pv_parse_u64(tok + 6, &v) == 0)
			s->epoch = (unsigned)v;
		else if (strncmp(tok, "t0=", 3) == 0 && parse_secs(tok + 3, &v) == 0)
			s->epoch_t0_ns = v;
		else if (strncmp(tok, "wall=", 5) == 0 && parse_secs(tok + 5, &v) == 0)
			s->wall = (double)v / 1e9;
		else
			return bad(r, err, errlen, "bad sample field", tok);
	}
	return 0;
}

static int replay_sample(struct util_src *src, struct util_sample *s, char *err, size_t errlen)
{
	struct replay *r = (struct replay *)src;
	char buf[4096];
	int rc, started = 0;

	util_sample_reset(s);
	s->nvm = 0;
	for (;;) {
		if (r->have_pending) {
			snprintf(buf, sizeof(buf), "%s", r->pending);
			r->have_pending = 0;
		} else if (!fgets(buf, sizeof(buf), r->f)) {
			break;
		} else {
			r->line++;
		}
		buf[strcspn(buf, "\r\n")] = 0;
		char *p = buf + strspn(buf, " \t");
		if (!*p || *p == '#')
			continue;
		char *rest = p + strcspn(p, " \t");
		if (*rest)
			*rest++ = 0;
		if (strcmp(p, "sample") == 0) {
			if (started) {
				/* Next sample: keep the line for the next call. */
				snprintf(r->pending, sizeof(r->pending), "sample %s", rest);
				r->have_pending = 1;
				break;
			}
			started = 1;
			rc = parse_sample_line(r, rest, s, err, errlen);
		} else if (strcmp(p, "info") == 0) {
			rc = parse_info(r, rest, err, errlen);
		} else if (!started) {
			return bad(r, err, errlen, "data before the first 'sample' line:", p);
		} else if (strcmp(p, "vm") == 0) {
			rc = parse_vm(r, rest, s, err, errlen);
		} else if (strcmp(p, "host") == 0) {
			rc = parse_host(r, rest, s, err, errlen);
		} else {
			return bad(r, err, errlen, "unknown line type", p);
		}
		if (rc < 0)
			return rc;
	}
	if (!started)
		return UTIL_SRC_END;
	snprintf(s->basis, sizeof(s->basis), "%s", r->basis);
	snprintf(s->source, sizeof(s->source), "%s", *r->source ? r->source : "none");
	return 0;
}

static void replay_close(struct util_src *src)
{
	struct replay *r = (struct replay *)src;
	if (r->f)
		fclose(r->f);
	free(r->path);
	free(r);
}

int util_src_replay_open(const char *path, struct util_src **ret, char *err, size_t errlen)
{
	struct replay *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->f = fopen(path, "re");
	if (!r->f) {
		int e = errno;
		snprintf(err, errlen, "cannot open replay file %s: %s", path, strerror(e));
		free(r);
		return -e;
	}
	/* A --json recording starts with an object, a --csv one with its header. */
	char head[16] = "";
	int c;
	while ((c = fgetc(r->f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	if (c != EOF)
		ungetc(c, r->f);
	int csv = 0;
	if (c == 't' && fgets(head, sizeof(head), r->f)) {
		csv = strncmp(head, "time,scope,", 11) == 0;
		rewind(r->f);
	}
	if (c == '{' || csv) {
		int rc = util_src_json_open(r->f, path, csv, ret);
		if (rc < 0)
			fclose(r->f);
		free(r);
		return rc;
	}
	r->path = strdup(path);
	r->base.sample = replay_sample;
	r->base.close = replay_close;
	r->base.is_replay = 1;
	*ret = &r->base;
	return 0;
}
