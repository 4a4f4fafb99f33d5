/*
 * util_httpd: the Prometheus endpoint of papi_vmpower, on libmicrohttpd.
 * GET /metrics returns the latest exposition text (set by util_httpd_set);
 * GET / a short pointer to /metrics; anything else 404 / 405.
 */
#ifndef UTIL_HTTPD_H
#define UTIL_HTTPD_H

#include <stddef.h>

struct util_httpd;

/* addr: "HOST:PORT", "[V6]:PORT" or ":PORT" (every address).  On failure
 * -errno and err gets one sentence. */
int util_httpd_start(const char *addr, struct util_httpd **ret, char *err, size_t errlen);

/* Replaces the served text (takes ownership of the malloc'd body). */
void util_httpd_set(struct util_httpd *h, char *body);

/* The port actually bound (useful with port 0). */
unsigned util_httpd_port(const struct util_httpd *h);

void util_httpd_stop(struct util_httpd *h);

#endif
