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

# papi_vmpower as an exporter, for tests:
#   exporter_fixture FILE N        a replay file of N one-second samples: VM
#                                  "web" (1 W, 50% CPU, its uuid), host 3 W
#   exporter_start LOG ARGS...     starts papi_vmpower ARGS... in the
#                                  background (stderr to LOG), waits (at most
#                                  10 s) for its "on port N" line; sets
#                                  EXPORTER_PID and EXPORTER_PORT; 1 on failure;
#                                  stdout to $EXPORTER_STDOUT (or /dev/null)
EXPORTER_PID=
EXPORTER_PORT=
EXPORTER_WEB_UUID=0b6c3f5e-1d2a-4c1b-9f00-aa00bb11cc22

exporter_fixture() {
	local i
	{
		echo "info basis=cpu_time source=estimated"
		for i in $(seq 1 "$2"); do
			echo "sample $i epoch=1 t0=0"
			echo "vm web uuid=$EXPORTER_WEB_UUID energy_uj=$((i * 1000000)) cpu_ns=$((i * 500000000))"
			echo "host energy_uj=$((i * 3000000)) active_uj=$((i * 1000000)) idle_uj=$((i * 2000000)) other_uj=0"
		done
	} >"$1"
}

exporter_start() {
	local log=$1
	shift
	"${PV_UTILS:?}/papi_vmpower" "$@" >"${EXPORTER_STDOUT:-/dev/null}" 2>"$log" &
	EXPORTER_PID=$!
	EXPORTER_PORT=
	for _ in $(seq 100); do
		EXPORTER_PORT=$(sed -n 's/.*on port \([0-9]*\) at \/metrics.*/\1/p' "$log")
		[ -n "$EXPORTER_PORT" ] && return 0
		kill -0 "$EXPORTER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "exporter did not announce its port: $(cat "$log")" >&2
	return 1
}
