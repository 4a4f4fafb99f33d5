#!/bin/bash
# A short libFuzzer run of every parser target (fuzz/fuzz_*.c, built with
# clang -fsanitize=fuzzer,address,undefined by scripts/fuzz.sh) on its seed
# corpus: PV_FUZZ_SECONDS each (default 30), two targets at a time
# (PV_FUZZ_JOBS).  Any crash, sanitizer report, leak or broken invariant
# fails.  Longer runs: docs/reliability.md.
set -u
SRC=${PV_SRCDIR:?run through ctests/run-tests.sh}
PV_BUILDDIR=${PV_BUILDDIR:?} exec bash "$SRC/scripts/fuzz.sh" "${PV_FUZZ_SECONDS:-30}"
