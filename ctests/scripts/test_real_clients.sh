#!/bin/bash
# Debian's unmodified PAPI tools (/usr/bin/papi_component_avail,
# papi_native_avail, papi_command_line), pointed at our libpapi with
# LD_LIBRARY_PATH, must list every papi-virt component in the tree (active, or
# disabled with a reason) and list and read events of the active ones.
# vmpower initialises on first use (PAPI_EDELAY_INIT): the tools must still
# show its exact reason (never the delayed-init placeholder) and, with a
# reachable libvirt (its test driver, second pass), its events and values.
# A third pass simulates a machine without libvirt0 (PAPI_VIRT_LIBVIRT).
set -u
: "${PV_SRCDIR:?}" "${PV_PAPI_LIBDIR:?}"

fail=0
err() { echo "FAIL: $*"; fail=1; }

for t in papi_component_avail papi_native_avail papi_command_line; do
	[ -x /usr/bin/$t ] || { echo "FAIL: /usr/bin/$t missing (Debian package papi-tools)"; exit 1; }
done

components=()
for r in "$PV_SRCDIR"/src/components/*/Rules.*; do
	[ -e "$r" ] && components+=("$(basename "$(dirname "$r")")")
done
if [ ${#components[@]} -eq 0 ]; then
	echo "FAIL: no papi-virt component in $PV_SRCDIR/src/components"
	exit 1
fi

export LD_LIBRARY_PATH=$PV_PAPI_LIBDIR

check_tools() {
	local label=$1 want_active=$2 want_reason=$3
	echo "=== $label"
	avail=$(/usr/bin/papi_component_avail 2>&1)
	echo "$avail" | sed -n '/^Compiled-in components/,$p'

	# The section after "Active components:" lists the usable ones.
	active=$(echo "$avail" | sed -n '/^Active components:/,$p')
	compiled=$(echo "$avail" | sed -n '/^Compiled-in components:/,/^Active components:/p')

	for c in "${components[@]}"; do
		if ! echo "$compiled" | grep -Eq "^Name: +$c +"; then
			err "$c is not compiled into $PV_PAPI_LIBDIR/libpapi.so (Debian's papi_component_avail does not list it)"
			continue
		fi
		if echo "$active" | grep -Eq "^Name: +$c +"; then
			list=$(/usr/bin/papi_native_avail --noqual -i "$c:::" 2>&1)
			events=$(echo "$list" | sed -n "s/^| *\($c:::[^ ]*\) .*/\1/p")
			if [ -z "$events" ]; then
				err "$c is active but papi_native_avail lists no $c::: event"
				continue
			fi
			echo "$c: $(echo "$events" | wc -l) events listed by papi_native_avail"
			read_ok=0
			for e in $events; do
				out=$(timeout 60 /usr/bin/papi_command_line "$e" 2>&1)
				if echo "$out" | grep -Eq "^$e :[[:space:]]+-?[0-9.]+"; then
					echo "$c: papi_command_line read $e: $(echo "$out" | grep -E "^$e :")"
					read_ok=1
					break
				fi
			done
			[ $read_ok = 1 ] || err "$c: papi_command_line could not read any of: $events"
		else
			reason=$(echo "$compiled" | grep -A1 -E "^Name: +$c +" | sed -n 's/.*Disabled: *//p')
			if [ -z "$reason" ]; then
				err "$c is neither active nor disabled with a reason"
			else
				echo "$c: disabled on this machine: $reason"
			fi
		fi
	done

	# vmpower: never the placeholder; active or disabled as this pass expects.
	local vreason
	vreason=$(echo "$compiled" | grep -A1 -E "^Name: +vmpower +" | sed -n 's/.*Disabled: *//p')
	case $vreason in
	*"Not initialized"*) err "$label: vmpower shows the delayed-init placeholder, not its reason: $vreason" ;;
	esac
	if [ -n "$want_active" ] && ! echo "$active" | grep -Eq "^Name: +vmpower +"; then
		err "$label: vmpower not active: $vreason"
	fi
	if [ -n "$want_reason" ] && ! echo "$vreason" | grep -qF "$want_reason"; then
		err "$label: vmpower's reason '$vreason' does not contain '$want_reason'"
	fi
	if ! echo "$active" | grep -Eq "^Name: +steal +"; then
		err "$label: steal not active"
	fi
}

# 1. As the machine is (no libvirtd here: vmpower says why).
(unset PAPI_VIRT_URI LIBVIRT_DEFAULT_URI PAPI_VIRT_LIBVIRT; check_tools "this machine" "" "libvirt"; exit $fail) || fail=1
# 2. libvirt's test driver: vmpower active, its events listed and read.
(export PAPI_VIRT_URI=test:///default; unset PAPI_VIRT_LIBVIRT; check_tools "libvirt test driver" yes ""; exit $fail) || fail=1
# 3. No libvirt0.
(export PAPI_VIRT_URI=test:///default PAPI_VIRT_LIBVIRT=/nonexistent/libvirt.so.0
 check_tools "no libvirt0" "" "/nonexistent/libvirt.so.0"; exit $fail) || fail=1
exit $fail
