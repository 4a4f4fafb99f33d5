/* VM name -> libvirt UUID for papi_vmpower's samples (see util_uuid.h). */
#include "util_uuid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "pv_virt.h"

struct util_uuids {
	struct pv_virt *virt;
};

#define UUID_TIMEOUT_MS 1000u

int util_uuids_open(struct util_uuids **ret)
{
	struct util_uuids *u = calloc(1, sizeof(*u));
	if (!u || pv_virt_open(&u->virt) < 0) {
		free(u);
		return -ENOMEM;
	}
	pv_virt_set_timeout_ms(u->virt, UUID_TIMEOUT_MS);
	*ret = u;
	return 0;
}

void util_uuids_fill(struct util_uuids *u, struct util_sample *s)
{
	/* On failure the records of the last good refresh answer. */
	if (pv_virt_refresh(u->virt, NULL) == 0)
		pv_virt_forget_gone(u->virt);
	for (size_t i = 0; i < s->nvm; i++) {
		const struct pv_virt_vm *vm = pv_virt_find_name(u->virt, s->vms[i].name);
		snprintf(s->vms[i].uuid, sizeof(s->vms[i].uuid), "%s", vm ? vm->uuid : "");
	}
}

void util_uuids_close(struct util_uuids *u)
{
	if (!u)
		return;
	pv_virt_close(u->virt);
	free(u);
}
