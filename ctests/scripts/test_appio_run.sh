#!/bin/sh
# papi_appio_run: runs unmodified programs with the interposer preloaded and
# reports their process-wide counters exactly (table and JSON); passes the
# exit status through; says why when a program leaves no counters (killed by
# a signal, statically linked).
set -eu
U=${PV_UTILS:?}
RUN=$U/papi_appio_run
[ -x "$RUN" ] || { echo "FAIL: $RUN not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
fail() { echo "FAIL: $*"; exit 1; }
# value of "NAME": N in a JSON report
jv() { sed -n "s/.*\"$2\": \([-0-9]*\).*/\1/p" "$1"; }

head -c 12345 /dev/zero >"$tmp/in"

expect() { # file.json NAME=VALUE...
	f=$1
	shift
	for kv in "$@"; do
		k=${kv%=*} want=${kv#*=}
		got=$(jv "$f" "$k")
		[ "$got" = "$want" ] || fail "$f: $k = '$got', expected $want ($(cat "$f"))"
	done
}

# cat into a pipe: open, read (short: 12345 of its buffer), read (EOF),
# write, close.
"$RUN" -j -o "$tmp/cat.json" cat "$tmp/in" | wc -c >"$tmp/n"
[ "$(cat "$tmp/n")" -eq 12345 ] || fail "cat output changed under papi_appio_run"
expect "$tmp/cat.json" READ_BYTES=12345 READ_CALLS=2 READ_SHORT=1 READ_EOF=1 READ_ERR=0 WRITE_BYTES=12345 \
	WRITE_CALLS=1 FILE_READ_BYTES=12345 PIPE_WRITE_BYTES=12345 PIPE_WRITE_CALLS=1 READ_SIZE_10K_100K=1 \
	READ_SIZE_0_100=1 WRITE_SIZE_10K_100K=1 OPEN_CALLS=1 OPEN_ERR=0 READ_BLOCK_SIZE=6172
# cat into a file may copy in the kernel (copy_file_range): same bytes.
"$RUN" -j -o "$tmp/catf.json" cat "$tmp/in" >"$tmp/out"
[ "$(wc -c <"$tmp/out")" -eq 12345 ] || fail "cat output changed under papi_appio_run"
expect "$tmp/catf.json" READ_BYTES=12345 WRITE_BYTES=12345 FILE_READ_BYTES=12345 FILE_WRITE_BYTES=12345 \
	READ_EOF=1 READ_ERR=0 WRITE_ERR=0 OPEN_CALLS=1
grep -q '"command": \["cat", ' "$tmp/cat.json" || fail "JSON lacks the command"
grep -q '"exit_status": 0' "$tmp/cat.json" || fail "JSON lacks exit_status 0"
grep -q '"scope": "process"' "$tmp/cat.json" || fail "JSON lacks scope"

# Table on stderr by default; zeros omitted; the program's stdout untouched.
"$RUN" cat "$tmp/in" >"$tmp/out2" 2>"$tmp/table"
cmp -s "$tmp/out" "$tmp/out2" || fail "stdout differs"
grep -Eq '^READ_BYTES +12345 +bytes$' "$tmp/table" || fail "table: $(cat "$tmp/table")"
grep -q '^RECV_BYTES' "$tmp/table" && fail "table prints zero events"
"$RUN" -a -o "$tmp/all" true
grep -Eq '^RECV_BYTES +0 ' "$tmp/all" || fail "-a does not print zeros"

# A shell that execs: same pid, the exec'd program reports.  Exit statuses.
"$RUN" -j -o "$tmp/sh.json" sh -c "exec cat $tmp/in >/dev/null"
[ "$(jv "$tmp/sh.json" READ_BYTES)" = 12345 ] || fail "exec'd program not measured"
set +e
"$RUN" -o "$tmp/x" sh -c 'exit 7'
rc=$?
"$RUN" -o "$tmp/y" sh -c 'kill -TERM $$' 2>"$tmp/sig"
rc2=$?
"$RUN" -o "$tmp/z" /nonexistent/program 2>"$tmp/noent"
rc3=$?
set -e
[ $rc -eq 7 ] || fail "exit status 7 came back as $rc"
[ $rc2 -eq 143 ] || fail "SIGTERM came back as $rc2"
grep -q 'left no counters' "$tmp/sig" || fail "no explanation for a killed program"
[ $rc3 -eq 127 ] || fail "missing program gave $rc3"
# sh ends with _exit: still reported (the interposer catches _exit).
[ -s "$tmp/x" ] || fail "a program ending with _exit left no report"

# Children of the measured program count for themselves, not for it.
"$RUN" -j -o "$tmp/parent.json" sh -c "cat $tmp/in >/dev/null; true"
[ "$(jv "$tmp/parent.json" READ_BYTES)" = 0 ] || fail "a child's reads were added to its parent"

# Statically linked programs cannot be measured: said, not silently zero.
if [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; then
	set +e
	"$RUN" /bin/busybox cat "$tmp/in" >/dev/null 2>"$tmp/static"
	set -e
	grep -q 'statically linked' "$tmp/static" || fail "static binary: $(cat "$tmp/static")"
fi

# Bad usage
set +e
"$RUN" >/dev/null 2>&1
[ $? -eq 2 ] || fail "no command: expected exit 2"
PAPI_APPIO_PRELOAD=/nonexistent.so "$RUN" true 2>"$tmp/e"
[ $? -eq 2 ] || fail "bad PAPI_APPIO_PRELOAD: expected exit 2"
set -e
grep -q 'PAPI_APPIO_PRELOAD=/nonexistent.so' "$tmp/e" || fail "bad preload path not named"
echo "PASS: papi_appio_run exact on cat (12345 bytes), JSON/table, exit statuses, exec, _exit, children, static"
