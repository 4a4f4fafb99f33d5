/*
 * appio_preload_wrap_priv: what the interposer's wrappers (appio_preload_wrap.c,
 * appio_preload_meta.c) share (not a public API).
 */
#ifndef APPIO_PRELOAD_WRAP_PRIV_H
#define APPIO_PRELOAD_WRAP_PRIV_H

#undef _FORTIFY_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

/* With optimisation glibc defines some of these as macros; we define the
 * functions themselves. */
#undef fread_unlocked
#undef fwrite_unlocked
#undef getc
#undef putc
#undef getc_unlocked
#undef putc_unlocked
#undef getchar_unlocked
#undef putchar_unlocked
#undef fgetc_unlocked
#undef fputc_unlocked

#include "appio_clock.h"
#include "appio_count.h"
#include "appio_fdclass.h"
#include "appio_preload_wrap.h"
#include "appio_registry.h"

#define APPIO_EXPORT __attribute__((visibility("default")))
#define APPIO_LIKELY(x) __builtin_expect(!!(x), 1)
#define APPIO_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* glibc entry points that headers declare only with _FORTIFY_SOURCE. */
ssize_t __read_chk(int, void *, size_t, size_t);
ssize_t __pread_chk(int, void *, size_t, off_t, size_t);
ssize_t __pread64_chk(int, void *, size_t, off64_t, size_t);
size_t __fread_chk(void *, size_t, size_t, size_t, FILE *);
size_t __fread_unlocked_chk(void *, size_t, size_t, size_t, FILE *);
char *__fgets_chk(char *, size_t, int, FILE *);
char *__fgets_unlocked_chk(char *, size_t, int, FILE *);
int __open_2(const char *, int);
int __open64_2(const char *, int);
int __openat_2(int, const char *, int);
int __openat64_2(int, const char *, int);
ssize_t __recv_chk(int, void *, size_t, size_t, int);
ssize_t __recvfrom_chk(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
int __printf_chk(int, const char *, ...);
int __fprintf_chk(FILE *, int, const char *, ...);
int __vprintf_chk(int, const char *, va_list);
int __vfprintf_chk(FILE *, int, const char *, va_list);
int __dprintf_chk(int, int, const char *, ...);
int __vdprintf_chk(int, int, const char *, va_list);


/* ---- callers that are not counted --------------------------------------- */

struct appio_range {
	uintptr_t lo, len;
};
extern struct appio_range appio_excluded[2];

static inline int appio_excluded_caller(const void *ra)
{
	uintptr_t a = (uintptr_t)ra;
	return a - appio_excluded[0].lo < appio_excluded[0].len ||
	       a - appio_excluded[1].lo < appio_excluded[1].len;
}

/* A transfer that is not counted: nothing armed (the usual case in a
 * program that runs no appio EventSet), or an excluded caller. */
static inline int appio_uncounted(const void *ra)
{
	return APPIO_LIKELY(!__atomic_load_n(&appio_armed, __ATOMIC_RELAXED)) || appio_excluded_caller(ra);
}

/* ---- the next definitions --------------------------------------------- */

/* dlsym(RTLD_NEXT, name) guarded against re-entry: dlsym may allocate, and
 * an allocator that does I/O would re-enter a wrapper; that nested call gets
 * NULL and uses the wrapper's fallback. */
void *appio_lookup(const char *name);

#define APPIO_REAL_DECL(name) static __typeof__(name) *appio_real_##name
#define APPIO_RESOLVE(name)                                                     \
	do {                                                                    \
		if (APPIO_UNLIKELY(!appio_wrap_ready))                          \
			appio_wrap_init();                                      \
		if (APPIO_UNLIKELY(!appio_real_##name))                         \
			appio_real_##name = (__typeof__(name) *)appio_lookup(#name); \
	} while (0)

static inline void appio_no_real(void)
{
	errno = ENOSYS;
}

/* ---- counting helpers ---------------------------------------------------- */

static inline uint64_t *appio_slots(void)
{
	struct appio_block *b = appio_registry_self();
	return b ? b->c : 0;
}

/* errno is read only for failed calls: on the counting path nothing changes
 * it (attaching a block and probing a descriptor save and restore it). */
static inline void appio_after_fd(unsigned group, int dir, int fd, uint64_t req, int64_t ret,
				  uint64_t ticks, unsigned via)
{
	int e = ret < 0 ? errno : 0;
	uint64_t *c = appio_slots();
	if (c)
		appio_count_xfer(c, group, dir,
				 group <= APPIO_G_WRITE ? appio_fdclass_get(fd) : APPIO_CLASS_UNKNOWN,
				 req, ret, e, ticks, via);
}

/* A stream's descriptor without touching errno (fileno sets EBADF for
 * memory streams); negative when it has none.  glibc: _fileno is only
 * meaningful with _IO_IS_FILEBUF (0x2000, libio's ABI) set; open_memstream
 * streams leave it 0. */
static inline int appio_stream_fd(FILE *f)
{
#ifdef __GLIBC__
	return (f->_flags & 0x2000) ? f->_fileno : -1;
#else
	int e = errno, fd = fileno(f);
	errno = e;
	return fd;
#endif
}

static inline void appio_after_stdio(int dir, FILE *f, uint64_t req, int64_t ret, uint64_t ticks,
				     unsigned via)
{
	int e = ret < 0 ? errno : 0;
	uint64_t *c = appio_slots();
	if (c)
		appio_count_xfer(c, dir == APPIO_DIR_READ ? APPIO_G_READ : APPIO_G_WRITE, dir,
				 appio_fdclass_get(appio_stream_fd(f)), req, ret, e, ticks, via | APPIO_VIA_STDIO);
}

static inline uint64_t appio_iov_len(const struct iovec *iov, int n)
{
	uint64_t s = 0;
	for (int i = 0; i < n; i++)
		s += iov[i].iov_len;
	return s;
}

/* stdio read that returned nothing: end of file, or an error. */
static inline int64_t appio_stdio_nothing(FILE *f)
{
	int e = errno;
	int64_t r = ferror(f) ? -1 : 0;
	errno = e;
	return r;
}

#endif
