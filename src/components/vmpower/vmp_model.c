/* Power model and idle-baseline configuration parsing (see vmp_model.h). */
#include "vmp_model.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pv_msg.h"

int vmp_model_parse_watts(const char *s, uint64_t *ret_uw)
{
	uint64_t whole = 0, frac = 0;
	int nd = 0, nf = 0;
	const char *p = s;

	if (!s)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++, nd++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > VMP_MAX_WATTS)
			return -ERANGE;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, nf++) {
			if (nf == 6)
				return -EINVAL; /* below a micro-watt: a typo, not a value */
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (nf == 0)
			return -EINVAL;
	}
	if (nd == 0 || *p != '\0')
		return -EINVAL;
	for (; nf < 6; nf++)
		frac *= 10;
	uint64_t uw = whole * 1000000u + frac;
	if (uw > (uint64_t)VMP_MAX_WATTS * 1000000u)
		return -ERANGE;
	*ret_uw = uw;
	return 0;
}

int vmp_model_parse(const char *s, struct vmp_model *ret, char *err, size_t errlen)
{
	char buf[256], *save = NULL;
	int have_idle = 0, have_max = 0, have_model = 0;
	struct vmp_model m = { 0, 0 };

	if (!s || !*s) {
		pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL is empty");
		return -EINVAL;
	}
	if (strlen(s) >= sizeof(buf)) {
		pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL is too long");
		return -EINVAL;
	}
	strcpy(buf, s);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL: '%s' is not key=value", tok);
			return -EINVAL;
		}
		*eq = '\0';
		const char *val = eq + 1;
		uint64_t *dst = NULL;
		int *seen = strcmp(tok, "idle") == 0 ? &have_idle : strcmp(tok, "max") == 0 ? &have_max
							 : strcmp(tok, "model") == 0 ? &have_model : NULL;
		/* "idle=10,idle=20": which one was meant is a guess; refuse it. */
		if (seen && *seen) {
			pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL: '%s' is given twice (second value '%s')", tok, val);
			return -EINVAL;
		}
		if (seen)
			*seen = 1;
		if (strcmp(tok, "idle") == 0) {
			dst = &m.idle_uw;
		} else if (strcmp(tok, "max") == 0) {
			dst = &m.max_uw;
		} else if (strcmp(tok, "model") == 0) {
			if (strcmp(val, "linear") != 0) {
				pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL: unknown model '%s' (only 'linear')", val);
				return -EINVAL;
			}
			continue;
		} else {
			pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL: unknown key '%s' (idle, max, model)", tok);
			return -EINVAL;
		}
		int prc = vmp_model_parse_watts(val, dst);
		if (prc == -ERANGE) {
			pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL: %s='%s' is out of range (at most %u W)", tok, val,
				VMP_MAX_WATTS);
			return -ERANGE;
		}
		if (prc != 0) {
			pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL: %s='%s' is not a power in watts", tok, val);
			return -EINVAL;
		}
	}
	if (!have_idle || !have_max) {
		pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL: both idle= and max= are required (watts)");
		return -EINVAL;
	}
	if (m.max_uw < m.idle_uw) {
		pv_msgf(err, errlen, "PAPI_VIRT_POWER_MODEL: max is below idle");
		return -EINVAL;
	}
	*ret = m;
	return 0;
}

uint64_t vmp_model_power_uw(const struct vmp_model *m, uint64_t busy, uint64_t total)
{
	if (total == 0)
		return m->idle_uw;
	if (busy > total)
		busy = total;
	unsigned __int128 dyn = (unsigned __int128)(m->max_uw - m->idle_uw) * busy / total;
	return m->idle_uw + (uint64_t)dyn;
}

int vmp_model_idle_parse(const char *s, struct vmp_idle_cfg *ret, char *err, size_t errlen)
{
	struct vmp_idle_cfg c;
	char buf[1024], *save = NULL;

	memset(&c, 0, sizeof(c));
	if (!s || !*s || strcmp(s, "auto") == 0) {
		c.measured = 1;
		*ret = c;
		return 0;
	}
	if (strlen(s) >= sizeof(buf)) {
		pv_msgf(err, errlen, "PAPI_VIRT_IDLE_POWER is too long");
		return -EINVAL;
	}
	strcpy(buf, s);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (c.n == VMP_MAX_PKGS) {
			pv_msgf(err, errlen, "PAPI_VIRT_IDLE_POWER: more values than packages");
			return -EINVAL;
		}
		if (vmp_model_parse_watts(tok, &c.uw[c.n]) != 0) {
			pv_msgf(err, errlen, "PAPI_VIRT_IDLE_POWER: '%s' is not a power in watts (or 'auto')", tok);
			return -EINVAL;
		}
		c.n++;
	}
	if (c.n == 0) {
		pv_msgf(err, errlen, "PAPI_VIRT_IDLE_POWER: no value");
		return -EINVAL;
	}
	*ret = c;
	return 0;
}

uint64_t vmp_model_idle_uw(const struct vmp_idle_cfg *c, unsigned pkg)
{
	if (c->measured || c->n == 0)
		return 0;
	if (c->n == 1)
		return c->uw[0];
	return pkg < c->n ? c->uw[pkg] : 0;
}
