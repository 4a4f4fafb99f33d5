/*
 * util_webcfg: papi_vmpower's --web.config.file, in the format of
 * Prometheus' exporter-toolkit (the file node_exporter takes), subset:
 *
 *   tls_server_config:
 *     cert_file: server.crt      # PEM; relative paths: to the file's directory
 *     key_file: server.key
 *     client_auth_type: NoClientCert   # the only value supported
 *   http_server_config:
 *     http2: true                # accepted; the server speaks HTTP/1.1
 *   basic_auth_users:
 *     alice: $2y$10$...          # bcrypt hashes (htpasswd -nBC 10 alice)
 *
 * Parsed with libyaml (real YAML: quoting, comments, flow style).  Every
 * other key is refused with an error naming it, as exporter-toolkit refuses
 * unknown fields, so no security setting is silently ignored.
 *
 * util_auth: checks HTTP basic credentials against the bcrypt hashes
 * (libcrypt's crypt_rn); a successful pair is remembered as a SHA-256-crypt
 * of it with a random salt, so a scrape every second does not pay a bcrypt
 * each time, and no password is kept in memory.
 */
#ifndef UTIL_WEBCFG_H
#define UTIL_WEBCFG_H

#include <stddef.h>

struct util_webuser {
	char *name;
	char *hash;
};

struct util_webcfg {
	char *path;
	int tls;
	char *cert_file, *key_file;   /* as resolved */
	char *cert_pem, *key_pem;     /* their contents, NUL terminated */
	struct util_webuser *users;
	size_t nusers;
};

/* 0, or -errno with one sentence in err: "FILE:LINE: FIELD: reason". */
int util_webcfg_load(const char *path, struct util_webcfg **ret, char *err, size_t errlen);
void util_webcfg_free(struct util_webcfg *w);

struct util_auth;
int util_auth_new(const struct util_webcfg *w, struct util_auth **ret);
/* 1 when user and password match a basic_auth_users entry. */
int util_auth_check(struct util_auth *a, const char *user, const char *pass);
void util_auth_free(struct util_auth *a);

#endif
