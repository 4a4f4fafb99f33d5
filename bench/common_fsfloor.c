/*
 * common_fsfloor: the file-read floor under a sysfs-reading PAPI_read, i.e.
 * the cost of reading the same files with nothing around it.
 *
 *   common_fsfloor MODE BATCHES ROUNDS FILE...
 *     MODE = openread  open + read + close of every FILE per round
 *                      (what a reader that does not keep descriptors pays)
 *            pread     pread at offset 0 on descriptors opened once
 *                      (what stock powercap does)
 *
 * Prints "S <ns per round over all FILEs>" per batch of ROUNDS rounds, so a
 * sample compares directly with one PAPI_read of one event per FILE.
 */
#include <errno.h>
#include <fcntl.h>

#include "common_timing.h"

static const char *prog = "common_fsfloor";

static int read_all_openread(char **files, int n)
{
	char buf[64];
	for (int i = 0; i < n; i++) {
		int fd = open(files[i], O_RDONLY);
		if (fd < 0)
			return errno;
		ssize_t r = read(fd, buf, sizeof(buf));
		close(fd);
		if (r <= 0)
			return r < 0 ? errno : EIO;
	}
	return 0;
}

static int read_all_pread(const int *fds, int n)
{
	char buf[64];
	for (int i = 0; i < n; i++)
		if (pread(fds[i], buf, sizeof(buf), 0) <= 0)
			return errno ? errno : EIO;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s openread|pread BATCHES ROUNDS FILE...\n", prog);
		return 2;
	}
	int use_pread = strcmp(argv[1], "pread") == 0;
	if (!use_pread && strcmp(argv[1], "openread") != 0) {
		fprintf(stderr, "%s: unknown mode '%s'\n", prog, argv[1]);
		return 2;
	}
	long batches = pvb_arg_long(prog, "BATCHES", argv[2]);
	long rounds = pvb_arg_long(prog, "ROUNDS", argv[3]);
	int n = argc - 4;
	char **files = argv + 4;
	int *fds = calloc((size_t)n, sizeof(int));
	if (!fds)
		return 1;
	for (int i = 0; i < n; i++) {
		fds[i] = open(files[i], O_RDONLY);
		if (fds[i] < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, files[i], strerror(errno));
			return 1;
		}
	}
	if (!use_pread)
		for (int i = 0; i < n; i++)
			close(fds[i]);
	for (long b = 0; b < batches; b++) {
		double t0 = pvb_now_ns();
		for (long r = 0; r < rounds; r++) {
			int err = use_pread ? read_all_pread(fds, n) : read_all_openread(files, n);
			if (err) {
				fprintf(stderr, "%s: %s: %s\n", prog, argv[1], strerror(err));
				return 1;
			}
		}
		pvb_sample((pvb_now_ns() - t0) / (double)rounds);
	}
	pvb_kv("nfiles", n);
	return 0;
}
