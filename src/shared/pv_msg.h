/*
 * pv_msg: writing one error sentence into a caller's buffer, the way every
 * papi-virt logic module reports why something failed (library code does not
 * print; the adapter passes the sentence to PAPI once).
 */
#ifndef PV_MSG_H
#define PV_MSG_H

#include <stdarg.h>
#include <stddef.h>

/* printf into msg[len]; does nothing when msg is NULL or len is 0. */
void pv_msgf(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same with a va_list, for helpers that add to a message and forward
 * their own format (give them the format attribute too). */
void pv_vmsgf(char *msg, size_t len, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#endif
