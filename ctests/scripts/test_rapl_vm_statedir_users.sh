#!/bin/bash
# The saved-state directory of rapl_vm and `papi_vmctl restore` with two real
# users (issue 16, item 1).  A non-root user without XDG_RUNTIME_DIR gets
# /tmp/papi-virt-<uid>; another user can create that name first.  Two
# throwaway users (useradd, removed by the trap) play attacker A and victim B:
#  1. A pre-creates B's directory (mode 0777) and plants a state file naming
#     B's own file, plus a dangling .lock symlink: B's restore and B's
#     control run refuse the directory (exit 1, message naming it and its
#     owner), B's file is unchanged, the lock target is not created;
#  2. B's directory world-writable (a state file planted by A): refused;
#  3. B's directory a symlink made by A to A's directory: refused;
#  4. B's own proper directory holding a state file that names B's file, a
#     ".." path out of the sysfs root, a path under another root, and one
#     real control: the real control is restored, every other line refused
#     with a message naming the path, nothing else written, exit 1;
#  5. a dangling .lock symlink in B's own directory: refused, target absent;
#  6. B without any directory: `papi_vmctl run` works (directory created
#     0700, control restored), so the checks do not get in the normal way.
# Needs root (useradd, runuser), as the lab tests do.
set -u
U=${PV_UTILS:?run through ctests/run-tests.sh}
F=${PV_FIXTURES:?}
LIB=${PV_PAPI_LIBDIR:?}
VMCTL=$U/papi_vmctl
rc=0
fail() { echo "FAIL: $*"; rc=1; }
[ -x "$VMCTL" ] || { echo "FAIL: $VMCTL not built"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root to create the two test users"; exit 1; }

A=pvta$$
B=pvtb$$
T=$(mktemp -d /tmp/test_statedir_users.XXXXXX)
SD=
cleanup() {
	[ -n "$SD" ] && rm -rf "$SD"
	rm -rf "$T" "/tmp/pvt-lock-target-$$"
	userdel "$A" 2>/dev/null
	userdel "$B" 2>/dev/null
}
trap cleanup EXIT
useradd -M -N -s /bin/sh "$A" || { echo "FAIL: useradd $A"; exit 1; }
useradd -M -N -s /bin/sh "$B" || { echo "FAIL: useradd $B"; exit 1; }
UA=$(id -u "$A")
UB=$(id -u "$B")
SD=/tmp/papi-virt-$UB
rm -rf "$SD"
chmod 755 "$T"

# as USER: the environment of a login without XDG_RUNTIME_DIR
as() {
	local who=$1
	shift
	runuser -u "$who" -- env -u XDG_RUNTIME_DIR -u PAPI_VIRT_STATE_DIR LD_LIBRARY_PATH="$LIB" \
		PAPI_VIRT_SYSFS="$T/sys" "$@"
}
C=devices/system/cpu/cpu0/cpufreq
GOV=$T/sys/$C/scaling_governor
fresh() { # a new sysfs copy and victim file, both B's
	rm -rf "$T/sys" "$T/victim"
	cp -r "$F/rapl-amd/sys" "$T/sys"
	echo precious >"$T/victim"
	chown -R "$B" "$T/sys" "$T/victim"
}
state_line() { # KIND PATH VALUE (no characters that need escaping)
	printf 'save %s %s %s\n' "$1" "$2" "$3"
}
plant() { # USER FILE LINES...: a state file of a dead process, written as USER, mode 0666
	# (the attacker makes it writable so that the old restore could lock it)
	local who=$1 f=$2
	shift 2
	{
		echo "papi-virt-rapl_vm-state 1"
		echo "pid 424242"
		printf '%s\n' "$@"
	} | runuser -u "$who" -- sh -c "cat >'$f' && chmod 666 '$f'"
}
victim_intact() { [ "$(cat "$T/victim")" = precious ]; }

# 1. created by A (0777), with a planted state file and a dangling lock
fresh
runuser -u "$A" -- sh -c "mkdir '$SD' && chmod 777 '$SD'"
plant "$A" "$SD/rapl_vm-424242.state" "$(state_line CPU_GOVERNOR "$T/victim" owned%0A)"
out=$(as "$B" "$VMCTL" restore 2>&1)
st=$?
[ $st -eq 1 ] || fail "1: restore in A's directory exited $st: $out"
echo "$out" | grep -q "$SD: refusing the state directory: it belongs to uid $UA, not to this user (uid $UB)" ||
	fail "1: restore message: $out"
victim_intact || fail "1: restore overwrote B's file: $(cat "$T/victim")"
runuser -u "$A" -- ln -s /tmp/pvt-lock-target-$$ "$SD/.lock"
out=$(as "$B" "$VMCTL" -q run CPU_GOVERNOR:cpu=0=performance -- true 2>&1)
st=$?
[ $st -eq 1 ] || fail "1: run with A's directory exited $st: $out"
echo "$out" | grep -q "$SD: refusing the state directory: it belongs to uid $UA" || fail "1: run message: $out"
[ "$(cat "$GOV")" = ondemand ] || fail "1: the control changed without a usable state directory"
[ -e /tmp/pvt-lock-target-$$ ] && fail "1: the dangling .lock symlink was followed"
rm -rf "$SD"

# 2. B's directory, but world-writable; A planted a file in it
fresh
runuser -u "$B" -- sh -c "mkdir '$SD' && chmod 777 '$SD'"
plant "$A" "$SD/rapl_vm-424242.state" "$(state_line CPU_GOVERNOR "$T/victim" owned%0A)"
out=$(as "$B" "$VMCTL" restore 2>&1)
st=$?
[ $st -eq 1 ] || fail "2: restore in a world-writable directory exited $st: $out"
echo "$out" | grep -q "$SD: refusing the state directory: other users can write to it (mode 0777)" ||
	fail "2: message: $out"
victim_intact || fail "2: restore overwrote B's file"
rm -rf "$SD"

# 3. a symlink by A to A's own directory
fresh
mkdir "$T/adir" && chown "$A" "$T/adir" && chmod 700 "$T/adir"
plant "$A" "$T/adir/rapl_vm-424242.state" "$(state_line CPU_GOVERNOR "$T/victim" owned%0A)"
runuser -u "$A" -- ln -s "$T/adir" "$SD"
out=$(as "$B" "$VMCTL" restore 2>&1)
st=$?
[ $st -eq 1 ] || fail "3: restore through a symlink exited $st: $out"
echo "$out" | grep -q "$SD: refusing the state directory: it is a symbolic link" || fail "3: message: $out"
victim_intact || fail "3: restore overwrote B's file"
out=$(as "$B" "$VMCTL" -q run CPU_GOVERNOR:cpu=0=performance -- true 2>&1)
[ $? -eq 1 ] || fail "3: run through a symlinked directory did not fail: $out"
[ -n "$(ls "$T/adir" | grep -v rapl_vm-424242.state)" ] && fail "3: files written into A's directory"
rm -f "$SD"

# 4. B's own directory, a state file naming non-control paths and one control
fresh
runuser -u "$B" -- mkdir -m 700 "$SD"
echo performance >"$GOV"
plant "$B" "$SD/rapl_vm-424242.state" \
	"$(state_line CPU_GOVERNOR "$T/victim" owned%0A)" \
	"$(state_line CPU_GOVERNOR "$T/sys/$C/../../../../../../victim" owned%0A)" \
	"$(state_line POWER_LIMIT_UW "$T/sys/class/powercap/intel-rapl:0/../../../../victim" owned%0A)" \
	"$(state_line CPU_GOVERNOR "$T/other-root/$C/scaling_governor" owned%0A)" \
	"$(state_line CPU_CUR_FREQ_KHZ "$T/sys/$C/scaling_cur_freq" 1%0A)" \
	"$(state_line CPU_GOVERNOR "$GOV" ondemand%0A)"
mkdir -p "$T/other-root/$C" && echo keep >"$T/other-root/$C/scaling_governor"
chown -R "$B" "$T/other-root"
out=$(as "$B" "$VMCTL" restore 2>&1)
st=$?
[ $st -eq 1 ] || fail "4: restore of a planted file exited $st: $out"
for p in "$T/victim" "$T/sys/$C/../../../../../../victim" "$T/other-root/$C/scaling_governor"; do
	echo "$out" | grep -qF "$p: refusing to write it: not a CPU_GOVERNOR control file" ||
		fail "4: no refusal naming $p: $out"
done
echo "$out" | grep -qF "refusing to write it: not a POWER_LIMIT_UW control file" || fail "4: '..' zone: $out"
echo "$out" | grep -qF "refusing to write it: 'CPU_CUR_FREQ_KHZ' is not a writable rapl_vm control" ||
	fail "4: read-only kind: $out"
victim_intact || fail "4: restore overwrote B's file"
[ "$(cat "$T/other-root/$C/scaling_governor")" = keep ] || fail "4: wrote under another sysfs root"
[ "$(cat "$GOV")" = ondemand ] || fail "4: the real control was not restored: $(cat "$GOV")"
[ -e "$SD/rapl_vm-424242.state" ] || fail "4: a refused state file was removed"
rm -rf "$SD"

# 5. a dangling .lock symlink in B's own directory (left by anyone: root here)
fresh
runuser -u "$B" -- mkdir -m 700 "$SD"
ln -s /tmp/pvt-lock-target-$$ "$SD/.lock"
out=$(as "$B" "$VMCTL" -q run CPU_GOVERNOR:cpu=0=performance -- true 2>&1)
st=$?
[ $st -eq 1 ] || fail "5: run with a dangling lock symlink exited $st: $out"
echo "$out" | grep -qF "$SD/.lock: refusing it: it is a symbolic link" || fail "5: message: $out"
[ -e /tmp/pvt-lock-target-$$ ] && fail "5: the dangling .lock symlink was followed"
[ "$(cat "$GOV")" = ondemand ] || fail "5: the control changed"
rm -rf "$SD"

# 6. the normal way still works: no directory yet
fresh
out=$(as "$B" "$VMCTL" -q run CPU_GOVERNOR:cpu=0=performance -- cat "$GOV" 2>&1)
st=$?
[ $st -eq 0 ] || fail "6: normal run exited $st: $out"
[ "$out" = performance ] || fail "6: the command did not see the change: $out"
[ "$(cat "$GOV")" = ondemand ] || fail "6: not restored"
[ "$(stat -c '%U %a' "$SD" 2>&1)" = "$B 700" ] || fail "6: state directory: $(stat -c '%U %a' "$SD" 2>&1)"

[ $rc -eq 0 ] && echo "PASS: state directory and restore with two users"
exit $rc
