#!/bin/bash
# make install honours DESTDIR; the installed libpapi and tools carry a RUNPATH
# to the prefix's lib directory (so they load our libpapi, not Debian's), keep
# Debian's soname, and the staged papi_component_avail runs.
set -u
: "${PV_BUILDDIR:?}"

stage=$(mktemp -d /tmp/pv-install-XXXXXX)
trap 'rm -rf "$stage"' EXIT
fail=0
err() { echo "FAIL: $*"; fail=1; }

if ! make -s -C "$PV_BUILDDIR" install DESTDIR="$stage" >"$stage.log" 2>&1; then
	tail -n 30 "$stage.log"; rm -f "$stage.log"
	echo "FAIL: make install DESTDIR=$stage"
	exit 1
fi
rm -f "$stage.log"
prefix=$(sed -n 's/^prefix *:= *//p' "$PV_BUILDDIR/Makefile")
libdir=$(sed -n 's/^libdir *:= *//p' "$PV_BUILDDIR/Makefile")
libdir=${libdir//\$\{exec_prefix\}/$prefix}
libdir=${libdir//\$(exec_prefix)/$prefix}

lib=$stage$libdir/libpapi.so.7.0
[ -e "$lib" ] || { echo "FAIL: $lib not installed"; ls -R "$stage" | head -40; exit 1; }
soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "$(readelf -d /usr/lib/x86_64-linux-gnu/libpapi.so.7.0 | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')" ] ||
	err "soname $soname differs from Debian's libpapi"
for f in "$lib" "$stage$prefix/bin/papi_component_avail" "$stage$prefix/bin/papi_native_avail"; do
	[ -e "$f" ] || { err "$f not installed"; continue; }
	rp=$(readelf -d "$f" | sed -n 's/.*RUNPATH.*\[\(.*\)\]/\1/p')
	case ":$rp:" in
	*":$libdir:"*) echo "$f: RUNPATH $rp" ;;
	*) err "$f: RUNPATH '$rp' does not contain $libdir" ;;
	esac
done
# Lean drop-in: the installed library needs nothing Debian's does not.
. "$PV_SRCDIR/ctests/scripts/needed_check.sh"
pv_check_needed "$(readlink -f "$lib")" || fail=1
for h in papi.h papiStdEventDefs.h; do
	[ -e "$stage$prefix/include/$h" ] || err "$h not installed"
done
[ -e "$stage$libdir/pkgconfig/papi.pc" ] || ls "$stage$libdir"/pkgconfig/papi*.pc >/dev/null 2>&1 || err "no papi pkg-config file installed"
out=$(LD_LIBRARY_PATH=$stage$libdir "$stage$prefix/bin/papi_component_avail" 2>&1) || err "staged papi_component_avail failed"
for r in "$PV_SRCDIR"/src/components/*/Rules.*; do
	[ -e "$r" ] || continue
	c=$(basename "$(dirname "$r")")
	echo "$out" | grep -Eq "^Name: +$c +" || err "staged papi_component_avail does not list $c"
done
exit $fail
