/* Domain statistics of pv_virt_link as plain C data (see pv_virt_link.h):
 * libvirt's typed parameters copied out of its records, and lookups in the
 * copy.  The RPC itself runs on the link's worker (pv_virt_link.c). */
#include "pv_virt_link_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pv_virt_link_groups(unsigned int groups, unsigned int *ret_libvirt, char *err, size_t errlen)
{
	static const struct {
		unsigned int ours, libvirts;
	} map[] = {
		{ PV_VIRT_LINK_STATE, VIR_DOMAIN_STATS_STATE },
		{ PV_VIRT_LINK_CPU, VIR_DOMAIN_STATS_CPU_TOTAL },
		{ PV_VIRT_LINK_VCPU, VIR_DOMAIN_STATS_VCPU },
	};
	unsigned int known = 0, lv = 0;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		known |= map[i].ours;
		if (groups & map[i].ours)
			lv |= map[i].libvirts;
	}
	if (groups == 0 || (groups & ~known)) {
		snprintf(err, errlen, "unknown domain statistics groups 0x%x (known: 0x%x)", groups, known);
		return -EINVAL;
	}
	*ret_libvirt = lv;
	return 0;
}

/* libvirt's typed parameter as plain data; -ENOENT for a string. */
static int pv_virt_link_stat_of(const virTypedParameter *p, struct pv_virt_link_stat *out)
{
	snprintf(out->field, sizeof(out->field), "%s", p->field);
	switch (p->type) {
	case VIR_TYPED_PARAM_INT: out->kind = PV_VIRT_LINK_S64; out->s = p->value.i; return 0;
	case VIR_TYPED_PARAM_LLONG: out->kind = PV_VIRT_LINK_S64; out->s = p->value.l; return 0;
	case VIR_TYPED_PARAM_UINT: out->kind = PV_VIRT_LINK_U64; out->u = p->value.ui; return 0;
	case VIR_TYPED_PARAM_ULLONG: out->kind = PV_VIRT_LINK_U64; out->u = p->value.ul; return 0;
	case VIR_TYPED_PARAM_BOOLEAN: out->kind = PV_VIRT_LINK_U64; out->u = p->value.b != 0; return 0;
	case VIR_TYPED_PARAM_DOUBLE: out->kind = PV_VIRT_LINK_DOUBLE; out->d = p->value.d; return 0;
	default: return -ENOENT;
	}
}

static int pv_virt_link_domstats_of(const struct pv_virt_fns *L, const virDomainStatsRecord *rec,
				    struct pv_virt_link_domstats *out)
{
	int i;

	if (pv_virt_link_ident(L, rec->dom, &out->dom) < 0)
		return -ENOMEM;
	out->stats = calloc(rec->nparams > 0 ? (size_t)rec->nparams : 1, sizeof(*out->stats));
	if (!out->stats)
		return -ENOMEM;
	for (i = 0; i < rec->nparams; i++)
		if (pv_virt_link_stat_of(&rec->params[i], &out->stats[out->n]) == 0)
			out->n++;
	return 0;
}

int pv_virt_link_stats_of(const struct pv_virt_fns *L, virDomainStatsRecordPtr *recs, int n,
			  struct pv_virt_link_statlist *ret)
{
	int i, rc = 0;

	ret->n = 0;
	ret->doms = calloc(n > 0 ? (size_t)n : 1, sizeof(*ret->doms));
	if (!ret->doms)
		return -ENOMEM;
	/* Counted before filling, so a partial entry is freed too. */
	for (i = 0; i < n && rc == 0; i++) {
		ret->n++;
		rc = pv_virt_link_domstats_of(L, recs[i], &ret->doms[i]);
	}
	if (rc < 0)
		pv_virt_link_statlist_free(ret);
	return rc;
}

void pv_virt_link_statlist_free(struct pv_virt_link_statlist *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->n; i++) {
		free(list->doms[i].dom.name);
		free(list->doms[i].stats);
	}
	free(list->doms);
	list->doms = NULL;
	list->n = 0;
}

const struct pv_virt_link_stat *pv_virt_link_stat_find(const struct pv_virt_link_domstats *d, const char *field)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->stats[i].field, field) == 0)
			return &d->stats[i];
	return NULL;
}
