#!/bin/bash
# pv_virt against a real private libvirtd and two real guests, one with a name
# holding a space, ':', '=' and non-ASCII characters.  Checks, in order:
#  1. discovery: both VMs, QEMU pid = libvirt's pid file, vCPU 0 tid = libvirt's
#     status XML <vcpu id='0' pid=.../>, cgroup dir = the VM's cgroup v2 dir
#  2. a destroyed VM: the read-path liveness check says gone before any
#     refresh; the refresh reports it gone, the other keeps its id
#  3. same name, new VM: a new record with a new id
#  4. daemon down: refresh fails fast, no record changes
#  5. daemon hung (SIGSTOP): refresh returns -ETIMEDOUT within the timeout
#  6. daemon restarted: refresh reconnects, the surviving VM keeps its id
# The probe (pv_virt_probe.c) is compiled here and linked with the logic
# library (libpvlogic.a: src/shared and every component's PAPI-free modules).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${PV_SRCDIR:-$(cd "$here/../.." && pwd)}
# shellcheck source=ctests/vmlab/lab-lib.sh
. "$here/lab-lib.sh"

WEIRD='we ird: na=mé ü'
PLAIN=plain
fails=0
check() { # description, then a command
	local what=$1
	shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

tmp=$(mktemp -d /tmp/pv_virt_probe.XXXXXX) || exit 1
probe_pid=
stopped_pid=
cleanup_all() {
	[ -n "$stopped_pid" ] && kill -CONT "$stopped_pid" 2>/dev/null
	if [ -n "$probe_pid" ]; then
		kill -TERM "$probe_pid" 2>/dev/null
		wait "$probe_pid" 2>/dev/null
	fi
	lab_cleanup
	rm -rf "$tmp"
}

# shellcheck disable=SC2046
if ! gcc -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$src/src/shared" \
	"$here/pv_virt_probe.c" "${PV_BUILDDIR:?}/libpvlogic.a" \
	$(pkg-config --cflags --libs libvirt) -lpthread -ldl -lm -o "$tmp/probe"; then
	echo "FAIL: cannot build the probe"
	rm -rf "$tmp"
	exit 1
fi

lab_start "$WEIRD:idle" "$PLAIN:idle" || { cleanup_all; echo "FAIL: lab did not start"; exit 1; }
trap cleanup_all EXIT
trap 'cleanup_all; exit 130' INT
trap 'cleanup_all; exit 143' TERM

coproc PROBE { "$tmp/probe" 2>&1; }
probe_pid=$PROBE_PID
# Sends one command, collects the answer lines (until ".") into REPLY_LINES.
ask() {
	local line i
	REPLY_LINES=()
	[ -z "$1" ] || printf '%s\n' "$1" >&"${PROBE[1]}"
	for ((i = 0; i < 1000; i++)); do
		IFS= read -r -t 30 line <&"${PROBE[0]}" || { echo "FAIL probe did not answer '$1'"; return 1; }
		[ "$line" = . ] && return 0
		REPLY_LINES+=("$line")
	done
	return 1
}
field() { # key line -> value (values have no spaces except name=, which is last)
	local k=$1 l=$2
	if [ "$k" = name ]; then echo "${l#* name=}"; return; fi
	l=" ${l%% name=*} "
	l=${l#* "$k"=}
	echo "${l%% *}"
}
vm_line() { # name -> the live record's line
	local l
	for l in "${REPLY_LINES[@]}"; do
		[[ $l == vm\ * ]] || continue
		[ "$(field name "$l")" = "$1" ] && [ "$(field gone "$l")" = 0 ] && { echo "$l"; return 0; }
	done
	return 1
}
refresh() { ask refresh && RESULT=${REPLY_LINES[0]}; echo "     refresh: $RESULT"; }

ask "" || exit 1 # banner

# 1. discovery
refresh
check "refresh succeeds" [ "$(field rc "$RESULT")" = 0 ]
ask list
for n in "$WEIRD" "$PLAIN"; do
	l=$(vm_line "$n") || { check "VM '$n' discovered" false; continue; }
	check "VM '$n' discovered with its exact name" true
	check "'$n' QEMU pid" [ "$(field pid "$l")" = "$(lab_pid "$n")" ]
	check "'$n' vCPU 0 tid = status XML" [ "$(field vcpu0 "$l")" = "$(lab_vcpu_tid "$n" 0)" ]
	check "'$n' one vCPU, other threads" [ "$(field nvcpus "$l")" = 1 -a "$(field nothers "$l")" -ge 1 ]
	check "'$n' UUID" [ "$(field uuid "$l")" = "$(lab_uuid "$n")" ]
	check "'$n' cgroup dir" [ "/sys/$(field dir "$l")" = "$(lab_cgroup2_dir "$n")" ]
	check "'$n' alive" [ "$(field alive "$l")" = 1 ]
done
weird_id=$(field id "$(vm_line "$WEIRD")")
plain_id=$(field id "$(vm_line "$PLAIN")")

# 2. destroy one
lab_destroy "$PLAIN"
ask list
for l in "${REPLY_LINES[@]}"; do
	[ "$(field id "$l")" = "$plain_id" ] && check "destroyed VM not alive before refresh (read path)" [ "$(field alive "$l")" = 0 ]
done
refresh
check "refresh reports one gone" [ "$(field gone "$RESULT")" = 1 -a "$(field live "$RESULT")" = 1 ]
ask list
check "surviving VM keeps its id" [ "$(field id "$(vm_line "$WEIRD")")" = "$weird_id" ]
no_vm_line() { ! vm_line "$1" >/dev/null; }
check "destroyed VM has no live record" no_vm_line "$PLAIN"

# 3. same name, new VM
lab_start_guests "$LAB_STATE" "$PLAIN:idle" || check "restart '$PLAIN'" false
refresh
ask list
l=$(vm_line "$PLAIN") && new_id=$(field id "$l") || new_id=
check "same name, new VM: new record (old id $plain_id, new id $new_id)" [ -n "$new_id" -a "$new_id" != "$plain_id" ]
lab_destroy "$PLAIN"

# 4. daemon down
dpid=$(lab_daemon_pid "$LAB_STATE")
kill -TERM "$dpid" && lab_wait_gone "$dpid" 150
refresh
rc=$(field rc "$RESULT")
check "daemon down: refresh fails (rc $rc) within 2 s" [ "$rc" -lt 0 -a "$(field ms "$RESULT")" -lt 2000 ]
ask list
check "daemon down: surviving VM still live, same id" [ "$(field id "$(vm_line "$WEIRD")")" = "$weird_id" ]

# 5./6. daemon back, then hung, then alive again
lab_start_daemon "$LAB_STATE" || check "daemon restarts" false
refresh
check "daemon restarted: reconnected" [ "$(field rc "$RESULT")" = 0 -a "$(field reconnects "$RESULT")" -ge 1 ]
ask list
check "daemon restarted: VM keeps its id" [ "$(field id "$(vm_line "$WEIRD")")" = "$weird_id" ]
check "daemon restarted: destroyed VM stays gone" [ "$(field live "$RESULT")" = 1 ]

ask "timeout 1500"
stopped_pid=$(lab_daemon_pid "$LAB_STATE")
kill -STOP "$stopped_pid"
refresh
check "daemon hung: -ETIMEDOUT (-110) in <= 2.5 s" [ "$(field rc "$RESULT")" = -110 -a "$(field ms "$RESULT")" -le 2500 ]
kill -CONT "$stopped_pid"
stopped_pid=
ok=0
for ((i = 0; i < 20; i++)); do  # the stuck worker finishes once the daemon runs
	refresh
	[ "$(field rc "$RESULT")" = 0 ] && { ok=1; break; }
	sleep 0.25
done
check "daemon resumed: refresh works again" [ $ok = 1 ]
ask list
check "daemon resumed: VM keeps its id" [ "$(field id "$(vm_line "$WEIRD")")" = "$weird_id" ]

printf 'quit\n' >&"${PROBE[1]}"
wait "$probe_pid" 2>/dev/null
probe_pid=
if [ $fails -eq 0 ]; then echo "PASS: pv_virt discovery"; else echo "FAIL: $fails check(s)"; fi
[ $fails -eq 0 ]
