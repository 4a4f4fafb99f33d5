#!/bin/sh
# Writes a 2-package Intel powercap tree (the layout of
# /sys/class/powercap on a 2-socket Intel server without psys) under
# DEST/class/powercap, for the rapl_vm benchmark: our rapl_vm reads it
# through PAPI_VIRT_SYSFS=DEST, stock powercap through a bind mount over
# /sys/class/powercap (powercap-ns.sh).  Zones: intel-rapl:P (package-P)
# with subzones intel-rapl:P:0 (core) and intel-rapl:P:1 (dram).
#
# usage: powercap-tree.sh DEST
set -eu
dest=${1:?usage: powercap-tree.sh DEST}
pc=$dest/class/powercap
rm -rf "$dest"
mkdir -p "$pc/intel-rapl"
echo 1 >"$pc/intel-rapl/enabled"
zone() { # dir name energy
	mkdir -p "$1"
	echo "$2" >"$1/name"
	echo "$3" >"$1/energy_uj"
	echo 262143328850 >"$1/max_energy_range_uj"
	echo 1 >"$1/enabled"
	echo long_term >"$1/constraint_0_name"
	echo 150000000 >"$1/constraint_0_power_limit_uw"
	echo 999424 >"$1/constraint_0_time_window_us"
	echo 150000000 >"$1/constraint_0_max_power_uw"
}
for p in 0 1; do
	zone "$pc/intel-rapl:$p" "package-$p" $((123456789 + p * 1000))
	echo short_term >"$pc/intel-rapl:$p/constraint_1_name"
	echo 180000000 >"$pc/intel-rapl:$p/constraint_1_power_limit_uw"
	echo 2440 >"$pc/intel-rapl:$p/constraint_1_time_window_us"
	echo 180000000 >"$pc/intel-rapl:$p/constraint_1_max_power_uw"
	zone "$pc/intel-rapl:$p:0" core $((23456789 + p * 1000))
	zone "$pc/intel-rapl:$p:1" dram $((3456789 + p * 1000))
done
