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

#include "util_conns.h"
#include "util_webcfg.h"

struct util_httpd {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	char *body;
	unsigned port;
	struct util_conns conns;
	const struct util_webcfg *web;
	struct util_auth *auth;
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

static struct util_conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return i ? i->socket_context : NULL;
}

/* 401 with a challenge, as Prometheus' exporter-toolkit answers. */
static enum MHD_Result unauthorized(struct MHD_Connection *c)
{
	static const char text[] = "Unauthorized\n";
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	enum MHD_Result ret = MHD_queue_basic_auth_fail_response(c, "papi_vmpower", r);
	MHD_destroy_response(r);
	return ret;
}

static int authorized(struct util_httpd *h, struct MHD_Connection *c)
{
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(c, &pass);
	int ok = user && pass && util_auth_check(h->auth, user, pass);
	if (pass) {
		/* The password does not outlive the check. */
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct util_httpd *h = cls;
	util_conns_request(&h->conns, conn_of(c));
	if (h->auth && !authorized(h, c))
		return unauthorized(c);
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

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct util_httpd *h = cls;
	util_conns_done(&h->conns, conn_of(c));
}

static void notify(void *cls, struct MHD_Connection *c, void **socket_context,
		   enum MHD_ConnectionNotificationCode code)
{
	struct util_httpd *h = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = i ? util_conns_opened(&h->conns, i->connect_fd) : NULL;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		util_conns_closed(&h->conns, *socket_context);
		*socket_context = NULL;
	}
}

static enum MHD_Result admit(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct util_httpd *h = cls;
	return util_conns_admit(&h->conns) ? MHD_YES : MHD_NO;
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

static struct MHD_Daemon *start_daemon(struct util_httpd *h, const struct addrinfo *ai, int any)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	/* ":PORT": one IPv6 socket that also takes IPv4 (node_exporter's ":9100"). */
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	const struct sockaddr *sa = ai->ai_addr;
	if (any) {
		any6.sin6_port = ((const struct sockaddr_in *)ai->ai_addr)->sin_port;
		sa = (const struct sockaddr *)&any6;
		flags |= MHD_USE_DUAL_STACK;
	} else if (ai->ai_family == AF_INET6) {
		flags |= MHD_USE_IPv6;
	}
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, h->web ? h->web->key_pem : NULL },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, h->web ? h->web->cert_pem : NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	if (h->web && h->web->tls)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	return MHD_start_daemon(flags, 0, admit, h, handle, h,
				MHD_OPTION_SOCK_ADDR, sa,
				MHD_OPTION_CONNECTION_TIMEOUT, UTIL_HTTPD_IDLE_S,
				/* Hard cap, above ours: evicted connections close
				 * while their replacements are already admitted. */
				MHD_OPTION_CONNECTION_LIMIT, 2 * UTIL_HTTPD_MAX_CONNS,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, UTIL_HTTPD_MAX_PER_CLIENT,
				MHD_OPTION_NOTIFY_CONNECTION, notify, h,
				MHD_OPTION_NOTIFY_COMPLETED, completed, h,
				MHD_OPTION_ARRAY, tls,
				MHD_OPTION_END);
}

static void free_httpd(struct util_httpd *h)
{
	util_auth_free(h->auth);
	pthread_mutex_destroy(&h->lock);
	free(h->body);
	free(h);
}

int util_httpd_start(const char *addr, const struct util_webcfg *web, struct util_httpd **ret,
		     char *err, size_t errlen)
{
	char host[256];
	const char *port;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;

	if (split_addr(addr, host, sizeof(host), &port) < 0) {
		snprintf(err, errlen, "--prometheus '%s': expected HOST:PORT, [IPV6]:PORT or :PORT", addr);
		return -EINVAL;
	}
	if (!host[0])
		hints.ai_family = AF_INET;   /* only for the port number */
	int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (gai != 0) {
		snprintf(err, errlen, "--prometheus '%s': %s", addr, gai_strerror(gai));
		return -EINVAL;
	}
	if (web && web->tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		freeaddrinfo(ai);
		snprintf(err, errlen, "%s: tls_server_config: this libmicrohttpd was built without TLS",
			 web->path);
		return -ENOTSUP;
	}
	struct util_httpd *h = calloc(1, sizeof(*h));
	if (!h) {
		freeaddrinfo(ai);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->web = web;
	int rc = web && web->nusers ? util_auth_new(web, &h->auth) : 0;
	if (rc == 0)
		rc = util_conns_init(&h->conns, UTIL_HTTPD_MAX_CONNS, UTIL_HTTPD_HEADER_S);
	if (rc < 0) {
		freeaddrinfo(ai);
		snprintf(err, errlen, "cannot set up the HTTP server: %s", strerror(-rc));
		free_httpd(h);
		return rc;
	}
	h->d = start_daemon(h, ai, !host[0]);
	freeaddrinfo(ai);
	if (!h->d) {
		snprintf(err, errlen, "--prometheus '%s': cannot listen there (address in use, not local, "
			 "or the TLS key and certificate do not fit)", addr);
		util_conns_fini(&h->conns);
		free_httpd(h);
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
	/* Once, at the end: what the limits did (slow or too many clients). */
	if (h->conns.timed_out || h->conns.evicted || h->conns.refused)
		fprintf(stderr, "papi_vmpower: HTTP: %lu connections timed out (request header not "
			"complete within %.0f s), %lu evicted for newer ones, %lu refused (all busy)\n",
			h->conns.timed_out, UTIL_HTTPD_HEADER_S, h->conns.evicted, h->conns.refused);
	util_conns_fini(&h->conns);
	free_httpd(h);
}
