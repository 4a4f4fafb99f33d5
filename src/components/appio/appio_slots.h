/*
 * appio_slots: the layout of one appio counter block.
 *
 * A block is an array of uint64_t "slots".  Every intercepted call adds to a
 * few slots of the calling thread's block; events (appio_events.h) are
 * computed from differences of slots.  Families that share a shape (read,
 * write, recv, send) share a field layout, so the counting code adds
 * "group base + field" and one function serves them all.
 *
 * Times are stored in clock ticks (appio_clock.h) and converted to
 * microseconds only when an event is read.
 */
#ifndef APPIO_SLOTS_H
#define APPIO_SLOTS_H

#include "appio_bins.h"

/* Fields of a transfer family (read, write, recv, send). */
enum appio_rw_field {
	APPIO_F_BYTES = 0,   /* bytes actually transferred */
	APPIO_F_CALLS,       /* every call, failed ones included */
	APPIO_F_ERR,         /* calls that failed (-1, NULL, EOF-as-error) */
	APPIO_F_INTR,        /* failed with EINTR */
	APPIO_F_WOULDBLOCK,  /* failed with EAGAIN / EWOULDBLOCK */
	APPIO_F_SHORT,       /* 0 < transferred < requested */
	APPIO_F_EOF,         /* returned 0 for a request > 0 (reads only) */
	APPIO_F_TICKS,       /* time in the call, every call */
	APPIO_F_POS_CALLS,   /* pread/pwrite family (explicit offset) */
	APPIO_F_VEC_CALLS,   /* readv/writev/preadv/pwritev family */
	APPIO_F_STDIO_CALLS, /* through stdio (fread, fgets, fprintf...) */
	APPIO_F_STDIO_BYTES,
	APPIO_F_BIN0,        /* APPIO_NBINS size bins follow (appio_bins.h) */
	APPIO_RW_NFIELDS = APPIO_F_BIN0 + APPIO_NBINS,
};

/* Per descriptor class and direction. */
enum appio_cls_field {
	APPIO_C_BYTES = 0,
	APPIO_C_CALLS,
	APPIO_C_ERR,
	APPIO_C_SHORT,
	APPIO_C_WOULDBLOCK,
	APPIO_C_TICKS,
	APPIO_CLS_NFIELDS,
};

/* Descriptor classes that get their own counters (appio_fdclass.h). */
enum appio_class {
	APPIO_CLASS_UNKNOWN = 0, /* not classified yet (cache only) */
	APPIO_CLASS_FILE,        /* regular file or block device */
	APPIO_CLASS_SOCK,
	APPIO_CLASS_PIPE,        /* pipe or FIFO */
	APPIO_CLASS_TTY,
	APPIO_CLASS_OTHER,       /* other character devices, eventfd, memory streams... */
	APPIO_CLASS_NCLASSES,
};
#define APPIO_NCOUNTED_CLASSES 4 /* FILE, SOCK, PIPE, TTY have slots */

enum appio_slot {
	APPIO_G_READ = 0,
	APPIO_G_WRITE = APPIO_G_READ + APPIO_RW_NFIELDS,
	APPIO_G_RECV = APPIO_G_WRITE + APPIO_RW_NFIELDS,
	APPIO_G_SEND = APPIO_G_RECV + APPIO_RW_NFIELDS,
	/* class groups: APPIO_G_CLASS + ((class-1)*2 + dir) * APPIO_CLS_NFIELDS,
	 * dir 0 = read, 1 = write */
	APPIO_G_CLASS = APPIO_G_SEND + APPIO_RW_NFIELDS,
	APPIO_S_OPEN_CALLS = APPIO_G_CLASS + APPIO_NCOUNTED_CLASSES * 2 * APPIO_CLS_NFIELDS,
	APPIO_S_OPEN_ERR,
	APPIO_S_OPEN_FDS,     /* signed: +1 per descriptor opened, -1 when closed */
	APPIO_S_OPEN_TICKS,
	APPIO_S_CLOSE_CALLS,
	APPIO_S_CLOSE_ERR,
	APPIO_S_CLOSE_TICKS,
	APPIO_S_SELECT_CALLS,
	APPIO_S_SELECT_TICKS,
	APPIO_S_POLL_CALLS,
	APPIO_S_POLL_TICKS,
	APPIO_S_SEEK_CALLS,
	APPIO_S_SEEK_ERR,
	APPIO_S_SEEK_ABS_OFFSET, /* sum of |offset argument| */
	APPIO_S_SEEK_TICKS,
	APPIO_S_SYNC_CALLS,
	APPIO_S_SYNC_ERR,
	APPIO_S_SYNC_TICKS,
	APPIO_NSLOTS,
};

static inline unsigned appio_class_base(int cls, int dir)
{
	return APPIO_G_CLASS + ((unsigned)(cls - 1) * 2 + (unsigned)dir) * APPIO_CLS_NFIELDS;
}

#endif
