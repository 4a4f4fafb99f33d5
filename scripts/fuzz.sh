#!/bin/bash
# Builds the libFuzzer targets of fuzz/fuzz_*.c (clang from Debian,
# -fsanitize=fuzzer,address,undefined) and runs each for SECONDS (default
# 30) on its seed corpus fuzz/corpus/<target>/, PV_FUZZ_JOBS (default 2) at
# a time.  New inputs go to a scratch copy in the build directory, never
# into the repository; a finding leaves its input as
# <builddir>/fuzz/crash-<target>-* and fails the run.
#
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   PV_BUILDDIR   build directory (default ./build)
#   PV_FUZZ_JOBS  targets run at the same time (default 2)
# A target's source is the fuzz/fuzz_*.c file that tests PV_FUZZ_<TARGET>.
# A single input taking over 60 s counts as a hang (-timeout=60: generous,
# because a loaded machine once starved a 15 ms input past 10 s).
# Longer runs: scripts/fuzz.sh 3600 vmp_model   (see docs/reliability.md)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${PV_BUILDDIR:-$top/build}
secs=${1:-30}
shift $(( $# > 0 ? 1 : 0 ))
jobs=${PV_FUZZ_JOBS:-2}
all=(pv_parse pv_evname pv_virt pv_rapl steal_procstat vmp_model vmp_procstat state_escape
	steal_events vmp_events rapl_events ctlstate_line)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
command -v clang >/dev/null || { echo "fuzz.sh: clang not installed (scripts/install-deps.sh)" >&2; exit 2; }

F=$B/fuzz
mkdir -p "$F/obj"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
INC=(-I"$top/src/shared")
for c in "$top"/src/components/*/; do INC+=(-I"$c"); done
CFLAGS=(-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer $SAN "${INC[@]}" -I/usr/include/json-c)

# The logic modules (what the unit tests link: the _LOGIC and _UTIL lists
# of every Sources.<c>, see src/components/components.mk).
mapfile -t srcs < <(make -s -f "$top/src/components/components.mk" srcdir="$top" pv-logic-srcs)
[ ${#srcs[@]} -gt 0 ] || { echo "fuzz.sh: no logic modules listed" >&2; exit 1; }
objs=() running=0 brc=0
for f in "${srcs[@]}"; do
	o=$F/obj/$(basename "$f" .c).o
	objs+=("$o")
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find "$top/src" -name '*.h' -newer "$o" -print -quit)" ]; then
		if [ "$running" -ge "$jobs" ]; then
			wait -n || brc=1
			running=$((running - 1))
		fi
		clang "${CFLAGS[@]}" -fsanitize=fuzzer-no-link -c "$f" -o "$o" &
		running=$((running + 1))
	fi
done
while [ "$running" -gt 0 ]; do
	wait -n || brc=1
	running=$((running - 1))
done
[ "$brc" = 0 ] || { echo "FAIL: the instrumented modules do not build"; exit 1; }
rm -f "$F/libpvfuzz.a"
ar rcs "$F/libpvfuzz.a" "${objs[@]}" || exit 1

# One target: builds it, runs it for $secs, prints one line; 1 on a finding.
run_target() {
	local t=$1 up src bin seeds work t0 st runs cov
	up=$(echo "$t" | tr a-z A-Z)
	src=$(grep -l "PV_FUZZ_$up\b" "$top"/fuzz/fuzz_*.c | head -n 1)
	[ -n "$src" ] || { echo "FAIL: $t: no fuzz/fuzz_*.c defines PV_FUZZ_$up"; return 1; }
	bin=$F/fuzz_$t
	clang "${CFLAGS[@]}" -fsanitize=fuzzer -DPV_FUZZ_"$up" "$src" "$F/libpvfuzz.a" \
		-lvirt -ljson-c -ldl -lpthread -lm -o "$bin" >"$F/log-$t" 2>&1 ||
		{ echo "FAIL: $t does not build"; cat "$F/log-$t"; return 1; }
	seeds=$top/fuzz/corpus/$t
	[ -d "$seeds" ] || { echo "FAIL: no seed corpus $seeds"; return 1; }
	work=$F/work-$t
	mkdir -p "$work"
	t0=$(date +%s)
	"$bin" -max_total_time="$secs" -timeout=60 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$F/crash-$t-" "$work" "$seeds" >"$F/log-$t" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$F/log-$t")
	cov=$(grep -o 'cov: [0-9]*' "$F/log-$t" | tail -n 1)
	if [ $st -ne 0 ]; then
		echo "FAIL: $t: exit $st after $(( $(date +%s) - t0 )) s; see $F/log-$t and $F/crash-$t-*"
		grep -m 3 'ERROR\|SUMMARY\|==.*==' "$F/log-$t"
		return 1
	fi
	echo "ok: $t: ${runs:-?} inputs in $secs s ($(( ${runs:-0} / secs ))/s), $cov, corpus $(ls "$work" | wc -l) + $(ls "$seeds" | wc -l) seeds"
}

# $jobs targets at a time; each prints its line when done.
rc=0 running=0
for t in "${targets[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || rc=1
		running=$((running - 1))
	fi
	run_target "$t" &
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	wait -n || rc=1
	running=$((running - 1))
done
exit $rc
