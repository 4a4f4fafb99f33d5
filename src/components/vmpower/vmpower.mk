# vmpower: the PAPI client used by the VM-lab tests and the benchmark.
$(B)/bench/vmpower_probe: $(srcdir)/bench/vmpower_probe.c papi
	@mkdir -p $(dir $@)
	$(CC) $(PAPI_CLIENT_CFLAGS) $< -o $@ $(PAPI_CLIENT_LIBS)

PV_EXTRA_ALL += $(B)/bench/vmpower_probe

.PHONY: bench-vmpower
bench-vmpower: $(B)/bench/vmpower_probe
	PV_SRCDIR=$(srcdir) PV_BUILDDIR=$(B) PV_PAPI_LIBDIR=$(PAPI_SRC) bash $(srcdir)/bench/vmpower_bench.sh

PV_BENCH += bench-vmpower
