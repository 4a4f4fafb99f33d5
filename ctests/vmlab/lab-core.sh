# shellcheck shell=bash
# The lab's functions, shared by lab.sh (command line) and lab-lib.sh (tests).
# bash only.  Functions return non-zero with one "vmlab: ..." line on stderr;
# they never exit the caller.  Every wait is bounded in count and time, and
# only processes this lab started (checked against the state dir) are ended,
# by PID.

LAB_CORE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_MARK=.papi-virt-vmlab           # marks a directory as a lab state dir
LAB_MEM_MIB=192
# shellcheck source=ctests/vmlab/lab-share.sh
. "$LAB_CORE_DIR/lab-share.sh"

lab_log() { [ "${PV_VMLAB_QUIET:-0}" = 1 ] || printf 'vmlab: %s\n' "$*" >&2; }
lab_err() { printf 'vmlab: error: %s\n' "$*" >&2; return 1; }

lab_now_ms() { local s ns; read -r s ns < <(date '+%s %N'); echo $((s * 1000 + 10#$ns / 1000000)); }

lab_cache_dir() {
	if [ -n "${PV_VMLAB_CACHE:-}" ]; then
		echo "$PV_VMLAB_CACHE"
	elif [ -n "${PV_BUILDDIR:-}" ]; then
		echo "$PV_BUILDDIR/vmlab-cache"
	else
		echo /var/tmp/papi-virt-vmlab
	fi
}

# ---------------------------------------------------------------- prepare

# The current Debian cloud kernel package name, empty when apt knows none.
lab_kernel_pkg() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/.*Depends: \(linux-image-[^ ]*-cloud-amd64\).*/\1/p' | head -n 1
}

# Fetches the kernel into $cache/kernels/<pkg>/vmlinuz; $cache/vmlinuz points
# at it.  Offline (no apt answer) a cached kernel is used.
lab_prepare_kernel() {
	local cache=$1 pkg tmp deb vmlinuz
	pkg=$(lab_kernel_pkg)
	if [ -z "$pkg" ]; then
		[ -e "$cache/vmlinuz" ] || lab_err "apt-cache knows no linux-image-*-cloud-amd64 and no kernel is cached in $cache" || return
		lab_log "apt gives no cloud kernel package; using cached $(readlink "$cache/vmlinuz")"
		return 0
	fi
	if [ ! -s "$cache/kernels/$pkg/vmlinuz" ]; then
		lab_log "downloading $pkg"
		tmp=$(mktemp -d "$cache/tmp.XXXXXX") || return
		if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>"$tmp/apt.err"); then
			cat "$tmp/apt.err" >&2
			rm -rf "$tmp"
			[ -e "$cache/vmlinuz" ] && { lab_log "download failed; using cached kernel"; return 0; }
			lab_err "apt-get download $pkg failed" || return
		fi
		deb=$(ls "$tmp"/*.deb) && dpkg -x "$deb" "$tmp/x" || { rm -rf "$tmp"; lab_err "dpkg -x of $pkg failed"; return 1; }
		vmlinuz=$(ls "$tmp"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
		[ -n "$vmlinuz" ] || { rm -rf "$tmp"; lab_err "$pkg has no /boot/vmlinuz-*"; return 1; }
		mkdir -p "$cache/kernels/$pkg"
		cp "$vmlinuz" "$cache/kernels/$pkg/vmlinuz.tmp" && mv "$cache/kernels/$pkg/vmlinuz.tmp" "$cache/kernels/$pkg/vmlinuz"
		# Share guests (lab-share.sh) need modules of this very package.
		lab_share_keep_modules "$tmp/x" "$cache/kernels/$pkg" || lab_log "no share modules kept for $pkg"
		rm -rf "$tmp"
	fi
	ln -sfn "kernels/$pkg/vmlinuz" "$cache/vmlinuz"
}

# The guests' root: busybox with the applets given, /init, console devices.
# Shared by the plain initramfs and the share one (lab-share.sh).
lab_initramfs_root() {
	local root=$1 a
	shift
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" || return
	cp /bin/busybox "$root/bin/busybox" || return
	for a in "$@"; do ln -s busybox "$root/bin/$a"; done
	cp "$LAB_CORE_DIR/guest-init.sh" "$root/init" && chmod 755 "$root/init" || return
	mknod "$root/dev/console" c 5 1 && mknod "$root/dev/ttyS0" c 4 64 || { lab_err "mknod failed (not root?)"; return 1; }
}

# cpio (newc, sorted) | gzip -LEVEL of a root into OUT.
lab_initramfs_pack() {
	local root=$1 out=$2 level=$3
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip "-$level" >"$out") ||
		{ lab_err "cpio of the initramfs $root failed"; return 1; }
}

# Builds the busybox initramfs; rebuilt only when /init or busybox change.
lab_prepare_initramfs() {
	local cache=$1 bb=/bin/busybox init=$LAB_CORE_DIR/guest-init.sh key name tmp
	[ -x "$bb" ] || lab_err "$bb missing (apt-get install busybox-static)" || return
	if command -v file >/dev/null && ! file -b "$bb" | grep -q 'statically linked'; then
		lab_err "$bb is not statically linked (install busybox-static)" || return
	fi
	key=$(cat "$init" "$bb" | sha256sum | cut -c1-16)
	name=initramfs-$key.cpio.gz
	if [ ! -s "$cache/$name" ]; then
		lab_log "building $name"
		tmp=$(mktemp -d "$cache/tmp.XXXXXX") || return
		if ! lab_initramfs_root "$tmp/root" sh mount mkfifo cat sleep ls || ! lab_initramfs_pack "$tmp/root" "$tmp/out" 9; then
			rm -rf "$tmp"
			return 1
		fi
		mv "$tmp/out" "$cache/$name"
		rm -rf "$tmp"
	fi
	ln -sfn "$name" "$cache/initramfs.cpio.gz"
}

lab_prepare() {
	local cache rc=0
	cache=$(lab_cache_dir)
	mkdir -p "$cache" || return
	command -v flock >/dev/null || lab_err "flock missing" || return
	# Several labs may prepare at once (parallel test runs): one at a time.
	exec {lockfd}>"$cache/.lock"
	flock -w 300 "$lockfd" || { exec {lockfd}>&-; lab_err "cache $cache locked for 300 s"; return 1; }
	lab_prepare_kernel "$cache" && lab_prepare_initramfs "$cache" || rc=$?
	exec {lockfd}>&-
	return $rc
}

# ---------------------------------------------------------------- daemon

# Percent-encodes what is not safe in a URI query value.
lab_urlencode() {
	local s=$1 out='' c i
	local LC_ALL=C
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case "$c" in
		[A-Za-z0-9/._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	echo "$out"
}

lab_abs_state() {
	local s=$1
	[ -n "$s" ] || { lab_err "empty state dir"; return 1; }
	mkdir -p "$s" && (cd "$s" && pwd -P)
}

lab_uri() {
	local s
	s=$(lab_abs_state "$1") || return
	echo "qemu:///system?socket=$(lab_urlencode "$s/sock/libvirt-sock")"
}

# Pid of the lab daemon of state dir s when it runs, else fails.  The pid is
# checked against the process's cmdline so a reused pid is never taken.
lab_daemon_pid() {
	local s=$1 pid
	[ -r "$s/libvirtd.pid" ] || return 1
	pid=$(cat "$s/libvirtd.pid" 2>/dev/null) || return 1
	case "$pid" in '' | *[!0-9]*) return 1 ;; esac
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--pid-file $s/libvirtd.pid" || return 1
	echo "$pid"
}

lab_write_conf() {
	local s=$1
	cat >"$s/etc/libvirtd.conf" <<EOF
# papi-virt lab daemon: private sockets, no auth, log to the state dir
unix_sock_dir = "$s/sock"
auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_ro_perms = "0777"
log_outputs = "3:file:$s/libvirtd.log"
EOF
	# user=root: with QEMU as libvirt-qemu and /dev/kvm 0600, libvirt
	# re-probes capabilities on every lookup (48 s per create).
	cat >"$s/etc/qemu.conf" <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
stdio_handler = "file"
namespaces = [ ]
EOF
}

# Debian's libvirtd refuses to start when its build-time QEMU user and group
# (libvirt-qemu, made by libvirt-daemon-system) do not exist, even with
# user="root" in qemu.conf.  Rather than add users to the host, the daemon's
# private mount namespace gets a passwd/group copy that has them.
lab_write_ids() {
	local s=$1 id=64055
	getent passwd libvirt-qemu >/dev/null && getent group libvirt-qemu >/dev/null && return 0
	while getent passwd "$id" >/dev/null || getent group "$id" >/dev/null; do
		id=$((id + 1))
		[ $id -lt 65000 ] || { lab_err "no free uid/gid for libvirt-qemu"; return 1; }
	done
	mkdir -p "$s/ids" && cp /etc/passwd "$s/ids/passwd" && cp /etc/group "$s/ids/group" || return
	getent passwd libvirt-qemu >/dev/null ||
		echo "libvirt-qemu:x:$id:$id:papi-virt lab placeholder:/nonexistent:/usr/sbin/nologin" >>"$s/ids/passwd"
	getent group libvirt-qemu >/dev/null || echo "libvirt-qemu:x:$id:" >>"$s/ids/group"
	getent group kvm >/dev/null || echo "kvm:x:$((id + 1)):" >>"$s/ids/group"
}

lab_start_daemon() {
	local s cache uri pid t0 i d
	s=$(lab_abs_state "$1") || return
	cache=$(lab_cache_dir)
	if pid=$(lab_daemon_pid "$s"); then
		lab_err "a lab daemon already runs for $s (pid $pid)" || return
	fi
	command -v libvirtd >/dev/null || lab_err "libvirtd missing (apt-get install libvirt-daemon)" || return
	command -v unshare >/dev/null || lab_err "unshare missing" || return
	for d in etc lib log run sock guests; do mkdir -p "$s/$d" || return; done
	mkdir -p "$cache/libvirt-cache" || return
	touch "$s/$LAB_MARK"
	lab_write_conf "$s"
	# Mount points must exist on the host side for the binds.
	mkdir -p /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt || return
	lab_write_ids "$s" || return
	t0=$(lab_now_ms)
	# A private mount namespace hides the system daemon's (fixed) state paths,
	# so this daemon can run next to a system libvirtd.
	if ! unshare --mount --propagation private sh -ec '
		s=$1 c=$2
		mount --bind "$s/etc" /etc/libvirt
		mount --bind "$s/lib" /var/lib/libvirt
		mount --bind "$c" /var/cache/libvirt
		mount --bind "$s/log" /var/log/libvirt
		mount --bind "$s/run" /run/libvirt
		if [ -e "$s/ids/passwd" ]; then
			mount --bind "$s/ids/passwd" /etc/passwd
			mount --bind "$s/ids/group" /etc/group
		fi
		# Guest shares (lab-share.sh): read-only for everything this daemon
		# starts (virtiofsd), writable for the host exporter outside.
		if [ -n "$3" ]; then
			mount --bind "$3" "$3"
			mount -o remount,bind,ro "$3"
		fi
		exec libvirtd --daemon --config /etc/libvirt/libvirtd.conf --pid-file "$s/libvirtd.pid"
	' sh "$s" "$cache/libvirt-cache" "$LAB_SHARE_ROOT" >"$s/libvirtd.out" 2>&1; then
		cat "$s/libvirtd.out" >&2
		lab_err "libvirtd did not start for $s" || return
	fi
	uri=$(lab_uri "$s")
	# Bounded: 300 tries of 0.1 s plus each virsh call bounded by timeout(1).
	for ((i = 0; i < 300; i++)); do
		if pid=$(lab_daemon_pid "$s") && timeout 10 virsh -q -c "$uri" version >/dev/null 2>&1; then
			lab_log "daemon pid $pid ready in $(($(lab_now_ms) - t0)) ms ($uri)"
			echo "$pid" >"$s/daemon.started"
			return 0
		fi
		if [ "$i" -gt 20 ] && ! lab_daemon_pid "$s" >/dev/null; then
			break
		fi
		sleep 0.1
	done
	tail -n 20 "$s/libvirtd.log" >&2 2>/dev/null
	lab_err "libvirtd for $s did not answer on $uri"
}

# ---------------------------------------------------------------- guests

# The replacements are quoted: with bash 5.2's patsub_replacement (on by
# default) an unquoted '&' in the replacement inserts the match ("<" became
# "<lt;"); quoted, it is literal in every bash version.
lab_xml_escape() {
	local s=$1
	s=${s//&/'&amp;'}
	s=${s//</'&lt;'}
	s=${s//>/'&gt;'}
	s=${s//\"/'&quot;'}
	s=${s//\'/'&apos;'}
	printf '%s' "$s"
}

# Splits SPEC = NAME:WORK[:DUTY[:PERIOD_MS]] from the right, so NAME may hold
# any character, ':' included.  Sets LAB_SPEC_{NAME,WORK,DUTY,PERIOD}.
lab_parse_spec() {
	local spec=$1 rest f1 f2 nums=()
	rest=$spec
	while [ ${#nums[@]} -lt 2 ]; do
		f1=${rest##*:}
		[ "$f1" != "$rest" ] || break
		case "$f1" in '' | *[!0-9]*) break ;; esac
		nums=("$f1" "${nums[@]}")
		rest=${rest%:*}
	done
	f2=${rest##*:}
	case "$f2" in
	busy | idle | half) ;;
	*) lab_err "bad guest spec '$spec': want NAME:busy|idle|half[:DUTY[:PERIOD_MS]]"; return 1 ;;
	esac
	LAB_SPEC_NAME=${rest%:*}
	[ "$LAB_SPEC_NAME" != "$rest" ] && [ -n "$LAB_SPEC_NAME" ] || { lab_err "bad guest spec '$spec': empty name"; return 1; }
	case "$LAB_SPEC_NAME" in
	*/* | *$'\n'*) lab_err "bad guest name in '$spec': libvirt refuses '/' and newlines"; return 1 ;;
	esac
	LAB_SPEC_WORK=$f2
	LAB_SPEC_DUTY=${nums[0]:-}
	LAB_SPEC_PERIOD=${nums[1]:-}
	if [ -n "$LAB_SPEC_DUTY" ] && [ "$LAB_SPEC_DUTY" -gt 100 ]; then
		lab_err "bad guest spec '$spec': duty above 100"
		return 1
	fi
}

lab_domain_xml() {
	local s=$1 idx=$2 name=$3 uuid=$4 cmdline=$5 cache
	cache=$(lab_cache_dir)
	cat <<EOF
<domain type='qemu'>
  <name>$(lab_xml_escape "$name")</name>
  <uuid>$uuid</uuid>
  <memory unit='MiB'>$LAB_MEM_MIB</memory>
$(lab_share_xml_memory)
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$(lab_xml_escape "$(readlink -f "$cache/vmlinuz")")</kernel>
    <initrd>$(lab_xml_escape "$(lab_initrd)")</initrd>
    <cmdline>$(lab_xml_escape "$cmdline")</cmdline>
  </os>
  <features><acpi/><tcg><tb-cache unit='MiB'>64</tb-cache></tcg></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='file'>
      <source path='$(lab_xml_escape "$s/guests/$idx.serial")'/>
      <target port='0'/>
    </serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
$(lab_share_xml_device "$uuid")
  </devices>
</domain>
EOF
}

lab_next_index() {
	local s=$1 i
	for ((i = 0; i < 10000; i++)); do
		[ -e "$s/guests/$i.name" ] || { echo "$i"; return 0; }
	done
	return 1
}

# Waits until every guest index given has printed "PVLAB ready" (bounded by
# PV_VMLAB_BOOT_TIMEOUT seconds), or one of them died.
lab_wait_ready() {
	local s=$1 deadline i pending idx uuid
	shift
	deadline=$(($(lab_now_ms) + ${PV_VMLAB_BOOT_TIMEOUT:-90} * 1000))
	for ((i = 0; i < 100000; i++)); do
		pending=0
		for idx in "$@"; do
			grep -q '^PVLAB ready' "$s/guests/$idx.serial" 2>/dev/null && continue
			pending=$((pending + 1))
			read -r uuid <"$s/guests/$idx.uuid"
			if [ $((i % 10)) -eq 9 ] && ! lab_qemu_pid "$s" "$uuid" >/dev/null; then
				lab_err "guest '$(cat "$s/guests/$idx.name")' died while booting (see $s/guests/$idx.serial, $s/log/qemu/)"
				return 1
			fi
		done
		[ "$pending" -eq 0 ] && return 0
		[ "$(lab_now_ms)" -lt "$deadline" ] || break
		sleep 0.2
	done
	lab_err "guests not ready after ${PV_VMLAB_BOOT_TIMEOUT:-90} s"
}

# QEMU pid of the guest with this UUID, found by its "-uuid" argument.
lab_qemu_pid() {
	local s=$1 uuid=$2 f pid
	for f in "$s"/run/qemu/*.pid; do
		[ -r "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null) || continue
		case "$pid" in '' | *[!0-9]*) continue ;; esac
		tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "$uuid" || continue
		echo "$pid"
		return 0
	done
	return 1
}

lab_start_guests() {
	local s uri spec idx cmdline uuid t0 pids=() idxs=() p rc=0
	s=$(lab_abs_state "$1") || return
	shift
	[ -e "$s/$LAB_MARK" ] && lab_daemon_pid "$s" >/dev/null || lab_err "no lab daemon runs for $s (start-daemon first)" || return
	local cache
	cache=$(lab_cache_dir)
	[ -e "$cache/vmlinuz" ] && [ -e "$cache/initramfs.cpio.gz" ] || lab_err "no kernel/initramfs in $cache (run prepare)" || return
	uri=$(lab_uri "$s")
	for spec in "$@"; do lab_parse_spec "$spec" || return; done
	t0=$(lab_now_ms)
	for spec in "$@"; do
		lab_parse_spec "$spec"
		idx=$(lab_next_index "$s") || return
		uuid=$(cat /proc/sys/kernel/random/uuid) || return
		cmdline="console=ttyS0 quiet panic=-1 work=$LAB_SPEC_WORK"
		[ -n "$LAB_SPEC_DUTY" ] && cmdline+=" duty=$LAB_SPEC_DUTY"
		[ -n "$LAB_SPEC_PERIOD" ] && cmdline+=" period_ms=$LAB_SPEC_PERIOD"
		cmdline+=$(lab_share_cmdline)
		lab_share_dir "$uuid" || return
		printf '%s\n' "$LAB_SPEC_NAME" >"$s/guests/$idx.name"
		echo "$uuid" >"$s/guests/$idx.uuid"
		lab_domain_xml "$s" "$idx" "$LAB_SPEC_NAME" "$uuid" "$cmdline" >"$s/guests/$idx.xml"
		timeout 120 virsh -q -c "$uri" create "$s/guests/$idx.xml" >"$s/guests/$idx.create.out" 2>&1 &
		pids+=($!)
		idxs+=("$idx")
	done
	for p in "${!pids[@]}"; do
		if ! wait "${pids[$p]}"; then
			cat "$s/guests/${idxs[$p]}.create.out" >&2
			lab_err "virsh create of '$(cat "$s/guests/${idxs[$p]}.name")' failed"
			rc=1
		fi
	done
	[ $rc -eq 0 ] || return $rc
	lab_log "created ${#idxs[@]} guest(s) in $(($(lab_now_ms) - t0)) ms"
	lab_wait_ready "$s" "${idxs[@]}" || return
	lab_log "${#idxs[@]} guest(s) ready $(($(lab_now_ms) - t0)) ms after create"
}

# ---------------------------------------------------------------- stop

# All UUIDs this lab created (one per line).
lab_uuids() { cat "$1"/guests/*.uuid 2>/dev/null; }

# Cgroup directories (every hierarchy) of a process and its threads' parents.
lab_cgroup_dirs_of() {
	local pid=$1 line path mnt
	while IFS= read -r line; do
		path=${line#*:*:}
		case "$path" in */machine/qemu-*) ;; *) continue ;; esac
		path=${path%/emulator}
		for mnt in /sys/fs/cgroup /sys/fs/cgroup/*; do
			[ -d "$mnt$path" ] && echo "$mnt$path"
		done
	done <"/proc/$pid/cgroup" 2>/dev/null
}

lab_wait_gone() { # pid max_tenths
	local pid=$1 n=$2 i
	for ((i = 0; i < n; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null
}

lab_stop_state() {
	local s uri uuid pid dpid t0 pids=() qpids=() cgdirs=() d rc=0
	s=$(lab_abs_state "$1") || return
	[ -e "$s/$LAB_MARK" ] || lab_err "$s is not a lab state dir (no $LAB_MARK); not touching it" || return
	t0=$(lab_now_ms)
	uri=$(lab_uri "$s")
	while IFS= read -r uuid; do
		pid=$(lab_qemu_pid "$s" "$uuid") || continue
		qpids+=("$pid")
		while IFS= read -r d; do cgdirs+=("$d"); done < <(lab_cgroup_dirs_of "$pid")
	done < <(lab_uuids "$s")
	if dpid=$(lab_daemon_pid "$s"); then
		# Destroy in parallel: ~2 s each; libvirtd would leave QEMU running.
		for uuid in $(lab_uuids "$s"); do
			timeout 30 virsh -q -c "$uri" destroy "$uuid" >/dev/null 2>&1 &
			pids+=($!)
		done
		for pid in "${pids[@]}"; do wait "$pid" || true; done
	fi
	# QEMU left over (daemon gone or destroy failed): ours by -uuid, by PID.
	for pid in "${qpids[@]}"; do
		kill -0 "$pid" 2>/dev/null || continue
		lab_log "QEMU pid $pid survived destroy; sending TERM"
		kill -TERM "$pid" 2>/dev/null
		lab_wait_gone "$pid" 50 || { kill -KILL "$pid" 2>/dev/null; lab_wait_gone "$pid" 50; } || rc=1
	done
	if dpid=$(lab_daemon_pid "$s"); then
		kill -TERM "$dpid" 2>/dev/null
		if ! lab_wait_gone "$dpid" 150; then
			lab_log "libvirtd pid $dpid ignored TERM for 15 s; sending KILL"
			kill -KILL "$dpid" 2>/dev/null
			lab_wait_gone "$dpid" 50 || rc=1
		fi
	fi
	# libvirt leaves the VMs' empty cgroup dirs behind: remove ours, deepest first.
	for d in "${cgdirs[@]}"; do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	if [ $rc -eq 0 ]; then
		rm -rf "$s"
		lab_log "stopped and removed $s in $(($(lab_now_ms) - t0)) ms"
	else
		lab_err "some lab processes of $s did not end; state kept"
	fi
	return $rc
}
