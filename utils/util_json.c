/* papi_vmpower's JSON Lines output, built with json-c (see util_out.h). */
#include "util_out.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>

/* A number, or JSON null for an unknown value (NaN). */
static json_object *jnum(double v)
{
	return isnan(v) ? NULL : json_object_new_double(v);
}

static json_object *jstr_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static const char *state_name(enum util_vmstate s)
{
	return s == UTIL_VM_NEW ? "new" : s == UTIL_VM_GONE ? "gone" : "running";
}

static int emit(FILE *f, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	int rc = s ? 0 : -ENOMEM;
	if (s) {
		fputs(s, f);
		fputc('\n', f);
		fflush(f);
	}
	json_object_put(o);
	return rc;
}

static json_object *host_obj(const struct util_tracker *t, bool summary)
{
	const struct util_host *h = &t->host;
	static const char *const keys[UTIL_H_N] = { "energy_j", "active_energy_j", "idle_energy_j",
						    "other_energy_j" };
	static const char *const pkeys[UTIL_H_N] = { "power_w", "active_power_w", "idle_power_w",
						     "other_power_w" };
	json_object *o = json_object_new_object();
	double span = (double)(t->last_ns - t->first_ns) / 1e9;
	for (int k = 0; k < UTIL_H_N; k++) {
		double ej = h->have[k] ? h->cum[k] / 1e6 : NAN;
		json_object_object_add(o, keys[k], jnum(ej));
		if (summary)
			json_object_object_add(o, pkeys[k], jnum(span > 0 ? ej / span : NAN));
		else
			json_object_object_add(o, pkeys[k], jnum(h->power_w[k]));
	}
	if (!summary)
		json_object_object_add(o, "vms_power_w", jnum(h->vm_power_w));
	return o;
}

int util_out_json(FILE *f, const struct util_tracker *t)
{
	json_object *o = json_object_new_object(), *vms = json_object_new_array();
	if (!o || !vms)
		return -ENOMEM;
	json_object_object_add(o, "type", json_object_new_string("sample"));
	json_object_object_add(o, "time", json_object_new_double(t->last_wall));
	json_object_object_add(o, "energy_source", jstr_or_null(t->source));
	json_object_object_add(o, "basis", jstr_or_null(t->basis));
	for (size_t i = 0; i < t->nvm; i++) {
		const struct util_vm *vm = &t->vms[i];
		if (vm->gone_reported)
			continue;
		bool ok = vm->rate_ok;
		json_object *v = json_object_new_object();
		json_object_object_add(v, "name", json_object_new_string(vm->name));
		json_object_object_add(v, "uuid", jstr_or_null(vm->uuid));
		json_object_object_add(v, "state", json_object_new_string(state_name(vm->state)));
		json_object_object_add(v, "interval_s", jnum(ok ? vm->dt_s : NAN));
		json_object_object_add(v, "power_w", jnum(ok ? vm->power_w : NAN));
		json_object_object_add(v, "energy_j", jnum(vm->have[UTIL_C_ENERGY_UJ] ? vm->cum[UTIL_C_ENERGY_UJ] / 1e6 : NAN));
		json_object_object_add(v, "cpu_seconds", jnum(vm->have[UTIL_C_CPU_NS] ? vm->cum[UTIL_C_CPU_NS] / 1e9 : NAN));
		json_object_object_add(v, "cpu_pct", jnum(ok ? vm->cpu_pct : NAN));
		json_object_object_add(v, "share_pct", jnum(vm->state == UTIL_VM_GONE ? NAN : vm->share_pct));
		json_object_object_add(v, "steal_pct", jnum(ok ? vm->steal_pct : NAN));
		json_object_object_add(v, "halt_pct", jnum(ok ? vm->halt_pct : NAN));
		json_object_object_add(v, "energy_source",
				       json_object_new_string(vm->have[UTIL_C_ENERGY_UJ] && *t->source ? t->source : "none"));
		json_object_object_add(v, "basis", jstr_or_null(t->basis));
		json_object_array_add(vms, v);
	}
	json_object_object_add(o, "vms", vms);
	json_object_object_add(o, "host", host_obj(t, false));
	return emit(f, o);
}

int util_out_json_summary(FILE *f, const struct util_tracker *t)
{
	json_object *o = json_object_new_object(), *vms = json_object_new_array();
	if (!o || !vms)
		return -ENOMEM;
	json_object_object_add(o, "type", json_object_new_string("summary"));
	json_object_object_add(o, "samples", json_object_new_int64(t->samples));
	json_object_object_add(o, "duration_s", json_object_new_double((double)(t->last_ns - t->first_ns) / 1e9));
	json_object_object_add(o, "energy_source", jstr_or_null(t->source));
	json_object_object_add(o, "basis", jstr_or_null(t->basis));
	for (size_t i = 0; i < t->nvm; i++) {
		const struct util_vm *vm = &t->vms[i];
		double seen = (double)(vm->last_ns - vm->first_ns) / 1e9;
		double ej = vm->have[UTIL_C_ENERGY_UJ] ? vm->cum[UTIL_C_ENERGY_UJ] / 1e6 : NAN;
		json_object *v = json_object_new_object();
		json_object_object_add(v, "name", json_object_new_string(vm->name));
		json_object_object_add(v, "state", json_object_new_string(vm->state == UTIL_VM_GONE ? "gone" : "running"));
		json_object_object_add(v, "seen_s", json_object_new_double(seen));
		json_object_object_add(v, "energy_j", jnum(ej));
		json_object_object_add(v, "avg_power_w", jnum(seen > 0 ? ej / seen : NAN));
		json_object_object_add(v, "avg_cpu_pct", jnum(vm->n_rates ? vm->sum_cpu_pct / vm->n_rates : NAN));
		json_object_object_add(v, "avg_steal_pct", jnum(vm->n_steal ? vm->sum_steal_pct / vm->n_steal : NAN));
		json_object_object_add(v, "avg_halt_pct", jnum(vm->n_steal ? vm->sum_halt_pct / vm->n_steal : NAN));
		json_object_array_add(vms, v);
	}
	json_object_object_add(o, "vms", vms);
	/* departed VMs dropped from "vms" (at most UTIL_GONE_KEEP are kept) */
	json_object_object_add(o, "forgotten_vms", json_object_new_int64((int64_t)t->forgotten));
	json_object_object_add(o, "host", host_obj(t, true));
	return emit(f, o);
}
