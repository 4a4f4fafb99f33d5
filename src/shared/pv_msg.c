/* One error sentence into a caller's buffer; see pv_msg.h. */
#include "pv_msg.h"

#include <stdarg.h>
#include <stdio.h>

void pv_msgf(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pv_vmsgf(msg, len, fmt, ap);
	va_end(ap);
}

void pv_vmsgf(char *msg, size_t len, const char *fmt, va_list ap)
{
	if (msg && len)
		vsnprintf(msg, len, fmt, ap);
}
