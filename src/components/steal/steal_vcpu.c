/* Host-side vCPU run/steal/halt; see steal_vcpu.h. */
#include "steal_vcpu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pv_fs.h"
#include "pv_schedstat.h"
#include "pv_virt_proc.h"
#include "steal_procstat.h"

int steal_vcpu_open(struct steal_vcpu *v, pid_t pid, pid_t tid, int index)
{
	int fd;

	memset(v, 0, sizeof(*v));
	v->fd = -1;
	v->pid = pid;
	v->tid = tid;
	v->index = index;
	fd = pv_schedstat_open_task(pid, tid);
	if (fd < 0)
		return fd;
	v->fd = fd;
	return 0;
}

void steal_vcpu_close(struct steal_vcpu *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

void steal_vcpu_feed(struct steal_vcpu *v, const struct pv_schedstat *st, uint64_t now_ns)
{
	uint64_t wall, used, halt;

	if (!v->started) {
		steal_acc_start(&v->run, st->run_ns);
		steal_acc_start(&v->delay, st->delay_ns);
		v->halt_ns = 0;
		v->t0_ns = now_ns;
		v->started = 1;
		return;
	}
	steal_acc_feed(&v->run, st->run_ns);
	steal_acc_feed(&v->delay, st->delay_ns);
	wall = steal_sub0(now_ns, v->t0_ns);
	used = v->run.total + v->delay.total;
	halt = steal_sub0(wall, used);
	if (halt > v->halt_ns)
		v->halt_ns = halt;
}

static int steal_vcpu_read(struct steal_vcpu *v, struct pv_schedstat *st)
{
	return v->fd < 0 ? -ESRCH : pv_schedstat_pread(v->fd, st);
}

static int steal_vcpu_sample(struct steal_vcpu *v, uint64_t now_ns)
{
	struct pv_schedstat st;
	int rc;

	if (v->frozen)
		return 0;
	rc = steal_vcpu_read(v, &st);
	if (rc == -ESRCH || rc == -ENOENT) {
		/* The thread exited: keep the values it had. */
		v->frozen = 1;
		steal_vcpu_close(v);
		return 0;
	}
	if (rc < 0)
		return rc;
	steal_vcpu_feed(v, &st, now_ns);
	return 0;
}

int steal_vcpu_start(struct steal_vcpu *v, uint64_t now_ns)
{
	v->started = 0;
	v->halt_ns = 0;
	memset(&v->run, 0, sizeof(v->run));
	memset(&v->delay, 0, sizeof(v->delay));
	return steal_vcpu_sample(v, now_ns);
}

int steal_vcpu_update(struct steal_vcpu *v, uint64_t now_ns)
{
	return steal_vcpu_sample(v, now_ns);
}

uint64_t steal_vcpu_value(const struct steal_vcpu *v, enum steal_vcpu_value what)
{
	switch (what) {
	case STEAL_V_RUN:
		return v->run.total;
	case STEAL_V_DELAY:
		return v->delay.total;
	default:
		return v->halt_ns;
	}
}
