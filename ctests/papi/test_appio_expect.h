/*
 * test_appio_expect: what the appio events must read after a workload,
 * modelled from docs/appio.md (not from the component's code): each call of
 * the workload is followed by an exp_* call stating its outcome.
 */
#ifndef TEST_APPIO_EXPECT_H
#define TEST_APPIO_EXPECT_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { MAIN = 1, WORKER = 2 };
enum { R, W, RV, SD };
enum { C_NONE, C_FILE, C_SOCK, C_PIPE, C_TTY };
enum { VIA_POS = 1, VIA_VEC = 2, VIA_STDIO = 4, VIA_NOSHORT = 8 };

static const char *const exp_names[] = {
	"READ_BYTES", "READ_CALLS", "READ_ERR", "READ_INTERRUPTED", "READ_WOULD_BLOCK", "READ_SHORT",
	"READ_EOF", "READ_BLOCK_SIZE", "READ_USEC", "READ_PREAD_CALLS", "READ_VECTOR_CALLS",
	"READ_STDIO_CALLS", "READ_STDIO_BYTES", "READ_SIZE_0_100", "READ_SIZE_100_1K", "READ_SIZE_1K_10K",
	"READ_SIZE_10K_100K", "READ_SIZE_100K_1M", "READ_SIZE_1M_4M", "READ_SIZE_4M_10M",
	"READ_SIZE_10M_100M", "READ_SIZE_100M_1G", "READ_SIZE_1G_PLUS",
	"WRITE_BYTES", "WRITE_CALLS", "WRITE_ERR", "WRITE_SHORT", "WRITE_INTERRUPTED", "WRITE_WOULD_BLOCK",
	"WRITE_BLOCK_SIZE", "WRITE_USEC", "WRITE_PWRITE_CALLS", "WRITE_VECTOR_CALLS", "WRITE_STDIO_CALLS",
	"WRITE_STDIO_BYTES", "WRITE_SIZE_0_100", "WRITE_SIZE_100_1K", "WRITE_SIZE_1K_10K",
	"WRITE_SIZE_10K_100K", "WRITE_SIZE_100K_1M", "WRITE_SIZE_1M_4M", "WRITE_SIZE_4M_10M",
	"WRITE_SIZE_10M_100M", "WRITE_SIZE_100M_1G", "WRITE_SIZE_1G_PLUS",
	"OPEN_CALLS", "OPEN_ERR", "OPEN_FDS", "OPEN_USEC", "CLOSE_CALLS", "CLOSE_ERR", "CLOSE_USEC",
	"SELECT_CALLS", "SELECT_USEC", "POLL_CALLS", "POLL_USEC",
	"RECV_BYTES", "RECV_CALLS", "RECV_ERR", "RECV_INTERRUPTED", "RECV_WOULD_BLOCK", "RECV_SHORT",
	"RECV_EOF", "RECV_BLOCK_SIZE", "RECV_USEC",
	"SEND_BYTES", "SEND_CALLS", "SEND_ERR", "SEND_INTERRUPTED", "SEND_WOULD_BLOCK", "SEND_SHORT",
	"SEND_BLOCK_SIZE", "SEND_USEC",
	"SOCK_READ_BYTES", "SOCK_READ_CALLS", "SOCK_READ_ERR", "SOCK_READ_SHORT", "SOCK_READ_WOULD_BLOCK",
	"SOCK_READ_USEC", "SOCK_WRITE_BYTES", "SOCK_WRITE_CALLS", "SOCK_WRITE_ERR", "SOCK_WRITE_SHORT",
	"SOCK_WRITE_WOULD_BLOCK", "SOCK_WRITE_USEC",
	"FILE_READ_BYTES", "FILE_READ_CALLS", "FILE_READ_USEC", "FILE_WRITE_BYTES", "FILE_WRITE_CALLS",
	"FILE_WRITE_USEC", "PIPE_READ_BYTES", "PIPE_READ_CALLS", "PIPE_READ_USEC", "PIPE_WRITE_BYTES",
	"PIPE_WRITE_CALLS", "PIPE_WRITE_USEC", "TTY_READ_BYTES", "TTY_READ_CALLS", "TTY_READ_USEC",
	"TTY_WRITE_BYTES", "TTY_WRITE_CALLS", "TTY_WRITE_USEC",
	"SEEK_CALLS", "SEEK_ERR", "SEEK_ABS_STRIDE_SIZE", "SEEK_USEC", "SYNC_CALLS", "SYNC_ERR", "SYNC_USEC",
};
#define EXP_N ((int)(sizeof(exp_names) / sizeof(exp_names[0])))
static const int exp_nevents = EXP_N;
static long long exp_cnt[2][EXP_N]; /* [0] main thread, [1] process */
static char exp_namebuf[EXP_N * 2][80];
static pthread_mutex_t exp_lock = PTHREAD_MUTEX_INITIALIZER;

static void exp_init(void)
{
	for (int i = 0; i < EXP_N; i++) {
		snprintf(exp_namebuf[i], sizeof(exp_namebuf[i]), "appio:::%s", exp_names[i]);
		snprintf(exp_namebuf[EXP_N + i], sizeof(exp_namebuf[i]), "appio:::%s:process", exp_names[i]);
	}
}

static const char *exp_papi_name(int i)
{
	return exp_namebuf[i];
}

static int exp_ix(const char *name)
{
	for (int i = 0; i < EXP_N; i++)
		if (strcmp(exp_names[i], name) == 0)
			return i;
	fprintf(stderr, "test bug: no event %s\n", name);
	return 0;
}

static void exp_add(int who, const char *name, long long v)
{
	int i = exp_ix(name);
	pthread_mutex_lock(&exp_lock);
	if (who == MAIN)
		exp_cnt[0][i] += v;
	exp_cnt[1][i] += v;
	pthread_mutex_unlock(&exp_lock);
}

static void exp_addf(int who, const char *prefix, const char *suffix, long long v)
{
	char n[64];
	snprintf(n, sizeof(n), "%s_%s", prefix, suffix);
	exp_add(who, n, v);
}

static const char *exp_bin(long long n)
{
	static const long long up[] = { 100, 1024, 10240, 102400, 1048576, 4194304, 10485760, 104857600,
					1073741824 };
	static const char *const lab[] = { "SIZE_0_100", "SIZE_100_1K", "SIZE_1K_10K", "SIZE_10K_100K",
					   "SIZE_100K_1M", "SIZE_1M_4M", "SIZE_4M_10M", "SIZE_10M_100M",
					   "SIZE_100M_1G" };
	for (int i = 0; i < 9; i++)
		if (n <= up[i])
			return lab[i];
	return "SIZE_1G_PLUS";
}

static void exp_xfer(int who, int fam, int cls, long long req, long long ret, int err, int via)
{
	static const char *const fams[] = { "READ", "WRITE", "RECV", "SEND" };
	static const char *const clss[] = { NULL, NULL, "SOCK", "PIPE", "TTY" };
	const char *F = fams[fam];
	int reading = fam == R || fam == RV;
	exp_addf(who, F, "CALLS", 1);
	if (ret < 0) {
		exp_addf(who, F, "ERR", 1);
		if (err == EINTR)
			exp_addf(who, F, "INTERRUPTED", 1);
		if (err == EAGAIN)
			exp_addf(who, F, "WOULD_BLOCK", 1);
	} else {
		exp_addf(who, F, "BYTES", ret);
		if (fam <= W)
			exp_addf(who, F, exp_bin(ret), 1);
		if (ret == 0 && req > 0 && reading)
			exp_addf(who, F, "EOF", 1);
		else if (ret < req && !(via & VIA_NOSHORT))
			exp_addf(who, F, "SHORT", 1);
	}
	if (via & VIA_POS)
		exp_addf(who, F, fam == R ? "PREAD_CALLS" : "PWRITE_CALLS", 1);
	if (via & VIA_VEC)
		exp_addf(who, F, "VECTOR_CALLS", 1);
	if (via & VIA_STDIO) {
		exp_addf(who, F, "STDIO_CALLS", 1);
		if (ret > 0)
			exp_addf(who, F, "STDIO_BYTES", ret);
	}
	if (fam > W || cls == C_NONE)
		return;
	char p[32];
	snprintf(p, sizeof(p), "%s_%s", cls == C_FILE ? "FILE" : clss[cls], F);
	exp_addf(who, p, "CALLS", 1);
	if (ret > 0)
		exp_addf(who, p, "BYTES", ret);
	if (cls == C_SOCK && ret < 0)
		exp_addf(who, p, "ERR", 1);
	if (cls == C_SOCK && ret < 0 && err == EAGAIN)
		exp_addf(who, p, "WOULD_BLOCK", 1);
	if (cls == C_SOCK && ret > 0 && ret < req && !(via & VIA_NOSHORT))
		exp_addf(who, p, "SHORT", 1);
}

static void exp_open(int who, int newfd, int failed)
{
	exp_add(who, "OPEN_CALLS", 1);
	exp_add(who, failed ? "OPEN_ERR" : "OPEN_FDS", failed ? 1 : newfd);
}

static void exp_close(int who, int failed, int was_opened)
{
	exp_add(who, "CLOSE_CALLS", 1);
	if (failed)
		exp_add(who, "CLOSE_ERR", 1);
	if (was_opened)
		exp_add(who, "OPEN_FDS", -1);
}

static long long exp_seek_abs[2];

static void exp_seek(int who, long long absoff, int failed)
{
	exp_add(who, "SEEK_CALLS", 1);
	if (failed)
		exp_add(who, "SEEK_ERR", 1);
	pthread_mutex_lock(&exp_lock);
	if (who == MAIN)
		exp_seek_abs[0] += absoff;
	exp_seek_abs[1] += absoff;
	pthread_mutex_unlock(&exp_lock);
}

static void exp_sync(int who, int failed)
{
	exp_add(who, "SYNC_CALLS", 1);
	if (failed)
		exp_add(who, "SYNC_ERR", 1);
}

static void exp_wait(int who, const char *calls)
{
	exp_add(who, calls, 1);
}

/* Derived events: means over successful calls, mean |offset|. */
static void exp_derive(void)
{
	static const char *const fams[] = { "READ", "WRITE", "RECV", "SEND" };
	for (int s = 0; s < 2; s++) {
		for (int f = 0; f < 4; f++) {
			char b[32], c[32], e[32], m[32];
			snprintf(b, sizeof(b), "%s_BYTES", fams[f]);
			snprintf(c, sizeof(c), "%s_CALLS", fams[f]);
			snprintf(e, sizeof(e), "%s_ERR", fams[f]);
			snprintf(m, sizeof(m), "%s_BLOCK_SIZE", fams[f]);
			long long ok = exp_cnt[s][exp_ix(c)] - exp_cnt[s][exp_ix(e)];
			exp_cnt[s][exp_ix(m)] = ok ? exp_cnt[s][exp_ix(b)] / ok : 0;
		}
		long long n = exp_cnt[s][exp_ix("SEEK_CALLS")];
		exp_cnt[s][exp_ix("SEEK_ABS_STRIDE_SIZE")] = n ? exp_seek_abs[s] / n : 0;
	}
}

static long long exp_value(const long long *v, const char *name, int process)
{
	return v[(process ? EXP_N : 0) + exp_ix(name)];
}

/* Compares every event except times exactly; times must be > 0 where
 * calls were made (select and poll waited >= 1 ms).  Returns mismatches. */
static int exp_check(const long long *v, int print)
{
	int bad = 0;
	exp_derive();
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < EXP_N; i++) {
			const char *n = exp_names[i];
			long long got = v[s * EXP_N + i], want = exp_cnt[s][i];
			if (strstr(n, "_USEC"))
				continue;
			if (print)
				printf("%s%s %lld\n", n, s ? ":process" : "", got);
			if (got != want) {
				fprintf(stderr, "MISMATCH %s%s: expected %lld, got %lld\n", n, s ? ":process" : "",
					want, got);
				bad++;
			}
		}
	static const struct { const char *name; long long min; } t[] = {
		{ "READ_USEC", 1 }, { "WRITE_USEC", 1 }, { "SELECT_USEC", 900 }, { "POLL_USEC", 900 },
		{ "OPEN_USEC", 1 }, { "FILE_READ_USEC", 1 },
	};
	for (unsigned k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		for (int s = 0; s < 2; s++)
			if (exp_value(v, t[k].name, s) < t[k].min) {
				fprintf(stderr, "MISMATCH %s%s: %lld, expected >= %lld\n", t[k].name,
					s ? ":process" : "", exp_value(v, t[k].name, s), t[k].min);
				bad++;
			}
	return bad;
}

#endif
