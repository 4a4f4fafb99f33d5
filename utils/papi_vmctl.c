/*
 * papi_vmctl: read and change host power controls (CPU frequency, governor,
 * P-state limits, RAPL limits) through the PAPI API (component rapl_vm), for
 * the life of a command; restore what a killed process left changed.
 * Uses only the PAPI API, plus the helper library's saved control state
 * (pv_ctlstate.h, src/shared/pv_helpers.h) for "restore".  See --help and
 * docs/rapl_vm.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "papi.h"
#include "pv_clock.h"
#include "pv_config.h"
#include "pv_ctlstate.h"

#define COMP "rapl_vm"
#define PFX COMP ":::"
#define MAXEV 64

static const char usage_text[] =
"NAME\n"
"    papi_vmctl - read and change host power controls through PAPI (rapl_vm)\n"
"\n"
"SYNOPSIS\n"
"    papi_vmctl list\n"
"    papi_vmctl get EVENT...\n"
"    papi_vmctl run [--hold SECONDS] EVENT=VALUE... [-- COMMAND [ARG]...]\n"
"    papi_vmctl restore [--state-dir DIR]\n"
"\n"
"DESCRIPTION\n"
"    list     every rapl_vm event with its current value (energy events read\n"
"             0: they count from PAPI_start).\n"
"    get      the current value of each EVENT.\n"
"    run      sets every EVENT to VALUE with ONE PAPI_write on a running\n"
"             EventSet (validated by the component against the hardware's\n"
"             limits; nothing changes if any value is rejected), then runs\n"
"             COMMAND, or waits --hold SECONDS, or waits for SIGINT/SIGTERM;\n"
"             then restores every original value (PAPI_shutdown) and exits\n"
"             with COMMAND's status.  Values are integers in the event's\n"
"             units; -1 keeps a control; CPU_GOVERNOR also takes a governor\n"
"             name (e.g. userspace).  The value follows the LAST '=':\n"
"             CPU_GOVERNOR:cpu=0=userspace.\n"
"    restore  writes back the original values saved by processes that died\n"
"             without restoring them (SIGKILL, crash): their state files in\n"
"             the state directory.  Files of live processes are left alone.\n"
"\n"
"    EVENT may omit the \"rapl_vm:::\" prefix.  PAPI_write only acts on a\n"
"    RUNNING EventSet (on a stopped one PAPI returns PAPI_OK and changes\n"
"    nothing): run checks the EventSet state before writing and reads every\n"
"    value back after.\n"
"\n"
"OPTIONS\n"
"        --hold SECONDS     run: keep the values this long (0.1 .. 31536000)\n"
"                           when no COMMAND is given\n"
"        --state-dir DIR    restore: the state directory (default below)\n"
"    -q, --quiet            run/restore: no progress messages\n"
"    -h, --help             this text\n"
"\n"
"ENVIRONMENT\n"
"    PAPI_VIRT_SYSFS        root of /sys (fixture trees in tests)\n"
"    PAPI_VIRT_STATE_DIR    saved-state directory; default /run/papi-virt\n"
"                           for root, else $XDG_RUNTIME_DIR/papi-virt, else\n"
"                           /tmp/papi-virt-UID\n"
"    LD_LIBRARY_PATH        must reach papi-virt's libpapi when not installed\n"
"\n"
"EXIT STATUS\n"
"    0  success (run: COMMAND's status when a COMMAND is given)\n"
"    1  PAPI or component error: a value rejected (PAPI_EINVAL, the reason\n"
"       names the file, value and limit), no permission (PAPI_EPERM), a\n"
"       control owned by another process (PAPI_ECNFLCT), rapl_vm disabled,\n"
"       or restore failed\n"
"    2  usage error\n"
"\n"
"EXAMPLES\n"
"    papi_vmctl run CPU_GOVERNOR:cpu=2=userspace CPU_SETSPEED_KHZ:cpu=2=1800000 -- ./bench\n"
"    papi_vmctl run --hold 600 PSTATE_MAX_PERF_PCT=50 \\\n"
"        POWER_LIMIT_UW:pkg=0:constraint=long_term=100000000 LIMIT_ENABLED:pkg=0=1\n"
"    papi_vmctl get PACKAGE_ENERGY_UJ:pkg=0 CPU_CUR_FREQ_KHZ:cpu=0\n"
"    papi_vmctl restore\n"
"\n"
"SEE ALSO\n"
"    papi_native_avail(1) (-i rapl_vm), docs/rapl_vm.md\n";

static int quiet;
static volatile sig_atomic_t stop_flag;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "papi_vmctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'papi_vmctl --help'.\n");
	return 2;
}

static void full_name(const char *ev, char *buf, size_t len)
{
	if (strstr(ev, ":::"))
		snprintf(buf, len, "%s", ev);
	else
		snprintf(buf, len, PFX "%s", ev);
}

static int init_papi(void)
{
	const PAPI_component_info_t *ci;
	int rc = PAPI_library_init(PAPI_VER_CURRENT), cid;

	if (rc != PAPI_VER_CURRENT) {
		fprintf(stderr, "papi_vmctl: PAPI_library_init: %s\n", rc < 0 ? PAPI_strerror(rc) : "version mismatch");
		return -1;
	}
	/* Show the component's messages (which file, value and limit a
	 * rejected value broke) on stderr. */
	PAPI_set_debug(PAPI_VERB_ECONT);
	cid = PAPI_get_component_index(COMP);
	ci = cid < 0 ? NULL : PAPI_get_component_info(cid);
	if (!ci) {
		fprintf(stderr, "papi_vmctl: this libpapi has no %s component\n", COMP);
		return -1;
	}
	if (ci->disabled) {
		fprintf(stderr, "papi_vmctl: %s is disabled: %s\n", COMP, ci->disabled_reason);
		return -1;
	}
	return cid;
}

struct set {
	int es, n;
	char names[MAXEV][PAPI_MAX_STR_LEN];
};

static int set_build(struct set *s, char **events, int n)
{
	int i, rc;

	s->es = PAPI_NULL;
	s->n = 0;
	if ((rc = PAPI_create_eventset(&s->es)) != PAPI_OK) {
		fprintf(stderr, "papi_vmctl: PAPI_create_eventset: %s\n", PAPI_strerror(rc));
		return -1;
	}
	for (i = 0; i < n; i++) {
		full_name(events[i], s->names[i], sizeof(s->names[i]));
		rc = PAPI_add_named_event(s->es, s->names[i]);
		if (rc != PAPI_OK) {
			fprintf(stderr, "papi_vmctl: %s: %s\n", s->names[i], PAPI_strerror(rc));
			return -1;
		}
		s->n++;
	}
	return 0;
}

/* ---- get / list ---------------------------------------------------------------- */

static int cmd_get(char **events, int n)
{
	long long v[MAXEV];
	struct set s;
	int i, rc;

	if (n > MAXEV)
		return usage_error("at most %d events", MAXEV);
	if (init_papi() < 0 || set_build(&s, events, n) < 0)
		return 1;
	if ((rc = PAPI_start(s.es)) != PAPI_OK || (rc = PAPI_read(s.es, v)) != PAPI_OK) {
		fprintf(stderr, "papi_vmctl: reading: %s\n", PAPI_strerror(rc));
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%s %lld\n", s.names[i], v[i]);
	PAPI_stop(s.es, v);
	PAPI_shutdown();
	return 0;
}

static int cmd_list(void)
{
	int cid = init_papi(), code = PAPI_NATIVE_MASK, rc;

	if (cid < 0)
		return 1;
	rc = PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid);
	while (rc == PAPI_OK) {
		int sub = code, r;
		PAPI_event_info_t info;

		r = PAPI_enum_cmp_event(&sub, PAPI_NTV_ENUM_UMASKS, cid);
		if (r != PAPI_OK)
			sub = code; /* an event without instances */
		do {
			char name[PAPI_MAX_STR_LEN];
			char *ev[1] = { name };
			long long v = 0;
			struct set s;

			if (PAPI_get_event_info(sub, &info) != PAPI_OK)
				break;
			snprintf(name, sizeof(name), "%s", info.symbol);
			if (set_build(&s, ev, 1) == 0 && PAPI_start(s.es) == PAPI_OK && PAPI_read(s.es, &v) == PAPI_OK) {
				printf("%-56s %14lld %s\n", name, v, info.units);
				PAPI_stop(s.es, &v);
			}
			PAPI_cleanup_eventset(s.es);
			PAPI_destroy_eventset(&s.es);
			if (sub == code)
				break;
		} while (PAPI_enum_cmp_event(&sub, PAPI_NTV_ENUM_UMASKS, cid) == PAPI_OK);
		rc = PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cid);
	}
	PAPI_shutdown();
	return 0;
}

/* ---- run ----------------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* A governor name -> its index, from the event's description
 * ("... masks:cpu0: 0=performance 1=powersave"). */
static int governor_index(const char *event, const char *gov, long long *ret)
{
	PAPI_event_info_t info;
	char pat[64];
	const char *p;
	int code;

	if (PAPI_event_name_to_code(event, &code) != PAPI_OK || PAPI_get_event_info(code, &info) != PAPI_OK)
		return -1;
	p = strstr(info.long_descr, "masks:");
	p = p ? p : info.long_descr;
	for (int i = 0; i < 32; i++) {
		const char *q;
		size_t l;

		snprintf(pat, sizeof(pat), " %d=", i);
		q = strstr(p, pat);
		if (!q)
			break;
		q += strlen(pat);
		l = strcspn(q, " ");
		if (l == strlen(gov) && strncmp(q, gov, l) == 0) {
			*ret = i;
			return 0;
		}
	}
	return -1;
}

static int parse_value(const char *event, const char *s, long long *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s && !errno && *end == '\0') {
		*ret = v;
		return 0;
	}
	if (strstr(event, "CPU_GOVERNOR"))
		return governor_index(event, s, ret);
	return -1;
}

static int wait_child(pid_t pid)
{
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, 0);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return 1;
		if (stop_flag == 1) {
			kill(pid, SIGTERM);
			stop_flag = 2;
		}
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void hold(double seconds)
{
	uint64_t t0 = pv_now_ns();

	while (!stop_flag) {
		if (seconds > 0 && (double)(pv_now_ns() - t0) / 1e9 >= seconds)
			break;
		usleep(50000);
	}
}

static int cmd_run(int argc, char **argv, double hold_s)
{
	char *events[MAXEV], specs[MAXEV][PAPI_MAX_STR_LEN + 32];
	long long want[MAXEV], got[MAXEV];
	int n = 0, i, rc, status = 0, cmd = -1;
	struct sigaction sa;
	struct set s;

	for (i = 0; i < argc; i++) {
		char *eq;

		if (strcmp(argv[i], "--") == 0) {
			cmd = i + 1;
			break;
		}
		if (n == MAXEV)
			return usage_error("at most %d controls", MAXEV);
		snprintf(specs[n], sizeof(specs[n]), "%s", argv[i]);
		eq = strrchr(specs[n], '=');
		if (!eq || eq == specs[n] || !eq[1])
			return usage_error("'%s' is not EVENT=VALUE", argv[i]);
		*eq = '\0';
		events[n] = specs[n];
		n++;
	}
	if (n == 0)
		return usage_error("run needs at least one EVENT=VALUE");
	if (cmd >= 0 && cmd >= argc)
		return usage_error("nothing after '--'");
	if (init_papi() < 0 || set_build(&s, events, n) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		const char *val = specs[i] + strlen(specs[i]) + 1;

		if (parse_value(s.names[i], val, &want[i]) < 0) {
			fprintf(stderr, "papi_vmctl: %s: '%s' is not a value of this event\n", s.names[i], val);
			PAPI_shutdown();
			return 2;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if ((rc = PAPI_start(s.es)) != PAPI_OK) {
		fprintf(stderr, "papi_vmctl: PAPI_start: %s\n", PAPI_strerror(rc));
		PAPI_shutdown();
		return 1;
	}
	{
		int state = 0;

		/* PAPI_write on a stopped EventSet is a silent no-op: refuse it. */
		if (PAPI_state(s.es, &state) != PAPI_OK || !(state & PAPI_RUNNING)) {
			fprintf(stderr, "papi_vmctl: EventSet not running: PAPI_write would change nothing\n");
			PAPI_shutdown();
			return 1;
		}
	}
	rc = PAPI_write(s.es, want);
	if (rc != PAPI_OK) {
		fprintf(stderr, "papi_vmctl: PAPI_write: %s (nothing was changed)\n", PAPI_strerror(rc));
		PAPI_shutdown();
		return 1;
	}
	if ((rc = PAPI_read(s.es, got)) != PAPI_OK) {
		fprintf(stderr, "papi_vmctl: reading back: %s\n", PAPI_strerror(rc));
		status = 1;
	}
	for (i = 0; rc == PAPI_OK && i < n; i++) {
		if (want[i] != -1 && got[i] != want[i])
			fprintf(stderr, "papi_vmctl: note: %s reads %lld after writing %lld (the kernel rounds or"
				" clamps)\n", s.names[i], got[i], want[i]);
		else if (!quiet)
			fprintf(stderr, "papi_vmctl: %s = %lld\n", s.names[i], got[i]);
	}
	if (cmd >= 0) {
		pid_t pid;

		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			execvp(argv[cmd], argv + cmd);
			fprintf(stderr, "papi_vmctl: %s: %s\n", argv[cmd], strerror(errno));
			_exit(127);
		}
		status = pid < 0 ? 1 : wait_child(pid);
	} else {
		if (!quiet)
			fprintf(stderr, "papi_vmctl: holding %s; SIGINT/SIGTERM restores\n",
				hold_s > 0 ? "for the given time" : "until a signal");
		hold(hold_s);
	}
	PAPI_stop(s.es, got);
	PAPI_shutdown(); /* the component restores every original here */
	if (!quiet)
		fprintf(stderr, "papi_vmctl: original values restored\n");
	return status;
}

/* ---- restore --------------------------------------------------------------------- */

static int cmd_restore(const char *dir)
{
	int restored = 0, alive = 0, rc;
	char msg[8192] = "";

	if (!dir)
		dir = pv_config_get()->state_dir;
	rc = pv_ctlstate_restore_dead(dir, quiet ? NULL : stderr, &restored, &alive, msg, sizeof(msg));
	if (!quiet)
		fprintf(stderr, "papi_vmctl: %d state file(s) restored, %d of live processes left alone (%s)\n",
			restored, alive, dir);
	if (rc < 0) {
		fprintf(stderr, "papi_vmctl: restore: %s\n", msg[0] ? msg : strerror(-rc));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hold", required_argument, NULL, 'H' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state_dir = NULL;
	double hold_s = 0;
	int c;

	/* '+': stop at the first non-option, so "run ... -- cmd -x" works. */
	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'H':
			hold_s = strtod(optarg, &end);
			if (*end || !(hold_s >= 0.1 && hold_s <= 31536000))
				return usage_error("--hold: '%s' is not 0.1 .. 31536000 seconds", optarg);
			break;
		case 'S':
			state_dir = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'papi_vmctl --help'.\n");
			return 2;
		}
	}
	if (optind >= argc)
		return usage_error("missing command: list, get, run or restore");
	if (strcmp(argv[optind], "list") == 0 && optind + 1 == argc)
		return cmd_list();
	if (strcmp(argv[optind], "get") == 0 && optind + 1 < argc)
		return cmd_get(argv + optind + 1, argc - optind - 1);
	if (strcmp(argv[optind], "restore") == 0) {
		/* options may also follow the sub-command */
		optind++;
		while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
			if (c == 'S')
				state_dir = optarg;
			else if (c == 'q')
				quiet = 1;
			else
				return usage_error("restore takes --state-dir DIR and -q only");
		}
		if (optind != argc)
			return usage_error("unexpected argument '%s'", argv[optind]);
		return cmd_restore(state_dir);
	}
	if (strcmp(argv[optind], "run") == 0) {
		optind++;
		while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
			char *end;

			if (c == 'H') {
				hold_s = strtod(optarg, &end);
				if (*end || !(hold_s >= 0.1 && hold_s <= 31536000))
					return usage_error("--hold: '%s' is not 0.1 .. 31536000 seconds", optarg);
			} else if (c == 'q') {
				quiet = 1;
			} else {
				return usage_error("run takes --hold SECONDS and -q");
			}
		}
		return cmd_run(argc - optind, argv + optind, hold_s);
	}
	return usage_error("unknown command or missing arguments: '%s'", argv[optind]);
}
