#!/bin/bash
# papi_vmpower and papi_vmcheck: --help is a man page (NAME, SYNOPSIS,
# DESCRIPTION, OPTIONS, ENVIRONMENT, EXIT STATUS, EXAMPLES, SEE ALSO), exits
# 0, documents every long option the tool accepts; bad usage exits 2 with a
# message on stderr.  Every utility's help text (all four) is printed as
# written: no printf artefacts ('%%', '%s', '%d'...) from a text passed
# through fputs or a format string.
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

for tool in papi_vmpower papi_vmcheck; do
	[ -x "$U/$tool" ] || { fail "$U/$tool not built"; continue; }
	out=$("$U/$tool" --help) || fail "$tool --help exited $?"
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -q "^$sec\$" <<<"$out" || fail "$tool --help has no '$sec' section"
	done
	# Every long option in the source's option table is documented.
	for opt in $(grep -o '{ "[a-z.-]*", [a-z_]*_argument' "$PV_SRCDIR/utils/$tool.c" | sed 's/{ "\([a-z.-]*\)".*/\1/'); do
		grep -q -- "--$opt" <<<"$out" || fail "$tool --help does not document --$opt"
	done
	[ "$("$U/$tool" -h | md5sum)" = "$(md5sum <<<"$out")" ] || fail "$tool -h differs from --help"
	err=$("$U/$tool" --no-such-option 2>&1 >/dev/null); st=$?
	[ $st -eq 2 ] || fail "$tool --no-such-option exited $st, want 2"
	grep -q -- "--help" <<<"$err" || fail "$tool usage error does not point to --help: $err"
done

# Help texts of every utility, as the user sees them.
for tool in papi_vmpower papi_vmcheck papi_vmctl papi_appio_run; do
	[ -x "$U/$tool" ] || { fail "$U/$tool not built"; continue; }
	out=$("$U/$tool" --help 2>&1) || fail "$tool --help exited $?"
	[ "$(wc -l <<<"$out")" -ge 3 ] || fail "$tool --help is too short: $out"
	bad=$(grep -n -E '%%|%[-0-9.]*[sdfgluzx]' <<<"$out")
	[ -z "$bad" ] && continue
	fail "$tool --help shows printf artefacts: $bad"
done

check_usage() { # expected-substring args...
	local want=$1 err st
	shift
	err=$("$@" 2>&1 >/dev/null); st=$?
	[ $st -eq 2 ] || fail "'$*' exited $st, want 2"
	grep -q -- "$want" <<<"$err" || fail "'$*': message '$err' lacks '$want'"
}
check_usage "--interval" "$U/papi_vmpower" --interval 0.001
check_usage "--interval" "$U/papi_vmpower" --interval abc
check_usage "--count" "$U/papi_vmpower" --count -3
check_usage "exclude" "$U/papi_vmpower" --csv --json
check_usage "unexpected argument" "$U/papi_vmpower" extra
check_usage "--export needs live VMs" "$U/papi_vmpower" --export /tmp --replay /dev/null
check_usage "needs --prometheus" "$U/papi_vmpower" --web.config.file /dev/null
check_usage "--window" "$U/papi_vmcheck" --window 0
check_usage "--tolerance" "$U/papi_vmcheck" --tolerance 150
pv_done "--help man pages and usage errors"
