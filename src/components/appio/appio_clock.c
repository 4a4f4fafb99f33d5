/* Tick source and tick -> ns conversion; see appio_clock.h. */
#include "appio_clock.h"

#include <errno.h>
#if defined(APPIO_HAVE_TSC)
#include <cpuid.h>
#endif

int appio_clock_tsc;

static inline void appio_clock_relax(void)
{
#if defined(APPIO_HAVE_TSC)
	__builtin_ia32_pause();
#endif
}

/* Reference sample, published once by appio_clock_init (state 0 -> 1 -> 2). */
static int appio_clock_state;
static uint64_t appio_clock_tsc0, appio_clock_ns0;
/* Frozen rate, as ns per 2^32 ticks, once a second of history exists. */
static uint64_t appio_clock_frozen;

#define APPIO_CLOCK_MIN_SPAN_NS 5000000u
#define APPIO_CLOCK_FREEZE_NS 1000000000u

static int appio_clock_has_invariant_tsc(void)
{
#if defined(APPIO_HAVE_TSC)
	/* Two CPUID instructions, not four (__get_cpuid checks the maximum
	 * leaf again on every call): in a VM each one exits to the
	 * hypervisor, tens of microseconds of every process's start-up. */
	unsigned a, b, c, d;
	if (__get_cpuid_max(0x80000000u, NULL) < 0x80000007u)
		return 0;
	__cpuid(0x80000007u, a, b, c, d);
	(void)a;
	(void)b;
	(void)c;
	return (d >> 8) & 1;
#else
	return 0;
#endif
}

void appio_clock_init(void)
{
	int expected = 0;
	if (__atomic_load_n(&appio_clock_state, __ATOMIC_ACQUIRE) == 2)
		return;
	if (!__atomic_compare_exchange_n(&appio_clock_state, &expected, 1, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Another thread is choosing: it takes a few hundred ns. */
		while (__atomic_load_n(&appio_clock_state, __ATOMIC_ACQUIRE) != 2)
			appio_clock_relax();
		return;
	}
	int tsc = appio_clock_has_invariant_tsc();
#if defined(APPIO_HAVE_TSC)
	appio_clock_tsc0 = tsc ? __rdtsc() : 0;
#endif
	appio_clock_ns0 = pv_now_ns();
	__atomic_store_n(&appio_clock_tsc, tsc, __ATOMIC_RELAXED);
	__atomic_store_n(&appio_clock_state, 2, __ATOMIC_RELEASE);
}

uint64_t appio_clock_scale(uint64_t ticks, uint64_t tsc0, uint64_t ns0, uint64_t tsc1, uint64_t ns1)
{
	if (tsc1 <= tsc0 || ns1 <= ns0)
		return 0;
	unsigned __int128 num = (unsigned __int128)ticks * (ns1 - ns0);
	return (uint64_t)(num / (tsc1 - tsc0));
}

uint64_t appio_clock_ticks_to_ns(uint64_t ticks)
{
	appio_clock_init();
	if (!appio_clock_tsc)
		return ticks;
#if defined(APPIO_HAVE_TSC)
	uint64_t frozen = __atomic_load_n(&appio_clock_frozen, __ATOMIC_ACQUIRE);
	if (frozen)
		return (uint64_t)(((unsigned __int128)ticks * frozen) >> 32);
	uint64_t ns1 = pv_now_ns();
	if (ns1 - appio_clock_ns0 < APPIO_CLOCK_MIN_SPAN_NS) {
		uint64_t rest = APPIO_CLOCK_MIN_SPAN_NS - (ns1 - appio_clock_ns0);
		struct timespec ts = { 0, (long)rest };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		ns1 = pv_now_ns();
	}
	uint64_t tsc1 = __rdtsc();
	if (ns1 - appio_clock_ns0 >= APPIO_CLOCK_FREEZE_NS) {
		uint64_t f = appio_clock_scale((uint64_t)1 << 32, appio_clock_tsc0, appio_clock_ns0, tsc1, ns1);
		if (f)
			__atomic_store_n(&appio_clock_frozen, f, __ATOMIC_RELEASE);
	}
	return appio_clock_scale(ticks, appio_clock_tsc0, appio_clock_ns0, tsc1, ns1);
#else
	return ticks;
#endif
}
