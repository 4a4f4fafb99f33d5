/* One error sentence into a caller's buffer, and the debug channel; see pv_msg.h. */
#include "pv_msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pv_msg_dbg_state = -1;

void pv_msgf(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pv_msgvf(msg, len, fmt, ap);
	va_end(ap);
}

const char *pv_msg_errname(int err)
{
	static __thread char buf[24];
	const char *n = strerrorname_np(err < 0 ? -err : err);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", err < 0 ? -err : err);
	return buf;
}

void pv_msg_dbg_set(int source, int on)
{
	if (__atomic_load_n(&pv_msg_dbg_state, __ATOMIC_RELAXED) < 0)
		pv_config_dbg_resolve();
	if (on)
		__atomic_fetch_or(&pv_msg_dbg_state, source, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&pv_msg_dbg_state, ~source, __ATOMIC_RELAXED);
}

void pv_msg_dbg_print(const char *comp, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	/* One fputs of a whole line: lines from threads do not interleave. */
	n = snprintf(line, sizeof(line), "papi-virt[%s]: ", comp);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

void pv_msgvf(char *msg, size_t len, const char *fmt, va_list ap)
{
	if (msg && len)
		vsnprintf(msg, len, fmt, ap);
}
