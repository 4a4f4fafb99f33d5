/*
 * Prometheus text exposition (format 0.0.4) of papi_vmpower's latest state.
 * Names follow Prometheus conventions: base units (joules, seconds, watts),
 * counters end in _total, ratios in 0..1 end in _ratio.  VMs that are gone
 * are left out, so their series end.  Per-VM series carry `vm` (the name)
 * and `uuid` (libvirt's, which tells apart VMs that reuse a name).
 */
#include "util_out.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* Label values escape backslash, double quote and newline. */
static void label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static bool shown(const struct util_vm *vm)
{
	return vm->state != UTIL_VM_GONE;
}

/* One metric family over the VMs; value(vm) NaN = no sample for that VM. */
static void vm_family(FILE *f, const struct util_tracker *t, const char *name, const char *type,
		      const char *help, double (*value)(const struct util_vm *))
{
	head(f, name, type, help);
	for (size_t i = 0; i < t->nvm; i++) {
		const struct util_vm *vm = &t->vms[i];
		double v;
		if (!shown(vm) || isnan(v = value(vm)))
			continue;
		fprintf(f, "%s{vm=", name);
		label(f, vm->name);
		/* Always present ("" when libvirt did not say) so every
		 * series of a family has the same label set. */
		fputs(",uuid=", f);
		label(f, vm->uuid);
		fprintf(f, "} %.9g\n", v);
	}
}

static double cum(const struct util_vm *vm, enum util_ctr c, double scale)
{
	return vm->have[c] ? (double)vm->cum[c] / scale : NAN;
}

static double v_energy(const struct util_vm *vm) { return cum(vm, UTIL_C_ENERGY_UJ, 1e6); }
static double v_cpu(const struct util_vm *vm) { return cum(vm, UTIL_C_CPU_NS, 1e9); }
static double v_run(const struct util_vm *vm) { return cum(vm, UTIL_C_RUN_NS, 1e9); }
static double v_steal(const struct util_vm *vm) { return cum(vm, UTIL_C_STEAL_NS, 1e9); }
static double v_halt(const struct util_vm *vm) { return cum(vm, UTIL_C_HALT_NS, 1e9); }
static double v_power(const struct util_vm *vm) { return vm->rate_ok ? vm->power_w : NAN; }
static double v_share(const struct util_vm *vm) { return vm->share_pct / 100.0; }

static void host_counter(FILE *f, const struct util_tracker *t, enum util_hctr k, const char *name,
			 const char *help)
{
	if (!t->host.have[k])
		return;
	head(f, name, "counter", help);
	fprintf(f, "%s %.9g\n", name, (double)t->host.cum[k] / 1e6);
}

int util_out_prometheus(const struct util_tracker *t, char **ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;

	head(f, "papi_virt_monitor_info", "gauge",
	     "Attribution basis and energy source in use (energy_source=estimated: modelled, not measured).");
	fputs("papi_virt_monitor_info{basis=", f);
	label(f, *t->basis ? t->basis : "unknown");
	fputs(",energy_source=", f);
	label(f, *t->source ? t->source : "none");
	fputs("} 1\n", f);
	/* Scrapes and samples are not in step: this says which sample a scrape
	 * got (as node_exporter's node_time_seconds says when it was made). */
	head(f, "papi_virt_sample_timestamp_seconds", "gauge",
	     "Unix time of the sample the values below come from.");
	fprintf(f, "papi_virt_sample_timestamp_seconds %.3f\n", t->last_wall);
	head(f, "papi_virt_vms", "gauge", "Running VMs seen by the monitor.");
	fprintf(f, "papi_virt_vms %zu\n", util_tracker_live(t));

	vm_family(f, t, "papi_virt_vm_energy_joules_total", "counter",
		  "Host energy attributed to the VM since the monitor first saw it.", v_energy);
	vm_family(f, t, "papi_virt_vm_power_watts", "gauge",
		  "Power attributed to the VM over the last interval.", v_power);
	vm_family(f, t, "papi_virt_vm_cpu_seconds_total", "counter",
		  "Host CPU time of the VM (all its QEMU threads).", v_cpu);
	vm_family(f, t, "papi_virt_vm_cpu_share_ratio", "gauge",
		  "The VM's share of the attribution basis over the component's last interval (0..1).",
		  v_share);
	vm_family(f, t, "papi_virt_vm_vcpu_run_seconds_total", "counter",
		  "Time the VM's vCPU threads ran on a host CPU, summed over vCPUs.", v_run);
	vm_family(f, t, "papi_virt_vm_vcpu_steal_seconds_total", "counter",
		  "Time the VM's vCPU threads were runnable but waited for a host CPU (guest steal).",
		  v_steal);
	vm_family(f, t, "papi_virt_vm_vcpu_halt_seconds_total", "counter",
		  "Time the VM's vCPUs were halted (idle in the guest).", v_halt);

	host_counter(f, t, UTIL_H_ENERGY, "papi_virt_host_energy_joules_total",
		     "Host energy (all packages) since the monitor started.");
	host_counter(f, t, UTIL_H_ACTIVE, "papi_virt_host_active_energy_joules_total",
		     "Host energy above the idle baseline.");
	host_counter(f, t, UTIL_H_IDLE, "papi_virt_host_idle_energy_joules_total",
		     "Host idle-baseline energy (not attributed to VMs).");
	host_counter(f, t, UTIL_H_OTHER, "papi_virt_host_other_energy_joules_total",
		     "Active host energy not attributed to any VM (host processes).");
	if (t->host.have[UTIL_H_ENERGY] && !isnan(t->host.power_w[UTIL_H_ENERGY])) {
		head(f, "papi_virt_host_power_watts", "gauge", "Host power over the last interval.");
		fprintf(f, "papi_virt_host_power_watts %.9g\n", t->host.power_w[UTIL_H_ENERGY]);
	}
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}
