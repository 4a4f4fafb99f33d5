/*
 * Line-driven driver of pv_virt for lab tests (test_pv_virt_discovery.sh).
 * Commands on stdin, one per line; every answer ends with a line ".":
 *   refresh        rc=N ms=T added=A gone=G live=L reconnects=R err=MESSAGE
 *   list           one line per record:
 *                  vm id=.. gone=0|1 alive=1|0|-E pid=.. domid=.. uuid=.. nvcpus=..
 *                  vcpu0=TID nothers=.. cgroup=PATH|- dir=REL|- name=NAME (name last, raw)
 *   timeout MS     pv_virt_set_timeout_ms
 *   forget         pv_virt_forget_gone
 *   quit
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pv_virt.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void cmd_list(struct pv_virt *v)
{
	size_t i;

	for (i = 0; i < pv_virt_count(v); i++) {
		const struct pv_virt_vm *vm = pv_virt_at(v, i);

		printf("vm id=%llu gone=%d alive=%d pid=%d domid=%d uuid=%s nvcpus=%zu vcpu0=%d nothers=%zu "
		       "cgroup=%s dir=%s name=%s\n",
		       (unsigned long long)vm->id, vm->gone, vm->pid ? pv_virt_vm_alive(vm) : -ENOENT,
		       (int)vm->pid, vm->domid, vm->uuid, vm->n_vcpus,
		       vm->n_vcpus ? (int)vm->vcpus[0].tid : 0, vm->n_others,
		       vm->cgroup ? vm->cgroup : "-", vm->cgroup_dir ? vm->cgroup_dir : "-", vm->name);
	}
}

int main(void)
{
	struct pv_virt *v;
	char line[256];

	if (pv_virt_open(&v) < 0) {
		fprintf(stderr, "pv_virt_open failed\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("uri=%s\n.\n", pv_virt_uri(v));
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "refresh") == 0) {
			struct pv_virt_changes ch = { 0, 0, 0 };
			long long t0 = now_ms();
			int rc = pv_virt_refresh(v, &ch);

			printf("rc=%d ms=%lld added=%zu gone=%zu live=%zu reconnects=%u err=%s\n", rc,
			       now_ms() - t0, ch.added, ch.gone, ch.live, pv_virt_reconnects(v),
			       pv_virt_last_error(v));
		} else if (strcmp(line, "list") == 0) {
			cmd_list(v);
		} else if (strncmp(line, "timeout ", 8) == 0) {
			pv_virt_set_timeout_ms(v, (unsigned int)strtoul(line + 8, NULL, 10));
		} else if (strcmp(line, "forget") == 0) {
			pv_virt_forget_gone(v);
		} else if (strcmp(line, "quit") == 0) {
			break;
		} else {
			printf("error unknown command\n");
		}
		printf(".\n");
	}
	pv_virt_close(v);
	return 0;
}
