# make bench, start-up part: our libpapi against Debian's /usr/lib libpapi7.0
# in one run (bench/startup_bench.sh).  Joins the serial component benches
# of bench.mk (PVB_PARTS; this file is included after it).
$(B)/bench/startup_probe: $(srcdir)/bench/startup_probe.c | papi
	@mkdir -p $(dir $@)
	$(CC) $(PAPI_CLIENT_CFLAGS) $< -o $@ -L$(PAPI_SRC) -lpapi

.PHONY: bench-startup
bench-startup: $(B)/bench/startup_probe
	PV_SRCDIR=$(srcdir) PV_BUILDDIR=$(B) PV_PAPI_LIBDIR=$(PAPI_SRC) bash $(srcdir)/bench/startup_bench.sh

PV_EXTRA_ALL += $(B)/bench/startup_probe
PVB_PARTS += bench-startup
