#!/bin/bash
# One configuration table: the PAPI_VIRT_* names of src/shared/pv_config.c's
# table and of README.md's configuration table are the same set (a variable
# missing from either side fails, with its name); no file under src/ or
# utils/ but pv_config.c calls getenv("PAPI_VIRT_..."); and every test or
# build knob the scripts read with a default (a PV_* shell variable expanded
# with :- or -) is listed in docs/testing.md.
set -u
SRC=${PV_SRCDIR:?run through ctests/run-tests.sh}
rc=0
fail() { echo "FAIL: $*"; rc=1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# The C table: one entry per line, `[PV_CFG_X] = { "PAPI_VIRT_X", ...`.
grep -oE '^\s*\[PV_CFG_[A-Z0-9_]+\] = \{ "PAPI_VIRT_[A-Z0-9_]+"' "$SRC/src/shared/pv_config.c" |
	grep -oE 'PAPI_VIRT_[A-Z0-9_]+' | sort >"$tmp/c"
# The enum has one id per entry (PV_CFG_COUNT excluded): a table entry
# written on two lines would go unseen above.
n_enum=$(sed -n '/^enum pv_config_var {/,/^};/p' "$SRC/src/shared/pv_config.h" | grep -cE '^\s*PV_CFG_[A-Z0-9_]+,')
[ "$(wc -l <"$tmp/c")" -eq "$n_enum" ] ||
	fail "pv_config.c: $(wc -l <"$tmp/c") table entries found on one line each, pv_config.h's enum has $n_enum"

# README: the rows of the table under "## Configuration".
awk '/^## Configuration/ { on = 1; next } /^## / { on = 0 } on && /^\| `PAPI_VIRT_/' "$SRC/README.md" |
	grep -oE '^\| `PAPI_VIRT_[A-Z0-9_]+`' | grep -oE 'PAPI_VIRT_[A-Z0-9_]+' | sort >"$tmp/readme"

[ "$(wc -l <"$tmp/c")" -ge 10 ] || fail "only $(wc -l <"$tmp/c") names extracted from pv_config.c (extraction broken?)"
[ "$(wc -l <"$tmp/readme")" -ge 10 ] || fail "only $(wc -l <"$tmp/readme") names extracted from README.md"
[ -z "$(uniq -d "$tmp/c")" ] || fail "pv_config.c lists twice: $(uniq -d "$tmp/c" | tr '\n' ' ')"
[ -z "$(uniq -d "$tmp/readme")" ] || fail "README.md lists twice: $(uniq -d "$tmp/readme" | tr '\n' ' ')"
for v in $(comm -23 "$tmp/c" "$tmp/readme"); do
	fail "$v is in pv_config.c's table but not in README.md's configuration table"
done
for v in $(comm -13 "$tmp/c" "$tmp/readme"); do
	fail "$v is in README.md's configuration table but not in pv_config.c's table"
done

# No other reader of a PAPI_VIRT_* variable.
others=$(cd "$SRC" && grep -rn 'getenv("PAPI_VIRT_' src utils | grep -v '^src/shared/pv_config\.c:')
[ -z "$others" ] || fail "getenv of a PAPI_VIRT_* variable outside src/shared/pv_config.c: $others"
# Every PAPI_VIRT_* name the sources mention is in the table (a variable
# read some other way, or documented in a comment but never read).
(cd "$SRC" && grep -rhoE '"PAPI_VIRT_[A-Z0-9_]+"' src utils) | tr -d '"' | sort -u >"$tmp/used"
for v in $(comm -23 "$tmp/used" "$tmp/c"); do
	fail "$v is named in a string under src/ or utils/ but is not in pv_config.c's table"
done

# Test knobs: each PV_* variable the scripts expand with a default is
# documented in docs/testing.md's table.
(cd "$SRC" && grep -rhoE '\$\{PV_[A-Z0-9_]+:?-' scripts ctests bench Makefile.in) |
	grep -oE 'PV_[A-Z0-9_]+' | sort -u >"$tmp/knobs"
[ "$(wc -l <"$tmp/knobs")" -ge 10 ] || fail "only $(wc -l <"$tmp/knobs") test knobs found (extraction broken?)"
grep -oE '^\| `PV_[A-Z0-9_]+`' "$SRC/docs/testing.md" | grep -oE 'PV_[A-Z0-9_]+' | sort -u >"$tmp/knobdoc"
for v in $(comm -23 "$tmp/knobs" "$tmp/knobdoc"); do
	fail "test knob $v is read by a script but not listed in docs/testing.md"
done
for v in $(comm -13 "$tmp/knobs" "$tmp/knobdoc"); do
	grep -rqw --exclude=test_config_table.sh "$v" "$SRC/scripts" "$SRC/ctests" "$SRC/bench" "$SRC/Makefile.in" ||
		fail "docs/testing.md lists $v, which no script reads"
done

[ $rc -eq 0 ] && echo "ok: $(wc -l <"$tmp/c") PAPI_VIRT_* variables in pv_config.c and README.md; $(wc -l <"$tmp/knobs") test knobs documented"
exit $rc
