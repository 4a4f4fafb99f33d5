/*
 * rapl_host_watch: the host side of the in-guest virtual RAPL test
 * (test_vmpower_guest_rapl.sh).  Aligns host and guest without trusting the
 * guest's clock: it follows the guests' serial logs and, the moment a guest
 * prints a reading, reads the host's own counters.
 *
 *   rapl_host_watch [-s FILE]... VM=SERIAL...
 *
 * Adds vmpower:::VM_ENERGY_UJ:vm=VM for every VM (this process's own vmpower
 * engine, independent of the exporter's), starts, then polls every SERIAL
 * file every 5 ms.  For each new "PVRAPL <seq> ..." line of a guest it
 * immediately PAPI_reads and reads the first number of every -s FILE (e.g. the
 * VM's cgroup cpu.stat usage_usec), and prints
 *
 *   G <vm> <host_realtime_ns> <guest fields after PVRAPL> E <uj per VM...> S <number per FILE...>
 *
 * Other PVRAPL lines (start, error, backwards) are printed as "L <vm> <line>".
 * Runs until SIGTERM or SIGINT; exit 0, or 1 on a PAPI error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"

#define MAXVM 8
#define MAXSNAP 16

struct guest {
	const char *vm;
	int fd;
	char buf[8192];
	size_t len;
};

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) { (void)sig; stop_flag = 1; }

static long long realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* First decimal number in the file ("usage_usec 123" -> 123), or -1. */
static long long first_number(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strpbrk(buf, "0123456789");
	return p ? strtoll(p, NULL, 10) : -1;
}

static int line_out(struct guest *g, const char *line, int es, int nvm, char **snaps, int nsnap)
{
	long long v[MAXVM];
	const char *rest = line + strlen("PVRAPL ");

	if (*rest < '0' || *rest > '9') {
		printf("L %s %s\n", g->vm, line);
		return 0;
	}
	/* Read first, format later: the point is to be close to the guest. */
	long long t = realtime_ns();
	int rc = PAPI_read(es, v);
	long long s[MAXSNAP];
	for (int i = 0; i < nsnap; i++)
		s[i] = first_number(snaps[i]);
	if (rc != PAPI_OK) {
		fprintf(stderr, "rapl_host_watch: PAPI_read: %s\n", PAPI_strerror(rc));
		return -1;
	}
	printf("G %s %lld %s E", g->vm, t, rest);
	for (int i = 0; i < nvm; i++)
		printf(" %lld", v[i]);
	printf(" S");
	for (int i = 0; i < nsnap; i++)
		printf(" %lld", s[i]);
	printf("\n");
	return 0;
}

/* New complete lines of one serial log. */
static int poll_guest(struct guest *g, int es, int nvm, char **snaps, int nsnap)
{
	ssize_t n;

	while ((n = read(g->fd, g->buf + g->len, sizeof(g->buf) - 1 - g->len)) > 0) {
		g->len += (size_t)n;
		g->buf[g->len] = '\0';
		char *p = g->buf, *nl;
		while ((nl = strchr(p, '\n'))) {
			*nl = '\0';
			if (nl > p && nl[-1] == '\r')
				nl[-1] = '\0';
			char *m = strstr(p, "PVRAPL ");
			if (m && line_out(g, m, es, nvm, snaps, nsnap) < 0)
				return -1;
			p = nl + 1;
		}
		g->len -= (size_t)(p - g->buf);
		memmove(g->buf, p, g->len);
		if (g->len == sizeof(g->buf) - 1)
			g->len = 0; /* a line longer than the buffer: not ours */
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct guest g[MAXVM];
	char *snaps[MAXSNAP], ev[512];
	int nsnap = 0, nvm = 0, c, es = PAPI_NULL, rc;

	while ((c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's' || nsnap == MAXSNAP) {
			fprintf(stderr, "usage: rapl_host_watch [-s FILE]... VM=SERIAL...\n");
			return 2;
		}
		snaps[nsnap++] = optarg;
	}
	for (; optind < argc && nvm < MAXVM; optind++, nvm++) {
		char *eq = strchr(argv[optind], '=');
		if (!eq) {
			fprintf(stderr, "rapl_host_watch: '%s' is not VM=SERIAL\n", argv[optind]);
			return 2;
		}
		*eq = '\0';
		g[nvm] = (struct guest){ .vm = argv[optind] };
		g[nvm].fd = open(eq + 1, O_RDONLY | O_CLOEXEC);
		if (g[nvm].fd < 0) {
			fprintf(stderr, "rapl_host_watch: %s: %s\n", eq + 1, strerror(errno));
			return 1;
		}
		lseek(g[nvm].fd, 0, SEEK_END); /* only readings from now on */
	}
	if (nvm == 0 || optind < argc) {
		fprintf(stderr, "rapl_host_watch: want 1..%d VM=SERIAL arguments\n", MAXVM);
		return 2;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((rc = PAPI_library_init(PAPI_VER_CURRENT)) != PAPI_VER_CURRENT ||
	    (rc = PAPI_create_eventset(&es)) != PAPI_OK) {
		fprintf(stderr, "rapl_host_watch: PAPI init: %s\n", PAPI_strerror(rc));
		return 1;
	}
	for (int i = 0; i < nvm; i++) {
		snprintf(ev, sizeof(ev), "vmpower:::VM_ENERGY_UJ:vm=%s", g[i].vm);
		if ((rc = PAPI_add_named_event(es, ev)) != PAPI_OK) {
			fprintf(stderr, "rapl_host_watch: %s: %s\n", ev, PAPI_strerror(rc));
			return 1;
		}
	}
	if ((rc = PAPI_start(es)) != PAPI_OK) {
		fprintf(stderr, "rapl_host_watch: PAPI_start: %s\n", PAPI_strerror(rc));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("W started %lld\n", realtime_ns());
	rc = 0;
	while (!stop_flag && rc == 0) {
		for (int i = 0; i < nvm && rc == 0; i++)
			rc = poll_guest(&g[i], es, nvm, snaps, nsnap);
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	long long v[MAXVM];
	PAPI_stop(es, v);
	PAPI_shutdown();
	return rc ? 1 : 0;
}
