#!/bin/sh
# Prints the PAPI version of a source tree, MAJOR.MINOR.REVISION, from its
# src/papi.h: #define PAPI_VERSION  PAPI_VERSION_NUMBER(7,2,0,0)
# Used by configure and bench/peer/build-peer.sh.
#
# usage: papi-tree-version.sh TREE
set -eu
tree=${1:?usage: papi-tree-version.sh TREE}
h=$tree/src/papi.h
[ -f "$h" ] || { echo "papi-tree-version: $h: no such file" >&2; exit 1; }
v=$(sed -n 's/^#define[[:space:]]*PAPI_VERSION[[:space:]]*PAPI_VERSION_NUMBER( *\([0-9]*\), *\([0-9]*\), *\([0-9]*\),.*/\1.\2.\3/p' "$h" | head -n 1)
[ -n "$v" ] || { echo "papi-tree-version: $h has no '#define PAPI_VERSION PAPI_VERSION_NUMBER(major,minor,revision,increment)'" >&2; exit 1; }
echo "$v"
