/* Monotonic accumulation and tick conversion; see steal_acc.h. */
#include "steal_acc.h"

void steal_acc_start(struct steal_acc *a, uint64_t raw)
{
	a->last = raw;
	a->total = 0;
	a->backwards = 0;
	a->jumps = 0;
	a->primed = 1;
}

uint64_t steal_acc_feed(struct steal_acc *a, uint64_t raw)
{
	uint64_t inc = 0;

	if (!a->primed) {
		a->primed = 1;
	} else if (raw < a->last) {
		a->backwards++;
	} else if (steal_acc_is_jump(a->total, a->last, raw)) {
		a->jumps++; /* re-based on raw below, nothing added */
	} else {
		inc = raw - a->last;
	}
	a->total += inc;
	a->last = raw;
	return inc;
}

uint64_t steal_ticks_to_ns(uint64_t ticks, uint64_t hz)
{
	uint64_t ns;

	if (hz == 0 || hz > 1000000000ull)
		return 0;
	/* Whole seconds and the remainder separately: ticks * 1e9 overflows
	 * 64 bits after ~58 years of ticks at 100 Hz on one CPU, but a sum over
	 * many CPUs gets there sooner. */
	if (ticks / hz > STEAL_ACC_MAX / 1000000000ull)
		return STEAL_ACC_MAX;
	ns = ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz;
	return ns > STEAL_ACC_MAX ? STEAL_ACC_MAX : ns;
}
