# shellcheck shell=bash
# A private Prometheus server (Debian's prometheus package) for tests:
#   prom_free_port                 a free TCP port on 127.0.0.1
#   prom_start DIR CONFIG_FILE     starts it on 127.0.0.1 with its data in
#                                  DIR/data; sets PROM_PID and PROM_URL; waits
#                                  (at most 30 s) until /-/ready answers
#   prom_stop                      TERM (then KILL) by its PID; DIR is the caller's
# The caller's EXIT trap must call prom_stop.
PROM_PID=
PROM_URL=

prom_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

prom_start() {
	local dir=$1 cfg=$2 port i
	command -v prometheus >/dev/null || { echo "prom-lib: prometheus missing (apt-get install prometheus)" >&2; return 1; }
	port=$(prom_free_port) || return 1
	mkdir -p "$dir/data"
	prometheus --config.file="$cfg" --storage.tsdb.path="$dir/data" \
		--web.listen-address="127.0.0.1:$port" --log.level=warn \
		>"$dir/prometheus.log" 2>&1 &
	PROM_PID=$!
	PROM_URL="http://127.0.0.1:$port"
	for i in $(seq 300); do
		curl -sf --max-time 1 "$PROM_URL/-/ready" >/dev/null 2>&1 && return 0
		kill -0 "$PROM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "prom-lib: prometheus did not become ready: $(tail -5 "$dir/prometheus.log")" >&2
	return 1
}

prom_stop() {
	[ -n "$PROM_PID" ] || return 0
	kill -TERM "$PROM_PID" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$PROM_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$PROM_PID" 2>/dev/null
	wait "$PROM_PID" 2>/dev/null
	PROM_PID=
}
