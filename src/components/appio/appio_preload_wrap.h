/*
 * appio_preload_wrap: the interposer (read, write, fread, open, ...).
 *
 * Compiled twice: into libpapi.so (APPIO_IN_LIBPAPI defined) and into the
 * standalone libpapi_appio_preload.so used by papi_appio_run.  Each copy has
 * its own counters.  The file name contains "_preload" so that the logic
 * archive linked into unit tests never contains these symbols.
 */
#ifndef APPIO_PRELOAD_WRAP_H
#define APPIO_PRELOAD_WRAP_H

/* Resolves the real functions, chooses the clock and computes which callers
 * are not counted (the library holding the interposer, and in libpapi also
 * libpfm).  Runs from a constructor, and lazily from the first intercepted
 * call when that comes first.  Idempotent. */
void appio_wrap_init(void);

/* 1 when appio_wrap_init has completed. */
extern int appio_wrap_ready;

/*
 * Counting switch.  While appio_armed is 0 the transfer wrappers (read,
 * write, pread, recv, send, fread, fwrite, ...) call the real function and
 * nothing else: one predictable branch, so a program linked with libpapi
 * that runs no appio EventSet pays next to nothing.  libpapi arms it for
 * each running appio EventSet (before its start snapshot, so counting is
 * exact from PAPI_start on) and disarms it after the stop reading; the
 * standalone preload library arms it for the whole process.  Open, close
 * and descriptor calls always keep their descriptor bookkeeping.
 */
extern int appio_armed;
static inline void appio_wrap_arm(int delta)
{
	__atomic_add_fetch(&appio_armed, delta, __ATOMIC_SEQ_CST);
}

#endif
