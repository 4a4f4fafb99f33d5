#!/bin/sh
# The monitor part of the README main-job command (called by run-demo.sh):
#   demo-vmpower.sh BUILD_DIR
# Runs papi_vmpower for a bounded time (PV_DEMO_COUNT samples, default 10, one
# per second) on the host's own running VMs (libvirt at PAPI_VIRT_URI, else
# LIBVIRT_DEFAULT_URI, else qemu:///system).  When the host runs none, it
# starts the project's VM lab (ctests/vmlab: a private libvirtd and three
# tiny guests: busy, half, idle), monitors it, and tears it down on exit,
# also on Ctrl-C or an error.  Without RAPL and without PAPI_VIRT_POWER_MODEL
# it sets the documented default model (idle=20,max=60: watts of a small
# 2-core host at idle and at full load), and every energy value is then
# labelled "estimated".
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

B=${1:?usage: demo-vmpower.sh BUILD_DIR}
B=$(cd "$B" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
export LD_LIBRARY_PATH="$B/papi/src${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mon="$B/utils/papi_vmpower"
count=${PV_DEMO_COUNT:-10}
DEFAULT_MODEL="idle=20,max=60"

say() { printf 'demo: %s\n' "$*"; }

uri=${PAPI_VIRT_URI:-${LIBVIRT_DEFAULT_URI:-qemu:///system}}
host_vms=
if command -v virsh >/dev/null; then
	host_vms=$(timeout 15 virsh -q -r -c "$uri" list --name --state-running 2>/dev/null | sed '/^$/d')
fi

if [ -z "${PAPI_VIRT_POWER_MODEL:-}" ] &&
	! ls /sys/class/powercap/intel-rapl:0/energy_uj >/dev/null 2>&1 &&
	! [ -e /sys/bus/event_source/devices/power ]; then
	export PAPI_VIRT_POWER_MODEL=$DEFAULT_MODEL
	say "no RAPL on this host: energy is ESTIMATED with PAPI_VIRT_POWER_MODEL=$PAPI_VIRT_POWER_MODEL (idle W, full-load W)"
fi

if [ -n "$host_vms" ]; then
	say "monitoring this host's running VMs at $uri: $(echo "$host_vms" | tr '\n' ' ')"
	export PAPI_VIRT_URI=$uri
	exec "$mon" --count "$count"
fi

say "no running VM at $uri: starting the project's VM lab (3 guests: busy, half, idle)"
export PV_BUILDDIR=$B
# shellcheck source=ctests/vmlab/lab-lib.sh
. "$top/ctests/vmlab/lab-lib.sh"
# lab_start traps EXIT, INT and TERM to tear the lab down.
if ! lab_start busy:busy half:half idle:idle; then
	say "the VM lab did not start (see the vmlab lines above)"
	exit 1
fi
say "lab ready at $PAPI_VIRT_URI; papi_vmpower --count $count"
"$mon" --count "$count"
rc=$?
lab_cleanup
exit $rc
