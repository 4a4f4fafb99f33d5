#!/bin/bash
# Debian roots with a release's own, unmodified PAPI tools (papi-tools), for
# testing our libpapi against the tools of the distribution that ships the
# same PAPI version: Debian 12 ships 7.0, Debian 13 (trixie) 7.1, sid 7.2.
# A root is made once with debootstrap from the configured Debian mirror and
# cached; `run` executes a command in it with /proc, /sys and /dev mounted in
# a private mount namespace, and unmounts all of it when the command ends,
# whatever its exit status (the namespace also dies with the last process, so
# nothing stays mounted even after SIGKILL).
#
# usage: papi-tools-root.sh suite-for PAPI_VERSION     Debian suite shipping it
#        papi-tools-root.sh path SUITE                 make (once) and print the root
#        papi-tools-root.sh prepare SUITE...           make the roots (no output)
#        papi-tools-root.sh run SUITE [--bind DIR]... -- CMD [ARG]...
#            CMD chrooted into SUITE's root; each DIR (read-only) at its own path
#
# environment:
#   PV_ROOT_CACHE     where roots are kept (default /var/cache/papi-virt/roots)
#   PV_DEBIAN_MIRROR  Debian mirror URI (default: the one apt is configured with)
#   PV_ROOT_TIMEOUT   seconds to wait for another run making the same root (900)
set -u

cache=${PV_ROOT_CACHE:-/var/cache/papi-virt/roots}
# papi-tools and its libraries (libpapi, libpfm4, libsde1) plus what our
# libpapi needs besides them (libvirt0).
packages=papi-tools,libpfm4,libvirt0

die() { echo "papi-tools-root: $*" >&2; exit 1; }

suite_for() {
	case "$1" in
	7.0|7.0.*) echo bookworm ;;
	7.1|7.1.*) echo trixie ;;
	7.2|7.2.*) echo sid ;;
	*) die "no Debian release known to ship PAPI $1 (known: 7.0 bookworm, 7.1 trixie, 7.2 sid)" ;;
	esac
}

# The URI of the first binary (non-security) Debian entry apt is configured with.
mirror() {
	if [ -n "${PV_DEBIAN_MIRROR:-}" ]; then echo "$PV_DEBIAN_MIRROR"; return; fi
	local uri
	uri=$(awk '/^Types:/ { deb = / deb( |$)/ } deb && /^URIs:/ { print $2; exit }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 !~ /^\[/ { print $2 } $1 == "deb" && $2 ~ /^\[/ { print $3 }' \
		/etc/apt/sources.list 2>/dev/null | grep -v security | head -n 1)
	[ -n "$uri" ] || die "no Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; set PV_DEBIAN_MIRROR"
	echo "$uri"
}

# A directory under the cache with nothing mounted below it may be removed.
remove_unmounted() {
	local dir=$1
	[ -e "$dir" ] || return 0
	if findmnt -rn -o TARGET | grep -q "^$dir\(/\|$\)"; then
		die "$dir has something mounted below it; not removing it (see findmnt)"
	fi
	rm -rf "$dir"
}

make_root() { # SUITE ROOT STAMP
	local suite=$1 root=$2 stamp=$3 uri new=$2.new t0=$SECONDS
	command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
	[ "$(id -u)" = 0 ] || die "making the $suite root needs root (debootstrap)"
	uri=$(mirror)
	remove_unmounted "$new"
	echo "papi-tools-root: debootstrap --variant=minbase --include=$packages $suite $new $uri" >&2
	# Its own mount namespace: mounts debootstrap makes in the target vanish
	# with it, even when it fails or is killed.
	if ! unshare --mount --propagation private \
		debootstrap --variant=minbase --include="$packages" "$suite" "$new" "$uri" \
		>"$cache/$suite.log" 2>&1; then
		tail -n 20 "$cache/$suite.log" >&2
		remove_unmounted "$new"
		die "debootstrap of $suite from $uri failed (log: $cache/$suite.log)"
	fi
	echo "$stamp" >"$new/.papi-virt-root"
	remove_unmounted "$root"
	mv "$new" "$root"
	echo "papi-tools-root: made $root in $((SECONDS - t0)) s" >&2
}

# Makes SUITE's root unless the cached one was made for the same packages;
# concurrent callers wait for each other.
ensure() {
	local suite=$1 root=$cache/$1 stamp
	case "$suite" in *[!a-z0-9-]*|'') die "bad suite name '$suite'" ;; esac
	stamp="$suite $packages"
	[ -f "$root/.papi-virt-root" ] && [ "$(cat "$root/.papi-virt-root")" = "$stamp" ] && { echo "$root"; return 0; }
	mkdir -p "$cache" || die "cannot create $cache"
	(
		flock -w "${PV_ROOT_TIMEOUT:-900}" 9 || die "timed out waiting for $cache/$suite.lock"
		if [ -f "$root/.papi-virt-root" ] && [ "$(cat "$root/.papi-virt-root")" = "$stamp" ]; then
			exit 0
		fi
		make_root "$suite" "$root" "$stamp"
	) 9>"$cache/$suite.lock" || exit 1
	echo "$root"
}

# Runs in the private mount namespace made by `run`.
inside() { # ROOT BINDS(newline-separated) CMD...
	local root=$1 binds=$2 b rc
	shift 2
	mounted=()
	trap 'for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R "${mounted[i]}" || umount -l "${mounted[i]}"; done' EXIT
	mount -t proc proc "$root/proc" && mounted+=("$root/proc") || die "cannot mount proc in $root"
	mount --rbind /sys "$root/sys" && mounted+=("$root/sys") || die "cannot bind /sys into $root"
	mount --rbind /dev "$root/dev" && mounted+=("$root/dev") || die "cannot bind /dev into $root"
	while IFS= read -r b; do
		[ -n "$b" ] || continue
		[ -d "$b" ] || die "--bind $b: not a directory"
		mkdir -p "$root$b" || die "cannot create $root$b"
		mount --bind "$b" "$root$b" && mounted+=("$root$b") || die "cannot bind $b into $root"
		mount -o remount,bind,ro "$root$b" || die "cannot make $root$b read-only"
	done <<<"$binds"
	chroot "$root" "$@"
	rc=$?
	exit $rc
}

run() {
	local suite=${1:?usage: run SUITE [--bind DIR]... -- CMD...} root binds=
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		[ "$1" = --bind ] && [ $# -ge 2 ] || die "run: expected --bind DIR or --, got '$1'"
		binds+="$(cd "$2" 2>/dev/null && pwd || echo "$2")"$'\n'
		shift 2
	done
	[ $# -ge 2 ] || die "run: no command after --"
	shift
	[ "$(id -u)" = 0 ] || die "run needs root (mount, chroot)"
	root=$(ensure "$suite") || exit 1
	exec unshare --mount --propagation private bash "$0" _inside "$root" "$binds" "$@"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
suite-for) suite_for "${1:?usage: suite-for PAPI_VERSION}" ;;
path) ensure "${1:?usage: path SUITE}" ;;
prepare) for s in "$@"; do ensure "$s" >/dev/null || exit 1; done ;;
run) run "$@" ;;
_inside) inside "$@" ;;
*) sed -n '2,21p' "$0" >&2; exit 2 ;;
esac
