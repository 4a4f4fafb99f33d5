/*
 * The appio interposer; see appio_preload_wrap.h.
 *
 * Every wrapper: resolve the next definition (dlsym RTLD_NEXT), pass calls
 * from excluded callers (PAPI's own I/O) straight through, else time the
 * real call with two clock reads, count its outcome into the calling
 * thread's block and give the caller the real errno back.  glibc's stdio
 * reaches the kernel through internal aliases, never through the public
 * read/write, so a fwrite is counted once, as a stdio write.
 */
#include "appio_preload_wrap_priv.h"

int appio_armed;

/* ---- descriptor transfers ---------------------------------------------- */

#define APPIO_FD_XFER(...) APPIO_FD_XFER_(__VA_ARGS__)
#define APPIO_FD_XFER_(RT, name, group, dir, via, PARAMS, ARGS, FD, REQ, FALLBACK) \
	APPIO_REAL_DECL(name);                                                  \
	APPIO_EXPORT RT name PARAMS                                             \
	{                                                                       \
		APPIO_RESOLVE(name);                                            \
		if (APPIO_UNLIKELY(!appio_real_##name))                         \
			return (RT)(FALLBACK);                                  \
		if (appio_uncounted(__builtin_return_address(0)))         \
			return appio_real_##name ARGS;                          \
		uint64_t t0 = appio_ticks();                                    \
		RT r = appio_real_##name ARGS;                                  \
		uint64_t t1 = appio_ticks();                                    \
		appio_after_fd(group, dir, FD, r >= 0 ? (uint64_t)(REQ) : 0, (int64_t)r, \
			       appio_ticks_since(t0, t1), via);                 \
		return r;                                                       \
	}

#define RD APPIO_G_READ, APPIO_DIR_READ
#define WR APPIO_G_WRITE, APPIO_DIR_WRITE
#define RV APPIO_G_RECV, APPIO_DIR_READ
#define SD APPIO_G_SEND, APPIO_DIR_WRITE
#define POS APPIO_VIA_POS
#define VEC APPIO_VIA_VEC

APPIO_FD_XFER(ssize_t, read, RD, 0, (int fd, void *b, size_t n), (fd, b, n), fd, n,
	      syscall(SYS_read, fd, b, n))
APPIO_FD_XFER(ssize_t, write, WR, 0, (int fd, const void *b, size_t n), (fd, b, n), fd, n,
	      syscall(SYS_write, fd, b, n))
APPIO_FD_XFER(ssize_t, __read_chk, RD, 0, (int fd, void *b, size_t n, size_t bl), (fd, b, n, bl), fd, n,
	      syscall(SYS_read, fd, b, n))
APPIO_FD_XFER(ssize_t, pread, RD, POS, (int fd, void *b, size_t n, off_t o), (fd, b, n, o), fd, n,
	      syscall(SYS_pread64, fd, b, n, o))
APPIO_FD_XFER(ssize_t, pread64, RD, POS, (int fd, void *b, size_t n, off64_t o), (fd, b, n, o), fd, n,
	      syscall(SYS_pread64, fd, b, n, o))
APPIO_FD_XFER(ssize_t, __pread_chk, RD, POS, (int fd, void *b, size_t n, off_t o, size_t bl), (fd, b, n, o, bl),
	      fd, n, syscall(SYS_pread64, fd, b, n, o))
APPIO_FD_XFER(ssize_t, __pread64_chk, RD, POS, (int fd, void *b, size_t n, off64_t o, size_t bl),
	      (fd, b, n, o, bl), fd, n, syscall(SYS_pread64, fd, b, n, o))
APPIO_FD_XFER(ssize_t, pwrite, WR, POS, (int fd, const void *b, size_t n, off_t o), (fd, b, n, o), fd, n,
	      syscall(SYS_pwrite64, fd, b, n, o))
APPIO_FD_XFER(ssize_t, pwrite64, WR, POS, (int fd, const void *b, size_t n, off64_t o), (fd, b, n, o), fd, n,
	      syscall(SYS_pwrite64, fd, b, n, o))
APPIO_FD_XFER(ssize_t, readv, RD, VEC, (int fd, const struct iovec *v, int n), (fd, v, n), fd,
	      appio_iov_len(v, n), syscall(SYS_readv, fd, v, n))
APPIO_FD_XFER(ssize_t, writev, WR, VEC, (int fd, const struct iovec *v, int n), (fd, v, n), fd,
	      appio_iov_len(v, n), syscall(SYS_writev, fd, v, n))
APPIO_FD_XFER(ssize_t, preadv, RD, POS | VEC, (int fd, const struct iovec *v, int n, off_t o), (fd, v, n, o), fd,
	      appio_iov_len(v, n), (appio_no_real(), -1))
APPIO_FD_XFER(ssize_t, pwritev, WR, POS | VEC, (int fd, const struct iovec *v, int n, off_t o), (fd, v, n, o), fd,
	      appio_iov_len(v, n), (appio_no_real(), -1))
APPIO_FD_XFER(ssize_t, preadv64, RD, POS | VEC, (int fd, const struct iovec *v, int n, off64_t o), (fd, v, n, o),
	      fd, appio_iov_len(v, n), (appio_no_real(), -1))
APPIO_FD_XFER(ssize_t, pwritev64, WR, POS | VEC, (int fd, const struct iovec *v, int n, off64_t o), (fd, v, n, o),
	      fd, appio_iov_len(v, n), (appio_no_real(), -1))
APPIO_FD_XFER(ssize_t, preadv2, RD, POS | VEC, (int fd, const struct iovec *v, int n, off_t o, int fl),
	      (fd, v, n, o, fl), fd, appio_iov_len(v, n), (appio_no_real(), -1))
APPIO_FD_XFER(ssize_t, pwritev2, WR, POS | VEC, (int fd, const struct iovec *v, int n, off_t o, int fl),
	      (fd, v, n, o, fl), fd, appio_iov_len(v, n), (appio_no_real(), -1))
APPIO_FD_XFER(ssize_t, preadv64v2, RD, POS | VEC, (int fd, const struct iovec *v, int n, off64_t o, int fl),
	      (fd, v, n, o, fl), fd, appio_iov_len(v, n), (appio_no_real(), -1))
APPIO_FD_XFER(ssize_t, pwritev64v2, WR, POS | VEC, (int fd, const struct iovec *v, int n, off64_t o, int fl),
	      (fd, v, n, o, fl), fd, appio_iov_len(v, n), (appio_no_real(), -1))

APPIO_FD_XFER(ssize_t, recv, RV, 0, (int fd, void *b, size_t n, int fl), (fd, b, n, fl), fd, n,
	      syscall(SYS_recvfrom, fd, b, n, fl, 0, 0))
APPIO_FD_XFER(ssize_t, __recv_chk, RV, 0, (int fd, void *b, size_t n, size_t bl, int fl), (fd, b, n, bl, fl), fd, n,
	      syscall(SYS_recvfrom, fd, b, n, fl, 0, 0))
APPIO_FD_XFER(ssize_t, recvfrom, RV, 0,
	      (int fd, void *b, size_t n, int fl, struct sockaddr *a, socklen_t *al), (fd, b, n, fl, a, al), fd, n,
	      syscall(SYS_recvfrom, fd, b, n, fl, a, al))
APPIO_FD_XFER(ssize_t, __recvfrom_chk, RV, 0,
	      (int fd, void *b, size_t n, size_t bl, int fl, struct sockaddr *a, socklen_t *al),
	      (fd, b, n, bl, fl, a, al), fd, n, syscall(SYS_recvfrom, fd, b, n, fl, a, al))
APPIO_FD_XFER(ssize_t, recvmsg, RV, 0, (int fd, struct msghdr *m, int fl), (fd, m, fl), fd,
	      appio_iov_len(m->msg_iov, (int)m->msg_iovlen), syscall(SYS_recvmsg, fd, m, fl))
APPIO_FD_XFER(ssize_t, send, SD, 0, (int fd, const void *b, size_t n, int fl), (fd, b, n, fl), fd, n,
	      syscall(SYS_sendto, fd, b, n, fl, 0, 0))
APPIO_FD_XFER(ssize_t, sendto, SD, 0,
	      (int fd, const void *b, size_t n, int fl, const struct sockaddr *a, socklen_t al),
	      (fd, b, n, fl, a, al), fd, n, syscall(SYS_sendto, fd, b, n, fl, a, al))
APPIO_FD_XFER(ssize_t, sendmsg, SD, 0, (int fd, const struct msghdr *m, int fl), (fd, m, fl), fd,
	      appio_iov_len(m->msg_iov, (int)m->msg_iovlen), syscall(SYS_sendmsg, fd, m, fl))

/* ---- stdio transfers ------------------------------------------------------ */

#define APPIO_STDIO_PROLOGUE(name, FAIL)                                 \
	APPIO_RESOLVE(name);                                             \
	if (APPIO_UNLIKELY(!appio_real_##name)) {                        \
		appio_no_real();                                         \
		return FAIL;                                             \
	}

/* fread family: bytes = items * size; nothing returned is EOF or error. */
#define APPIO_FREAD(name, PARAMS, ARGS)                                                     \
	APPIO_REAL_DECL(name);                                                              \
	APPIO_EXPORT size_t name PARAMS                                                     \
	{                                                                                   \
		APPIO_STDIO_PROLOGUE(name, 0)                                               \
		if (appio_uncounted(__builtin_return_address(0)))                     \
			return appio_real_##name ARGS;                                      \
		uint64_t t0 = appio_ticks();                                                \
		size_t r = appio_real_##name ARGS;                                          \
		uint64_t t1 = appio_ticks();                                                \
		uint64_t req = (uint64_t)size * nmemb;                                      \
		int64_t got = r ? (int64_t)(r * size) : (req ? appio_stdio_nothing(f) : 0); \
		appio_after_stdio(APPIO_DIR_READ, f, req, got, appio_ticks_since(t0, t1), 0); \
		return r;                                                                   \
	}

APPIO_FREAD(fread, (void *p, size_t size, size_t nmemb, FILE *f), (p, size, nmemb, f))
APPIO_FREAD(fread_unlocked, (void *p, size_t size, size_t nmemb, FILE *f), (p, size, nmemb, f))
APPIO_FREAD(__fread_chk, (void *p, size_t pl, size_t size, size_t nmemb, FILE *f), (p, pl, size, nmemb, f))
APPIO_FREAD(__fread_unlocked_chk, (void *p, size_t pl, size_t size, size_t nmemb, FILE *f), (p, pl, size, nmemb, f))

/* fwrite family: fewer items than asked is a short write (an error for
 * stdio); none at all for a non-empty request is an error. */
#define APPIO_FWRITE(name)                                                                  \
	APPIO_REAL_DECL(name);                                                              \
	APPIO_EXPORT size_t name(const void *p, size_t size, size_t nmemb, FILE *f)         \
	{                                                                                   \
		APPIO_STDIO_PROLOGUE(name, 0)                                               \
		if (appio_uncounted(__builtin_return_address(0)))                     \
			return appio_real_##name(p, size, nmemb, f);                        \
		uint64_t t0 = appio_ticks();                                                \
		size_t r = appio_real_##name(p, size, nmemb, f);                            \
		uint64_t t1 = appio_ticks();                                                \
		uint64_t req = (uint64_t)size * nmemb;                                      \
		int64_t put = (r || !req) ? (int64_t)(r * size) : -1;                       \
		appio_after_stdio(APPIO_DIR_WRITE, f, req, put, appio_ticks_since(t0, t1), 0); \
		return r;                                                                   \
	}

APPIO_FWRITE(fwrite)
APPIO_FWRITE(fwrite_unlocked)

/* fgets family: a line is not "short"; NULL is EOF or error. */
#define APPIO_FGETS(name, PARAMS, ARGS)                                                     \
	APPIO_REAL_DECL(name);                                                              \
	APPIO_EXPORT char *name PARAMS                                                      \
	{                                                                                   \
		APPIO_STDIO_PROLOGUE(name, 0)                                               \
		if (appio_uncounted(__builtin_return_address(0)))                     \
			return appio_real_##name ARGS;                                      \
		uint64_t t0 = appio_ticks();                                                \
		char *r = appio_real_##name ARGS;                                           \
		uint64_t t1 = appio_ticks();                                                \
		int64_t got = r ? (int64_t)strlen(r) : appio_stdio_nothing(f);             \
		appio_after_stdio(APPIO_DIR_READ, f, n > 1 ? 1 : 0, got, appio_ticks_since(t0, t1), \
				  APPIO_VIA_NOSHORT);                                       \
		return r;                                                                   \
	}

APPIO_FGETS(fgets, (char *s, int n, FILE *f), (s, n, f))
APPIO_FGETS(fgets_unlocked, (char *s, int n, FILE *f), (s, n, f))
APPIO_FGETS(__fgets_chk, (char *s, size_t sl, int n, FILE *f), (s, sl, n, f))
APPIO_FGETS(__fgets_unlocked_chk, (char *s, size_t sl, int n, FILE *f), (s, sl, n, f))

/* getline/getdelim: -1 is EOF or error. */
#define APPIO_GETLINE(name, PARAMS, ARGS)                                                   \
	APPIO_REAL_DECL(name);                                                              \
	APPIO_EXPORT ssize_t name PARAMS                                                    \
	{                                                                                   \
		APPIO_STDIO_PROLOGUE(name, -1)                                              \
		if (appio_uncounted(__builtin_return_address(0)))                     \
			return appio_real_##name ARGS;                                      \
		uint64_t t0 = appio_ticks();                                                \
		ssize_t r = appio_real_##name ARGS;                                         \
		uint64_t t1 = appio_ticks();                                                \
		appio_after_stdio(APPIO_DIR_READ, f, 1, r >= 0 ? (int64_t)r : appio_stdio_nothing(f), \
				  appio_ticks_since(t0, t1), APPIO_VIA_NOSHORT);            \
		return r;                                                                   \
	}

APPIO_GETLINE(getline, (char **l, size_t *n, FILE *f), (l, n, f))
APPIO_GETLINE(getdelim, (char **l, size_t *n, int d, FILE *f), (l, n, d, f))

/* One character in: EOF is end of file or error. */
#define APPIO_GETC(name, PARAMS, ARGS, STREAM)                                              \
	APPIO_REAL_DECL(name);                                                              \
	APPIO_EXPORT int name PARAMS                                                        \
	{                                                                                   \
		APPIO_STDIO_PROLOGUE(name, EOF)                                             \
		if (appio_uncounted(__builtin_return_address(0)))                     \
			return appio_real_##name ARGS;                                      \
		uint64_t t0 = appio_ticks();                                                \
		int r = appio_real_##name ARGS;                                             \
		uint64_t t1 = appio_ticks();                                                \
		appio_after_stdio(APPIO_DIR_READ, STREAM, 1, r != EOF ? 1 : appio_stdio_nothing(STREAM), \
				  appio_ticks_since(t0, t1), 0);                            \
		return r;                                                                   \
	}

APPIO_GETC(fgetc, (FILE *f), (f), f)
APPIO_GETC(getc, (FILE *f), (f), f)
APPIO_GETC(fgetc_unlocked, (FILE *f), (f), f)
APPIO_GETC(getc_unlocked, (FILE *f), (f), f)
APPIO_GETC(getchar, (void), (), stdin)
APPIO_GETC(getchar_unlocked, (void), (), stdin)

/* Output with a known length: a character, a string.  EOF is an error. */
#define APPIO_PUT(name, PARAMS, ARGS, STREAM, LEN)                                          \
	APPIO_REAL_DECL(name);                                                              \
	APPIO_EXPORT int name PARAMS                                                        \
	{                                                                                   \
		APPIO_STDIO_PROLOGUE(name, EOF)                                             \
		if (appio_uncounted(__builtin_return_address(0)))                     \
			return appio_real_##name ARGS;                                      \
		uint64_t t0 = appio_ticks();                                                \
		int r = appio_real_##name ARGS;                                             \
		uint64_t t1 = appio_ticks();                                                \
		uint64_t len = (LEN);                                                       \
		appio_after_stdio(APPIO_DIR_WRITE, STREAM, len, r != EOF ? (int64_t)len : -1, \
				  appio_ticks_since(t0, t1), APPIO_VIA_NOSHORT);            \
		return r;                                                                   \
	}

APPIO_PUT(fputc, (int ch, FILE *f), (ch, f), f, 1)
APPIO_PUT(putc, (int ch, FILE *f), (ch, f), f, 1)
APPIO_PUT(fputc_unlocked, (int ch, FILE *f), (ch, f), f, 1)
APPIO_PUT(putc_unlocked, (int ch, FILE *f), (ch, f), f, 1)
APPIO_PUT(putchar, (int ch), (ch), stdout, 1)
APPIO_PUT(putchar_unlocked, (int ch), (ch), stdout, 1)
APPIO_PUT(fputs, (const char *s, FILE *f), (s, f), f, strlen(s))
APPIO_PUT(fputs_unlocked, (const char *s, FILE *f), (s, f), f, strlen(s))
APPIO_PUT(puts, (const char *s), (s), stdout, strlen(s) + 1)

/* printf family: the count printf returns is the bytes given to stdio. */
static inline int appio_after_printf(FILE *f, int fd, int r, uint64_t t0)
{
	uint64_t t1 = appio_ticks();
	if (f)
		appio_after_stdio(APPIO_DIR_WRITE, f, r > 0 ? (uint64_t)r : 0, r >= 0 ? r : -1,
				  appio_ticks_since(t0, t1), APPIO_VIA_NOSHORT);
	else
		appio_after_fd(APPIO_G_WRITE, APPIO_DIR_WRITE, fd, r > 0 ? (uint64_t)r : 0, r >= 0 ? r : -1,
			       appio_ticks_since(t0, t1), APPIO_VIA_NOSHORT | APPIO_VIA_STDIO);
	return r;
}

#define APPIO_PRINTF_BODY(real, FAIL, STREAM, FD, CALL)                            \
	APPIO_RESOLVE(real);                                                       \
	if (APPIO_UNLIKELY(!appio_real_##real)) {                                  \
		appio_no_real();                                                   \
		return FAIL;                                                       \
	}                                                                          \
	if (appio_uncounted(__builtin_return_address(0)))                    \
		return CALL;                                                       \
	uint64_t t0 = appio_ticks();                                               \
	return appio_after_printf(STREAM, FD, CALL, t0);

APPIO_REAL_DECL(vfprintf);
APPIO_REAL_DECL(__vfprintf_chk);
APPIO_REAL_DECL(vdprintf);
APPIO_REAL_DECL(__vdprintf_chk);

#define APPIO_VARIADIC(last, CALL)         \
	va_list ap;                        \
	va_start(ap, last);                \
	int r = (CALL);                    \
	va_end(ap);                        \
	return r;

APPIO_EXPORT int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	APPIO_PRINTF_BODY(vfprintf, -1, f, -1, appio_real_vfprintf(f, fmt, ap))
}

APPIO_EXPORT int vprintf(const char *fmt, va_list ap)
{
	APPIO_PRINTF_BODY(vfprintf, -1, stdout, -1, appio_real_vfprintf(stdout, fmt, ap))
}

APPIO_EXPORT int __vfprintf_chk(FILE *f, int fl, const char *fmt, va_list ap)
{
	APPIO_PRINTF_BODY(__vfprintf_chk, -1, f, -1, appio_real___vfprintf_chk(f, fl, fmt, ap))
}

APPIO_EXPORT int __vprintf_chk(int fl, const char *fmt, va_list ap)
{
	APPIO_PRINTF_BODY(__vfprintf_chk, -1, stdout, -1, appio_real___vfprintf_chk(stdout, fl, fmt, ap))
}

APPIO_EXPORT int vdprintf(int fd, const char *fmt, va_list ap)
{
	APPIO_PRINTF_BODY(vdprintf, -1, 0, fd, appio_real_vdprintf(fd, fmt, ap))
}

APPIO_EXPORT int __vdprintf_chk(int fd, int fl, const char *fmt, va_list ap)
{
	APPIO_PRINTF_BODY(__vdprintf_chk, -1, 0, fd, appio_real___vdprintf_chk(fd, fl, fmt, ap))
}

/* The variadic entry points pass their caller's address on: the exclusion
 * test must see the program, not this file. */
static int appio_vprintf_from(const void *ra, FILE *f, int fd, int chk, int fl, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));
static int appio_vprintf_from(const void *ra, FILE *f, int fd, int chk, int fl, const char *fmt, va_list ap)
{
	if (chk)
		APPIO_RESOLVE(__vfprintf_chk);
	else
		APPIO_RESOLVE(vfprintf);
	if (f == 0) {
		if (chk)
			APPIO_RESOLVE(__vdprintf_chk);
		else
			APPIO_RESOLVE(vdprintf);
	}
#define APPIO_VCALL                                                                            \
	(f ? (chk ? appio_real___vfprintf_chk(f, fl, fmt, ap) : appio_real_vfprintf(f, fmt, ap)) \
	   : (chk ? appio_real___vdprintf_chk(fd, fl, fmt, ap) : appio_real_vdprintf(fd, fmt, ap)))
	if (APPIO_UNLIKELY(f ? (chk ? !appio_real___vfprintf_chk : !appio_real_vfprintf)
			     : (chk ? !appio_real___vdprintf_chk : !appio_real_vdprintf))) {
		appio_no_real();
		return -1;
	}
	if (appio_excluded_caller(ra))
		return APPIO_VCALL;
	uint64_t t0 = appio_ticks();
	return appio_after_printf(f, fd, APPIO_VCALL, t0);
#undef APPIO_VCALL
}

APPIO_EXPORT int fprintf(FILE *f, const char *fmt, ...)
{
	APPIO_VARIADIC(fmt, appio_vprintf_from(__builtin_return_address(0), f, -1, 0, 0, fmt, ap))
}

APPIO_EXPORT int printf(const char *fmt, ...)
{
	APPIO_VARIADIC(fmt, appio_vprintf_from(__builtin_return_address(0), stdout, -1, 0, 0, fmt, ap))
}

APPIO_EXPORT int dprintf(int fd, const char *fmt, ...)
{
	APPIO_VARIADIC(fmt, appio_vprintf_from(__builtin_return_address(0), 0, fd, 0, 0, fmt, ap))
}

APPIO_EXPORT int __fprintf_chk(FILE *f, int fl, const char *fmt, ...)
{
	APPIO_VARIADIC(fmt, appio_vprintf_from(__builtin_return_address(0), f, -1, 1, fl, fmt, ap))
}

APPIO_EXPORT int __printf_chk(int fl, const char *fmt, ...)
{
	APPIO_VARIADIC(fmt, appio_vprintf_from(__builtin_return_address(0), stdout, -1, 1, fl, fmt, ap))
}

APPIO_EXPORT int __dprintf_chk(int fd, int fl, const char *fmt, ...)
{
	APPIO_VARIADIC(fmt, appio_vprintf_from(__builtin_return_address(0), 0, fd, 1, fl, fmt, ap))
}


/* ---- in-kernel copies ------------------------------------------------------ */

/* A copy is one read of its input and one write of its output, as the
 * kernel's rchar/wchar count it; its time is counted once, as write time.
 * A copy returning 0 met the end of its input: EOF on the read side, not a
 * short write. */
static inline void appio_after_copy(int in, int out, uint64_t req, int64_t ret, uint64_t ticks)
{
	int e = errno;
	uint64_t *c = appio_slots();
	if (c) {
		appio_count_xfer(c, APPIO_G_READ, APPIO_DIR_READ, appio_fdclass_get(in), req, ret, e, 0, 0);
		appio_count_xfer(c, APPIO_G_WRITE, APPIO_DIR_WRITE, appio_fdclass_get(out), req, ret, e, ticks,
				 ret == 0 ? APPIO_VIA_NOSHORT : 0);
	}
	errno = e;
}

#define APPIO_COPY(RT, name, PARAMS, ARGS, IN, OUT, LEN)                                   \
	APPIO_REAL_DECL(name);                                                              \
	APPIO_EXPORT RT name PARAMS                                                         \
	{                                                                                   \
		APPIO_RESOLVE(name);                                                        \
		if (APPIO_UNLIKELY(!appio_real_##name)) {                                   \
			appio_no_real();                                                    \
			return -1;                                                          \
		}                                                                           \
		if (appio_uncounted(__builtin_return_address(0)))                     \
			return appio_real_##name ARGS;                                      \
		uint64_t t0 = appio_ticks();                                                \
		RT r = appio_real_##name ARGS;                                              \
		uint64_t t1 = appio_ticks();                                                \
		appio_after_copy(IN, OUT, LEN, (int64_t)r, appio_ticks_since(t0, t1));      \
		return r;                                                                   \
	}

APPIO_COPY(ssize_t, copy_file_range, (int i, off64_t *io, int o, off64_t *oo, size_t n, unsigned fl),
	   (i, io, o, oo, n, fl), i, o, n)
APPIO_COPY(ssize_t, sendfile, (int o, int i, off_t *off, size_t n), (o, i, off, n), i, o, n)
APPIO_COPY(ssize_t, sendfile64, (int o, int i, off64_t *off, size_t n), (o, i, off, n), i, o, n)
APPIO_COPY(ssize_t, splice, (int i, off64_t *io, int o, off64_t *oo, size_t n, unsigned fl),
	   (i, io, o, oo, n, fl), i, o, n)
