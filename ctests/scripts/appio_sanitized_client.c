/*
 * appio_sanitized_client: a PAPI user compiled by test_appio_sanitizers.sh
 * with -fsanitize=address or -fsanitize=thread (and once plainly).  The
 * sanitizer's read/write interceptors then sit in front of every read(),
 * including libpapi's own (issue 16 item 7).
 *
 * It runs an appio EventSet beside a steal EventSet whose every PAPI_read
 * reads /proc/self/schedstat inside libpapi (THREAD_RUN_DELAY_NS), reads it
 * READS times, then does its own I/O: OWN_READS read() calls of CHUNK bytes
 * on /dev/zero and OWN_WRITES write() calls to /dev/null.  appio must count
 * exactly the program's own calls and bytes (the program's count is the
 * independent source; tolerance 0): PAPI's reads are not the program's.
 * Prints the counts; exit 0 when they match, 1 otherwise ("FAIL: ...").
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "papi.h"

#define READS 100
#define OWN_READS 10
#define OWN_WRITES 5
#define CHUNK 64

#define FAIL(...) do { printf("FAIL: " __VA_ARGS__); printf("\n"); exit(1); } while (0)

static void add(int es, const char *name)
{
	int rc = PAPI_add_named_event(es, name);
	if (rc != PAPI_OK)
		FAIL("PAPI_add_named_event(%s): %s", name, PAPI_strerror(rc));
}

int main(void)
{
	const char *appio[] = { "appio:::READ_CALLS", "appio:::READ_BYTES", "appio:::WRITE_CALLS",
				"appio:::WRITE_BYTES" };
	long long want[] = { OWN_READS, OWN_READS * CHUNK, OWN_WRITES, OWN_WRITES * CHUNK };
	long long va[4], vs[1];
	int a = PAPI_NULL, s = PAPI_NULL, bad = 0;
	char buf[CHUNK] = { 0 };

	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		FAIL("PAPI_library_init");
	int zero = open("/dev/zero", O_RDONLY), null = open("/dev/null", O_WRONLY);
	if (zero < 0 || null < 0)
		FAIL("cannot open /dev/zero or /dev/null");
	if (PAPI_create_eventset(&a) != PAPI_OK || PAPI_create_eventset(&s) != PAPI_OK)
		FAIL("PAPI_create_eventset");
	for (int i = 0; i < 4; i++)
		add(a, appio[i]);
	add(s, "steal:::THREAD_RUN_DELAY_NS");
	if (PAPI_start(a) != PAPI_OK || PAPI_start(s) != PAPI_OK)
		FAIL("PAPI_start");
	for (int i = 0; i < READS; i++)
		if (PAPI_read(s, vs) != PAPI_OK)
			FAIL("PAPI_read of the steal EventSet");
	for (int i = 0; i < OWN_READS; i++)
		if (read(zero, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			FAIL("read /dev/zero");
	for (int i = 0; i < OWN_WRITES; i++)
		if (write(null, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			FAIL("write /dev/null");
	if (PAPI_read(a, va) != PAPI_OK)
		FAIL("PAPI_read of the appio EventSet");
	for (int i = 0; i < 4; i++) {
		printf("%s=%lld (the program's own: %lld)\n", appio[i], va[i], want[i]);
		bad |= va[i] != want[i];
	}
	if (bad)
		FAIL("appio counted other than the program's own I/O after %d PAPI_reads of steal", READS);
	PAPI_stop(s, vs);
	PAPI_stop(a, va);
	PAPI_shutdown();
	printf("PASS\n");
	return 0;
}
