#!/bin/bash
# The lab's lab_xml_escape (ctests/vmlab/lab-core.sh) against Python's XML
# escaper, for names with every character XML cares about, under this bash
# (Debian 12: 5.2, whose patsub_replacement made '&' in a ${s//x/y}
# replacement insert the match: q"uo\te became q"quot;uo\te), with
# patsub_replacement on and off.  The round trip through an XML parser must
# give the name back.
set -u
SRC=${PV_SRCDIR:?run through ctests/run-tests.sh}
# shellcheck source=../vmlab/lab-core.sh
. "$SRC/ctests/vmlab/lab-core.sh" || { echo "FAIL: cannot source lab-core.sh"; exit 1; }
rc=0
names=('q"uo\te' "it's" '<b>&amp;</b>' 'a&b' $'tab\there' 'plain-name_1' 'é "x" <y> & '"'z'" '&&<<>>""'"''")
# One python run per pass (python starts slowly on a loaded machine): it
# reads name/escaped pairs, NUL-separated, and prints one line per mismatch.
check() {
	local n out
	out=$(for n in "${names[@]}"; do printf '%s\0%s\0' "$n" "$(lab_xml_escape "$n")"; done | python3 -c '
import sys, xml.sax.saxutils as s, xml.etree.ElementTree as E
f = sys.stdin.buffer.read().decode().split("\0")[:-1]
for name, got in zip(f[0::2], f[1::2]):
    want = s.escape(name, {"\"": "&quot;", "\x27": "&apos;"})
    if got != want:
        print("lab_xml_escape %r gave %r, expected %r" % (name, got, want))
    try:
        back = E.fromstring("<n>" + got + "</n>").text or ""
    except E.ParseError as e:
        back = "(not XML: %s)" % e
    if back != name:
        print("%r parses back as %r, not %r" % (got, back, name))
' 2>&1)
	[ -z "$out" ] || { echo "FAIL ($1):"; echo "$out"; rc=1; }
}
check "bash ${BASH_VERSION}, default options"
if shopt -q patsub_replacement 2>/dev/null; then
	shopt -u patsub_replacement
	check "patsub_replacement off"
	shopt -s patsub_replacement
	check "patsub_replacement on"
fi
[ $rc -eq 0 ] && echo "PASS: lab_xml_escape escapes ${#names[@]} names exactly (bash $BASH_VERSION)"
exit $rc
