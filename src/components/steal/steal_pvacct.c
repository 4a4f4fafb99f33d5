/* Detection of paravirt steal accounting; see steal_pvacct.h. */
#include "steal_pvacct.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pv_fs.h"

#define STEAL_CONFIG_MAX (4u << 20) /* kernel configs are ~250 KB */

int steal_pvacct_cmdline_off(const char *cmdline)
{
	static const char word[] = "no-steal-acc";
	const char *p = cmdline;
	size_t wl = sizeof(word) - 1;

	/* Kernel parameters after a lone "--" go to init, not the kernel. */
	while ((p = strstr(p, word)) != NULL) {
		int start = (p == cmdline || p[-1] == ' ' || p[-1] == '\t');
		char end = p[wl];

		if (start && (end == '\0' || end == ' ' || end == '\t' || end == '\n')) {
			const char *dd = strstr(cmdline, " -- ");

			return !(dd && dd < p);
		}
		p += wl;
	}
	return 0;
}

int steal_pvacct_config_on(const char *config)
{
	static const char key[] = "CONFIG_PARAVIRT_TIME_ACCOUNTING=";
	const char *p = config;

	while ((p = strstr(p, key)) != NULL) {
		if (p == config || p[-1] == '\n')
			return p[sizeof(key) - 1] == 'y';
		p++;
	}
	return 0;
}

/* zlib, loaded at run time: /proc/config.gz is the only compressed input
 * and most builds never need it, so libpapi gets no link dependency. */
typedef void *steal_gzFile;
struct steal_zlib {
	steal_gzFile (*gzdopen)(int, const char *);
	int (*gzread)(steal_gzFile, void *, unsigned);
	int (*gzclose)(steal_gzFile);
};

static int steal_zlib_load(struct steal_zlib *z)
{
	void *h = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return -ENOENT;
	*(void **)&z->gzdopen = dlsym(h, "gzdopen");
	*(void **)&z->gzread = dlsym(h, "gzread");
	*(void **)&z->gzclose = dlsym(h, "gzclose");
	if (!z->gzdopen || !z->gzread || !z->gzclose)
		return -ENOENT;
	/* The handle stays open: dlclose would gain nothing. */
	return 0;
}

/* Reads a gzip (or plain: gzread passes plain files through) file. */
/* 1 when the config text holds a complete line setting CONFIG_<opt>
 * ("CONFIG_<opt>=..." or "# CONFIG_<opt> is not set"): each option appears
 * once, so the rest of the file cannot change the answer. */
static int steal_kconfig_decided(const char *config, const char *opt)
{
	char set[96], unset[96];
	const char *p;

	snprintf(set, sizeof(set), "\nCONFIG_%s=", opt);
	snprintf(unset, sizeof(unset), "\n# CONFIG_%s is not set\n", opt);
	if (strstr(config, unset))
		return 1;
	p = strstr(config, set);
	return p && strchr(p + 1, '\n') != NULL;
}

static int steal_read_gz(char **ret)
{
	struct steal_zlib z;
	steal_gzFile f;
	size_t cap = 1u << 18, got = 0;
	char *buf;
	int rc = steal_zlib_load(&z), fd;

	if (rc < 0)
		return rc;
	/* Through pv_fs: a FIFO is refused instead of blocking gzread. */
	fd = pv_fs_open(PV_PROC, "config.gz", O_RDONLY);
	if (fd < 0)
		return fd;
	f = z.gzdopen(fd, "rb");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	buf = malloc(cap);
	if (!buf) {
		z.gzclose(f);
		return -ENOMEM;
	}
	for (;;) {
		int n;

		if (got + 1 >= cap) {
			char *nb;

			if (cap >= STEAL_CONFIG_MAX) {
				rc = -EFBIG;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		/* 16 KiB at a time, so decompression stops once both
		 * options are decided (near the start of a kconfig). */
		size_t want = cap - 1 - got < 16384 ? cap - 1 - got : 16384;
		n = z.gzread(f, buf + got, (unsigned)want);
		if (n < 0) {
			rc = -EIO;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (steal_kconfig_decided(buf, "PARAVIRT_TIME_ACCOUNTING") &&
		    steal_kconfig_decided(buf, "IRQ_TIME_ACCOUNTING"))
			break;
	}
	z.gzclose(f);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[got] = '\0';
	*ret = buf;
	return 0;
}

static int steal_kconfig(char **ret, char *path, size_t len);

static void steal_set(char *dst, size_t len, const char *src)
{
	if (len)
		snprintf(dst, len, "%s", src);
}

static int steal_irqtime_on(const char *config)
{
	return strstr(config, "\nCONFIG_IRQ_TIME_ACCOUNTING=y") != NULL ||
	       strncmp(config, "CONFIG_IRQ_TIME_ACCOUNTING=y", 28) == 0;
}

/* The kernel config is read (and decompressed) once for both answers:
 * it is the costliest step of PAPI_library_init for this component. */
enum steal_pvacct steal_pvacct_probe(char *ret_source, size_t len, int *ret_irqtime)
{
	char line[4096], path[PATH_MAX];
	char *config = NULL;
	int on, have;

	steal_set(ret_source, len, "");
	have = steal_kconfig(&config, path, sizeof(path)) == 0;
	*ret_irqtime = have ? steal_irqtime_on(config) : 1;
	if (pv_fs_read_line(PV_PROC, "cmdline", line, sizeof(line)) == 0 &&
	    steal_pvacct_cmdline_off(line)) {
		free(config);
		if (pv_fs_path(PV_PROC, "cmdline", path, sizeof(path)) == 0)
			steal_set(ret_source, len, path);
		return STEAL_PVACCT_CMDLINE_OFF;
	}
	if (!have)
		return STEAL_PVACCT_UNKNOWN;
	steal_set(ret_source, len, path);
	on = steal_pvacct_config_on(config);
	free(config);
	return on ? STEAL_PVACCT_KERNEL : STEAL_PVACCT_CONFIG_OFF;
}

enum steal_pvacct steal_pvacct_detect(char *ret_source, size_t len)
{
	int irq;

	return steal_pvacct_probe(ret_source, len, &irq);
}

/* The running kernel's config text (malloc'd) and its path. */
static int steal_kconfig(char **ret, char *path, size_t len)
{
	char release[128], rel[160];

	if (pv_fs_path(PV_PROC, "config.gz", path, len) == 0 && steal_read_gz(ret) == 0)
		return 0;
	/* Debian and most distributions install the config beside the
	 * kernel: <bootfs>/config-<release>. */
	if (pv_fs_read_line(PV_PROC, "sys/kernel/osrelease", release, sizeof(release)) == 0 &&
	    snprintf(rel, sizeof(rel), "config-%s", release) < (int)sizeof(rel) &&
	    pv_fs_path(PV_BOOT, rel, path, len) == 0 &&
	    pv_fs_read_all(PV_BOOT, rel, STEAL_CONFIG_MAX, ret, NULL) == 0)
		return 0;
	return -ENOENT;
}

int steal_pvacct_irqtime(void)
{
	char path[PATH_MAX], *config = NULL;
	int on;

	if (steal_kconfig(&config, path, sizeof(path)) < 0)
		return 1;
	on = steal_irqtime_on(config);
	free(config);
	return on;
}

const char *steal_pvacct_describe(enum steal_pvacct a)
{
	switch (a) {
	case STEAL_PVACCT_KERNEL:
		return "this kernel already excludes steal from thread CPU time "
		       "(CONFIG_PARAVIRT_TIME_ACCOUNTING=y, no no-steal-acc): nothing is subtracted";
	case STEAL_PVACCT_CMDLINE_OFF:
		return "this kernel was booted with no-steal-acc, so thread CPU time includes steal: "
		       "the THREAD_STEAL_NS estimate is subtracted";
	case STEAL_PVACCT_CONFIG_OFF:
		return "this kernel has no CONFIG_PARAVIRT_TIME_ACCOUNTING, so thread CPU time includes "
		       "steal: the THREAD_STEAL_NS estimate is subtracted";
	default:
		return "no kernel config was readable (/proc/config.gz, /boot/config-<release>): assumed "
		       "CONFIG_PARAVIRT_TIME_ACCOUNTING off (its default), the THREAD_STEAL_NS estimate is "
		       "subtracted";
	}
}
