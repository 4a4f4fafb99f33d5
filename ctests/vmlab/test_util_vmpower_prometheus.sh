#!/bin/bash
# papi_vmpower scraped by a real Prometheus (Debian's server, private data
# dir, 127.0.0.1, free port) on the VM lab: guests busy, half, idle, energy
# from the power model (no RAPL here).  Two exporters run on this host with
# instance labels host-a and host-b (the many-hosts set-up of docs/utils.md);
# Prometheus scrapes both every second.  Through its HTTP query API:
#   - CPU time: each VM's papi_virt_vm_cpu_seconds_total increase (host-a)
#     against the VM's cgroup v2 cpu.stat usage_usec over the same window:
#     the test reads cpu.stat every 0.1 s itself and interpolates it at the
#     exporter's sample times (papi_virt_sample_timestamp_seconds); within 3%;
#   - conservation at every scrape: sum of the VMs' energy + other energy ==
#     active energy, float rounding only (1e-6 J + 1e-8 relative), and its
#     increments after a VM left;
#   - the uuid label of each VM is the lab's UUID of that guest;
#   - "idle" destroyed: its series stop (no sample at the latest time);
#     "late" started: its series appear, without restarting anything;
#   - up == 1 at every scrape of both exporters, and enough scrapes;
#   - sum by (vm) over the two instances: one series per VM, equal to the
#     sum of the two instances' values.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ctests/vmlab/lab-lib.sh
. "$here/lab-lib.sh"
# shellcheck source=ctests/scripts/prom-lib.sh
. "$here/../scripts/prom-lib.sh"
U=${PV_UTILS:?run through ctests/run-tests.sh}
export LD_LIBRARY_PATH=${PV_PAPI_LIBDIR:?}
T=$(mktemp -d)
exa= exb= sampler=
cleanup_all() {
	for p in $exa $exb $sampler; do kill "$p" 2>/dev/null; done
	prom_stop
	lab_cleanup
	rm -rf "$T"
}
set_traps() {
	trap cleanup_all EXIT
	trap 'cleanup_all; exit 130' INT
	trap 'cleanup_all; exit 143' TERM
}
set_traps
rc=0
fail() { echo "FAIL: $*"; rc=1; }
t0=$(lab_now_ms)

lab_start busy:busy half:half idle:idle || { echo "FAIL: lab did not start"; exit 1; }
set_traps   # lab_start installed its own traps
t_ready=$(lab_now_ms)

# The cgroup sampler: every 0.1 s, each VM's usage_usec with the wall time.
for vm in busy half idle; do
	echo "$vm $(lab_cgroup2_dir "$vm")/cpu.stat"
done >"$T/cgroups"
python3 - "$T/cgroups" "$T/cpu.jsonl" <<'PY' &
import json, sys, time
paths = [l.split(' ', 1) for l in open(sys.argv[1]).read().splitlines()]
out = open(sys.argv[2], 'w', buffering=1)
for _ in range(3000):          # bounded: 5 minutes
    row = {'t': time.time()}
    for name, p in paths:
        try:
            for line in open(p.strip()):
                if line.startswith('usage_usec '):
                    row[name] = int(line.split()[1]) / 1e6
        except OSError:
            pass
    out.write(json.dumps(row) + '\n')
    time.sleep(0.1)
PY
sampler=$!

export PAPI_VIRT_POWER_MODEL="idle=20,max=60"
exporter_start "$T/a.err" --quiet -i 1 --prometheus 127.0.0.1:0 || { echo "FAIL: exporter a did not start"; exit 1; }
exa=$EXPORTER_PID pa=$EXPORTER_PORT
exporter_start "$T/b.err" --quiet -i 1 --prometheus 127.0.0.1:0 || { echo "FAIL: exporter b did not start"; exit 1; }
exb=$EXPORTER_PID pb=$EXPORTER_PORT

cat >"$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: papi_vmpower
    static_configs:
      - targets: ['127.0.0.1:$pa']
        labels: {instance: host-a}
      - targets: ['127.0.0.1:$pb']
        labels: {instance: host-b}
YML
promtool check config "$T/prometheus.yml" >/dev/null || fail "promtool check config: $(promtool check config "$T/prometheus.yml" 2>&1)"
prom_start "$T" "$T/prometheus.yml" || { echo "FAIL: Prometheus did not start"; exit 1; }
t_prom=$(date +%s.%N)
sleep 16                       # window 1: the three guests, unchanged
t_w1=$(date +%s.%N)
for vm in busy half idle; do echo "$vm $(lab_uuid "$vm")"; done >"$T/uuids"
lab_destroy idle || fail "destroy idle"
t_destroy=$(date +%s.%N)
lab_start_guests "$LAB_STATE" late:idle || fail "could not start guest 'late'"
echo "late $(lab_uuid late)" >>"$T/uuids"
sleep 5                        # late seen in a few scrapes; idle stale
t_end=$(date +%s.%N)

python3 - "$PROM_URL" "$T/cpu.jsonl" "$T/uuids" "$t_prom" "$t_w1" "$t_destroy" "$t_end" <<'PY' || fail "Prometheus checks (above)"
import bisect, json, sys, urllib.parse, urllib.request
url, cpu_file, uuid_file = sys.argv[1:4]
t_prom, t_w1, t_destroy, t_end = map(float, sys.argv[4:8])
ok = True
def check(cond, msg):
    global ok
    print(('ok   ' if cond else 'FAIL ') + msg)
    ok = ok and cond

def query(expr, at):
    q = urllib.parse.urlencode({'query': expr, 'time': '%.3f' % at})
    with urllib.request.urlopen('%s/api/v1/query?%s' % (url, q), timeout=10) as r:
        d = json.load(r)
    assert d['status'] == 'success', d
    return d['data']['result']

def samples(expr, at, span):
    """Raw samples of a range selector: {labels-tuple: [(t, v)]}."""
    out = {}
    for s in query('%s[%ds]' % (expr, span), at):
        key = tuple(sorted(s['metric'].items()))
        out[key] = [(float(t), float(v)) for t, v in s['values']]
    return out

span_all = int(t_end - t_prom) + 2
# up: every scrape of both exporters succeeded.
ups = samples('up', t_end, span_all)
for k, v in ups.items():
    inst = dict(k)['instance']
    # Every scrape up; scrapes may be late on a loaded host, not missing many.
    check(len(v) >= 0.7 * span_all and all(x == 1 for _, x in v),
          'up{instance=%s}: %d scrapes, values %s' % (inst, len(v), sorted({x for _, x in v})))
check(len(ups) == 2, 'two instances scraped: %s' % [dict(k)['instance'] for k in ups])

# CPU time against cgroup cpu.stat over window 1, at the exporter's sample times.
cg = [json.loads(l) for l in open(cpu_file)]
def cg_at(name, t):
    ts = [r['t'] for r in cg if name in r]
    vs = [r[name] for r in cg if name in r]
    i = bisect.bisect_left(ts, t)
    if i == 0 or i >= len(ts):
        return None
    f = (t - ts[i - 1]) / (ts[i] - ts[i - 1])
    return vs[i - 1] + f * (vs[i] - vs[i - 1])

span1 = int(t_w1 - t_prom) + 1
stamp = samples('papi_virt_sample_timestamp_seconds{instance="host-a"}', t_w1, span1)
stamp = list(stamp.values())[0]
cpu = samples('papi_virt_vm_cpu_seconds_total{instance="host-a"}', t_w1, span1)
for key, vals in cpu.items():
    lab = dict(key)
    name = lab['vm']
    if name not in ('busy', 'half', 'idle'):
        continue
    pts = [(st, v) for (t, v), (t2, st) in zip(vals, stamp) if abs(t - t2) < 1e-3]
    pts = [(st, v) for st, v in pts if cg_at(name, st) is not None]
    if len(pts) < 8:
        check(False, 'cpu %s: only %d aligned scrapes' % (name, len(pts)))
        continue
    (s0, v0), (s1, v1) = pts[0], pts[-1]
    ref = cg_at(name, s1) - cg_at(name, s0)
    got = v1 - v0
    err = abs(got - ref) / ref if ref > 0 else float('inf')
    check(err <= 0.03, 'cpu %s over %.1f s: exporter %.3f s, cgroup %.3f s, %+.2f%% (tolerance 3%%)'
          % (name, s1 - s0, got, ref, 100 * (got - ref) / ref))

# Conservation at every scrape of host-a: sum(VM energy) + other == active.
def series_by_time(expr, at, span):
    by_t = {}
    for key, vals in samples(expr, at, span).items():
        for t, v in vals:
            by_t.setdefault(round(t, 3), {})[dict(key).get('vm', '')] = v
    return by_t
vm_e = series_by_time('papi_virt_vm_energy_joules_total{instance="host-a"}', t_end, span_all)
act = series_by_time('papi_virt_host_active_energy_joules_total{instance="host-a"}', t_end, span_all)
oth = series_by_time('papi_virt_host_other_energy_joules_total{instance="host-a"}', t_end, span_all)
n_exact = n_incr = 0
worst = 0.0
prev = None
for t in sorted(act):
    if t not in oth or t not in vm_e:
        continue
    a, o, vms = act[t][''], oth[t][''], vm_e[t]
    tol = 1e-6 + 1e-8 * a
    if t < t_destroy - 1 and set(vms) == {'busy', 'half', 'idle'}:
        worst = max(worst, abs(sum(vms.values()) + o - a))
        d = sum(vms.values()) + o - a
        if abs(d) > tol:
            check(False, 'conservation at %.1f: VMs %.6f + other %.6f != active %.6f' % (t, sum(vms.values()), o, a))
        n_exact += abs(d) <= tol
    elif prev and set(prev[2]) == set(vms):
        d = sum(vms.values()) - sum(prev[2].values()) + (o - prev[1]) - (a - prev[0])
        worst = max(worst, abs(d))
        if abs(d) > tol:
            check(False, 'conservation increment at %.1f: %.9f J' % (t, d))
        n_incr += abs(d) <= tol
    prev = (a, o, vms)
check(n_exact >= 8, 'conservation exact at %d scrapes with 3 VMs, %d increments after the change; worst %.2e J'
      % (n_exact, n_incr, worst))

# UUIDs: the lab's.
uuids = dict(l.split() for l in open(uuid_file).read().splitlines())
seen = {}
for s in query('papi_virt_vm_cpu_seconds_total{instance="host-a"}', t_w1):
    seen[s['metric']['vm']] = s['metric'].get('uuid')
check(all(seen.get(n) == uuids[n] for n in ('busy', 'half', 'idle')), 'uuid labels %s' % seen)

# A destroyed guest's series stop; a late guest's appear.
now = {s['metric']['vm']: s['metric'].get('uuid') for s in query('papi_virt_vm_energy_joules_total{instance="host-a"}', t_end)}
check('idle' not in now, "idle's series ended after destroy (latest VMs: %s)" % sorted(now))
check(now.get('late') == uuids['late'], "late's series appeared with its uuid (%s)" % now.get('late'))
check('idle' in {s['metric']['vm'] for s in query('papi_virt_vm_energy_joules_total', t_destroy - 1.5)},
      'idle was there before the destroy')

# Many hosts: sum by (vm) over the two instances.
at = t_w1 - 0.5
per = {}
for s in query('papi_virt_vm_cpu_seconds_total', at):
    per.setdefault(s['metric']['vm'], {})[s['metric']['instance']] = float(s['value'][1])
summed = {s['metric']['vm']: (s['metric'], float(s['value'][1])) for s in query('sum by (vm) (papi_virt_vm_cpu_seconds_total)', at)}
check(set(summed) == set(per) and all(set(m) == {'vm'} for m, _ in summed.values()),
      'sum by (vm): one series per VM, label vm only: %s' % sorted(summed))
check(all(set(per[v]) == {'host-a', 'host-b'} and abs(summed[v][1] - sum(per[v].values())) < 1e-9 for v in per),
      'sum by (vm) adds host-a and host-b: %s' % {v: round(summed[v][1], 3) for v in summed})
sys.exit(0 if ok else 1)
PY

kill -0 "$exa" 2>/dev/null && kill -0 "$exb" 2>/dev/null || fail "an exporter died: $(cat "$T/a.err" "$T/b.err")"
t_checked=$(lab_now_ms)
cleanup_all
trap - EXIT
echo "timing: lab up $((t_ready - t0)) ms, exporters + Prometheus + window + checks $((t_checked - t_ready)) ms, total $(($(lab_now_ms) - t0)) ms"
[ $rc -eq 0 ] && echo "PASS: papi_vmpower scraped by Prometheus on the lab"
exit $rc
