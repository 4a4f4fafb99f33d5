/*
 * appio_fdclass: what kind of object a descriptor is (file, socket, pipe,
 * tty, other), cached per descriptor number so that the hot path does not
 * pay an fstat per call (PAPI's stock appio did fstat + select on every
 * read/write).
 *
 * The cache is process-wide and indexed by descriptor number; an entry is
 * forgotten whenever the interposer sees the number change meaning (close,
 * fclose, dup2/dup3, close_range, every open/socket/pipe/accept that returns
 * it).  A descriptor closed or replaced behind libc's back (raw syscalls)
 * can keep a stale class: the class split is statistics, totals never
 * depend on it.
 *
 * Also a bitmap of descriptors opened by intercepted open calls, so that
 * OPEN_FDS goes down only when one of those is closed.
 */
#ifndef APPIO_FDCLASS_H
#define APPIO_FDCLASS_H

#include <sys/stat.h>

#include "appio_slots.h"

#define APPIO_FDCLASS_MAX 65536

extern unsigned char appio_fdclass_cache[APPIO_FDCLASS_MAX];

/* Class from an fstat mode; is_tty tells a terminal among char devices. */
int appio_fdclass_of_mode(mode_t mode, int is_tty);

/* fstat (+ TCGETS for character devices); errno preserved.  A descriptor
 * that cannot be probed is APPIO_CLASS_OTHER and is not cached. */
int appio_fdclass_probe(int fd);

static inline int appio_fdclass_get(int fd)
{
	if ((unsigned)fd < APPIO_FDCLASS_MAX) {
		int c = __atomic_load_n(&appio_fdclass_cache[fd], __ATOMIC_RELAXED);
		if (__builtin_expect(c != APPIO_CLASS_UNKNOWN, 1))
			return c;
	}
	return appio_fdclass_probe(fd);
}

static inline void appio_fdclass_forget(int fd)
{
	if ((unsigned)fd < APPIO_FDCLASS_MAX)
		__atomic_store_n(&appio_fdclass_cache[fd], APPIO_CLASS_UNKNOWN, __ATOMIC_RELAXED);
}

/* Forgets [lo, hi] (close_range semantics; hi may be ~0u). */
void appio_fdclass_forget_range(unsigned lo, unsigned hi);

/* Records fd as opened by an intercepted open call. */
void appio_fdclass_mark_opened(int fd);

/* 1 if fd was marked opened (and clears the mark), else 0.  Callers take
 * the mark BEFORE the call that frees the number (close, fclose, freopen,
 * close_range): after it, another thread's open may already own the number
 * and its mark. */
int appio_fdclass_take_opened(int fd);

#define APPIO_FDCLASS_WORDS (APPIO_FDCLASS_MAX / 64)

/* Takes the marks of [lo, hi] (hi may be ~0u) into taken[] (one bit per
 * descriptor, as the bitmap) and returns how many there were; a failed
 * close_range puts them back with appio_fdclass_restore_opened. */
unsigned appio_fdclass_take_range(unsigned lo, unsigned hi, uint64_t taken[APPIO_FDCLASS_WORDS]);
void appio_fdclass_restore_opened(const uint64_t taken[APPIO_FDCLASS_WORDS]);

#endif
