#!/bin/bash
# Soak of papi_vmpower as an exporter on the VM lab (issue 16; not part of the
# README test command: it runs for SOAK_SECONDS, default 1800).
#   - guests SOAK_GUESTS (default busy, half and idle; names start with "soak-"
#     so that a lab of the test suite running at the same time never shares
#     a cgroup name), plus "soak-churn", destroyed and re-created (a new VM:
#     new UUID, same name) every SOAK_CHURN_S seconds (30): every change of
#     the VM set makes papi_vmpower rebuild its EventSets.  SOAK_CHURN_NAMES=new
#     gives each new VM a new name instead: vmpower keeps the events of every
#     name it has seen (PAPI's codes stay valid until PAPI_shutdown), so that
#     run measures the cost per distinct VM name, not a leak;
#   - the exporter (power model, 1 s samples) is scraped every second with curl;
#   - every 10 s the exporter's VmRSS and open descriptors are recorded.
# At the end: least-squares slopes of RSS (KiB/min) and fds (per min) after a
# warm-up (the first SOAK_WARMUP_S seconds, default 300), scrape failures, and a
# verdict: RSS growth after warm-up must stay under SOAK_MAX_KIB_PER_MIN (4)
# and the fd count must not grow (among samples with the same number of running
# guests).  Writes SOAK_OUT (default ./soak-vmpower.csv).
#
# usage: PV_BUILDDIR=build scripts/soak-vmpower.sh   (as root; builds nothing)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
: "${PV_BUILDDIR:?set PV_BUILDDIR to a built build directory}"
PV_BUILDDIR=$(cd "$PV_BUILDDIR" && pwd)
export PV_SRCDIR=$top PV_BUILDDIR PV_UTILS=$PV_BUILDDIR/utils PV_PAPI_LIBDIR=$PV_BUILDDIR/papi/src
export LD_LIBRARY_PATH=$PV_PAPI_LIBDIR
DURATION=${SOAK_SECONDS:-1800}
CHURN=${SOAK_CHURN_S:-30}
WARMUP=${SOAK_WARMUP_S:-300}
MAXSLOPE=${SOAK_MAX_KIB_PER_MIN:-4}
OUT=${SOAK_OUT:-$PWD/soak-vmpower.csv}

# shellcheck source=ctests/vmlab/lab-lib.sh
. "$top/ctests/vmlab/lab-lib.sh"
# shellcheck source=ctests/scripts/prom-lib.sh
. "$top/ctests/scripts/prom-lib.sh"
T=$(mktemp -d)
ex='' scraper=''
cleanup_all() {
	for p in $ex $scraper; do kill "$p" 2>/dev/null; done
	lab_cleanup
	rm -rf "$T"
}
set_traps() {
	trap cleanup_all EXIT
	trap 'cleanup_all; exit 130' INT
	trap 'cleanup_all; exit 143' TERM
}
set_traps
# shellcheck disable=SC2086 # a list of guest specs
lab_start ${SOAK_GUESTS:-soak-busy:busy soak-half:half soak-idle:idle} soak-churn:idle || { echo "soak: lab did not start"; exit 1; }
set_traps

export PAPI_VIRT_POWER_MODEL="idle=20,max=60"
exporter_start "$T/ex.err" --quiet -i 1 --prometheus 127.0.0.1:0 || { echo "soak: exporter did not start"; cat "$T/ex.err"; exit 1; }
ex=$EXPORTER_PID
url=http://127.0.0.1:$EXPORTER_PORT/metrics
echo "soak: papi_vmpower pid $ex on $url for ${DURATION}s, churn every ${CHURN}s"

echo "t_s,rss_kib,fds,scrapes,scrape_failures,churns,churn_failures,vms" >"$OUT"
t0=$(date +%s)
# The scraper: its own loop, so a guest's boot never delays a scrape.
(
	end=$((t0 + DURATION))
	while [ "$(date +%s)" -lt "$end" ]; do
		if curl -sf -m 5 -o /dev/null "$url"; then echo ok; else echo fail; fi
		sleep 1
	done >"$T/scrapes"
) &
scraper=$!
churn_name=soak-churn churns=0 cfail=0 next_churn=$((t0 + CHURN)) next_sample=$t0 gen=0
while :; do
	now=$(date +%s)
	[ $((now - t0)) -ge "$DURATION" ] && break
	kill -0 "$ex" 2>/dev/null || { echo "soak: exporter died"; cat "$T/ex.err"; exit 1; }
	if [ "$now" -ge "$next_churn" ]; then
		# a new guest under a new name each time: a new VM (new uuid) for
		# libvirt and the exporter, the previous one destroyed
		lab_destroy "$churn_name" >/dev/null 2>&1 || cfail=$((cfail + 1))
		gen=$((gen + 1))
		[ "${SOAK_CHURN_NAMES:-same}" = new ] && churn_name=soak-churn-$gen
		PV_VMLAB_QUIET=1 lab_start_guests "$LAB_STATE" "$churn_name:idle" >/dev/null 2>&1 || cfail=$((cfail + 1))
		churns=$((churns + 1))
		next_churn=$(($(date +%s) + CHURN))
	fi
	if [ "$now" -ge "$next_sample" ]; then
		rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$ex/status")
		fds=$(find "/proc/$ex/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		scrapes=$(grep -c '^ok' "$T/scrapes" 2>/dev/null); sfail=$(grep -c '^fail' "$T/scrapes" 2>/dev/null)
		# running guests: each holds a few descriptors (cgroup, counters)
		vms=$(lab_virsh list --name 2>/dev/null | grep -c .)
		echo "$((now - t0)),$rss,$fds,${scrapes:-0},${sfail:-0},$churns,$cfail,$vms" >>"$OUT"
		next_sample=$((now + 10))
	fi
	sleep 1
done
wait "$scraper"
python3 - "$OUT" "$WARMUP" "$MAXSLOPE" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
warm, maxslope = float(sys.argv[2]), float(sys.argv[3])
after = [r for r in rows if float(r['t_s']) >= warm]
def slope(key):
    xs = [float(r['t_s']) / 60 for r in after]; ys = [float(r[key]) for r in after]
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
last = rows[-1]
if len(after) < 3:
    print("soak: too short for a slope after %ss of warm-up" % warm); sys.exit(1)
rs, fs = slope('rss_kib'), slope('fds')
print("soak: %s s, %s scrapes (%s failed), %s churns (%s failed)" % (last['t_s'], last['scrapes'], last['scrape_failures'], last['churns'], last['churn_failures']))
print("soak: RSS %s -> %s KiB (after warm-up: min %s max %s), slope %.2f KiB/min" % (rows[0]['rss_kib'], last['rss_kib'],
      min(int(r['rss_kib']) for r in after), max(int(r['rss_kib']) for r in after), rs))
print("soak: fds %s -> %s (after warm-up: min %s max %s), slope %.3f /min" % (rows[0]['fds'], last['fds'],
      min(int(r['fds']) for r in after), max(int(r['fds']) for r in after), fs))
# Descriptors follow the running VMs (a churned guest that failed to boot
# holds none): compare samples with the same number of running guests.
fds_flat = True
for n in sorted(set(r.get('vms') for r in after)):
    f = [int(r['fds']) for r in after if r.get('vms') == n]
    print("soak: with %s running guests: fds min %d max %d (%d samples)" % (n, min(f), max(f), len(f)))
    fds_flat = fds_flat and max(f) <= min(f) + 2
ok = rs < maxslope and fds_flat and int(last['scrape_failures']) == 0
print("soak: %s" % ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
