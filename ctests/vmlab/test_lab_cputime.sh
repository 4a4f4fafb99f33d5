#!/bin/bash
# The lab's guests consume the CPU their workload asks for, and two independent
# host sources agree on how much:
#   A  cgroup v2 cpu.stat usage_usec of the VM's cgroup (the kernel's cgroup
#      accounting, also what libvirt reports as cpu.time)
#   B  sum of run_ns in /proc/<qemu>/task/*/schedstat (per-thread scheduler
#      accounting)
# over a WINDOW-second window for a busy, a half (duty 50) and an idle guest.
# Pass: |A-B| <= 2% of max(A,B) for every guest, and busy > half > idle
# (with margins: busy > 1.3 x half, half > 3 x idle).
# Also printed, not asserted: libvirt's cpu.time (virsh domstats).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ctests/vmlab/lab-lib.sh
. "$here/lab-lib.sh"

WINDOW=${PV_CPUTIME_WINDOW:-15}
TOL_PCT=2
t_start=$(lab_now_ms)
fail() { echo "FAIL: $*"; exit 1; }

lab_start b:busy h:half i:idle || fail "lab did not start"
t_ready=$(lab_now_ms)

names=(b h i)
declare -A cg pid
for n in "${names[@]}"; do
	pid[$n]=$(lab_pid "$n") || fail "no QEMU pid for $n"
	cg[$n]=$(lab_cgroup2_dir "$n") || fail "no cgroup v2 dir for $n"
done

cg_usec() { sed -n 's/^usage_usec //p' "$1/cpu.stat"; }
# Sum of run_ns of every thread; fails when no thread could be read.
sched_ns() {
	local f run rest sum=0 n=0
	for f in /proc/"$1"/task/*/schedstat; do
		read -r run rest <"$f" 2>/dev/null || continue
		sum=$((sum + run))
		n=$((n + 1))
	done
	[ $n -gt 0 ] && echo "$sum"
}
# Thread list, to see whether QEMU created or ended threads in the window
# (an ended thread's run time leaves the schedstat sum).
threads() { ls /proc/"$1"/task | tr '\n' ' '; }
virsh_ns() { lab_virsh domstats --cpu-total "$(lab_uuid "$1")" | sed -n 's/^ *cpu.time=//p'; }

declare -A a0 b0 v0 a1 b1 v1 th0 th1
sample() { # suffix
	local n
	for n in "${names[@]}"; do
		eval "a$1[\$n]=\$(cg_usec \"\${cg[\$n]}\")"
		eval "b$1[\$n]=\$(sched_ns \"\${pid[\$n]}\")" || fail "cannot read schedstat of $n"
		eval "th$1[\$n]=\$(threads \"\${pid[\$n]}\")"
	done
	for n in "${names[@]}"; do eval "v$1[\$n]=\$(virsh_ns \"\$n\")"; done
}

sample 0
sleep "$WINDOW"
sample 1

rc=0
printf '%-4s %12s %12s %12s %9s %8s\n' guest cgroup_ms schedstat_ms libvirt_ms diff_pct host_pct
declare -A ams
for n in "${names[@]}"; do
	da=$(( (a1[$n] - a0[$n]) ))          # us
	db=$(( (b1[$n] - b0[$n]) / 1000 ))   # us
	dv=$(( (v1[$n] - v0[$n]) / 1000 ))   # us
	ams[$n]=$da
	read -r diff pct < <(awk -v a="$da" -v b="$db" -v w="$WINDOW" 'BEGIN {
		m = (a > b) ? a : b; d = a - b; if (d < 0) d = -d
		printf "%.3f %.1f\n", (m > 0 ? 100 * d / m : 0), 100 * a / (w * 1e6) }')
	printf '%-4s %12.1f %12.1f %12.1f %9s %8s\n' "$n" "$(awk -v x="$da" 'BEGIN{print x/1000}')" \
		"$(awk -v x="$db" 'BEGIN{print x/1000}')" "$(awk -v x="$dv" 'BEGIN{print x/1000}')" "$diff" "$pct"
	if [ "${th0[$n]}" != "${th1[$n]}" ]; then
		echo "note: $n threads changed during the window: [${th0[$n]}] -> [${th1[$n]}]"
	fi
	awk -v d="$diff" -v t="$TOL_PCT" 'BEGIN { exit !(d <= t) }' ||
		{ echo "FAIL: $n: cgroup and schedstat differ by $diff% (> $TOL_PCT%)"; rc=1; }
done
awk -v b="${ams[b]}" -v h="${ams[h]}" -v i="${ams[i]}" 'BEGIN { exit !(b > 1.3 * h && h > 3 * i) }' ||
	{ echo "FAIL: expected busy > 1.3 x half > 3 x idle (us: ${ams[b]} ${ams[h]} ${ams[i]})"; rc=1; }

t_end=$(lab_now_ms)
lab_cleanup
echo "timing: lab up $(( t_ready - t_start )) ms, window ${WINDOW} s, teardown $(( $(lab_now_ms) - t_end )) ms, total $(( $(lab_now_ms) - t_start )) ms"
[ $rc -eq 0 ] && echo "PASS: cgroup v2 and schedstat agree within $TOL_PCT%; busy > half > idle"
exit $rc
