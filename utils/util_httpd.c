/* papi_vmpower's Prometheus endpoint on libmicrohttpd (see util_httpd.h). */
#include "util_httpd.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct util_httpd {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	char *body;
	unsigned port;
};

#define PROM_CTYPE "text/plain; version=0.0.4; charset=utf-8"

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
			     const char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct util_httpd *h = cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "only GET\n");
	if (strcmp(url, "/") == 0)
		return reply(c, MHD_HTTP_OK, "text/plain",
			     "papi_vmpower: Prometheus metrics at /metrics\n");
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found; try /metrics\n");
	pthread_mutex_lock(&h->lock);
	/* Copied under the lock: the main loop may replace the body at once. */
	enum MHD_Result ret = reply(c, MHD_HTTP_OK, PROM_CTYPE, h->body ? h->body : "");
	pthread_mutex_unlock(&h->lock);
	return ret;
}

/* Splits "HOST:PORT" / "[V6]:PORT" / ":PORT" into host (NULL = any) and port. */
static int split_addr(const char *addr, char *host, size_t hlen, const char **ret_port)
{
	const char *colon;
	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		if ((size_t)(end - addr - 1) >= hlen)
			return -ENAMETOOLONG;
		memcpy(host, addr + 1, (size_t)(end - addr - 1));
		host[end - addr - 1] = 0;
		colon = end + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon)
			return -EINVAL;
		if ((size_t)(colon - addr) >= hlen)
			return -ENAMETOOLONG;
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = 0;
	}
	if (!colon[1])
		return -EINVAL;
	*ret_port = colon + 1;
	return 0;
}

int util_httpd_start(const char *addr, struct util_httpd **ret, char *err, size_t errlen)
{
	char host[256];
	const char *port;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;

	if (split_addr(addr, host, sizeof(host), &port) < 0) {
		snprintf(err, errlen, "--prometheus '%s': expected HOST:PORT, [IPV6]:PORT or :PORT", addr);
		return -EINVAL;
	}
	int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (gai != 0) {
		snprintf(err, errlen, "--prometheus '%s': %s", addr, gai_strerror(gai));
		return -EINVAL;
	}
	struct util_httpd *h = calloc(1, sizeof(*h));
	if (!h) {
		freeaddrinfo(ai);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&h->lock, NULL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
				MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!h->d) {
		snprintf(err, errlen, "--prometheus '%s': cannot listen there (address in use, or not local?)",
			 addr);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return -EADDRINUSE;
	}
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = i ? i->port : 0;
	*ret = h;
	return 0;
}

void util_httpd_set(struct util_httpd *h, char *body)
{
	pthread_mutex_lock(&h->lock);
	char *old = h->body;
	h->body = body;
	pthread_mutex_unlock(&h->lock);
	free(old);
}

unsigned util_httpd_port(const struct util_httpd *h)
{
	return h->port;
}

void util_httpd_stop(struct util_httpd *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->lock);
	free(h->body);
	free(h);
}
