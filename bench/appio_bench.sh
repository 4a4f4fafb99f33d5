#!/bin/sh
# make bench (appio part): cost of interposition per 64-byte read() from
# /dev/zero and per 64-byte fwrite(), in one run, against
#   none     no interposition
#   preload  our libpapi_appio_preload.so (papi_appio_run's interposer)
#   libpapi  our libpapi.so (the appio component's interposer)
#   stock    a peer libpapi built from the same PAPI source with stock appio,
#            if APPIO_STOCK_LIBPAPI=/path/libpapi.so.7.0 (or $1) is given
# Runs are interleaved (ROUNDS rounds) and the minimum per mode is kept, to
# damp the noise of a shared machine.
set -eu
B=${PV_BUILDDIR:?PV_BUILDDIR not set}
BIN=$B/bench/appio_bench
PRELOAD=$B/utils/libpapi_appio_preload.so
OURS=$B/papi/src/libpapi.so.7.0
STOCK=${1:-${APPIO_STOCK_LIBPAPI:-}}
ITERS=${APPIO_BENCH_ITERS:-20000}
ROUNDS=${APPIO_BENCH_ROUNDS:-5}

modes="none preload libpapi"
[ -n "$STOCK" ] && modes="$modes stock"
[ -n "$STOCK" ] && [ ! -r "$STOCK" ] && { echo "appio_bench: $STOCK not readable" >&2; exit 1; }

run() {
	case $1 in
	none) "$BIN" "$ITERS" 25 ;;
	preload) LD_PRELOAD=$PRELOAD "$BIN" "$ITERS" 25 ;;
	libpapi) LD_PRELOAD=$OURS "$BIN" "$ITERS" 25 ;;
	stock) LD_PRELOAD=$STOCK "$BIN" "$ITERS" 25 ;;
	esac
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
while [ $i -lt "$ROUNDS" ]; do
	for m in $modes; do run "$m" >>"$tmp/$m"; done
	i=$((i + 1))
done
min() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$tmp/$1" | sort -n | head -1; }
echo "appio bench: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $(uname -r)"
printf '%-8s %12s %10s %14s %10s\n' mode read_ns x_none fwrite_ns x_none
rn=$(min none read_ns); wn=$(min none fwrite_ns)
for m in $modes; do
	r=$(min "$m" read_ns); w=$(min "$m" fwrite_ns)
	printf '%-8s %12s %10s %14s %10s\n' "$m" "$r" "$(echo "$r $rn" | awk '{printf "%.3f", $1/$2}')" \
		"$w" "$(echo "$w $wn" | awk '{printf "%.3f", $1/$2}')"
done
for m in preload libpapi; do
	r=$(min "$m" read_ns); w=$(min "$m" fwrite_ns)
	echo "$m: +$(echo "$r $rn" | awk '{printf "%.1f", $1-$2}') ns per read, +$(echo "$w $wn" | awk '{printf "%.1f", $1-$2}') ns per fwrite"
done
if [ -n "$STOCK" ]; then
	rs=$(min stock read_ns); ws=$(min stock fwrite_ns); ro=$(min libpapi read_ns); wo=$(min libpapi fwrite_ns)
	echo "stock appio: +$(echo "$rs $rn" | awk '{printf "%.1f", $1-$2}') ns per read, +$(echo "$ws $wn" | awk '{printf "%.1f", $1-$2}') ns per fwrite"
	# Added cost of stock over added cost of ours; when ours is lost in the
	# noise (<= 1 ns), say so rather than divide by it.
	ratio() { echo "$1 $2 $3" | awk '{d=$2-$3; s=$1-$3; if (d<=1) printf ">%.0fx (ours within noise)", s; else printf "%.1fx", s/d}'; }
	echo "added cost, stock / ours (libpapi): read $(ratio "$rs" "$ro" "$rn"), fwrite $(ratio "$ws" "$wo" "$wn")"
else
	echo "stock appio: not measured (give a peer libpapi with stock appio: APPIO_STOCK_LIBPAPI=... make bench)"
fi
