/* Reads the guest-side inputs; see steal_sample.h. */
#include "steal_sample.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pv_clock.h"
#include "pv_fs.h"
#include "pv_schedstat.h"
#include "pv_virt_proc.h"
#include "steal_procstat.h"

/* gettid is a system call: cache it per thread (the read path uses it). */
static pid_t steal_gettid(void)
{
	static __thread pid_t tid;

	if (!tid)
		tid = (pid_t)syscall(SYS_gettid);
	return tid;
}

int steal_sampler_open(struct steal_sampler *s, int want_sys, int want_thread, uint64_t cache_ns,
		       const char **ret_what)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->file.fd = -1;
	s->sched_fd = -1;
	s->want_sys = want_sys;
	s->want_thread = want_thread;
	s->cache_ns = cache_ns;
	steal_procstat_init(&s->snap);
	if (want_sys) {
		rc = pv_procstat_open(&s->file, 0);
		if (rc < 0) {
			if (ret_what)
				*ret_what = "stat";
			return rc;
		}
	}
	if (want_thread) {
		rc = pthread_getcpuclockid(pthread_self(), &s->clk);
		if (rc) {
			steal_sampler_close(s);
			if (ret_what)
				*ret_what = "thread CPU clock";
			return -rc;
		}
		s->tid = steal_gettid();
		s->sched_fd = pv_schedstat_open_self();
		if (s->sched_fd < 0) {
			rc = s->sched_fd;
			s->sched_fd = -1;
			steal_sampler_close(s);
			if (ret_what)
				*ret_what = "thread-self/schedstat";
			return rc;
		}
	}
	return 0;
}

void steal_sampler_close(struct steal_sampler *s)
{
	pv_procstat_close(&s->file);
	steal_procstat_free(&s->snap);
	if (s->sched_fd >= 0)
		close(s->sched_fd);
	s->sched_fd = -1;
}

int steal_sampler_sys(struct steal_sampler *s, int fresh, const struct steal_procstat **ret)
{
	uint64_t now = pv_now_ns();
	int rc;

	if (!fresh && s->snap_ns && now - s->snap_ns < s->cache_ns) {
		s->cache_hits++;
		*ret = &s->snap;
		return 0;
	}
	rc = steal_procstat_read(&s->file, &s->snap);
	if (rc < 0) {
		s->snap_ns = 0;
		return rc;
	}
	s->reads++;
	s->snap_ns = now;
	*ret = &s->snap;
	return 0;
}

int steal_sampler_thread(struct steal_sampler *s, struct steal_thread_sample *ret)
{
	struct pv_schedstat st;
	struct rusage ru;
	struct timespec t;
	int rc = pv_schedstat_pread(s->sched_fd, &st);

	if (rc < 0)
		return rc;
	if (clock_gettime(s->clk, &t) < 0)
		return -errno;
	ret->cpu_ns = pv_ts_to_ns(&t);
	ret->delay_ns = st.delay_ns;
	ret->cpu = steal_gettid() == s->tid ? sched_getcpu() : -1;
	ret->wall_ns = pv_now_ns();
	ret->has_nvcsw = 0;
	ret->nvcsw = 0;
	if (ret->cpu >= 0 && getrusage(RUSAGE_THREAD, &ru) == 0) {
		ret->nvcsw = (uint64_t)ru.ru_nvcsw;
		ret->has_nvcsw = 1;
	}
	return 0;
}
