#!/bin/bash
# papi_vmpower --prometheus on a replay fixture: the endpoint is scraped over
# HTTP with curl while the monitor runs, the body passes
# `promtool check metrics`, names/labels/values are the expected ones
# (counters _total in joules and seconds, label escaping of '"' and '\'),
# unknown paths give 404; SIGINT ends the run with exit 0 and a summary.
# Every per-VM series has the labels vm and uuid (uuid="" when unknown); a
# name taken over by a VM with another UUID starts a new series from 0.
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ctests/scripts/prom-lib.sh
. "$here/prom-lib.sh"
command -v promtool >/dev/null || { echo "FAIL: promtool missing (apt-get install prometheus)"; exit 1; }
command -v curl >/dev/null || { echo "FAIL: curl missing (apt-get install curl)"; exit 1; }
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

{
	echo "info basis=cycles source=measured"
	for i in $(seq 1 60); do
		echo "sample $i epoch=1 t0=0"
		echo "vm busy uuid=0b6c3f5e-1d2a-4c1b-9f00-aa00bb11cc22 energy_uj=$((i * 12500000)) cpu_ns=$((i * 1000000000)) run_ns=$((i * 900000000)) steal_ns=$((i * 100000000)) halt_ns=0 share_pct=75"
		echo "vm a%22b%5Cc energy_uj=$((i * 2500000)) cpu_ns=$((i * 200000000)) share_pct=25"
		echo "host energy_uj=$((i * 40000000)) active_uj=$((i * 15000000)) idle_uj=$((i * 25000000)) other_uj=0"
	done
} >"$T/r.txt"

EXPORTER_STDOUT=$T/out exporter_start "$T/err" --replay "$T/r.txt" -i 0.2 --quiet --prometheus 127.0.0.1:0 || { fail "exporter did not start"; exit 1; }
pid=$EXPORTER_PID port=$EXPORTER_PORT
sleep 1   # a few samples
code=$(curl -s -o "$T/m" -w '%{http_code} %{content_type}' --max-time 5 "http://127.0.0.1:$port/metrics")
[ "$code" = "200 text/plain; version=0.0.4; charset=utf-8" ] || fail "GET /metrics: $code"
promtool check metrics <"$T/m" >"$T/lint" 2>&1 || fail "promtool check metrics: $(cat "$T/lint")"
[ -s "$T/lint" ] && fail "promtool lint remarks: $(cat "$T/lint")"
grep -q '^# TYPE papi_virt_vm_energy_joules_total counter$' "$T/m" || fail "energy counter TYPE"
BU='vm="busy",uuid="0b6c3f5e-1d2a-4c1b-9f00-aa00bb11cc22"'
grep -q "^papi_virt_vm_power_watts{$BU} 12.5\$" "$T/m" || fail "busy power 12.5 W"
grep -q '^papi_virt_vm_power_watts{vm="a\\"b\\\\c",uuid=""} 2.5$' "$T/m" || fail "escaped label a\"b\\c"
grep -q "^papi_virt_vm_cpu_share_ratio{$BU} 0.75\$" "$T/m" || fail "share ratio 0.75"
# Every per-VM sample line carries both labels, vm first.
nolab=$(grep '^papi_virt_vm_' "$T/m" | grep -v '^papi_virt_vm_[a-z_]*{vm="[^,]*",uuid="[0-9a-f-]*"} ')
[ -z "$nolab" ] || fail "per-VM series without vm+uuid labels: $nolab"
grep -q '^papi_virt_monitor_info{basis="cycles",energy_source="measured"} 1$' "$T/m" || fail "monitor info"
grep -q '^papi_virt_host_power_watts 40$' "$T/m" || fail "host power 40 W"
grep -q '^papi_virt_vms 2$' "$T/m" || fail "papi_virt_vms 2"
e1=$(sed -n "s/^papi_virt_vm_energy_joules_total{$BU} //p" "$T/m")
sleep 0.6
curl -s --max-time 5 "http://127.0.0.1:$port/metrics" >"$T/m2" || fail "second scrape"
e2=$(sed -n "s/^papi_virt_vm_energy_joules_total{$BU} //p" "$T/m2")
awk -v a="$e1" -v b="$e2" 'BEGIN { exit !(a > 0 && b > a) }' || fail "energy counter did not grow between scrapes ($e1 -> $e2)"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/nothing")
[ "$code" = 404 ] || fail "GET /nothing: $code, want 404"

kill -INT "$pid"
wait "$pid"; st=$?
pid=
[ $st -eq 0 ] || fail "SIGINT: exit $st, want 0"
grep -q '^summary: ' "$T/err" || fail "no summary after SIGINT: $(cat "$T/err")"
grep -q '^busy ' "$T/err" || fail "summary lacks busy"
[ -s "$T/out" ] && fail "--quiet printed on stdout: $(head -3 "$T/out")"

# ':PORT' listens on every address: IPv4 and (where the host has it) IPv6.
exporter_start "$T/any.err" --replay "$T/r.txt" -i 0.2 --quiet --prometheus :0 || fail "--prometheus :0 did not start"
any=$EXPORTER_PID
for _ in $(seq 30); do
	curl -s --max-time 2 "http://127.0.0.1:$EXPORTER_PORT/metrics" | grep -q '^papi_virt_vms ' && break
	sleep 0.1
done
curl -s --max-time 2 "http://127.0.0.1:$EXPORTER_PORT/metrics" | grep -q '^papi_virt_vms ' || fail ":PORT not reachable on 127.0.0.1"
if [ -s /proc/net/if_inet6 ] && grep -q ' lo$' /proc/net/if_inet6; then
	curl -s --max-time 2 "http://[::1]:$EXPORTER_PORT/metrics" | grep -q '^papi_virt_vms ' || fail ":PORT not reachable on [::1]"
fi
kill "$any"; wait "$any" 2>/dev/null

# A name taken over by another VM (new UUID, same epoch): new series from 0.
{
	echo "info basis=cpu_time source=estimated"
	for i in 1 2 3; do
		echo "sample $i epoch=1 t0=0"
		echo "vm web uuid=11111111-1111-1111-1111-111111111111 energy_uj=$((i * 1000000))"
	done
	for i in 4 5; do
		echo "sample $i epoch=1 t0=0"
		echo "vm web uuid=22222222-2222-2222-2222-222222222222 energy_uj=$((i * 1000000))"
	done
} >"$T/reuse.txt"
"$U/papi_vmpower" --replay "$T/reuse.txt" -i 0 --json >"$T/reuse.json" 2>"$T/reuse.err" || fail "reuse replay exited $?: $(cat "$T/reuse.err")"
python3 - "$T/reuse.json" <<'PY' || fail "UUID change under one name"
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])]
s = [o for o in s if o['type'] == 'sample']
got = [(o['vms'][0]['uuid'][:8], o['vms'][0]['state'], round(o['vms'][0]['energy_j'], 3)) for o in s]
want = [('11111111', 'new', 1.0), ('11111111', 'running', 2.0), ('11111111', 'running', 3.0),
        ('22222222', 'new', 1.0), ('22222222', 'running', 2.0)]
assert got == want, got
PY
"$U/papi_vmpower" --replay <(printf 'sample 1\nvm x uuid=zz\n') -i 0 --json >/dev/null 2>"$T/baduuid"; st=$?
[ $st -eq 1 ] && grep -q "bad uuid.*'zz'" "$T/baduuid" || fail "bad uuid in a replay: exit $st, $(cat "$T/baduuid")"

echo "scraped: $(wc -l <"$T/m") lines, busy energy $e1 J -> $e2 J"
pv_done "Prometheus endpoint scraped over HTTP, promtool clean, SIGINT summary"
