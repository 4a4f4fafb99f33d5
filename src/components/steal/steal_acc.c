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
