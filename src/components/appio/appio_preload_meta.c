/*
 * The interposer's metadata calls (open, close, seek, sync, select, poll)
 * and its initialisation; transfers are in appio_preload_wrap.c.
 */
#include "appio_preload_wrap_priv.h"

int appio_wrap_ready;
struct appio_range appio_excluded[2];
static __thread int appio_in_lookup __attribute__((tls_model("initial-exec")));

void *appio_lookup(const char *name)
{
	if (appio_in_lookup)
		return 0;
	appio_in_lookup = 1;
	int saved_errno = errno;
	void *p = dlsym(RTLD_NEXT, name);
	errno = saved_errno;
	appio_in_lookup = 0;
	return p;
}

/* ---- callers that are not counted --------------------------------------- */

struct appio_find {
	uintptr_t addr;
	const char *name;
	struct appio_range r;
};

/* Executable extent of the object containing f->addr, or named f->name. */
static int appio_find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct appio_find *f = arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	int match = 0;
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t s = info->dlpi_addr + ph->p_vaddr, e = s + ph->p_memsz;
		if (f->addr && f->addr >= s && f->addr < e)
			match = 1;
		if ((ph->p_flags & PF_X) && s < lo)
			lo = s;
		if ((ph->p_flags & PF_X) && e > hi)
			hi = e;
	}
	if (f->name && info->dlpi_name && strstr(info->dlpi_name, f->name))
		match = 1;
	if (!match || hi <= lo)
		return 0;
	f->r.lo = lo;
	f->r.len = hi - lo;
	return 1;
}

static void appio_exclude_objects(void)
{
	struct appio_find self = { (uintptr_t)&appio_find_object, 0, { 0, 0 } };
	dl_iterate_phdr(appio_find_object, &self);
	appio_excluded[0] = self.r;
#ifdef APPIO_IN_LIBPAPI
	/* libpfm works only for PAPI: its event-table reads are PAPI's I/O. */
	struct appio_find pfm = { 0, "libpfm.so", { 0, 0 } };
	dl_iterate_phdr(appio_find_object, &pfm);
	appio_excluded[1] = pfm.r;
#endif
}

static int appio_init_state; /* 0, 1 = running, 2 = done */

void appio_wrap_init(void)
{
	int expected = 0;
	if (__atomic_load_n(&appio_init_state, __ATOMIC_ACQUIRE) == 2)
		return;
	/* A call made while another thread initialises is counted with
	 * whatever is ready: initialisation only adds exclusions. */
	if (!__atomic_compare_exchange_n(&appio_init_state, &expected, 1, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		appio_clock_init();
		return;
	}
	int saved_errno = errno;
	appio_clock_init();
	appio_registry_init();
	appio_exclude_objects();
	errno = saved_errno;
	__atomic_store_n(&appio_init_state, 2, __ATOMIC_RELEASE);
	__atomic_store_n(&appio_wrap_ready, 1, __ATOMIC_RELEASE);
}

__attribute__((constructor(101))) static void appio_wrap_constructor(void)
{
	appio_wrap_init();
}

/* ---- open family ------------------------------------------------------ */

static inline void appio_after_open(int64_t r, int new_fd, uint64_t ticks)
{
	int e = errno;
	if (r >= 0 && new_fd) {
		appio_fdclass_forget((int)r);
		appio_fdclass_mark_opened((int)r);
	}
	uint64_t *c = appio_slots();
	if (c)
		appio_count_open(c, r, new_fd, ticks);
	errno = e;
}

/* BEFORE: a statement run just before the real call (not for excluded
 * callers); AFTER may use what it declares. */
#define APPIO_TIMED(name, RT, ARGS, BEFORE, AFTER)                           \
	if (appio_excluded_caller(__builtin_return_address(0)))              \
		return appio_real_##name ARGS;                               \
	BEFORE;                                                              \
	uint64_t t0 = appio_ticks();                                         \
	RT r = appio_real_##name ARGS;                                       \
	uint64_t ticks = appio_ticks_since(t0, appio_ticks());               \
	AFTER;                                                               \
	return r;

static inline int appio_needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

#define APPIO_STRIP_(...) __VA_ARGS__
#define APPIO_STRIP(x) APPIO_STRIP_ x
/* PARAMS_PRE, ARGS_PRE: the parameters before flags, in parentheses. */
#define APPIO_OPEN_VARIADIC(name, PARAMS_PRE, ARGS_PRE, FALLBACK)              \
	APPIO_REAL_DECL(name);                                                  \
	APPIO_EXPORT int name(APPIO_STRIP(PARAMS_PRE), int flags, ...)          \
	{                                                                       \
		mode_t mode = 0;                                                \
		if (appio_needs_mode(flags)) {                                  \
			va_list ap;                                             \
			va_start(ap, flags);                                    \
			mode = va_arg(ap, mode_t);                              \
			va_end(ap);                                             \
		}                                                               \
		APPIO_RESOLVE(name);                                            \
		if (APPIO_UNLIKELY(!appio_real_##name))                         \
			return (int)(FALLBACK);                                 \
		APPIO_TIMED(name, int, (APPIO_STRIP(ARGS_PRE), flags, mode), (void)0, appio_after_open(r, 1, ticks)) \
	}

APPIO_OPEN_VARIADIC(open, (const char *p), (p), syscall(SYS_openat, AT_FDCWD, p, flags, mode))
APPIO_OPEN_VARIADIC(open64, (const char *p), (p), syscall(SYS_openat, AT_FDCWD, p, flags, mode))
APPIO_OPEN_VARIADIC(openat, (int d, const char *p), (d, p), syscall(SYS_openat, d, p, flags, mode))
APPIO_OPEN_VARIADIC(openat64, (int d, const char *p), (d, p), syscall(SYS_openat, d, p, flags, mode))

#define APPIO_FIXED_BEFORE(RT, name, PARAMS, ARGS, FALLBACK, BEFORE, AFTER)    \
	APPIO_REAL_DECL(name);                                                  \
	APPIO_EXPORT RT name PARAMS                                             \
	{                                                                       \
		APPIO_RESOLVE(name);                                            \
		if (APPIO_UNLIKELY(!appio_real_##name))                         \
			return (RT)(FALLBACK);                                  \
		APPIO_TIMED(name, RT, ARGS, BEFORE, AFTER)                      \
	}
#define APPIO_FIXED(RT, name, PARAMS, ARGS, FALLBACK, AFTER) \
	APPIO_FIXED_BEFORE(RT, name, PARAMS, ARGS, FALLBACK, (void)0, AFTER)

APPIO_FIXED(int, __open_2, (const char *p, int fl), (p, fl), syscall(SYS_openat, AT_FDCWD, p, fl, 0),
	    appio_after_open(r, 1, ticks))
APPIO_FIXED(int, __open64_2, (const char *p, int fl), (p, fl), syscall(SYS_openat, AT_FDCWD, p, fl, 0),
	    appio_after_open(r, 1, ticks))
APPIO_FIXED(int, __openat_2, (int d, const char *p, int fl), (d, p, fl), syscall(SYS_openat, d, p, fl, 0),
	    appio_after_open(r, 1, ticks))
APPIO_FIXED(int, __openat64_2, (int d, const char *p, int fl), (d, p, fl), syscall(SYS_openat, d, p, fl, 0),
	    appio_after_open(r, 1, ticks))
APPIO_FIXED(int, creat, (const char *p, mode_t m), (p, m),
	    syscall(SYS_openat, AT_FDCWD, p, O_CREAT | O_WRONLY | O_TRUNC, m), appio_after_open(r, 1, ticks))
APPIO_FIXED(int, creat64, (const char *p, mode_t m), (p, m),
	    syscall(SYS_openat, AT_FDCWD, p, O_CREAT | O_WRONLY | O_TRUNC, m), appio_after_open(r, 1, ticks))

static inline void appio_released(int fd, int was);

static inline void appio_after_fopen(FILE *f, int new_fd, uint64_t ticks)
{
	int e = errno;
	appio_after_open(f ? appio_stream_fd(f) : -1, new_fd, ticks);
	errno = e;
}

APPIO_FIXED(FILE *, fopen, (const char *p, const char *m), (p, m), (appio_no_real(), NULL),
	    appio_after_fopen(r, 1, ticks))
APPIO_FIXED(FILE *, fopen64, (const char *p, const char *m), (p, m), (appio_no_real(), NULL),
	    appio_after_fopen(r, 1, ticks))
APPIO_FIXED(FILE *, fdopen, (int fd, const char *m), (fd, m), (appio_no_real(), NULL),
	    appio_after_fopen(r, 0, ticks))

/* freopen closes the stream's descriptor and opens another. */
#define APPIO_FREOPEN(name)                                                             \
	APPIO_REAL_DECL(name);                                                          \
	APPIO_EXPORT FILE *name(const char *p, const char *m, FILE *f)                  \
	{                                                                               \
		APPIO_RESOLVE(name);                                                    \
		if (APPIO_UNLIKELY(!appio_real_##name)) {                               \
			appio_no_real();                                                \
			return NULL;                                                    \
		}                                                                       \
		int old = appio_stream_fd(f);                                           \
		/* with a path the old descriptor is closed, even on failure */         \
		int was = p ? appio_fdclass_take_opened(old) : 0;                       \
		if (appio_excluded_caller(__builtin_return_address(0))) {               \
			FILE *r = appio_real_##name(p, m, f);                           \
			if (p)                                                          \
				appio_released(old, was);                               \
			return r;                                                       \
		}                                                                       \
		uint64_t t0 = appio_ticks();                                            \
		FILE *r = appio_real_##name(p, m, f);                                   \
		uint64_t ticks = appio_ticks_since(t0, appio_ticks());                  \
		if (p)                                                                  \
			appio_released(old, was);                                       \
		appio_after_fopen(r, p != NULL, ticks);                                 \
		return r;                                                               \
	}

/* ---- close family ----------------------------------------------------- */

/* The "opened" mark of a descriptor is taken BEFORE the real close: once
 * close returns, the number is free and another thread's open may get it
 * and set its own mark, which a take after the close would steal (OPEN_FDS
 * then drifts up by one per steal: test_appio_fdrace).  Linux releases the
 * descriptor on every close error but EBADF, so only EBADF keeps the
 * count (there was no open descriptor to end). */
static inline void appio_after_close(int fd, int was, int failed, uint64_t ticks)
{
	int e = errno;
	if (failed && e == EBADF)
		was = 0;
	else
		appio_fdclass_forget(fd);
	uint64_t *c = appio_slots();
	if (c)
		appio_count_close(c, failed, was, ticks);
	errno = e;
}

APPIO_FIXED_BEFORE(int, close, (int fd), (fd), syscall(SYS_close, fd), int was = appio_fdclass_take_opened(fd),
		   appio_after_close(fd, was, r != 0, ticks))

/* fclose releases the descriptor even when flushing fails. */
APPIO_REAL_DECL(fclose);
APPIO_EXPORT int fclose(FILE *f)
{
	APPIO_RESOLVE(fclose);
	if (APPIO_UNLIKELY(!appio_real_fclose)) {
		appio_no_real();
		return EOF;
	}
	int fd = appio_stream_fd(f);
	if (appio_excluded_caller(__builtin_return_address(0))) {
		appio_fdclass_take_opened(fd);
		int r = appio_real_fclose(f);
		appio_fdclass_forget(fd);
		return r;
	}
	int was = fd >= 0 ? appio_fdclass_take_opened(fd) : 0; /* before: see appio_after_close */
	uint64_t t0 = appio_ticks();
	int r = appio_real_fclose(f);
	uint64_t ticks = appio_ticks_since(t0, appio_ticks());
	int e = errno;
	appio_fdclass_forget(fd);
	uint64_t *c = appio_slots();
	if (c)
		appio_count_close(c, r != 0, was, ticks);
	errno = e;
	return r;
}

APPIO_FREOPEN(freopen)
APPIO_FREOPEN(freopen64)

/* Not counted as calls; they only end descriptors the caches know: fd's
 * class is forgotten, and OPEN_FDS goes down by n (marks taken). */
static inline void appio_released_n(int fd, unsigned n)
{
	int e = errno;
	if (fd >= 0)
		appio_fdclass_forget(fd);
	uint64_t *c = appio_slots();
	if (c && n)
		appio_slot_add(&c[APPIO_S_OPEN_FDS], (uint64_t)0 - n);
	errno = e;
}

static inline void appio_released(int fd, int was)
{
	appio_released_n(fd, was != 0);
}

/* dup2/dup3 replace n atomically: the number is never free in between, so
 * taking its mark after the call cannot meet another thread's open. */
static inline void appio_replaced(int fd)
{
	appio_released(fd, appio_fdclass_take_opened(fd));
}

APPIO_REAL_DECL(dup2);
APPIO_EXPORT int dup2(int o, int n)
{
	APPIO_RESOLVE(dup2);
	if (APPIO_UNLIKELY(!appio_real_dup2))
		return (int)syscall(SYS_dup2, o, n);
	int r = appio_real_dup2(o, n);
	if (r >= 0 && o != n)
		appio_replaced(n);
	return r;
}

APPIO_REAL_DECL(dup3);
APPIO_EXPORT int dup3(int o, int n, int fl)
{
	APPIO_RESOLVE(dup3);
	if (APPIO_UNLIKELY(!appio_real_dup3))
		return (int)syscall(SYS_dup3, o, n, fl);
	int r = appio_real_dup3(o, n, fl);
	if (r >= 0)
		appio_replaced(n);
	return r;
}

APPIO_REAL_DECL(close_range);
APPIO_EXPORT int close_range(unsigned lo, unsigned hi, int fl)
{
	APPIO_RESOLVE(close_range);
	if (APPIO_UNLIKELY(!appio_real_close_range))
		return (int)syscall(SYS_close_range, lo, hi, fl);
	if (fl & CLOSE_RANGE_CLOEXEC)
		return appio_real_close_range(lo, hi, fl);
	uint64_t taken[APPIO_FDCLASS_WORDS]; /* 8 KiB: marks taken before the numbers are free */
	unsigned n = appio_fdclass_take_range(lo, hi, taken);
	int r = appio_real_close_range(lo, hi, fl);
	int e = errno;
	if (r == 0) {
		appio_fdclass_forget_range(lo, hi);
		appio_released_n(-1, n);
	} else {
		appio_fdclass_restore_opened(taken);
	}
	errno = e;
	return r;
}

/* ---- seek, sync, wait --------------------------------------------------- */

static inline void appio_after_seek(int64_t off, int failed, uint64_t ticks)
{
	int e = errno;
	uint64_t *c = appio_slots();
	if (c)
		appio_count_seek(c, off, failed, ticks);
	errno = e;
}

APPIO_FIXED(off_t, lseek, (int fd, off_t o, int w), (fd, o, w), syscall(SYS_lseek, fd, o, w),
	    appio_after_seek(o, r < 0, ticks))
APPIO_FIXED(off64_t, lseek64, (int fd, off64_t o, int w), (fd, o, w), syscall(SYS_lseek, fd, o, w),
	    appio_after_seek(o, r < 0, ticks))
APPIO_FIXED(int, fseek, (FILE *f, long o, int w), (f, o, w), (appio_no_real(), -1),
	    appio_after_seek(o, r != 0, ticks))
APPIO_FIXED(int, fseeko, (FILE *f, off_t o, int w), (f, o, w), (appio_no_real(), -1),
	    appio_after_seek(o, r != 0, ticks))
APPIO_FIXED(int, fseeko64, (FILE *f, off64_t o, int w), (f, o, w), (appio_no_real(), -1),
	    appio_after_seek(o, r != 0, ticks))

static inline void appio_after_sync(int failed, uint64_t ticks)
{
	int e = errno;
	uint64_t *c = appio_slots();
	if (c)
		appio_count_sync(c, failed, ticks);
	errno = e;
}

APPIO_FIXED(int, fsync, (int fd), (fd), syscall(SYS_fsync, fd), appio_after_sync(r != 0, ticks))
APPIO_FIXED(int, fdatasync, (int fd), (fd), syscall(SYS_fdatasync, fd), appio_after_sync(r != 0, ticks))

static inline void appio_after_wait(unsigned calls_slot, uint64_t ticks)
{
	int e = errno;
	uint64_t *c = appio_slots();
	if (c)
		appio_count_wait(c, calls_slot, ticks);
	errno = e;
}

APPIO_FIXED(int, select, (int n, fd_set *rd, fd_set *w, fd_set *x, struct timeval *t), (n, rd, w, x, t),
	    syscall(SYS_select, n, rd, w, x, t), appio_after_wait(APPIO_S_SELECT_CALLS, ticks))
APPIO_FIXED(int, pselect,
	    (int n, fd_set *rd, fd_set *w, fd_set *x, const struct timespec *t, const sigset_t *m),
	    (n, rd, w, x, t, m), (appio_no_real(), -1), appio_after_wait(APPIO_S_SELECT_CALLS, ticks))
APPIO_FIXED(int, poll, (struct pollfd *f, nfds_t n, int t), (f, n, t), syscall(SYS_poll, f, n, t),
	    appio_after_wait(APPIO_S_POLL_CALLS, ticks))
APPIO_FIXED(int, ppoll, (struct pollfd *f, nfds_t n, const struct timespec *t, const sigset_t *m),
	    (f, n, t, m), (appio_no_real(), -1), appio_after_wait(APPIO_S_POLL_CALLS, ticks))
