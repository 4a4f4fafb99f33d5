# make bench: the benchmark harness (docs/benchmarks.md explains method and
# results).  Included by the top Makefile AFTER every component's .mk, so
# PV_BENCH holds the component benches here.  They are taken over into one
# serial run (bench/run-bench.sh runs each with $(MAKE) <target>, after our
# own measurements): with make -j, independent bench targets would otherwise
# run at the same time and time each other.
PVB_PARTS := $(PV_BENCH)
PV_BENCH := bench-run

PVB_DIR := $(B)/bench
PVB_PEER_DIR := $(B)/bench-peer
PVB_PEER_LIB := $(PVB_PEER_DIR)/papi/src/$(PAPI_SONAME)
PVB_HDRS := $(srcdir)/bench/common_timing.h
PVB_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -pthread $(PV_WARN) -I$(srcdir)/bench
PVB_PROGS := $(PVB_DIR)/common_readlat $(PVB_DIR)/common_iolat $(PVB_DIR)/common_fsfloor \
	$(PVB_DIR)/common_iolat_stockappio

# PAPI client WITHOUT a RUNPATH: the run chooses our libpapi or the peer's
# with LD_LIBRARY_PATH (the program reports which one it loaded).
$(PVB_DIR)/common_readlat: $(srcdir)/bench/common_readlat.c $(PVB_HDRS) | papi
	@mkdir -p $(dir $@)
	$(CC) $(PVB_CFLAGS) -I$(PAPI_SRC) $< -o $@ -L$(PAPI_SRC) -lpapi -ldl

$(PVB_DIR)/common_iolat: $(srcdir)/bench/common_iolat.c $(PVB_HDRS) | papi
	@mkdir -p $(dir $@)
	$(CC) $(PVB_CFLAGS) -I$(PAPI_SRC) $< -o $@ -ldl

$(PVB_DIR)/common_fsfloor: $(srcdir)/bench/common_fsfloor.c $(PVB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(PVB_CFLAGS) $< -o $@

# The same I/O loop linked with the peer's static libpapi.a: the only way
# stock appio intercepts anything (see common_iolat.c).
$(PVB_DIR)/common_iolat_stockappio: $(srcdir)/bench/common_iolat.c $(PVB_HDRS) bench-peer
	@mkdir -p $(dir $@)
	$(CC) $(PVB_CFLAGS) -I$(PAPI_SRC) -DPVB_STATIC_PAPI $< -o $@ $(PVB_PEER_DIR)/papi/src/libpapi.a -L$(PFM_LIBDIR) -lpfm -ldl -lm

# APPIO_STOCK_LIBPAPI is deliberately not given to appio's own bench: it
# preloads the peer libpapi.so, whose stock appio wrappers are hidden symbols
# that intercept nothing, so its "stock" row would equal "none".

# The peer libpapi: same PAPI source as ours, stock appio/stealtime/powercap.
# The script rebuilds only when the source or its flags change.
.PHONY: bench-peer bench-programs bench-run bench-report
bench-peer: $(B)/.stamp-papi-fetch
	sh $(srcdir)/bench/peer/build-peer.sh $(PAPI_ORIG) $(PVB_PEER_DIR) $(PFM_LIBDIR) $(AUTOCONF)

bench-programs: $(PVB_PROGS)

bench-run: all bench-programs bench-peer
	PV_BUILDDIR=$(B) PV_SRCDIR=$(srcdir) PV_PAPI_LIBDIR=$(PAPI_SRC) \
	PV_PEER_LIBDIR=$(dir $(PVB_PEER_LIB)) PVB_BIN=$(PVB_DIR) PVB_PARTS="$(PVB_PARTS)" \
	MAKE="$(MAKE)" \
	bash $(srcdir)/bench/run-bench.sh

# Rewrites the table from the last run's results, without measuring.
bench-report:
	sh $(srcdir)/bench/report.sh $(PVB_DIR)/results $(srcdir)/docs/benchmarks.md
