/* Host power control kinds and their files; see pv_ctl.h. */
#include "pv_ctl.h"
#include "pv_fs.h"
#include "pv_msg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

/* pattern: the file of a writable control relative to the sysfs root, as
 * rapl_vm's discovery builds it ('#' = a decimal number, '*' = a powercap
 * zone name); restore writes only files that match it. */
static const struct {
	const char *name;
	int writable;
	const char *pattern;
} kinds[] = {
	[PV_CTL_GOVERNOR] = { "CPU_GOVERNOR", 1, "devices/system/cpu/cpu#/cpufreq/scaling_governor" },
	[PV_CTL_MIN_FREQ] = { "CPU_MIN_FREQ_KHZ", 1, "devices/system/cpu/cpu#/cpufreq/scaling_min_freq" },
	[PV_CTL_MAX_FREQ] = { "CPU_MAX_FREQ_KHZ", 1, "devices/system/cpu/cpu#/cpufreq/scaling_max_freq" },
	[PV_CTL_SETSPEED] = { "CPU_SETSPEED_KHZ", 1, "devices/system/cpu/cpu#/cpufreq/scaling_setspeed" },
	[PV_CTL_CUR_FREQ] = { "CPU_CUR_FREQ_KHZ", 0, NULL },
	[PV_CTL_PSTATE_NO_TURBO] = { "PSTATE_NO_TURBO", 1, "devices/system/cpu/intel_pstate/no_turbo" },
	[PV_CTL_PSTATE_MIN] = { "PSTATE_MIN_PERF_PCT", 1, "devices/system/cpu/intel_pstate/min_perf_pct" },
	[PV_CTL_PSTATE_MAX] = { "PSTATE_MAX_PERF_PCT", 1, "devices/system/cpu/intel_pstate/max_perf_pct" },
	[PV_CTL_POWER_LIMIT] = { "POWER_LIMIT_UW", 1, "class/powercap/*/constraint_#_power_limit_uw" },
	[PV_CTL_TIME_WINDOW] = { "TIME_WINDOW_US", 1, "class/powercap/*/constraint_#_time_window_us" },
	[PV_CTL_LIMIT_ENABLED] = { "LIMIT_ENABLED", 1, "class/powercap/*/enabled" },
};
_Static_assert(sizeof(kinds) / sizeof(kinds[0]) == PV_CTL_NKINDS, "one entry per control kind");

const char *pv_ctl_kind_name(enum pv_ctl_kind k)
{
	return ((int)k >= 0 && k < PV_CTL_NKINDS) ? kinds[k].name : "?";
}

int pv_ctl_kind_writable(enum pv_ctl_kind k)
{
	return ((int)k >= 0 && k < PV_CTL_NKINDS) ? kinds[k].writable : 0;
}

enum pv_ctl_kind pv_ctl_kind_by_name(const char *name)
{
	int k;

	for (k = 0; k < PV_CTL_NKINDS; k++)
		if (strcmp(name, kinds[k].name) == 0)
			break;
	return (enum pv_ctl_kind)k;
}

static int zone_char(char c)
{
	return isalnum((unsigned char)c) || c == ':' || c == '-' || c == '_';
}

/* Whole-string match of rel against a control pattern.  Neither '#' nor '*'
 * matches '.' or '/', so "..", "." and extra components never match. */
static int pattern_match(const char *pat, const char *rel)
{
	for (; *pat; pat++) {
		if (*pat == '#' || *pat == '*') {
			const char *start = rel;

			while (*pat == '#' ? isdigit((unsigned char)*rel) : zone_char(*rel))
				rel++;
			if (rel == start)
				return 0;
		} else if (*rel++ != *pat) {
			return 0;
		}
	}
	return *rel == '\0';
}

int pv_ctl_known_file(const char *kind, const char *abs_path, char *msg, size_t len)
{
	char root[PATH_MAX];
	enum pv_ctl_kind k = pv_ctl_kind_by_name(kind);
	size_t rl;

	if (pv_fs_path(PV_SYS, "", root, sizeof(root)) < 0)
		return -ENAMETOOLONG;
	rl = strlen(root); /* "<sysfs root>/" */
	if (k == PV_CTL_NKINDS || !kinds[k].pattern) {
		pv_msgf(msg, len, "%s: refusing to write it: '%s' is not a writable rapl_vm control", abs_path, kind);
		return -EPERM;
	}
	if (strncmp(abs_path, root, rl) != 0 || !pattern_match(kinds[k].pattern, abs_path + rl)) {
		pv_msgf(msg, len,
			"%s: refusing to write it: not a %s control file (%s%s) under the sysfs root %s (PAPI_VIRT_SYSFS)",
			abs_path, kind, root, kinds[k].pattern, pv_fs_root(PV_SYS));
		return -EPERM;
	}
	return 0;
}
