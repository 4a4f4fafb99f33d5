/*
 * pv_msg: writing one error sentence into a caller's buffer, the way every
 * papi-virt logic module reports why something failed (library code does not
 * print; the adapter passes the sentence to PAPI once).
 *
 * The one exception is the debug channel, off unless asked for
 * (PAPI_VIRT_DEBUG=1, or PAPI's SUBDBG level in a PAPI built with debug):
 * pv_dbg() prints one line "papi-virt[<component>]: <text>" on stderr, to
 * tell which basis and energy source a component chose and why, and why a
 * VM's counters could not be opened.  Off, it costs one load and a branch.
 */
#ifndef PV_MSG_H
#define PV_MSG_H

#include <stdarg.h>
#include <stddef.h>

/* printf into msg[len]; does nothing when msg is NULL or len is 0. */
void pv_msgf(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Who turned the channel on: PAPI_VIRT_DEBUG, or PAPI's debug level (the
 * PAPI glue).  -1 until the configuration is read. */
#define PV_DBG_CONFIG 1
#define PV_DBG_PAPI 2
extern int pv_msg_dbg_state;

/* Reads the configuration (pv_config.c) and returns the state. */
int pv_config_dbg_resolve(void);

/* Turns a source on or off (PV_DBG_PAPI: by the PAPI glue). */
void pv_msg_dbg_set(int source, int on);

static inline int pv_dbg_on(void)
{
	int s = __atomic_load_n(&pv_msg_dbg_state, __ATOMIC_RELAXED);

	if (__builtin_expect(s < 0, 0))
		s = pv_config_dbg_resolve();
	return __builtin_expect(s > 0, 0);
}

/* One debug line on stderr (the newline is added); for pv_dbg() only. */
void pv_msg_dbg_print(const char *comp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The errno's symbolic name ("ENOENT") for err or -err; "errno N" when it
 * has none.  For debug lines, which name the exact failure. */
const char *pv_msg_errname(int err);

/* pv_dbg("vmpower", "basis: CPU time (%s)", why): the arguments are not
 * evaluated when the channel is off. */
#define pv_dbg(comp, ...)                                  \
	do {                                               \
		if (pv_dbg_on())                           \
			pv_msg_dbg_print((comp), __VA_ARGS__); \
	} while (0)

/* The same with a va_list, for helpers that add to a message and forward
 * their own format (give them the format attribute too). */
void pv_msgvf(char *msg, size_t len, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#endif
