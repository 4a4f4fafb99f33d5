# shellcheck shell=bash
# Opt-in lab feature: guests with a read-only virtiofs share of the host's
# virtual RAPL export (docs/vmpower.md) and a PAPI client inside.  Sourced by
# lab-core.sh; nothing here changes a guest unless LAB_SHARE_ROOT is set.
#
#   lab_share_prepare BUILD_DIR   kernel modules (virtio, fuse, virtiofs) of the
#                                 lab kernel + an initramfs with busybox, our
#                                 libpapi, guest_rapl_read, papi_vmguest,
#                                 PAPI's papi_command_line and what ldd lists
#                                 for them; sets LAB_INITRD to it
#   LAB_SHARE_ROOT=DIR            then each guest started gets DIR/<uuid> as the
#                                 virtiofs tag "vmpower" (read-only: see
#                                 lab_start_daemon), shared memory backing, and
#                                 "pvshare=vmpower" on its command line
#   LAB_SHARE_CMDLINE="..."       more kernel command line words for the
#                                 guests' /pvlab-share.sh (pvrapl=MS, pvcheck=1)
#
# Why virtiofs: the Debian cloud kernel the lab boots has no 9p at all
# (CONFIG_NET_9P is not set) but builds CONFIG_VIRTIO_FS=m; virtio and
# virtio_pci are modules too.  Why the read-only bind mount: libvirt 9.0
# rejects <readonly/> for virtiofs and QEMU 7.2's virtiofsd has no read-only
# option; a mount the guest makes read-only can be remounted read-write by
# the guest's root.  A read-only bind mount of LAB_SHARE_ROOT in libvirtd's
# private mount namespace (inherited by virtiofsd) makes the host kernel
# refuse every write from the guest (EROFS), while the exporter on the host
# writes through the normal, writable path.

LAB_SHARE_ROOT=${LAB_SHARE_ROOT:-}
LAB_SHARE_CMDLINE=${LAB_SHARE_CMDLINE:-}
LAB_INITRD=${LAB_INITRD:-}
LAB_VIRTIOFSD=${LAB_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
# Load order (dependencies first), checked against each module's depends=.
LAB_SHARE_MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci fuse virtiofs"

# Keeps the share modules of an extracted kernel package (XDIR, dpkg -x) in
# KDIR/modules, checking the load order against each module's depends=.
lab_share_keep_modules() {
	local x=$1 kdir=$2 m f dep seen=" "
	rm -rf "$kdir/modules.tmp" && mkdir -p "$kdir/modules.tmp" || return
	for m in $LAB_SHARE_MODULES; do
		f=$(find "$x/lib/modules" -name "$m.ko" 2>/dev/null | head -n 1)
		[ -n "$f" ] || { rm -rf "$kdir/modules.tmp"; lab_err "the kernel package has no $m.ko (built in, or compressed?)"; return 1; }
		cp "$f" "$kdir/modules.tmp/" || return
	done
	for m in $LAB_SHARE_MODULES; do
		dep=$(grep -a -o 'depends=[a-z0-9_,-]*' "$kdir/modules.tmp/$m.ko" | head -n 1); dep=${dep#depends=}
		for f in ${dep//,/ }; do
			case "$seen" in *" $f "*) ;; *) rm -rf "$kdir/modules.tmp"; lab_err "module $m needs $f, which is not loaded before it"; return 1 ;; esac
		done
		seen+="$m "
	done
	echo "$LAB_SHARE_MODULES" >"$kdir/modules.tmp/.complete"
	rm -rf "$kdir/modules" && mv "$kdir/modules.tmp" "$kdir/modules"
}

# $cache/kernels/<pkg>/modules/*.ko for the kernel $cache/vmlinuz points at
# (lab_prepare_kernel keeps them when it downloads; older caches download
# the package once more).
lab_share_modules() {
	local cache=$1 pkg kdir tmp deb rc=0
	pkg=$(readlink "$cache/vmlinuz") && pkg=${pkg#kernels/} && pkg=${pkg%/vmlinuz} ||
		{ lab_err "no kernel in $cache (run prepare)"; return 1; }
	kdir=$cache/kernels/$pkg
	[ -s "$kdir/modules/.complete" ] && return 0
	lab_log "downloading $pkg for its virtiofs modules"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX") || return
	if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>"$tmp/apt.err"); then
		cat "$tmp/apt.err" >&2
		rm -rf "$tmp"
		lab_err "apt-get download $pkg failed (the modules must come from the same kernel package)" || return
	fi
	deb=$(ls "$tmp"/*.deb) && dpkg -x "$deb" "$tmp/x" || { rm -rf "$tmp"; lab_err "dpkg -x of $pkg failed"; return 1; }
	lab_share_keep_modules "$tmp/x" "$kdir" || rc=$?
	rm -rf "$tmp"
	return $rc
}

# Copies what ldd lists for each program into root ($2...): the loader at its
# path, every library into /lib/x86_64-linux-gnu under the name ldd gives.
# LD_LIBRARY_PATH must reach our libpapi (else ldd would list Debian's).
lab_share_closure() {
	local root=$1 prog line name path
	shift
	mkdir -p "$root/lib/x86_64-linux-gnu" "$root/lib64"
	for prog in "$@"; do
		ldd "$prog" >"$root/.ldd" 2>&1 || { cat "$root/.ldd" >&2; lab_err "ldd $prog failed"; return 1; }
		! grep -q 'not found' "$root/.ldd" || { cat "$root/.ldd" >&2; lab_err "ldd $prog: a library is missing"; return 1; }
		while read -r line; do
			case "$line" in
			*'=> /'*) name=${line%% =>*}; path=${line#*=> }; path=${path%% (*}
				cp -L "$path" "$root/lib/x86_64-linux-gnu/$name" || return ;;
			/*) path=${line%% (*}; mkdir -p "$root${path%/*}"; cp -L "$path" "$root$path" || return ;;
			esac
		done <"$root/.ldd"
		rm -f "$root/.ldd"
	done
}

lab_share_prepare() {
	local build=$1 cache kdir tmp key name a progs rc=0
	cache=$(lab_cache_dir)
	# guest_rapl_read and papi_vmguest, and PAPI's own papi_command_line:
	# an unmodified PAPI tool must read the virtual RAPL too.
	progs=("$build/ctests/vmlab/guest_rapl_read" "$build/utils/papi_vmguest" "$build/papi/src/utils/papi_command_line")
	for a in "${progs[@]}" "$build/papi/src/libpapi.so.7.0"; do
		[ -e "$a" ] || { lab_err "$a missing (build first: make)"; return 1; }
	done
	[ -x "$LAB_VIRTIOFSD" ] || lab_err "$LAB_VIRTIOFSD missing (apt-get install qemu-system-common)" || return
	lab_prepare || return
	exec {lockfd}>"$cache/.lock"
	flock -w 300 "$lockfd" || { exec {lockfd}>&-; lab_err "cache $cache locked for 300 s"; return 1; }
	lab_share_modules "$cache" || rc=$?
	if [ $rc -eq 0 ]; then
		kdir=$(readlink -f "$cache/vmlinuz") && kdir=${kdir%/vmlinuz}
		tmp=$(mktemp -d "$cache/tmp.XXXXXX") || rc=$?
	fi
	if [ $rc -eq 0 ]; then
		lab_share_build_root "$tmp/root" "$kdir/modules" "$build" "${progs[@]}" || rc=$?
	fi
	if [ $rc -eq 0 ]; then
		# Keyed by content: rebuilt when a program, a library or a script changes.
		key=$(cd "$tmp/root" && find . -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
		name=initramfs-share-$key.cpio.gz
		if [ ! -s "$cache/$name" ]; then
			lab_log "building $name"
			lab_initramfs_pack "$tmp/root" "$tmp/out" 6 && mv "$tmp/out" "$cache/$name" || rc=1
		fi
	fi
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
	exec {lockfd}>&-
	[ $rc -eq 0 ] || return $rc
	LAB_INITRD=$cache/$name
	lab_log "share initramfs $LAB_INITRD ($(du -k "$LAB_INITRD" | cut -f1) KiB)"
}

lab_share_build_root() {
	local root=$1 mods=$2 build=$3 a
	shift 3
	lab_initramfs_root "$root" sh mount mkfifo cat sleep ls insmod mkdir || return
	mkdir -p "$root/mnt/vmpower" "$root/lib/modules" || return
	cp "$LAB_CORE_DIR/guest-share.sh" "$root/pvlab-share.sh" || return
	cp "$mods"/*.ko "$root/lib/modules/" && echo "$LAB_SHARE_MODULES" >"$root/lib/modules/order" || return
	for a in "$@"; do cp "$a" "$root/bin/" || return; done
	LD_LIBRARY_PATH=$build/papi/src lab_share_closure "$root" "$@"
}

# Domain XML pieces, empty unless LAB_SHARE_ROOT is set.
lab_share_xml_memory() {
	[ -n "$LAB_SHARE_ROOT" ] || return 0
	# virtiofs (vhost-user) needs guest memory the daemon can map.
	printf "  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>\n"
}

lab_share_xml_device() {
	local uuid=$1
	[ -n "$LAB_SHARE_ROOT" ] || return 0
	cat <<EOF
    <filesystem type='mount' accessmode='passthrough'>
      <driver type='virtiofs'/>
      <binary path='$(lab_xml_escape "$LAB_VIRTIOFSD")'>
        <cache mode='none'/>
      </binary>
      <source dir='$(lab_xml_escape "$LAB_SHARE_ROOT/$uuid")'/>
      <target dir='vmpower'/>
    </filesystem>
EOF
}

lab_share_cmdline() {
	[ -n "$LAB_SHARE_ROOT" ] || return 0
	printf ' pvshare=vmpower%s' "${LAB_SHARE_CMDLINE:+ $LAB_SHARE_CMDLINE}"
}

# The guest's share directory must exist before virtiofsd starts.
lab_share_dir() {
	local uuid=$1
	[ -n "$LAB_SHARE_ROOT" ] || return 0
	mkdir -p "$LAB_SHARE_ROOT/$uuid"
}

lab_initrd() {
	local cache
	if [ -n "$LAB_INITRD" ]; then
		readlink -f "$LAB_INITRD"
	else
		cache=$(lab_cache_dir)
		readlink -f "$cache/initramfs.cpio.gz"
	fi
}
