/*
 * pv_evname: the shape of papi-virt event names, shared by every component.
 *
 *   BASE[:key=value]...        e.g. VCPU_RUN_NS:vm=web%20server:vcpu=0
 *   BASE[:key@value]...        the same; '@' instead of '=' so that the PAPI
 *                              high-level API's "=instant" suffix still works
 *                              (it splits the name at its FIRST '=')
 *   BASE:flag                  a qualifier without value, e.g. READ_BYTES:process
 *
 * Values are percent-encoded: "%XX" stands for the byte 0xXX.  ':' and '%'
 * in a value must be encoded; every other byte (spaces, '=', UTF-8) may
 * appear raw.  The canonical (listed) form encodes every byte outside
 * [A-Za-z0-9._+-], so listed names are single shell words and contain no ','
 * (PAPI_EVENTS is comma separated) and no '='.
 */
#ifndef PV_EVNAME_H
#define PV_EVNAME_H

#include <stddef.h>

#define PV_EVNAME_MAX_QUALS 4
#define PV_EVNAME_KEY_MAX 16
#define PV_EVNAME_VALUE_MAX 256
#define PV_EVNAME_BASE_MAX 64

struct pv_qual {
	char key[PV_EVNAME_KEY_MAX];
	char value[PV_EVNAME_VALUE_MAX]; /* decoded; "" for a flag */
	int has_value;
};

struct pv_evname {
	char base[PV_EVNAME_BASE_MAX];
	int nquals;
	struct pv_qual quals[PV_EVNAME_MAX_QUALS];
};

/* Parses name (without the "component:::" prefix).  -EINVAL for an empty
 * base, an empty key, a repeated key, a bad %XX escape, too many qualifiers;
 * -ENAMETOOLONG when a part does not fit. */
int pv_evname_parse(const char *name, struct pv_evname *ret);

/* The same, with one sentence in why (may be NULL) saying what is wrong:
 * which part is too long and its length, which qualifier is repeated or
 * malformed. */
int pv_evname_parse_why(const char *name, struct pv_evname *ret, char *why, size_t wlen);

/* The decoded value of key, or NULL when the name has no such qualifier. */
const char *pv_evname_value(const struct pv_evname *ev, const char *key);

/* 1 if the name carries key (with or without value). */
int pv_evname_has(const struct pv_evname *ev, const char *key);

/* Canonical percent-encoding of a raw value (a VM name).  -ENAMETOOLONG if
 * it does not fit in len. */
int pv_evname_escape(const char *raw, char *buf, size_t len);

/* Decodes a value; -EINVAL on a malformed escape or an encoded NUL. */
int pv_evname_unescape(const char *esc, char *buf, size_t len);

/* Strict non-negative integer value of a qualifier ("0".."2147483647"). */
int pv_evname_int(const struct pv_evname *ev, const char *key, int *ret);

#endif
