#!/bin/bash
# papi-vmpower.service: make install (DESTDIR) puts it under
# $(prefix)/lib/systemd/system with ExecStart at the installed papi_vmpower;
# `systemd-analyze verify` is clean (no output, exit 0: unknown keys only
# warn, so any output fails), shown able to fail on a broken copy;
# `systemd-analyze security --offline` rates it at most 5.0 (MEDIUM); the
# hardening does not take away what the exporter reads: /proc stays
# visible (no ProtectProc=invisible, no ProcSubset=pid), AF_UNIX (the
# libvirt socket) and AF_INET/6 stay allowed, no private network, cgroups
# and /sys only made read-only.  (systemd is installed here but is not PID
# 1, so the unit is verified offline, not started.)
set -u
: "${PV_BUILDDIR:?run through ctests/run-tests.sh}"
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze missing (apt-get install systemd)"; exit 1; }
S=$(mktemp -d /tmp/pv-unit-XXXXXX)
trap 'rm -rf "$S"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
t0=$(date +%s%N)

make -s -C "$PV_BUILDDIR" install DESTDIR="$S" >"$S.log" 2>&1 || { tail -20 "$S.log"; rm -f "$S.log"; echo "FAIL: make install"; exit 1; }
rm -f "$S.log"
prefix=$(sed -n 's/^prefix *:= *//p' "$PV_BUILDDIR/Makefile")
unit=$S$prefix/lib/systemd/system/papi-vmpower.service
[ -f "$unit" ] || { echo "FAIL: $unit not installed"; exit 1; }
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ "$exe" = "$prefix/bin/papi_vmpower" ] || fail "ExecStart runs '$exe', want $prefix/bin/papi_vmpower"
[ -x "$S$exe" ] || fail "$S$exe not installed"

# Verified as installed, the binary path pointed into the staging dir (the
# only change: verify checks that ExecStart exists).
mkdir "$S/v"
sed "s|^ExecStart=$exe|ExecStart=$S$exe|" "$unit" >"$S/v/papi-vmpower.service"
out=$(systemd-analyze verify "$S/v/papi-vmpower.service" 2>&1); st=$?
[ $st -eq 0 ] && [ -z "$out" ] || fail "systemd-analyze verify (exit $st): $out"
cp "$S/v/papi-vmpower.service" "$S/v/broken.service"
sed -i 's/^ProtectSystem=strict/ProtectSystm=strict/' "$S/v/broken.service"
out=$(systemd-analyze verify "$S/v/broken.service" 2>&1)
grep -q "Unknown key 'ProtectSystm'" <<<"$out" || fail "verify did not notice a misspelt key: $out"

sec=$(systemd-analyze security --offline=true "$S/v/papi-vmpower.service" 2>&1)
score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' <<<"$sec")
echo "systemd-analyze security: exposure ${score:-?}"
awk -v s="${score:-99}" 'BEGIN { exit !(s <= 5.0) }' || fail "exposure ${score:-unknown} > 5.0: $(tail -5 <<<"$sec")"

# What it must still reach.
u=$S/v/papi-vmpower.service
grep -Eq '^ProtectProc=(invisible|noaccess)|^ProcSubset=pid' "$u" && fail "/proc of the QEMU processes hidden"
grep -q '^PrivateNetwork=yes' "$u" && fail "PrivateNetwork: no scrapes would arrive"
fams=$(sed -n 's/^RestrictAddressFamilies=//p' "$u")
for f in AF_UNIX AF_INET AF_INET6; do
	grep -qw "$f" <<<"$fams" || fail "RestrictAddressFamilies lacks $f ($fams)"
done
grep -Eq '^(Inaccessible|Temporary)FileSystem.*(/proc|/sys|/run)|^InaccessiblePaths=.*(/proc|/sys|/run/libvirt)' "$u" &&
	fail "/proc, /sys or /run/libvirt made inaccessible"
grep -q '^CapabilityBoundingSet=.*CAP_PERFMON' "$u" || fail "no CAP_PERFMON (perf counters of the VMs)"
echo "duration $((($(date +%s%N) - t0) / 1000000)) ms"
[ $rc -eq 0 ] && echo "PASS: papi-vmpower.service installed, systemd-analyze verify clean, hardened"
exit $rc
