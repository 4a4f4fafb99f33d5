#!/bin/sh
# Builds libpapi with our components from an upstream PAPI release tarball
# (e.g. papi-7.2.0.tar.xz from ../shared/third_party) in its own build
# directory, for testing against PAPI versions other than the distribution's:
# only what the PAPI API and real-client tests need (the library, libsde,
# PAPI's tools, ctests/papi programs); no unit or ASan builds, no static lib.
# The tarball's sha256 is checked against the README.md table beside it when
# that lists it.  Unpacked once; `make` rebuilds only what changed.
#
# usage: build-papi-variant.sh TARBALL BUILDDIR
#   BUILDDIR/upstream-src   the unpacked tree (configure --with-papi-src)
#   BUILDDIR/papi/src       libpapi.so.MAJOR.MINOR and PAPI's tools
set -eu

tarball=${1:?usage: build-papi-variant.sh TARBALL BUILDDIR}
B=${2:?usage: build-papi-variant.sh TARBALL BUILDDIR}
top=$(cd "$(dirname "$0")/.." && pwd)

[ -f "$tarball" ] || { echo "build-papi-variant: $tarball: no such file (set PV_THIRD_PARTY to the directory holding PAPI's release tarballs)" >&2; exit 1; }
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
readme=$(dirname "$tarball")/README.md
name=$(basename "$tarball")
if [ -f "$readme" ] && grep -q "^| $name |" "$readme"; then
	want=$(grep "^| $name |" "$readme" | awk -F'|' '{ gsub(/ /, "", $(NF-1)); print $(NF-1) }')
	[ "$sum" = "$want" ] || { echo "build-papi-variant: $tarball: sha256 $sum, but $readme says $want" >&2; exit 1; }
fi

mkdir -p "$B"
B=$(cd "$B" && pwd)
if [ "$(cat "$B/upstream-src.sha256" 2>/dev/null)" != "$sum" ]; then
	rm -rf "$B/upstream-src" "$B/upstream-src.sha256"
	mkdir "$B/upstream-src"
	tar -xf "$tarball" -C "$B/upstream-src" --strip-components=1
	echo "$sum" >"$B/upstream-src.sha256"
fi

if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
	(cd "$top" && autoreconf -fi)
fi
if [ ! -f "$B/Makefile" ] || [ "$top/configure" -nt "$B/Makefile" ] || [ "$top/Makefile.in" -nt "$B/Makefile" ]; then
	# shellcheck disable=SC2086 # PV_CONFIGURE_FLAGS is a list of flags
	(cd "$B" && "$top/configure" --with-papi-src="$B/upstream-src" ${PV_CONFIGURE_FLAGS:-}) >"$B/configure.log" 2>&1 ||
		{ tail -n 20 "$B/configure.log" >&2; echo "build-papi-variant: configure failed, see $B/configure.log" >&2; exit 1; }
fi
make -C "$B" -j"$(nproc)" papi papi-tests
