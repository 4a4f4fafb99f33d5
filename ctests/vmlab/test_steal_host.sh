#!/bin/bash
# steal component, host side, on real guests (private libvirtd, TCG guests):
#  1. two busy 1-vCPU guests pinned (taskset on the vCPU thread) to one host
#     CPU for WINDOW s: each VCPU_STEAL_NS share of the wall time is
#     50% +- 3 points (the busy vCPU threads run at nice -20, in the root
#     cpu cgroup and a nice -20 autogroup, so that other work on this
#     shared machine does not take the CPU), each one's steal >= the other's run - 2%, and
#     VCPU_STEAL_NS agrees with libvirt's vcpu.0.delay (exact bracket from
#     PAPI reads taken around the virsh call, and within 1%); an idle guest's
#     VCPU_HALT_NS share >= 90%.  One guest's name has a space, ':', '=' and
#     a non-ASCII character (percent-encoded in the event name).
#  2. pinned apart for WINDOW2 s: each busy guest's steal share < 3%, plus
#     the share of its host CPU that other work (other builds and tests on
#     this shared machine, measured from /proc/stat) took: on an otherwise
#     idle host that is the plain < 3%.  Because that share is rough (tick
#     sampling), < 1/10 of the shared-CPU steal share is also accepted.
#  3. papi_native_avail lists the running VMs with their encoded names.
#  4. a VM destroyed mid-measurement: PAPI_read keeps working, no value
#     decreases, the VM's values freeze.
#  5. a VM started after PAPI_library_init and after a libvirt daemon restart
#     is addressable by name; unknown VM / vCPU -> PAPI_ENOEVNT.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ctests/vmlab/lab-lib.sh
. "$here/lab-lib.sh"

B=${PV_BUILDDIR:-$here/../..}
# Guests boot in 4-75 s here depending on the load other work puts on the machine.
export PV_VMLAB_BOOT_TIMEOUT=${PV_VMLAB_BOOT_TIMEOUT:-240}
PROG=$B/ctests/papi/test_steal_host
WINDOW=${PV_STEAL_WINDOW:-20}
WINDOW2=${PV_STEAL_WINDOW2:-8}
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$PROG" ] || fail "$PROG not built"
t_start=$(lab_now_ms)

A=$'st a:1=\xc3\xa9'          # "st a:1=é"
AE='st%20a%3A1%3D%C3%A9'      # its canonical encoding (pv_evname.h)
lab_start "$A:busy" b:busy i:idle || fail "lab did not start"
t_ready=$(lab_now_ms)

ta=$(lab_vcpu_tid "$A") || fail "no vCPU tid for $A"
tb=$(lab_vcpu_tid b) || fail "no vCPU tid for b"
ti=$(lab_vcpu_tid i) || fail "no vCPU tid for i"
ua=$(lab_uuid "$A")
ub=$(lab_uuid b)
tmp=$(mktemp -d)
pp= pl=
# The measuring programs run in the background: a failed step must not
# leave them polling a torn-down lab.
cleanup_all() {
	for p in $pp $pl; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
	lab_cleanup
}
trap cleanup_all EXIT
trap 'cleanup_all; exit 130' INT
trap 'cleanup_all; exit 143' TERM

# The hook runs between two PAPI reads: libvirt's view of the same counter.
cat >"$tmp/hook.sh" <<HOOK
#!/bin/sh
timeout 30 virsh -q -c '$LAB_URI' domstats --vcpu $ua $ub > '$tmp'/domstats.\$1 2>&1
HOOK
chmod +x "$tmp/hook.sh"
delay_of() { # file uuid-order-index(0=a,1=b)
	awk -v want="$2" '/^Domain:/ { d++ } /vcpu.0.delay=/ { if (d - 1 == want) { sub(/.*=/, ""); print } }' "$1"
}

taskset -p -c 0 "$ta" >/dev/null && taskset -p -c 0 "$tb" >/dev/null && taskset -p -c 1 "$ti" >/dev/null ||
	fail "taskset on vCPU threads"
# This machine is shared (other builds and tests run beside the lab).  To make
# the two busy vCPU threads compete mainly with each other, as on a dedicated
# host: nice -20 (CFS weight 88761 against 1024 for nice-0 work), and out of
# libvirt's cgroup v1 "cpu" group (where the whole VM weighs like one nice-0
# task) into the root one.  Only our guests' threads change; they end with
# the guests.
for t in "$ta" "$tb"; do
	if [ -w /sys/fs/cgroup/cpu/tasks ]; then echo "$t" >/sys/fs/cgroup/cpu/tasks || fail "cpu cgroup move of $t"; fi
done
renice -n -20 -p "$ta" "$tb" >/dev/null || fail "renice vCPU threads"
# With CONFIG_SCHED_AUTOGROUP (on here) nice only orders tasks inside their
# session's group; the group's own nice orders it against other sessions.
for p in "$(lab_pid "$A")" "$(lab_pid b)"; do
	if [ -w "/proc/$p/autogroup" ]; then echo -20 >"/proc/$p/autogroup" || fail "autogroup nice of $p"; fi
done
sleep 1
"$PROG" measure "$WINDOW" "$tmp/hook.sh" \
	"VCPU_STEAL_NS:vm=$AE:vcpu=0" "VCPU_RUN_NS:vm=$AE:vcpu=0" \
	"VCPU_STEAL_NS:vm=b:vcpu=0" "VCPU_RUN_NS:vm=b:vcpu=0" \
	"VCPU_HALT_NS:vm=i" "VCPU_RUN_NS:vm=i" "VCPU_STEAL_NS:vm=i" \
	"VCPU_STEAL_NS:vm=$AE" >"$tmp/m1" 2>&1 || { cat "$tmp/m1"; fail "measure (shared CPU)"; }
v() { awk -v r="$2" -v i="$3" '$1 == r && $2 == i { print $3 }' "$1"; }
wall=$(awk '$1 == "wall_ns" { print $2 }' "$tmp/m1")
sa=$(v "$tmp/m1" r3 0) ra=$(v "$tmp/m1" r3 1) sb=$(v "$tmp/m1" r3 2) rb=$(v "$tmp/m1" r3 3)
hi=$(v "$tmp/m1" r3 4) ri=$(v "$tmp/m1" r3 5) si=$(v "$tmp/m1" r3 6) sa_vm=$(v "$tmp/m1" r3 7)
la0=$(delay_of "$tmp/domstats.start" 0) la1=$(delay_of "$tmp/domstats.end" 0)
lb0=$(delay_of "$tmp/domstats.start" 1) lb1=$(delay_of "$tmp/domstats.end" 1)
[ -n "$la0" ] && [ -n "$la1" ] && [ -n "$lb0" ] && [ -n "$lb1" ] || { cat "$tmp"/domstats.*; fail "no vcpu.0.delay from libvirt"; }
rc=0
check() { # awk-condition message
	if awk "BEGIN { exit !($1) }"; then echo "ok:   $2"; else echo "FAIL: $2"; rc=1; fi
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", 100 * a / b }'; }
echo "shared CPU, ${WINDOW} s: wall $wall ns"
echo "  $A: steal $sa run $ra ($(pct "$sa" "$wall")% steal)   b: steal $sb run $rb ($(pct "$sb" "$wall")% steal)"
echo "  i (idle): halt $hi run $ri steal $si ($(pct "$hi" "$wall")% halt)"
check "$sa / $wall > 0.47 && $sa / $wall < 0.53" "$A steal share 50 +- 3 points"
check "$sb / $wall > 0.47 && $sb / $wall < 0.53" "b steal share 50 +- 3 points"
check "$sa >= 0.98 * $rb" "$A steal >= b run - 2%"
check "$sb >= 0.98 * $ra" "b steal >= $A run - 2%"
check "$hi / $wall >= 0.90" "idle guest halt share >= 90%"
check "$sa_vm == $sa" "VM sum equals its only vCPU"
echo "  CPU 0 split between the two: $A $(pct "$ra" $((ra + rb)))% / b $(pct "$rb" $((ra + rb)))% of their run time"
# libvirt's delay delta lies between the PAPI reads taken around each virsh call
for g in a b; do
	if [ $g = a ]; then s=0; l0=$la0; l1=$la1; else s=2; l0=$lb0; l1=$lb1; fi
	inner=$(( $(v "$tmp/m1" r2 $s) - $(v "$tmp/m1" r1 $s) ))
	outer=$(( $(v "$tmp/m1" r3 $s) - $(v "$tmp/m1" r0 $s) ))
	ld=$((l1 - l0))
	echo "  $g: libvirt vcpu.0.delay delta $ld ns; PAPI inner $inner outer $outer"
	check "$ld >= $inner && $ld <= $outer" "$g: libvirt delay inside the PAPI bracket"
	# The bracket is exact; its width is the steal accrued during the virsh
	# call.  1%: libvirt's value against the middle of the bracket.
	check "($ld - ($inner + $outer) / 2) ^ 2 <= (0.01 * $ld) ^ 2" "$g: agrees with libvirt within 1% (mid-bracket $(( (inner + outer) / 2 )))"
done

s1a=$(awk -v a="$sa" -v w="$wall" 'BEGIN { print a / w }') s1b=$(awk -v a="$sb" -v w="$wall" 'BEGIN { print a / w }')

# 2. pinned apart
taskset -p -c 0 "$ta" >/dev/null && taskset -p -c 1 "$tb" >/dev/null || fail "taskset apart"
sleep 1
printf '#!/bin/sh\ncat /proc/stat > %s/stat.$1\n' "$tmp" >"$tmp/hook2.sh"
chmod +x "$tmp/hook2.sh"
"$PROG" measure "$WINDOW2" "$tmp/hook2.sh" "VCPU_STEAL_NS:vm=$AE:vcpu=0" "VCPU_STEAL_NS:vm=b:vcpu=0" \
	"VCPU_RUN_NS:vm=$AE:vcpu=0" "VCPU_RUN_NS:vm=b:vcpu=0" >"$tmp/m2" 2>&1 ||
	{ cat "$tmp/m2"; fail "measure (apart)"; }
wall=$(awk '$1 == "wall_ns" { print $2 }' "$tmp/m2")
sa=$(v "$tmp/m2" r3 0) sb=$(v "$tmp/m2" r3 1) ra=$(v "$tmp/m2" r2 2) rb=$(v "$tmp/m2" r2 3)
# Time the host CPU spent on work other than the guest pinned to it (other
# builds and tests on this shared machine): busy ticks of the CPU minus the
# vCPU's run time.  A vCPU alone on its CPU can only wait for that work.
busy_ns() { # cpuN
	awk -v c="$1" -v hz="$(getconf CLK_TCK)" 'FNR == 1 { f++ } $1 == c { b[f] = $2 + $3 + $4 + $7 + $8 }
		END { printf "%.0f\n", (b[2] - b[1]) * 1e9 / hz }' "$tmp/stat.start" "$tmp/stat.end"
}
oa=$(( $(busy_ns cpu0) - ra )) ob=$(( $(busy_ns cpu1) - rb ))
[ $oa -lt 0 ] && oa=0
[ $ob -lt 0 ] && ob=0
echo "apart, ${WINDOW2} s: $A steal $(pct "$sa" "$wall")% (other work on cpu0 $(pct "$oa" "$wall")%), b steal $(pct "$sb" "$wall")% (other work on cpu1 $(pct "$ob" "$wall")%)"
# Other builds and tests share this machine, and /proc/stat's tick sampling
# makes the other-work share rough: on a loaded machine the plain 3% is
# also accepted as met when pinning apart removed >= 90% of the steal the
# shared pinning caused (s1a, s1b: the shares measured in part 1).
check "$sa / $wall < 0.03 + $oa / $wall || $sa / $wall < $s1a / 10" "$A steal share < 3% (+ other work's share of its CPU, or < 1/10 of the shared case) when pinned apart"
check "$sb / $wall < 0.03 + $ob / $wall || $sb / $wall < $s1b / 10" "b steal share < 3% (+ other work's share of its CPU, or < 1/10 of the shared case) when pinned apart"

# 3. listing
LD_LIBRARY_PATH=${PV_PAPI_LIBDIR:-$B/papi/src} papi_native_avail -i steal >"$tmp/avail" 2>&1
if grep -q ":vm=$AE:vcpu=0" "$tmp/avail" && grep -q ":vm=b " "$tmp/avail"; then
	echo "ok:   papi_native_avail lists the running VMs (:vm=$AE:vcpu=0)"
else
	echo "FAIL: papi_native_avail does not list the VMs"; grep -n ':vm=' "$tmp/avail" | head; rc=1
fi

# 4. destroy b while measuring
# The poll runs until told to stop (SIGUSR1), bounded by 90 s: virsh destroy
# of a busy TCG guest took 0.5 s to 13 s here (libvirt waits for QEMU to
# end), and a fixed 15 s poll ended before a slow one was over.
"$PROG" poll 90 250 "VCPU_RUN_NS:vm=b" "VCPU_STEAL_NS:vm=b" "VCPU_HALT_NS:vm=b" "VCPU_RUN_NS:vm=$AE" \
	>"$tmp/m4" 2>&1 &
pp=$!
sleep 2
d0=$(lab_now_ms)
lab_destroy b || fail "destroy b"
echo "note: virsh destroy b took $(( $(lab_now_ms) - d0 )) ms"
# The reads must go on for a while after the VM is gone.
sleep 1.5
kill -0 "$pp" 2>/dev/null || { wait "$pp"; w=$?; pp=; echo "poll exited $w:"; cat "$tmp/m4"; fail "the measurement ended before the destroy was over (90 s)"; }
kill -USR1 "$pp"
wait "$pp"
prc=$?
pp=
tail -n 3 "$tmp/m4"
check "$prc == 0" "PAPI_read keeps working and nothing decreases after a destroy"
# After the destroy (last 4 reads, >= 1 s later) b's values do not move; a's do.
frozen=$(tail -n 4 "$tmp/m4" | awk 'NR == 1 { r = $2; s = $3; h = $4; a = $5 } END { print (r == $2 && s == $3 && h == $4 && $5 > a) }')
check "$frozen == 1" "destroyed VM's values freeze (and the live VM's keep counting)"
LD_LIBRARY_PATH=${PV_PAPI_LIBDIR:-$B/papi/src} papi_native_avail -i steal >"$tmp/avail2" 2>&1
if ! grep -q ":vm=b " "$tmp/avail2" && grep -q ":vm=$AE:vcpu=0" "$tmp/avail2"; then
	echo "ok:   papi_native_avail no longer lists the destroyed VM"
else
	echo "FAIL: papi_native_avail after the destroy:"; grep -n ':vm=' "$tmp/avail2" | head; rc=1
fi

# 5. late VM + daemon restart
PAPI_VERBOSE=1 "$PROG" late c "$AE" >"$tmp/m5" 2>&1 &
pl=$!
for _ in $(seq 1 100); do grep -q '^ready' "$tmp/m5" && break; sleep 0.2; done
grep -q '^ready' "$tmp/m5" || { cat "$tmp/m5"; fail "late-VM program not ready"; }
lab_restart_daemon || fail "daemon restart"
# Only its existence in libvirt matters here: a slow boot on a loaded
# machine is not a failure of this test (the program decides).
lab_start_guests "$LAB_STATE" c:idle || echo "note: guest c did not report ready in time (it may still be booting)"
wait "$pl"
lrc=$?
pl=
cat "$tmp/m5"
check "$lrc == 0" "VM started after PAPI_library_init (and a daemon restart) is addressable"
if grep -q "has no vCPU 7" "$tmp/m5" && grep -q "no running VM named 'no such vm'" "$tmp/m5"; then
	echo "ok:   unknown vCPU / VM: PAPI_ENOEVNT with a message (PAPI_VERBOSE=1)"
else
	echo "FAIL: no message for the unknown vCPU / VM"; rc=1
fi

t_end=$(lab_now_ms)
lab_cleanup
echo "timing: lab up $((t_ready - t_start)) ms, total $(($(lab_now_ms) - t_start)) ms"
[ $rc -eq 0 ] && echo "PASS"
exit $rc
