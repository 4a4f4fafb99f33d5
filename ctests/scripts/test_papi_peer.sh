#!/bin/bash
# PAPI's own test suite as a peer check: every program of PAPI's ctests and
# of the stock components' tests (sde, perf_event, perf_event_uncore,
# sysdetect), built from the PAPI tree our libpapi is built from, runs once
# against our libpapi and once against the distribution's copy of the same
# soname; the two runs of a program go side by side, at the same time, so
# both see the same machine load.  Prints the table and fails when a
# program does worse with ours: PASSED > SKIPPED > FAILED > crash/timeout.
#
# Outcome of a run: timeout (no exit within PV_PEER_TIMEOUT s, default
# 120), crash(SIGxxx) (killed by a signal), FAILED (non-zero exit, or
# "FAILED" printed), SKIPPED (exit 0, "SKIPPED" printed), else PASSED.
# Environment as PAPI's run_tests.sh: argument TESTS_QUIET, the test's
# directory on PATH, a fresh working directory (high-level tests write
# papi_hl_output there), PAPI_EVENTS unset (PAPI's default high-level
# events).  Before running, ldd must show each program loading the
# intended libpapi on each side, or the comparison is void (fails).
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/papi-peer-lib.sh"

peer_find_libs
echo "ours:         $PEER_OURS (soname $PEER_SONAME)"
echo "distribution: $PEER_DIST ($(dpkg -S "$PEER_DIST" | cut -d: -f1-2))"
peer_build

work=$(mktemp -d /tmp/papi-peer-XXXXXX)
trap 'rm -rf "$work"' EXIT

mapfile -t progs < <(peer_programs)
[ ${#progs[@]} -ge 50 ] || peer_die "only ${#progs[@]} programs built (see $PV_BUILDDIR/papi-peer-build.log)"

# Which library each program loads on each side.
for p in "${progs[@]}"; do
	set -- $p
	o=$(peer_loaded_lib ours "$1" "$2")
	d=$(peer_loaded_lib dist "$1" "$2")
	[ "$o" = "$PEER_OURS" ] || peer_die "$2 loads '${o:-nothing}' with our library path, not $PEER_OURS"
	[ "$d" = "$PEER_DIST" ] || peer_die "$2 loads '${d:-nothing}' without LD_LIBRARY_PATH, not $PEER_DIST"
done
echo "ldd: all ${#progs[@]} programs load $PEER_OURS with LD_LIBRARY_PATH=$PEER_SRC and $PEER_DIST without"
echo "excluded (need ptrace, or helpers): $PEER_EXCLUDE"

t0=$(date +%s)
worse=0
declare -A count
printf '\n%-32s %-16s %-16s %s\n' program ours distribution verdict
for p in "${progs[@]}"; do
	set -- $p
	dir=$1 name=$2
	tag=$(basename "$(dirname "$dir")")/$name
	[ "$dir" = "$PEER_SRC/ctests" ] && tag=ctests/$name
	key=${tag//\//_}
	peer_run ours "$dir" "$name" "$work/ours/$key" "$work/$key.ours.log" >"$work/$key.ours.out" &
	peer_run dist "$dir" "$name" "$work/dist/$key" "$work/$key.dist.log" >"$work/$key.dist.out"
	wait
	o=$(cat "$work/$key.ours.out") d=$(cat "$work/$key.dist.out")
	count[ours,$o]=$(( ${count[ours,$o]:-0} + 1 ))
	count[dist,$d]=$(( ${count[dist,$d]:-0} + 1 ))
	verdict=
	if [ "$(peer_rank "$o")" -lt "$(peer_rank "$d")" ]; then
		verdict="WORSE with ours"
		worse=$((worse + 1))
	elif [ "$(peer_rank "$o")" -gt "$(peer_rank "$d")" ]; then
		verdict="better with ours"
	fi
	printf '%-32s %-16s %-16s %s\n' "$tag" "$o" "$d" "$verdict"
	if [ -n "$verdict" ] && [ "$verdict" != "better with ours" ]; then
		echo "----- $tag with ours (last 15 lines)"
		tail -n 15 "$work/$key.ours.log"
		echo "----- $tag with the distribution's (last 15 lines)"
		tail -n 15 "$work/$key.dist.log"
	fi
done

summary() {
	local s out=
	for s in PASSED SKIPPED FAILED; do
		out="$out $s ${count[$1,$s]:-0},"
	done
	local k n=0
	for k in "${!count[@]}"; do
		case "$k" in "$1,crash"*|"$1,timeout") n=$((n + count[$k])) ;; esac
	done
	echo "$out crash/timeout $n"
}
echo
echo "${#progs[@]} programs in $(( $(date +%s) - t0 ))s (both sides at once, ${PEER_TIMEOUT}s limit per run)"
echo "ours:        $(summary ours)"
echo "distribution:$(summary dist)"
if [ $worse -gt 0 ]; then
	echo "FAIL: $worse program(s) do worse with our libpapi"
	exit 1
fi
echo "no program does worse with our libpapi"
