# rapl_vm: its benchmark (bench/rapl_vm_bench.sh), run by make bench and alone
# with make bench-rapl_vm.  Uses common_readlat/common_fsfloor from bench.mk
# and rapl_vm_readcost (the shared reader without PAPI, linked with the logic
# archive).
$(B)/bench/rapl_vm_readcost: $(srcdir)/bench/rapl_vm_readcost.c $(srcdir)/bench/common_timing.h $(PV_LOGIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -I$(srcdir)/bench $< -o $@ $(PV_LOGIC_LIB) -lpthread

.PHONY: bench-rapl_vm
bench-rapl_vm: papi $(B)/bench/common_readlat $(B)/bench/common_fsfloor $(B)/bench/rapl_vm_readcost
	PV_BUILDDIR=$(B) PV_SRCDIR=$(srcdir) PV_PAPI_LIBDIR=$(PAPI_SRC) PVB_BIN=$(B)/bench \
	bash $(srcdir)/bench/rapl_vm_bench.sh

PV_BENCH += bench-rapl_vm
