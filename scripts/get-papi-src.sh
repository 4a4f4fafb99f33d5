#!/bin/sh
# Fetches the running distribution's PAPI source (apt-get source papi: 7.0 on
# Debian 12, 7.1 on Debian 13 and Ubuntu 24.04, 7.2 on sid) into DEST and
# applies the distribution's patch series (debian/patches), so the tree matches
# what its libpapi is built from.  configure runs this when no --with-papi-src
# is given, then reads the version from the tree's papi.h.  PAPI's code is
# fetched at build time and never committed.
#
# usage: get-papi-src.sh DEST
#   DEST/papi-src  the patched PAPI source tree (contains src/configure)
set -eu

dest=${1:?usage: get-papi-src.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

if [ -f "$dest/papi-src/src/configure" ]; then
    echo "get-papi-src: $dest/papi-src already present"
    exit 0
fi

# A deb-src entry for the mirror that is already configured for binaries.
# Debian 12 and later keep their entries as deb822 files; we add a sibling file that
# mirrors the URIs and suites of every "Types: deb" stanza.
has_deb_src() {
    grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

add_deb_src() {
    if [ "$(id -u)" != 0 ]; then
        echo "get-papi-src: no deb-src entry in apt's sources and not root to add one;" >&2
        echo "  add a deb-src line for your Debian mirror, or configure with --with-papi-src=DIR" >&2
        exit 1
    fi
    out=/etc/apt/sources.list.d/papi-virt-src.sources
    # debian.sources on Debian 12 and 13, ubuntu.sources on Ubuntu 24.04
    deb822=$(grep -lE '^Types: deb$' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    if [ -n "$deb822" ]; then
        for f in $deb822; do   # stanzas of different files stay apart
            sed -e 's/^Types: deb$/Types: deb-src/' "$f"; echo
        done > "$out"
    elif [ -f /etc/apt/sources.list ]; then
        grep -E '^deb ' /etc/apt/sources.list | sed -e 's/^deb /deb-src /' > /etc/apt/sources.list.d/papi-virt-src.list
    else
        echo "get-papi-src: cannot find apt's sources to derive a deb-src entry" >&2
        exit 1
    fi
    apt-get update -q >/dev/null
}

if ! has_deb_src; then
    add_deb_src
fi

work="$dest/papi-download"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
if ! apt-get source --download-only papi >download.log 2>&1; then
    cat download.log >&2
    echo "get-papi-src: apt-get source papi failed (see above); configure with --with-papi-src=DIR instead" >&2
    exit 1
fi

orig=$(ls papi_*.orig.tar.* 2>/dev/null | head -n 1)
deb=$(ls papi_*.debian.tar.* 2>/dev/null | head -n 1)
if [ -z "$orig" ] || [ -z "$deb" ]; then
    echo "get-papi-src: apt-get source did not deliver papi's orig and debian tarballs in $work" >&2
    exit 1
fi

mkdir tree
tar -xf "$orig" -C tree --strip-components=1
tar -xf "$deb" -C tree

# Debian's series, in order; a patch that does not apply stops the build.
series=tree/debian/patches/series
if [ -f "$series" ]; then
    grep -vE '^[[:space:]]*(#|$)' "$series" | while read -r p _; do
        patch -d tree -p1 --forward --quiet < "tree/debian/patches/$p" ||
            { echo "get-papi-src: Debian patch $p does not apply" >&2; exit 1; }
    done
fi

rm -rf "$dest/papi-src"
mv tree "$dest/papi-src"
cd "$dest"
rm -rf "$work"
echo "get-papi-src: PAPI source ready in $dest/papi-src"
