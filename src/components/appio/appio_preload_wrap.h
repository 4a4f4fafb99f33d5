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

#endif
