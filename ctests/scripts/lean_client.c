/*
 * lean_client: a PAPI user as issue "lean drop-in libpapi" describes it,
 * compiled by test_lean_libpapi.sh against the built libpapi.
 *
 *   lean_client init       PAPI_library_init + PAPI_shutdown; prints which
 *                          libvirt/glib objects are mapped after init
 *   lean_client steal      the same plus steal:::STEAL_NS added, started,
 *                          read after 20 ms of work, stopped
 *   lean_client nolibvirt  (PAPI_VIRT_LIBVIRT names a missing library)
 *                          guest events count, vmpower and host steal
 *                          events fail with the reason
 * Exit 0 on success; a failure prints "FAIL: ..." and exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"

#define FAIL(...) do { printf("FAIL: " __VA_ARGS__); printf("\n"); exit(1); } while (0)

static int mapped_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	int *n = data;
	if (strstr(info->dlpi_name, "libvirt") || strstr(info->dlpi_name, "libglib") ||
	    strstr(info->dlpi_name, "libjson-c") || strstr(info->dlpi_name, "libmicrohttpd")) {
		printf("mapped: %s\n", info->dlpi_name);
		(*n)++;
	}
	return 0;
}

static int heavy_mapped(void)
{
	int n = 0;
	dl_iterate_phdr(mapped_cb, &n);
	return n;
}

static void init(void)
{
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT)
		FAIL("PAPI_library_init");
}

static void spin_ms(int ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static long long run_one(const char *ev, void (*work)(void))
{
	int es = PAPI_NULL, rc;
	long long v = -1;

	if (PAPI_create_eventset(&es) != PAPI_OK)
		FAIL("PAPI_create_eventset");
	if ((rc = PAPI_add_named_event(es, ev)) != PAPI_OK)
		FAIL("add %s: %s", ev, PAPI_strerror(rc));
	if (PAPI_start(es) != PAPI_OK)
		FAIL("PAPI_start %s", ev);
	work();
	if (PAPI_stop(es, &v) != PAPI_OK)
		FAIL("PAPI_stop %s", ev);
	PAPI_cleanup_eventset(es);
	PAPI_destroy_eventset(&es);
	return v;
}

static void work_spin(void)
{
	spin_ms(20);
}

#define NREADS 10
static void work_reads(void)
{
	char b[64];
	int fd = open("/dev/zero", O_RDONLY);
	for (int i = 0; i < NREADS; i++)
		if (read(fd, b, sizeof(b)) != (ssize_t)sizeof(b))
			FAIL("read /dev/zero");
	close(fd);
}

/* The component's disabled reason after forcing delayed init, as Debian's
 * papi_component_avail does. */
static const PAPI_component_info_t *forced(const char *name)
{
	int cid = PAPI_get_component_index(name);
	if (cid < 0)
		FAIL("component %s not in this libpapi", name);
	const PAPI_component_info_t *ci = PAPI_get_component_info(cid);
	if (ci->disabled == PAPI_EDELAY_INIT) {
		int code = PAPI_NATIVE_MASK;
		(void)PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid);
	}
	return ci;
}

static void nolibvirt(void)
{
	const char *lib = getenv("PAPI_VIRT_LIBVIRT");
	int code, es = PAPI_NULL;

	if (!lib)
		FAIL("PAPI_VIRT_LIBVIRT not set");
	init();
	PAPI_set_debug(PAPI_VERB_ECONT); /* component messages to stderr */
	/* guest side */
	long long st = run_one("steal:::STEAL_NS", work_spin);
	if (st < 0)
		FAIL("steal:::STEAL_NS = %lld", st);
	if (PAPI_event_name_to_code("steal:::VIRT_NS", &code) != PAPI_OK)
		FAIL("steal:::VIRT_NS unknown without libvirt");
	long long reads = run_one("appio:::READ_CALLS", work_reads);
	if (reads != NREADS)
		FAIL("appio:::READ_CALLS = %lld, want exactly %d", reads, NREADS);
	printf("ok: guest events: STEAL_NS %lld ns, READ_CALLS %lld\n", st, reads);
	/* vmpower: disabled with the reason */
	const PAPI_component_info_t *ci = forced("vmpower");
	if (!ci->disabled || !strstr(ci->disabled_reason, lib) || !strstr(ci->disabled_reason, "PAPI_VIRT_LIBVIRT"))
		FAIL("vmpower: disabled=%d reason '%s' does not name %s", ci->disabled, ci->disabled_reason, lib);
	printf("ok: vmpower disabled: %s\n", ci->disabled_reason);
	/* host steal events: a named VM fails to resolve, all-VMs fails at start */
	if (PAPI_event_name_to_code("steal:::VCPU_STEAL_NS:vm=guest1", &code) == PAPI_OK)
		FAIL("steal:::VCPU_STEAL_NS:vm=guest1 resolved without libvirt");
	if (PAPI_create_eventset(&es) != PAPI_OK || PAPI_add_named_event(es, "steal:::VCPU_STEAL_NS") != PAPI_OK)
		FAIL("steal:::VCPU_STEAL_NS (all VMs) cannot be added");
	if (PAPI_start(es) == PAPI_OK)
		FAIL("steal:::VCPU_STEAL_NS started without libvirt");
	printf("ok: host steal events refused (reasons on stderr)\n");
	PAPI_shutdown();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "init") == 0 || strcmp(mode, "steal") == 0) {
		init();
		if (strcmp(mode, "steal") == 0)
			printf("STEAL_NS %lld\n", run_one("steal:::STEAL_NS", work_spin));
		int heavy = heavy_mapped();
		PAPI_shutdown();
		if (heavy)
			FAIL("%d libvirt/glib/json-c/microhttpd objects mapped after %s", heavy, mode);
	} else if (strcmp(mode, "nolibvirt") == 0) {
		nolibvirt();
	} else {
		fprintf(stderr, "usage: lean_client init|steal|nolibvirt\n");
		return 2;
	}
	printf("ok: %s\n", mode);
	return 0;
}
