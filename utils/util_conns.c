/* Connection limits, eviction and request deadline (see util_conns.h). */
#include "util_conns.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "pv_clock.h"
#include "util_src.h"

static void unlink_conn(struct util_conns *cs, struct util_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		cs->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		cs->tail = c->prev;
	c->prev = c->next = NULL;
}

static void append(struct util_conns *cs, struct util_conn *c)
{
	c->prev = cs->tail;
	c->next = NULL;
	if (cs->tail)
		cs->tail->next = c;
	else
		cs->head = c;
	cs->tail = c;
}

/* Lock held.  The peer sees its connection closed; the daemon reads EOF. */
static void shut(struct util_conns *cs, struct util_conn *c)
{
	shutdown(c->fd, SHUT_RDWR);
	c->shut = 1;
	cs->shutting++;
}

static void *watchdog(void *arg)
{
	struct util_conns *cs = arg;
	uint64_t deadline = (uint64_t)(cs->deadline_s * 1e9);

	pthread_mutex_lock(&cs->lock);
	while (!cs->stop) {
		/* 4 checks a second: deadline + 0.25 s at worst */
		struct timespec ts = pv_clock_deadline_ns(250000000);
		pthread_cond_timedwait(&cs->cond, &cs->lock, &ts);
		uint64_t now = pv_now_ns();
		for (struct util_conn *c = cs->head; c; c = c->next) {
			if (c->shut || c->in_request || now - c->since_ns < deadline)
				continue;
			shut(cs, c);
			cs->timed_out++;
		}
	}
	pthread_mutex_unlock(&cs->lock);
	return NULL;
}

int util_conns_init(struct util_conns *cs, unsigned limit, double deadline_s)
{
	*cs = (struct util_conns){ .limit = limit, .deadline_s = deadline_s };
	pthread_mutex_init(&cs->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cs->cond, &ca);
	pthread_condattr_destroy(&ca);
	int rc = pthread_create(&cs->watchdog, NULL, watchdog, cs);
	if (rc != 0) {
		pthread_cond_destroy(&cs->cond);
		pthread_mutex_destroy(&cs->lock);
		return -rc;
	}
	cs->watchdog_started = 1;
	return 0;
}

void util_conns_fini(struct util_conns *cs)
{
	if (cs->watchdog_started) {
		pthread_mutex_lock(&cs->lock);
		cs->stop = 1;
		pthread_cond_signal(&cs->cond);
		pthread_mutex_unlock(&cs->lock);
		pthread_join(cs->watchdog, NULL);
	}
	/* The daemon is stopped first: it reported every close. */
	while (cs->head) {
		struct util_conn *c = cs->head;
		unlink_conn(cs, c);
		free(c);
	}
	pthread_cond_destroy(&cs->cond);
	pthread_mutex_destroy(&cs->lock);
}

int util_conns_admit(struct util_conns *cs)
{
	int ok = 1;
	pthread_mutex_lock(&cs->lock);
	if (cs->open - cs->shutting >= cs->limit) {
		struct util_conn *c = cs->head;
		while (c && (c->shut || c->in_request))
			c = c->next;
		if (c) {
			shut(cs, c);
			cs->evicted++;
		} else {
			ok = 0;
			cs->refused++;
		}
	}
	pthread_mutex_unlock(&cs->lock);
	return ok;
}

struct util_conn *util_conns_opened(struct util_conns *cs, int fd)
{
	struct util_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->fd = fd;
	c->since_ns = pv_now_ns();
	pthread_mutex_lock(&cs->lock);
	append(cs, c);
	cs->open++;
	pthread_mutex_unlock(&cs->lock);
	return c;
}

void util_conns_closed(struct util_conns *cs, struct util_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&cs->lock);
	unlink_conn(cs, c);
	cs->open--;
	if (c->shut)
		cs->shutting--;
	pthread_mutex_unlock(&cs->lock);
	free(c);
}

void util_conns_request(struct util_conns *cs, struct util_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&cs->lock);
	c->in_request = 1;
	pthread_mutex_unlock(&cs->lock);
}

/* The next request's clock starts now; the connection moves to the young
 * end, so eviction prefers connections that never completed a request. */
void util_conns_done(struct util_conns *cs, struct util_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&cs->lock);
	c->in_request = 0;
	c->since_ns = pv_now_ns();
	unlink_conn(cs, c);
	append(cs, c);
	pthread_mutex_unlock(&cs->lock);
}
