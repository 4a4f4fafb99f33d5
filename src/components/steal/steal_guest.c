/* Guest-side steal accounting; see steal_guest.h for the method. */
#include "steal_guest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void steal_guest_init(struct steal_guest *g, uint64_t hz, int excluded, int exact_ok)
{
	memset(g, 0, sizeof(*g));
	g->hz = hz;
	g->excluded = excluded;
	g->exact_ok = excluded && exact_ok;
}

void steal_guest_free(struct steal_guest *g)
{
	free(g->cpu_steal);
	free(g->cpu_work);
	free(g->on_cpu_ns);
	g->cpu_steal = NULL;
	g->cpu_work = NULL;
	g->on_cpu_ns = NULL;
	g->ncpu = 0;
}

static int steal_guest_grow(struct steal_guest *g, size_t n)
{
	struct steal_acc *s, *w;
	uint64_t *t;

	if (n <= g->ncpu)
		return 0;
	s = realloc(g->cpu_steal, n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	g->cpu_steal = s;
	w = realloc(g->cpu_work, n * sizeof(*w));
	if (!w)
		return -ENOMEM;
	g->cpu_work = w;
	t = realloc(g->on_cpu_ns, n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	g->on_cpu_ns = t;
	/* New CPUs start unprimed: their first value is a base, not a delta. */
	memset(s + g->ncpu, 0, (n - g->ncpu) * sizeof(*s));
	memset(w + g->ncpu, 0, (n - g->ncpu) * sizeof(*w));
	memset(t + g->ncpu, 0, (n - g->ncpu) * sizeof(*t));
	g->ncpu = n;
	return 0;
}

static uint64_t steal_guest_work(const struct steal_guest *g, const struct steal_cpustat *c)
{
	return c->busy + (g->excluded ? 0 : c->steal);
}

static int steal_guest_feed_sys(struct steal_guest *g, const struct steal_procstat *ps, int start)
{
	int rc = steal_guest_grow(g, ps->ncpu);
	uint64_t tot = steal_procstat_total_steal(ps, NULL);

	if (rc < 0)
		return rc;
	if (start)
		steal_acc_start(&g->total, tot);
	else
		steal_acc_feed(&g->total, tot);
	for (size_t i = 0; i < ps->ncpu; i++) {
		const struct steal_cpustat *c = &ps->cpu[i];

		if (!c->present)
			continue; /* offline or malformed: frozen */
		if (start) {
			steal_acc_start(&g->cpu_steal[i], c->steal);
			steal_acc_start(&g->cpu_work[i], steal_guest_work(g, c));
		} else {
			steal_acc_feed(&g->cpu_steal[i], c->steal);
			steal_acc_feed(&g->cpu_work[i], steal_guest_work(g, c));
		}
	}
	g->have_sys = 1;
	return 0;
}

/* Thread CPU time since the previous sample, attributed to CPUs. */
static int steal_guest_attribute(struct steal_guest *g, const struct steal_thread_sample *ts)
{
	uint64_t dt = steal_sub0(ts->cpu_ns, g->prev.cpu_ns);
	int a = g->prev.cpu >= 0 ? g->prev.cpu : ts->cpu, b = ts->cpu >= 0 ? ts->cpu : a;
	int rc;

	if (a < 0 || dt == 0)
		return 0;
	rc = steal_guest_grow(g, (size_t)(a > b ? a : b) + 1);
	if (rc < 0)
		return rc;
	if (a == b) {
		g->on_cpu_ns[a] += dt;
	} else {
		g->on_cpu_ns[a] += dt / 2;
		g->on_cpu_ns[b] += dt - dt / 2;
	}
	return 0;
}

static uint64_t steal_guest_estimate(const struct steal_guest *g)
{
	long double est = 0;

	for (size_t c = 0; c < g->ncpu; c++) {
		uint64_t t = g->on_cpu_ns[c];
		uint64_t s = pv_procstat_ticks_to_ns(g->cpu_steal[c].total, g->hz);
		uint64_t w = pv_procstat_ticks_to_ns(g->cpu_work[c].total, g->hz);

		if (t == 0 || s == 0)
			continue;
		if (w == 0 || t >= w)
			est += s;
		else
			est += (long double)s * t / w;
	}
	return est >= (long double)STEAL_ACC_MAX ? STEAL_ACC_MAX : (uint64_t)est;
}

static void steal_guest_thread_values(struct steal_guest *g)
{
	uint64_t est = steal_guest_estimate(g), comp;

	est = est > STEAL_ACC_MAX - g->exact_ns ? STEAL_ACC_MAX : est + g->exact_ns;

	if (est > g->steal_est_ns)
		g->steal_est_ns = est;
	if (g->excluded) {
		g->comp_ns = g->virt_ns;
		return;
	}
	comp = steal_sub0(g->virt_ns, g->steal_est_ns);
	if (comp > g->comp_ns)
		g->comp_ns = comp;
}

int steal_guest_start(struct steal_guest *g, const struct steal_procstat *ps,
		      const struct steal_thread_sample *ts)
{
	int rc = 0;

	g->have_sys = g->have_thread = 0;
	if (g->ncpu) {
		memset(g->cpu_steal, 0, g->ncpu * sizeof(*g->cpu_steal));
		memset(g->cpu_work, 0, g->ncpu * sizeof(*g->cpu_work));
		memset(g->on_cpu_ns, 0, g->ncpu * sizeof(*g->on_cpu_ns));
	}
	memset(&g->total, 0, sizeof(g->total));
	g->virt_ns = g->delay_ns = g->steal_est_ns = g->comp_ns = g->exact_ns = 0;
	g->jumps = 0;
	g->exact_intervals = g->est_intervals = 0;
	if (ps)
		rc = steal_guest_feed_sys(g, ps, 1);
	if (rc == 0 && ts) {
		g->prev = *ts;
		g->have_thread = 1;
	}
	return rc;
}

int steal_guest_update(struct steal_guest *g, const struct steal_procstat *ps,
		       const struct steal_thread_sample *ts)
{
	int rc = 0;

	if (ps)
		rc = steal_guest_feed_sys(g, ps, !g->have_sys);
	if (rc == 0 && ts) {
		if (!g->have_thread) {
			g->prev = *ts;
			g->have_thread = 1;
			return 0;
		}
		/* Thread CPU time or run delay past the range (a corrupt
		 * schedstat): the interval is a reset, not an amount. */
		if (steal_acc_is_jump(g->virt_ns, g->prev.cpu_ns, ts->cpu_ns) ||
		    steal_acc_is_jump(g->delay_ns, g->prev.delay_ns, ts->delay_ns)) {
			g->jumps++;
			g->prev = *ts;
			return 0;
		}
		if (g->exact_ok && g->prev.has_nvcsw && ts->has_nvcsw && ts->nvcsw == g->prev.nvcsw &&
		    ts->wall_ns > g->prev.wall_ns) {
			uint64_t used = steal_sub0(ts->cpu_ns, g->prev.cpu_ns) +
					steal_sub0(ts->delay_ns, g->prev.delay_ns);

			g->exact_ns += steal_sub0(ts->wall_ns - g->prev.wall_ns, used);
			g->exact_intervals++;
		} else {
			rc = steal_guest_attribute(g, ts);
			if (rc < 0)
				return rc;
			g->est_intervals++;
		}
		g->virt_ns += steal_sub0(ts->cpu_ns, g->prev.cpu_ns);
		g->delay_ns += steal_sub0(ts->delay_ns, g->prev.delay_ns);
		/* A sample that went backwards (it cannot for one thread, but
		 * fixtures can) re-bases instead of subtracting. */
		g->prev = *ts;
		steal_guest_thread_values(g);
	}
	return rc;
}

unsigned steal_guest_jumps(const struct steal_guest *g)
{
	unsigned n = g->jumps + g->total.jumps;

	for (size_t i = 0; i < g->ncpu; i++)
		n += g->cpu_steal[i].jumps + g->cpu_work[i].jumps;
	return n;
}

uint64_t steal_guest_total_ns(const struct steal_guest *g)
{
	return pv_procstat_ticks_to_ns(g->total.total, g->hz);
}

uint64_t steal_guest_cpu_ns(const struct steal_guest *g, int cpu)
{
	if (cpu < 0 || (size_t)cpu >= g->ncpu)
		return 0;
	return pv_procstat_ticks_to_ns(g->cpu_steal[cpu].total, g->hz);
}
