/*
 * rapl_vm_readcost: cost of one pv_rapl_read_many over every energy domain
 * found (the shared reader rapl_vm and vmpower use), without PAPI: the part
 * of a rapl_vm PAPI_read that is ours rather than PAPI's.
 *
 *   rapl_vm_readcost BATCHES READS      (PAPI_VIRT_SYSFS picks the tree)
 *
 * Prints "K ndomains <n>" and "S <ns per read of all domains>" per batch
 * (protocol of bench/common_timing.h).  Exit 1 when no RAPL source opens.
 */
#include "common_timing.h"
#include "pv_rapl.h"

int main(int argc, char **argv)
{
	char why[PV_RAPL_REASON_MAX];
	struct pv_rapl *r;
	int idx[64], n, i, rc;
	uint64_t v[64];
	long batches, reads;

	if (argc != 3) {
		fprintf(stderr, "usage: rapl_vm_readcost BATCHES READS\n");
		return 2;
	}
	batches = pvb_arg_long("rapl_vm_readcost", "BATCHES", argv[1]);
	reads = pvb_arg_long("rapl_vm_readcost", "READS", argv[2]);
	rc = pv_rapl_open(0, &r, why, sizeof(why));
	if (rc < 0) {
		fprintf(stderr, "rapl_vm_readcost: %s\n", why);
		return 1;
	}
	n = pv_rapl_count(r);
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		idx[i] = i;
	pvb_kv("ndomains", (double)n);
	for (long b = 0; b < batches; b++) {
		double t0 = pvb_now_ns();

		for (long k = 0; k < reads; k++)
			if (pv_rapl_read_many(r, idx, n, v) < 0) {
				fprintf(stderr, "rapl_vm_readcost: read failed\n");
				return 1;
			}
		pvb_sample((pvb_now_ns() - t0) / (double)reads);
	}
	pv_rapl_close(r);
	return 0;
}
