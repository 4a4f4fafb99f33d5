#!/bin/bash
# The papi-virt VM lab: a private root libvirtd and tiny TCG guests.
# Recipe and traps: /work/shared/notes/vmlab.md; usage: ctests/vmlab/README.md.
#
#   lab.sh prepare                         kernel + initramfs into the cache
#   lab.sh start-daemon STATE_DIR          private libvirtd (own mount namespace)
#   lab.sh start-guests STATE_DIR SPEC...  SPEC = NAME:WORK[:DUTY[:PERIOD_MS]]
#   lab.sh stop STATE_DIR                  destroy guests, stop daemon, remove STATE_DIR
#   lab.sh env STATE_DIR                   prints export PAPI_VIRT_URI=...
#   lab.sh uri STATE_DIR                   prints the URI alone
#
# Environment: PV_VMLAB_CACHE (cache dir; default $PV_BUILDDIR/vmlab-cache, else
# /var/tmp/papi-virt-vmlab), PV_VMLAB_BOOT_TIMEOUT (s, default 90),
# PV_VMLAB_QUIET=1 (no progress lines on stderr).
set -eu

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ctests/vmlab/lab-core.sh
. "$LAB_DIR/lab-core.sh"

usage() {
	sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
prepare)
	[ $# -eq 0 ] || usage
	lab_prepare
	;;
start-daemon)
	[ $# -eq 1 ] || usage
	lab_start_daemon "$1"
	;;
start-guests)
	[ $# -ge 2 ] || usage
	lab_start_guests "$@"
	;;
stop)
	[ $# -eq 1 ] || usage
	lab_stop_state "$1"
	;;
env)
	[ $# -eq 1 ] || usage
	printf 'export PAPI_VIRT_URI=%q\n' "$(lab_uri "$1")"
	;;
uri)
	[ $# -eq 1 ] || usage
	lab_uri "$1"
	;;
-h | --help | help) usage ;;
*) usage ;;
esac
