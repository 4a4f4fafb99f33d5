/*
 * papi_appio_run: runs a dynamically linked program with the appio
 * interposer preloaded and prints the program's process-wide appio counters
 * when it exits, for programs that cannot be recompiled.
 *
 *   papi_appio_run [-j|--json] [-a|--all] [-o FILE] [--] CMD [ARGS...]
 *
 * The interposer is libpapi_appio_preload.so, found through
 * $PAPI_APPIO_PRELOAD, else next to this program, else in ../lib/papi-virt/.
 * Exit status: the program's, or 128+N when signal N ended it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "appio_report.h"
#include "pv_fs.h"

static void usage(FILE *out)
{
	fputs("usage: papi_appio_run [-j|--json] [-a|--all] [-o FILE] [--] CMD [ARGS...]\n"
	      "  Runs CMD with the appio interposer preloaded and prints its process-wide\n"
	      "  I/O counters (appio events) when it exits: a table on stderr by default.\n"
	      "  -j, --json   print JSON instead of a table\n"
	      "  -a, --all    print every event, zeros included (the table omits zeros)\n"
	      "  -o FILE      write the counters to FILE instead of stderr\n"
	      "  Environment: PAPI_APPIO_PRELOAD=path of libpapi_appio_preload.so\n",
	      out);
}

static int find_preload(char *buf, size_t len)
{
	const char *env = getenv("PAPI_APPIO_PRELOAD");
	if (env && *env) {
		if (access(env, R_OK) != 0) {
			fprintf(stderr, "papi_appio_run: PAPI_APPIO_PRELOAD=%s: %s\n", env, strerror(errno));
			return -1;
		}
		snprintf(buf, len, "%s", env);
		return 0;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		const char *dir = dirname(exe);
		const char *cand[] = { "", "/../lib/papi-virt" };
		for (unsigned i = 0; i < 2; i++) {
			snprintf(buf, len, "%s%s/libpapi_appio_preload.so", dir, cand[i]);
			if (access(buf, R_OK) == 0)
				return 0;
		}
	}
	fprintf(stderr, "papi_appio_run: libpapi_appio_preload.so not found next to this program "
			"nor in ../lib/papi-virt/; set PAPI_APPIO_PRELOAD\n");
	return -1;
}

/* The report the preloaded program wrote, NULL when it left none.  Through
 * pv_fs: whatever sits at that path by then, a FIFO never blocks us. */
static char *read_file(const char *path)
{
	char *buf;

	return pv_fs_read_all_path(path, APPIO_REPORT_MAX, &buf, NULL) < 0 ? NULL : buf;
}

static void child_exec(char **argv, const char *preload, const char *report)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	const char *old = getenv("LD_PRELOAD");
	size_t len = strlen(preload) + (old ? strlen(old) + 1 : 0) + 1;
	char *lp = malloc(len);
	if (!lp)
		_exit(127);
	snprintf(lp, len, "%s%s%s", preload, old && *old ? ":" : "", old ? old : "");
	if (setenv("LD_PRELOAD", lp, 1) || setenv("PAPI_APPIO_REPORT", report, 1) ||
	    setenv("PAPI_APPIO_REPORT_PID", pid, 1))
		_exit(127);
	execvp(argv[0], argv);
	fprintf(stderr, "papi_appio_run: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, 0, 'j' }, { "all", no_argument, 0, 'a' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
	};
	int json = 0, all = 0, c;
	const char *outpath = NULL;
	while ((c = getopt_long(argc, argv, "+jao:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'a': all = 1; break;
		case 'o': outpath = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	char preload[PATH_MAX];
	if (find_preload(preload, sizeof(preload)) < 0)
		return 2;
	const char *tmpdir = getenv("TMPDIR");
	char report[PATH_MAX];
	snprintf(report, sizeof(report), "%s/papi_appio_run.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int rfd = mkstemp(report);
	if (rfd < 0) {
		fprintf(stderr, "papi_appio_run: cannot create a report file in %s: %s\n",
			tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
		return 2;
	}
	close(rfd);

	/* Like system(): the terminal's SIGINT/SIGQUIT are for the program. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "papi_appio_run: fork: %s\n", strerror(errno));
		unlink(report);
		return 2;
	}
	if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		child_exec(argv + optind, preload, report);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	int status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

	char *text = read_file(report);
	unlink(report);
	uint64_t slots[APPIO_NSLOTS];
	if (!text || !*text || appio_report_parse(text, slots) < 0) {
		fprintf(stderr, "papi_appio_run: %s left no counters (it ended by _exit, exec of a "
				"statically linked program, or %s; or it is statically linked)\n",
			argv[optind], status < 0 ? "a signal" : "a crash");
		free(text);
		return rc ? rc : 1;
	}
	free(text);
	FILE *out = stderr;
	if (outpath && !(out = fopen(outpath, "we"))) {
		fprintf(stderr, "papi_appio_run: cannot write %s: %s\n", outpath, strerror(errno));
		return rc ? rc : 1;
	}
	int err = json ? appio_report_json(out, slots, argv + optind, status) : appio_report_table(out, slots, all);
	if (outpath && fclose(out) != 0)
		err = -EIO;
	if (err < 0) {
		fprintf(stderr, "papi_appio_run: writing the counters to %s failed\n", outpath ? outpath : "stderr");
		return rc ? rc : 1;
	}
	return rc;
}
