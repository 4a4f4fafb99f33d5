/*
 * util_src: where papi_vmpower's samples come from.
 *   util_src_papi_open    the PAPI API (vmpower and steal components)
 *   util_src_replay_open  a text file of samples (tests, offline rendering)
 *
 * util_src_sample(): 0 with *s filled, UTIL_SRC_SKIP when this tick has no
 * sample (EventSets being rebuilt after a failed read), UTIL_SRC_END at the
 * end of a replay, or -errno with one sentence in err.
 */
#ifndef UTIL_SRC_H
#define UTIL_SRC_H

#include <stddef.h>
#include <stdio.h>

#include "util_vm.h"

#define UTIL_SRC_SKIP 1
#define UTIL_SRC_END 2

struct util_src {
	int (*sample)(struct util_src *src, struct util_sample *s, char *err, size_t errlen);
	void (*close)(struct util_src *src);
	/* Remarks to show once at start (disabled components...), "" if none. */
	char notes[1024];
	/* Replay sources pace themselves: no waiting between samples needed. */
	int is_replay;
};

int util_src_papi_open(struct util_src **ret, char *err, size_t errlen);
/* A replay file, or a run recorded with --json (first character '{') or
 * --csv (first line "time,scope,..."), read by util_replay_json.c. */
int util_src_replay_open(const char *path, struct util_src **ret, char *err, size_t errlen);
int util_src_json_open(FILE *f, const char *path, int csv, struct util_src **ret);

static inline int util_src_sample(struct util_src *src, struct util_sample *s, char *err, size_t errlen)
{
	return src->sample(src, s, err, errlen);
}

static inline void util_src_close(struct util_src *src)
{
	if (src)
		src->close(src);
}

/* Wall-clock time now (monotonic time: pv_now_ns() of pv_clock.h). */
double util_wall(void);

#endif
