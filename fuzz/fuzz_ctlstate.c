/*
 * libFuzzer target for rapl_vm's saved-state file lines (the parser behind
 * `papi_vmctl restore`, which writes what such a file says back into
 * control files): pv_ctlstate_parse_line, public in pv_ctlstate.h.  Built by
 * scripts/fuzz.sh with -DPV_FUZZ_CTLSTATE_LINE when that header exists.
 * A "save" line that parses is written back the way the state file writes
 * it (fields percent-encoded by pv_ctlstate_escape) and must parse to the
 * same entry.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_ctlstate.h"

#include "fuzz_common.h"

#if defined(PV_FUZZ_CTLSTATE_LINE)
static void one(const char *s, size_t len)
{
	(void)len;
	static struct pv_ctlstate_entry e, back;
	static char path[3 * sizeof(e.path) + 1], orig[3 * sizeof(e.orig) + 1], line[sizeof(path) + sizeof(orig) + 64];
	pid_t pid = 0, pid2 = 0;

	if (pv_ctlstate_parse_line(s, &pid, &e) != PV_CTLSTATE_LINE_SAVE)
		return;
	check(strlen(e.kind) < sizeof(e.kind) && strlen(e.path) < sizeof(e.path) && strlen(e.orig) < sizeof(e.orig));
	if (pv_ctlstate_escape(e.path, path, sizeof(path)) != 0 || pv_ctlstate_escape(e.orig, orig, sizeof(orig)) != 0)
		return;
	snprintf(line, sizeof(line), "save %s %s %s", e.kind, path, orig);
	check(pv_ctlstate_parse_line(line, &pid2, &back) == PV_CTLSTATE_LINE_SAVE);
	check(strcmp(back.kind, e.kind) == 0 && strcmp(back.path, e.path) == 0 && strcmp(back.orig, e.orig) == 0);
}
#else
#error "define PV_FUZZ_CTLSTATE_LINE (see scripts/fuzz.sh)"
#endif
