#!/bin/bash
# papi_vmpower's output layers on a replay fixture (no PAPI needed): 4
# samples, 3 VMs (one named "web server:1"), "idle" leaves and "new,vm" and
# 'q"b\c' arrive across an EventSet rebuild (epoch 2, counters restart).
# Checks, with exact expected values computed from the fixture:
#   table: appended blocks when stdout is not a terminal, gone/new marks,
#          summary at the end
#   CSV:   parsed by python's csv module, 12 columns in every row, quoting,
#          per-VM power and cumulative energy across the rebuild
#   JSON:  every line parses (json.tool --json-lines), 4 samples + summary,
#          null for unknown values
#   errors: a malformed replay line is reported with file:line, exit 1
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

cat >"$T/r.txt" <<'FIX'
info basis=cpu_time source=estimated
sample 1 epoch=1 t0=0
vm busy energy_uj=10000000 cpu_ns=1000000000 run_ns=990000000 steal_ns=10000000 halt_ns=0 share_pct=62.5
vm web%20server%3A1 energy_uj=5000000 cpu_ns=500000000 run_ns=480000000 steal_ns=20000000 halt_ns=500000000 share_pct=31.25
vm idle energy_uj=1000000 cpu_ns=100000000 run_ns=10000000 steal_ns=0 halt_ns=990000000 share_pct=6.25
host energy_uj=20000000 active_uj=16000000 idle_uj=4000000 other_uj=0
sample 2 epoch=1 t0=0
vm busy energy_uj=20000000 cpu_ns=2000000000 run_ns=1980000000 steal_ns=20000000 halt_ns=0 share_pct=62.5
vm web%20server%3A1 energy_uj=10000000 cpu_ns=1000000000 run_ns=960000000 steal_ns=40000000 halt_ns=1000000000 share_pct=31.25
vm idle energy_uj=2000000 cpu_ns=200000000 run_ns=20000000 steal_ns=0 halt_ns=1980000000 share_pct=6.25
host energy_uj=40000000 active_uj=32000000 idle_uj=8000000 other_uj=0
# EventSets rebuilt at t=2.5: counters restart at 0
sample 3 epoch=2 t0=2.5
vm busy energy_uj=5000000 cpu_ns=500000000 run_ns=495000000 steal_ns=5000000 halt_ns=0 share_pct=80
vm web%20server%3A1 energy_uj=2500000 cpu_ns=250000000 run_ns=240000000 steal_ns=10000000 halt_ns=250000000 share_pct=15
vm new%2Cvm energy_uj=500000 cpu_ns=50000000 run_ns=50000000 steal_ns=0 halt_ns=450000000 share_pct=5
vm q%22b%5Cc energy_uj=0 cpu_ns=0
host energy_uj=10000000 active_uj=8000000 idle_uj=2000000 other_uj=0
sample 4 epoch=2 t0=2.5
vm busy energy_uj=15000000 cpu_ns=1500000000 run_ns=1485000000 steal_ns=15000000 halt_ns=0 share_pct=80
vm web%20server%3A1 energy_uj=7500000 cpu_ns=750000000 run_ns=720000000 steal_ns=30000000 halt_ns=750000000 share_pct=15
vm new%2Cvm energy_uj=1500000 cpu_ns=150000000 run_ns=150000000 steal_ns=0 halt_ns=1350000000 share_pct=5
vm q%22b%5Cc energy_uj=0 cpu_ns=0
host energy_uj=30000000 active_uj=24000000 idle_uj=6000000 other_uj=0
FIX

# --- table (stdout is a file: appended, no escape sequences) ---
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 >"$T/table" 2>"$T/table.err" || fail "table run exited $?"
[ "$(grep -c '^papi_vmpower ' "$T/table")" -eq 4 ] || fail "table: want 4 appended blocks"
grep -q $'\033' "$T/table" && fail "table: escape sequences although stdout is not a terminal"
grep -q '^idle .*(gone)' "$T/table" || fail "table: idle not shown as gone"
grep -q '^new,vm .*(new)' "$T/table" || fail "table: new,vm not marked new"
grep -q 'changes: -idle +new,vm' "$T/table" || fail "table: change line missing"
grep -q '^summary: 4 samples over 4.0 s' "$T/table" || fail "table: no summary"
grep -q '^busy  *35.0  *8.75 ' "$T/table" || fail "table: busy summary (35.0 J, 8.75 W) wrong"

# --- CSV ---
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 --csv >"$T/csv" 2>"$T/csv.err" || fail "csv run exited $?"
grep -q '^summary:' "$T/csv.err" || fail "csv: summary not on stderr"
python3 - "$T/csv" <<'PY' || fail "csv checks"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
hdr = rows[0]
assert hdr == ['time','scope','vm','state','power_w','energy_j','cpu_pct','share_pct','steal_pct','halt_pct','basis','energy_source'], hdr
bad = [r for r in rows if len(r) != 12]
assert not bad, bad
d = [dict(zip(hdr, r)) for r in rows[1:]]
busy = [r for r in d if r['vm'] == 'busy']
assert [float(r['power_w']) for r in busy] == [10.0] * 4, busy
assert float(busy[-1]['energy_j']) == 35.0, busy[-1]           # 20 J + 5 J + 10 J across the rebuild
idle = [r for r in d if r['vm'] == 'idle']
assert [r['state'] for r in idle] == ['new', 'running', 'gone'], idle
assert idle[-1]['power_w'] == '', idle[-1]
nv = [r for r in d if r['vm'] == 'new,vm']
assert nv[0]['state'] == 'new' and float(nv[0]['power_w']) == 1.0, nv
assert float(nv[0]['halt_pct']) == 90.0, nv
q = [r for r in d if r['vm'] == 'q"b\\c']
assert q and q[0]['steal_pct'] == '', q                          # no steal events: empty
web = [r for r in d if r['vm'] == 'web server:1']
assert float(web[0]['steal_pct']) == 2.0 and float(web[0]['halt_pct']) == 50.0, web
host = [r for r in d if r['scope'] == 'host']
assert len(host) == 4 and float(host[-1]['energy_j']) == 70.0 and float(host[0]['power_w']) == 20.0, host
assert all(r['energy_source'] == 'estimated' for r in d), d
print("csv ok:", len(d), "rows")
PY

# --- JSON Lines ---
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 --json >"$T/json" 2>"$T/json.err" || fail "json run exited $?"
python3 -m json.tool --json-lines "$T/json" >/dev/null || fail "json: a line does not parse"
python3 - "$T/json" <<'PY' || fail "json checks"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert [o['type'] for o in objs] == ['sample'] * 4 + ['summary'], [o['type'] for o in objs]
s3 = objs[2]
vms = {v['name']: v for v in s3['vms']}
assert set(vms) == {'busy', 'web server:1', 'idle', 'new,vm', 'q"b\\c'}, vms.keys()
assert vms['idle']['state'] == 'gone' and vms['idle']['power_w'] is None
assert vms['busy']['power_w'] == 10.0 and vms['busy']['energy_j'] == 25.0
assert vms['q"b\\c']['steal_pct'] is None
assert s3['host']['power_w'] == 20.0 and s3['energy_source'] == 'estimated' and s3['basis'] == 'cpu_time'
summ = {v['name']: v for v in objs[-1]['vms']}
assert summ['busy']['energy_j'] == 35.0 and summ['idle']['state'] == 'gone'
assert objs[-1]['samples'] == 4 and objs[-1]['host']['energy_j'] == 70.0
print("json ok")
PY

# --- --count stops early ---
n=$("$U/papi_vmpower" --replay "$T/r.txt" -i 0 --json --count 2 | grep -c '"type":"sample"')
[ "$n" -eq 2 ] || fail "--count 2 gave $n samples"

# --- a malformed replay line: file:line and exit 1 ---
printf 'sample 1\nvm busy energy_uj=12x\n' >"$T/bad.txt"
err=$("$U/papi_vmpower" --replay "$T/bad.txt" -i 0 2>&1 >/dev/null); st=$?
[ $st -eq 1 ] || fail "bad replay exited $st, want 1"
grep -q "bad.txt:2: bad number '12x'" <<<"$err" || fail "bad replay message: $err"

pv_done "table, CSV and JSON output on the replay fixture"
