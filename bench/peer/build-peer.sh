#!/bin/sh
# Builds the peer libpapi for `make bench`: the SAME PAPI source the main
# build used, with PAPI's stock components that do jobs similar to ours
# (appio, stealtime, powercap), in its own directory, so one bench run
# compares ours against theirs on one machine.  Only the libraries are built
# (`make shared static`): the static one because stock appio intercepts
# nothing from the shared one (PAPI 7 builds it with -fvisibility=hidden, so
# the wrappers are not exported); a program linked with libpapi.a gets them.
# Rebuilt only when the source tree or the flags change.
#
# usage: build-peer.sh PAPI_SOURCE_TREE DEST PFM_LIBDIR [AUTOCONF]
#   DEST/papi/src/libpapi.so.X.Y   the peer library (X.Y: the tree's PAPI version)
#   DEST/papi/src/libpapi.a        the same, static (for stock appio)
set -eu

src=${1:?usage: build-peer.sh PAPI_SOURCE_TREE DEST PFM_LIBDIR [AUTOCONF]}
dest=${2:?missing DEST}
pfm_libdir=${3:?missing PFM_LIBDIR}
autoconf_cmd=${4:-autoconf}
components="appio stealtime powercap"

[ -f "$src/src/configure" ] || { echo "build-peer: $src is not a PAPI source tree (no src/configure)" >&2; exit 1; }
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
flags="--with-static-lib=no --with-shared-lib=yes --with-components=\"$components\" --with-perf-events --with-pfm-incdir=/usr/include --with-pfm-libdir=$pfm_libdir"
# Identity of what we build: source tree path + newest mtime + flags.
key=$( (echo "$src $flags"; find "$src/src" -maxdepth 1 -newer "$dest/.stamp" -name '*.c' 2>/dev/null | head -n 1) | cksum)
# libpapi.so.MAJOR.MINOR of the tree's papi.h.
ver=$(sh "$(dirname "$0")/../../scripts/papi-tree-version.sh" "$src") || exit 1
sover=${ver%.*}
lib=$dest/papi/src/libpapi.so.$sover
if [ -e "$lib" ] && [ -e "$dest/papi/src/libpapi.a" ] && [ -e "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$key" ]; then
	echo "build-peer: $lib up to date"
	exit 0
fi
t0=$(date +%s)
echo "build-peer: copying $src to $dest/papi"
rm -rf "$dest/papi"
if command -v rsync >/dev/null; then
	rsync -a --exclude=.git "$src/" "$dest/papi/"
else
	cp -a "$src" "$dest/papi" && rm -rf "$dest/papi/.git"
fi
# Debian's patches edit configure.in (rpath): regenerate configure, as the
# main build does, so both libraries come from identical build logic.
(cd "$dest/papi/src" && $autoconf_cmd 2>/dev/null) || echo "build-peer: $autoconf_cmd failed; using the shipped configure" >&2
echo "build-peer: configuring with stock components: $components"
if ! (cd "$dest/papi/src" && eval ./configure $flags CC=gcc) >"$dest/configure.log" 2>&1; then
	tail -n 30 "$dest/configure.log" >&2
	echo "build-peer: PAPI configure failed, see $dest/configure.log" >&2
	exit 1
fi
if ! make -C "$dest/papi/src" -j2 shared static >"$dest/make.log" 2>&1; then
	tail -n 30 "$dest/make.log" >&2
	echo "build-peer: make shared static failed, see $dest/make.log" >&2
	exit 1
fi
[ -e "$lib" ] && [ -e "$dest/papi/src/libpapi.a" ] || { echo "build-peer: $lib or libpapi.a was not built" >&2; exit 1; }
echo "$key" >"$dest/.stamp"
echo "build-peer: built $lib in $(($(date +%s) - t0)) s"
