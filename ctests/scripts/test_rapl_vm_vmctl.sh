#!/bin/bash
# papi_vmctl (rapl_vm's control utility) on private copies of the fixture
# trees:
#  - run: the seed operations with one PAPI_write, the command sees the new
#    values, the tree is byte-identical afterwards (restored at PAPI_shutdown),
#    also when the run ends by SIGTERM;
#  - a rejected value: exit 1, a message naming file, value and limit,
#    nothing changed;
#  - SIGKILL of the process holding the controls, then `papi_vmctl restore`:
#    byte-identical again; a live holder is left alone by restore;
#  - get, --help sections and usage errors (exit 2).
set -u
U=${PV_UTILS:?run through ctests/run-tests.sh}
F=${PV_FIXTURES:?}
export LD_LIBRARY_PATH=${PV_PAPI_LIBDIR:?}
VMCTL=$U/papi_vmctl
rc=0
fail() { echo "FAIL: $*"; rc=1; }
[ -x "$VMCTL" ] || { echo "FAIL: $VMCTL not built"; exit 1; }

T=$(mktemp -d /tmp/test_rapl_vm_vmctl.XXXXXX)
HOLDER=
cleanup() {
	[ -n "$HOLDER" ] && kill -KILL "$HOLDER" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

use() { # scenario: fresh copy, environment pointing at it
	rm -rf "$T/sys" "$T/state"
	cp -r "$F/$1/sys" "$T/"
	SCEN=$1
	export PAPI_VIRT_SYSFS=$T/sys PAPI_VIRT_STATE_DIR=$T/state
}
identical() { diff -r "$F/$SCEN/sys" "$T/sys" >/dev/null; }
C=devices/system/cpu

# 1. seed 1 (AMD): userspace governor + 2.8 GHz in one write, seen by the command
use rapl-amd
out=$("$VMCTL" -q run CPU_GOVERNOR:cpu=1=userspace rapl_vm:::CPU_SETSPEED_KHZ:cpu=1=2800000 -- \
	cat "$T/sys/$C/cpu1/cpufreq/scaling_governor" "$T/sys/$C/cpu1/cpufreq/scaling_setspeed" 2>&1)
st=$?
[ $st -eq 0 ] || fail "run (frequency) exited $st: $out"
[ "$out" = "$(printf 'userspace\n2800000')" ] || fail "command did not see the new values: $out"
identical || fail "frequency not restored after run"

# command's exit status is passed through
"$VMCTL" -q run CPU_GOVERNOR:cpu=0=performance -- sh -c 'exit 7' 2>/dev/null
st=$?
[ $st -eq 7 ] || fail "command status not passed through ($st)"
identical || fail "governor not restored after a failing command"

# 2. seed 3 (Intel): power limits, held until SIGTERM
use rapl-intel-2pkg
"$VMCTL" -q run PSTATE_MAX_PERF_PCT=50 POWER_LIMIT_UW:pkg=1:constraint=long_term=120000000 \
	TIME_WINDOW_US:pkg=1:constraint=long_term=999424 LIMIT_ENABLED:pkg=1=1 2>"$T/err" &
HOLDER=$!
for i in $(seq 1 100); do
	[ "$(cat "$T/sys/$C/intel_pstate/max_perf_pct")" = 50 ] && break
	sleep 0.1
done
[ "$(cat "$T/sys/$C/intel_pstate/max_perf_pct")" = 50 ] || fail "max_perf_pct not set: $(cat "$T/err")"
[ "$(cat "$T/sys/class/powercap/intel-rapl:2/constraint_0_power_limit_uw")" = 120000000 ] || fail "PL1 not set"
# a second writer on the same control is refused while the holder lives
"$VMCTL" -q run PSTATE_MAX_PERF_PCT=60 -- true 2>"$T/err2"
st=$?
[ $st -eq 1 ] || fail "second writer exited $st"
grep -q "being controlled by process $HOLDER" "$T/err2" || fail "second writer message: $(cat "$T/err2")"
# restore leaves a live holder alone
"$VMCTL" restore 2>"$T/err3" || fail "restore with a live holder failed: $(cat "$T/err3")"
[ "$(cat "$T/sys/$C/intel_pstate/max_perf_pct")" = 50 ] || fail "restore touched a live holder's control"
kill -TERM "$HOLDER"
wait "$HOLDER"
st=$?
HOLDER=
[ $st -eq 0 ] || fail "holder exited $st after SIGTERM: $(cat "$T/err")"
identical || fail "limits not restored after SIGTERM"

# 3. rejected value: nothing changes, the message names file, value, limit
out=$("$VMCTL" -q run POWER_LIMIT_UW:pkg=0:constraint=short_term=300000001 PSTATE_NO_TURBO=1 -- true 2>&1)
st=$?
[ $st -eq 1 ] || fail "rejected value exited $st"
grep -q "intel-rapl:0/constraint_1_power_limit_uw: 300000001 is above the maximum 300000000" <<<"$out" ||
	fail "rejection message: $out"
identical || fail "a rejected batch changed something"

# 4. SIGKILL, then the restore command
"$VMCTL" -q run CPU_GOVERNOR:cpu=3=performance PSTATE_NO_TURBO=1 \
	POWER_LIMIT_UW:pkg=0:constraint=short_term=170000000 2>"$T/err" &
HOLDER=$!
for i in $(seq 1 100); do
	[ "$(cat "$T/sys/$C/intel_pstate/no_turbo")" = 1 ] && break
	sleep 0.1
done
[ "$(cat "$T/sys/$C/intel_pstate/no_turbo")" = 1 ] || fail "no_turbo not set: $(cat "$T/err")"
kill -KILL "$HOLDER"
wait "$HOLDER" 2>/dev/null
HOLDER=
identical && fail "SIGKILL: the tree was restored without the restore command?"
ls "$T/state"/rapl_vm-*.state >/dev/null 2>&1 || fail "no state file left by the killed process"
out=$("$VMCTL" restore 2>&1)
st=$?
[ $st -eq 0 ] || fail "restore exited $st: $out"
grep -q "1 state file(s) restored" <<<"$out" || fail "restore report: $out"
identical || { fail "not byte-identical after SIGKILL + restore"; diff -r "$F/$SCEN/sys" "$T/sys"; }
ls "$T/state"/rapl_vm-*.state >/dev/null 2>&1 && fail "state file kept after a successful restore"
"$VMCTL" restore --state-dir "$T/state" -q || fail "second restore failed"

# 5. get
out=$("$VMCTL" get CPU_GOVERNOR:cpu=0 PSTATE_MIN_PERF_PCT 2>/dev/null)
[ "$out" = "$(printf 'rapl_vm:::CPU_GOVERNOR:cpu=0 1\nrapl_vm:::PSTATE_MIN_PERF_PCT 21')" ] || fail "get: $out"

# 6. --help and usage
help=$("$VMCTL" --help) || fail "--help exited $?"
for sec in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS" EXAMPLES "SEE ALSO"; do
	grep -q "^$sec\$" <<<"$help" || fail "--help has no '$sec' section"
done
for opt in $(grep -o '{ "[a-z-]*", [a-z_]*_argument' "$PV_SRCDIR/utils/papi_vmctl.c" | sed 's/{ "\([a-z-]*\)".*/\1/'); do
	grep -q -- "--$opt" <<<"$help" || fail "--help does not document --$opt"
done
usage() { # args...: must exit 2 pointing at --help
	local err st
	err=$("$VMCTL" "$@" 2>&1 >/dev/null); st=$?
	[ $st -eq 2 ] || fail "'$*' exited $st, want 2"
	grep -q -- "--help" <<<"$err" || fail "'$*': $err"
}
usage
usage frobnicate
usage run
usage run NOVALUE
usage run --hold 0 PSTATE_NO_TURBO=1
usage run PSTATE_NO_TURBO=1 --
usage restore extra
"$VMCTL" -q run CPU_GOVERNOR:cpu=0=nosuchgovernor -- true 2>/dev/null
[ $? -eq 2 ] || fail "unknown governor name is not a usage error"
identical || fail "usage errors changed something"

[ $rc -eq 0 ] && echo "PASS: papi_vmctl run/restore/get on fixtures, SIGKILL + restore byte-identical"
exit $rc
