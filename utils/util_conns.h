/*
 * util_conns: the exporter's defence against clients that hold connections
 * (slow loris), on top of libmicrohttpd's single polling thread.
 *
 *   - in total at most `limit` connections are served; a new one beyond it
 *     takes the slot of the OLDEST connection that has not sent a complete
 *     request header (that one is shut down), so a scraper, which sends its
 *     request at once, always gets a slot while idle or trickling clients
 *     lose theirs;
 *   - a connection must deliver each request header within `deadline_s` of
 *     connecting (or of its previous response): a watchdog thread shuts
 *     down the late ones, even when they keep trickling bytes (which
 *     defeats an idle timeout);
 *   - per client address libmicrohttpd's own limit applies (util_httpd).
 *
 * Connections are shut down (shutdown(2)), never closed here: the daemon
 * sees end-of-file and closes and forgets them itself.  The table is locked:
 * the daemon's thread adds and removes, the watchdog only shuts down, under
 * the same lock, before the daemon closes the descriptor (libmicrohttpd
 * calls MHD_CONNECTION_NOTIFY_CLOSED before close()).
 */
#ifndef UTIL_CONNS_H
#define UTIL_CONNS_H

#include <pthread.h>
#include <stdint.h>

struct util_conn {
	int fd;
	uint64_t since_ns;     /* connected, or previous response completed */
	int in_request;        /* header complete, response under way */
	int shut;              /* shut down by us, closing */
	struct util_conn *prev, *next;
};

struct util_conns {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t watchdog;
	int watchdog_started, stop;
	struct util_conn *head, *tail;   /* oldest first */
	unsigned open, shutting;
	unsigned limit;
	double deadline_s;
	/* counters for the log and the tests */
	unsigned long evicted, timed_out, refused;
};

int util_conns_init(struct util_conns *cs, unsigned limit, double deadline_s);
void util_conns_fini(struct util_conns *cs);

/* Accept policy: 1 to accept (possibly after evicting the oldest unfinished
 * connection), 0 to refuse (every slot is answering a request). */
int util_conns_admit(struct util_conns *cs);

/* The daemon opened / closed a connection on fd.  NULL on ENOMEM (the
 * connection then goes unguarded by the deadline, never unbounded: the
 * daemon's hard limit still applies). */
struct util_conn *util_conns_opened(struct util_conns *cs, int fd);
void util_conns_closed(struct util_conns *cs, struct util_conn *c);

/* A request header was complete / its response was sent. */
void util_conns_request(struct util_conns *cs, struct util_conn *c);
void util_conns_done(struct util_conns *cs, struct util_conn *c);

#endif
