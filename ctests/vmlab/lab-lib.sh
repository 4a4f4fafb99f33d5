# shellcheck shell=bash
# Helper for lab tests (bash).  Source it, then:
#
#   lab_start SPEC...          prepare + private daemon + guests; sets PAPI_VIRT_URI,
#                              LAB_STATE, LAB_URI and traps EXIT INT TERM to tear
#                              everything down (also when the test fails).
#                              SPEC = NAME:WORK[:DUTY[:PERIOD_MS]], NAME any characters
#                              but '/' and newline (split from the right). A leading
#                              count ("lab_start 2 a:busy b:idle") is accepted.
#   lab_cleanup                tears down now (idempotent); call it from your own
#                              EXIT trap if you replace the lab's.
#   lab_virsh ARGS...          virsh on the lab daemon, bounded by 30 s
#   lab_uuid NAME              UUID of a lab guest
#   lab_pid NAME               its QEMU pid
#   lab_vcpu_tid NAME [N]      host tid of vCPU N (default 0) from libvirt's status XML
#   lab_destroy NAME           virsh destroy (by UUID)
#   lab_restart_daemon         TERM the daemon, start a new one on the same state
#                              (guests keep running; libvirt re-attaches to them)
#   lab_cgroup2_dir NAME       the VM's cgroup v2 directory on the host
#
# Tests get PV_SRCDIR/PV_BUILDDIR from the runner; by hand they may be unset.

LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ctests/vmlab/lab-core.sh
. "$LAB_LIB_DIR/lab-core.sh"

LAB_STATE=
LAB_URI=

lab_cleanup() {
	local s=$LAB_STATE
	[ -n "$s" ] || return 0
	LAB_STATE=
	lab_stop_state "$s" || true
}

lab_start() {
	if [ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]] && [ $# -eq $(($1 + 1)) ]; then
		shift
	fi
	[ $# -ge 1 ] || { lab_err "lab_start: no guest spec"; return 1; }
	[ -z "$LAB_STATE" ] || { lab_err "lab_start: a lab already runs ($LAB_STATE)"; return 1; }
	# Short path: the daemon's socket path must fit in sun_path (108 bytes).
	LAB_STATE=$(mktemp -d "${PV_VMLAB_RUNDIR:-/var/tmp}/pvlab.XXXXXX") || return
	touch "$LAB_STATE/$LAB_MARK"
	trap lab_cleanup EXIT
	trap 'lab_cleanup; trap - INT; kill -INT $$' INT
	trap 'lab_cleanup; exit 143' TERM
	lab_prepare || return
	lab_start_daemon "$LAB_STATE" || return
	LAB_URI=$(lab_uri "$LAB_STATE")
	PAPI_VIRT_URI=$LAB_URI
	export PAPI_VIRT_URI
	lab_start_guests "$LAB_STATE" "$@"
}

lab_virsh() { timeout 30 virsh -q -c "$LAB_URI" "$@"; }

# Index of the newest guest named $1 in the state dir.
lab_index() {
	local f n i best=-1
	for f in "$LAB_STATE"/guests/*.name; do
		[ -e "$f" ] || continue
		n=$(cat "$f")
		[ "$n" = "$1" ] || continue
		i=${f##*/}
		i=${i%.name}
		[ "$i" -gt "$best" ] && best=$i
	done
	[ "$best" -ge 0 ] || { lab_err "no lab guest named '$1'"; return 1; }
	echo "$best"
}

lab_uuid() {
	local i
	i=$(lab_index "$1") && cat "$LAB_STATE/guests/$i.uuid"
}

lab_pid() {
	local u
	u=$(lab_uuid "$1") && lab_qemu_pid "$LAB_STATE" "$u"
}

lab_vcpu_tid() {
	local name=$1 n=${2:-0} f tid
	f="$LAB_STATE/run/qemu/$name.xml"
	[ -r "$f" ] || { lab_err "no status XML for '$name'"; return 1; }
	tid=$(sed -n "s/.*<vcpu id='$n' pid='\([0-9]*\)'.*/\1/p" "$f" | head -n 1)
	[ -n "$tid" ] || { lab_err "no vcpu $n pid in $f"; return 1; }
	echo "$tid"
}

lab_destroy() {
	local u
	u=$(lab_uuid "$1") && lab_virsh destroy "$u" >/dev/null
}

lab_restart_daemon() {
	local pid
	pid=$(lab_daemon_pid "$LAB_STATE") || { lab_err "no lab daemon to restart"; return 1; }
	kill -TERM "$pid"
	lab_wait_gone "$pid" 150 || { lab_err "libvirtd $pid ignored TERM"; return 1; }
	lab_start_daemon "$LAB_STATE"
}

lab_cgroup2_dir() {
	local pid path mnt
	pid=$(lab_pid "$1") || return
	path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	path=${path%/emulator}
	mnt=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
	[ -n "$mnt" ] && [ -d "$mnt$path" ] || { lab_err "no cgroup v2 dir for '$1'"; return 1; }
	echo "$mnt$path"
}
