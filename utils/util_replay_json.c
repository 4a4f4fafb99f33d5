/*
 * A sample source reading a run recorded with papi_vmpower --json (JSON
 * Lines), so --report (and every other output) can be made afterwards.
 * Each "sample" object becomes a util_sample whose counters are the
 * recorded totals: energy_j -> energy_uj, cpu_seconds -> cpu_ns, host
 * *_energy_j -> uJ; steal and halt were recorded as percentages only, so
 * run/steal/halt time is rebuilt from them and the interval (the
 * percentages come out the same).  VMs recorded as gone are left out, as
 * they were not running; the summary object ends the run.  A --csv
 * recording is read through util_replay_csv.c into the same objects.
 */
#include "util_replay_csv.h"
#include "util_src.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vmacc {
	char name[UTIL_NAME_MAX];
	double run, steal, halt;   /* ns, rebuilt */
};

struct jreplay {
	struct util_src base;
	FILE *f;
	char *path;
	unsigned line;
	double t0;
	int started;
	uint64_t prev_ns;          /* the previous sample's time */
	struct vmacc *acc;
	size_t nacc;
	struct util_csv *csv;      /* a --csv recording, else NULL */
};

static double num(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NAN;
	return json_object_get_double(v);
}

static const char *str(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static struct vmacc *acc_of(struct jreplay *r, const char *name)
{
	for (size_t i = 0; i < r->nacc; i++)
		if (strcmp(r->acc[i].name, name) == 0)
			return &r->acc[i];
	struct vmacc *a = realloc(r->acc, (r->nacc + 1) * sizeof(*a));
	if (!a)
		return NULL;
	r->acc = a;
	memset(&a[r->nacc], 0, sizeof(*a));
	snprintf(a[r->nacc].name, sizeof(a[r->nacc].name), "%s", name);
	return &a[r->nacc++];
}

static void set(struct util_vmread *v, enum util_ctr c, double x)
{
	if (isnan(x) || x < 0)
		return;
	v->v[c] = (uint64_t)llround(x);
	v->have[c] = true;
}

static int take_vm(struct jreplay *r, json_object *o, struct util_sample *s)
{
	const char *name = str(o, "name"), *state = str(o, "state"), *uuid = str(o, "uuid");
	if (!name)
		return -EINVAL;
	if (state && strcmp(state, "gone") == 0)
		return 0;
	size_t vi;
	struct vmacc *a = acc_of(r, name);
	if (util_sample_vm(s, name, &vi) < 0 || !a)
		return -ENOMEM;
	struct util_vmread *v = &s->vms[vi]; /* no row is added below */
	if (uuid)
		snprintf(v->uuid, sizeof(v->uuid), "%s", uuid);
	set(v, UTIL_C_ENERGY_UJ, num(o, "energy_j") * 1e6);
	set(v, UTIL_C_CPU_NS, num(o, "cpu_seconds") * 1e9);
	double share = num(o, "share_pct"), dt = num(o, "interval_s");
	if (!isnan(share)) {
		v->share_pct = share;
		v->have_share = true;
	}
	double st = num(o, "steal_pct"), ha = num(o, "halt_pct");
	if (!isnan(st) && !isnan(ha) && dt > 0) {
		a->steal += st / 100 * dt * 1e9;
		a->halt += ha / 100 * dt * 1e9;
		a->run += (100 - st - ha) / 100 * dt * 1e9;
	}
	if (!isnan(st) && !isnan(ha)) {
		set(v, UTIL_C_RUN_NS, a->run);
		set(v, UTIL_C_STEAL_NS, a->steal);
		set(v, UTIL_C_HALT_NS, a->halt);
	}
	return 0;
}

static int take_sample(struct jreplay *r, json_object *o, struct util_sample *s)
{
	double t = num(o, "time");
	if (isnan(t))
		return -EINVAL;
	if (!r->started) {
		r->t0 = t;
		r->started = 1;
	}
	/* Offset so the first interval can reach back before the first sample. */
	s->t_ns = (uint64_t)llround((t - r->t0) * 1e9) + 1000000000000ull;
	s->wall = t;
	s->epoch = 1;
	/* Totals of a VM first seen in this sample began about one interval
	 * ago (when the recording monitor rebuilt its EventSets): the previous
	 * sample, or for the first one its recorded interval. */
	if (!r->prev_ns) {
		double dt = NAN;
		json_object *vms0;
		if (json_object_object_get_ex(o, "vms", &vms0) && json_object_array_length(vms0) > 0)
			dt = num(json_object_array_get_idx(vms0, 0), "interval_s");
		r->prev_ns = s->t_ns - (dt > 0 && dt < 1000 ? (uint64_t)llround(dt * 1e9) : 0);
	}
	s->epoch_t0_ns = r->prev_ns;
	r->prev_ns = s->t_ns;
	const char *b = str(o, "basis"), *src = str(o, "energy_source");
	snprintf(s->basis, sizeof(s->basis), "%s", b ? b : "");
	snprintf(s->source, sizeof(s->source), "%s", src ? src : "none");
	json_object *vms, *host;
	if (json_object_object_get_ex(o, "vms", &vms) && json_object_is_type(vms, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(vms); i++) {
			int rc = take_vm(r, json_object_array_get_idx(vms, i), s);
			if (rc < 0)
				return rc;
		}
	}
	static const char *const hk[UTIL_H_N] = { "energy_j", "active_energy_j", "idle_energy_j",
						  "other_energy_j" };
	if (json_object_object_get_ex(o, "host", &host) && host) {
		for (int k = 0; k < UTIL_H_N; k++) {
			double x = num(host, hk[k]);
			if (!isnan(x) && x >= 0) {
				s->host[k] = (uint64_t)llround(x * 1e6);
				s->host_have[k] = true;
			}
		}
	}
	return 0;
}

/* The next recorded object: 1 and *ret, 0 at the end, or -errno. */
static int next_object(struct jreplay *r, json_object **ret, char *err, size_t errlen)
{
	if (r->csv)
		return util_csv_next(r->csv, r->f, r->path, ret, err, errlen);
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&buf, &cap, r->f)) > 0) {
		r->line++;
		if (strspn(buf, " \t\r\n") == (size_t)n)
			continue;
		*ret = json_tokener_parse(buf);
		if (*ret && json_object_is_type(*ret, json_type_object)) {
			rc = 1;
		} else {
			json_object_put(*ret);
			snprintf(err, errlen, "%s:%u: not a papi_vmpower --json object", r->path, r->line);
			rc = -EINVAL;
		}
		break;
	}
	free(buf);
	return rc;
}

static int jr_sample(struct util_src *src, struct util_sample *s, char *err, size_t errlen)
{
	struct jreplay *r = (struct jreplay *)src;
	json_object *o;
	int rc;

	util_sample_reset(s);
	s->nvm = 0;
	while ((rc = next_object(r, &o, err, errlen)) > 0) {
		const char *type = str(o, "type");
		if (type && strcmp(type, "summary") == 0) {
			json_object_put(o);
			return UTIL_SRC_END;
		}
		if (!type || strcmp(type, "sample") != 0) {
			json_object_put(o);
			continue;
		}
		rc = take_sample(r, o, s);
		json_object_put(o);
		if (rc == -EINVAL)
			snprintf(err, errlen, "%s:%u: sample without a time or a VM without a name", r->path,
				 r->line);
		return rc;
	}
	return rc < 0 ? rc : UTIL_SRC_END;
}

static void jr_close(struct util_src *src)
{
	struct jreplay *r = (struct jreplay *)src;
	fclose(r->f);
	util_csv_free(r->csv);
	free(r->acc);
	free(r->path);
	free(r);
}

int util_src_json_open(FILE *f, const char *path, int csv, struct util_src **ret)
{
	struct jreplay *r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path)) || (csv && !(r->csv = util_csv_new()))) {
		if (r)
			free(r->path);
		free(r);
		return -ENOMEM;
	}
	r->f = f;
	r->base.sample = jr_sample;
	r->base.close = jr_close;
	r->base.is_replay = 1;
	*ret = &r->base;
	return 0;
}
