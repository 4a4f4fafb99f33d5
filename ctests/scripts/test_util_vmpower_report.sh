#!/bin/bash
# papi_vmpower --report FILE.html, from a replay file and from runs
# recorded with --json and --csv (--replay), with three VMs (one named with
# & < > " ' and UTF-8, one arriving late):
#   - the page is self-contained: no script, link, img, iframe, object, no
#     src/href/url()/@import, no http(s) reference at all;
#   - five inline SVG charts; every VM's name and the legend entries (host
#     active power, other, idle baseline, host total) are SVG text;
#   - the summary table has each VM's energy as the run's summary says;
#   - the JSON- and CSV-recorded runs give the same VM energies as the replay;
#   - headless Chromium (Debian's package, no network, fresh profile) renders
#     it to a PNG that is not blank: decoded here, more than 3% of the pixels
#     are not white and the VM colours of the palette are present.
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || { echo "FAIL: chromium missing (apt-get install chromium)"; exit 1; }
trap 'exit 143' TERM INT
t0=$(date +%s%N)

{
	echo "info basis=cpu_time source=estimated"
	for i in $(seq 1 30); do
		echo "sample $i epoch=1 t0=0"
		echo "vm w%C3%A9b%20%3C1%3E%20%26%20%22q%22%20%27s%27 uuid=11111111-1111-1111-1111-111111111111 energy_uj=$((i * 10000000)) cpu_ns=$((i * 700000000)) run_ns=$((i * 600000000)) steal_ns=$((i * 100000000)) halt_ns=$((i * 300000000)) share_pct=60"
		echo "vm db uuid=22222222-2222-2222-2222-222222222222 energy_uj=$((i * 5000000)) cpu_ns=$((i * 300000000)) run_ns=$((i * 300000000)) steal_ns=0 halt_ns=$((i * 700000000)) share_pct=30"
		[ "$i" -gt 10 ] && echo "vm late uuid=33333333-3333-3333-3333-333333333333 energy_uj=$(((i - 10) * 2000000)) cpu_ns=$(((i - 10) * 100000000)) run_ns=$(((i - 10) * 100000000)) steal_ns=0 halt_ns=$(((i - 10) * 900000000)) share_pct=10"
		echo "host energy_uj=$((i * 45000000)) active_uj=$((i * 20000000)) idle_uj=$((i * 25000000)) other_uj=$((i * 3000000))"
	done
} >"$T/r.txt"
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 --quiet --report "$T/a.html" 2>"$T/a.err" || fail "report from a replay: exit $?: $(cat "$T/a.err")"
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 --json >"$T/run.jsonl" 2>"$T/j.err" || fail "--json recording: exit $?"
"$U/papi_vmpower" --replay "$T/run.jsonl" -i 0 --quiet --report "$T/b.html" 2>"$T/b.err" || fail "report from --json: exit $?: $(cat "$T/b.err")"
# The CSV recording quotes the name with quotes in it (RFC 4180).
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 --csv >"$T/run.csv" 2>"$T/k.err" || fail "--csv recording: exit $?"
"$U/papi_vmpower" --replay "$T/run.csv" -i 0 --quiet --report "$T/c.html" 2>"$T/c2.err" || fail "report from --csv: exit $?: $(cat "$T/c2.err")"
{ head -1 "$T/run.csv"; printf '1,vm,x\n'; } >"$T/bad.csv"
"$U/papi_vmpower" --replay "$T/bad.csv" -i 0 --quiet 2>"$T/bad.err"; st=$?
[ $st -eq 1 ] && grep -q "bad.csv:2: not a papi_vmpower --csv row" "$T/bad.err" || fail "malformed CSV: exit $st, $(cat "$T/bad.err")"
grep -q "report written to $T/b.html" "$T/b.err" || fail "no 'report written' line: $(cat "$T/b.err")"
"$U/papi_vmpower" --replay "$T/r.txt" -i 0 --quiet --report /nonexistent-dir/x.html 2>"$T/c.err"; st=$?
[ $st -eq 1 ] && grep -q -- "--report /nonexistent-dir/x.html: No such file" "$T/c.err" || fail "unwritable report: exit $st, $(cat "$T/c.err")"

python3 - "$T/a.html" "$T/b.html" "$T/c.html" "$T/a.err" <<'PY' || fail "HTML checks (above)"
import html.parser, re, sys
names = ['wéb <1> & "q" \'s\'', 'db', 'late']
legend = ['host active power', 'other (host, not VMs)', 'idle baseline', 'host total power', 'active (VMs + other)']
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.tags = []; s.attrs = []; s.svg = 0; s.in_text = False; s.texts = []; s.cells = []; s.in_td = False
    def handle_starttag(s, tag, attrs):
        s.tags.append(tag); s.attrs += attrs
        if tag == 'svg': s.svg += 1
        if tag == 'text': s.in_text = True; s.texts.append('')
        if tag == 'td': s.in_td = True; s.cells.append('')
    def handle_endtag(s, tag):
        if tag == 'text': s.in_text = False
        if tag == 'td': s.in_td = False
    def handle_data(s, d):
        if s.in_text: s.texts[-1] += d
        if s.in_td: s.cells[-1] += d
def energies(p):
    out = {}
    for n in names:
        i = p.cells.index(n)
        out[n] = float(p.cells[i + 2])
    return out
res = []
for path in sys.argv[1:4]:
    src = open(path, encoding='utf-8').read()
    p = P(); p.feed(src)
    for bad in ('script', 'link', 'img', 'iframe', 'object', 'embed'):
        assert bad not in p.tags, (path, bad)
    assert not [a for a in p.attrs if a[0] in ('src', 'href', 'xlink:href')], p.attrs
    assert not re.search(r'url\(|@import|https?:', src), re.search(r'url\(|@import|https?:', src)
    assert p.svg == 5, (path, p.svg)
    for n in names + legend:
        assert n in p.texts, (path, n, sorted(set(p.texts))[:40])
    res.append(energies(p))
    print(path.rsplit('/', 1)[1], 'svg charts', p.svg, 'text elements', len(p.texts), 'energies', res[-1])
summ = open(sys.argv[4], encoding='utf-8').read()
for n, e in res[0].items():
    pre = n if n == 'db' or n == 'late' else 'wéb <1>'
    row = [l for l in summ.splitlines() if l.startswith(pre)]
    assert row and abs(float(row[0][len(n):].split()[0]) - e) < 0.05, (n, row, e)
assert res[0] == res[1] == res[2], ('replay and --json/--csv recordings differ', res)
PY

# Rendered by Chromium: not blank.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$T/profile" --window-size=1000,1800 --screenshot="$T/shot.png" \
	"file://$T/b.html" >"$T/chromium.log" 2>&1
[ -s "$T/shot.png" ] || fail "no screenshot: $(tail -5 "$T/chromium.log")"
python3 - "$T/shot.png" <<'PY' || fail "screenshot checks (above)"
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, hdr = 8, b'', None
while pos < len(data):
    n, typ = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b'IHDR': hdr = struct.unpack('>IIBBBBB', body)
    if typ == b'IDAT': idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = hdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, hdr
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, nonwhite = set(), 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp):
        px = tuple(line[x:x + 3])
        colours.add(px)
        if px != (255, 255, 255): nonwhite += 1
frac = nonwhite / (w * h)
# Line colours of the first three VMs (Tableau palette), drawn opaque.
want = [(0x4e, 0x79, 0xa7), (0xf2, 0x8e, 0x2b), (0x59, 0xa1, 0x4f)]
missing = [c for c in want if c not in colours]
print('screenshot %dx%d: %.1f%% non-white pixels, %d colours, missing VM colours %s' % (w, h, 100 * frac, len(colours), missing))
assert frac > 0.03 and not missing
PY
echo "duration $((($(date +%s%N) - t0) / 1000000)) ms"
pv_done "--report HTML self-contained, SVG text complete, rendered by Chromium"
