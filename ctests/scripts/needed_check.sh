# Sourced by tests (not a test itself): pv_check_needed LIB
# Fails (returns 1, prints FAIL lines) when LIB's NEEDED list holds
# anything heavy that Debian's libpapi7.0 does not need: libvirt, glib,
# json-c, microhttpd (or any library outside Debian's own list plus the
# C runtime).  Prints the NEEDED list.
pv_check_needed() {
	local lib=$1 n bad=0
	local debian=/usr/lib/x86_64-linux-gnu/libpapi.so.7.0
	local needed allowed
	needed=$(readelf -d "$lib" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p') ||
		{ echo "FAIL: readelf -d $lib"; return 1; }
	[ -n "$needed" ] || { echo "FAIL: $lib: no NEEDED entries (not a shared library?)"; return 1; }
	echo "NEEDED of $lib: $(echo $needed)"
	for n in $needed; do
		case $n in
		*virt* | *glib* | *gio* | *gobject* | *json-c* | *microhttpd*)
			echo "FAIL: $lib needs $n (must be loaded on demand or belong to the utilities)"
			bad=1 ;;
		esac
	done
	# Nothing beyond what Debian's libpapi needs, plus libc's own pieces
	# (libpthread/libm/librt/libdl are libc since glibc 2.34).
	allowed=$(readelf -d "$debian" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	for n in $needed; do
		case " $(echo $allowed) libc.so.6 libm.so.6 libpthread.so.0 librt.so.1 libdl.so.2 ld-linux-x86-64.so.2 " in
		*" $n "*) ;;
		*) echo "FAIL: $lib needs $n, which Debian's libpapi7.0 does not"; bad=1 ;;
		esac
	done
	return $bad
}
