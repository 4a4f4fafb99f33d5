#!/bin/bash
# papi_vmguest on this machine (the CI machine is itself a VM), each line
# against a source of its own:
#   - hypervisor: the name systemd-detect-virt --vm gives (its own CPUID/DMI
#     code), mapped to papi_vmguest's names
#   - vpmu: present/absent as python's own perf_event_open(2) of hardware
#     cycles (ctypes, the raw syscall) says
#   - steal_clock: "absent" only with a zero steal in /proc/stat
#   - virtual_rapl: absent here (no powercap), with the enable: line
#   - every absent feature is followed by an "enable:" line
# and with PAPI_VIRT_SYSFS on fixture export trees (the layout of
# docs/vmpower.md): one advanced in place by a writer at 3 uJ per us of wall
# time (3 W) -> present, counted within 25% of 3 W x the wait; one frozen ->
# "NOT advancing".
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"
writer=
trap '[ -n "$writer" ] && kill "$writer" 2>/dev/null; rm -rf "$T"' EXIT

"$U/papi_vmguest" -w 0.2 >"$T/out" 2>&1; st=$?
cat "$T/out"
[ $st -eq 0 ] || fail "papi_vmguest exited $st"
line() { sed -n "s/^$1: \\([a-zA-Z-]*\\).*/\\1/p" "$T/out"; }

# hypervisor vs systemd-detect-virt
sd=$(systemd-detect-virt --vm 2>/dev/null)
case "$sd" in
kvm) want=KVM ;; qemu) want=TCG ;; microsoft) want=Hyper-V ;; vmware) want=VMware ;;
xen) want=Xen ;; bhyve) want=bhyve ;; oracle) want=VirtualBox ;; parallels) want=Parallels ;;
acrn) want=ACRN ;; none) want=none ;; *) want=unknown ;;
esac
hv=$(line hypervisor)
echo "hypervisor: papi_vmguest '$hv', systemd-detect-virt --vm '$sd'"
[ "$hv" = "$want" ] || fail "hypervisor '$hv', systemd-detect-virt says '$sd' ($want)"

# vpmu vs an independent perf_event_open
py=$(python3 - <<'PY'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
attr = bytearray(128)                     # struct perf_event_attr, PERF_ATTR_SIZE_VER7
attr[0:4] = (0).to_bytes(4, 'little')     # type PERF_TYPE_HARDWARE
attr[4:8] = (128).to_bytes(4, 'little')   # size
attr[8:16] = (0).to_bytes(8, 'little')    # config PERF_COUNT_HW_CPU_CYCLES
attr[40:48] = ((1 << 0) | (1 << 5) | (1 << 6)).to_bytes(8, 'little')  # disabled, exclude_kernel, exclude_hv
buf = (ctypes.c_char * 128).from_buffer(attr)
fd = libc.syscall(298, buf, 0, -1, -1, 0)  # __NR_perf_event_open on x86_64
if fd >= 0:
    os.close(fd); print('present')
else:
    print('absent', os.strerror(ctypes.get_errno()))
PY
)
vp=$(line vpmu)
echo "vpmu: papi_vmguest '$vp', python perf_event_open '$py'"
[ "$vp" = "${py%% *}" ] || fail "vpmu '$vp' but perf_event_open from python: '$py'"

st_line=$(line steal_clock)
steal=$(awk '$1 == "cpu" { print $9; exit }' /proc/stat)
echo "steal_clock: papi_vmguest '$st_line', /proc/stat steal $steal"
[ "$st_line" = absent ] && [ "$steal" != 0 ] && fail "steal_clock absent although /proc/stat steal is $steal"
[ "$st_line" = present ] || [ "$st_line" = absent ] || fail "steal_clock line missing"

[ -e /sys/class/powercap/intel-rapl:0/energy_uj ] ||
	[ "$(line virtual_rapl)" = absent ] || fail "virtual_rapl not absent without a zone"
# Every absent line is followed by its enable: line.
awk '/^[a-z_]+: absent/ { want = $1; next } want { if ($1 != "enable:") { print "no enable: after " want; bad = 1 } want = "" }
	END { if (want) { print "no enable: after " want; bad = 1 } exit bad }' "$T/out" || fail "an absent feature has no enable: line"

# Fixture exports: advancing at 3 W, and frozen.
z=$T/exp/class/powercap/intel-rapl:0
mkdir -p "$z" && echo package-0 >"$z/name" && echo 262143328850 >"$z/max_energy_range_uj" &&
	printf '%-20s\n' 1000 >"$z/energy_uj"
( last=$(date +%s%N); v=1000
  for ((k = 0; k < 600; k++)); do
	sleep 0.05
	now=$(date +%s%N)
	v=$((v + 3 * (now - last) / 1000)); last=$now
	printf '%-20s\n' "$v" | dd of="$z/energy_uj" conv=notrunc status=none
  done ) &
writer=$!
PAPI_VIRT_SYSFS=$T/exp "$U/papi_vmguest" -w 2 >"$T/adv" 2>&1; st=$?
kill "$writer"; wait "$writer" 2>/dev/null; writer=
cat "$T/adv"
[ $st -eq 0 ] || fail "papi_vmguest on the advancing export exited $st"
uj=$(sed -n 's/^virtual_rapl: present (rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 counted \([0-9]*\) uJ in 2.0 s; .*/\1/p' "$T/adv")
echo "advancing export: counted ${uj:-nothing} uJ in 2 s, writer 3 W -> 6000000 uJ"
[ -n "$uj" ] && awk -v u="$uj" 'BEGIN { exit !(u > 4500000 && u < 7500000) }' ||
	fail "virtual_rapl not present or not ~3 W x 2 s"
PAPI_VIRT_SYSFS=$T/exp "$U/papi_vmguest" -w 0.3 >"$T/frozen" 2>&1
grep '^virtual_rapl' "$T/frozen"
grep -q '^virtual_rapl: present (rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 counted 0 uJ in 0.3 s, NOT advancing' "$T/frozen" ||
	fail "a frozen export is not reported as NOT advancing"

pv_done "papi_vmguest on this machine and on fixture exports"
