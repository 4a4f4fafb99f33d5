/* Basic authentication against bcrypt hashes (see util_webcfg.h). */
#include "util_bcrypt.h"
#include "util_webcfg.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct util_auth {
	const struct util_webcfg *w;
	struct crypt_data cd;        /* one: the daemon calls us from one thread */
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];    /* SHA-256-crypt salt of the cache */
	char **ok;                   /* per user: the last good pair, hashed; or NULL */
	char dummy[CRYPT_OUTPUT_SIZE];  /* checked for unknown users: same cost */
};

int util_bcrypt_valid(const char *s)
{
	struct crypt_data cd;
	if (strncmp(s, "$2a$", 4) != 0 && strncmp(s, "$2b$", 4) != 0 && strncmp(s, "$2y$", 4) != 0)
		return 0;
	/* Cost and salt checks are libcrypt's: it refuses a malformed setting
	 * (one bcrypt per user at start-up). */
	if (strlen(s) != 60)
		return 0;
	memset(&cd, 0, sizeof(cd));
	const char *h = crypt_rn("probe", s, &cd, sizeof(cd));
	return h && strncmp(h, s, 7) == 0;
}

/* Constant time: no early exit on the first differing byte. */
static int same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The cache key of a user/password pair: SHA-256-crypt with our salt. */
static const char *pair_hash(struct util_auth *a, const char *user, const char *pass, char *buf,
			     size_t len)
{
	char *pair;
	if (asprintf(&pair, "%s:%s", user, pass) < 0)
		return NULL;
	const char *h = crypt_rn(pair, a->salt, &a->cd, sizeof(a->cd));
	explicit_bzero(pair, strlen(pair));
	free(pair);
	if (!h)
		return NULL;
	snprintf(buf, len, "%s", h);
	return buf;
}

int util_auth_new(const struct util_webcfg *w, struct util_auth **ret)
{
	unsigned char rnd[16];
	struct util_auth *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->w = w;
	a->ok = calloc(w->nusers ? w->nusers : 1, sizeof(*a->ok));
	if (!a->ok || getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
	    !crypt_gensalt_rn("$5$", 1000, (const char *)rnd, sizeof(rnd), a->salt, sizeof(a->salt))) {
		util_auth_free(a);
		return -EIO;
	}
	/* An unknown user costs the same bcrypt as a known one (no user probing
	 * by timing); the first user's hash gives the cost. */
	snprintf(a->dummy, sizeof(a->dummy), "%s", w->users[0].hash);
	*ret = a;
	return 0;
}

int util_auth_check(struct util_auth *a, const char *user, const char *pass)
{
	const struct util_webcfg *w = a->w;
	char key[CRYPT_OUTPUT_SIZE];
	size_t u = 0;
	while (u < w->nusers && strcmp(w->users[u].name, user) != 0)
		u++;
	if (u == w->nusers) {
		crypt_rn(pass, a->dummy, &a->cd, sizeof(a->cd));
		return 0;
	}
	const char *k = pair_hash(a, user, pass, key, sizeof(key));
	if (k && a->ok[u] && same(k, a->ok[u]))
		return 1;
	const char *h = crypt_rn(pass, w->users[u].hash, &a->cd, sizeof(a->cd));
	if (!h || !same(h, w->users[u].hash))
		return 0;
	if (k) {
		free(a->ok[u]);
		a->ok[u] = strdup(k);
	}
	return 1;
}

void util_auth_free(struct util_auth *a)
{
	if (!a)
		return;
	if (a->ok)
		for (size_t i = 0; i < a->w->nusers; i++)
			free(a->ok[i]);
	free(a->ok);
	free(a);
}
