# steal: its benchmark (bench/steal_bench.sh), run by make bench (and alone
# with make bench-steal).  Uses common_readlat/common_fsfloor from bench.mk.
STEAL_READCOST := $(B)/bench/steal_readcost

# No RUNPATH: the run chooses our libpapi or the peer's with LD_LIBRARY_PATH.
$(STEAL_READCOST): $(srcdir)/bench/steal_readcost.c | papi
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -g $(PV_WARN) -I$(PAPI_SRC) $< -o $@ -L$(PAPI_SRC) -lpapi

.PHONY: bench-steal
bench-steal: papi $(STEAL_READCOST) $(B)/bench/common_readlat $(B)/bench/common_fsfloor
	PV_BUILDDIR=$(B) PV_SRCDIR=$(srcdir) PV_PAPI_LIBDIR=$(PAPI_SRC) PVB_BIN=$(B)/bench \
	bash $(srcdir)/bench/steal_bench.sh

PV_BENCH += bench-steal
