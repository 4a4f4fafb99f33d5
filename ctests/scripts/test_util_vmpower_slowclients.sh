#!/bin/bash
# papi_vmpower --prometheus under 1500 slow connections (slow loris), for
# 30 s: 30 client addresses (127.0.1.1-30) open 50 connections each, send a
# request line and then one header line every 2 s, never finishing; at
# 15 s a second wave reopens every closed one.  Meanwhile a scrape every second from 127.0.0.1 must
# succeed (200, a complete exposition, within 3 s).  Also checked: no slow
# connection lives beyond the 10 s header deadline (+3 s: the watchdog's and the client's polling), no
# address holds more than 32 connections, at most 256 are held at once
# (+32: closes the client has not noticed yet), and the exporter's own
# account says it timed out and evicted connections.  The client raises its
# descriptor limit (1500 sockets).
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ctests/scripts/prom-lib.sh
. "$here/prom-lib.sh"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM   # the EXIT trap then cleans up

exporter_fixture "$T/r.txt" 400
exporter_start "$T/err" --replay "$T/r.txt" -i 0.5 --quiet --prometheus 127.0.0.1:0 || { fail "exporter did not start"; exit 1; }
pid=$EXPORTER_PID port=$EXPORTER_PORT
for _ in $(seq 50); do   # the first sample takes one interval
	curl -s --max-time 2 "http://127.0.0.1:$port/metrics" | grep -q '^papi_virt_vm_energy' && break
	sleep 0.1
done

t_start=$(date +%s.%N)
python3 - "$port" <<'PY' || fail "slow clients starved the scrapes or outlived the limits (above)"
import errno, resource, socket, sys, threading, time, urllib.request
port = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
ADDRS = ['127.0.1.%d' % i for i in range(1, 31)]
PER_ADDR, DURATION, DEADLINE, TOTAL, PER_CLIENT = 50, 30.0, 10.0, 256, 32
t0 = time.monotonic()

scrapes = []
def scraper():
    while time.monotonic() - t0 < DURATION:
        start = time.monotonic()
        try:
            with urllib.request.urlopen('http://127.0.0.1:%d/metrics' % port, timeout=3) as r:
                body = r.read().decode()
                ok = r.status == 200 and 'papi_virt_vm_energy_joules_total{vm="web"' in body
        except Exception as e:
            ok, body = False, repr(e)
        scrapes.append((round(start - t0, 1), ok, round(time.monotonic() - start, 3), body[:80] if not ok else ''))
        time.sleep(max(0, 1 - (time.monotonic() - start)))
th = threading.Thread(target=scraper)
th.start()

conns = {}       # socket -> [address, opened at, lines sent]
lifetimes = []   # seconds a connection lived until the server closed it
def open_one(a):
    s = socket.socket()
    s.setblocking(False)
    s.bind((a, 0))
    s.connect_ex(('127.0.0.1', port))
    conns[s] = [a, time.monotonic(), 0]
for a in ADDRS:
    for _ in range(PER_ADDR):
        open_one(a)

max_held, max_per_addr, opened, wave2 = 0, 0, len(conns), False
while time.monotonic() - t0 < DURATION:
    now = time.monotonic()
    if not wave2 and now - t0 >= DURATION / 2:
        wave2 = True
        for a in ADDRS:
            for _ in range(PER_ADDR - sum(1 for st in conns.values() if st[0] == a)):
                open_one(a)
                opened += 1
    for s, st in list(conns.items()):
        line = b'GET /metrics HTTP/1.1\r\n' if st[2] == 0 else b'X-Slow-%d: 1\r\n' % st[2]
        closed = False
        try:
            # The server closing shows as EOF (readable, b'') or a reset.
            if s.recv(1) == b'':
                closed = True
        except BlockingIOError:
            pass
        except OSError as e:
            if e.errno in (errno.ENOTCONN, errno.EINPROGRESS, errno.EALREADY):
                continue   # connect still pending (listen queue full)
            closed = True
        if not closed:
            try:
                s.send(line)
                st[2] += 1
            except BlockingIOError:
                pass
            except OSError as e:
                if e.errno in (errno.ENOTCONN, errno.EINPROGRESS, errno.EALREADY):
                    continue
                closed = True
        if closed:
            if st[2] > 0:
                lifetimes.append(now - st[1])
            s.close()
            del conns[s]
    held = [st for st in conns.values() if st[2] > 0 and now - st[1] > 1]
    per = {}
    for st in held:
        per[st[0]] = per.get(st[0], 0) + 1
    max_held = max(max_held, len(held))
    max_per_addr = max([max_per_addr] + list(per.values()))
    time.sleep(max(0, 2 - (time.monotonic() - now)))
oldest = max([time.monotonic() - st[1] for st in conns.values() if st[2] > 1] + [0])
for s in conns:
    s.close()
th.join()

bad = [x for x in scrapes if not x[1]]
print('connections opened %d, closed by the server %d, longest life %.1f s, max held %d, '
      'max held by one address %d' % (opened, len(lifetimes), max(lifetimes + [oldest]), max_held, max_per_addr))
print('scrapes %d, failed %d, slowest %.3f s' % (len(scrapes), len(bad), max(x[2] for x in scrapes)))
for x in bad:
    print('  failed scrape at %.1f s after %.3f s: %s' % (x[0], x[2], x[3]))
assert len(scrapes) >= 25 and not bad, 'scrapes failed'
assert max(lifetimes + [oldest]) <= DEADLINE + 3, 'a slow connection outlived the header deadline'
assert max_per_addr <= PER_CLIENT, 'per-client limit exceeded'
assert max_held <= TOTAL + 32, 'total limit exceeded'
PY

python3 -c 'import sys, time; print("attack phase took %.1f s" % (time.time() - float(sys.argv[1])))' "$t_start"
kill -0 "$pid" 2>/dev/null || fail "the exporter did not survive the attack: $(cat "$T/err")"
kill -INT "$pid"
wait "$pid"; st=$?
pid=
[ $st -eq 0 ] || fail "exporter exit $st after the attack: $(cat "$T/err")"
grep 'HTTP:' "$T/err"
grep -q 'HTTP: [1-9][0-9]* connections timed out.*[1-9][0-9]* evicted' "$T/err" ||
	fail "the exporter reports no timed-out and evicted connections: $(cat "$T/err")"
pv_done "1500 slow connections for 30 s, every scrape answered"
