#!/bin/bash
# A drop-in libpapi: a program that never uses VM host events pays nothing
# for them (issue "lean drop-in libpapi").
#  1. NEEDED of the built libpapi: nothing Debian's libpapi7.0 lacks (no
#     libvirt, glib, json-c, microhttpd); test_install.sh checks the
#     installed one the same way.
#  2. An init-only program and one using a steal guest event, under strace:
#     no connect(), socket(), clone() or clone3(); no libvirt/glib mapped.
#  3. No libvirt0 (PAPI_VIRT_LIBVIRT names a missing library): libpapi
#     loads, guest events count (steal STEAL_NS, VIRT_NS, appio exactly),
#     vmpower and host steal events say why; PAPI's own steal-guest, appio
#     and rapl_vm (fixture) tests pass unchanged in that environment.
set -u
: "${PV_SRCDIR:?}" "${PV_PAPI_LIBDIR:?}" "${PV_BUILDDIR:?}"
. "$PV_SRCDIR/ctests/scripts/needed_check.sh"

fail=0
err() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lib=$(ls "$PV_PAPI_LIBDIR"/libpapi.so.*.* 2>/dev/null | sort | tail -1)
[ -n "$lib" ] || { echo "FAIL: no libpapi.so.* in $PV_PAPI_LIBDIR"; exit 1; }

# 1.
pv_check_needed "$lib" || fail=1

# 2.
command -v strace >/dev/null || { echo "FAIL: strace missing (scripts/install-deps.sh installs it)"; exit 1; }
gcc -O2 -Wall -Wextra -Werror -I"$PV_PAPI_LIBDIR" "$PV_SRCDIR/ctests/scripts/lean_client.c" -o "$tmp/lean_client" \
	-L"$PV_PAPI_LIBDIR" -lpapi -Wl,-rpath,"$PV_PAPI_LIBDIR" || { echo "FAIL: cannot build lean_client"; exit 1; }
for mode in init steal; do
	# Whatever the host has: a libvirtd socket, LIBVIRT_DEFAULT_URI...
	if ! strace -f -qq -e trace=connect,socket,clone,clone3 -o "$tmp/strace.$mode" \
		"$tmp/lean_client" "$mode" >"$tmp/out.$mode" 2>&1; then
		cat "$tmp/out.$mode"; err "lean_client $mode failed"
	fi
	calls=$(grep -cE '(connect|socket|clone3?)\(' "$tmp/strace.$mode")
	if [ "$calls" != 0 ]; then
		grep -E '(connect|socket|clone3?)\(' "$tmp/strace.$mode" | head
		err "lean_client $mode: $calls connect/socket/clone calls during PAPI_library_init..PAPI_shutdown"
	else
		echo "ok: lean_client $mode: no connect, socket, clone or clone3; $(grep -c . "$tmp/out.$mode") lines: $(tr '\n' ' ' <"$tmp/out.$mode")"
	fi
done

# 3.
missing=/nonexistent/papi-virt-test/libvirt.so.0
if PAPI_VIRT_LIBVIRT=$missing "$tmp/lean_client" nolibvirt >"$tmp/out.nolib" 2>"$tmp/err.nolib"; then
	cat "$tmp/out.nolib"
	# The reasons, once each, through PAPI's error channel.
	for what in "cannot look up VM 'guest1'" "VCPU_STEAL_NS: cannot list VMs"; do
		grep -F "$what" "$tmp/err.nolib" | grep -qF "$missing" ||
			err "no message '$what ... $missing' on stderr: $(cat "$tmp/err.nolib")"
	done
	grep -F "$missing" "$tmp/err.nolib"
else
	cat "$tmp/out.nolib" "$tmp/err.nolib"; err "lean_client nolibvirt failed"
fi
for t in test_steal_guest test_appio_accuracy test_rapl_vm_energy; do
	bin=$PV_BUILDDIR/ctests/papi/$t
	[ -x "$bin" ] || { err "$bin missing"; continue; }
	if PAPI_VIRT_LIBVIRT=$missing timeout 120 "$bin" >"$tmp/$t.log" 2>&1; then
		echo "ok: $t passes without libvirt"
	else
		tail -20 "$tmp/$t.log"; err "$t fails when libvirt cannot be loaded"
	fi
done
exit $fail
