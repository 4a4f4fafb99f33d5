#!/bin/bash
# The README test command: installs what the tests need, builds, and runs every
# test (unit, ASan+UBSan, PAPI API, real PAPI clients, VM lab) against the
# distribution's PAPI; then builds libpapi from each other PAPI release in
# PV_THIRD_PARTY (7.1.0 and 7.2.0) and runs the PAPI API and real-client tests
# against each, the latter with the unmodified tools of the Debian release
# that ships that version (scripts/papi-tools-root.sh).  Ends with
# "N passed, M failed"; exits non-zero on any failure.
#
# Arguments are passed to ctests/run-tests.sh (e.g. -k steal); with arguments
# only the main build is tested, unless PV_PAPI_VARIANTS is set.
#
# environment:
#   PV_THIRD_PARTY    PAPI release tarballs papi-X.Y.Z.tar.xz (default
#                     $top/../shared/third_party)
#   PV_PAPI_VARIANTS  versions to build and test besides the main build
#                     (default "7.1.0 7.2.0"; empty: none)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
third_party=${PV_THIRD_PARTY:-$top/../shared/third_party}
if [ $# -eq 0 ]; then
	variants=${PV_PAPI_VARIANTS-7.1.0 7.2.0}
else
	variants=${PV_PAPI_VARIANTS:-}
fi
roots=$top/scripts/papi-tools-root.sh

# The Debian roots for the variants' real clients are made (first run) or
# checked (later runs) in the background while the main build and tests run;
# the tests wait for them.
prefetch=()
stop_prefetch() {
	local p
	for p in "${prefetch[@]}"; do
		if kill -0 "$p" 2>/dev/null; then kill -- -"$p" 2>/dev/null || true; fi
	done
}
trap stop_prefetch EXIT
if [ -n "$variants" ] && [ "$(id -u)" = 0 ]; then
	sh "$top/scripts/install-deps.sh" >&2
	logs=${PV_BUILDDIR:-$top/build}
	mkdir -p "$logs"
	for v in $variants; do
		suite=$(bash "$roots" suite-for "$v")
		# One at a time per suite (the script locks), both suites at once;
		# each in its own process group, so that an early exit stops
		# debootstrap too.
		setsid bash "$roots" prepare "$suite" >"$logs/papi-tools-root-$suite.log" 2>&1 &
		prefetch+=($!)
	done
fi

B=$(sh "$top/scripts/build.sh")
total_passed=0 total_failed=0 total_skipped=0
summary=()

# run_suite LABEL BUILDDIR ARGS...: runs ctests/run-tests.sh, adds its counts.
run_suite() {
	local label=$1 dir=$2 out last p f s
	shift 2
	echo "===== $label"
	out=$(mktemp)
	PV_BUILDDIR=$dir "$top/ctests/run-tests.sh" "$@" | tee "$out" || true
	last=$(tail -n 1 "$out")
	rm -f "$out"
	p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$last" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$last" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	if [ -z "$p" ] || [ -z "$f" ]; then
		p=0 f=1
		echo "FAIL $label: the test runner did not finish ($last)"
	fi
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
	total_skipped=$((total_skipped + ${s:-0}))
	summary+=("$label: $last")
}

t0=$SECONDS
run_suite "PAPI $(. "$B/papi-version.env" && echo "$PV_PAPI_VERSION") (main build $B): all tests" "$B" "$@"
summary[-1]="${summary[-1]} ($((SECONDS - t0)) s)"

for v in $variants; do
	vb=$B/papi-${v%.*}
	t0=$SECONDS
	echo "===== PAPI $v: building in $vb"
	if ! bash "$top/scripts/build-papi-variant.sh" "$third_party/papi-$v.tar.xz" "$vb" >"$B/papi-$v-build.log" 2>&1; then
		tail -n 30 "$B/papi-$v-build.log"
		echo "FAIL PAPI $v: build failed (log: $B/papi-$v-build.log)"
		total_failed=$((total_failed + 1))
		summary+=("PAPI $v: build FAILED")
		continue
	fi
	tb=$((SECONDS - t0))
	echo "PAPI $v built in $tb s"
	t0=$SECONDS
	run_suite "PAPI $v ($vb): PAPI API and real-client tests" "$vb" \
		-k ctests/papi/ -k test_real_clients -k test_papi_names
	summary[-1]="${summary[-1]} (build $tb s, tests $((SECONDS - t0)) s)"
done

echo "===== summary"
printf '%s\n' "${summary[@]}"
if [ $total_skipped -gt 0 ]; then
	echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
else
	echo "$total_passed passed, $total_failed failed"
fi
[ $total_failed -eq 0 ]
