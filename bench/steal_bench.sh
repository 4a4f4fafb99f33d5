#!/bin/bash
# steal component benchmark (make bench-steal; part of make bench).
#  1. PAPI_read cost of steal:::STEAL_NS (ours, default cache window and
#     PAPI_VIRT_STEAL_CACHE_US=0) against stock stealtime:::TOTAL from a peer
#     libpapi built from the same PAPI source; the floors: pread and
#     open+read+close of /proc/stat.  Goal: ours <= 0.5 x stock.
#  2. Host events: PAPI_read cost per vCPU with STEAL_BENCH_GUESTS idle
#     1-vCPU guests (default 16; 0 skips), 3 events per vCPU
#     (VCPU_RUN/STEAL/HALT_NS).  Goal: <= 2 us per vCPU.
# Environment: PV_BUILDDIR, PV_SRCDIR; STEAL_PEER_LIBDIR (dir of the peer
# libpapi.so.X.Y; default $PV_BUILDDIR/bench-peer/papi/src, skipped when
# absent); PVB_BIN (dir of common_readlat, default $PV_BUILDDIR/bench);
# STEAL_BENCH_PARTS ("system host", the default, or either).
# Prints medians (of per-batch means) and ratios; results in
# $PV_BUILDDIR/bench/steal-results.txt.
set -u
B=${PV_BUILDDIR:?PV_BUILDDIR not set}
SRC=${PV_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
OURS=${PV_PAPI_LIBDIR:-$B/papi/src}
PEER=${STEAL_PEER_LIBDIR:-${PV_PEER_LIBDIR:-$B/bench-peer/papi/src}}
SONAME=${PV_PAPI_SONAME:-$(. "$B/papi-version.env" && echo "$PV_PAPI_SONAME")}
BIN=${PVB_BIN:-$B/bench}
GUESTS=${STEAL_BENCH_GUESTS:-16}
[ "${PVB_QUICK:-0}" = 1 ] && GUESTS=${STEAL_BENCH_GUESTS:-0}
OUT=$B/bench/steal-results.txt
RL=$BIN/common_readlat
RC=$BIN/steal_readcost
[ -x "$RL" ] || { echo "steal bench: $RL not built" >&2; exit 1; }
mkdir -p "$B/bench"
: >"$OUT"

say() { echo "$*" | tee -a "$OUT"; }
# median of the "S" lines of a common_readlat run
median() { awk '$1 == "S" { print $2 }' | sort -g | awk '{ v[n++] = $1 } END { if (!n) exit 1; m = (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; printf "%.1f\n", m }'; }
run_rl() { # libdir env... -- events
	local lib=$1
	shift
	env LD_LIBRARY_PATH="$lib" "$@" 2>/dev/null | median
}

say "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "steal bench $(date -u +%Y-%m-%dT%H:%M:%SZ)"

# 1. system steal, interleaved rounds so that load changes hit every variant
declare -A acc
PARTS=${STEAL_BENCH_PARTS:-system host}
rounds=3
case " $PARTS " in *" system "*) ;; *) rounds=0 ;; esac
for ((round = 1; round <= rounds; round++)); do
	acc[ours]+=" $(run_rl "$OURS" "$RL" -b 15 -n 2000 steal:::STEAL_NS)"
	acc[ours_nocache]+=" $(run_rl "$OURS" env PAPI_VIRT_STEAL_CACHE_US=0 "$RL" -b 15 -n 2000 steal:::STEAL_NS)"
	if [ -e "$PEER/$SONAME" ]; then
		acc[stock]+=" $(run_rl "$PEER" "$RL" -b 15 -n 2000 stealtime:::TOTAL)"
	fi
	if [ -x "$BIN/common_fsfloor" ]; then
		acc[floor_pread]+=" $("$BIN/common_fsfloor" pread 15 2000 /proc/stat 2>/dev/null | median)"
		acc[floor_openread]+=" $("$BIN/common_fsfloor" openread 15 2000 /proc/stat 2>/dev/null | median)"
	fi
done
med3() { echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[n++] = $1 } END { if (n) print v[int((n - 1) / 2)] }'; }
if [ $rounds -gt 0 ] && [ -x "$RC" ]; then
	for v in ours ours_nocache stock; do
		case $v in
		ours) out=$(LD_LIBRARY_PATH="$OURS" "$RC" 15 2000 steal:::STEAL_NS 2>&1) ;;
		ours_nocache) out=$(PAPI_VIRT_STEAL_CACHE_US=0 LD_LIBRARY_PATH="$OURS" "$RC" 15 2000 steal:::STEAL_NS 2>&1) ;;
		stock) [ -e "$PEER/$SONAME" ] || continue
			out=$(LD_LIBRARY_PATH="$PEER" "$RC" 15 2000 stealtime:::TOTAL 2>&1) ;;
		esac
		acc[cpu_$v]=$(echo "$out" | awk '$1 == "cpu_ns" { print $2 }')
	done
fi
for k in ours ours_nocache stock floor_pread floor_openread; do
	[ -n "${acc[$k]:-}" ] && say "PAPI_read $k: $(med3 "${acc[$k]}") ns (rounds:${acc[$k]})"
done
if [ $rounds -eq 0 ]; then
	:
elif [ -n "${acc[stock]:-}" ]; then
	s=$(med3 "${acc[stock]}")
	say "ratio ours/stock: $(awk -v a="$(med3 "${acc[ours]}")" -v b="$s" 'BEGIN { printf "%.3f", a / b }') (goal <= 0.5); without the cache: $(awk -v a="$(med3 "${acc[ours_nocache]}")" -v b="$s" 'BEGIN { printf "%.3f", a / b }')"
	[ -n "${acc[cpu_stock]:-}" ] && say "in the reader's CPU time: ours ${acc[cpu_ours]} ns, ours uncached ${acc[cpu_ours_nocache]} ns, stock ${acc[cpu_stock]} ns: ratio cached $(awk -v a="${acc[cpu_ours]}" -v b="${acc[cpu_stock]}" 'BEGIN { printf "%.3f", a / b }'), uncached $(awk -v a="${acc[cpu_ours_nocache]}" -v b="${acc[cpu_stock]}" 'BEGIN { printf "%.3f", a / b }')"
else
	say "stock stealtime: no peer libpapi at $PEER (make bench-peer builds it): ratio not measured"
fi

# 2. host events with real guests
case " $PARTS " in *" host "*) ;; *) GUESTS=0 ;; esac
if [ "$GUESTS" -gt 0 ]; then
	# shellcheck source=ctests/vmlab/lab-lib.sh
	. "$SRC/ctests/vmlab/lab-lib.sh"
	# Many guests boot slowly on a loaded 2-core machine; boot in batches of
	# 4 and measure with the guests that came up (a guest can die while
	# booting under heavy load: it is counted out, not fatal).
	export PV_VMLAB_BOOT_TIMEOUT=${PV_VMLAB_BOOT_TIMEOUT:-300}
	: >"$B/bench/steal-lab.log"
	if lab_start "sb-0:idle" >>"$B/bench/steal-lab.log" 2>&1; then
		i=1
		while [ $i -lt "$GUESTS" ]; do
			batch=()
			for ((k = 0; k < 4 && i < GUESTS; k++, i++)); do batch+=("sb-$i:idle"); done
			lab_start_guests "$LAB_STATE" "${batch[@]}" >>"$B/bench/steal-lab.log" 2>&1 ||
				echo "steal bench: a guest of ${batch[*]} did not boot" >>"$B/bench/steal-lab.log"
		done
		mapfile -t names < <(lab_virsh list --name | sed '/^$/d')
		ev=()
		for nm in "${names[@]}"; do
			ev+=("steal:::VCPU_RUN_NS:vm=$nm:vcpu=0" "steal:::VCPU_STEAL_NS:vm=$nm:vcpu=0" "steal:::VCPU_HALT_NS:vm=$nm:vcpu=0")
		done
		n=${#names[@]}
		t=$(run_rl "$OURS" "$RL" -b 15 -n 200 -s 20 "${ev[@]}")
		t1=$(run_rl "$OURS" "$RL" -b 15 -n 2000 -s 20 "steal:::VCPU_RUN_NS:vm=${names[0]}:vcpu=0")
		say "host: $n running guests (of $GUESTS started), 3 events per vCPU: PAPI_read $t ns = $(awk -v t="$t" -v n="$n" 'BEGIN { printf "%.0f", t / n }') ns per vCPU wall time (goal <= 2000); one vCPU alone: $t1 ns"
		if [ -x "$RC" ]; then
			LD_LIBRARY_PATH="$OURS" "$RC" 15 200 "${ev[@]}" >"$B/bench/steal-rc.txt" 2>&1
			c=$(awk '$1 == "cpu_ns" { print $2 }' "$B/bench/steal-rc.txt")
			w=$(awk '$1 == "wall_ns" { print $2 }' "$B/bench/steal-rc.txt")
			say "host: same read in the reader's CPU time: $c ns = $(awk -v t="$c" -v n="$n" 'BEGIN { printf "%.0f", t / n }') ns per vCPU (wall $w ns: the rest is waiting for a CPU on this loaded machine)"
		fi
		lab_cleanup
	else
		say "host: could not start the lab (see $B/bench/steal-lab.log); not measured"
		lab_cleanup
	fi
fi
