#!/bin/bash
# papi_vmpower and papi_vmcheck on the real VM lab (busy, half, idle guests):
#   papi_vmpower --json with the documented power model (no RAPL here):
#     every line parses; energy labelled "estimated"; while it runs "idle" is
#     destroyed and "late" is started, and the monitor shows "late" appear
#     and "idle" leave without a restart; per sample the VMs' power adds up
#     to the host's active minus other power (the component's conservation,
#     seen from the client, tolerance 0.02 W + 1%); busy CPU% > idle CPU%.
#   --prometheus: scraped over HTTP while VMs run, `promtool check metrics`
#     clean, busy's energy counter present.
#   papi_vmcheck -w 4: exit 0 (every pair agrees within 2% or its stated
#     allowance); papi_vmcheck -t 0 (exact): exit 1 with DISAGREE (10 ms
#     tick sources cannot equal ns sources), so the check can fail.
#   pv_virt_link_stats (papi_vmcheck's libvirt source, the unit test
#     test_pv_virt_stats pointed at the lab): every field of the running
#     guests' domstats (cpu.time, cpu.user, cpu.system, vcpu.N.time/delay,
#     state) equal to or between what `virsh domstats` printed just before
#     and just after.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ctests/vmlab/lab-lib.sh
. "$here/lab-lib.sh"
U=${PV_UTILS:?run through ctests/run-tests.sh}
export LD_LIBRARY_PATH=${PV_PAPI_LIBDIR:?}
T=$(mktemp -d)
mon=
cleanup_all() { [ -n "$mon" ] && kill "$mon" 2>/dev/null; lab_cleanup; rm -rf "$T"; }
trap cleanup_all EXIT
trap 'cleanup_all; exit 130' INT
trap 'cleanup_all; exit 143' TERM
rc=0
fail() { echo "FAIL: $*"; rc=1; }
t0=$(lab_now_ms)

lab_start busy:busy half:half idle:idle || { echo "FAIL: lab did not start"; exit 1; }
trap cleanup_all EXIT   # lab_start installed its own traps
trap 'cleanup_all; exit 130' INT
trap 'cleanup_all; exit 143' TERM
t_ready=$(lab_now_ms)

export PAPI_VIRT_POWER_MODEL="idle=20,max=60"
"$U/papi_vmpower" --json -i 1 --count 12 --prometheus 127.0.0.1:0 >"$T/json" 2>"$T/err" &
mon=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's/.*on port \([0-9]*\) at \/metrics.*/\1/p' "$T/err")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || fail "no Prometheus port announced: $(cat "$T/err")"
sleep 3
if [ -n "$port" ]; then
	curl -s --max-time 10 "http://127.0.0.1:$port/metrics" >"$T/m" || fail "scrape failed"
	promtool check metrics <"$T/m" >"$T/lint" 2>&1 || fail "promtool: $(cat "$T/lint")"
	grep -q "^papi_virt_vm_energy_joules_total{vm=\"busy\",uuid=\"$(lab_uuid busy)\"} " "$T/m" ||
		fail "no busy energy counter with busy's uuid in the scrape: $(grep busy "$T/m" | head -3)"
	grep -q 'energy_source="estimated"' "$T/m" || fail "scrape does not label energy as estimated"
fi
lab_destroy idle || fail "destroy idle"
lab_start_guests "$LAB_STATE" late:idle || fail "could not start guest 'late'"
wait "$mon"; st=$?
mon=
[ $st -eq 0 ] || fail "papi_vmpower exited $st: $(cat "$T/err")"

python3 - "$T/json" <<'PY' || fail "papi_vmpower JSON checks (output in the log above)"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
samples = [o for o in objs if o['type'] == 'sample']
assert objs[-1]['type'] == 'summary', 'no summary object'
assert len(samples) >= 10, len(samples)
for s in samples:
    print(s['time'], [(v['name'], v['state'], v['cpu_pct'], v['power_w']) for v in s['vms']],
          'host', s['host']['power_w'])
assert all(s['energy_source'] == 'estimated' for s in samples), 'energy not labelled estimated'
first = {v['name'] for v in samples[0]['vms']}
assert {'busy', 'half', 'idle'} <= first, first
seen_late = [i for i, s in enumerate(samples) if any(v['name'] == 'late' for v in s['vms'])]
assert seen_late, "'late' never appeared"
gone = [i for i, s in enumerate(samples) if any(v['name'] == 'idle' and v['state'] == 'gone' for v in s['vms'])]
assert gone, "'idle' was destroyed but never shown as gone"
checked = 0
for s in samples:
    vms = s['vms']
    if not all(v['state'] == 'running' for v in vms):
        continue
    h = s['host']
    if None in (h['active_power_w'], h['other_power_w'], h['vms_power_w']):
        continue
    want = h['active_power_w'] - h['other_power_w']
    assert abs(h['vms_power_w'] - want) <= 0.02 + 0.01 * abs(want), (h, want)
    checked += 1
assert checked >= 3, f'only {checked} samples to check conservation on'
cpu = {}
for s in samples:
    for v in s['vms']:
        if v['cpu_pct'] is not None:
            cpu.setdefault(v['name'], []).append(v['cpu_pct'])
avg = {k: sum(x) / len(x) for k, x in cpu.items()}
assert avg['busy'] > avg['idle'], avg
print('conservation checked on', checked, 'samples; avg CPU%', {k: round(x, 1) for k, x in avg.items()})
PY

"$U/papi_vmcheck" -w 4 >"$T/check" 2>&1; st=$?
cat "$T/check"
[ $st -eq 0 ] || fail "papi_vmcheck -w 4 exited $st, want 0"
grep -q '^VM busy ' "$T/check" || fail "papi_vmcheck did not check busy"
"$U/papi_vmcheck" -w 1 -t 0 --vm busy >"$T/check0" 2>&1; st=$?
[ $st -eq 1 ] || fail "papi_vmcheck -t 0 exited $st, want 1: $(cat "$T/check0")"
grep -q 'DISAGREE' "$T/check0" || fail "papi_vmcheck -t 0 shows no DISAGREE"
"$U/papi_vmcheck" -w 1 --vm no-such-vm >/dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "papi_vmcheck --vm no-such-vm exited $st, want 2"
stats=${PV_BUILDDIR:?run through ctests/run-tests.sh}/ctests/unit/test_pv_virt_stats
PV_TEST_STATS_URI=$LAB_URI PV_TEST_STATS_NEED_CPU=1 timeout 120 "$stats" >"$T/stats" 2>&1; st=$?
cat "$T/stats"
[ $st -eq 0 ] || fail "test_pv_virt_stats against the lab exited $st"
grep -q '^pv_virt_link_stats at .*: 3 domain(s)' "$T/stats" || fail "test_pv_virt_stats did not compare the 3 running guests"

t_end=$(lab_now_ms)
lab_cleanup
echo "timing: lab up $((t_ready - t0)) ms, tools $((t_end - t_ready)) ms, total $(($(lab_now_ms) - t0)) ms"
[ $rc -eq 0 ] && echo "PASS: papi_vmpower and papi_vmcheck on the lab"
exit $rc
