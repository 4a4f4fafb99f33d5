#!/bin/sh
# appio in programs built with -fsanitize=address and -fsanitize=thread
# (issue 16 item 7): the sanitizer's interceptors sit in front of libpapi's
# own read() calls, which appio once counted as the program's (READ_CALLS
# 101 after 100 PAPI_reads and no I/O).  appio_sanitized_client.c is built
# with each sanitizer by gcc and, when installed, clang, plus a plain build
# as the control; each must count exactly its own calls and bytes.
set -u
: "${PV_SRCDIR:?}" "${PV_PAPI_LIBDIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$PV_SRCDIR/ctests/scripts/appio_sanitized_client.c
fail=0 ran=0
ccs=gcc
command -v clang >/dev/null 2>&1 && ccs="gcc clang"
for cc in $ccs; do
	for san in none address thread; do
		flags=
		[ "$san" = none ] || flags=-fsanitize=$san
		bin=$tmp/client-$cc-$san
		# shellcheck disable=SC2086 # flags is empty or one word
		if ! $cc -std=gnu11 -O1 -g $flags -I"$PV_PAPI_LIBDIR" "$src" -o "$bin" -L"$PV_PAPI_LIBDIR" -lpapi \
			-Wl,-rpath,"$PV_PAPI_LIBDIR" >"$tmp/cc.log" 2>&1; then
			echo "FAIL: $cc $flags cannot build the client:"; cat "$tmp/cc.log"; fail=1; continue
		fi
		# ThreadSanitizer refuses some address-space layouts (high mmap
		# entropy): run without randomisation, which changes nothing else.
		# Leak reports of the sanitizer are not this test's subject.
		if ASAN_OPTIONS=detect_leaks=0 \
			setarch "$(uname -m)" -R "$bin" >"$tmp/out" 2>"$tmp/err"; then
			echo "ok: $cc ${flags:-(no sanitizer)}: $(grep READ_CALLS "$tmp/out")"
		else
			echo "FAIL: $cc ${flags:-(no sanitizer)}:"; cat "$tmp/out"; tail -5 "$tmp/err"; fail=1
		fi
		ran=$((ran + 1))
	done
done
[ "$fail" = 0 ] || exit 1
echo "PASS: $ran builds count only the program's own reads and writes"
