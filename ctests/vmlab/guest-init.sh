#!/bin/sh
# /init of the lab's busybox initramfs (runs as PID 1 inside a guest).
#
# The workload comes from the kernel command line:
#   work=busy|idle|half   busy = 100% duty, idle = 0%, half = duty 50 unless duty= says otherwise
#   duty=NN               percent of each period spent spinning (0..100)
#   period_ms=NN          length of one on/off period (default 200; >= 200 for odd duties,
#                         the on-time is measured with /proc/uptime, 10 ms granular)
#
# Marker lines on ttyS0 (the host waits for them):
#   PVLAB booted
#   PVLAB ready work=W duty=D period_ms=P
#   PVLAB stat cpu ...          the guest's /proc/stat cpu line, every ~5 s
#   (share guests: lines of /pvlab-share.sh, see guest-share.sh)
#
# Every loop uses shell builtins only (read, printf, arithmetic): a fork+exec
# under TCG costs milliseconds of guest CPU and would distort the duty.

PATH=/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

out=/dev/ttyS0
[ -c "$out" ] || out=/dev/console
exec >"$out" 2>&1
echo "PVLAB booted"

work=busy duty= period_ms=200
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	work=*) work=${arg#work=} ;;
	duty=*) duty=${arg#duty=} ;;
	period_ms=*) period_ms=${arg#period_ms=} ;;
	esac
done
case "$work" in
busy) : "${duty:=100}" ;;
idle) : "${duty:=0}" ;;
half) : "${duty:=50}" ;;
*) echo "PVLAB error unknown work=$work, using idle"; work=idle; duty=0 ;;
esac
case "$duty" in ''|*[!0-9]*) echo "PVLAB error bad duty=$duty, using 50"; duty=50 ;; esac
case "$period_ms" in ''|*[!0-9]*|0) echo "PVLAB error bad period_ms=$period_ms, using 200"; period_ms=200 ;; esac
[ "$duty" -gt 100 ] && duty=100

# Only in the share initramfs (lab-share.sh): mount the host's virtual RAPL
# and start the PAPI programs in the background, before "ready".
[ -r /pvlab-share.sh ] && . /pvlab-share.sh

# A FIFO opened read-write never delivers data: "read -t" on it is a builtin sleep.
mkfifo /tmp/pvlab.sleep
exec 3<>/tmp/pvlab.sleep

# Centiseconds since boot from /proc/uptime ("123.45 ..."), into $now.
uptime_cs() {
	read -r up _ </proc/uptime
	s=${up%.*}
	c=${up#*.}
	c=${c#0}
	now=$((s * 100 + c))
}

# Seconds as "S.mmm" for read -t.
fmt_s() {
	sec=$(( $1 / 1000 ))
	ms=$(( $1 % 1000 ))
	if [ "$ms" -lt 10 ]; then ms=00$ms; elif [ "$ms" -lt 100 ]; then ms=0$ms; fi
	fmt=$sec.$ms
}

stat_line() {
	read -r line </proc/stat
	echo "PVLAB stat $line"
}

on_cs=$(( period_ms * duty / 1000 ))
off_ms=$(( period_ms - period_ms * duty / 100 ))
echo "PVLAB ready work=$work duty=$duty period_ms=$period_ms"

if [ "$duty" -ge 100 ]; then
	i=0
	while :; do
		i=$((i + 1))
		if [ "$i" -ge 200000 ]; then
			stat_line
			i=0
		fi
	done
elif [ "$duty" -le 0 ]; then
	while :; do
		read -r -t 5 _ <&3
		stat_line
	done
else
	fmt_s "$off_ms"
	off=$fmt
	uptime_cs
	next_stat=$((now + 500))
	while :; do
		uptime_cs
		start=$now
		while [ $((now - start)) -lt "$on_cs" ]; do
			uptime_cs
		done
		read -r -t "$off" _ <&3
		if [ "$now" -ge "$next_stat" ]; then
			stat_line
			next_stat=$((now + 500))
		fi
	done
fi
