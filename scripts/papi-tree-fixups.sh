#!/bin/sh
# Makes a PAPI 7 source tree build a libpapi that installs like the
# distribution's: the same edits Debian's patch series makes for
#   - RUNPATH: upstream's configure.in puts the build tree
#     ($PWD:$PWD/libpfm4/lib) into LDFLAGS and $(LIBDIR) into every shared
#     link; Debian drops both (for-debian-no-rpath.patch).  Our Makefile adds
#     a RUNPATH to the install prefix's lib directory, and nothing else.
#   - libsde's soname: upstream links libsde.so.1.0 with soname libsde.so;
#     Debian's libsde1 package ships soname libsde.so.1 (libsde-soversion.patch).
#   - libpfm: upstream copies every object of the system's libpfm.a into
#     libpapi (exporting pfm_* from it); Debian links libpfm.so.4 only
#     (for-debian-do-not-embed-libpfm4.patch).
# A tree that already has Debian's patches (scripts/get-papi-src.sh applies
# them to Debian's source package) is left as it is.  Each edit site must be
# found in either form, else the tree's layout is unknown and we say where.
#
# usage: papi-tree-fixups.sh [--check] TREE
#   --check  only verify that TREE's layout is one we know (configure does this)
set -eu

check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
tree=${1:?usage: papi-tree-fixups.sh [--check] TREE}

# fixup FILE WHAT UPSTREAM DISTRO: replaces the exact string UPSTREAM by
# DISTRO in FILE; a file that already has DISTRO is fine.
fixup() {
	file=$tree/$1 what=$2 upstream=$3 distro=$4
	[ -f "$file" ] || layout "$file is missing (needed for $what)"
	if grep -qF -- "$upstream" "$file"; then
		[ $check = 1 ] && return 0
		FROM=$upstream TO=$distro perl -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$file"
		if grep -qF -- "$upstream" "$file" || ! grep -qF -- "$distro" "$file"; then
			echo "papi-tree-fixups: editing $file for $what did not take effect" >&2
			exit 1
		fi
		echo "papi-tree-fixups: $1: edited $what as Debian does"
	elif ! grep -qF -- "$distro" "$file"; then
		layout "$file has neither upstream's nor Debian's form of $what"
	fi
}

# require FILE WHAT STRING: something the rest of the build relies on.
require() {
	[ -f "$tree/$1" ] || layout "$tree/$1 is missing (needed for $2)"
	grep -qF -- "$3" "$tree/$1" || layout "$tree/$1 does not contain $3 ($2)"
}

layout() {
	echo "papi-tree-fixups: unknown PAPI source layout: $*" >&2
	exit 1
}

fixup src/configure.in "the LDFLAGS line (build-tree RUNPATH)" \
	'LDFLAGS="$LDFLAGS -Wl,-rpath=$PWD/libpfm4/lib:$PWD,--enable-new-dtags"' \
	'LDFLAGS="$LDFLAGS -Wl,--enable-new-dtags"'
fixup src/configure.in "libpapi's CC_SHR link line (\$(LIBDIR) RUNPATH)" \
	'CC_SHR='\''$(CC) -fPIC -DPIC -shared -Wl,-soname -Wl,$(VLIB) -Xlinker "-rpath" -Xlinker "$(LIBDIR)"'\' \
	'CC_SHR='\''$(CC) -fPIC -DPIC -shared -Wl,-soname -Wl,$(VLIB)'\'
fixup src/sde_lib/Makefile "libsde's soname" \
	'-Wl,-soname -Wl,libsde.so ' \
	'-Wl,-soname -Wl,libsde.so.1 '
fixup src/Rules.pfm4_pe "MISCOBJS (libpfm.a objects copied into libpapi)" \
	'MISCOBJS = $(PFM_OBJS) $(MISCSRCS:.c=.o)' \
	'MISCOBJS = $(MISCSRCS:.c=.o)'
# Our Makefile expects libpapi.so.MAJOR.MINOR (configure derives it from papi.h).
require src/configure.in "libpapi soname" "PAPISOVER='\$(PAPIVER).\$(PAPIREV)'"
require src/Makefile.inc "make shared, libsde, utils" 'libpapi.so.$(PAPISOVER)'
