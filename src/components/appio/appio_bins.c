/* Darshan size bins: labels and bounds, from APPIO_BINS (see appio_bins.h). */
#include "appio_bins.h"

#define APPIO_BIN_LABEL_(label, upper, range, ...) #label,
static const char *const appio_bin_labels[] = { APPIO_BINS(APPIO_BIN_LABEL_, ) };

#define APPIO_BIN_UPPER_(label, upper, range, ...) (upper),
static const uint64_t appio_bin_uppers[] = { APPIO_BINS(APPIO_BIN_UPPER_, ) };

_Static_assert(sizeof(appio_bin_labels) / sizeof(appio_bin_labels[0]) == APPIO_NBINS, "one label per bin");
_Static_assert(sizeof(appio_bin_uppers) / sizeof(appio_bin_uppers[0]) == APPIO_NBINS, "one bound per bin");

const char *appio_bins_label(unsigned i)
{
	return i < APPIO_NBINS ? appio_bin_labels[i] : (const char *)0;
}

uint64_t appio_bins_upper(unsigned i)
{
	return i < APPIO_NBINS ? appio_bin_uppers[i] : 0;
}
