# appio: the standalone interposer for papi_appio_run, papi_appio_run itself,
# and the interposition benchmark.  Included by the top Makefile.

APPIO_DIR := $(srcdir)/src/components/appio
APPIO_HDRS := $(wildcard $(APPIO_DIR)/*.h)
APPIO_PRELOAD := $(B)/utils/libpapi_appio_preload.so
APPIO_PRELOAD_SRCS := $(addprefix $(APPIO_DIR)/,appio_preload_wrap.c appio_preload_meta.c appio_preload.c \
	appio_registry.c appio_clock.c appio_fdclass.c appio_report.c appio_events.c appio_bins.c)
# Same flags as inside libpapi: hidden visibility, only the wrappers exported,
# its own calls bound to its own wrappers (Rules.appio says why).
APPIO_SO_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -fPIC -fvisibility=hidden $(PV_WARN) -I$(APPIO_DIR) -I$(srcdir)/src/shared

$(APPIO_PRELOAD): $(APPIO_PRELOAD_SRCS) $(APPIO_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(APPIO_SO_CFLAGS) -shared $(APPIO_PRELOAD_SRCS) -o $@ -ldl -lpthread -Wl,-z,defs -Wl,-Bsymbolic-functions

# papi_appio_run needs no PAPI: it links the PAPI-free report code, which
# overrides the generic utils rule (that one links libpapi).
$(B)/utils/papi_appio_run: $(srcdir)/utils/papi_appio_run.c $(PV_LOGIC_LIB) $(APPIO_HDRS) | $(APPIO_PRELOAD)
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) $< -o $@ -Wl,--as-needed $(PV_LOGIC_LIB) -lpthread -lm -ldl

# The accuracy test again, built with _FORTIFY_SOURCE=2 -O2: read becomes
# __read_chk, open __open_2, fprintf __fprintf_chk...  It must count the same
# (it runs as its own test; test_appio_fortify.sh also compares the two).
$(B)/ctests/papi/test_appio_fortify: $(srcdir)/ctests/papi/test_appio_accuracy.c $(srcdir)/ctests/papi/test_appio_expect.h papi
	@mkdir -p $(dir $@)
	$(CC) $(PAPI_CLIENT_CFLAGS) -I$(srcdir)/ctests/papi -O2 -D_FORTIFY_SOURCE=2 $< -o $@ $(PAPI_CLIENT_LIBS)

APPIO_BENCH_BIN := $(B)/bench/appio_bench

$(APPIO_BENCH_BIN): $(srcdir)/bench/appio_bench.c | papi
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -g $(PV_WARN) -I$(PAPI_SRC) $< -o $@ -ldl

.PHONY: bench-appio
bench-appio: $(APPIO_BENCH_BIN) $(APPIO_PRELOAD) papi
	PV_BUILDDIR=$(B) PV_SRCDIR=$(srcdir) sh $(srcdir)/bench/appio_bench.sh

PV_EXTRA_ALL += $(APPIO_PRELOAD) $(APPIO_BENCH_BIN) $(B)/ctests/papi/test_appio_fortify
PV_BENCH += bench-appio
PV_INSTALL_BINS += $(APPIO_PRELOAD)
