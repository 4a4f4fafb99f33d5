/*
 * appio_bins: Darshan's ten access-size bins.
 *
 * Bin i holds sizes in (upper[i-1], upper[i]]; bin 0 is [0, 100], the last
 * bin is everything above 1 GiB.  "K", "M", "G" are powers of 1024, as in
 * Darshan (darshan-posix: POSIX_SIZE_READ_0_100 ... POSIX_SIZE_READ_1G_PLUS).
 */
#ifndef APPIO_BINS_H
#define APPIO_BINS_H

#include <stdint.h>

#define APPIO_NBINS 10

/* Index of the bin holding size; branches ordered for small sizes. */
static inline unsigned appio_bin_index(uint64_t size)
{
	if (size <= 100)
		return 0;
	if (size <= 1024)
		return 1;
	if (size <= 10240)
		return 2;
	if (size <= 102400)
		return 3;
	if (size <= 1048576)
		return 4;
	if (size <= 4194304)
		return 5;
	if (size <= 10485760)
		return 6;
	if (size <= 104857600)
		return 7;
	if (size <= 1073741824)
		return 8;
	return 9;
}

/* Event-name suffix of bin i ("0_100", ..., "1G_PLUS"); NULL out of range. */
const char *appio_bin_label(unsigned i);

/* Inclusive upper bound of bin i in bytes; UINT64_MAX for the last bin. */
uint64_t appio_bin_upper(unsigned i);

#endif
