/*
 * What every libFuzzer target of fuzz/fuzz_*.c shares: the input made a
 * NUL-terminated string (what every parser receives from pv_fs) and handed
 * to the target's one(s, len); check() aborts on a broken invariant, which
 * libFuzzer reports as a finding.  Included once, by a target's source.
 */
#ifndef PV_FUZZ_COMMON_H
#define PV_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void one(const char *s, size_t len);

static inline void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 1 << 20)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	one(s, strlen(s));
	free(s);
	return 0;
}

#endif
