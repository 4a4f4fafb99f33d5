# papi_vmguest runs inside guests (it is copied into the lab's share
# initramfs with what ldd lists): libpapi and the PAPI-free pv_guestview
# module from the logic archive only, not the host utilities' modules and
# libraries (libvirt, json-c, libmicrohttpd).
$(B)/utils/papi_vmguest: $(srcdir)/utils/guest/papi_vmguest.c $(PV_LOGIC_LIB) $(PV_HEADERS) | papi
	@mkdir -p $(dir $@)
	$(CC) $(PAPI_CLIENT_CFLAGS) $< -o $@ -L$(PAPI_SRC) -lpapi -Wl,-rpath,$(libdir) -Wl,--enable-new-dtags \
		$(PV_LOGIC_LIB)

PV_EXTRA_ALL += $(B)/utils/papi_vmguest
PV_INSTALL_BINS += $(B)/utils/papi_vmguest
