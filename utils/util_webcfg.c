/* --web.config.file: exporter-toolkit's web configuration (see util_webcfg.h). */
#include "util_webcfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "pv_fs.h"
#include "util_bcrypt.h"

#define PEM_MAX (1u << 20)

struct ctx {
	const char *path;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n)
		snprintf(c->err, c->errlen, "%s:%zu: %s", c->path, n->start_mark.line + 1, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
	return -EINVAL;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A file named in the config, relative to the config's own directory. */
static char *resolve(const char *cfg, const char *file)
{
	const char *slash = strrchr(cfg, '/');
	char *p;
	if (file[0] == '/' || !slash)
		return strdup(file);
	if (asprintf(&p, "%.*s/%s", (int)(slash - cfg), cfg, file) < 0)
		return NULL;
	return p;
}

static int read_pem(struct ctx *c, const yaml_node_t *n, const char *field, const char *file,
		    char **ret)
{
	char *buf;
	size_t len;
	/* One byte past the limit: reading it means the file is too large. */
	int rc = pv_fs_read_all_path(file, PEM_MAX + 1, &buf, &len);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		return fail(c, n, "%s: cannot read %s: %s", field, file,
			    rc == -PV_ENOTREG ? "not a regular file" : strerror(-rc));
	if (len == 0 || len > PEM_MAX || !memmem(buf, len, "-----BEGIN ", 11)) {
		free(buf);
		return fail(c, n, "%s: %s is %s", field, file,
			    len == 0 ? "empty" : len > PEM_MAX ? "larger than 1 MiB" : "not PEM (no -----BEGIN line)");
	}
	*ret = buf;
	return 0;
}

static int tls_config(struct ctx *c, const yaml_node_t *m, struct util_webcfg *w)
{
	const yaml_node_t *cert_n = NULL, *key_n = NULL;
	const char *cert = NULL, *key = NULL;

	if (m->type != YAML_MAPPING_NODE)
		return fail(c, m, "tls_server_config: expected a mapping");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		const char *k = scalar(kn), *v = scalar(vn);
		if (!k)
			return fail(c, kn, "tls_server_config: keys must be plain strings");
		if (strcmp(k, "cert_file") == 0 || strcmp(k, "key_file") == 0) {
			if (!v)
				return fail(c, vn, "tls_server_config.%s: expected a file name", k);
			if (k[0] == 'c')
				cert = v, cert_n = vn;
			else
				key = v, key_n = vn;
		} else if (strcmp(k, "client_auth_type") == 0) {
			if (!v || (*v && strcmp(v, "NoClientCert") != 0))
				return fail(c, vn, "tls_server_config.client_auth_type: '%s' is not supported "
					    "(papi_vmpower does not verify client certificates; use NoClientCert)",
					    v ? v : "?");
		} else {
			return fail(c, kn, "tls_server_config.%s: not supported by papi_vmpower "
				    "(supported: cert_file, key_file, client_auth_type: NoClientCert)", k);
		}
	}
	if (!cert || !*cert)
		return fail(c, m, "tls_server_config.cert_file: missing (a PEM certificate is required)");
	if (!key || !*key)
		return fail(c, m, "tls_server_config.key_file: missing (a PEM private key is required)");
	w->cert_file = resolve(c->path, cert);
	w->key_file = resolve(c->path, key);
	if (!w->cert_file || !w->key_file)
		return -ENOMEM;
	int rc = read_pem(c, cert_n, "tls_server_config.cert_file", w->cert_file, &w->cert_pem);
	if (rc == 0)
		rc = read_pem(c, key_n, "tls_server_config.key_file", w->key_file, &w->key_pem);
	w->tls = rc == 0;
	return rc;
}

static int http_config(struct ctx *c, const yaml_node_t *m)
{
	if (m->type != YAML_MAPPING_NODE)
		return fail(c, m, "http_server_config: expected a mapping");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		const char *k = scalar(kn), *v = scalar(vn);
		if (!k || strcmp(k, "http2") != 0)
			return fail(c, kn, "http_server_config.%s: not supported by papi_vmpower "
				    "(supported: http2)", k ? k : "?");
		if (!v || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0))
			return fail(c, vn, "http_server_config.http2: expected true or false");
	}
	return 0;
}

static int users_config(struct ctx *c, const yaml_node_t *m, struct util_webcfg *w)
{
	if (m->type != YAML_MAPPING_NODE)
		return fail(c, m, "basic_auth_users: expected a mapping of user names to bcrypt hashes");
	size_t n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
	w->users = calloc(n ? n : 1, sizeof(*w->users));
	if (!w->users)
		return -ENOMEM;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		const char *k = scalar(kn), *v = scalar(vn);
		if (!k || !*k || strchr(k, ':'))
			return fail(c, kn, "basic_auth_users: a user name must be a non-empty string without ':'");
		if (!v || !util_bcrypt_valid(v))
			return fail(c, vn, "basic_auth_users.%s: not a bcrypt hash ($2y$, $2b$ or $2a$, "
				    "cost 4-31; make one with: htpasswd -nBC 10 %s)", k, k);
		for (size_t i = 0; i < w->nusers; i++)
			if (strcmp(w->users[i].name, k) == 0)
				return fail(c, kn, "basic_auth_users.%s: given twice", k);
		w->users[w->nusers].name = strdup(k);
		w->users[w->nusers].hash = strdup(v);
		if (!w->users[w->nusers].name || !w->users[w->nusers].hash)
			return -ENOMEM;
		w->nusers++;
	}
	return 0;
}

static int walk(struct ctx *c, struct util_webcfg *w)
{
	const yaml_node_t *root = yaml_document_get_root_node(c->doc);
	if (!root || (root->type == YAML_SCALAR_NODE && !*scalar(root)))
		return 0;   /* empty file: plain HTTP, no authentication (as exporter-toolkit) */
	if (root->type != YAML_MAPPING_NODE)
		return fail(c, root, "expected a mapping (tls_server_config, http_server_config, basic_auth_users)");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		const char *k = scalar(kn);
		int rc;
		if (!k)
			rc = fail(c, kn, "keys must be plain strings");
		else if (strcmp(k, "tls_server_config") == 0)
			rc = tls_config(c, vn, w);
		else if (strcmp(k, "http_server_config") == 0)
			rc = http_config(c, vn);
		else if (strcmp(k, "basic_auth_users") == 0)
			rc = users_config(c, vn, w);
		else
			rc = fail(c, kn, "%s: unknown field (known: tls_server_config, http_server_config, "
				  "basic_auth_users)", k);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int util_webcfg_load(const char *path, struct util_webcfg **ret, char *err, size_t errlen)
{
	struct ctx c = { .path = path, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *f = fopen(path, "re");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "--web.config.file %s: %s", path, strerror(e));
		return -e;
	}
	struct util_webcfg *w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path)) || !yaml_parser_initialize(&parser)) {
		fclose(f);
		util_webcfg_free(w);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	int rc = 0;
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: not valid YAML: %s", path, parser.problem_mark.line + 1,
			 parser.problem_mark.column + 1, parser.problem ? parser.problem : "?");
		rc = -EINVAL;
	} else {
		c.doc = &doc;
		rc = walk(&c, w);
		if (rc == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	if (rc < 0) {
		util_webcfg_free(w);
		return rc;
	}
	*ret = w;
	return 0;
}

void util_webcfg_free(struct util_webcfg *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nusers; i++) {
		free(w->users[i].name);
		free(w->users[i].hash);
	}
	free(w->users);
	if (w->key_pem) {
		explicit_bzero(w->key_pem, strlen(w->key_pem));
		free(w->key_pem);
	}
	free(w->cert_pem);
	free(w->cert_file);
	free(w->key_file);
	free(w->path);
	free(w);
}
