# shellcheck shell=bash
# The preamble the script tests share.  Source it first:
#   # shellcheck source=ctests/scripts/lib.sh
#   . "$(dirname "$0")/lib.sh"
# It sets -u and gives:
#   U              the built utilities ($PV_UTILS), with LD_LIBRARY_PATH at our
#                  libpapi ($PV_PAPI_LIBDIR), as utilities need (HACKING.md)
#   T              a fresh scratch directory, removed at exit (a test that sets
#                  its own EXIT trap removes "$T" there)
#   fail MESSAGE   prints "FAIL: MESSAGE"; the test then exits 1
#   pv_done WHAT   prints "PASS: WHAT" when nothing failed and exits (0 or 1)
set -u
# shellcheck disable=SC2034 # U and fail are for the sourcing test
U=${PV_UTILS:?run through ctests/run-tests.sh}
export LD_LIBRARY_PATH=${PV_PAPI_LIBDIR:?run through ctests/run-tests.sh}
T=$(mktemp -d) || { echo "FAIL: mktemp -d failed"; exit 1; }
trap 'rm -rf "$T"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
pv_done() {
	[ "$rc" -eq 0 ] && echo "PASS: $*"
	exit "$rc"
}
