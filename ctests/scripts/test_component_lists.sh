#!/bin/bash
# The build's component list and library membership checks
# (src/components/components.mk), run on scratch copies of src/:
#   - the tree as committed passes and lists our four components in order
#     and the logic modules libpvlogic.a gets
#   - a directory in src/components/ that PV_COMPONENT_ORDER lacks fails,
#     naming the directory
#   - a .c file in no list of its Sources.<c> fails, naming the file
#   - a listed file that does not exist fails, naming it
#   - a file in two lists fails, naming it
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"
S=${PV_SRCDIR:?run through ctests/run-tests.sh}

# A fresh copy of src/ in $T/<name>; prints its path.
copy() { mkdir "$T/$1" && cp -a "$S/src" "$T/$1/" && echo "$T/$1"; }
# make's output and status for a target of components.mk on tree $1.
lists() { make -s -f "$1/src/components/components.mk" srcdir="$1" "$2" 2>&1; }
# Expects target pv-components to fail on tree $1 with a message matching $2.
expect_fail() {
	local out st
	out=$(lists "$1" pv-components); st=$?
	echo "$3: exit $st: $out"
	[ $st -ne 0 ] || fail "$3: the check passed"
	grep -qE -- "$2" <<<"$out" || fail "$3: the message does not match '$2': $out"
}

t=$(copy good)
out=$(lists "$t" pv-components); st=$?
if [ $st -ne 0 ] || [ "$out" != "vmpower steal appio rapl_vm" ]; then fail "committed tree: exit $st: $out"; fi
logic=$(lists "$t" pv-logic-srcs)
for f in src/shared/pv_fs.c src/components/steal/steal_acc.c src/components/appio/appio_report.c; do
	grep -qx "$t/$f" <<<"$logic" || fail "$f is not a logic module: $logic"
done
for f in steal_papi.c steal_papi_host.c appio_papi.c appio_preload.c appio_preload_wrap.c pv_papi_events.c; do
	grep -q "/$f\$" <<<"$logic" && fail "$f is in libpvlogic.a"
done

t=$(copy newcomp)
mkdir "$t/src/components/fakecomp" && touch "$t/src/components/fakecomp/fakecomp_papi.c"
expect_fail "$t" "src/components/fakecomp/ is not in PV_COMPONENT_ORDER" "unlisted component"

t=$(copy stray)
touch "$t/src/components/steal/steal_stray.c"
expect_fail "$t" "steal/steal_stray.c is in no list of .*Sources.steal" "unlisted file"

t=$(copy shared)
touch "$t/src/shared/pv_stray.c"
expect_fail "$t" "shared/pv_stray.c is in no list of .*Sources.pvshared" "unlisted shared file"

t=$(copy gone)
rm "$t/src/components/rapl_vm/rapl_vm_ctl.c"
expect_fail "$t" "Sources.rapl_vm lists rapl_vm_ctl.c, which is not in" "listed file missing"

t=$(copy twice)
echo 'vmpower_UTIL := vmp_attr.c' >>"$t/src/components/vmpower/Sources.vmpower"
expect_fail "$t" "Sources.vmpower lists vmp_attr.c twice" "file in two lists"

pv_done "component list and library membership checks"
