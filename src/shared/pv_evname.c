/* Event-name qualifiers and VM-name escaping; see pv_evname.h. */
#include "pv_evname.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "pv_fs.h"
#include "pv_msg.h"

/* Decodes esc[0..n) into buf; -EINVAL on a bad escape or encoded NUL. */
static int pv_unescape_n(const char *esc, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)esc[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -EINVAL;
			hi = pv_parse_hexdigit(esc[i + 1]);
			lo = pv_parse_hexdigit(esc[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = hi * 16 + lo;
			if (c == 0)
				return -EINVAL;
			i += 2;
		}
		if (o + 1 >= len)
			return -ENAMETOOLONG;
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return 0;
}

int pv_evname_unescape(const char *esc, char *buf, size_t len)
{
	return pv_unescape_n(esc, strlen(esc), buf, len);
}

static int pv_is_plain(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-';
}

int pv_evname_escape(const char *raw, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
		size_t need = pv_is_plain(*p) ? 1 : 3;

		if (o + need >= len)
			return -ENAMETOOLONG;
		if (need == 1) {
			buf[o++] = (char)*p;
		} else {
			buf[o++] = '%';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		}
	}
	if (len == 0)
		return -ENAMETOOLONG;
	buf[o] = '\0';
	return 0;
}

static int pv_valid_key(const char *k, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_')
			return 0;
	return 1;
}

/* One ":key=value", ":key@value" or ":flag" segment of length n. */
static int pv_parse_qual(const char *seg, size_t n, struct pv_qual *q)
{
	size_t klen = 0;

	while (klen < n && seg[klen] != '=' && seg[klen] != '@')
		klen++;
	if (!pv_valid_key(seg, klen))
		return -EINVAL;
	if (klen >= sizeof(q->key))
		return -ENAMETOOLONG;
	memcpy(q->key, seg, klen);
	q->key[klen] = '\0';
	if (klen == n) {
		q->has_value = 0;
		q->value[0] = '\0';
		return 0;
	}
	q->has_value = 1;
	return pv_unescape_n(seg + klen + 1, n - klen - 1, q->value, sizeof(q->value));
}

int pv_evname_parse(const char *name, struct pv_evname *ret)
{
	return pv_evname_parse_why(name, ret, NULL, 0);
}

int pv_evname_parse_why(const char *name, struct pv_evname *ret, char *why, size_t wlen)
{
	struct pv_evname ev;
	const char *p = strchr(name, ':');
	size_t blen = p ? (size_t)(p - name) : strlen(name);

	memset(&ev, 0, sizeof(ev));
	if (blen == 0) {
		pv_msgf(why, wlen, "the name before the first ':' is empty");
		return -EINVAL;
	}
	if (blen >= sizeof(ev.base)) {
		pv_msgf(why, wlen, "the name before the first ':' is %zu characters (at most %zu)", blen,
			sizeof(ev.base) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(ev.base, name, blen);
	ev.base[blen] = '\0';
	while (p) {
		const char *seg = p + 1;
		const char *next = strchr(seg, ':');
		size_t n = next ? (size_t)(next - seg) : strlen(seg);
		int rc;

		if (ev.nquals == PV_EVNAME_MAX_QUALS) {
			pv_msgf(why, wlen, "more than %d qualifiers", PV_EVNAME_MAX_QUALS);
			return -EINVAL;
		}
		rc = pv_parse_qual(seg, n, &ev.quals[ev.nquals]);
		if (rc == -ENAMETOOLONG) {
			pv_msgf(why, wlen, "the qualifier '%.20s%s' is %zu characters long (key at most %d, value at most %d)",
				seg, n > 20 ? "..." : "", n, PV_EVNAME_KEY_MAX - 1, PV_EVNAME_VALUE_MAX - 1);
			return rc;
		}
		if (rc < 0) {
			pv_msgf(why, wlen, "the qualifier '%.*s' is malformed (empty key or bad %%XX escape)",
				(int)(n > 40 ? 40 : n), seg);
			return rc;
		}
		for (int i = 0; i < ev.nquals; i++)
			if (strcmp(ev.quals[i].key, ev.quals[ev.nquals].key) == 0) {
				pv_msgf(why, wlen, "the qualifier '%s' is given twice", ev.quals[i].key);
				return -EINVAL;
			}
		ev.nquals++;
		p = next;
	}
	*ret = ev;
	return 0;
}

static const struct pv_qual *pv_find_qual(const struct pv_evname *ev, const char *key)
{
	for (int i = 0; i < ev->nquals; i++)
		if (strcmp(ev->quals[i].key, key) == 0)
			return &ev->quals[i];
	return NULL;
}

const char *pv_evname_value(const struct pv_evname *ev, const char *key)
{
	const struct pv_qual *q = pv_find_qual(ev, key);

	return (q && q->has_value) ? q->value : NULL;
}

int pv_evname_has(const struct pv_evname *ev, const char *key)
{
	return pv_find_qual(ev, key) != NULL;
}

int pv_evname_int(const struct pv_evname *ev, const char *key, int *ret)
{
	const char *v = pv_evname_value(ev, key);
	uint64_t u;
	int rc;

	if (!v)
		return -ENOENT;
	/* "07" or " 7" would make two names for one event: digits only, no
	 * leading zero except "0" itself. */
	if (!*v || (v[0] == '0' && v[1]))
		return -EINVAL;
	for (const char *c = v; *c; c++)
		if (!isdigit((unsigned char)*c))
			return -EINVAL;
	rc = pv_parse_u64(v, &u);
	if (rc < 0)
		return rc;
	if (u > INT_MAX)
		return -ERANGE;
	*ret = (int)u;
	return 0;
}
