/* Descriptor classification cache; see appio_fdclass.h. */
#include "appio_fdclass.h"

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <termios.h>

unsigned char appio_fdclass_cache[APPIO_FDCLASS_MAX];
static uint64_t appio_fd_opened[APPIO_FDCLASS_WORDS];

int appio_fdclass_of_mode(mode_t mode, int is_tty)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFBLK:
		return APPIO_CLASS_FILE;
	case S_IFSOCK:
		return APPIO_CLASS_SOCK;
	case S_IFIFO:
		return APPIO_CLASS_PIPE;
	case S_IFCHR:
		return is_tty ? APPIO_CLASS_TTY : APPIO_CLASS_OTHER;
	default:
		return APPIO_CLASS_OTHER;
	}
}

int appio_fdclass_probe(int fd)
{
	if (fd < 0)
		return APPIO_CLASS_OTHER;
	int saved_errno = errno;
	struct stat st;
	int c = APPIO_CLASS_OTHER;
	if (fstat(fd, &st) == 0) {
		int tty = 0;
		if (S_ISCHR(st.st_mode)) {
			struct termios t;
			tty = ioctl(fd, TCGETS, &t) == 0;
		}
		c = appio_fdclass_of_mode(st.st_mode, tty);
		if ((unsigned)fd < APPIO_FDCLASS_MAX)
			__atomic_store_n(&appio_fdclass_cache[fd], (unsigned char)c, __ATOMIC_RELAXED);
	}
	errno = saved_errno;
	return c;
}

void appio_fdclass_forget_range(unsigned lo, unsigned hi)
{
	if (hi >= APPIO_FDCLASS_MAX)
		hi = APPIO_FDCLASS_MAX - 1;
	for (unsigned fd = lo; fd <= hi; fd++)
		__atomic_store_n(&appio_fdclass_cache[fd], APPIO_CLASS_UNKNOWN, __ATOMIC_RELAXED);
}

void appio_fdclass_mark_opened(int fd)
{
	if ((unsigned)fd < APPIO_FDCLASS_MAX)
		__atomic_fetch_or(&appio_fd_opened[fd / 64], (uint64_t)1 << (fd % 64), __ATOMIC_RELAXED);
}

int appio_fdclass_take_opened(int fd)
{
	if ((unsigned)fd >= APPIO_FDCLASS_MAX)
		return 0;
	uint64_t bit = (uint64_t)1 << (fd % 64);
	return (__atomic_fetch_and(&appio_fd_opened[fd / 64], ~bit, __ATOMIC_RELAXED) & bit) != 0;
}

/* The bits of word w that lie in [lo, hi]. */
static uint64_t range_mask(unsigned w, unsigned lo, unsigned hi)
{
	unsigned first = w * 64, last = first + 63;
	uint64_t m = ~(uint64_t)0;

	if (lo > first)
		m &= ~(uint64_t)0 << (lo - first);
	if (hi < last)
		m &= ~(uint64_t)0 >> (last - hi);
	return m;
}

unsigned appio_fdclass_take_range(unsigned lo, unsigned hi, uint64_t taken[APPIO_FDCLASS_WORDS])
{
	unsigned n = 0;

	for (unsigned w = 0; w < APPIO_FDCLASS_WORDS; w++)
		taken[w] = 0;
	if (lo >= APPIO_FDCLASS_MAX || hi < lo)
		return 0;
	if (hi >= APPIO_FDCLASS_MAX)
		hi = APPIO_FDCLASS_MAX - 1;
	for (unsigned w = lo / 64; w <= hi / 64; w++) {
		uint64_t m = range_mask(w, lo, hi);
		taken[w] = __atomic_fetch_and(&appio_fd_opened[w], ~m, __ATOMIC_RELAXED) & m;
		n += (unsigned)__builtin_popcountll(taken[w]);
	}
	return n;
}

void appio_fdclass_restore_opened(const uint64_t taken[APPIO_FDCLASS_WORDS])
{
	for (unsigned w = 0; w < APPIO_FDCLASS_WORDS; w++)
		if (taken[w])
			__atomic_fetch_or(&appio_fd_opened[w], taken[w], __ATOMIC_RELAXED);
}
