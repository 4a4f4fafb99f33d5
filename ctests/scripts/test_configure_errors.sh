#!/bin/bash
# configure refuses, with a message naming the problem, a --with-papi-src that
# is not a directory, is not a PAPI tree, is a PAPI older than 7 or newer than
# 7.x, has no readable version, or has build files of a layout we do not know.
set -u
: "${PV_SRCDIR:?}"

t=$(mktemp -d /tmp/pv-configure-XXXXXX)
trap 'rm -rf "$t"' EXIT
fail=0

expect_error() { # what, expected message fragment, configure args...
	local what=$1 msg=$2 out
	shift 2
	if out=$(cd "$t/build" && "$PV_SRCDIR/configure" "$@" 2>&1); then
		echo "FAIL: $what: configure succeeded"
		fail=1
	elif ! echo "$out" | grep -q -- "$msg"; then
		echo "FAIL: $what: error does not say '$msg':"
		echo "$out" | tail -n 3
		fail=1
	else
		echo "ok: $what: $(echo "$out" | grep -- "$msg" | tail -n 1)"
	fi
}

mkdir -p "$t/build" "$t/notpapi/src" "$t/oldpapi/src"
expect_error "missing directory" "is not a directory" --with-papi-src="$t/nothere"
expect_error "not a PAPI tree" "does not look like a PAPI source tree" --with-papi-src="$t/notpapi"
touch "$t/oldpapi/src/configure.in"
printf '#define PAPI_VERSION  \t\t\tPAPI_VERSION_NUMBER(6,0,0,1)\n' > "$t/oldpapi/src/papi.h"
expect_error "PAPI 6" "PAPI >= 7.0 is required" --with-papi-src="$t/oldpapi"
printf '#define PAPI_VERSION  \t\t\tPAPI_VERSION_NUMBER(8,0,0,0)\n' > "$t/oldpapi/src/papi.h"
expect_error "PAPI 8" "knows the layout of PAPI 7.0 to 7.2 only" --with-papi-src="$t/oldpapi"
printf '#define PAPI_VERSION  7\n' > "$t/oldpapi/src/papi.h"
expect_error "papi.h without PAPI_VERSION_NUMBER" "unknown PAPI source layout" --with-papi-src="$t/oldpapi"
# A PAPI 7.1 papi.h, but none of the build files papi-virt edits or relies on.
printf '#define PAPI_VERSION  \t\t\tPAPI_VERSION_NUMBER(7,1,0,0)\n' > "$t/oldpapi/src/papi.h"
expect_error "7.1 tree of unknown layout" "unknown PAPI source layout" --with-papi-src="$t/oldpapi"
exit $fail
