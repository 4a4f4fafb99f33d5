/* appio counting rules, size bins and event formulas, without interposition. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pv_check.h"
#include "appio_bins.h"
#include "appio_count.h"
#include "appio_events.h"

static uint64_t c[APPIO_NSLOTS];

static int64_t ev(const char *name)
{
	int i = appio_events_find(name);
	ck_assert_msg(i >= 0, "event %s missing", name);
	return appio_events_value(&appio_events[i], c, 1);
}

static void setup(void)
{
	memset(c, 0, sizeof(c));
}

START_TEST(bins_follow_darshan_bounds)
{
	static const struct { uint64_t size; unsigned bin; } cases[] = {
		{ 0, 0 }, { 1, 0 }, { 100, 0 }, { 101, 1 }, { 1024, 1 }, { 1025, 2 }, { 10240, 2 },
		{ 10241, 3 }, { 102400, 3 }, { 102401, 4 }, { 1048576, 4 }, { 1048577, 5 },
		{ 4194304, 5 }, { 4194305, 6 }, { 10485760, 6 }, { 10485761, 7 }, { 104857600, 7 },
		{ 104857601, 8 }, { 1073741824, 8 }, { 1073741825, 9 }, { UINT64_MAX, 9 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_uint_eq(appio_bin_index(cases[i].size), cases[i].bin);
	for (unsigned i = 0; i < APPIO_NBINS; i++) {
		ck_assert_uint_eq(appio_bin_index(appio_bins_upper(i)), i);
		char name[64];
		snprintf(name, sizeof(name), "READ_SIZE_%s", appio_bins_label(i));
		ck_assert_int_ge(appio_events_find(name), 0);
		snprintf(name, sizeof(name), "WRITE_SIZE_%s", appio_bins_label(i));
		ck_assert_int_ge(appio_events_find(name), 0);
	}
	ck_assert_ptr_null(appio_bins_label(APPIO_NBINS));
}
END_TEST

START_TEST(read_outcomes)
{
	/* full, short, EOF, EINTR, EAGAIN, EBADF */
	appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_FILE, 4096, 4096, 0, 10, 0);
	appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_FILE, 4096, 100, 0, 10, APPIO_VIA_POS);
	appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_FILE, 4096, 0, 0, 10, 0);
	appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_PIPE, 10, -1, EINTR, 10, 0);
	appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_PIPE, 10, -1, EAGAIN, 10, APPIO_VIA_VEC);
	appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_OTHER, 10, -1, EBADF, 10, 0);
	ck_assert_int_eq(ev("READ_CALLS"), 6);
	ck_assert_int_eq(ev("READ_BYTES"), 4196);
	ck_assert_int_eq(ev("READ_ERR"), 3);
	ck_assert_int_eq(ev("READ_INTERRUPTED"), 1);
	ck_assert_int_eq(ev("READ_WOULD_BLOCK"), 1);
	ck_assert_int_eq(ev("READ_SHORT"), 1);
	ck_assert_int_eq(ev("READ_EOF"), 1);
	ck_assert_int_eq(ev("READ_PREAD_CALLS"), 1);
	ck_assert_int_eq(ev("READ_VECTOR_CALLS"), 1);
	/* mean of bytes actually transferred by the 3 successful calls */
	ck_assert_int_eq(ev("READ_BLOCK_SIZE"), 4196 / 3);
	/* usec of every call, failed ones included: 6 x 10 ns */
	c[APPIO_G_READ + APPIO_F_TICKS] *= 1000;
	ck_assert_int_eq(ev("READ_USEC"), 60);
	ck_assert_int_eq(ev("READ_SIZE_0_100"), 2); /* 100 and 0 */
	ck_assert_int_eq(ev("READ_SIZE_1K_10K"), 1);
	ck_assert_int_eq(ev("FILE_READ_CALLS"), 3);
	ck_assert_int_eq(ev("FILE_READ_BYTES"), 4196);
	ck_assert_int_eq(ev("PIPE_READ_CALLS"), 2);
	ck_assert_int_eq(ev("SOCK_READ_CALLS"), 0);
	ck_assert_int_eq(ev("WRITE_CALLS"), 0);
}
END_TEST

START_TEST(bins_sum_to_successful_calls)
{
	const int64_t sizes[] = { 0, 1, 99, 100, 101, 5000, 70000, 2000000, 5000000, 20000000, -1, -1 };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		appio_count_xfer(c, APPIO_G_WRITE, APPIO_DIR_WRITE, APPIO_CLASS_SOCK, 20000000, sizes[i],
				 EPIPE, 1, 0);
	int64_t sum = 0;
	for (unsigned i = 0; i < APPIO_NBINS; i++)
		sum += (int64_t)c[APPIO_G_WRITE + APPIO_F_BIN0 + i];
	ck_assert_int_eq(sum, ev("WRITE_CALLS") - ev("WRITE_ERR"));
	ck_assert_int_eq(ev("WRITE_ERR"), 2);
	/* a write returning 0 for a non-empty request is short, not EOF */
	ck_assert_int_eq(ev("WRITE_SHORT"), 9);
	ck_assert_int_eq(ev("SOCK_WRITE_CALLS"), 12);
	ck_assert_int_eq(ev("SOCK_WRITE_ERR"), 2);
	ck_assert_int_eq(ev("SOCK_WRITE_SHORT"), 9);
	ck_assert_int_eq(ev("WRITE_SIZE_10M_100M"), 1);
	ck_assert_int_eq(ev("WRITE_SIZE_4M_10M"), 1);
	ck_assert_int_eq(ev("WRITE_SIZE_1M_4M"), 1);
}
END_TEST

START_TEST(stdio_and_noshort)
{
	appio_count_xfer(c, APPIO_G_WRITE, APPIO_DIR_WRITE, APPIO_CLASS_FILE, 12, 12, 0, 1,
			 APPIO_VIA_STDIO | APPIO_VIA_NOSHORT);
	appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_FILE, 1, 7, 0, 1,
			 APPIO_VIA_STDIO | APPIO_VIA_NOSHORT);
	appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, APPIO_CLASS_FILE, 1, 0, 0, 1,
			 APPIO_VIA_STDIO | APPIO_VIA_NOSHORT);
	ck_assert_int_eq(ev("WRITE_STDIO_CALLS"), 1);
	ck_assert_int_eq(ev("WRITE_STDIO_BYTES"), 12);
	ck_assert_int_eq(ev("READ_STDIO_CALLS"), 2);
	ck_assert_int_eq(ev("READ_STDIO_BYTES"), 7);
	ck_assert_int_eq(ev("READ_EOF"), 1);
	ck_assert_int_eq(ev("READ_SHORT"), 0);
}
END_TEST

START_TEST(recv_send_have_no_class_counters)
{
	appio_count_xfer(c, APPIO_G_RECV, APPIO_DIR_READ, APPIO_CLASS_UNKNOWN, 100, 40, 0, 1, 0);
	appio_count_xfer(c, APPIO_G_RECV, APPIO_DIR_READ, APPIO_CLASS_UNKNOWN, 100, 0, 0, 1, 0);
	appio_count_xfer(c, APPIO_G_SEND, APPIO_DIR_WRITE, APPIO_CLASS_UNKNOWN, 100, -1, EWOULDBLOCK, 1, 0);
	ck_assert_int_eq(ev("RECV_CALLS"), 2);
	ck_assert_int_eq(ev("RECV_BYTES"), 40);
	ck_assert_int_eq(ev("RECV_SHORT"), 1);
	ck_assert_int_eq(ev("RECV_EOF"), 1);
	ck_assert_int_eq(ev("RECV_BLOCK_SIZE"), 20);
	ck_assert_int_eq(ev("SEND_WOULD_BLOCK"), 1);
	ck_assert_int_eq(ev("SEND_BLOCK_SIZE"), 0);
	ck_assert_int_eq(ev("SOCK_READ_CALLS") + ev("SOCK_WRITE_CALLS") + ev("READ_CALLS"), 0);
}
END_TEST

START_TEST(meta_calls)
{
	appio_count_open(c, 3, 1, 5);
	appio_count_open(c, 4, 1, 5);
	appio_count_open(c, -1, 1, 5);
	appio_count_open(c, 5, 0, 5); /* fdopen */
	appio_count_close(c, 0, 1, 5);
	appio_count_close(c, 0, 1, 5);
	appio_count_close(c, 0, 1, 5);
	appio_count_close(c, 1, 0, 5);
	ck_assert_int_eq(ev("OPEN_CALLS"), 4);
	ck_assert_int_eq(ev("OPEN_ERR"), 1);
	ck_assert_int_eq(ev("OPEN_FDS"), -1); /* signed: more closed than opened here */
	ck_assert_int_eq(ev("CLOSE_CALLS"), 4);
	ck_assert_int_eq(ev("CLOSE_ERR"), 1);
	appio_count_seek(c, -100, 0, 1);
	appio_count_seek(c, 300, 1, 1);
	ck_assert_int_eq(ev("SEEK_CALLS"), 2);
	ck_assert_int_eq(ev("SEEK_ERR"), 1);
	ck_assert_int_eq(ev("SEEK_ABS_STRIDE_SIZE"), 200);
	appio_count_sync(c, 0, 7000);
	appio_count_sync(c, 1, 7000);
	ck_assert_int_eq(ev("SYNC_CALLS"), 2);
	ck_assert_int_eq(ev("SYNC_ERR"), 1);
	ck_assert_int_eq(ev("SYNC_USEC"), 14);
	appio_count_wait(c, APPIO_S_SELECT_CALLS, 3000);
	appio_count_wait(c, APPIO_S_POLL_CALLS, 5000);
	ck_assert_int_eq(ev("SELECT_CALLS"), 1);
	ck_assert_int_eq(ev("SELECT_USEC"), 3);
	ck_assert_int_eq(ev("POLL_USEC"), 5);
}
END_TEST

START_TEST(event_table_is_consistent)
{
	static const char *const stock[] = {
		"READ_BYTES", "READ_CALLS", "READ_ERR", "READ_INTERRUPTED", "READ_WOULD_BLOCK", "READ_SHORT",
		"READ_EOF", "READ_BLOCK_SIZE", "READ_USEC", "WRITE_BYTES", "WRITE_CALLS", "WRITE_ERR",
		"WRITE_SHORT", "WRITE_INTERRUPTED", "WRITE_WOULD_BLOCK", "WRITE_BLOCK_SIZE", "WRITE_USEC",
		"OPEN_CALLS", "OPEN_ERR", "OPEN_FDS", "SELECT_USEC", "RECV_BYTES", "RECV_CALLS", "RECV_ERR",
		"RECV_INTERRUPTED", "RECV_WOULD_BLOCK", "RECV_SHORT", "RECV_EOF", "RECV_BLOCK_SIZE", "RECV_USEC",
		"SOCK_READ_BYTES", "SOCK_READ_CALLS", "SOCK_READ_ERR", "SOCK_READ_SHORT", "SOCK_READ_WOULD_BLOCK",
		"SOCK_READ_USEC", "SOCK_WRITE_BYTES", "SOCK_WRITE_CALLS", "SOCK_WRITE_ERR", "SOCK_WRITE_SHORT",
		"SOCK_WRITE_WOULD_BLOCK", "SOCK_WRITE_USEC", "SEEK_CALLS", "SEEK_ABS_STRIDE_SIZE", "SEEK_USEC",
	};
	for (unsigned i = 0; i < sizeof(stock) / sizeof(stock[0]); i++)
		ck_assert_msg(appio_events_find(stock[i]) >= 0, "stock event %s missing", stock[i]);
	for (unsigned i = 0; i < appio_events_count; i++) {
		const struct appio_event_def *e = &appio_events[i];
		ck_assert_int_eq(appio_events_find(e->name), (int)i); /* unique names */
		ck_assert_uint_lt(e->a, APPIO_NSLOTS);
		ck_assert_int_eq(e->kind == APPIO_EV_USEC, appio_events_slot_is_ticks(e->a));
		ck_assert(strlen(e->desc) > 10 && strlen(e->units) > 0);
	}
	ck_assert_int_eq(appio_events_find("READ_BYTES:process"), -ENOENT);
}
END_TEST

PV_CHECK_MAIN_WITH("appio_count", 0, setup, NULL,
	bins_follow_darshan_bounds, read_outcomes, bins_sum_to_successful_calls, stdio_and_noshort,
	recv_send_have_no_class_counters, meta_calls, event_table_is_consistent)
