#!/bin/bash
# Utilities use the PAPI API plus a small documented helper library, never a
# component's internals (issue 13, item 6).  Every #include "X" in utils/
# (any depth) must be papi.h, a header of utils/, or a member of the helper
# library listed in src/shared/pv_helpers.h ("helper: X" lines).  A header of
# src/components/<c>/ that is not listed is a component internal: the test
# names the file, the line and the header.  Shown first to catch a planted
# include of vmpower's power-model header.
# libvirt in particular is reached through the helper pv_virt_link only (it
# dlopen()s libvirt, as libpapi does): no utils/ file includes a libvirt
# header or calls a libvirt function (vir*( outside comments), and no built
# utility has libvirt in its NEEDED list (shown first on a planted call).
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

# "file:line: text" of every libvirt header or call in utils dir $1.
libvirt_uses() {
	local dir=$1
	(cd "$dir" && grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<libvirt/|\<vir[A-Z][A-Za-z]*[[:space:]]*\(' \
		--include='*.[ch]' . | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)' | sed 's|^\./||')
}
printf '/* virConnectOpen(uri) in a comment */\nint f(void) { return virConnectOpen(0) != 0; }\n' >"$T/utils/papi_y.c"
out=$(libvirt_uses "$T/utils")
[ "$out" = "papi_y.c:2:int f(void) { return virConnectOpen(0) != 0; }" ] ||
	{ echo "FAIL: the planted virConnectOpen call was not found alone: $out"; exit 1; }
lv=$(libvirt_uses "$PV_SRCDIR/utils")
if [ -n "$lv" ]; then
	echo "FAIL: utils/ uses libvirt itself (use pv_virt_link.h):"
	sed 's/^/  utils\//' <<<"$lv"
	exit 1
fi
nbin=0
for b in "${PV_UTILS:?run through ctests/run-tests.sh}"/papi_*; do
	[ -x "$b" ] || continue
	nbin=$((nbin + 1))
	needed=$(readelf -d "$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	if grep -q virt <<<"$needed"; then
		echo "FAIL: $b needs $(grep virt <<<"$needed" | tr '\n' ' ')(utilities reach libvirt through pv_virt_link)"
		exit 1
	fi
done
[ "$nbin" -ge 4 ] || { echo "FAIL: only $nbin utilities built in $PV_UTILS"; exit 1; }
echo "ok: no libvirt header or call in utils/, no libvirt in the NEEDED list of $nbin utilities"

out=$(bad_includes "$PV_SRCDIR/utils")
n=$(grep -rh '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$PV_SRCDIR/utils" | wc -l)
echo "duration $((($(date +%s%N) - t0) / 1000000)) ms"
if [ -n "$out" ]; then
	echo "FAIL: utils/ includes headers outside PAPI, utils/ and the helper library:"
	sed 's/^/  utils\//' <<<"$out"
	exit 1
fi
echo "PASS: $n quoted includes in utils/: papi.h, utils/ headers and $(wc -l <"$T/helpers") helper-library headers only"
