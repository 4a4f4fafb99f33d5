/* Darshan size bins: labels and bounds (see appio_bins.h). */
#include "appio_bins.h"

static const char *const appio_bin_labels[APPIO_NBINS] = {
	"0_100", "100_1K", "1K_10K", "10K_100K", "100K_1M",
	"1M_4M", "4M_10M", "10M_100M", "100M_1G", "1G_PLUS",
};

static const uint64_t appio_bin_uppers[APPIO_NBINS] = {
	100, 1024, 10240, 102400, 1048576,
	4194304, 10485760, 104857600, 1073741824, UINT64_MAX,
};

const char *appio_bin_label(unsigned i)
{
	return i < APPIO_NBINS ? appio_bin_labels[i] : (const char *)0;
}

uint64_t appio_bin_upper(unsigned i)
{
	return i < APPIO_NBINS ? appio_bin_uppers[i] : 0;
}
