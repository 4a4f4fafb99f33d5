# Unit tests of the utilities' PAPI-free helper modules: they are not in the
# logic archive, so a ctests/unit/test_util_<module>.c is linked with
# utils/util_<module>.c itself (these explicit rules take precedence over the
# generic unit-test rules of the top Makefile).
UTIL_UNIT_SRCS := $(srcdir)/utils/util_vm.c

$(B)/ctests/unit/test_util_vm: $(srcdir)/ctests/unit/test_util_vm.c $(UTIL_UNIT_SRCS) $(wildcard $(srcdir)/utils/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -I$(srcdir)/utils $(CHECK_CFLAGS) $< $(UTIL_UNIT_SRCS) -o $@ $(CHECK_LIBS) -lm

$(B)/ctests/unit-asan/test_util_vm: $(srcdir)/ctests/unit/test_util_vm.c $(UTIL_UNIT_SRCS) $(wildcard $(srcdir)/utils/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(PV_CFLAGS) -O1 $(ASAN_FLAGS) -I$(srcdir)/utils $(CHECK_CFLAGS) $< $(UTIL_UNIT_SRCS) -o $@ $(CHECK_LIBS) -lm
