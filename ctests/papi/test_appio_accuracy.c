/*
 * appio through the PAPI API: exact counts for a mixed workload, in both
 * scopes (calling thread; :process with 32 threads that exit before the
 * read), agreement of process byte totals with the kernel's /proc/self/io
 * rchar/wchar, errno preservation, PAPI's own I/O not counted, stdio not
 * double counted.  Built twice: plainly, and as test_appio_fortify with
 * -D_FORTIFY_SOURCE=2 -O2 (then read becomes __read_chk, open __open_2,
 * fprintf __fprintf_chk...) and must count the same.
 *
 * With -p it prints every counter (USEC excluded) for test_appio_fortify.sh
 * to compare the two builds.  Fails (never skips) without the appio
 * component.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "papi.h"
#include "test_appio_expect.h"

#define NTHREADS 32

static char dir[64];
static volatile size_t V1000 = 1000, V100 = 100, V64 = 64, V10 = 10, V4096 = 4096;
static volatile int VRDONLY = O_RDONLY;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "FAIL %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno); \
			exit(1);                                                        \
		}                                                                       \
	} while (0)

static void *worker(void *arg)
{
	long k = (long)arg;
	char path[128], buf[4096];
	size_t n = (size_t)(k + 1) * 10;
	memset(buf, 'w', sizeof(buf));
	snprintf(path, sizeof(path), "%s/t%ld", dir, k);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, buf, n) == (ssize_t)n);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(read(fd, buf, V4096) == (ssize_t)n);
	CHECK(read(fd, buf, V4096) == 0);
	CHECK(close(fd) == 0);
	unlink(path);
	exp_open(WORKER, 1, 0);
	exp_xfer(WORKER, W, C_FILE, n, (long)n, 0, 0);
	exp_seek(WORKER, 0, 0);
	exp_xfer(WORKER, R, C_FILE, 4096, (long)n, 0, 0);
	exp_xfer(WORKER, R, C_FILE, 4096, 0, 0, 0);
	exp_close(WORKER, 0, 1);
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Every call of the mixed workload, each followed by what it must count. */
/* At exit, also after a failed CHECK: the workload's two files and dir. */
static void remove_dir(void)
{
	char p[128];
	for (const char *n = "ab"; *n; n++) {
		snprintf(p, sizeof(p), "%s/%c", dir, *n);
		unlink(p);
	}
	rmdir(dir);
}

static void workload(void)
{
	char p1[128], p2[128], buf[4096], line[64];
	memset(buf, 'x', sizeof(buf));
	snprintf(p1, sizeof(p1), "%s/a", dir);
	snprintf(p2, sizeof(p2), "%s/b", dir);

	/* file through descriptors: 1000 + pwrite 500 at 1000 + writev 500 at 1000 -> 1500 bytes */
	int fd = open(p1, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0);
	exp_open(MAIN, 1, 0);
	CHECK(write(fd, buf, V1000) == 1000);
	exp_xfer(MAIN, W, C_FILE, 1000, 1000, 0, 0);
	CHECK(pwrite(fd, buf, 500, 1000) == 500);
	exp_xfer(MAIN, W, C_FILE, 500, 500, 0, VIA_POS);
	struct iovec wv[2] = { { buf, 200 }, { buf, 300 } };
	CHECK(writev(fd, wv, 2) == 500);
	exp_xfer(MAIN, W, C_FILE, 500, 500, 0, VIA_VEC);
	CHECK(fsync(fd) == 0);
	exp_sync(MAIN, 0);
	CHECK(fdatasync(-1) == -1 && errno == EBADF);
	exp_sync(MAIN, 1);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	exp_seek(MAIN, 0, 0);
	CHECK(lseek(fd, -5, SEEK_SET) == -1);
	exp_seek(MAIN, 5, 1);
	/* reads: full, short at EOF, EOF */
	CHECK(read(fd, buf, V1000) == 1000);
	exp_xfer(MAIN, R, C_FILE, 1000, 1000, 0, 0);
	CHECK(read(fd, buf, V1000) == 500);
	exp_xfer(MAIN, R, C_FILE, 1000, 500, 0, 0);
	CHECK(read(fd, buf, V1000) == 0);
	exp_xfer(MAIN, R, C_FILE, 1000, 0, 0, 0);
	CHECK(pread(fd, buf, V100, 0) == 100);
	exp_xfer(MAIN, R, C_FILE, 100, 100, 0, VIA_POS);
	struct iovec rv[2] = { { buf, 50 }, { buf + 50, 50 } };
	CHECK(preadv(fd, rv, 2, 1450) == 50);
	exp_xfer(MAIN, R, C_FILE, 100, 50, 0, VIA_POS | VIA_VEC);
	CHECK(readv(fd, rv, 2) == 0);
	exp_xfer(MAIN, R, C_FILE, 100, 0, 0, VIA_VEC);
	CHECK(close(fd) == 0);
	exp_close(MAIN, 0, 1);
	/* in-kernel copy: one read of the input and one write of the output */
	fd = open(p1, VRDONLY);
	int fo = open(p2, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	CHECK(fd >= 0 && fo >= 0);
	exp_open(MAIN, 1, 0);
	exp_open(MAIN, 1, 0);
	CHECK(copy_file_range(fd, NULL, fo, NULL, V1000 * 2, 0) == 1500);
	exp_xfer(MAIN, R, C_FILE, 2000, 1500, 0, 0);
	exp_xfer(MAIN, W, C_FILE, 2000, 1500, 0, 0);
	CHECK(copy_file_range(fd, NULL, fo, NULL, V1000 * 2, 0) == 0);
	exp_xfer(MAIN, R, C_FILE, 2000, 0, 0, 0);
	exp_xfer(MAIN, W, C_FILE, 2000, 0, 0, VIA_NOSHORT);
	CHECK(close(fd) == 0 && close(fo) == 0);
	exp_close(MAIN, 0, 1);
	exp_close(MAIN, 0, 1);
	/* EBADF */
	errno = 0;
	CHECK(read(-1, buf, V10) == -1 && errno == EBADF);
	exp_xfer(MAIN, R, C_NONE, 10, -1, EBADF, 0);
	CHECK(write(-1, buf, V10) == -1 && errno == EBADF);
	exp_xfer(MAIN, W, C_NONE, 10, -1, EBADF, 0);
	CHECK(close(-1) == -1 && errno == EBADF);
	exp_close(MAIN, 1, 0);
	CHECK(open("/nonexistent-appio/x", VRDONLY) == -1 && errno == ENOENT);
	exp_open(MAIN, 0, 1);

	/* stdio: counted once, as stdio (the flush's write(2) is glibc-internal) */
	FILE *f = fopen(p2, "w");
	CHECK(f);
	exp_open(MAIN, 1, 0);
	CHECK(fseek(f, 0, SEEK_SET) == 0);
	exp_seek(MAIN, 0, 0);
	CHECK(fwrite(buf, 1, V1000 - 300, f) == 700);
	exp_xfer(MAIN, W, C_FILE, 700, 700, 0, VIA_STDIO);
	CHECK(fputs("hello\n", f) >= 0);
	exp_xfer(MAIN, W, C_FILE, 6, 6, 0, VIA_STDIO | VIA_NOSHORT);
	CHECK(fprintf(f, "%d|%s", 12345, "ab") == 8);
	exp_xfer(MAIN, W, C_FILE, 8, 8, 0, VIA_STDIO | VIA_NOSHORT);
	CHECK(fputc('z', f) == 'z');
	exp_xfer(MAIN, W, C_FILE, 1, 1, 0, VIA_STDIO | VIA_NOSHORT);
	CHECK(fclose(f) == 0);
	exp_close(MAIN, 0, 1);
	/* read back once, to EOF, so the kernel's rchar sees the same bytes */
	f = fopen(p2, "r");
	CHECK(f);
	exp_open(MAIN, 1, 0);
	CHECK(fgets(line, (int)V10 + 54, f) == line && strlen(line) == 63);
	exp_xfer(MAIN, R, C_FILE, 1, 63, 0, VIA_STDIO | VIA_NOSHORT);
	CHECK(fgetc(f) == 'x');
	exp_xfer(MAIN, R, C_FILE, 1, 1, 0, VIA_STDIO);
	CHECK(fread(buf, 1, V1000 - 400, f) == 600);
	exp_xfer(MAIN, R, C_FILE, 600, 600, 0, VIA_STDIO);
	CHECK(fread(buf, 1, V100, f) == 51);
	exp_xfer(MAIN, R, C_FILE, 100, 51, 0, VIA_STDIO);
	CHECK(fread(buf, 1, V100, f) == 0 && feof(f));
	exp_xfer(MAIN, R, C_FILE, 100, 0, 0, VIA_STDIO);
	CHECK(fgets(line, sizeof(line), f) == NULL);
	exp_xfer(MAIN, R, C_FILE, 1, 0, 0, VIA_STDIO | VIA_NOSHORT);
	CHECK(fclose(f) == 0);
	exp_close(MAIN, 0, 1);

	/* freopen: one open call; the stream's old descriptor is gone */
	f = fopen(p1, "r");
	CHECK(f);
	exp_open(MAIN, 1, 0);
	f = freopen(p2, "r", f);
	CHECK(f);
	exp_open(MAIN, 1, 0);
	exp_add(MAIN, "OPEN_FDS", -1);
	CHECK(fclose(f) == 0);
	exp_close(MAIN, 0, 1);

	/* pipes: EAGAIN on a non-blocking pipe, short read, EINTR */
	int p[2];
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	CHECK(read(p[0], buf, V10) == -1 && errno == EAGAIN);
	exp_xfer(MAIN, R, C_PIPE, 10, -1, EAGAIN, 0);
	CHECK(write(p[1], buf, V10) == 10);
	exp_xfer(MAIN, W, C_PIPE, 10, 10, 0, 0);
	CHECK(read(p[0], buf, V100) == 10);
	exp_xfer(MAIN, R, C_PIPE, 100, 10, 0, 0);
	CHECK(fcntl(p[0], F_SETFL, 0) == 0);
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	CHECK(read(p[0], buf, V10) == -1 && errno == EINTR);
	exp_xfer(MAIN, R, C_PIPE, 10, -1, EINTR, 0);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	exp_close(MAIN, 0, 0);
	exp_close(MAIN, 0, 0);

	/* sockets: send/recv are RECV_/SEND_; read/write on a socket are READ_/WRITE_ + SOCK_ */
	int s[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(send(s[0], buf, V100 + 200, 0) == 300);
	exp_xfer(MAIN, SD, C_NONE, 300, 300, 0, 0);
	CHECK(recv(s[1], buf, V1000, 0) == 300);
	exp_xfer(MAIN, RV, C_NONE, 1000, 300, 0, 0);
	CHECK(recv(s[1], buf, V1000, MSG_DONTWAIT) == -1 && errno == EAGAIN);
	exp_xfer(MAIN, RV, C_NONE, 1000, -1, EAGAIN, 0);
	CHECK(write(s[0], buf, V64) == 64);
	exp_xfer(MAIN, W, C_SOCK, 64, 64, 0, 0);
	CHECK(read(s[1], buf, V64) == 64);
	exp_xfer(MAIN, R, C_SOCK, 64, 64, 0, 0);
	CHECK(close(s[0]) == 0 && close(s[1]) == 0);
	exp_close(MAIN, 0, 0);
	exp_close(MAIN, 0, 0);

	/* waits */
	struct timeval tv = { 0, 1000 };
	CHECK(select(0, NULL, NULL, NULL, &tv) == 0);
	exp_wait(MAIN, "SELECT_CALLS");
	CHECK(poll(NULL, 0, 1) == 0);
	exp_wait(MAIN, "POLL_CALLS");

	/* errno preserved: a successful call leaves errno alone, even on a
	 * descriptor seen for the first time (its class is probed) */
	fd = open(p1, VRDONLY);
	CHECK(fd >= 0);
	exp_open(MAIN, 1, 0);
	errno = 4242;
	CHECK(read(fd, buf, V10) == 10 && errno == 4242);
	exp_xfer(MAIN, R, C_FILE, 10, 10, 0, 0);
	CHECK(close(fd) == 0 && errno == 4242);
	exp_close(MAIN, 0, 1);
}

/* Streams without a descriptor (memory streams): counted, errno untouched
 * (fileno() would set EBADF).  Outside the /proc/self/io window: these
 * bytes never reach the kernel. */
#define MEMSTREAM_BYTES 3
static void memstream_part(void)
{
	char *mb = NULL;
	size_t ml = 0;
	FILE *m = open_memstream(&mb, &ml);
	CHECK(m);
	errno = 99;
	CHECK(fwrite("abc", 1, V10 - 7, m) == MEMSTREAM_BYTES && errno == 99);
	exp_xfer(MAIN, W, C_NONE, 3, 3, 0, VIA_STDIO);
	CHECK(fclose(m) == 0 && errno == 99);
	exp_close(MAIN, 0, 0);
	free(mb);
}

/* PAPI's own I/O (perf_event reads, /proc and /sys reads of other
 * components, libpfm) happens inside libpapi and must not be counted. */
static void papi_own_io(void)
{
	static const char *const others[] = { "perf::TASK-CLOCK", "perf::PERF_COUNT_SW_TASK_CLOCK",
					      "steal:::STEAL_NS" };
	for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		int es = PAPI_NULL;
		long long v[1];
		if (PAPI_create_eventset(&es) != PAPI_OK)
			continue;
		if (PAPI_add_named_event(es, others[i]) == PAPI_OK && PAPI_start(es) == PAPI_OK) {
			PAPI_read(es, v);
			PAPI_stop(es, v);
		}
		PAPI_cleanup_eventset(es);
		PAPI_destroy_eventset(&es);
	}
	PAPI_event_info_t info;
	int code = 0 | PAPI_NATIVE_MASK;
	PAPI_enum_event(&code, PAPI_ENUM_FIRST);
	PAPI_get_event_info(code, &info);
}

/* rchar/wchar of /proc/self/io, read with raw syscalls (not counted); the
 * read's own bytes show up in the next sample: *ret_len says how many. */
static void proc_io(long long *rchar, long long *wchar, long *ret_len)
{
	char b[1024];
	long fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/io", O_RDONLY), n;
	CHECK(fd >= 0);
	n = syscall(SYS_read, fd, b, sizeof(b) - 1);
	syscall(SYS_close, fd);
	CHECK(n > 0);
	b[n] = 0;
	CHECK(sscanf(b, "rchar: %lld\nwchar: %lld", rchar, wchar) == 2);
	*ret_len = n;
}

int main(int argc, char **argv)
{
	int print = argc > 1 && strcmp(argv[1], "-p") == 0;
	int es = PAPI_NULL, rc;
	CHECK(PAPI_library_init(PAPI_VER_CURRENT) == PAPI_VER_CURRENT);
	int cidx = PAPI_get_component_index("appio");
	if (cidx < 0 || PAPI_get_component_info(cidx)->disabled) {
		fprintf(stderr, "FAIL: the appio component is missing or disabled in this libpapi%s%s\n",
			cidx >= 0 ? ": " : "", cidx >= 0 ? PAPI_get_component_info(cidx)->disabled_reason : "");
		return 1;
	}
	CHECK(PAPI_create_eventset(&es) == PAPI_OK);
	exp_init();
	for (int i = 0; i < exp_nevents * 2; i++) {
		rc = PAPI_add_named_event(es, exp_papi_name(i));
		if (rc != PAPI_OK) {
			fprintf(stderr, "FAIL: cannot add %s: %s\n", exp_papi_name(i), PAPI_strerror(rc));
			return 1;
		}
	}
	snprintf(dir, sizeof(dir), "/tmp/test_appio.XXXXXX");
	CHECK(mkdtemp(dir));
	atexit(remove_dir);
	long long *v = calloc((size_t)exp_nevents * 2, sizeof(*v));
	long long r0, w0, r1, w1;
	long len0, len1;
	CHECK(v && PAPI_start(es) == PAPI_OK);

	papi_own_io();
	proc_io(&r0, &w0, &len0);
	workload();
	pthread_t t[NTHREADS];
	for (long k = 0; k < NTHREADS; k++)
		CHECK(pthread_create(&t[k], NULL, worker, (void *)k) == 0);
	for (long k = 0; k < NTHREADS; k++)
		CHECK(pthread_join(t[k], NULL) == 0);
	proc_io(&r1, &w1, &len1);
	papi_own_io();
	memstream_part();

	CHECK(PAPI_stop(es, v) == PAPI_OK);
	int bad = exp_check(v, print);
	/* the kernel saw exactly the bytes counted at the syscall and stdio
	 * level (stdio streams were read to EOF and flushed) */
	long long kr = r1 - r0 - len0, kw = w1 - w0;
	long long ar = exp_value(v, "READ_BYTES", 1), aw = exp_value(v, "WRITE_BYTES", 1) - MEMSTREAM_BYTES;
	printf("rchar delta %lld, READ_BYTES:process %lld; wchar delta %lld, WRITE_BYTES:process %lld (memory stream excluded)\n", kr, ar,
	       kw, aw);
	if (kr != ar || kw != aw) {
		fprintf(stderr, "FAIL: /proc/self/io disagrees with appio\n");
		bad++;
	}
	if (bad) {
		fprintf(stderr, "FAIL: %d mismatches\n", bad);
		return 1;
	}
	printf("PASS: %d events x 2 scopes exact, rchar/wchar agree\n", exp_nevents);
	PAPI_shutdown();
	/* after PAPI_shutdown the interposer keeps working and errno survives */
	errno = 77;
	char c;
	int fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0 && read(fd, &c, 1) == 0 && errno == 77 && close(fd) == 0);
	return 0;
}
