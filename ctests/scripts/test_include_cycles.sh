#!/bin/bash
# No include cycles between modules of src/ and utils/ (issue 13, item 6).
# A module is a .c file and its headers: X.c, X.h and X's internal header
# X_priv.h.  Module A depends on module B when a file of A has
# #include "b.h" for a header of B found in src/ or utils/ (papi.h and
# system headers are not modules).  The dependency graph is given to
# tsort(1), which names the modules of any loop: such a loop (rapl_vm_ctl.c
# including rapl_vm_state.h while rapl_vm_state.c included rapl_vm_ctl.h) means
# neither module can be understood, tested or moved without the other.
# The check is first shown to find a planted two-module cycle.
set -u
: "${PV_SRCDIR:?run through ctests/run-tests.sh}"
t0=$(date +%s%N)
T=$(mktemp -d /tmp/test_include_cycles.XXXXXX)
trap 'rm -rf "$T"' EXIT

# Prints "A B" per dependency of module A on module B for the files under
# the given directories (and "A A" for every module, so each is a node).
# A module's name is its file's name without .c/.h and without a _priv
# suffix (X_priv.h is X's internal header).
edges() {
	local known
	known=$(find "$@" -name '*.h' -printf '%f\n' | sort -u | tr '\n' ' ')
	find "$@" -name '*.[ch]' -print0 | sort -z | xargs -0 awk -v known="$known" '
		function module(f) {
			sub(/.*\//, "", f); sub(/\.[ch]$/, "", f); sub(/_priv$/, "", f)
			return f
		}
		BEGIN { n = split(known, k, " "); for (i = 1; i <= n; i++) hdr[k[i]] = 1 }
		FNR == 1 { m = module(FILENAME); print m, m }
		/^[ \t]*#[ \t]*include[ \t]*"/ {
			inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc); sub(/.*\//, "", inc)
			if (inc in hdr) print m, module(inc)
		}'
}

# 0 when the graph of the directories has no loop; the loop on stdout.
acyclic() {
	local out
	out=$(edges "$@" | tsort 2>&1 >/dev/null)
	[ -z "$out" ] && return 0
	echo "$out"
	return 1
}

mkdir -p "$T/src"
printf '#include "b.h"\n' >"$T/src/a.c"
printf '#include "a.h"\n' >"$T/src/b.c"
: >"$T/src/a.h"
: >"$T/src/b.h"
if out=$(acyclic "$T/src"); then
	echo "FAIL: a planted cycle (a.c -> b.h, b.c -> a.h) was not found"
	exit 1
fi
grep -q 'loop' <<<"$out" || { echo "FAIL: tsort did not name the planted loop: $out"; exit 1; }

n=$(edges "$PV_SRCDIR/src" "$PV_SRCDIR/utils" | awk '$1 != $2' | sort -u | wc -l)
if ! out=$(acyclic "$PV_SRCDIR/src" "$PV_SRCDIR/utils"); then
	echo "FAIL: include cycle between modules of src/ and utils/ (tsort):"
	echo "$out"
	exit 1
fi
echo "duration $((($(date +%s%N) - t0) / 1000000)) ms"
echo "PASS: $n module dependencies in src/ and utils/, no cycle (and a planted one is found)"
