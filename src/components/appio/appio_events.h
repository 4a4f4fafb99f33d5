/*
 * appio_events: the event table (names are a contract: stock appio's names
 * keep their meaning) and how each event is computed from counter slots.
 *
 * Every event is a function of slot differences (end - start), so the same
 * code serves the calling thread's block and the process totals.
 */
#ifndef APPIO_EVENTS_H
#define APPIO_EVENTS_H

#include <stdint.h>

#include "appio_slots.h"

enum appio_ev_kind {
	APPIO_EV_SUM = 0, /* delta of slot a */
	APPIO_EV_SIGNED,  /* delta of slot a, as a signed value (OPEN_FDS) */
	APPIO_EV_USEC,    /* delta of tick slot a, in microseconds */
	APPIO_EV_MEAN,    /* delta a / (delta b - delta c): bytes per successful call */
	APPIO_EV_RATIO,   /* delta a / delta b */
	APPIO_EV_KIND_COUNT
};

struct appio_event_def;

/* How events of a kind are computed and typed: one row per kind. */
struct appio_kind_def {
	const char *what;   /* the formula, for people and tests */
	int is_signed;      /* 1: the value may be negative (PAPI data type INT64) */
	int64_t (*value)(const struct appio_event_def *e, const uint64_t *delta, int ticks_are_ns);
};

/* The row of a kind; NULL out of range. */
const struct appio_kind_def *appio_events_kind(unsigned kind);

struct appio_event_def {
	const char *name;
	const char *desc;
	const char *units;
	unsigned char kind;
	unsigned short a, b, c;
};

extern const struct appio_event_def appio_events[];
extern const unsigned appio_events_count;

/* Index of the event named name (no qualifier), or -ENOENT. */
int appio_events_find(const char *name);

/* The event's value for slot differences delta[] (end - start, modulo 2^64).
 * ticks_are_ns: tick slots already hold nanoseconds (a report from another
 * process); otherwise ticks are converted with appio_clock. */
int64_t appio_events_value(const struct appio_event_def *e, const uint64_t *delta, int ticks_are_ns);

/* 1 if slot s holds ticks (times), else 0. */
int appio_events_slot_is_ticks(unsigned s);

#endif
