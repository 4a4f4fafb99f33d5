/* libvirt connection of pv_virt, bounded in time by worker threads; see
 * pv_virt_link.h. */
#include "pv_virt_link.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pv_clock.h"
#include "pv_virt_lib.h"
#include "pv_virt_link_priv.h"

struct pv_virt_link {
	pthread_mutex_t mu;
	pthread_cond_t cv;      /* CLOCK_MONOTONIC; signalled when a job ends */
	int refs;               /* the context's + one per running worker */
	bool busy;              /* a worker owns conn */
	bool ever_connected;
	char *uri;
	virConnectPtr conn;
};

enum pv_virt_op { PV_VIRT_OP_LIST, PV_VIRT_OP_STATS, PV_VIRT_OP_CLOSE };

/* What a job hands back to its caller. */
struct pv_virt_result {
	int reconnected;
	struct pv_virt_link_domlist list;       /* PV_VIRT_OP_LIST */
	struct pv_virt_link_statlist stats;     /* PV_VIRT_OP_STATS */
};

struct pv_virt_job {
	struct pv_virt_link *l;
	enum pv_virt_op op;
	unsigned int groups;    /* PV_VIRT_OP_STATS: VIR_DOMAIN_STATS_* */
	int refs;               /* caller + worker, under l->mu */
	bool done;
	int rc;
	struct pv_virt_result res;
	char err[512];
};

static pthread_once_t pv_virt_once = PTHREAD_ONCE_INIT;
/* libvirt's functions (pv_virt_lib.h); set before any worker starts. */
static const struct pv_virt_fns *pv_virt_L;

/* libvirt prints every error to stderr unless told otherwise: a library
 * inside someone's application must not.  Messages are taken from
 * virGetLastError() instead. */
static void pv_virt_quiet(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

static void pv_virt_init_once(void)
{
	pv_virt_L->virInitialize();
	pv_virt_L->virSetErrorFunc(NULL, pv_virt_quiet);
}

static const char *pv_virt_errmsg(void)
{
	virErrorPtr e = pv_virt_L->virGetLastError();

	return (e && e->message) ? e->message : "unknown libvirt error";
}

/* Writes to a dead daemon's socket raise SIGPIPE in this thread: it is
 * blocked here (all signals are) and any pending one is dropped before the
 * worker ends, so the host application never sees it. */
static void pv_virt_drain_sigpipe(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	int i;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	for (i = 0; i < 64 && sigtimedwait(&set, NULL, &zero) > 0; i++)
		;
}

void pv_virt_link_domlist_free(struct pv_virt_link_domlist *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->n; i++)
		free(list->doms[i].name);
	free(list->doms);
	list->doms = NULL;
	list->n = 0;
}

const char *pv_virt_link_uri(const struct pv_virt_link *l)
{
	return l->uri;
}

int pv_virt_link_new(const char *uri, struct pv_virt_link **ret)
{
	struct pv_virt_link *l = calloc(1, sizeof(*l));
	pthread_condattr_t ca;

	if (!l)
		return -ENOMEM;
	l->uri = strdup(uri);
	if (!l->uri) {
		free(l);
		return -ENOMEM;
	}
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	l->refs = 1;
	*ret = l;
	return 0;
}

static void pv_virt_link_drop(virConnectPtr conn)
{
	if (conn)
		pv_virt_L->virConnectClose(conn);
}

/* Called with l->mu held; frees the link when the last reference goes
 * (the caller must not touch l afterwards).  Returns true when freed. */
static bool pv_virt_link_unref_locked(struct pv_virt_link *l)
{
	virConnectPtr conn;

	if (--l->refs > 0)
		return false;
	conn = l->conn;
	l->conn = NULL;
	pthread_mutex_unlock(&l->mu);
	/* Only reached on a worker or after the close job: a hang here is bounded
	 * for the application by the close job's wait. */
	pv_virt_link_drop(conn);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l->uri);
	free(l);
	return true;
}

/* Opens l->conn.  Worker thread only. */
static int pv_virt_do_open(struct pv_virt_link *l, struct pv_virt_job *job)
{
	l->conn = pv_virt_L->virConnectOpenReadOnly(l->uri);
	if (!l->conn) {
		snprintf(job->err, sizeof(job->err), "cannot connect to libvirt at %s: %s", l->uri,
			 pv_virt_errmsg());
		return -ECONNREFUSED;
	}
	if (l->ever_connected)
		job->res.reconnected = 1;
	l->ever_connected = true;
	return 0;
}

int pv_virt_link_ident(const struct pv_virt_fns *L, virDomainPtr dom, struct pv_virt_link_dom *out)
{
	const char *name = L->virDomainGetName(dom);

	out->name = strdup(name ? name : "");
	if (!out->name || L->virDomainGetUUIDString(dom, out->uuid) < 0)
		return -ENOMEM;
	out->domid = (int)L->virDomainGetID(dom);
	return 0;
}

static int pv_virt_collect(virDomainPtr *doms, int n, struct pv_virt_link_domlist *ret)
{
	struct pv_virt_link_dom *out = calloc(n > 0 ? (size_t)n : 1, sizeof(*out));
	int i, rc = 0;

	if (!out)
		return -ENOMEM;
	for (i = 0; i < n && rc == 0; i++)
		rc = pv_virt_link_ident(pv_virt_L, doms[i], &out[i]);
	ret->doms = out;
	ret->n = (size_t)n;
	if (rc < 0)
		pv_virt_link_domlist_free(ret);
	return rc;
}

/* One libvirt call on a connection: >= 0 (a count) or < 0 with libvirt's
 * last error set. */
typedef int (*pv_virt_call)(virConnectPtr conn, struct pv_virt_job *job, void *out);

/* Runs call on l->conn, connecting first; a failed call on a dead
 * connection (a restarted daemon) replaces the connection once and tries
 * again.  what names the call in job->err.  Worker thread, l->busy held. */
static int pv_virt_on_conn(struct pv_virt_link *l, struct pv_virt_job *job, const char *what, pv_virt_call call,
			   void *out)
{
	int attempt, n, rc;

	if (l->conn && pv_virt_L->virConnectIsAlive(l->conn) != 1) {
		pv_virt_link_drop(l->conn);
		l->conn = NULL;
	}
	for (attempt = 0; attempt < 2; attempt++) {
		if (!l->conn) {
			rc = pv_virt_do_open(l, job);
			if (rc < 0)
				return rc;
		}
		n = call(l->conn, job, out);
		if (n >= 0) {
			job->err[0] = '\0';
			return n;
		}
		snprintf(job->err, sizeof(job->err), "%s of %s failed: %s", what, l->uri, pv_virt_errmsg());
		if (pv_virt_L->virConnectIsAlive(l->conn) == 1)
			return -EIO;
		pv_virt_link_drop(l->conn);
		l->conn = NULL;
	}
	return -EIO;
}

static int pv_virt_call_list(virConnectPtr conn, struct pv_virt_job *job, void *out)
{
	(void)job;
	return pv_virt_L->virConnectListAllDomains(conn, out, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
}

/* The list job: worker thread, l->busy held for us. */
static int pv_virt_do_list(struct pv_virt_link *l, struct pv_virt_job *job)
{
	virDomainPtr *doms = NULL;
	int n, rc, i;

	n = pv_virt_on_conn(l, job, "listing the domains", pv_virt_call_list, &doms);
	if (n < 0)
		return n;
	rc = pv_virt_collect(doms, n, &job->res.list);
	for (i = 0; i < n; i++)
		pv_virt_L->virDomainFree(doms[i]);
	free(doms);
	if (rc < 0)
		snprintf(job->err, sizeof(job->err), "out of memory listing the domains of %s", l->uri);
	return rc;
}

static int pv_virt_call_stats(virConnectPtr conn, struct pv_virt_job *job, void *out)
{
	return pv_virt_L->virConnectGetAllDomainStats(conn, job->groups, out,
						      VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
}

/* The stats job: worker thread, l->busy held for us. */
static int pv_virt_do_stats(struct pv_virt_link *l, struct pv_virt_job *job)
{
	virDomainStatsRecordPtr *recs = NULL;
	int n, rc;

	n = pv_virt_on_conn(l, job, "reading the domain statistics", pv_virt_call_stats, &recs);
	if (n < 0)
		return n;
	rc = pv_virt_link_stats_of(pv_virt_L, recs, n, &job->res.stats);
	if (recs)
		pv_virt_L->virDomainStatsRecordListFree(recs);
	if (rc < 0)
		snprintf(job->err, sizeof(job->err), "out of memory reading the domain statistics of %s", l->uri);
	return rc;
}

static void pv_virt_job_unref_locked(struct pv_virt_job *job)
{
	if (--job->refs > 0)
		return;
	pv_virt_link_domlist_free(&job->res.list);
	pv_virt_link_statlist_free(&job->res.stats);
	free(job);
}

static void *pv_virt_worker(void *arg)
{
	struct pv_virt_job *job = arg;
	struct pv_virt_link *l = job->l;
	int rc = 0;

	if (job->op == PV_VIRT_OP_LIST) {
		rc = pv_virt_do_list(l, job);
	} else if (job->op == PV_VIRT_OP_STATS) {
		rc = pv_virt_do_stats(l, job);
	} else {
		pv_virt_link_drop(l->conn);
		l->conn = NULL;
	}
	pv_virt_drain_sigpipe();
	pthread_mutex_lock(&l->mu);
	job->rc = rc;
	job->done = true;
	l->busy = false;
	pthread_cond_broadcast(&l->cv);
	pv_virt_job_unref_locked(job);
	if (!pv_virt_link_unref_locked(l))
		pthread_mutex_unlock(&l->mu);
	pv_virt_drain_sigpipe();
	return NULL;
}

static void pv_virt_deadline(struct timespec *ts, unsigned int ms)
{
	*ts = pv_clock_deadline_ns((uint64_t)ms * 1000000u);
}

/* Runs op on a detached worker with every signal blocked; waits until it
 * ends or the deadline.  Called and returns with l->mu held.  On success the
 * job (one reference left for the caller) is in *ret_job. */
static int pv_virt_run_locked(struct pv_virt_link *l, enum pv_virt_op op, unsigned int groups,
			      const struct timespec *deadline, struct pv_virt_job **ret_job)
{
	struct pv_virt_job *job;
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t th;
	int rc = 0;

	while (l->busy && rc == 0)
		rc = pthread_cond_timedwait(&l->cv, &l->mu, deadline);
	if (l->busy)
		return -ETIMEDOUT;
	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->l = l;
	job->op = op;
	job->groups = groups;
	job->refs = 2;
	l->refs++;
	l->busy = true;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&th, &attr, pv_virt_worker, job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		l->busy = false;
		l->refs--;
		free(job);
		return -rc;
	}
	rc = 0;
	while (!job->done && rc == 0)
		rc = pthread_cond_timedwait(&l->cv, &l->mu, deadline);
	if (!job->done) {
		pv_virt_job_unref_locked(job);  /* the worker frees it */
		return -ETIMEDOUT;
	}
	*ret_job = job;
	return 0;
}

/* Runs op on l within timeout_ms.  0: the job's result moved into *ret;
 * else err says why.  libvirt is loaded here, on the first exchange, never
 * earlier. */
static int pv_virt_exchange(struct pv_virt_link *l, enum pv_virt_op op, unsigned int groups,
			    unsigned int timeout_ms, struct pv_virt_result *ret, char *err, size_t errlen)
{
	struct pv_virt_job *job = NULL;
	struct timespec deadline;
	int rc;

	if (!pv_virt_lib(err, errlen))
		return -ELIBACC;
	pv_virt_L = pv_virt_lib(NULL, 0);
	pthread_once(&pv_virt_once, pv_virt_init_once);
	pv_virt_deadline(&deadline, timeout_ms);
	pthread_mutex_lock(&l->mu);
	rc = pv_virt_run_locked(l, op, groups, &deadline, &job);
	if (rc == 0) {
		rc = job->rc;
		if (rc == 0) {
			*ret = job->res;
			memset(&job->res, 0, sizeof(job->res));
		} else {
			snprintf(err, errlen, "%s", job->err);
		}
		pv_virt_job_unref_locked(job);
	} else if (rc == -ETIMEDOUT) {
		snprintf(err, errlen, "libvirt at %s did not answer within %u ms", l->uri, timeout_ms);
	} else {
		snprintf(err, errlen, "cannot start a libvirt worker thread: %s", strerror(-rc));
	}
	pthread_mutex_unlock(&l->mu);
	return rc;
}

int pv_virt_link_list(struct pv_virt_link *l, unsigned int timeout_ms, struct pv_virt_link_domlist *ret,
		      int *ret_reconnected, char *err, size_t errlen)
{
	struct pv_virt_result r;
	int rc = pv_virt_exchange(l, PV_VIRT_OP_LIST, 0, timeout_ms, &r, err, errlen);

	if (rc == 0) {
		*ret = r.list;
		*ret_reconnected = r.reconnected;
	}
	return rc;
}

int pv_virt_link_stats(struct pv_virt_link *l, unsigned int timeout_ms, unsigned int groups,
		       struct pv_virt_link_statlist *ret, char *err, size_t errlen)
{
	struct pv_virt_result r;
	unsigned int lv;
	int rc = pv_virt_link_groups(groups, &lv, err, errlen);

	if (rc == 0)
		rc = pv_virt_exchange(l, PV_VIRT_OP_STATS, lv, timeout_ms, &r, err, errlen);
	if (rc == 0)
		*ret = r.stats;
	return rc;
}

void pv_virt_link_close(struct pv_virt_link *l, unsigned int timeout_ms)
{
	struct pv_virt_job *job = NULL;
	struct timespec deadline;

	if (!l)
		return;
	pv_virt_deadline(&deadline, timeout_ms);
	pthread_mutex_lock(&l->mu);
	/* The daemon may be hung: let a worker say goodbye, wait a bounded time.
	 * Never connected (libvirt maybe not even loaded): nothing to say. */
	if ((l->conn || l->busy) && pv_virt_run_locked(l, PV_VIRT_OP_CLOSE, 0, &deadline, &job) == 0)
		pv_virt_job_unref_locked(job);
	if (!pv_virt_link_unref_locked(l))
		pthread_mutex_unlock(&l->mu);
}
