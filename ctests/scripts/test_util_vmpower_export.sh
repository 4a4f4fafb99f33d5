#!/bin/bash
# papi_vmpower --export DIR, the failures (the working export is exercised on
# real guests by ctests/vmlab/test_vmpower_guest_rapl.sh):
#   - DIR that cannot be created (its parent is a file): exit 1, one message
#     naming DIR and the reason; nothing created
#   - vmpower unusable (no energy source, no libvirt): exit 1 with the
#     component's reason, printed once, instead of a monitor that exports
#     nothing; DIR stays empty
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

touch "$T/file"
err=$("$U/papi_vmpower" --quiet -c 1 --export "$T/file/sub" 2>&1 >/dev/null); st=$?
echo "not creatable: exit $st: $err"
[ $st -eq 1 ] || fail "--export under a file exited $st, want 1"
grep -q "^papi_vmpower: --export '$T/file/sub': cannot create the directory: Not a directory$" <<<"$err" ||
	fail "message does not name the path and the reason: $err"
[ "$(wc -l <<<"$err")" -eq 1 ] || fail "more than one message: $err"

# No RAPL on this machine and no model: the component refuses to export.
err=$(env -u PAPI_VIRT_POWER_MODEL PAPI_VIRT_SYSFS="$T/nosys" PAPI_VIRT_URI="qemu:///system?socket=$T/none" \
	timeout 30 "$U/papi_vmpower" --quiet -c 1 --export "$T/exp" 2>&1 >/dev/null); st=$?
echo "no vmpower: exit $st: $err"
[ $st -eq 1 ] || fail "--export without a usable vmpower exited $st, want 1"
grep -q "^papi_vmpower: --export: component vmpower is disabled: " <<<"$err" || fail "no reason given: $err"
[ "$(grep -c 'vmpower is disabled' <<<"$err")" -eq 1 ] || fail "the reason is printed more than once: $err"
[ -z "$(ls -A "$T/exp" 2>/dev/null)" ] || fail "$T/exp is not empty: $(ls -A "$T/exp")"

pv_done "papi_vmpower --export failures"
