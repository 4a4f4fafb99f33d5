#!/bin/sh
# The README test command: installs what the tests need, builds, and runs every
# test (unit, ASan+UBSan, PAPI API, real PAPI clients, VM lab).  Ends with
# "N passed, M failed"; exits non-zero on any failure.  Arguments are passed
# to ctests/run-tests.sh (e.g. -k steal).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
B=$(sh "$top/scripts/build.sh")
cd "$B"
exec "$top/ctests/run-tests.sh" "$@"
