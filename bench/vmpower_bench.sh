#!/bin/bash
# make bench (vmpower): PAPI_read latency of every VM event with 1, 8, 32
# and 64 real guests, and memory per VM.
#
# Guests are real QEMU processes of the VM lab's private libvirtd, created
# paused ("halted tiny guests"), 8 at a time.  For each N the probe
# (bench/vmpower_probe -b) adds VM_CPU_TIME_NS, VM_ENERGY_UJ, VM_POWER_W and
# VM_SHARE_PCT of every guest (plus VM_CYCLES where the host has cycles) and
# the four HOST events, then times READS PAPI_read calls.
#
# No libvirt RPC on the read path, shown: the daemon is SIGSTOPped for the
# whole timed loop (the probe's -x hook).  A read that asked libvirt would
# block until pv_virt's 5 s timeout; the reads stay in microseconds.
#
# Energy comes from PAPI_VIRT_POWER_MODEL here (no RAPL on this host): the
# read path then also reads /proc/stat, as it would on such a host.
# Goals: linear growth, p50 <= 1000 us at 64 VMs.  Exit 1 when missed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PV_SRCDIR=${PV_SRCDIR:-$(cd "$here/.." && pwd)}
PV_BUILDDIR=${PV_BUILDDIR:-$PWD}
# shellcheck source=ctests/vmlab/lab-core.sh
. "$PV_SRCDIR/ctests/vmlab/lab-core.sh"
PROBE=$PV_BUILDDIR/bench/vmpower_probe
READS=${PV_VMPOWER_BENCH_READS:-300}
COUNTS=${PV_VMPOWER_BENCH_COUNTS:-"1 8 32 64"}
OUT=$PV_BUILDDIR/bench/vmpower-results.txt
[ -x "$PROBE" ] || { echo "vmpower bench: $PROBE not built"; exit 1; }

S=$(mktemp -d /var/tmp/pvlab.XXXXXX) || exit 1
touch "$S/$LAB_MARK"
work=$(mktemp -d /tmp/vmp-bench.XXXXXX)
dpid=
cleanup() {
	[ -n "$dpid" ] && kill -CONT "$dpid" 2>/dev/null
	lab_stop_state "$S" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$(lab_now_ms)
lab_prepare || exit 1
mkdir -p "$S/guests"
lab_start_daemon "$S" || exit 1
uri=$(lab_uri "$S")
dpid=$(lab_daemon_pid "$S")
export PAPI_VIRT_URI=$uri PAPI_VIRT_POWER_MODEL=idle=50,max=150
cat >"$work/hook.sh" <<EOS
#!/bin/sh
case "\$1" in start) kill -STOP $dpid ;; stop) kill -CONT $dpid ;; esac
EOS
chmod +x "$work/hook.sh"

# Creates guests [have, n) paused, 8 in parallel.
have=0
create_upto() {
	local n=$1 i idx uuid pids=()
	for ((i = have; i < n; i++)); do
		idx=$(lab_next_index "$S") || return 1
		uuid=$(cat /proc/sys/kernel/random/uuid)
		printf 'bench-%02d\n' "$i" >"$S/guests/$idx.name"
		echo "$uuid" >"$S/guests/$idx.uuid"
		lab_domain_xml "$S" "$idx" "bench-$(printf %02d "$i")" "$uuid" "console=ttyS0 work=idle" >"$S/guests/$idx.xml"
		timeout 120 virsh -q -c "$uri" create --paused "$S/guests/$idx.xml" >/dev/null 2>"$S/guests/$idx.err" &
		pids+=($!)
		if [ ${#pids[@]} -ge 8 ]; then
			wait "${pids[@]}" || return 1
			pids=()
		fi
	done
	[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}" || return 1
	have=$n
}

cycles=0
"$PROBE" -b 1 VM_CYCLES >/dev/null 2>&1 && cycles=1
{
	echo "vmpower bench $(date -u +%FT%TZ) host $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%5s %7s %10s %10s %10s %10s %12s %14s %8s\n' vms events mean_us p50_us p99_us max_us rss_kb_per_vm marginal_kb_vm init_s
} | tee "$OUT"
rc=0
declare -A p50
for n in $COUNTS; do
	tc=$(lab_now_ms)
	create_upto "$n" || { echo "vmpower bench: creating $n guests failed"; cat "$S"/guests/*.err; exit 1; }
	ev=()
	for ((i = 0; i < n; i++)); do
		v=$(printf 'bench-%02d' "$i")
		ev+=("VM_CPU_TIME_NS:vm=$v" "VM_ENERGY_UJ:vm=$v" "VM_POWER_W:vm=$v" "VM_SHARE_PCT:vm=$v")
		[ $cycles -eq 1 ] && ev+=("VM_CYCLES:vm=$v")
	done
	ev+=(HOST_ENERGY_UJ HOST_ACTIVE_ENERGY_UJ HOST_IDLE_ENERGY_UJ HOST_OTHER_ENERGY_UJ)
	if ! timeout 120 "$PROBE" -b "$READS" -x "$work/hook.sh" "${ev[@]}" >"$work/out.$n" 2>"$work/err.$n"; then
		echo "vmpower bench: probe failed with $n VMs:"; cat "$work/err.$n"; exit 1
	fi
	# "events E reads R read_us mean M p50 P p99 Q max X"
	read -r nev mean med p99 mx < <(awk '$1 == "events" { print $2, $7, $9, $11, $13 }' "$work/out.$n")
	# "init_s I rss_kb before_init A after_init B after_add C"
	read -r init r0 r2 < <(awk '$1 == "init_s" { print $2, $5, $9 }' "$work/out.$n")
	p50[$n]=$med
	# marginal: growth of the process's RSS per added VM since the
	# previous count (libpapi's fixed cost cancels out)
	marg=-
	[ -n "${prev_n:-}" ] && marg=$(( (r2 - r0 - prev_rss) / (n - prev_n) ))
	printf '%5s %7s %10s %10s %10s %10s %12s %14s %8s\n' "$n" "$nev" "$mean" "$med" "$p99" "$mx" \
		"$(( (r2 - r0) / n ))" "$marg" "$init" | tee -a "$OUT"
	prev_n=$n
	prev_rss=$((r2 - r0))
	echo "  ($n guests up in $(( $(lab_now_ms) - tc )) ms; libvirtd SIGSTOPped during the $READS reads)" | tee -a "$OUT"
done
if [ -n "${p50[64]:-}" ]; then
	awk -v x="${p50[64]}" 'BEGIN { exit !(x <= 1000) }' && v=met || { v=MISSED; rc=1; }
	echo "goal 64 VMs <= 1000 us per read (p50): $v" | tee -a "$OUT"
fi
if [ -n "${p50[8]:-}" ] && [ -n "${p50[64]:-}" ]; then
	awk -v a="${p50[8]}" -v b="${p50[64]}" 'BEGIN { printf "growth 8->64 VMs: x%.1f for x8 the VMs (linear = 8)\n", b / a }' | tee -a "$OUT"
fi
echo "total $(( ($(lab_now_ms) - t0) / 1000 )) s; results in $OUT"
exit $rc
