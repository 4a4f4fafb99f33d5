#!/bin/bash
# Runs every papi-virt test found by file name (see docs/HACKING.md) with a
# time limit each, and ends with "N passed, M failed" (", K skipped").
# Exit status: 0 only when nothing failed.
#
# usage: run-tests.sh [-k SUBSTRING]... [-t SECONDS]
#   run from the build directory, or set PV_BUILDDIR.  A build of only the
#   library and the PAPI API tests (the 7.1/7.2 builds of scripts/run-tests.sh)
#   runs what it has: tests whose program was not built are not listed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
PV_SRCDIR=${PV_SRCDIR:-$(dirname "$here")}
PV_BUILDDIR=${PV_BUILDDIR:-$PWD}
PV_BUILDDIR=$(cd "$PV_BUILDDIR" && pwd)
PV_PAPI_LIBDIR=$PV_BUILDDIR/papi/src
PV_FIXTURES=$PV_SRCDIR/ctests/fixtures
PV_UTILS=$PV_BUILDDIR/utils
export PV_SRCDIR PV_BUILDDIR PV_PAPI_LIBDIR PV_FIXTURES PV_UTILS
export PATH="$PV_PAPI_LIBDIR/utils:$PV_UTILS:$PATH"
# Check runs each test in its own process: keep it so (no CK_FORK=no).
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-60}

filters=()
limit=${PV_TEST_TIMEOUT:-600}
while [ $# -gt 0 ]; do
	case "$1" in
	-k) filters+=("$2"); shift 2 ;;
	-t) limit=$2; shift 2 ;;
	-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
	*) echo "run-tests.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

# The PAPI version the build is made from (configure wrote it): tests use
# PV_PAPI_SONAME / PV_PAPI_LIB instead of naming a version.
if [ ! -f "$PV_BUILDDIR/papi-version.env" ]; then
	echo "run-tests.sh: $PV_BUILDDIR/papi-version.env not found: configure and build first, or set PV_BUILDDIR" >&2
	exit 2
fi
. "$PV_BUILDDIR/papi-version.env"
PV_PAPI_LIB=$PV_PAPI_LIBDIR/$PV_PAPI_SONAME
export PV_PAPI_VERSION PV_PAPI_SOVER PV_PAPI_SONAME PV_PAPI_LIB
if [ ! -f "$PV_PAPI_LIB" ]; then
	echo "run-tests.sh: $PV_PAPI_LIB (PAPI $PV_PAPI_VERSION) not found: build first (make), or set PV_BUILDDIR" >&2
	exit 2
fi

# -k matches the test's name relative to the build or source tree
# (ctests/unit/test_x), so a build directory's own path never selects.
test_name() {
	local n=${1#"$PV_BUILDDIR"/}
	echo "${n#"$PV_SRCDIR"/}"
}

selected() {
	[ ${#filters[@]} -eq 0 ] && return 0
	local f n
	n=$(test_name "$1")
	for f in "${filters[@]}"; do
		case "$n" in *"$f"*) return 0 ;; esac
	done
	return 1
}

tests=()
add() { [ -e "$1" ] && selected "$1" && tests+=("$1"); return 0; }
for t in "$PV_BUILDDIR"/ctests/unit/test_* "$PV_BUILDDIR"/ctests/unit-asan/test_* \
	 "$PV_BUILDDIR"/ctests/papi/test_* "$PV_SRCDIR"/ctests/scripts/test_*.sh \
	 "$PV_SRCDIR"/ctests/vmlab/test_*.sh; do
	add "$t"
done

logdir=$PV_BUILDDIR/test-logs
mkdir -p "$logdir"
passed=0 failed=0 skipped=0
failures=()
started=$(date +%s)

# Tests clean up what they make, also when they fail: what a test leaves in
# /tmp or /var/tmp (entries that appeared while it ran and are still there)
# is named after its result.  PV_TMP_LEAKS=fail fails such a test;
# the default only reports, because on a shared machine other programs
# create files in /tmp at the same time.
tmp_leaks=${PV_TMP_LEAKS:-report}
tmp_entries() { find /tmp /var/tmp -mindepth 1 -maxdepth 1 -printf '%p\n' 2>/dev/null | LC_ALL=C sort; }
leaked=()

for t in "${tests[@]}"; do
	name=$(test_name "$t")
	log=$logdir/$(echo "$name" | tr '/' '_').log
	t0=$EPOCHREALTIME
	tmp_before=$(tmp_entries)
	case "$t" in
	*.sh) timeout -k 10 "$limit" bash "$t" >"$log" 2>&1 ;;
	*)    timeout -k 10 "$limit" "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	left=$(LC_ALL=C comm -13 <(echo "$tmp_before") <(tmp_entries) | tr '\n' ' ')
	if [ -n "$left" ]; then
		leaked+=("$name: $left")
		echo "left behind in /tmp or /var/tmp: $left" >>"$log"
		[ "$tmp_leaks" = fail ] && [ $rc -eq 0 ] && rc=1
	fi
	dt=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	# A Check binary counts its own cases; anything else counts once.
	checks=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$log" | tail -n 1)
	if [ $rc -eq 77 ]; then
		skipped=$((skipped + 1))
		printf 'SKIP %-60s %6ss  %s\n' "$name" "$dt" "$(tail -n 1 "$log")"
	elif [ -n "$checks" ]; then
		set -- $checks
		bad=$(( $2 + $3 ))
		if [ $rc -ne 0 ] && [ $bad -eq 0 ]; then bad=1; fi
		passed=$((passed + $1 - ($2 + $3)))
		failed=$((failed + bad))
		if [ $bad -gt 0 ]; then
			failures+=("$name")
			printf 'FAIL %-60s %6ss  (%s of %s checks failed, exit %s)\n' "$name" "$dt" "$bad" "$1" "$rc"
		else
			printf 'PASS %-60s %6ss  (%s checks)\n' "$name" "$dt" "$1"
		fi
	elif [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		printf 'PASS %-60s %6ss\n' "$name" "$dt"
	else
		failed=$((failed + 1))
		failures+=("$name")
		[ $rc -eq 124 ] && why="timed out after ${limit}s" || why="exit $rc"
		printf 'FAIL %-60s %6ss  (%s)\n' "$name" "$dt" "$why"
	fi
done

for f in "${failures[@]}"; do
	log=$logdir/$(echo "$f" | tr '/' '_').log
	echo "----- $f (last 40 lines of $log)"
	tail -n 40 "$log"
done
for l in "${leaked[@]}"; do echo "LEFT BEHIND ($tmp_leaks) $l"; done
echo "tests took $(( $(date +%s) - started ))s; logs in $logdir"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ] && [ ${#tests[@]} -gt 0 ]
