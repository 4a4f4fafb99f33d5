# VM lab programs (ctests/vmlab/README.md).  guest_rapl_read runs inside the
# guests: it is copied into their initramfs with the libraries ldd lists, so it
# links libpapi alone (no utility modules, no libvirt of its own).
$(B)/ctests/vmlab/guest_rapl_read: $(srcdir)/ctests/vmlab/guest_rapl_read.c | papi
	@mkdir -p $(dir $@)
	$(CC) $(PAPI_CLIENT_CFLAGS) $< -o $@ -L$(PAPI_SRC) -lpapi

PV_EXTRA_ALL += $(B)/ctests/vmlab/guest_rapl_read

# Its host-side partner: follows the guests' serial logs and reads the host's
# counters at each guest reading.
$(B)/ctests/vmlab/rapl_host_watch: $(srcdir)/ctests/vmlab/rapl_host_watch.c | papi
	@mkdir -p $(dir $@)
	$(CC) $(PAPI_CLIENT_CFLAGS) $< -o $@ $(PAPI_CLIENT_LIBS)

PV_EXTRA_ALL += $(B)/ctests/vmlab/rapl_host_watch
