#!/bin/bash
# rapl_vm benchmark (make bench-rapl_vm; part of make bench).
#  1. PAPI_read of ALL energy events of the 2-package fixture
#     (ctests/fixtures/rapl-intel-2pkg: 2 packages, core, uncore, dram, psys:
#     8 events) with our libpapi; the same domains through the shared reader
#     alone (pv_rapl_read_many, no PAPI); the file-read floors (pread on
#     descriptors kept open, and open+read+close) of the same 8 files.
#  2. Ours against stock powercap on the SAME files: the 2-package tree of
#     bench/peer/powercap-tree.sh (package, core, dram per package: 6
#     energy_uj files), ours through PAPI_VIRT_SYSFS, stock through a mount
#     namespace (bench/peer/powercap-ns.sh, root only), same run, rounds
#     interleaved.  Reports the ratio ours/stock.
# Environment: PV_BUILDDIR, PV_SRCDIR, PV_PAPI_LIBDIR; RAPL_VM_PEER_LIBDIR (dir
# of the peer libpapi.so.X.Y with stock powercap; default PV_PEER_LIBDIR, then
# $PV_BUILDDIR/bench-peer/papi/src; stock is skipped, with a note, when it is
# absent or when not root); PVB_BIN (common_readlat, common_fsfloor,
# rapl_vm_readcost); PVB_QUICK=1 for a smoke run.
# Results: medians (of per-batch means) in $PV_BUILDDIR/bench/rapl_vm-results.txt.
set -u
B=${PV_BUILDDIR:?PV_BUILDDIR not set}
SRC=${PV_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
OURS=${PV_PAPI_LIBDIR:-$B/papi/src}
PEER=${RAPL_VM_PEER_LIBDIR:-${PV_PEER_LIBDIR:-$B/bench-peer/papi/src}}
SONAME=${PV_PAPI_SONAME:-$(. "$B/papi-version.env" && echo "$PV_PAPI_SONAME")}
BIN=${PVB_BIN:-$B/bench}
OUT=$B/bench/rapl_vm-results.txt
if [ "${PVB_QUICK:-0}" = 1 ]; then ROUNDS=1 NB=5 NR=200; else ROUNDS=3 NB=15 NR=2000; fi
for p in common_readlat common_fsfloor rapl_vm_readcost; do
	[ -x "$BIN/$p" ] || { echo "rapl_vm bench: $BIN/$p not built" >&2; exit 1; }
done
mkdir -p "$B/bench"
: >"$OUT"
T=$(mktemp -d /tmp/rapl_vm_bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

say() { echo "$*" | tee -a "$OUT"; }
median() { awk '$1 == "S" { print $2 }' | sort -g | awk '{ v[n++] = $1 } END { if (!n) exit 1; m = (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; printf "%.1f\n", m }'; }
med() { echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[n++] = $1 } END { if (n) print v[int((n - 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }

say "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "rapl_vm bench $(date -u +%Y-%m-%dT%H:%M:%SZ), $ROUNDS rounds x $NB batches x $NR reads"

# --- 1. all 8 energy events of the fixture
cp -r "$SRC/ctests/fixtures/rapl-intel-2pkg/sys" "$T/fix"
ALL=(rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 rapl_vm:::PACKAGE_ENERGY_UJ:pkg=1 rapl_vm:::CORE_ENERGY_UJ:pkg=0
	rapl_vm:::CORE_ENERGY_UJ:pkg=1 rapl_vm:::UNCORE_ENERGY_UJ:pkg=0 rapl_vm:::DRAM_ENERGY_UJ:pkg=0
	rapl_vm:::DRAM_ENERGY_UJ:pkg=1 rapl_vm:::PSYS_ENERGY_UJ)
FILES8=()
for z in 0 2 0:0 2:0 0:1 0:2 2:1 1; do FILES8+=("$T/fix/class/powercap/intel-rapl:$z/energy_uj"); done
# --- 2. the 6-file tree both implementations can read
sh "$SRC/bench/peer/powercap-tree.sh" "$T/tree6" || { echo "rapl_vm bench: cannot write the tree" >&2; exit 1; }
OURS6=() STOCK6=() FILES6=()
for p in 0 1; do
	OURS6+=("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=$p" "rapl_vm:::CORE_ENERGY_UJ:pkg=$p" "rapl_vm:::DRAM_ENERGY_UJ:pkg=$p")
	STOCK6+=("powercap:::ENERGY_UJ:ZONE$p" "powercap:::ENERGY_UJ:ZONE${p}_SUBZONE0" "powercap:::ENERGY_UJ:ZONE${p}_SUBZONE1")
	for z in "$p" "$p:0" "$p:1"; do FILES6+=("$T/tree6/class/powercap/intel-rapl:$z/energy_uj"); done
done
stock=1
if [ ! -e "$PEER/$SONAME" ]; then
	say "note: stock powercap not measured: no peer libpapi at $PEER (set RAPL_VM_PEER_LIBDIR or run make bench-peer)"
	stock=0
elif [ "$(id -u)" != 0 ]; then
	say "note: stock powercap not measured: pointing it at a fixture tree needs a root mount namespace"
	stock=0
fi

declare -A acc
for ((r = 1; r <= ROUNDS; r++)); do
	acc[ours8]+=" $(env PAPI_VIRT_SYSFS="$T/fix" PAPI_VIRT_STATE_DIR="$T/state" LD_LIBRARY_PATH="$OURS" \
		"$BIN/common_readlat" -b "$NB" -n "$NR" "${ALL[@]}" 2>/dev/null | median)"
	acc[reader8]+=" $(env PAPI_VIRT_SYSFS="$T/fix" "$BIN/rapl_vm_readcost" "$NB" "$NR" 2>/dev/null | median)"
	acc[floor8_pread]+=" $("$BIN/common_fsfloor" pread "$NB" "$NR" "${FILES8[@]}" 2>/dev/null | median)"
	acc[floor8_openread]+=" $("$BIN/common_fsfloor" openread "$NB" "$NR" "${FILES8[@]}" 2>/dev/null | median)"
	acc[ours6]+=" $(env PAPI_VIRT_SYSFS="$T/tree6" PAPI_VIRT_STATE_DIR="$T/state" LD_LIBRARY_PATH="$OURS" \
		"$BIN/common_readlat" -b "$NB" -n "$NR" "${OURS6[@]}" 2>/dev/null | median)"
	if [ $stock = 1 ]; then
		v=$(env LD_LIBRARY_PATH="$PEER" sh "$SRC/bench/peer/powercap-ns.sh" "$T/tree6" \
			"$BIN/common_readlat" -b "$NB" -n "$NR" "${STOCK6[@]}" 2>"$T/stock.err" | median) ||
			{ say "note: stock powercap failed: $(tail -n 1 "$T/stock.err")"; stock=0; }
		acc[stock6]+=" $v"
	fi
	acc[floor6_pread]+=" $("$BIN/common_fsfloor" pread "$NB" "$NR" "${FILES6[@]}" 2>/dev/null | median)"
done

say "ns per PAPI_read (median of rounds; each round = median of batch means):"
say "  all 8 energy events, ours (PAPI_read)        $(med "${acc[ours8]}")   rounds:${acc[ours8]}"
say "  same 8 domains, pv_rapl_read_many (no PAPI)  $(med "${acc[reader8]}")   rounds:${acc[reader8]}"
say "  floor: pread of the 8 files                  $(med "${acc[floor8_pread]}")"
say "  floor: open+read+close of the 8 files        $(med "${acc[floor8_openread]}")"
say "  6 events (pkg, core, dram x 2), ours         $(med "${acc[ours6]}")   rounds:${acc[ours6]}"
[ $stock = 1 ] && say "  same 6 files, stock powercap                 $(med "${acc[stock6]}")   rounds:${acc[stock6]}"
say "  floor: pread of the 6 files                  $(med "${acc[floor6_pread]}")"
say "ratio ours8 / floor8_pread: $(ratio "$(med "${acc[ours8]}")" "$(med "${acc[floor8_pread]}")")"
if [ $stock = 1 ]; then
	say "ratio ours/stock (same 6 files, same run): $(ratio "$(med "${acc[ours6]}")" "$(med "${acc[stock6]}")")"
fi
exit 0
