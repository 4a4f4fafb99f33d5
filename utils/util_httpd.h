/*
 * util_httpd: the Prometheus endpoint of papi_vmpower, on libmicrohttpd.
 * GET /metrics returns the latest exposition text (set by util_httpd_set);
 * GET / a short pointer to /metrics; anything else 404 / 405.
 *
 * Robustness (util_conns.h): at most UTIL_HTTPD_MAX_CONNS connections in
 * total and UTIL_HTTPD_MAX_PER_CLIENT per client address; each request
 * header must arrive within UTIL_HTTPD_HEADER_S seconds; a new connection
 * beyond the total takes the slot of the oldest one still sending its
 * header, so a scrape gets through while slow clients hold connections.
 */
#ifndef UTIL_HTTPD_H
#define UTIL_HTTPD_H

#include <stddef.h>

#define UTIL_HTTPD_MAX_CONNS 256u
#define UTIL_HTTPD_MAX_PER_CLIENT 32u
#define UTIL_HTTPD_HEADER_S 10.0
#define UTIL_HTTPD_IDLE_S 30u

struct util_httpd;
struct util_webcfg;

/* addr: "HOST:PORT", "[V6]:PORT" or ":PORT" (every address, IPv6 and IPv4,
 * as node_exporter's ":9100").  web: TLS and basic auth (util_webcfg.h), or
 * NULL for plain HTTP without authentication.  On failure -errno and err
 * gets one sentence. */
int util_httpd_start(const char *addr, const struct util_webcfg *web, struct util_httpd **ret,
		     char *err, size_t errlen);

/* Replaces the served text (takes ownership of the malloc'd body). */
void util_httpd_set(struct util_httpd *h, char *body);

/* The port actually bound (useful with port 0). */
unsigned util_httpd_port(const struct util_httpd *h);

void util_httpd_stop(struct util_httpd *h);

#endif
