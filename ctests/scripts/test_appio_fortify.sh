#!/bin/sh
# appio: a program built with -D_FORTIFY_SOURCE=2 -O2 (which calls
# __read_chk, __open_2, __fprintf_chk... instead of read, open, fprintf) is
# counted exactly like the same program built without it.
set -eu
B=${PV_BUILDDIR:?}
plain=$B/ctests/papi/test_appio_accuracy
fort=$B/ctests/papi/test_appio_fortify
for f in "$plain" "$fort"; do
	[ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done
# The fortified build must really call the _chk entry points.
for sym in __read_chk __pread_chk __fread_chk __fgets_chk __fprintf_chk __open_2 __recv_chk; do
	if ! nm -D "$fort" | grep -q " U $sym"; then
		echo "FAIL: $fort does not call $sym: the FORTIFY comparison would prove nothing"
		exit 1
	fi
	if nm -D "$plain" | grep -q " U $sym"; then
		echo "FAIL: $plain calls $sym: it should be the unfortified build"
		exit 1
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$plain" -p >"$tmp/plain" || { echo "FAIL: $plain failed"; cat "$tmp/plain"; exit 1; }
"$fort" -p >"$tmp/fort" || { echo "FAIL: $fort failed"; cat "$tmp/fort"; exit 1; }
grep -v '^rchar\|^PASS' "$tmp/plain" >"$tmp/p"
grep -v '^rchar\|^PASS' "$tmp/fort" >"$tmp/f"
n=$(wc -l <"$tmp/p")
[ "$n" -gt 150 ] || { echo "FAIL: only $n counters printed"; exit 1; }
if ! diff "$tmp/p" "$tmp/f"; then
	echo "FAIL: FORTIFY build counted differently (diff above: plain < > fortified)"
	exit 1
fi
echo "PASS: $n counters identical with and without _FORTIFY_SOURCE=2"
