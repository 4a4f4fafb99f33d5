#!/bin/bash
# The debug channel (PAPI_VIRT_DEBUG=1): PAPI's own papi_command_line, reading
# a vmpower event through our libpapi (libvirt's test driver), must print on
# stderr, prefixed "papi-virt[<component>]: ", which energy source and basis
# each component chose and why, and why a VM's counters could not be opened;
# each expected line is built here from an independent look at the same
# facts (the sysfs tree given, a perf_event_open(2) of cycles made by python,
# the kernel config of the fixture, the cpuN lines of /proc/stat):
#   1. no RAPL (a sysfs root without class/powercap or the power PMU);
#   2. the same with PAPI_VIRT_POWER_MODEL (an estimate, labelled);
#   3. a powercap tree (ctests/fixtures/vmpower-host): RAPL via powercap;
#   4. a kernel booted with no-steal-acc (fixture procfs): steal's choice;
#   5. a refused value (PAPI_VIRT_TIMEOUT_MS=12x) is named once;
#   6. without PAPI_VIRT_DEBUG, stderr stays empty in the same runs.
set -u
: "${PV_SRCDIR:?}" "${PV_PAPI_LIBDIR:?}" "${PV_FIXTURES:?}"
export LD_LIBRARY_PATH=$PV_PAPI_LIBDIR
CMD=$PV_PAPI_LIBDIR/utils/papi_command_line
[ -x "$CMD" ] || { echo "FAIL: $CMD not built"; exit 1; }
rc=0
fail() { echo "FAIL: $*"; rc=1; }
T=$(mktemp -d /tmp/pv-dbg.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT

# Sysfs roots: the real topology and cgroups, with or without a RAPL zone.
mkdir -p "$T/bare" "$T/rapl"
for r in bare rapl; do ln -s /sys/devices "$T/$r/devices" && ln -s /sys/fs "$T/$r/fs"; done
cp -r "$PV_FIXTURES/vmpower-host/sys/class" "$T/rapl/"

# Runs papi_command_line with a vmpower event under env; stderr into $T/err.
run() {
	env PAPI_VIRT_URI=test:///default "$@" timeout 60 "$CMD" vmpower:::VM_CPU_TIME_NS >"$T/out" 2>"$T/err"
	local st=$?
	[ $st -eq 0 ] || fail "papi_command_line exited $st ($*): $(cat "$T/out" "$T/err")"
}
# The line must be in $T/err exactly once.
want() {
	local n
	n=$(grep -cxF -- "$1" "$T/err")
	[ "$n" = 1 ] || fail "$2: want exactly once: '$1'; stderr was:
$(cat "$T/err")"
}

# Independent facts.
nopc="powercap: $T/bare/class/powercap: not present; perf power PMU: $T/bare/bus/event_source/devices/power absent (no RAPL PMU in this kernel or CPU)"
npkg=$(cat /sys/devices/system/cpu/cpu[0-9]*/topology/physical_package_id 2>/dev/null | sort -u | wc -l)
cycles=$(python3 - <<'PY'
import ctypes, errno, os, struct
libc = ctypes.CDLL(None, use_errno=True)
# struct perf_event_attr (PERF_ATTR_SIZE_VER0 = 64 bytes is enough for
# type, size, config, read_format and the flag bits used here):
# PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, read_format TOTAL_TIME_ENABLED|RUNNING,
# inherit (bit 1 of the flags word), this thread, any CPU.
attr = struct.pack("IIQQQQQ", 0, 64, 0, 0, 0, 1 | 2, 1 << 1) + b"\0" * 16
buf = ctypes.create_string_buffer(attr, len(attr))
nr = {"x86_64": 298, "aarch64": 241, "i686": 336}[os.uname().machine]
fd = libc.syscall(nr, buf, 0, -1, -1, 8)  # perf_event_open(..., PERF_FLAG_FD_CLOEXEC)
if fd >= 0:
    os.close(fd); print("ok")
else:
    e = ctypes.get_errno(); print(errno.errorcode.get(e, str(e)), os.strerror(e), sep="|")
PY
)
if [ "$cycles" = ok ]; then
	basis_line="papi-virt[vmpower]: basis: cycles (hardware cycle counters open on all $(grep -c '^cpu[0-9]' /proc/stat) online CPUs)"
else
	name=${cycles%%|*} text=${cycles#*|}
	case $name in
	ENOENT | EOPNOTSUPP | ENODEV) hint=" (this CPU or hypervisor exposes no such counter)" ;;
	EACCES | EPERM) hint=" (not permitted: see /proc/sys/kernel/perf_event_paranoid)" ;;
	*) hint= ;;
	esac
	basis_line="papi-virt[vmpower]: basis: CPU time, not cycles: no hardware cycle counters: perf_event_open(PERF_COUNT_HW_CPU_CYCLES): $text$hint [$name]"
fi
vm_line="papi-virt[vmpower]: VM 'test': counters could not be opened (threads of pid 0 (no cgroup found)): No such file or directory [ENOENT]; its work counts as HOST_OTHER"

# 1. No RAPL.
run PAPI_VIRT_DEBUG=1 PAPI_VIRT_SYSFS="$T/bare"
want "papi-virt[rapl_vm]: energy source: none: $nopc" "no RAPL, rapl_vm"
want "papi-virt[vmpower]: energy source: none: no energy events: no RAPL ($nopc) and PAPI_VIRT_POWER_MODEL is not set" "no RAPL, vmpower"
want "$basis_line" "basis ($cycles)"
want "$vm_line" "test driver VM (no process)"
grep -q '^papi-virt\[steal\]: guest basis: ' "$T/err" || fail "no line of steal's choice: $(cat "$T/err")"
bad=$(grep -v '^papi-virt\[\(vmpower\|steal\|rapl_vm\|appio\|config\)\]: ' "$T/err")
[ -z "$bad" ] || fail "lines without the papi-virt[<component>] prefix: $bad"

# 2. Power model.
run PAPI_VIRT_DEBUG=1 PAPI_VIRT_SYSFS="$T/bare" PAPI_VIRT_POWER_MODEL=idle=10,max=50
want "papi-virt[vmpower]: energy source: power model: ESTIMATED by PAPI_VIRT_POWER_MODEL=idle=10,max=50 (no RAPL: $nopc)" "power model"

# 3. Powercap fixture: its one package zone (package-0).
nzones=$(ls -d "$T"/rapl/class/powercap/intel-rapl:*/ | wc -l)
run PAPI_VIRT_DEBUG=1 PAPI_VIRT_SYSFS="$T/rapl" PAPI_VIRT_STATE_DIR="$T/state"
want "papi-virt[vmpower]: energy source: RAPL via powercap, package domain for 1 of $npkg packages" "powercap, vmpower"
want "papi-virt[rapl_vm]: energy source: RAPL via powercap, $nzones domains" "powercap, rapl_vm"
grep -qx "papi-virt\[rapl_vm\]: controls: [0-9]* (RAPL limits, cpufreq, intel_pstate) under $T/rapl; saved state in $T/state" "$T/err" ||
	fail "rapl_vm's controls line missing: $(cat "$T/err")"
want "$basis_line" "basis with RAPL"

# 4. Steal on a kernel booted with no-steal-acc (fixture config.gz and cmdline).
mkdir -p "$T/proc"
cp "$PV_FIXTURES"/steal-pvacct-cmdline/proc/* "$T/proc/" && cp "$PV_FIXTURES/steal-basic/proc/stat" "$T/proc/"
grep -q no-steal-acc "$T/proc/cmdline" || fail "fixture steal-pvacct-cmdline has no no-steal-acc"
ncpu=$(grep -c '^cpu[0-9]' "$T/proc/stat")
if zcat "$T/proc/config.gz" | grep -qx 'CONFIG_IRQ_TIME_ACCOUNTING=y'; then irq="may leave task time too (subtracted)"; else irq="stays in task time"; fi
run PAPI_VIRT_DEBUG=1 PAPI_VIRT_SYSFS="$T/bare" PAPI_VIRT_PROCFS="$T/proc"
want "papi-virt[steal]: guest basis: /proc/stat steal of $ncpu CPUs; the kernel's steal accounting is probed on first need" "steal, init"
grep -q 'VIRT_NS_COMPENSATED' "$T/err" && fail "steal probed the kernel config for a vmpower event: $(cat "$T/err")"
# The accounting is probed when a description that names it is asked for.
env PAPI_VIRT_DEBUG=1 PAPI_VIRT_SYSFS="$T/bare" PAPI_VIRT_PROCFS="$T/proc" \
	timeout 60 papi_native_avail -e steal:::VIRT_NS_COMPENSATED >"$T/out" 2>"$T/err" ||
	fail "papi_native_avail -e steal:::VIRT_NS_COMPENSATED failed: $(cat "$T/out" "$T/err")"
want "papi-virt[steal]: VIRT_NS_COMPENSATED: this kernel was booted with no-steal-acc, so thread CPU time includes steal: the THREAD_STEAL_NS estimate is subtracted (decided by $T/proc/cmdline); IRQ time $irq" "steal, no-steal-acc"

# 5. A refused value: named once, with the default used.
run PAPI_VIRT_DEBUG=1 PAPI_VIRT_SYSFS="$T/bare" PAPI_VIRT_TIMEOUT_MS=12x
want "papi-virt[config]: PAPI_VIRT_TIMEOUT_MS='12x': not an unsigned integer; using the default '5000'" "refused value"

# 6. Silent without the variable (and with PAPI_VIRT_DEBUG=0).
for env in "PAPI_VIRT_SYSFS=$T/bare" "PAPI_VIRT_SYSFS=$T/rapl PAPI_VIRT_STATE_DIR=$T/state" "PAPI_VIRT_DEBUG=0 PAPI_VIRT_SYSFS=$T/bare PAPI_VIRT_PROCFS=$T/proc"; do
	# shellcheck disable=SC2086
	run $env
	[ ! -s "$T/err" ] || fail "stderr not empty without PAPI_VIRT_DEBUG ($env): $(cat "$T/err")"
	grep -q 'VM_CPU_TIME_NS' "$T/out" || fail "no value read ($env): $(cat "$T/out")"
done

[ $rc -eq 0 ] && echo "ok: debug lines of vmpower, steal, rapl_vm and config as expected; silent when off"
exit $rc
