#!/bin/sh
# make bench (appio part): cost of interposition per 64-byte read() from
# /dev/zero and per 64-byte fwrite() to /dev/null, in one run, for
#   none     no interposition (sanity: both paths must cost the same)
#   preload  our libpapi_appio_preload.so (papi_appio_run's interposer)
#   libpapi  our libpapi.so (the appio component's interposer), no appio
#            EventSet running: the inactive wrapper every libpapi user pays
#   libpapi_on  the same with an appio EventSet running (counting)
#   stock    a peer libpapi built from the same PAPI source with stock appio,
#            if APPIO_STOCK_LIBPAPI=/path/libpapi.so.7.0 (or $1) is given
# Each mode runs appio_bench, which times the interposed call and glibc's
# own function (called directly, bypassing interposers) in alternating
# batches of the same process: the ratio of the two is robust to load from
# other processes.  Minimum over ROUNDS runs x 20 batches of ITERS calls.
set -eu
B=${PV_BUILDDIR:?PV_BUILDDIR not set}
BIN=$B/bench/appio_bench
PRELOAD=$B/utils/libpapi_appio_preload.so
OURS=$(ls "$B"/papi/src/libpapi.so.* 2>/dev/null | sort | head -1)
STOCK=${1:-${APPIO_STOCK_LIBPAPI:-}}
ITERS=${APPIO_BENCH_ITERS:-10000}
ROUNDS=${APPIO_BENCH_ROUNDS:-3}

modes="none preload libpapi libpapi_on"
if [ -n "$STOCK" ]; then
	[ -r "$STOCK" ] || { echo "appio_bench: $STOCK not readable" >&2; exit 1; }
	nm -D --defined-only "$STOCK" | grep -q ' T read$' ||
		echo "appio_bench: warning: $STOCK does not export read(): its appio intercepts nothing outside libpapi (PAPI 7 builds with -fvisibility=hidden; build the peer with OPTFLAGS=-fvisibility=default)" >&2
	modes="$modes stock"
fi

run() {
	case $1 in
	none) "$BIN" "$ITERS" 20 ;;
	preload) LD_PRELOAD=$PRELOAD "$BIN" "$ITERS" 20 ;;
	libpapi) LD_PRELOAD=$OURS "$BIN" "$ITERS" 20 ;;
	libpapi_on) APPIO_BENCH_EVENT=appio:::READ_CALLS LD_PRELOAD=$OURS "$BIN" "$ITERS" 20 ;;
	stock) LD_PRELOAD=$STOCK "$BIN" "$ITERS" 20 ;;
	esac
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
while [ $i -lt "$ROUNDS" ]; do
	for m in $modes; do run "$m" >>"$tmp/$m"; done
	i=$((i + 1))
done
min() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p; s/^$2=\([0-9.]*\).*/\1/p" "$tmp/$1" | sort -n | head -1; }
echo "appio bench: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-11s %9s %9s %7s %8s   %9s %9s %7s %8s\n' mode read libc_read ratio added fwrite libc_fw ratio added
for m in $modes; do
	r=$(min "$m" read_ns); lr=$(min "$m" libc_read_ns); w=$(min "$m" fwrite_ns); lw=$(min "$m" libc_fwrite_ns)
	echo "$m $r $lr $w $lw" >>"$tmp/summary"
	echo "$m $r $lr $w $lw" | awk '{ printf "%-11s %9.1f %9.1f %6.3fx %+8.1f   %9.1f %9.1f %6.3fx %+8.1f\n", $1, $2, $3, $2/$3, $2-$3, $4, $5, $4/$5, $4-$5 }'
done
echo "(ns per call; ratio and added cost against glibc's own function in the same process)"
if [ -n "$STOCK" ]; then
	awk '{ ar[$1] = $2 - $3; aw[$1] = $4 - $5 }
	     END { for (m in ar) if (m == "preload" || m == "libpapi") {
			rr = ar[m] > 1 ? sprintf("%.0fx", ar["stock"] / ar[m]) : sprintf(">%.0fx (ours within 1 ns)", ar["stock"]);
			rw = aw[m] > 1 ? sprintf("%.0fx", aw["stock"] / aw[m]) : sprintf(">%.0fx (ours within 1 ns)", aw["stock"]);
			printf "stock appio adds %s (read) and %s (fwrite) the cost %s adds\n", rr, rw, m } }' "$tmp/summary"
else
	echo "stock appio: not measured (give a peer libpapi with stock appio: APPIO_STOCK_LIBPAPI=... make bench)"
fi
