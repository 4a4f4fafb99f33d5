# /pvlab-share.sh of the lab's share initramfs (lab-share.sh), sourced by
# /init (guest-init.sh) before the workload starts.  Kernel command line:
#   pvshare=TAG    load virtio/fuse/virtiofs, mount virtiofs TAG read-only at
#                  /mnt/vmpower, and check that the host refuses writes
#   pvrapl=MS      run guest_rapl_read -p MS in the background (PAPI readings)
#   pvcheck=1      run papi_vmguest, then PAPI's papi_command_line on
#                  rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0, once the exported zone is
#                  there and moves
# Marker lines on ttyS0:
#   PVLAB share mounted TAG | PVLAB error ...
#   PVLAB share write refused (host read-only) | PVLAB share WRITABLE
#   PVRAPL ... (guest_rapl_read), PVCHECK ... (papi_vmguest), PVCHECK exit N,
#   PVCMD ... (papi_command_line), PVCMD exit N

pvshare= pvrapl= pvcheck=
for arg in $cmdline; do
	case "$arg" in
	pvshare=*) pvshare=${arg#pvshare=} ;;
	pvrapl=*) pvrapl=${arg#pvrapl=} ;;
	pvcheck=*) pvcheck=${arg#pvcheck=} ;;
	esac
done
LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
PAPI_VIRT_SYSFS=/mnt/vmpower
export LD_LIBRARY_PATH PAPI_VIRT_SYSFS

if [ -n "$pvshare" ]; then
	read -r mods </lib/modules/order
	for m in $mods; do
		insmod "/lib/modules/$m.ko" || echo "PVLAB error insmod $m failed"
	done
	if mount -t virtiofs -o ro "$pvshare" /mnt/vmpower; then
		echo "PVLAB share mounted $pvshare"
		# A guest's root can remount read-write: the host must refuse anyway.
		mount -o remount,rw /mnt/vmpower 2>/dev/null
		if (echo 0 >/mnt/vmpower/.pvlab-write-probe) 2>/dev/null; then
			echo "PVLAB share WRITABLE"
		else
			echo "PVLAB share write refused (host read-only)"
		fi
		mount -o remount,ro /mnt/vmpower
	else
		echo "PVLAB error mount -t virtiofs $pvshare /mnt/vmpower failed"
	fi
fi
if [ -n "$pvrapl" ]; then
	/bin/guest_rapl_read -p "$pvrapl" &
fi
if [ -n "$pvcheck" ]; then
	(
		# Once the host exporter runs: the zone exists and its value moves.
		z=/mnt/vmpower/class/powercap/intel-rapl:0/energy_uj
		i=0 first=
		while [ $i -lt 300 ]; do
			v=
			[ -e $z ] && read -r v <$z
			[ -z "$first" ] && first=$v
			[ -n "$v" ] && [ "$v" != "$first" ] && break
			sleep 0.2
			i=$((i + 1))
		done
		/bin/papi_vmguest >/tmp/pvcheck.out 2>&1
		rc=$?
		while read -r line; do echo "PVCHECK $line"; done </tmp/pvcheck.out
		echo "PVCHECK exit $rc"
		# PAPI's own tool, unmodified, on the same event.
		/bin/papi_command_line rapl_vm:::PACKAGE_ENERGY_UJ:pkg=0 >/tmp/pvcmd.out 2>&1
		rc=$?
		while read -r line; do [ -n "$line" ] && echo "PVCMD $line"; done </tmp/pvcmd.out
		echo "PVCMD exit $rc"
	) &
fi
