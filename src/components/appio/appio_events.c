/* The appio event table; see appio_events.h. */
#include "appio_events.h"

#include <errno.h>
#include <string.h>

#include "appio_bins.h"
#include "appio_clock.h"

#define R APPIO_G_READ
#define W APPIO_G_WRITE
#define RV APPIO_G_RECV
#define SD APPIO_G_SEND

#define SUM(n, d, u, s) { n, d, u, APPIO_EV_SUM, (s), 0, 0 }
#define USEC(n, d, s) { n, d, "usec", APPIO_EV_USEC, (s), 0, 0 }
#define MEAN(n, d, g) { n, d, "bytes", APPIO_EV_MEAN, (g) + APPIO_F_BYTES, (g) + APPIO_F_CALLS, (g) + APPIO_F_ERR }

/* The size-bin events of a family, one per APPIO_BINS row. */
#define BIN_EVENT(label, upper, range, P, g, what) \
	SUM(P "_SIZE_" #label, what " calls that transferred " range, "calls", (g) + APPIO_F_BIN0 + APPIO_BIN_##label),
#define BINS(P, g, what) APPIO_BINS(BIN_EVENT, P, g, what)

#define CLS(P, cls, dir, what)                                                          \
	SUM(P "_BYTES", "Bytes " what, "bytes", appio_class_base_c(cls, dir) + APPIO_C_BYTES), \
	SUM(P "_CALLS", "Number of calls " what, "calls", appio_class_base_c(cls, dir) + APPIO_C_CALLS), \
	USEC(P "_USEC", "Real microseconds spent in calls " what, appio_class_base_c(cls, dir) + APPIO_C_TICKS)

#define appio_class_base_c(cls, dir) (APPIO_G_CLASS + (((cls) - 1) * 2 + (dir)) * APPIO_CLS_NFIELDS)
#define SOCK(dir) appio_class_base_c(APPIO_CLASS_SOCK, dir)

#define RD_CALLS "read, pread, pread64, readv, preadv, preadv2, their _chk variants, fread, fread_unlocked, fgets, fgetc, getc, getchar"
#define WR_CALLS "write, pwrite, pwrite64, writev, pwritev, pwritev2, fwrite, fwrite_unlocked, fputs, puts, fputc, putc, putchar, printf family"

const struct appio_event_def appio_events[] = {
	SUM("READ_BYTES", "Bytes read (" RD_CALLS ")", "bytes", R + APPIO_F_BYTES),
	SUM("READ_CALLS", "Number of read calls, failed ones included", "calls", R + APPIO_F_CALLS),
	SUM("READ_ERR", "Number of read calls that resulted in an error", "calls", R + APPIO_F_ERR),
	SUM("READ_INTERRUPTED", "Number of read calls that failed with EINTR", "calls", R + APPIO_F_INTR),
	SUM("READ_WOULD_BLOCK", "Number of read calls that failed with EAGAIN/EWOULDBLOCK (non-blocking descriptor)", "calls", R + APPIO_F_WOULDBLOCK),
	SUM("READ_SHORT", "Number of read calls that returned less bytes than requested (but more than 0)", "calls", R + APPIO_F_SHORT),
	SUM("READ_EOF", "Number of read calls that returned an EOF (0 bytes for a non-empty request)", "calls", R + APPIO_F_EOF),
	MEAN("READ_BLOCK_SIZE", "Mean bytes actually transferred per successful read call", R),
	USEC("READ_USEC", "Real microseconds spent in read calls, failed ones included", R + APPIO_F_TICKS),
	SUM("READ_PREAD_CALLS", "Number of pread/pread64/preadv/preadv2 calls (explicit offset)", "calls", R + APPIO_F_POS_CALLS),
	SUM("READ_VECTOR_CALLS", "Number of readv/preadv/preadv2 calls (scatter)", "calls", R + APPIO_F_VEC_CALLS),
	SUM("READ_STDIO_CALLS", "Number of stdio read calls (fread, fgets, fgetc, getc...)", "calls", R + APPIO_F_STDIO_CALLS),
	SUM("READ_STDIO_BYTES", "Bytes returned by stdio read calls", "bytes", R + APPIO_F_STDIO_BYTES),
	BINS("READ", R, "Number of read")

	SUM("WRITE_BYTES", "Bytes written (" WR_CALLS ")", "bytes", W + APPIO_F_BYTES),
	SUM("WRITE_CALLS", "Number of write calls, failed ones included", "calls", W + APPIO_F_CALLS),
	SUM("WRITE_ERR", "Number of write calls that resulted in an error", "calls", W + APPIO_F_ERR),
	SUM("WRITE_SHORT", "Number of write calls that wrote less bytes than requested", "calls", W + APPIO_F_SHORT),
	SUM("WRITE_INTERRUPTED", "Number of write calls that failed with EINTR", "calls", W + APPIO_F_INTR),
	SUM("WRITE_WOULD_BLOCK", "Number of write calls that failed with EAGAIN/EWOULDBLOCK (non-blocking descriptor)", "calls", W + APPIO_F_WOULDBLOCK),
	MEAN("WRITE_BLOCK_SIZE", "Mean bytes actually transferred per successful write call", W),
	USEC("WRITE_USEC", "Real microseconds spent in write calls, failed ones included", W + APPIO_F_TICKS),
	SUM("WRITE_PWRITE_CALLS", "Number of pwrite/pwrite64/pwritev/pwritev2 calls (explicit offset)", "calls", W + APPIO_F_POS_CALLS),
	SUM("WRITE_VECTOR_CALLS", "Number of writev/pwritev/pwritev2 calls (gather)", "calls", W + APPIO_F_VEC_CALLS),
	SUM("WRITE_STDIO_CALLS", "Number of stdio write calls (fwrite, fputs, fputc, printf family...)", "calls", W + APPIO_F_STDIO_CALLS),
	SUM("WRITE_STDIO_BYTES", "Bytes accepted by stdio write calls", "bytes", W + APPIO_F_STDIO_BYTES),
	BINS("WRITE", W, "Number of write")

	SUM("OPEN_CALLS", "Number of open calls (open, open64, openat, creat, __open_2..., fopen, fopen64, fdopen, freopen)", "calls", APPIO_S_OPEN_CALLS),
	SUM("OPEN_ERR", "Number of open calls that resulted in an error", "calls", APPIO_S_OPEN_ERR),
	{ "OPEN_FDS", "Descriptors opened by counted open calls minus those of them closed (signed)", "fds", APPIO_EV_SIGNED, APPIO_S_OPEN_FDS, 0, 0 },
	USEC("OPEN_USEC", "Real microseconds spent in open calls", APPIO_S_OPEN_TICKS),
	SUM("CLOSE_CALLS", "Number of close and fclose calls", "calls", APPIO_S_CLOSE_CALLS),
	SUM("CLOSE_ERR", "Number of close and fclose calls that resulted in an error", "calls", APPIO_S_CLOSE_ERR),
	USEC("CLOSE_USEC", "Real microseconds spent in close and fclose calls", APPIO_S_CLOSE_TICKS),
	SUM("SELECT_CALLS", "Number of select and pselect calls", "calls", APPIO_S_SELECT_CALLS),
	USEC("SELECT_USEC", "Real microseconds spent in select calls", APPIO_S_SELECT_TICKS),
	SUM("POLL_CALLS", "Number of poll and ppoll calls", "calls", APPIO_S_POLL_CALLS),
	USEC("POLL_USEC", "Real microseconds spent in poll and ppoll calls", APPIO_S_POLL_TICKS),

	SUM("RECV_BYTES", "Bytes read in recv/recvmsg/recvfrom", "bytes", RV + APPIO_F_BYTES),
	SUM("RECV_CALLS", "Number of recv/recvmsg/recvfrom calls", "calls", RV + APPIO_F_CALLS),
	SUM("RECV_ERR", "Number of recv/recvmsg/recvfrom calls that resulted in an error", "calls", RV + APPIO_F_ERR),
	SUM("RECV_INTERRUPTED", "Number of recv/recvmsg/recvfrom calls that failed with EINTR", "calls", RV + APPIO_F_INTR),
	SUM("RECV_WOULD_BLOCK", "Number of recv/recvmsg/recvfrom calls that failed with EAGAIN/EWOULDBLOCK", "calls", RV + APPIO_F_WOULDBLOCK),
	SUM("RECV_SHORT", "Number of recv/recvmsg/recvfrom calls that returned less bytes than requested", "calls", RV + APPIO_F_SHORT),
	SUM("RECV_EOF", "Number of recv/recvmsg/recvfrom calls that returned an EOF", "calls", RV + APPIO_F_EOF),
	MEAN("RECV_BLOCK_SIZE", "Mean bytes actually received per successful recv/recvmsg/recvfrom call", RV),
	USEC("RECV_USEC", "Real microseconds spent in recv/recvmsg/recvfrom", RV + APPIO_F_TICKS),

	SUM("SEND_BYTES", "Bytes sent in send/sendto/sendmsg", "bytes", SD + APPIO_F_BYTES),
	SUM("SEND_CALLS", "Number of send/sendto/sendmsg calls", "calls", SD + APPIO_F_CALLS),
	SUM("SEND_ERR", "Number of send/sendto/sendmsg calls that resulted in an error", "calls", SD + APPIO_F_ERR),
	SUM("SEND_INTERRUPTED", "Number of send/sendto/sendmsg calls that failed with EINTR", "calls", SD + APPIO_F_INTR),
	SUM("SEND_WOULD_BLOCK", "Number of send/sendto/sendmsg calls that failed with EAGAIN/EWOULDBLOCK", "calls", SD + APPIO_F_WOULDBLOCK),
	SUM("SEND_SHORT", "Number of send/sendto/sendmsg calls that sent less bytes than requested", "calls", SD + APPIO_F_SHORT),
	MEAN("SEND_BLOCK_SIZE", "Mean bytes actually sent per successful send/sendto/sendmsg call", SD),
	USEC("SEND_USEC", "Real microseconds spent in send/sendto/sendmsg", SD + APPIO_F_TICKS),

	SUM("SOCK_READ_BYTES", "Bytes read from sockets by read-family calls", "bytes", SOCK(0) + APPIO_C_BYTES),
	SUM("SOCK_READ_CALLS", "Number of read-family calls on sockets", "calls", SOCK(0) + APPIO_C_CALLS),
	SUM("SOCK_READ_ERR", "Number of read-family calls on sockets that resulted in an error", "calls", SOCK(0) + APPIO_C_ERR),
	SUM("SOCK_READ_SHORT", "Number of read-family calls on sockets that returned less bytes than requested", "calls", SOCK(0) + APPIO_C_SHORT),
	SUM("SOCK_READ_WOULD_BLOCK", "Number of read-family calls on sockets that failed with EAGAIN/EWOULDBLOCK", "calls", SOCK(0) + APPIO_C_WOULDBLOCK),
	USEC("SOCK_READ_USEC", "Real microseconds spent in read-family calls on sockets", SOCK(0) + APPIO_C_TICKS),
	SUM("SOCK_WRITE_BYTES", "Bytes written to sockets by write-family calls", "bytes", SOCK(1) + APPIO_C_BYTES),
	SUM("SOCK_WRITE_CALLS", "Number of write-family calls on sockets", "calls", SOCK(1) + APPIO_C_CALLS),
	SUM("SOCK_WRITE_ERR", "Number of write-family calls on sockets that resulted in an error", "calls", SOCK(1) + APPIO_C_ERR),
	SUM("SOCK_WRITE_SHORT", "Number of write-family calls on sockets that wrote less bytes than requested", "calls", SOCK(1) + APPIO_C_SHORT),
	SUM("SOCK_WRITE_WOULD_BLOCK", "Number of write-family calls on sockets that failed with EAGAIN/EWOULDBLOCK", "calls", SOCK(1) + APPIO_C_WOULDBLOCK),
	USEC("SOCK_WRITE_USEC", "Real microseconds spent in write-family calls on sockets", SOCK(1) + APPIO_C_TICKS),

	CLS("FILE_READ", APPIO_CLASS_FILE, 0, "of read-family calls on regular files and block devices"),
	CLS("FILE_WRITE", APPIO_CLASS_FILE, 1, "of write-family calls on regular files and block devices"),
	CLS("PIPE_READ", APPIO_CLASS_PIPE, 0, "of read-family calls on pipes and FIFOs"),
	CLS("PIPE_WRITE", APPIO_CLASS_PIPE, 1, "of write-family calls on pipes and FIFOs"),
	CLS("TTY_READ", APPIO_CLASS_TTY, 0, "of read-family calls on terminals"),
	CLS("TTY_WRITE", APPIO_CLASS_TTY, 1, "of write-family calls on terminals"),

	SUM("SEEK_CALLS", "Number of seek calls (lseek, lseek64, fseek, fseeko, fseeko64)", "calls", APPIO_S_SEEK_CALLS),
	SUM("SEEK_ERR", "Number of seek calls that resulted in an error", "calls", APPIO_S_SEEK_ERR),
	{ "SEEK_ABS_STRIDE_SIZE", "Average absolute value of the offset argument of seek calls", "bytes", APPIO_EV_RATIO, APPIO_S_SEEK_ABS_OFFSET, APPIO_S_SEEK_CALLS, 0 },
	USEC("SEEK_USEC", "Real microseconds spent in seek calls", APPIO_S_SEEK_TICKS),
	SUM("SYNC_CALLS", "Number of fsync and fdatasync calls", "calls", APPIO_S_SYNC_CALLS),
	SUM("SYNC_ERR", "Number of fsync and fdatasync calls that resulted in an error", "calls", APPIO_S_SYNC_ERR),
	USEC("SYNC_USEC", "Real microseconds spent in fsync and fdatasync", APPIO_S_SYNC_TICKS),
};

const unsigned appio_events_count = sizeof(appio_events) / sizeof(appio_events[0]);

_Static_assert(sizeof(appio_events) / sizeof(appio_events[0]) == (13 + APPIO_NBINS) + (12 + APPIO_NBINS) + 11 + 9 + 8 + 12 + 18 + 7,
	       "appio event table: update the count when adding events");

int appio_events_find(const char *name)
{
	for (unsigned i = 0; i < appio_events_count; i++)
		if (strcmp(appio_events[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int appio_events_slot_is_ticks(unsigned s)
{
	if (s < APPIO_G_CLASS)
		return s % APPIO_RW_NFIELDS == APPIO_F_TICKS;
	if (s < APPIO_S_OPEN_CALLS)
		return (s - APPIO_G_CLASS) % APPIO_CLS_NFIELDS == APPIO_C_TICKS;
	switch (s) {
	case APPIO_S_OPEN_TICKS:
	case APPIO_S_CLOSE_TICKS:
	case APPIO_S_SELECT_TICKS:
	case APPIO_S_POLL_TICKS:
	case APPIO_S_SEEK_TICKS:
	case APPIO_S_SYNC_TICKS:
		return 1;
	default:
		return 0;
	}
}

static int64_t appio_v_sum(const struct appio_event_def *e, const uint64_t *delta, int ticks_are_ns)
{
	(void)ticks_are_ns;
	return (int64_t)delta[e->a];
}

static int64_t appio_v_usec(const struct appio_event_def *e, const uint64_t *delta, int ticks_are_ns)
{
	uint64_t a = delta[e->a];

	return (int64_t)((ticks_are_ns ? a : appio_clock_ticks_to_ns(a)) / 1000u);
}

static int64_t appio_v_mean(const struct appio_event_def *e, const uint64_t *delta, int ticks_are_ns)
{
	uint64_t ok = delta[e->b] - delta[e->c];

	(void)ticks_are_ns;
	return ok ? (int64_t)(delta[e->a] / ok) : 0;
}

static int64_t appio_v_ratio(const struct appio_event_def *e, const uint64_t *delta, int ticks_are_ns)
{
	(void)ticks_are_ns;
	return delta[e->b] ? (int64_t)(delta[e->a] / delta[e->b]) : 0;
}

static const struct appio_kind_def appio_kinds[] = {
	[APPIO_EV_SUM] = { "change of slot a", 0, appio_v_sum },
	[APPIO_EV_SIGNED] = { "change of slot a, signed", 1, appio_v_sum },
	[APPIO_EV_USEC] = { "change of tick slot a, in microseconds", 0, appio_v_usec },
	[APPIO_EV_MEAN] = { "change of a / (change of b - change of c), 0 when that is 0", 0, appio_v_mean },
	[APPIO_EV_RATIO] = { "change of a / change of b, 0 when that is 0", 0, appio_v_ratio },
};

_Static_assert(sizeof(appio_kinds) / sizeof(appio_kinds[0]) == APPIO_EV_KIND_COUNT,
	       "appio_kinds: one row per enum appio_ev_kind");

const struct appio_kind_def *appio_events_kind(unsigned kind)
{
	return kind < APPIO_EV_KIND_COUNT ? &appio_kinds[kind] : (const struct appio_kind_def *)0;
}

int64_t appio_events_value(const struct appio_event_def *e, const uint64_t *delta, int ticks_are_ns)
{
	return appio_kinds[e->kind].value(e, delta, ticks_are_ns);
}
