#!/bin/bash
# make bench: one run, one machine, ours against the stock PAPI components
# (peer libpapi built from the same PAPI source) and against the physical
# floor.  Every measurement lands as raw samples in $PVB_RESULTS; then
# bench/report.sh writes the table (docs/benchmarks.md).
#
# Environment (bench.mk sets it):
#   PV_BUILDDIR PV_SRCDIR     build and source trees
#   PV_PAPI_LIBDIR            dir of our libpapi.so.X.Y (PV_PAPI_SONAME, from papi-version.env)
#   PV_PEER_LIBDIR            dir of the peer libpapi.so.X.Y (stock appio, stealtime, powercap)
#   PVB_BIN                   dir of the bench programs (common_readlat, common_iolat, common_fsfloor)
#   PVB_PARTS                 make targets of component benches (PV_BENCH of the components' .mk)
#   MAKE                      to run those targets
# Knobs:
#   PVB_QUICK=1               small counts (a smoke run, numbers not for publication)
#   PVB_GUESTS="1 2 4 8 16 32 64"   guest counts for the VM parts ("" skips them)
#   PVB_GUEST_MEM_MIB         guest memory (default: the lab's, 192 MiB; 64-128 MiB did not boot reliably)
#   PVB_RUNNING_MAX=16        guests beyond this many are created paused (not booted)
#   PVB_BUDGET_S=780          stop growing the VM parts past this many seconds of run time
#   PVB_ONLY="appio steal rapl_vm vm parts"   sections to run
#   PVB_REPORT=path           where the table goes (default $PV_SRCDIR/docs/benchmarks.md)
set -u

B=${PV_BUILDDIR:?PV_BUILDDIR not set}
SRC=${PV_SRCDIR:?PV_SRCDIR not set}
OURS=${PV_PAPI_LIBDIR:-$B/papi/src}
PEER=${PV_PEER_LIBDIR:-$B/bench-peer/papi/src}
SONAME=${PV_PAPI_SONAME:-$(. "$B/papi-version.env" && echo "$PV_PAPI_SONAME")}
BIN=${PVB_BIN:-$B/bench}
R=${PVB_RESULTS:-$B/bench/results}
QUICK=${PVB_QUICK:-0}
GUESTS=${PVB_GUESTS-1 2 4 8 16 32 64}
ONLY=${PVB_ONLY:-appio steal rapl_vm vm parts}
BUDGET=${PVB_BUDGET_S:-780}
T0=$(date +%s)

rm -rf "$R"
mkdir -p "$R/parts" "$R/tmp"
: >"$R/samples.txt"
: >"$R/kv.txt"
: >"$R/notes.txt"

log() { printf 'bench [%4ds] %s\n' $(($(date +%s) - T0)) "$*" >&2; }
note() { printf '%s|%s\n' "$1" "$2" >>"$R/notes.txt"; log "note: $1: $2"; }
kv() { printf '%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$5" "$6" >>"$R/kv.txt"; }
elapsed() { echo $(($(date +%s) - T0)); }
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
q() { if [ "$QUICK" = 1 ]; then echo "$2"; else echo "$1"; fi; } # q FULL QUICK

# collect BENCH CASE PARAM IMPL UNIT EXPECT_LIB -- CMD...
# Runs CMD (bounded), stores its "S v" lines as samples and "K k v" lines as
# key/values under BENCH|CASE|PARAM|IMPL.  EXPECT_LIB (or "-") must be the
# directory of the libpapi the program reports loading ("L path").
collect() {
	local bench=$1 cas=$2 param=$3 impl=$4 unit=$5 expect=$6 out rc tag a b lib=
	shift 7
	out=$(timeout 300 "$@" 2>"$R/tmp/err")
	rc=$?
	if [ $rc -ne 0 ]; then
		note "$bench" "$cas $param $impl: failed (exit $rc): $(grep -v '^$' "$R/tmp/err" | tail -n 1)"
		return 1
	fi
	while read -r tag a b; do
		case $tag in
		S) printf '%s|%s|%s|%s|%s|%s\n' "$bench" "$cas" "$param" "$impl" "$unit" "$a" >>"$R/samples.txt" ;;
		K) kv "$bench" "$cas" "$param" "$impl" "$a" "$b" ;;
		L) lib=$a ;;
		esac
	done <<<"$out"
	if [ "$expect" != - ] && [ "$(dirname "$(readlink -f "$lib")")" != "$(readlink -f "$expect")" ]; then
		note "$bench" "$cas $param $impl: loaded '$lib', expected a libpapi in $expect; samples discarded"
		sed -i "\#^$bench|$cas|$param|$impl|#d" "$R/samples.txt"
		return 1
	fi
}

# ------------------------------------------------------------------ machine
meta() {
	local commit dirty
	commit=$(git -C "$SRC" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
	dirty=$(git -C "$SRC" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (uncommitted changes)")
	{
		echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "commit=$commit$dirty"
		echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
		echo "nproc=$(nproc)"
		echo "mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
		echo "kernel=$(uname -sr)"
		echo "os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
		echo "virt=$(systemd-detect-virt 2>/dev/null || (grep -q hypervisor /proc/cpuinfo && echo 'a VM (hypervisor flag)') || echo none)"
		echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "papi=$(sed -n 's/^PAPI_VERSION *= *//p' "$OURS/Makefile" 2>/dev/null | head -n 1)"
		echo "gcc=$(gcc -dumpfullversion 2>/dev/null)"
		echo "quick=$QUICK"
	} >"$R/meta.txt"
}

# ------------------------------------------------------------------ appio
appio_section() {
	local rounds iters batches r op t impl pre prog ourlib=$OURS/$SONAME
	local preload=$B/utils/libpapi_appio_preload.so impls="none ours stock"
	[ -x "$BIN/common_iolat" ] || { note appio "common_iolat not built"; return; }
	[ -x "$BIN/common_iolat_stockappio" ] || { note appio "common_iolat_stockappio not built: stock appio not measured"; impls="none ours"; }
	[ -e "$preload" ] && impls="$impls preload"
	rounds=$(q 3 1) iters=$(q 40000 4000) batches=$(q 5 3)
	log "appio: ${rounds} rounds x {read64,pwrite4k,fwrite64} x {1,2,4,8} threads x {$impls}"
	for ((r = 0; r < rounds; r++)); do
		for op in read64 pwrite4k fwrite64; do
			for t in 1 2 4 8; do
				for impl in $impls; do
					appio_impl "$impl"
					collect appio "$op" "t$t" "$impl" ns - -- \
						env ${pre:+LD_PRELOAD=$pre} PVB_TMPDIR=/dev/shm "$prog" "$op" "$t" $((iters / t)) "$batches"
				done
			done
		done
	done
	appio_callgrind "$impls"
}

# Sets pre (library to preload) and prog (program) for an appio variant.
# Stock appio: the program linked with the peer's libpapi.a, no preload.
appio_impl() {
	pre= prog=$BIN/common_iolat
	case $1 in
	ours) pre=$OURS/$SONAME ;;
	stock) prog=$BIN/common_iolat_stockappio ;;
	preload) pre=$B/utils/libpapi_appio_preload.so ;;
	esac
}

# Instructions added per call, from callgrind: user-space instructions of N
# and 2N calls, differenced (start-up cancels).  Kernel time is not counted:
# this is the interposer's own cost, free of machine noise.
appio_callgrind() {
	local impls=$1 impl pre prog op n=$(q 2000 1000) ir1 ir2
	command -v valgrind >/dev/null || { note appio "valgrind missing: no instruction counts"; return; }
	for op in read64 pwrite4k fwrite64; do
		for impl in $impls; do
			appio_impl "$impl"
			ir1=$(callgrind_ir "$pre" "$prog" "$op" "$n") && ir2=$(callgrind_ir "$pre" "$prog" "$op" $((2 * n))) || {
				note appio "callgrind $op $impl failed"
				continue
			}
			printf 'appio|%s|callgrind|%s|instr|%s\n' "$op" "$impl" \
				"$(awk -v a="$ir1" -v b="$ir2" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n }')" >>"$R/samples.txt"
		done
	done
}

callgrind_ir() { # preload program op n -> total Ir
	local f=$R/tmp/cg.out
	rm -f "$f"
	timeout 120 env ${1:+LD_PRELOAD=$1} valgrind --tool=callgrind --callgrind-out-file="$f" \
		"$2" "$3" 1 "$4" 1 >/dev/null 2>"$R/tmp/cg.err" || return 1
	sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$f" | head -n 1
}

# ------------------------------------------------------------------ steal
steal_section() {
	local rounds r b=$(q 20 5) n=$(q 200 50)
	rounds=$(q 5 2)
	log "steal: PAPI_read of system steal, ours vs stock stealtime, $rounds rounds"
	for ((r = 0; r < rounds; r++)); do
		collect steal system_steal - ours ns "$OURS" -- \
			env LD_LIBRARY_PATH="$OURS" "$BIN/common_readlat" -b "$b" -n "$n" steal:::STEAL_NS
		# The same with steal's 1 ms snapshot cache off: every PAPI_read
		# re-reads /proc/stat, as it does at any sampling interval > 1 ms.
		collect steal system_steal - ours_nocache ns "$OURS" -- \
			env PAPI_VIRT_STEAL_CACHE_US=0 LD_LIBRARY_PATH="$OURS" "$BIN/common_readlat" -b "$b" -n "$n" steal:::STEAL_NS
		collect steal system_steal - stock ns "$PEER" -- \
			env LD_LIBRARY_PATH="$PEER" "$BIN/common_readlat" -b "$b" -n "$n" stealtime:::TOTAL
		collect steal system_steal - floor_openread ns - -- "$BIN/common_fsfloor" openread "$b" "$n" /proc/stat
		collect steal system_steal - floor_pread ns - -- "$BIN/common_fsfloor" pread "$b" "$n" /proc/stat
	done
}

# ------------------------------------------------------------------ rapl_vm
rapl_section() {
	local tree=$B/bench/fixture-2pkg rounds r b=$(q 20 5) n=$(q 500 50) ours_ev=() stock_ev=() files=() p
	sh "$SRC/bench/peer/powercap-tree.sh" "$tree" || { note rapl_vm "cannot write the fixture tree"; return; }
	for p in 0 1; do
		ours_ev+=("rapl_vm:::PACKAGE_ENERGY_UJ:pkg=$p" "rapl_vm:::CORE_ENERGY_UJ:pkg=$p" "rapl_vm:::DRAM_ENERGY_UJ:pkg=$p")
		stock_ev+=("powercap:::ENERGY_UJ:ZONE$p" "powercap:::ENERGY_UJ:ZONE${p}_SUBZONE0" "powercap:::ENERGY_UJ:ZONE${p}_SUBZONE1")
		files+=("$tree/class/powercap/intel-rapl:$p/energy_uj" "$tree/class/powercap/intel-rapl:$p:0/energy_uj" "$tree/class/powercap/intel-rapl:$p:1/energy_uj")
	done
	rounds=$(q 5 2)
	log "rapl_vm: PAPI_read of 6 energy events on a 2-package fixture tree, $rounds rounds"
	local stock_ok=1
	if [ "$(id -u)" != 0 ]; then
		note rapl_vm "stock powercap not measured: pointing it at a fixture tree needs a root mount namespace"
		stock_ok=0
	fi
	for ((r = 0; r < rounds; r++)); do
		collect rapl_vm energy6 - ours ns "$OURS" -- \
			env PAPI_VIRT_SYSFS="$tree" LD_LIBRARY_PATH="$OURS" "$BIN/common_readlat" -b "$b" -n "$n" "${ours_ev[@]}"
		if [ $stock_ok = 1 ]; then
			collect rapl_vm energy6 - stock ns "$PEER" -- \
				env LD_LIBRARY_PATH="$PEER" sh "$SRC/bench/peer/powercap-ns.sh" "$tree" \
				"$BIN/common_readlat" -b "$b" -n "$n" "${stock_ev[@]}" || stock_ok=0
		fi
		collect rapl_vm energy6 - floor_openread ns - -- "$BIN/common_fsfloor" openread "$b" "$n" "${files[@]}"
		collect rapl_vm energy6 - floor_pread ns - -- "$BIN/common_fsfloor" pread "$b" "$n" "${files[@]}"
	done
}

# ------------------------------------------------------------------ VMs
vm_rss_kib() { # sum of VmRSS of the lab's QEMU processes
	local u pid sum=0 k
	while IFS= read -r u; do
		pid=$(lab_qemu_pid "$LAB_STATE" "$u") || continue
		k=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		sum=$((sum + ${k:-0}))
	done < <(lab_uuids "$LAB_STATE")
	echo "$sum"
}

guest_name() { printf 'pvb-%03d' "$1"; }

# Creates guests [from, to) PAUSED (QEMU process and vCPU threads exist, the
# guest never boots): no boot CPU, ~no guest memory touched.  Used above
# PVB_RUNNING_MAX guests, where booting dozens of TCG guests at once on a
# loaded 2-core host fails or blows the time budget.  Registered in the lab's
# state dir, so lab_cleanup destroys them like the others.
vm_create_paused() {
	local from=$1 to=$2 i idx uuid name pids=() rc=0
	for ((i = from; i < to; i++)); do
		idx=$(lab_next_index "$LAB_STATE") || return 1
		uuid=$(cat /proc/sys/kernel/random/uuid)
		name=$(guest_name "$i")
		printf '%s\n' "$name" >"$LAB_STATE/guests/$idx.name"
		echo "$uuid" >"$LAB_STATE/guests/$idx.uuid"
		lab_domain_xml "$LAB_STATE" "$idx" "$name" "$uuid" "console=ttyS0 quiet panic=-1 work=idle" >"$LAB_STATE/guests/$idx.xml"
		timeout 120 virsh -q -c "$LAB_URI" create --paused "$LAB_STATE/guests/$idx.xml" >/dev/null 2>"$LAB_STATE/guests/$idx.err" &
		pids+=($!)
		if [ ${#pids[@]} -ge 8 ]; then
			wait "${pids[@]}" || rc=1
			pids=()
		fi
	done
	[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}" || rc=1
	return $rc
}

steal_host_level() { # N
	local N=$1 i ev=() b=$(q 15 4) n
	n=$((2000 / N)); [ $n -ge 5 ] || n=5
	[ "$QUICK" = 1 ] && n=$((n / 4 + 2))
	for ((i = 0; i < N; i++)); do
		ev+=("steal:::VCPU_RUN_NS:vm=$(guest_name $i):vcpu=0" "steal:::VCPU_STEAL_NS:vm=$(guest_name $i):vcpu=0"
			"steal:::VCPU_HALT_NS:vm=$(guest_name $i):vcpu=0")
	done
	collect steal host_vcpu3 "$N" ours ns "$OURS" -- \
		env LD_LIBRARY_PATH="$OURS" "$BIN/common_readlat" -b "$b" -n "$n" -s 20 "${ev[@]}"
}

vmpower_level() { # N
	local N=$1 i ev=() b=$(q 15 4) n
	n=$((2000 / N)); [ $n -ge 5 ] || n=5
	[ "$QUICK" = 1 ] && n=$((n / 4 + 2))
	for ((i = 0; i < N; i++)); do
		ev+=("vmpower:::VM_CPU_TIME_NS:vm=$(guest_name $i)" "vmpower:::VM_ENERGY_UJ:vm=$(guest_name $i)")
	done
	collect vmpower read_2ev_per_vm "$N" ours ns "$OURS" -- \
		env PAPI_VIRT_POWER_MODEL="$VMP_MODEL" LD_LIBRARY_PATH="$OURS" "$BIN/common_readlat" -b "$b" -n "$n" -s 20 "${ev[@]}"
	[ "$N" = "$VMP_RPC_AT" ] && vmpower_rpc_check "$N" "${ev[@]}"
}

# Syscalls on sockets (libvirt RPC) between the PVB_BEGIN/PVB_END markers:
# by the thread calling PAPI_read (the goal: none) and by other threads.
vmpower_rpc_check() {
	local N=$1 f=$R/tmp/strace.txt
	shift
	command -v strace >/dev/null || { note vmpower "strace missing: libvirt RPC on the read path not checked"; return; }
	rm -f "$f"
	if ! timeout 120 strace -f -qq -yy -o "$f" -e trace=read,write,readv,writev,sendmsg,recvmsg,sendto,recvfrom,poll,ppoll \
		env PVB_MARKERS=1 PAPI_VIRT_POWER_MODEL="$VMP_MODEL" LD_LIBRARY_PATH="$OURS" \
		"$BIN/common_readlat" -b 2 -n 25 -w 5 "$@" >/dev/null 2>"$R/tmp/err"; then
		note vmpower "strace run for the RPC check failed: $(tail -n 1 "$R/tmp/err")"
		return
	fi
	awk -v N="$N" '
		/PVB_BEGIN/ { on = 1; tid = $1; next }
		/PVB_END/ { on = 0; next }
		on && /(UNIX|socket:)/ { if ($1 == tid) mine++; else other++ }
		END { printf "vmpower|rpc_check|%s|ours|reader_socket_syscalls|%d\n", N, mine + 0
		      printf "vmpower|rpc_check|%s|ours|other_thread_socket_syscalls|%d\n", N, other + 0
		      printf "vmpower|rpc_check|%s|ours|reads|50\n", N }' "$f" >>"$R/kv.txt"
}

vm_section() {
	local max=0 N have=0 t1 i specs need avail per_guest paused_from=-1
	RUNNING_MAX=${PVB_RUNNING_MAX:-16}
	for N in $GUESTS; do [ "$N" -gt $max ] && max=$N; done
	[ $max -gt 0 ] || { note vm "no guest counts given (PVB_GUESTS empty): VM parts skipped"; return; }
	command -v libvirtd >/dev/null && command -v virsh >/dev/null || {
		note vm "libvirtd/virsh missing: VM parts skipped"
		return
	}
	# shellcheck source=ctests/vmlab/lab-lib.sh
	. "$SRC/ctests/vmlab/lab-lib.sh" || { note vm "cannot load ctests/vmlab/lab-lib.sh"; return; }
	# The lab's own guest size unless told otherwise: 64, 96 and 128 MiB
	# guests did not boot reliably (kernel panics while unpacking).
	LAB_MEM_MIB=${PVB_GUEST_MEM_MIB:-$LAB_MEM_MIB}
	export PV_VMLAB_BOOT_TIMEOUT=${PV_VMLAB_BOOT_TIMEOUT:-300} PV_VMLAB_QUIET=1 PV_BUILDDIR=$B
	VMP_MODEL=${PVB_POWER_MODEL:-idle=40,max=120}
	VMP_RPC_AT=${PVB_RPC_AT:-8}
	trap 'lab_cleanup; exit 130' INT
	trap 'lab_cleanup; exit 143' TERM
	for N in $GUESTS; do
		# Memory guard: ~2x the measured RSS per guest (or 200 MiB before any).
		avail=$(awk '/^MemAvailable/ { print $2 }' /proc/meminfo)
		per_guest=204800
		[ $have -gt 0 ] && per_guest=$(($(vm_rss_kib) * 2 / have))
		need=$(((N - have) * per_guest + 2097152))
		if [ "$avail" -lt "$need" ]; then
			note vm "stopped before $N guests: $((avail / 1024)) MiB available, ~$((need / 1024)) MiB needed"
			break
		fi
		if [ "$(elapsed)" -gt "$BUDGET" ]; then
			note vm "stopped before $N guests: time budget (${BUDGET} s) used up"
			break
		fi
		specs=()
		for ((i = have; i < N; i++)); do specs+=("$(guest_name $i):idle"); done
		t1=$(date +%s)
		log "vm: starting guests $have..$((N - 1)) (${LAB_MEM_MIB} MiB each)"
		if [ $have -eq 0 ]; then
			lab_start "${specs[@]}" || { note vm "lab could not start $N guest(s)"; lab_cleanup; return; }
			trap 'lab_cleanup' EXIT
		elif [ "$N" -le "$RUNNING_MAX" ]; then
			lab_start_guests "$LAB_STATE" "${specs[@]}" || { note vm "lab could not grow to $N guests"; break; }
		else
			[ "$paused_from" -ge 0 ] || paused_from=$have
			vm_create_paused "$have" "$N" || { note vm "could not create paused guests $have..$((N - 1))"; break; }
		fi
		have=$N
		kv vm lab "$N" lab boot_s "$(($(date +%s) - t1))"
		sleep 2 # let the boot burst settle
		kv vm lab "$N" lab guest_rss_kib "$(($(vm_rss_kib) / N))"
		kv vm lab "$N" lab load1 "$(cut -d' ' -f1 /proc/loadavg)"
		kv vm lab "$N" lab running "$((paused_from >= 0 ? paused_from : N))"
		[ "$N" -le 32 ] && want steal && steal_host_level "$N"
		case " 1 8 32 64 " in *" $N "*) want vmpower_vm && vmpower_level "$N" ;; esac
	done
	log "vm: tearing down $have guest(s)"
	lab_cleanup
	trap - EXIT INT TERM
}

# ------------------------------------------------------------------ component benches
parts_section() {
	local t
	for t in ${PVB_PARTS:-}; do
		log "component bench: make $t"
		# -o papi: libpapi was built before the run; a source change landing
		# mid-run must not rebuild it under the benches.
		if ! timeout 600 ${MAKE:-make} --no-print-directory -o papi -o papi-overlay -C "$B" "$t" >"$R/parts/$t.log" 2>&1; then
			note parts "make $t failed, see its output below"
		fi
	done
}

meta
case " $ONLY " in *" vm "*) ONLY="$ONLY vmpower_vm" ;; esac
want appio && appio_section
want steal && steal_section
want rapl_vm && rapl_section
want vm && vm_section
want parts && parts_section
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$R/meta.txt"
echo "duration_s=$(elapsed)" >>"$R/meta.txt"
log "measurements done; writing the report"
sh "$SRC/bench/report.sh" "$R" "${PVB_REPORT:-$SRC/docs/benchmarks.md}"
