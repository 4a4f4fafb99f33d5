/*
 * appio_registry: one counter block per thread, and process-wide totals that
 * survive thread exit.
 *
 * Hot path: a thread finds its block through an initial-exec TLS pointer and
 * adds to it with single non-locked add instructions: no lock, no atomic
 * read-modify-write, since only the owner writes its block.  Readers of
 * process totals sum "retired" totals plus every live block under a mutex
 * that only readers and exiting threads take.  When a thread exits, a
 * pthread key destructor folds its block into the retired totals and frees
 * the block for reuse, under that mutex, so a reader sees each count exactly
 * once.  Blocks come from mmap'ed chunks that are never unmapped, so
 * attaching needs no malloc and works in a signal handler; chunks are
 * claimed and published with compare-and-swap.
 *
 * After fork() the child's blocks of threads that do not exist there are
 * folded into its retired totals (pthread_atfork).
 */
#ifndef APPIO_REGISTRY_H
#define APPIO_REGISTRY_H

#include <stdint.h>

#include "appio_slots.h"

struct appio_block {
	int state; /* APPIO_BLOCK_FREE / APPIO_BLOCK_USED */
	uint64_t c[APPIO_NSLOTS];
} __attribute__((aligned(64)));

struct appio_registry_tls {
	struct appio_block *block;
};

extern __thread struct appio_registry_tls appio_registry_tls __attribute__((tls_model("initial-exec")));

/* Adds v to a slot of a block only the calling thread writes.  On x86 one
 * "add" instruction to memory, without lock prefix: as cheap as a plain
 * increment, but a signal handler that interrupts the thread and counts its
 * own I/O into the same slot cannot lose an update (signals arrive between
 * instructions), and other threads' aligned 8-byte loads never see a torn
 * value.  Elsewhere a relaxed atomic add. */
static inline void appio_slot_add(uint64_t *slot, uint64_t v)
{
#if defined(__x86_64__)
	__asm__ __volatile__("addq %1, %0" : "+m"(*slot) : "er"(v));
#else
	__atomic_fetch_add(slot, v, __ATOMIC_RELAXED);
#endif
}

static inline uint64_t appio_slot_get(const uint64_t *slot)
{
	return __atomic_load_n(slot, __ATOMIC_RELAXED);
}

/* Gives the calling thread a block.  NULL only when mmap fails. */
struct appio_block *appio_registry_attach(void);

/* The calling thread's block, attaching it if needed (NULL: out of memory). */
static inline struct appio_block *appio_registry_self(void)
{
	struct appio_block *b = appio_registry_tls.block;
	if (__builtin_expect(b != 0, 1))
		return b;
	return appio_registry_attach();
}

/* Copies a block's slots (relaxed loads). */
void appio_registry_copy(const struct appio_block *b, uint64_t *ret_slots);

/* Process-wide totals: retired threads plus every live block. */
void appio_registry_sum(uint64_t *ret_slots);

/* Folds the calling thread's block into the retired totals and frees it, as
 * at thread exit.  The thread gets a fresh block on its next call. */
void appio_registry_retire_self(void);

/* Creates the thread-exit key and fork handlers now (from a constructor),
 * rather than on the first attach.  Idempotent. */
void appio_registry_init(void);

/* Blocks currently in use (tests, diagnostics). */
unsigned appio_registry_live_blocks(void);

#endif
