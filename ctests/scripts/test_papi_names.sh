#!/bin/bash
# The built libpapi, libsde and PAPI's tools are named and linked like the
# distribution's, whatever tree they come from (Debian's patched source or an
# upstream release): libpapi's soname is libpapi.so.MAJOR.MINOR of the tree's
# papi.h, libsde's is libsde.so.1 (Debian's libsde1), the RUNPATH of each is
# the install prefix's lib directory and nothing else (no build-tree path),
# and libpfm is linked, not copied in (no pfm_* symbols exported).  When the
# host has the distribution's libpapi of the same version, the sonames must
# equal its.
set -u
: "${PV_BUILDDIR:?}" "${PV_PAPI_LIB:?}" "${PV_PAPI_SONAME:?}" "${PV_PAPI_LIBDIR:?}"

fail=0
err() { echo "FAIL: $*"; fail=1; }
dyn() { readelf -d "$2" 2>/dev/null | sed -n "s/.*($1).*\[\(.*\)\]/\1/p"; }

prefix=$(sed -n 's/^prefix *:= *//p' "$PV_BUILDDIR/Makefile")
libdir=$(sed -n 's/^libdir *:= *//p' "$PV_BUILDDIR/Makefile")
libdir=${libdir//\$\{exec_prefix\}/$prefix}
libdir=${libdir//\$(exec_prefix)/$prefix}
[ -n "$libdir" ] || { echo "FAIL: no libdir in $PV_BUILDDIR/Makefile"; exit 1; }

sde=$PV_PAPI_LIBDIR/sde_lib/libsde.so.1.0
for f in "$PV_PAPI_LIB" "$sde" "$PV_PAPI_LIBDIR/utils/papi_component_avail" "$PV_PAPI_LIBDIR/utils/papi_command_line"; do
	[ -e "$f" ] || { err "$f was not built"; continue; }
	rp=$(dyn RUNPATH "$f")
	[ "$(dyn RPATH "$f")" = "" ] || err "$f has an RPATH ($(dyn RPATH "$f")), not only a RUNPATH"
	case "$f" in
	"$sde") [ -z "$rp" ] || [ "$rp" = "$libdir" ] || err "$f: RUNPATH '$rp' is not '$libdir' (or none)" ;;
	*) [ "$rp" = "$libdir" ] || err "$f: RUNPATH '$rp' is not '$libdir' alone" ;;
	esac
	echo "$f: RUNPATH '${rp}'"
done

soname=$(dyn SONAME "$PV_PAPI_LIB")
[ "$soname" = "$PV_PAPI_SONAME" ] || err "$PV_PAPI_LIB: soname '$soname', expected $PV_PAPI_SONAME (PAPI $PV_PAPI_VERSION)"
sde_soname=$(dyn SONAME "$sde")
[ "$sde_soname" = libsde.so.1 ] || err "$sde: soname '$sde_soname', expected libsde.so.1 (Debian's libsde1)"
echo "sonames: $soname, $sde_soname"

multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
distro=/usr/lib/$multiarch/$PV_PAPI_SONAME
if [ -e "$distro" ]; then
	[ "$(dyn SONAME "$distro")" = "$soname" ] || err "soname $soname differs from the distribution's $distro"
	[ ! -e "/usr/lib/$multiarch/libsde.so.1" ] || [ "$(dyn SONAME "/usr/lib/$multiarch/libsde.so.1")" = "$sde_soname" ] ||
		err "libsde soname $sde_soname differs from the distribution's"
	echo "same sonames as the distribution's $distro"
fi

pfm=$(nm -D --defined-only "$PV_PAPI_LIB" | awk '$3 ~ /^pfm_/' | head -n 3)
[ -z "$pfm" ] || err "$PV_PAPI_LIB exports libpfm's symbols (libpfm.a copied in): $pfm"
dyn NEEDED "$PV_PAPI_LIB" | grep -qx 'libpfm.so.4' || err "$PV_PAPI_LIB does not link libpfm.so.4"
exit $fail
