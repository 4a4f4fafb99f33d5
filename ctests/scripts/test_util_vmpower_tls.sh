#!/bin/bash
# papi_vmpower --web.config.file (Prometheus exporter-toolkit's format): TLS
# with the test's own CA (openssl) and basic auth with a bcrypt hash
# (htpasswd -B).  `promtool check web-config` accepts the file; a real
# Prometheus scrapes over HTTPS with the CA and the password (up == 1, the
# metrics arrive) and fails with a wrong password (up == 0); curl: right
# password 200, wrong password or none 401 with a Basic challenge; plain HTTP
# to the TLS port fails at once and the exporter keeps serving HTTPS.  Bad
# files (unknown field, plain-text password, missing key_file, unreadable
# cert, client certificates asked for, broken YAML): exit 1 before
# listening, the message names the field (and promtool rejects them too
# where the format itself is wrong).
# shellcheck source=ctests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ctests/scripts/prom-lib.sh
. "$here/prom-lib.sh"
for tool in openssl htpasswd promtool curl; do
	command -v $tool >/dev/null || { echo "FAIL: $tool missing (scripts/install-deps.sh)"; exit 1; }
done
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; prom_stop; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM   # the EXIT trap then cleans up
t0=$(date +%s%N)

# The test's CA and a server certificate for 127.0.0.1 signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.crt" -days 2 \
	-subj "/CN=papi-virt test CA" 2>/dev/null || fail "openssl CA"
openssl req -newkey rsa:2048 -nodes -keyout "$T/server.key" -out "$T/server.csr" \
	-subj "/CN=127.0.0.1" 2>/dev/null || fail "openssl CSR"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/san.ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
	-out "$T/server.crt" -days 2 -extfile "$T/san.ext" 2>/dev/null || fail "openssl sign"
hash=$(htpasswd -nbBC 10 prom 's3cret pass' | sed 's/^prom://')
cat >"$T/web.yml" <<YML
# exporter-toolkit web configuration
tls_server_config:
  cert_file: server.crt          # relative to this file
  key_file: $T/server.key
basic_auth_users:
  prom: '$hash'
YML
promtool check web-config "$T/web.yml" >"$T/pt" 2>&1 || fail "promtool check web-config: $(cat "$T/pt")"

exporter_fixture "$T/r.txt" 300
exporter_start "$T/err" --replay "$T/r.txt" -i 0.5 --quiet --prometheus 127.0.0.1:0 \
	--web.config.file "$T/web.yml" || { fail "exporter did not start"; exit 1; }
pid=$EXPORTER_PID port=$EXPORTER_PORT
grep -q '(HTTPS) (basic auth)' "$T/err" || fail "start-up line does not say HTTPS and basic auth: $(cat "$T/err")"
https=https://127.0.0.1:$port/metrics

for _ in $(seq 50); do   # the first sample takes one interval
	code=$(curl -s -o "$T/m" -w '%{http_code}' --max-time 5 --cacert "$T/ca.crt" -u 'prom:s3cret pass' "$https")
	grep -q '^papi_virt_vm_energy_joules_total' "$T/m" && break
	sleep 0.1
done
[ "$code" = 200 ] && grep -q '^papi_virt_vm_energy_joules_total{vm="web"' "$T/m" || fail "HTTPS with the password: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$T/ca.crt" -u 'prom:wrong' "$https")
[ "$code" = 401 ] || fail "wrong password: HTTP $code, want 401"
code=$(curl -s -D "$T/h" -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$T/ca.crt" -u 'nobody:s3cret pass' "$https")
[ "$code" = 401 ] || fail "unknown user: HTTP $code, want 401"
code=$(curl -s -D "$T/h" -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$T/ca.crt" "$https")
[ "$code" = 401 ] && grep -qi '^WWW-Authenticate: Basic' "$T/h" || fail "no credentials: HTTP $code, want 401 with a Basic challenge"
curl -s -o /dev/null --max-time 5 "$https" && fail "curl accepted the server without the test CA"
s=$(date +%s%N)
curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port/metrics"; st=$?
ms=$((($(date +%s%N) - s) / 1000000))
[ $st -ne 0 ] && [ $st -ne 28 ] || fail "plain HTTP to the TLS port: curl exit $st (want a failed exchange, not success or a timeout)"
[ $ms -lt 3000 ] || fail "plain HTTP to the TLS port took $ms ms to fail"
echo "plain HTTP to the TLS port: curl exit $st after $ms ms"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$T/ca.crt" -u 'prom:s3cret pass' "$https")
[ "$code" = 200 ] || fail "HTTPS after a plain-HTTP attempt: $code"

# A real Prometheus, over HTTPS with the CA and basic auth; and one target
# with a wrong password, which it must see as down.
cat >"$T/prometheus.yml" <<YML
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: tls
    scheme: https
    tls_config: {ca_file: $T/ca.crt}
    basic_auth: {username: prom, password: 's3cret pass'}
    static_configs: [{targets: ['127.0.0.1:$port']}]
  - job_name: wrongpass
    scheme: https
    tls_config: {ca_file: $T/ca.crt}
    basic_auth: {username: prom, password: wrong}
    static_configs: [{targets: ['127.0.0.1:$port']}]
YML
prom_start "$T" "$T/prometheus.yml" || { fail "Prometheus did not start"; exit 1; }
python3 - "$PROM_URL" <<'PY' || fail "Prometheus over HTTPS (above)"
import json, sys, time, urllib.parse, urllib.request
def q(e):
    with urllib.request.urlopen(sys.argv[1] + '/api/v1/query?' + urllib.parse.urlencode({'query': e}), timeout=10) as r:
        return json.load(r)['data']['result']
# Until both jobs were scraped 3 times (at most 30 s: a loaded host is slow).
for _ in range(150):
    n = {s['metric']['job']: float(s['value'][1]) for s in q('count_over_time(up[1m])')}
    if len(n) == 2 and min(n.values()) >= 3:
        break
    time.sleep(0.2)
up = {s['metric']['job']: float(s['value'][1]) for s in q('up')}
n = q('count_over_time(up{job="tls"}[1m])')
e = q('papi_virt_vm_energy_joules_total{job="tls"}')
print('up', up, 'scrapes', n[0]['value'][1] if n else 0, 'energy series', [s['metric'] for s in e])
assert up == {'tls': 1.0, 'wrongpass': 0.0}, up
assert q('min_over_time(up{job="tls"}[1m])')[0]['value'][1] == '1'
assert e and e[0]['metric']['vm'] == 'web' and e[0]['metric']['uuid'].startswith('0b6c3f5e'), e
PY
prom_stop
kill "$pid"; wait "$pid"; pid=

# Bad files: exit 1, a message naming the field, nothing listening.
bad() { # name, expected message, promtool must reject (1/0); file on stdin
	local name=$1 want=$2 pt=$3 f=$T/bad-$1.yml p st
	cat >"$f"
	p=$(prom_free_port)
	timeout 10 "$U/papi_vmpower" --replay "$T/r.txt" -i 0.5 --quiet --prometheus "127.0.0.1:$p" \
		--web.config.file "$f" >/dev/null 2>"$f.err"; st=$?
	[ $st -eq 1 ] || fail "$name: exit $st, want 1"
	grep -q -- "$want" "$f.err" || fail "$name: message lacks '$want': $(cat "$f.err")"
	grep -q 'Prometheus metrics on port' "$f.err" && fail "$name: the exporter listened"
	if [ "$pt" = 1 ]; then
		promtool check web-config "$f" >/dev/null 2>&1 && fail "$name: promtool accepted it"
	fi
	echo "bad config $name: $(head -1 "$f.err")"
}
bad unknown-field "tls_config: unknown field" 1 <<YML
tls_config:
  cert_file: $T/server.crt
YML
bad plaintext-password "basic_auth_users.prom: not a bcrypt hash" 1 <<YML
basic_auth_users:
  prom: s3cret
YML
bad missing-key "tls_server_config.key_file: missing" 1 <<YML
tls_server_config:
  cert_file: $T/server.crt
YML
bad unreadable-cert "tls_server_config.cert_file: cannot read $T/nope.crt" 0 <<YML
tls_server_config:
  cert_file: $T/nope.crt
  key_file: $T/server.key
YML
bad client-certs "tls_server_config.client_auth_type: 'RequireAndVerifyClientCert' is not supported" 0 <<YML
tls_server_config:
  cert_file: $T/server.crt
  key_file: $T/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: $T/ca.crt
YML
bad broken-yaml "not valid YAML" 1 <<YML
basic_auth_users: [prom: 'x'
YML
echo "duration $((($(date +%s%N) - t0) / 1000000)) ms"
pv_done "HTTPS and basic auth (exporter-toolkit web config), scraped by Prometheus; bad files refused"
