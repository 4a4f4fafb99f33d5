/* Monotonic time and deadlines; see pv_clock.h. */
#include "pv_clock.h"

struct timespec pv_clock_ns_to_ts(uint64_t ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / 1000000000ull);
	ts.tv_nsec = (long)(ns % 1000000000ull);
	return ts;
}

void pv_clock_ts_add_ns(struct timespec *ts, uint64_t ns)
{
	/* Add whole seconds and the remainder separately: ns may be larger
	 * than a long can hold, tv_nsec + remainder never is. */
	ts->tv_sec += (time_t)(ns / 1000000000ull);
	ts->tv_nsec += (long)(ns % 1000000000ull);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

struct timespec pv_clock_deadline_ns(uint64_t ns)
{
	struct timespec ts = pv_clock_ns_to_ts(pv_now_ns());

	pv_clock_ts_add_ns(&ts, ns);
	return ts;
}
