#!/bin/bash
# Utilities use the PAPI API plus a small documented helper library, never a
# component's internals (issue 13, item 6).  Every #include "X" in utils/
# (any depth) must be papi.h, a header of utils/, or a member of the helper
# library listed in src/shared/pv_helpers.h ("helper: X" lines).  A header of
# src/components/<c>/ that is not listed is a component internal: the test
# names the file, the line and the header.  Shown first to catch a planted
# include of vmpower's power-model header.
set -u
: "${PV_SRCDIR:?run through ctests/run-tests.sh}"
t0=$(date +%s%N)
LIST=$PV_SRCDIR/src/shared/pv_helpers.h
[ -f "$LIST" ] || { echo "FAIL: $LIST missing"; exit 1; }
T=$(mktemp -d /tmp/test_utils_helpers.XXXXXX)
trap 'rm -rf "$T"' EXIT

sed -n 's/^ \* helper: \([^ ]*\).*/\1/p' "$LIST" | sort -u >"$T/helpers"
[ "$(wc -l <"$T/helpers")" -ge 5 ] || { echo "FAIL: no helper list in $LIST"; exit 1; }

# "file:line: header (why)" for every include of utils dir $1 outside the rules.
bad_includes() {
	local dir=$1 f
	find "$dir" -name '*.h' -printf '%f\n' | sort -u >"$T/own"
	find "$dir" -name '*.[ch]' | sort | while read -r f; do
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r l; do
			inc=${l#*\"}
			inc=${inc%%\"*}
			inc=${inc##*/}
			[ "$inc" = papi.h ] && continue
			grep -qxF "$inc" "$T/own" "$T/helpers" && continue
			if [ -n "$(find "$PV_SRCDIR/src/components" -name "$inc" -print -quit)" ]; then
				echo "${f#"$dir"/}:${l%%:*}: $inc (a component's internal header)"
			else
				echo "${f#"$dir"/}:${l%%:*}: $inc (not in the helper library, src/shared/pv_helpers.h)"
			fi
		done
	done
}

mkdir -p "$T/utils"
printf '#include "papi.h"\n#include "pv_fs.h"\n#include "util_x.h"\n#include "vmp_model.h"\n' >"$T/utils/papi_x.c"
: >"$T/utils/util_x.h"
out=$(bad_includes "$T/utils")
[ "$out" = "papi_x.c:4: vmp_model.h (a component's internal header)" ] ||
	{ echo "FAIL: the planted include of vmp_model.h was not found alone: $out"; exit 1; }

out=$(bad_includes "$PV_SRCDIR/utils")
n=$(grep -rh '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$PV_SRCDIR/utils" | wc -l)
echo "duration $((($(date +%s%N) - t0) / 1000000)) ms"
if [ -n "$out" ]; then
	echo "FAIL: utils/ includes headers outside PAPI, utils/ and the helper library:"
	sed 's/^/  utils\//' <<<"$out"
	exit 1
fi
echo "PASS: $n quoted includes in utils/: papi.h, utils/ headers and $(wc -l <"$T/helpers") helper-library headers only"
