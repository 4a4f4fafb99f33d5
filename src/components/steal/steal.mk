# steal: its benchmark (bench/steal_bench.sh), run by make bench (and alone
# with make bench-steal).  Uses common_readlat/common_fsfloor from bench.mk.
.PHONY: bench-steal
bench-steal: papi $(B)/bench/common_readlat $(B)/bench/common_fsfloor
	PV_BUILDDIR=$(B) PV_SRCDIR=$(srcdir) PV_PAPI_LIBDIR=$(PAPI_SRC) PVB_BIN=$(B)/bench \
	bash $(srcdir)/bench/steal_bench.sh

PV_BENCH += bench-steal
