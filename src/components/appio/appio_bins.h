/*
 * appio_bins: Darshan's ten access-size bins, defined once: here.
 *
 * APPIO_BINS(X, ...) calls X(label, upper, range, ...) for each bin, smallest
 * first.  A bin holds the sizes in (upper of the bin before, upper]; the
 * first starts at 0, the last ends at UINT64_MAX.  label is the event-name
 * suffix (READ_SIZE_<label>) and names the enum constant APPIO_BIN_<label>;
 * range is the phrase of the event descriptions.  "K", "M", "G" are powers of
 * 1024, as in Darshan (darshan-posix: POSIX_SIZE_READ_0_100 ...
 * POSIX_SIZE_READ_1G_PLUS).  Everything else (the bin count, the counter
 * slots, the events, the report) is derived from this list;
 * ctests/unit/test_appio_count.c checks that names, descriptions, edges and
 * the report agree.
 */
#ifndef APPIO_BINS_H
#define APPIO_BINS_H

#include <stdint.h>

#define APPIO_BINS(X, ...)                                                      \
	X(0_100, 100, "0 to 100 bytes", __VA_ARGS__)                            \
	X(100_1K, 1024, "101 to 1024 bytes", __VA_ARGS__)                       \
	X(1K_10K, 10240, "1025 to 10240 bytes", __VA_ARGS__)                    \
	X(10K_100K, 102400, "10241 to 102400 bytes", __VA_ARGS__)               \
	X(100K_1M, 1048576, "102401 bytes to 1 MiB", __VA_ARGS__)               \
	X(1M_4M, 4194304, "more than 1 MiB, up to 4 MiB", __VA_ARGS__)          \
	X(4M_10M, 10485760, "more than 4 MiB, up to 10 MiB", __VA_ARGS__)       \
	X(10M_100M, 104857600, "more than 10 MiB, up to 100 MiB", __VA_ARGS__)  \
	X(100M_1G, 1073741824, "more than 100 MiB, up to 1 GiB", __VA_ARGS__)   \
	X(1G_PLUS, UINT64_MAX, "more than 1 GiB", __VA_ARGS__)

#define APPIO_BIN_ENUM_(label, upper, range, ...) APPIO_BIN_##label,
enum appio_bin { APPIO_BINS(APPIO_BIN_ENUM_, ) APPIO_NBINS };
#undef APPIO_BIN_ENUM_

/* Index of the bin holding size: the list unrolled into comparisons, smallest
 * bin first (the common sizes return after one or two). */
static inline unsigned appio_bin_index(uint64_t size)
{
#define APPIO_BIN_TEST_(label, upper, range, ...) \
	if (size <= (upper))                      \
		return APPIO_BIN_##label;
	APPIO_BINS(APPIO_BIN_TEST_, )
#undef APPIO_BIN_TEST_
	return APPIO_NBINS - 1; /* not reached: the last bin ends at UINT64_MAX */
}

/* Event-name suffix of bin i ("0_100", ..., "1G_PLUS"); NULL out of range. */
const char *appio_bins_label(unsigned i);

/* Inclusive upper bound of bin i in bytes; UINT64_MAX for the last bin. */
uint64_t appio_bins_upper(unsigned i);

#endif
