/* papi_vmpower --csv recordings read back (see util_replay_csv.h). */
#include "util_replay_csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { F_TIME, F_SCOPE, F_VM, F_STATE, F_POWER, F_ENERGY, F_CPU, F_SHARE, F_STEAL, F_HALT,
       F_BASIS, F_SOURCE, F_N };

struct cpuacc {
	char *name;
	double cpu_s;
};

struct util_csv {
	unsigned line;
	int header_seen;
	double prev_t;                 /* time of the previous sample, NaN at first */
	struct cpuacc *acc;
	size_t nacc;
};

struct util_csv *util_csv_new(void)
{
	struct util_csv *c = calloc(1, sizeof(*c));
	if (c)
		c->prev_t = NAN;
	return c;
}

void util_csv_free(struct util_csv *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nacc; i++)
		free(c->acc[i].name);
	free(c->acc);
	free(c);
}

/* One record (may span lines inside quotes) split into fields, in place. */
static int record(struct util_csv *c, FILE *f, char **buf, size_t *cap, char *fld[F_N])
{
	size_t len = 0;
	int inq = 0;
	for (;;) {
		char *line = NULL;
		size_t lcap = 0;
		ssize_t n = getline(&line, &lcap, f);
		if (n <= 0) {
			free(line);
			return len ? -EINVAL : 0;   /* EOF inside a quoted field */
		}
		c->line++;
		char *nb = realloc(*buf, len + (size_t)n + 1);
		if (!nb) {
			free(line);
			return -ENOMEM;
		}
		*buf = nb;
		*cap = len + (size_t)n + 1;
		memcpy(*buf + len, line, (size_t)n + 1);
		free(line);
		for (ssize_t i = 0; i < n; i++)
			if ((*buf)[len + (size_t)i] == '"')
				inq = !inq;
		len += (size_t)n;
		if (!inq)
			break;
	}
	while (len && ((*buf)[len - 1] == '\n' || (*buf)[len - 1] == '\r'))
		(*buf)[--len] = 0;
	/* Split; unquote in place ("" inside quotes is one "). */
	int k = 0;
	char *r = *buf, *w = *buf;
	while (k < F_N) {
		fld[k++] = w;
		if (*r == '"') {
			r++;
			for (;;) {
				if (!*r)
					return -EINVAL;
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (*r == ',') {
			*w++ = 0;
			r++;
			continue;
		}
		*w = 0;
		break;
	}
	return k == F_N && !*r ? 1 : -EINVAL;
}

static json_object *jnum(const char *s)
{
	char *end;
	if (!*s)
		return NULL;
	double v = strtod(s, &end);
	return *end ? NULL : json_object_new_double(v);
}

static double *cpu_of(struct util_csv *c, const char *name)
{
	for (size_t i = 0; i < c->nacc; i++)
		if (strcmp(c->acc[i].name, name) == 0)
			return &c->acc[i].cpu_s;
	struct cpuacc *a = realloc(c->acc, (c->nacc + 1) * sizeof(*a));
	if (!a)
		return NULL;
	c->acc = a;
	a[c->nacc].name = strdup(name);
	a[c->nacc].cpu_s = 0;
	if (!a[c->nacc].name)
		return NULL;
	return &a[c->nacc++].cpu_s;
}

static int vm_row(struct util_csv *c, char *fld[F_N], double t, json_object *vms)
{
	json_object *v = json_object_new_object();
	double dt = isnan(c->prev_t) ? NAN : t - c->prev_t;
	double *cpu = cpu_of(c, fld[F_VM]);
	if (!v || !cpu)
		return -ENOMEM;
	json_object_object_add(v, "name", json_object_new_string(fld[F_VM]));
	json_object_object_add(v, "state", json_object_new_string(fld[F_STATE]));
	json_object_object_add(v, "energy_j", jnum(fld[F_ENERGY]));
	json_object_object_add(v, "share_pct", jnum(fld[F_SHARE]));
	json_object_object_add(v, "steal_pct", jnum(fld[F_STEAL]));
	json_object_object_add(v, "halt_pct", jnum(fld[F_HALT]));
	if (dt > 0) {
		json_object_object_add(v, "interval_s", json_object_new_double(dt));
		if (*fld[F_CPU])
			*cpu += strtod(fld[F_CPU], NULL) / 100 * dt;
	}
	json_object_object_add(v, "cpu_seconds", *fld[F_CPU] || *cpu > 0 ? json_object_new_double(*cpu) : NULL);
	json_object_array_add(vms, v);
	return 0;
}

int util_csv_next(struct util_csv *c, FILE *f, const char *path, json_object **ret, char *err,
		  size_t errlen)
{
	char *buf = NULL, *fld[F_N];
	size_t cap = 0;
	json_object *o = NULL, *vms = NULL;
	int rc;

	while ((rc = record(c, f, &buf, &cap, fld)) > 0) {
		if (!c->header_seen) {
			if (strcmp(fld[F_TIME], "time") != 0 || strcmp(fld[F_SCOPE], "scope") != 0) {
				rc = -EINVAL;
				break;
			}
			c->header_seen = 1;
			continue;
		}
		char *end;
		double t = strtod(fld[F_TIME], &end);
		if (end == fld[F_TIME] || *end) {
			rc = -EINVAL;
			break;
		}
		if (!o) {
			o = json_object_new_object();
			vms = json_object_new_array();
			json_object_object_add(o, "type", json_object_new_string("sample"));
			json_object_object_add(o, "time", json_object_new_double(t));
			json_object_object_add(o, "vms", vms);
		}
		if (strcmp(fld[F_SCOPE], "vm") == 0) {
			if ((rc = vm_row(c, fld, t, vms)) < 0)
				break;
			continue;
		}
		if (strcmp(fld[F_SCOPE], "host") != 0) {
			rc = -EINVAL;
			break;
		}
		/* The host row ends a sample. */
		json_object *h = json_object_new_object();
		json_object_object_add(h, "energy_j", jnum(fld[F_ENERGY]));
		json_object_object_add(o, "host", h);
		json_object_object_add(o, "basis", json_object_new_string(fld[F_BASIS]));
		json_object_object_add(o, "energy_source", json_object_new_string(fld[F_SOURCE]));
		c->prev_t = t;
		free(buf);
		*ret = o;
		return 1;
	}
	free(buf);
	json_object_put(o);
	if (rc == -EINVAL)
		snprintf(err, errlen, "%s:%u: not a papi_vmpower --csv row (12 RFC 4180 fields, a header "
			 "first, a host row ending each sample)", path, c->line);
	return rc;
}
