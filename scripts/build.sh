#!/bin/sh
# Installs the system packages (as root), configures and builds papi-virt in
# a build directory (default: ./build; PV_BUILDDIR overrides).  Shared by the
# README's two commands.  Prints the build directory's path last.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
B=${PV_BUILDDIR:-$top/build}

if [ "$(id -u)" = 0 ]; then
    sh "$top/scripts/install-deps.sh" >&2
else
    echo "build.sh: not root: skipping scripts/install-deps.sh (run it as root once)" >&2
fi

mkdir -p "$B"
B=$(cd "$B" && pwd)
if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ]; then
    (cd "$top" && autoreconf -fi) >&2
fi
if [ ! -f "$B/Makefile" ] || [ "$top/configure" -nt "$B/Makefile" ] || [ "$top/Makefile.in" -nt "$B/Makefile" ]; then
    (cd "$B" && "$top/configure" ${PV_CONFIGURE_FLAGS:-}) >&2
fi
make -C "$B" -j"$(nproc)" >&2
echo "$B"
