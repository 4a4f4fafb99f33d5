#!/bin/sh
# Runs COMMAND where stock PAPI powercap can read a fixture tree: in a
# private mount namespace (root only; nothing changes outside it)
#  - /proc/cpuinfo says GenuineIntel (stock powercap refuses other vendors),
#  - cpu0's core_siblings is narrowed so PAPI counts 2 sockets
#    (sockets = CPUs / (cores per socket * threads), from that mask),
#  - a tmpfs over /sys/class holds only powercap, bound to TREE/class/powercap.
# Stock powercap opens /sys/class/powercap/intel-rapl:S[:C]/ by fixed paths,
# so this is the only way to point it at a tree.
#
# usage: powercap-ns.sh TREE COMMAND [ARG...]
set -eu
tree=${1:?usage: powercap-ns.sh TREE COMMAND [ARG...]}
shift
[ "$(id -u)" = 0 ] || { echo "powercap-ns: needs root (mount namespace with bind mounts)" >&2; exit 1; }
[ -d "$tree/class/powercap" ] || { echo "powercap-ns: $tree/class/powercap missing" >&2; exit 1; }
ncpu=0
while [ -d "/sys/devices/system/cpu/cpu$ncpu" ]; do ncpu=$((ncpu + 1)); done
ts=/sys/devices/system/cpu/cpu0/topology/thread_siblings
threads=$(tr -d ',' <"$ts" | sed 's/^0*//' | { read -r h; n=0; v=$((0x${h:-0})); while [ $v -gt 0 ]; do n=$((n + (v & 1))); v=$((v >> 1)); done; echo $n; })
[ "$threads" -ge 1 ] || threads=1
# core_siblings must hold ncpu/2 CPUs for 2 sockets.
half=$((ncpu / 2))
[ "$half" -ge "$threads" ] || { echo "powercap-ns: $ncpu CPU(s): cannot present 2 sockets" >&2; exit 1; }
mask=$(printf '%x' $(((1 << half) - 1)))
exec unshare --mount --propagation private sh -ec '
	tree=$1 mask=$2; shift 2
	tmp=$(mktemp -d /dev/shm/pvb-pcns.XXXXXX)
	sed "s/^vendor_id.*/vendor_id\t: GenuineIntel/" /proc/cpuinfo >"$tmp/cpuinfo"
	echo "$mask" >"$tmp/core_siblings"
	mount --bind "$tmp/cpuinfo" /proc/cpuinfo
	mount --bind "$tmp/core_siblings" /sys/devices/system/cpu/cpu0/topology/core_siblings
	mount -t tmpfs pvb-class /sys/class
	mkdir /sys/class/powercap
	mount --bind "$tree/class/powercap" /sys/class/powercap
	rm -rf "$tmp"
	exec "$@"
' sh "$tree" "$mask" "$@"
