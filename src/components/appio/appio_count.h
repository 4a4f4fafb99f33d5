/*
 * appio_count: what one intercepted call adds to a counter block.
 *
 * PAPI-free and interposer-free: the wrappers call these with the real call's
 * outcome, and unit tests call them with made-up outcomes.  All functions
 * only touch the given slots array (the calling thread's block).
 */
#ifndef APPIO_COUNT_H
#define APPIO_COUNT_H

#include <errno.h>
#include <stdint.h>

#include "appio_bins.h"
#include "appio_registry.h"
#include "appio_slots.h"

enum appio_dir { APPIO_DIR_READ = 0, APPIO_DIR_WRITE = 1 };

/* How the call transferred data. */
enum appio_via {
	APPIO_VIA_POS = 1,     /* explicit offset: pread/pwrite family */
	APPIO_VIA_VEC = 2,     /* scatter/gather: readv/writev family */
	APPIO_VIA_STDIO = 4,   /* a stdio call */
	APPIO_VIA_NOSHORT = 8, /* request size has no "short" meaning (fgets, fputs, printf) */
};

static inline void appio_inc(uint64_t *c, unsigned slot)
{
	appio_slot_add(&c[slot], 1);
}

/*
 * A transfer call: group is APPIO_G_READ/WRITE/RECV/SEND; cls the descriptor
 * class (APPIO_CLASS_UNKNOWN: no class counters); req the bytes asked for;
 * ret the bytes transferred, or -1 when the call failed with errno err.
 */
static inline void appio_count_xfer(uint64_t *c, unsigned group, int dir, int cls, uint64_t req,
				    int64_t ret, int err, uint64_t ticks, unsigned via)
{
	uint64_t *g = c + group;
	appio_inc(g, APPIO_F_CALLS);
	appio_slot_add(&g[APPIO_F_TICKS], ticks);
	if (via & APPIO_VIA_POS)
		appio_inc(g, APPIO_F_POS_CALLS);
	if (via & APPIO_VIA_VEC)
		appio_inc(g, APPIO_F_VEC_CALLS);
	if (via & APPIO_VIA_STDIO)
		appio_inc(g, APPIO_F_STDIO_CALLS);
	int is_short = 0, would_block = 0;
	if (ret < 0) {
		appio_inc(g, APPIO_F_ERR);
		if (err == EINTR)
			appio_inc(g, APPIO_F_INTR);
		else if (err == EAGAIN || err == EWOULDBLOCK) {
			appio_inc(g, APPIO_F_WOULDBLOCK);
			would_block = 1;
		}
	} else {
		uint64_t n = (uint64_t)ret;
		appio_slot_add(&g[APPIO_F_BYTES], n);
		if (via & APPIO_VIA_STDIO)
			appio_slot_add(&g[APPIO_F_STDIO_BYTES], n);
		appio_inc(g, APPIO_F_BIN0 + appio_bin_index(n));
		if (n == 0 && req > 0 && dir == APPIO_DIR_READ)
			appio_inc(g, APPIO_F_EOF);
		else if (n < req && !(via & APPIO_VIA_NOSHORT)) {
			appio_inc(g, APPIO_F_SHORT);
			is_short = 1;
		}
	}
	if (cls > APPIO_CLASS_UNKNOWN && cls <= APPIO_NCOUNTED_CLASSES) {
		uint64_t *k = c + appio_class_base(cls, dir);
		appio_inc(k, APPIO_C_CALLS);
		appio_slot_add(&k[APPIO_C_TICKS], ticks);
		if (ret < 0) {
			appio_inc(k, APPIO_C_ERR);
			if (would_block)
				appio_inc(k, APPIO_C_WOULDBLOCK);
		} else {
			appio_slot_add(&k[APPIO_C_BYTES], (uint64_t)ret);
			if (is_short)
				appio_inc(k, APPIO_C_SHORT);
		}
	}
}

/* open-family call: new_fd is 1 when ret is a descriptor created by the call
 * (0 for fdopen, which wraps an existing one); ret < 0 is a failure. */
static inline void appio_count_open(uint64_t *c, int64_t ret, int new_fd, uint64_t ticks)
{
	appio_inc(c, APPIO_S_OPEN_CALLS);
	appio_slot_add(&c[APPIO_S_OPEN_TICKS], ticks);
	if (ret < 0)
		appio_inc(c, APPIO_S_OPEN_ERR);
	else if (new_fd)
		appio_slot_add(&c[APPIO_S_OPEN_FDS], 1);
}

/* close-family call; was_opened: the descriptor came from a counted open. */
static inline void appio_count_close(uint64_t *c, int failed, int was_opened, uint64_t ticks)
{
	appio_inc(c, APPIO_S_CLOSE_CALLS);
	appio_slot_add(&c[APPIO_S_CLOSE_TICKS], ticks);
	if (failed)
		appio_inc(c, APPIO_S_CLOSE_ERR);
	if (was_opened)
		appio_slot_add(&c[APPIO_S_OPEN_FDS], (uint64_t)-1);
}

static inline void appio_count_seek(uint64_t *c, int64_t offset, int failed, uint64_t ticks)
{
	appio_inc(c, APPIO_S_SEEK_CALLS);
	appio_slot_add(&c[APPIO_S_SEEK_TICKS], ticks);
	appio_slot_add(&c[APPIO_S_SEEK_ABS_OFFSET], offset < 0 ? -(uint64_t)offset : (uint64_t)offset);
	if (failed)
		appio_inc(c, APPIO_S_SEEK_ERR);
}

static inline void appio_count_sync(uint64_t *c, int failed, uint64_t ticks)
{
	appio_inc(c, APPIO_S_SYNC_CALLS);
	appio_slot_add(&c[APPIO_S_SYNC_TICKS], ticks);
	if (failed)
		appio_inc(c, APPIO_S_SYNC_ERR);
}

/* select/pselect (calls_slot APPIO_S_SELECT_CALLS) or poll/ppoll. */
static inline void appio_count_wait(uint64_t *c, unsigned calls_slot, uint64_t ticks)
{
	appio_inc(c, calls_slot);
	appio_slot_add(&c[calls_slot + 1], ticks);
}

#endif
