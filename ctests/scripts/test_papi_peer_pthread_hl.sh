#!/bin/bash
# PAPI's pthread_hl, many times against our libpapi and the distribution's:
# its threads fail at PAPI_hl_region_begin here (no hardware counters for
# PAPI's default high-level events) and all call PAPI_shutdown through
# test_fail at nearly the same moment, a race that crashed with our
# libpapi (a double free in vmpower's shutdown) and, more rarely, in PAPI's
# own thread list.  Runs come in pairs, one per side at the same time.
#
# Rule: fail when ours crashes or hangs significantly more often than the
# distribution's: one-sided Fisher exact test, p < 0.05, on "bad runs"
# (crash or timeout) out of PV_PEER_HL_RUNS per side (default 80).  With 80
# runs a side it catches the crash rate once measured with ours (4-8 of 40,
# i.e. 10-20%, against 0-1 of 40) with probability 0.94 at 15% vs 1.5%,
# while two libraries that crash equally often (up to 5% each) fail it at
# most 2.2% of the time (exact binomial sums, computed when this was
# chosen).
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/papi-peer-lib.sh"

runs=${PV_PEER_HL_RUNS:-80}
peer_find_libs
peer_build
dir=$PEER_SRC/ctests
[ -x "$dir/pthread_hl" ] || peer_die "$dir/pthread_hl was not built (see $PV_BUILDDIR/papi-peer-build.log)"
[ "$(peer_loaded_lib ours "$dir" pthread_hl)" = "$PEER_OURS" ] || peer_die "pthread_hl does not load $PEER_OURS"
[ "$(peer_loaded_lib dist "$dir" pthread_hl)" = "$PEER_DIST" ] || peer_die "pthread_hl does not load $PEER_DIST"

work=$(mktemp -d /tmp/papi-peer-hl-XXXXXX)
trap 'rm -rf "$work"' EXIT
declare -A n
t0=$(date +%s)
for i in $(seq "$runs"); do
	peer_run ours "$dir" pthread_hl "$work/o$i" "$work/o$i.log" >"$work/o$i.out" &
	peer_run dist "$dir" pthread_hl "$work/d$i" "$work/d$i.log" >"$work/d$i.out"
	wait
	for s in ours dist; do
		r=$(cat "$work/${s:0:1}$i.out")
		n[$s,$r]=$(( ${n[$s,$r]:-0} + 1 ))
		case "$r" in crash*|timeout) n[$s,bad]=$(( ${n[$s,bad]:-0} + 1 )) ;; esac
	done
	rm -rf "$work/o$i" "$work/d$i"
done

echo "pthread_hl, $runs runs per side in $(( $(date +%s) - t0 ))s:"
for s in ours dist; do
	line=
	for k in "${!n[@]}"; do
		case "$k" in "$s,bad") ;; "$s,"*) line="$line ${k#*,} ${n[$k]}," ;; esac
	done
	printf '  %-13s%s bad (crash or timeout) %d of %d\n' "$s:" "$line" "${n[$s,bad]:-0}" "$runs"
done

python3 - "${n[ours,bad]:-0}" "${n[dist,bad]:-0}" "$runs" <<'EOF'
import sys
from math import comb
a, b, n = (int(x) for x in sys.argv[1:])
# P(ours >= a bad runs | a + b bad runs in all, both sides equally likely)
k = a + b
p = sum(comb(n, x) * comb(n, k - x) for x in range(a, min(k, n) + 1)) / comb(2 * n, k)
print(f"one-sided Fisher exact test, ours worse: p = {p:.4f} (fail below 0.05)")
sys.exit(1 if p < 0.05 else 0)
EOF
rc=$?
[ $rc -eq 0 ] && echo "pthread_hl: our crash rate is not higher than the distribution's" ||
	echo "FAIL: pthread_hl crashes or hangs significantly more often with our libpapi"
exit $rc
