#!/bin/bash
# Virtual RAPL inside real guests, end to end (docs/vmpower.md, "Exporting
# each VM's energy to its guest"):
#   host: power model idle=20,max=60 (no RAPL here), `papi_vmpower --export
#   ROOT` with a small wrap range (PAPI_VIRT_VMPOWER_EXPORT_RANGE_UJ=40 J);
#   guests "busy" and "half" (lab share initramfs: our libpapi + what ldd
#   lists) mount ROOT/<uuid> over virtiofs, read-only, and run
#   guest_rapl_read: rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 with
#   PAPI_VIRT_SYSFS=/mnt/vmpower, one serial line per change, and
#   papi_vmguest (the guest's own view).  Polling every 25 ms keeps the
#   guest's line (and so the host's reading) within tens of ms of the
#   exporter's update.
#   Alignment: rapl_host_watch (host) follows the serial logs and, at each
#   guest line, reads its own vmpower VM_ENERGY_UJ (an engine independent of
#   the exporter's) and the VMs' cgroup cpu.stat usage_usec.  The guest clock
#   is never compared with the host's.
# Pass when, over a window of WINDOW s (first to last guest line of each VM):
#   - each guest's PAPI energy delta equals the host's VM_ENERGY_UJ delta for
#     that VM within the energy of one export period (the VM's average power
#     x PAPI_VIRT_VMPOWER_PERIOD_MS)
#   - busy/half energy ratio (guest-read) equals their cgroup CPU-time ratio
#     within 2%
#   - the exported counter wrapped (raw energy_uj went down) at least once in
#     a guest, and every guest step that crossed a wrap agrees with the host's
#     step within one period's energy (no jump)
#   - the exporter is killed and restarted: no guest reading ever goes down,
#     readings resume after the restart and agree with the host again
#   - guests cannot write to their share (host refuses: read-only bind mount)
#   - papi_vmguest in the guest: hypervisor TCG, no vPMU, no steal clock (each
#     with an "enable:" line), virtual RAPL present and advancing; PAPI's own
#     papi_command_line reads rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 there too
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ctests/vmlab/lab-lib.sh
. "$here/lab-lib.sh"
PV_BUILDDIR=${PV_BUILDDIR:-$PWD}
U=${PV_UTILS:-$PV_BUILDDIR/utils}
LIBDIR=${PV_PAPI_LIBDIR:-$PV_BUILDDIR/papi/src}
WATCH=$PV_BUILDDIR/ctests/vmlab/rapl_host_watch
WINDOW=${PV_GUEST_RAPL_WINDOW:-30}
RANGE_UJ=40000000
PERIOD_MS=1000
export PV_VMLAB_BOOT_TIMEOUT=${PV_VMLAB_BOOT_TIMEOUT:-180}
fail() { echo "FAIL: $*"; exit 1; }
for f in "$WATCH" "$U/papi_vmpower" "$PV_BUILDDIR/ctests/vmlab/guest_rapl_read" "$U/papi_vmguest"; do
	[ -x "$f" ] || fail "$f not built (make)"
done

t_start=$(lab_now_ms)
T=$(mktemp -d /tmp/vmp-guest.XXXXXX)
exp_pid= watch_pid=
my_cleanup() {
	[ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
	[ -n "$exp_pid" ] && kill "$exp_pid" 2>/dev/null && wait "$exp_pid" 2>/dev/null
	lab_cleanup
	rm -rf "$T"
}
trap my_cleanup EXIT
trap 'my_cleanup; exit 130' INT
trap 'my_cleanup; exit 143' TERM

# The share initramfs and the guests' share root (bind-mounted read-only in
# the lab daemon's namespace only).
lab_share_prepare "$PV_BUILDDIR" || fail "share initramfs"
LAB_SHARE_ROOT=$T/export
mkdir -p "$LAB_SHARE_ROOT"
LAB_SHARE_CMDLINE="pvrapl=25 pvcheck=1"

initrd_kib=$(du -k "$LAB_INITRD" | cut -f1)
lab_start busy:busy half:half || fail "lab did not start"
trap my_cleanup EXIT   # lab_start installed its own traps
trap 'my_cleanup; exit 130' INT
trap 'my_cleanup; exit 143' TERM
t_ready=$(lab_now_ms)
declare -A serial cg
for n in busy half; do
	serial[$n]=$LAB_STATE/guests/$(lab_index "$n").serial
	cg[$n]=$(lab_cgroup2_dir "$n") || fail "no cgroup v2 dir for $n"
	grep -q '^PVLAB share mounted vmpower' "${serial[$n]}" || { cat "${serial[$n]}"; fail "$n did not mount its share"; }
done

# A previous exporter's state, 15 J below the wrap (the exporter continues
# from it): the counter wraps in the window even when the host is so loaded
# that the guests draw little; at higher power it wraps every few seconds.
for n in busy half; do
	z=$LAB_SHARE_ROOT/$(lab_uuid "$n")/class/powercap/intel-rapl:0
	mkdir -p "$z" && echo package-0 >"$z/name" && echo "$RANGE_UJ" >"$z/max_energy_range_uj" &&
		printf '%-20s\n' $((RANGE_UJ - 15000000)) >"$z/energy_uj" || fail "cannot seed $z"
done

export LD_LIBRARY_PATH=$LIBDIR
export PAPI_VIRT_POWER_MODEL="idle=20,max=60"
export PAPI_VIRT_VMPOWER_PERIOD_MS=$PERIOD_MS PAPI_VIRT_VMPOWER_REFRESH_MS=500
export PAPI_VIRT_VMPOWER_EXPORT_RANGE_UJ=$RANGE_UJ
start_exporter() {
	"$U/papi_vmpower" --quiet --export "$LAB_SHARE_ROOT" >>"$T/exporter.log" 2>&1 &
	exp_pid=$!
}
start_exporter
"$WATCH" -s "${cg[busy]}/cpu.stat" -s "${cg[half]}/cpu.stat" \
	busy="${serial[busy]}" half="${serial[half]}" >"$T/watch" 2>"$T/watch.err" &
watch_pid=$!

# Bounded wait for the first readings of both guests (the exporter must first
# see the VMs; the guests wait for their zone).
have_line() { grep -q "^G $1 " "$T/watch"; }
for ((i = 0; i < 600; i++)); do
	have_line busy && have_line half && break
	kill -0 "$exp_pid" 2>/dev/null || { cat "$T/exporter.log"; fail "papi_vmpower --export exited"; }
	kill -0 "$watch_pid" 2>/dev/null || { cat "$T/watch.err"; fail "rapl_host_watch exited"; }
	sleep 0.1
done
have_line busy && have_line half || { tail -n 5 "${serial[busy]}" "${serial[half]}" "$T/watch.err"; fail "no guest readings within 60 s"; }
t_first=$(date +%s%N)
t_readings=$(lab_now_ms)
sleep "$WINDOW"
t_restart=$(date +%s%N)
kill -TERM "$exp_pid"
wait "$exp_pid"
erc=$?
exp_pid=
[ $erc -eq 0 ] || fail "papi_vmpower --export exited $erc on TERM: $(cat "$T/exporter.log")"
sleep 1.5   # a gap in which the files do not move
t_resume=$(date +%s%N)
start_exporter
sleep 8
kill -TERM "$watch_pid"
wait "$watch_pid"
wrc=$?
watch_pid=
kill -TERM "$exp_pid"; wait "$exp_pid"; exp_pid=
[ $wrc -eq 0 ] || fail "rapl_host_watch exited $wrc: $(cat "$T/watch.err")"
for n in busy half; do cp "${serial[$n]}" "$T/$n.serial"; done
u_busy=$(lab_uuid busy) u_half=$(lab_uuid half)
t_lab_stop=$(lab_now_ms)
lab_cleanup
t_lab_down=$(lab_now_ms)

rc=0
for n in busy half; do
	grep -q '^PVLAB share write refused (host read-only)' "$T/$n.serial" ||
		{ echo "FAIL: $n: a write to the share was not refused by the host"; rc=1; }
	grep -q 'PVRAPL backwards' "$T/$n.serial" && { echo "FAIL: $n: guest_rapl_read saw energy go backwards"; rc=1; }
	grep 'PVRAPL error' "$T/$n.serial" && { echo "FAIL: $n: guest_rapl_read error"; rc=1; }
done
[ ! -e "$LAB_SHARE_ROOT/$u_busy/.pvlab-write-probe" ] && [ ! -e "$LAB_SHARE_ROOT/$u_half/.pvlab-write-probe" ] ||
	{ echo "FAIL: a guest's write probe reached the host"; rc=1; }

python3 - "$T/watch" "$t_first" "$t_restart" "$t_resume" "$RANGE_UJ" "$PERIOD_MS" <<'PY' || rc=1
import sys
path, t_first, t_restart, t_resume, rng, period_ms = sys.argv[1:]
t_first, t_restart, t_resume, rng = int(t_first), int(t_restart), int(t_resume), int(rng)
period = int(period_ms) / 1000
vms = ['busy', 'half']
rows = {v: [] for v in vms}
for line in open(path):
    f = line.split()
    if f[0] != 'G':
        continue
    e = f.index('E'); s = f.index('S')
    rows[f[1]].append(dict(t=int(f[2]), seq=int(f[3]), papi=int(f[5]), raw=int(f[6]),
                           host=[int(x) for x in f[e + 1:s]], cpu=[int(x) for x in f[s + 1:]]))
ok = True
def bad(msg):
    global ok
    ok = False
    print('FAIL:', msg)

def agree(v, a, b, what):
    """guest delta vs host delta between rows a and b, within one period's energy"""
    i = vms.index(v)
    g = b['papi'] - a['papi']
    h = b['host'][i] - a['host'][i]
    dt = (b['t'] - a['t']) / 1e9
    tol = (h / dt) * period if dt > 0 else 0
    print(f"{what} {v}: guest {g} uJ, host {h} uJ over {dt:.2f} s, diff {g - h} uJ, "
          f"tolerance {tol:.0f} uJ (one {period:g} s period at {h / dt / 1e6 if dt else 0:.2f} W)")
    if h <= 0 or abs(g - h) > tol:
        bad(f'{what} {v}: guest and host energy deltas differ by more than one period')
    return g, h

win = {}
for v in vms:
    r = rows[v]
    if len(r) < 5:
        bad(f'{v}: only {len(r)} guest readings')
        continue
    # Never backwards, whatever the exporter did.
    for a, b in zip(r, r[1:]):
        if b['papi'] < a['papi']:
            bad(f'{v}: guest PAPI energy went down {a["papi"]} -> {b["papi"]}')
    main = [x for x in r if t_first <= x['t'] <= t_restart]
    if len(main) < 5:
        bad(f'{v}: only {len(main)} readings in the main window')
        continue
    a, b = main[0], main[-1]
    g, h = agree(v, a, b, 'window')
    i = vms.index(v)
    win[v] = (g, b['cpu'][i] - a['cpu'][i], h)
    # Wraps: the raw file went down while PAPI went on.
    # (raw is -1 when the file moved during the guest's read: not comparable)
    wraps = [(x, y) for x, y in zip(main, main[1:]) if 0 <= y['raw'] < x['raw']]
    print(f'{v}: {len(main)} readings in the window, {len(wraps)} wrap(s) of the {rng} uJ range')
    for x, y in wraps:
        step = (y['raw'] + rng + 1 - x['raw'])
        if y['papi'] - x['papi'] != step:
            bad(f'{v}: across the wrap PAPI moved {y["papi"] - x["papi"]} uJ, the file {step} uJ')
        agree(v, x, y, 'wrap step')
    win[v] += (len(wraps),)
    # After the restart: readings resume and agree with the host again.
    after = [x for x in r if x['t'] > t_resume]
    if len(after) < 3:
        bad(f'{v}: only {len(after)} readings after the exporter restart')
    else:
        agree(v, after[0], after[-1], 'after restart')
    gap = [x for x in r if t_restart < x['t'] <= t_resume]
    print(f'{v}: {len(gap)} reading(s) while the exporter was down, {len(after)} after it restarted')

if len(win) == 2:
    if win['busy'][3] + win['half'][3] == 0:
        bad('no guest reading crossed a wrap of the export range')
    er = win['busy'][0] / win['half'][0]
    cr = win['busy'][1] / win['half'][1]
    d = abs(er / cr - 1) * 100
    print(f'ratio busy/half: energy (guest PAPI) {er:.4f}, CPU time (cgroup) {cr:.4f}, diff {d:.2f}% (tolerance 2%)')
    print(f"cpu: busy {win['busy'][1] / 1e6:.2f} s, half {win['half'][1] / 1e6:.2f} s in the window")
    if d > 2:
        bad('busy/half energy ratio differs from the CPU-time ratio by more than 2%')
sys.exit(0 if ok else 1)
PY

# The guest's own view (papi_vmguest in the busy guest).
tr -d '\r' <"$T/busy.serial" | sed -n 's/^PVCHECK //p' >"$T/check"
cat "$T/check"
chk() { grep -q "$1" "$T/check" || { echo "FAIL: papi_vmguest in the guest: no line matching '$1'"; rc=1; }; }
chk '^exit 0$'
chk '^hypervisor: TCG '
chk '^vpmu: absent '
chk "^enable: host: QEMU's TCG emulates no PMU"
chk '^steal_clock: absent '
chk "^enable: host: run the VM under KVM"
chk '^virtual_rapl: present (rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 counted [1-9][0-9]* uJ in 1.5 s; /mnt/vmpower/class/powercap/intel-rapl:0 on virtiofs "vmpower" (read-only))$'

# PAPI's own papi_command_line, unmodified, in the same guest.
tr -d '\r' <"$T/busy.serial" | sed -n 's/^PVCMD //p' >"$T/cmd"
grep -E 'Successfully added|PACKAGE_ENERGY_UJ:pkg=0 :|exit' "$T/cmd"
grep -q '^Successfully added: rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0$' "$T/cmd" &&
	grep -q '^rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 :[[:space:]]*[0-9][0-9]*(u) uJ$' "$T/cmd" && grep -q '^exit 0$' "$T/cmd" ||
	{ echo "FAIL: papi_command_line in the guest did not read rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0"; rc=1; }

t_end=$(lab_now_ms)
echo "timing: share initramfs ${initrd_kib} KiB, lab up $((t_ready - t_start)) ms," \
	"first readings $((t_readings - t_ready)) ms later, window ${WINDOW} s," \
	"teardown $((t_lab_down - t_lab_stop)) ms, total $((t_end - t_start)) ms"
[ $rc -eq 0 ] && echo "PASS: virtual RAPL in guests through PAPI: host/guest energy, ratio, wrap, exporter restart, read-only share, guest view"
exit $rc
