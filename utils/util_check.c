/* papi_vmcheck's pairs, allowances and verdicts (see util_check.h). */
#include "util_check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum gran { G_NONE, G_TICK, G_TICK_PER_VCPU };
enum rate { R_ALL, R_VCPU };

struct pairdef {
	enum util_srcid a, b;
	int le;            /* 1: a <= b expected; 0: a = b */
	enum gran gran;
	enum rate rate;
	int threadset;     /* 1: the pair depends on the thread set staying the same */
	const char *why;
};

static const struct pairdef pairs[] = {
	{ UTIL_S_CG_USAGE, UTIL_S_LV_CPU, 0, G_NONE, R_ALL, 0,
	  "libvirt's cpu.time is the VM cgroup's usage (cgroup v2 usage_usec, v1 cpuacct.usage): "
	  "one kernel counter read at two instants" },
	{ UTIL_S_LV_USERSYS, UTIL_S_LV_CPU, 0, G_NONE, R_ALL, 0,
	  "user/system are sampled at clock ticks: cgroup v2 scales them to the precise total, "
	  "cgroup v1 cpuacct.stat reports raw ticks (and older kernels kept KVM guest time out of it), "
	  "where user+system can fall far below cpu.time" },
	{ UTIL_S_PROC_UTSTIME, UTIL_S_CG_USAGE, 0, G_TICK, R_ALL, 0,
	  "/proc utime+stime are whole clock ticks (10 ms at USER_HZ 100) and include the thread "
	  "group's exited threads; guest_time is already inside utime, not added to it" },
	{ UTIL_S_SCHED_ALL, UTIL_S_CG_USAGE, 0, G_NONE, R_ALL, 1,
	  "schedstat is summed over the threads alive at the start of the window: threads that "
	  "exit or start during it are missing, the cgroup keeps their time" },
	{ UTIL_S_SCHED_VCPU, UTIL_S_CG_USAGE, 1, G_NONE, R_ALL, 0,
	  "vCPU threads only: QEMU's emulator threads (main loop, I/O, RCU) make up the rest" },
	{ UTIL_S_LV_VCPU_TIME, UTIL_S_SCHED_VCPU, 0, G_TICK_PER_VCPU, R_VCPU, 0,
	  "libvirt's vcpu.N.time comes from the vCPU thread's /proc stat, in 10 ms clock ticks" },
	{ UTIL_S_LV_VCPU_DELAY, UTIL_S_SCHED_VCPU_DELAY, 0, G_NONE, R_VCPU, 0,
	  "both are the vCPU threads' run_delay (schedstat field 2): time runnable but not running" },
	{ UTIL_S_PROC_GUEST, UTIL_S_PROC_UTSTIME, 1, G_NONE, R_ALL, 0,
	  "time in guest mode (KVM) is counted in utime and again in guest_time; 0 under TCG" },
	{ UTIL_S_PAPI_CPU, UTIL_S_CG_USAGE, 0, G_NONE, R_ALL, 0,
	  "vmpower's CPU-time basis against the cgroup; the EventSet is read just before the "
	  "other sources" },
	{ UTIL_S_PAPI_RUN, UTIL_S_SCHED_VCPU, 0, G_NONE, R_VCPU, 0,
	  "the steal component's vCPU run time against the vCPU threads' schedstat run time" },
	{ UTIL_S_PAPI_STEAL, UTIL_S_SCHED_VCPU_DELAY, 0, G_NONE, R_VCPU, 0,
	  "the steal component's vCPU steal against the vCPU threads' run_delay" },
	{ UTIL_S_PAPI_STEAL, UTIL_S_LV_VCPU_DELAY, 0, G_NONE, R_VCPU, 0,
	  "the steal component's vCPU steal against libvirt's vcpu.N.delay" },
};
_Static_assert(sizeof(pairs) / sizeof(pairs[0]) <= UTIL_CHECK_MAX_PAIRS, "room for every pair");

const char *util_verdict_name(enum util_verdict_state s)
{
	switch (s) {
	case UTIL_V_AGREE: return "agree";
	case UTIL_V_ALLOWED: return "agree (explained)";
	case UTIL_V_EXCUSED: return "differ (explained)";
	case UTIL_V_DISAGREE: return "DISAGREE";
	case UTIL_V_NA: return "n/a";
	}
	return "?";
}

double util_check_delta(const struct util_window *w, enum util_srcid s)
{
	if (!w->v0->have[s] || !w->v1->have[s])
		return -1;
	if (w->v1->ns[s] < w->v0->ns[s])
		return -1;
	return (double)(w->v1->ns[s] - w->v0->ns[s]);
}

static double max2(double a, double b)
{
	return a > b ? a : b;
}

/* How far apart sources a and b were read, at the worse end of the window:
 * from the first read's start to the last read's end. */
static double span(const struct util_cpuvals *v, enum util_srcid a, enum util_srcid b)
{
	uint64_t lo = v->t_begin[a] < v->t_begin[b] ? v->t_begin[a] : v->t_begin[b];
	uint64_t hi = v->t_end[a] > v->t_end[b] ? v->t_end[a] : v->t_end[b];
	return hi > lo ? (double)(hi - lo) : 0;
}

/* Each end of the window can shift the difference by what the threads use
 * during that end's read span: the bound is the sum of both spans. */
static double skew_ns(const struct util_window *w, enum util_srcid a, enum util_srcid b)
{
	return span(w->v0, a, b) + span(w->v1, a, b);
}

static double allowance(const struct util_window *w, const struct pairdef *p, double a, double b)
{
	if (w->tol_pct <= 0)
		return 0;
	size_t threads = p->rate == R_VCPU ? w->nvcpus : w->nthreads;
	double rate = (double)(threads < w->ncpus ? threads : w->ncpus);
	if (rate < 1)
		rate = 1;
	double g = 0;
	if (p->gran == G_TICK)
		g = 2.0 * (double)w->tick_ns;
	else if (p->gran == G_TICK_PER_VCPU)
		g = 2.0 * (double)w->tick_ns * (double)(w->nvcpus ? w->nvcpus : 1);
	return max2(w->tol_pct / 100.0 * max2(a, b), skew_ns(w, p->a, p->b) * rate + g);
}

static void judge(const struct util_window *w, const struct pairdef *p, struct util_verdict *v)
{
	double a = util_check_delta(w, p->a), b = util_check_delta(w, p->b);
	memset(v, 0, sizeof(*v));
	v->a = p->a;
	v->b = p->b;
	v->relation = p->le ? "<=" : "=";
	v->why = p->why;
	if (a < 0 || b < 0) {
		enum util_srcid m = a < 0 ? p->a : p->b;
		const struct util_cpuvals *x = w->v0->have[m] ? w->v1 : w->v0;
		v->state = UTIL_V_NA;
		snprintf(v->note, sizeof(v->note), "%s: %s", util_src_label(m),
			 x->why[m][0] ? x->why[m] : "went backwards during the window");
		return;
	}
	v->a_ns = a;
	v->b_ns = b;
	double m = max2(a, b);
	v->diff_pct = m > 0 ? 100.0 * (a - b) / m : 0;
	v->allowed_ns = allowance(w, p, a, b);
	double excess = p->le ? a - b : fabs(a - b);
	double tol = w->tol_pct / 100.0 * m;
	if (excess <= 0 || excess <= tol)
		v->state = UTIL_V_AGREE;
	else if (excess <= v->allowed_ns)
		v->state = UTIL_V_ALLOWED;
	else if (p->threadset && w->threads_changed)
		v->state = UTIL_V_EXCUSED;
	else
		v->state = UTIL_V_DISAGREE;
	if (w->tol_pct <= 0 && excess > 0)
		v->state = p->threadset && w->threads_changed ? UTIL_V_EXCUSED : UTIL_V_DISAGREE;

	if (p->le)
		snprintf(v->note, sizeof(v->note), "difference %.1f ms (%.1f%% of %s)", (b - a) / 1e6,
			 m > 0 ? 100.0 * (b - a) / m : 0.0, util_src_label(p->b));
	else if (v->state == UTIL_V_EXCUSED)
		snprintf(v->note, sizeof(v->note), "the QEMU thread set changed during the window");
	else
		snprintf(v->note, sizeof(v->note), "|diff| %.2f ms, allowed %.2f ms", fabs(a - b) / 1e6,
			 max2(tol, v->allowed_ns) / 1e6);
}

size_t util_check_pairs(const struct util_window *w, struct util_verdict *out)
{
	size_t n = sizeof(pairs) / sizeof(pairs[0]);
	for (size_t i = 0; i < n; i++)
		judge(w, &pairs[i], &out[i]);
	return n;
}
