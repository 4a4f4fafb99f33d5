/* Per-thread counter blocks and process totals; see appio_registry.h. */
#include "appio_registry.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#define APPIO_BLOCK_FREE 0
#define APPIO_BLOCK_USED 1
#define APPIO_CHUNK_BLOCKS 32

struct appio_chunk {
	struct appio_chunk *next;
	struct appio_block b[APPIO_CHUNK_BLOCKS];
};

__thread struct appio_registry_tls appio_registry_tls __attribute__((tls_model("initial-exec")));

static struct appio_chunk *appio_chunks; /* CAS-published list, never freed */
static pthread_mutex_t appio_fold_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t appio_retired[APPIO_NSLOTS]; /* under appio_fold_lock */
static pthread_once_t appio_once = PTHREAD_ONCE_INIT;
static pthread_key_t appio_exit_key;
static int appio_key_ok;

static void appio_fold_locked(struct appio_block *b)
{
	for (unsigned i = 0; i < APPIO_NSLOTS; i++) {
		appio_retired[i] += appio_slot_get(&b->c[i]);
		__atomic_store_n(&b->c[i], 0, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&b->state, APPIO_BLOCK_FREE, __ATOMIC_RELEASE);
}

static void appio_thread_exit(void *arg)
{
	struct appio_block *b = arg;
	if (appio_registry_tls.block == b)
		appio_registry_tls.block = 0;
	pthread_mutex_lock(&appio_fold_lock);
	appio_fold_locked(b);
	pthread_mutex_unlock(&appio_fold_lock);
}

static void appio_fork_prepare(void)
{
	pthread_mutex_lock(&appio_fold_lock);
}

static void appio_fork_parent(void)
{
	pthread_mutex_unlock(&appio_fold_lock);
}

/* Only the forking thread exists in the child: every other block belongs to
 * a thread that will never exit here, so fold it now. */
static void appio_fork_child(void)
{
	struct appio_block *self = appio_registry_tls.block;
	for (struct appio_chunk *ch = __atomic_load_n(&appio_chunks, __ATOMIC_ACQUIRE); ch; ch = ch->next)
		for (unsigned i = 0; i < APPIO_CHUNK_BLOCKS; i++) {
			struct appio_block *b = &ch->b[i];
			if (b != self && __atomic_load_n(&b->state, __ATOMIC_ACQUIRE) == APPIO_BLOCK_USED)
				appio_fold_locked(b);
		}
	pthread_mutex_init(&appio_fold_lock, NULL);
}

static void appio_registry_once(void)
{
	appio_key_ok = pthread_key_create(&appio_exit_key, appio_thread_exit) == 0;
	pthread_atfork(appio_fork_prepare, appio_fork_parent, appio_fork_child);
}

void appio_registry_init(void)
{
	pthread_once(&appio_once, appio_registry_once);
}

static struct appio_block *appio_claim_existing(void)
{
	for (struct appio_chunk *ch = __atomic_load_n(&appio_chunks, __ATOMIC_ACQUIRE); ch; ch = ch->next)
		for (unsigned i = 0; i < APPIO_CHUNK_BLOCKS; i++) {
			int expected = APPIO_BLOCK_FREE;
			if (__atomic_load_n(&ch->b[i].state, __ATOMIC_RELAXED) == APPIO_BLOCK_FREE &&
			    __atomic_compare_exchange_n(&ch->b[i].state, &expected, APPIO_BLOCK_USED, 0,
							__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
				return &ch->b[i];
		}
	return 0;
}

static struct appio_block *appio_claim_new_chunk(void)
{
	void *p = mmap(0, sizeof(struct appio_chunk), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	struct appio_chunk *ch = p; /* zero-filled: all blocks free and empty */
	ch->b[0].state = APPIO_BLOCK_USED;
	struct appio_chunk *head = __atomic_load_n(&appio_chunks, __ATOMIC_RELAXED);
	do
		ch->next = head;
	while (!__atomic_compare_exchange_n(&appio_chunks, &head, ch, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	return &ch->b[0];
}

struct appio_block *appio_registry_attach(void)
{
	int saved_errno = errno;
	appio_registry_init();
	struct appio_block *b = appio_claim_existing();
	if (!b)
		b = appio_claim_new_chunk();
	if (b) {
		appio_registry_tls.block = b;
		if (appio_key_ok)
			pthread_setspecific(appio_exit_key, b);
	}
	errno = saved_errno;
	return b;
}

void appio_registry_copy(const struct appio_block *b, uint64_t *ret_slots)
{
	for (unsigned i = 0; i < APPIO_NSLOTS; i++)
		ret_slots[i] = appio_slot_get(&b->c[i]);
}

void appio_registry_sum(uint64_t *ret_slots)
{
	pthread_mutex_lock(&appio_fold_lock);
	memcpy(ret_slots, appio_retired, sizeof(appio_retired));
	for (struct appio_chunk *ch = __atomic_load_n(&appio_chunks, __ATOMIC_ACQUIRE); ch; ch = ch->next)
		for (unsigned i = 0; i < APPIO_CHUNK_BLOCKS; i++) {
			const struct appio_block *b = &ch->b[i];
			if (__atomic_load_n(&b->state, __ATOMIC_ACQUIRE) != APPIO_BLOCK_USED)
				continue;
			for (unsigned s = 0; s < APPIO_NSLOTS; s++)
				ret_slots[s] += appio_slot_get(&b->c[s]);
		}
	pthread_mutex_unlock(&appio_fold_lock);
}

void appio_registry_retire_self(void)
{
	struct appio_block *b = appio_registry_tls.block;
	if (!b)
		return;
	if (appio_key_ok)
		pthread_setspecific(appio_exit_key, 0);
	appio_thread_exit(b);
}

unsigned appio_registry_live_blocks(void)
{
	unsigned n = 0;
	for (struct appio_chunk *ch = __atomic_load_n(&appio_chunks, __ATOMIC_ACQUIRE); ch; ch = ch->next)
		for (unsigned i = 0; i < APPIO_CHUNK_BLOCKS; i++)
			n += __atomic_load_n(&ch->b[i].state, __ATOMIC_RELAXED) == APPIO_BLOCK_USED;
	return n;
}
