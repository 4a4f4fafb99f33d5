#!/bin/bash
# papi_vmpower keeps a bounded number of departed VMs (issue 16, the soak:
# an always-on exporter beside VMs with ever-new names kept a row per VM
# for its summary).  A replay of 300 samples: "keep" runs throughout and a
# new VM "e<i>" runs in sample i only, so 299 VMs depart.  The tracker keeps
# the last UTIL_GONE_KEEP (256) departed VMs, in order, and counts the 43
# forgotten ones (e0..e42): checked in the text summary and the JSON
# summary (forgotten_vms, the list of VMs), and keep's energy is unchanged.
set -u
U=${PV_UTILS:?run through ctests/run-tests.sh}
export LD_LIBRARY_PATH=${PV_PAPI_LIBDIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
N=300 KEEP=256
{
	echo "info basis=cpu_time source=estimated"
	for i in $(seq 0 $((N - 1))); do
		echo "sample $((i + 1)) epoch=1 t0=0"
		echo "vm keep energy_uj=$((i * 1000000)) cpu_ns=$((i * 1000000))"
		echo "vm e$i energy_uj=1000000 cpu_ns=1000000"
		echo "host energy_uj=$((i * 3000000)) active_uj=$((i * 2000000)) idle_uj=$((i * 1000000)) other_uj=0"
	done
} >"$T/r.txt"
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 >"$T/out" 2>&1 || fail "text run exited $?"
sed -n '/^summary:/,$p' "$T/out" >"$T/sum"
forgot=$((N - 1 - KEEP))
grep -q "^($forgot departed VMs not listed: the last $KEEP are kept)" "$T/sum" ||
	fail "summary does not say $forgot departed VMs were forgotten: $(grep departed "$T/sum")"
gone=$(grep -c ' gone$' "$T/sum")
[ "$gone" = "$KEEP" ] || fail "summary lists $gone departed VMs, want $KEEP"
grep -q '^e42 ' "$T/sum" && fail "e42 (departed among the first) is still listed"
grep -q "^e$forgot .* gone$" "$T/sum" || fail "e$forgot (the oldest kept) is missing"
grep -q "^e$((N - 1)) .* running$" "$T/sum" || fail "e$((N - 1)) is not listed as running"
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 --json 2>/dev/null >"$T/json" || fail "json run exited $?"
python3 - "$T/json" "$forgot" "$KEEP" "$N" <<'PY' || fail "JSON summary"
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
forgot, keep, n = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
assert s['type'] == 'summary', s['type']
assert s['forgotten_vms'] == forgot, s['forgotten_vms']
names = [v['name'] for v in s['vms']]
want = ['keep'] + ['e%d' % i for i in range(forgot, n)]
assert names == want, (names[:3], len(names), len(want))
k = s['vms'][0]
assert abs(k['energy_j'] - (n - 1)) < 1e-6, k['energy_j']
PY
[ $rc = 0 ] && echo "PASS: $((N - 1)) departed VMs, $KEEP kept, $forgot forgotten and counted"
exit $rc
