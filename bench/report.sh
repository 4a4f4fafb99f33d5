#!/bin/sh
# Writes the benchmark table (markdown) from one run's raw results.
#
# usage: report.sh RESULTS_DIR OUTPUT.md
#   RESULTS_DIR/samples.txt  bench|case|param|impl|unit|value   (one per batch)
#   RESULTS_DIR/kv.txt       bench|case|param|impl|key|value    (one-off values)
#   RESULTS_DIR/notes.txt    section|text                       (failures, skips)
#   RESULTS_DIR/meta.txt     key=value                          (machine, date, commit)
#   RESULTS_DIR/parts/*.log  output of the components' own bench targets
# Medians and interquartile ranges are computed here, over all batches of
# all rounds; ratios are ratios of medians.
set -eu
R=${1:?usage: report.sh RESULTS_DIR OUTPUT.md}
OUT=${2:?usage: report.sh RESULTS_DIR OUTPUT.md}
[ -f "$R/samples.txt" ] && [ -f "$R/meta.txt" ] || { echo "report: no results in $R (run make bench)" >&2; exit 1; }
STATS=$R/stats.txt

# bench|case|param|impl|unit|n|median|q1|q3
LC_ALL=C sort -t'|' -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 -k6,6g "$R/samples.txt" | awk -F'|' '
	function flush(   m, q1, q3) {
		if (n == 0) return
		printf "%s|%d|%.6g|%.6g|%.6g\n", key, n, qt(0.5), qt(0.25), qt(0.75)
	}
	function qt(q,   pos, i) {
		pos = q * (n - 1); i = int(pos)
		if (i + 1 >= n) return v[n - 1]
		return v[i] + (pos - i) * (v[i + 1] - v[i])
	}
	{ k = $1 "|" $2 "|" $3 "|" $4 "|" $5
	  if (k != key) { flush(); key = k; n = 0 }
	  v[n++] = $6 + 0 }
	END { flush() }' >"$STATS"

tmp=$OUT.tmp.$$
awk -F'|' -v META="$R/meta.txt" -v KV="$R/kv.txt" -v NOTES="$R/notes.txt" -v GOALS="$R/goals.md" '
function has(k) { return (k in MED) }
function med(k) { return MED[k] }
function fmt(x) {
	if (x == "") return "-"
	if (x >= 100000) return sprintf("%.0f", x)
	if (x >= 100) return sprintf("%.0f", x)
	if (x >= 10) return sprintf("%.1f", x)
	return sprintf("%.2f", x)
}
# "median [q1-q3]" of a stats key, "n/a" when absent.
function cell(k) {
	if (!has(k)) return "n/a"
	return fmt(MED[k]) " [" fmt(Q1[k]) "-" fmt(Q3[k]) "]"
}
function ratio(a, b) {
	if (!has(a) || !has(b) || MED[b] <= 0) return "n/a"
	return sprintf("%.2fx", MED[a] / MED[b])
}
function added(a, base) {
	if (!has(a) || !has(base)) return "n/a"
	return sprintf("%+.0f", MED[a] - MED[base])
}
function goal(comp, text, measured, verdict) {
	NG++; GC[NG] = comp; GT[NG] = text; GM[NG] = measured; GV[NG] = verdict
}
function verdict(ok) { return ok ? "met" : "**NOT MET**" }
# "N" or "N (B + P)" when some guests of that level were created paused.
function gl(N) { return (N in RUN && RUN[N] < N) ? N " (" RUN[N] " + " (N - RUN[N]) ")" : N }
function kvget(k) { return (k in KVV) ? KVV[k] : "" }
BEGIN {
	while ((getline line < META) > 0) { i = index(line, "="); M[substr(line, 1, i - 1)] = substr(line, i + 1) }
	while ((getline line < KV) > 0) {
		n = split(line, f, "|"); KVV[f[1] "|" f[2] "|" f[3] "|" f[4] "|" f[5]] = f[6]
		if (f[1] == "vm" && f[5] == "guest_rss_kib") GRSS[f[3]] = f[6]
		if (f[1] == "vm" && f[5] == "boot_s") BOOT[f[3]] = f[6]
		if (f[1] == "vm" && f[5] == "load1") LOAD[f[3]] = f[6]
		if (f[1] == "vm" && f[5] == "running") RUN[f[3]] = f[6]
	}
	while ((getline line < NOTES) > 0) { NN++; NOTE[NN] = line }
}
{
	k = $1 "|" $2 "|" $3 "|" $4 "|" $5
	MED[k] = $7; Q1[k] = $8; Q3[k] = $9; CNT[k] = $6
	if ($1 == "steal" && $2 == "host_vcpu3" && $4 == "ours") { SN[$3] = 1 }
	if ($1 == "vmpower" && $2 == "read_2ev_per_vm" && $4 == "ours") { VN[$3] = 1 }
}
END {
	print "# Benchmarks"
	print ""
	print "Written by `make bench` (`bench/run-bench.sh`, `bench/report.sh`); do not edit by hand. One run on"
	print "one machine measures our components against the stock PAPI components that do similar jobs, built"
	print "from the same PAPI source into a peer `libpapi` (`bench/peer/`), and against the physical floor."
	print ""
	print "| machine | |"
	print "| --- | --- |"
	print "| date | " M["date"] " |"
	print "| commit | " M["commit"] " |"
	print "| CPU | " M["cpu"] ", " M["nproc"] " CPUs (" M["virt"] ") |"
	print "| memory | " M["mem"] " |"
	print "| OS, kernel | " M["os"] ", " M["kernel"] " |"
	print "| compiler | gcc " M["gcc"] " |"
	print "| load average (1/5/15 min) | start " M["load_start"] ", end " M["load_end"] " |"
	print "| run time | " M["duration_s"] " s" (M["quick"] == 1 ? " (**quick mode**: small counts, not for publication)" : "") " |"
	print ""
	print "**Method.** Calls are timed in batches (`clock_gettime(CLOCK_MONOTONIC)`, or the thread CPU clock"
	print "for I/O calls), many batches per case, and the variants (none / stock / ours) are interleaved in"
	print "rounds so that load from other jobs hits them alike. Cells are `median [first quartile - third"
	print "quartile]` over all batches; ratios are ratios of medians. The machine is shared and noisy: read"
	print "the ratios, not the absolute times. Instruction counts from `valgrind --tool=callgrind` (user"
	print "space only, noise-free) complement the times where an added cost is a few ns."
	print ""
	print "@@GOALS@@"

	# ---------------------------------------------------------------- appio
	ops[1] = "read64"; ops[2] = "pwrite4k"; ops[3] = "fwrite64"
	opd["read64"] = "64-byte `read` from /dev/zero"; opd["pwrite4k"] = "4 KiB `pwrite` to tmpfs"
	opd["fwrite64"] = "64-byte `fwrite` (stdio, to /dev/null)"
	print "## appio: cost per intercepted I/O call"
	print ""
	print "ns per call (thread CPU time), 1 thread. `none`: no interposition (the floor); `ours`: our"
	print "libpapi preloaded (appio component); `preload`: our standalone `libpapi_appio_preload.so`;"
	print "`stock`: the same loop linked with the peer'"'"'s static `libpapi.a` holding stock appio. (Stock appio"
	print "intercepts nothing through the shared `libpapi.so`: PAPI 7 builds it with `-fvisibility=hidden`, so"
	print "its `read`/`write`/`fread`/`fwrite` are not exported; preloading it measures nothing. Stock appio"
	print "has no `pwrite` wrapper: its pwrite row is the uninstrumented call.)"
	print ""
	print "| call | none | ours | ours/none | ours added ns | preload | stock | stock/none | stock added ns | stock added / ours added |"
	print "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for (i = 1; i <= 3; i++) {
		o = ops[i]; b = "appio|" o "|t1|"
		kn = b "none|ns"; ko = b "ours|ns"; ks = b "stock|ns"; kp = b "preload|ns"
		ar = "n/a"
		if (has(kn) && has(ko) && has(ks)) {
			d = MED[ko] - MED[kn]; ds = MED[ks] - MED[kn]
			if (ds <= 0) ar = "n/a (stock adds nothing)"
			else ar = (d >= 1) ? sprintf("%.0fx", ds / d) : sprintf("> %.0fx (ours within 1 ns of none)", ds)
		}
		print "| " opd[o] " | " cell(kn) " | " cell(ko) " | " ratio(ko, kn) " | " added(ko, kn) " | " cell(kp) " | " cell(ks) " | " ratio(ks, kn) " | " added(ks, kn) " | " ar " |"
	}
	print ""
	print "Thread scaling: ns per call per thread (thread CPU time; 8 threads on " M["nproc"] " CPUs measure contention, not"
	print "oversubscription)."
	print ""
	print "| call | threads | none | ours | ours/none | stock | stock/none |"
	print "| --- | --- | --- | --- | --- | --- | --- |"
	for (i = 1; i <= 3; i++)
		for (t = 1; t <= 8; t *= 2) {
			b = "appio|" ops[i] "|t" t "|"
			print "| " ops[i] " | " t " | " cell(b "none|ns") " | " cell(b "ours|ns") " | " ratio(b "ours|ns", b "none|ns") " | " cell(b "stock|ns") " | " ratio(b "stock|ns", b "none|ns") " |"
		}
	print ""
	print "User-space instructions per call (callgrind; kernel work such as stock appio'"'"'s extra `fstat` and"
	print "`select` system calls is not counted here, only in the times above):"
	print ""
	print "| call | none | ours (added) | preload (added) | stock (added) |"
	print "| --- | --- | --- | --- | --- |"
	for (i = 1; i <= 3; i++) {
		b = "appio|" ops[i] "|callgrind|"; kn = b "none|instr"
		line = "| " ops[i] " | " (has(kn) ? fmt(MED[kn]) : "n/a")
		split("ours preload stock", im, " ")
		for (j = 1; j <= 3; j++) {
			k = b im[j] "|instr"
			line = line " | " (has(k) && has(kn) ? fmt(MED[k]) " (" sprintf("%+.0f", MED[k] - MED[kn]) ")" : "n/a")
		}
		print line " |"
	}
	print ""
	kn = "appio|read64|t1|none|ns"; ko = "appio|read64|t1|ours|ns"; ks = "appio|read64|t1|stock|ns"
	if (has(kn) && has(ko)) {
		r = MED[ko] / MED[kn]
		goal("appio", "instrumented 64-byte read <= 1.15x uninstrumented", sprintf("%.3fx (%.0f vs %.0f ns)", r, MED[ko], MED[kn]), verdict(r <= 1.15))
	} else goal("appio", "instrumented 64-byte read <= 1.15x uninstrumented", "not measured", "**NOT MEASURED**")
	if (has(kn) && has(ko) && has(ks)) {
		d = MED[ko] - MED[kn]; ds = MED[ks] - MED[kn]; dd = (d < 1) ? 1 : d
		goal("appio", "added cost per read >= 20x lower than stock appio", sprintf("%.0fx (+%.0f ns stock, %+.0f ns ours)", ds / dd, ds, d), verdict(ds / dd >= 20))
	} else goal("appio", "added cost per read >= 20x lower than stock appio", "not measured", "**NOT MEASURED**")

	# ---------------------------------------------------------------- steal
	print "## steal"
	print ""
	print "`PAPI_read` latency, ns, of system steal time: ours `steal:::STEAL_NS` against stock"
	print "`stealtime:::TOTAL`; the floor is reading /proc/stat alone (open+read+close, or pread on an open"
	print "descriptor)."
	print ""
	b = "steal|system_steal|-|"
	print "Ours keeps a 1 ms snapshot of /proc/stat (`PAPI_VIRT_STEAL_CACHE_US`, steal moves in 10 ms ticks):"
	print "in this back-to-back loop most reads hit it. `ours, no cache` sets the cache to 0, so every"
	print "`PAPI_read` re-reads /proc/stat, which is what happens at any sampling interval above 1 ms; the"
	print "goal is judged on that row."
	print ""
	print "| ours (1 ms cache) | ours, no cache | stock | ours no cache / stock | ours cached / stock | floor open+read | floor pread |"
	print "| --- | --- | --- | --- | --- | --- | --- |"
	print "| " cell(b "ours|ns") " | " cell(b "ours_nocache|ns") " | " cell(b "stock|ns") " | " ratio(b "ours_nocache|ns", b "stock|ns") " | " ratio(b "ours|ns", b "stock|ns") " | " cell(b "floor_openread|ns") " | " cell(b "floor_pread|ns") " |"
	print ""
	if (has(b "ours_nocache|ns") && has(b "stock|ns")) {
		r = MED[b "ours_nocache|ns"] / MED[b "stock|ns"]
		goal("steal", "PAPI_read of STEAL_NS <= 0.5x stock stealtime TOTAL", sprintf("%.2fx uncached (%.0f vs %.0f ns); %.3fx with the 1 ms cache", r, MED[b "ours_nocache|ns"], MED[b "stock|ns"], MED[b "ours|ns"] / MED[b "stock|ns"]), verdict(r <= 0.5))
	} else goal("steal", "PAPI_read of STEAL_NS <= 0.5x stock stealtime TOTAL", "not measured", "**NOT MEASURED**")
	print "Host side: one EventSet with `VCPU_RUN_NS`, `VCPU_STEAL_NS` and `VCPU_HALT_NS` of every guest"
	print "(`:vm=NAME:vcpu=0`, 3 events per vCPU), idle 1-vCPU TCG guests of the VM lab. Stock PAPI has no"
	print "per-VM events: ours alone. Guests beyond `PVB_RUNNING_MAX` are created paused (QEMU process and"
	print "vCPU thread exist, the guest does not boot): booting dozens of TCG guests at once on a loaded"
	print "2-core host failed. The read path (libvirt-free /proc and cgroup reads per vCPU) is the same."
	print ""
	print "| guests (booted + paused) | PAPI_read, ns | per vCPU, ns | guest RSS, MiB each | host load (1 min) |"
	print "| --- | --- | --- | --- | --- |"
	nsn = 0; worst = -1; worstn = 0
	for (N = 1; N <= 1024; N++) {
		k = "steal|host_vcpu3|" N "|ours|ns"
		if (!has(k)) continue
		pv = MED[k] / N
		print "| " gl(N) " | " cell(k) " | " fmt(pv) " | " (N in GRSS ? sprintf("%.0f", GRSS[N] / 1024) : "-") " | " (N in LOAD ? LOAD[N] : "-") " |"
		if (N >= 16) { nsn++; if (pv > worst) { worst = pv; worstn = N } }
	}
	print ""
	if (nsn > 0)
		goal("steal", "host vCPU events <= 2 us per vCPU with 16+ guests", sprintf("%.0f ns per vCPU (worst, at %d guests)", worst, worstn), verdict(worst <= 2000))
	else goal("steal", "host vCPU events <= 2 us per vCPU with 16+ guests", "not measured (no run with 16+ guests)", "**NOT MEASURED**")

	# ---------------------------------------------------------------- rapl_vm
	print "## rapl_vm"
	print ""
	print "`PAPI_read` latency, ns, of all 6 energy events (package, core, dram of 2 packages) on a generated"
	print "2-package Intel powercap fixture tree. Ours reads it through `PAPI_VIRT_SYSFS`; stock powercap reads"
	print "fixed `/sys/class/powercap` paths and refuses non-Intel CPUs, so it runs in a private mount namespace"
	print "where the same tree is bind-mounted over `/sys/class/powercap`, `/proc/cpuinfo` says GenuineIntel and"
	print "cpu0'"'"'s `core_siblings` gives 2 sockets (`bench/peer/powercap-ns.sh`; nothing changes outside it)."
	print "Floors: the same 6 files read with open+read+close, and with pread on open descriptors (what stock"
	print "powercap does)."
	print ""
	b = "rapl_vm|energy6|-|"
	print "| ours | stock powercap | ours/stock | floor open+read | floor pread | ours/floor open+read | stock/floor pread |"
	print "| --- | --- | --- | --- | --- | --- | --- |"
	print "| " cell(b "ours|ns") " | " cell(b "stock|ns") " | " ratio(b "ours|ns", b "stock|ns") " | " cell(b "floor_openread|ns") " | " cell(b "floor_pread|ns") " | " ratio(b "ours|ns", b "floor_openread|ns") " | " ratio(b "stock|ns", b "floor_pread|ns") " |"
	print ""
	if (has(b "ours|ns") && has(b "stock|ns")) {
		r = MED[b "ours|ns"] / MED[b "stock|ns"]
		goal("rapl_vm", "PAPI_read of all energy events vs stock powercap (ratio)", sprintf("%.2fx (%.0f vs %.0f ns)", r, MED[b "ours|ns"], MED[b "stock|ns"]), r <= 1 ? "faster than stock" : "**slower than stock**")
	} else if (has(b "ours|ns") && has(b "floor_openread|ns")) {
		goal("rapl_vm", "PAPI_read of all energy events vs stock powercap (ratio)", sprintf("stock not measured; ours %.2fx the open+read floor", MED[b "ours|ns"] / MED[b "floor_openread|ns"]), "**NOT MEASURED** against stock")
	} else goal("rapl_vm", "PAPI_read of all energy events vs stock powercap (ratio)", "not measured", "**NOT MEASURED**")

	# ---------------------------------------------------------------- vmpower
	print "## vmpower"
	print ""
	print "`PAPI_read` latency of one EventSet with `VM_CPU_TIME_NS` and `VM_ENERGY_UJ` of every guest"
	print "(`PAPI_VIRT_POWER_MODEL` set: this host has no RAPL), and the bench process'"'"'s resident memory"
	print "after the reads, with N idle guests of the VM lab. No stock PAPI component attributes energy to"
	print "VMs: ours alone."
	print ""
	print "| guests (booted + paused) | PAPI_read, ns | per VM, ns | process RSS, KiB | start, s | host load (1 min) |"
	print "| --- | --- | --- | --- | --- | --- |"
	nv = 0
	for (N = 1; N <= 1024; N++) {
		k = "vmpower|read_2ev_per_vm|" N "|ours|ns"
		if (!has(k)) continue
		rss = kvget("vmpower|read_2ev_per_vm|" N "|ours|rss_kib")
		print "| " gl(N) " | " cell(k) " | " fmt(MED[k] / N) " | " (rss == "" ? "-" : sprintf("%.0f", rss)) " | " (N in BOOT ? BOOT[N] : "-") " | " (N in LOAD ? LOAD[N] : "-") " |"
		nv++; X[nv] = N; Y[nv] = MED[k]; Z[nv] = rss + 0
	}
	print ""
	if (nv >= 3) {
		# least squares y = a + b x, and R^2; same for RSS
		sx = sy = sxx = sxy = syy = sz = sxz = 0
		for (i = 1; i <= nv; i++) { sx += X[i]; sy += Y[i]; sxx += X[i] * X[i]; sxy += X[i] * Y[i]; syy += Y[i] * Y[i]; sz += Z[i]; sxz += X[i] * Z[i] }
		den = nv * sxx - sx * sx
		bl = (nv * sxy - sx * sy) / den; al = (sy - bl * sx) / nv
		ssr = 0; sst = 0
		for (i = 1; i <= nv; i++) { e = Y[i] - (al + bl * X[i]); ssr += e * e; sst += (Y[i] - sy / nv) ^ 2 }
		r2 = sst > 0 ? 1 - ssr / sst : 1
		bm = (nv * sxz - sx * sz) / den; am = (sz - bm * sx) / nv
		printf "Fit over %d points: latency = %.0f ns + %.0f ns x guests (R^2 = %.3f); process RSS = %.0f KiB + %.1f KiB x guests.\n\n", nv, al, bl, r2, am, bm
		# Growth: per-VM cost at the largest N against the smallest N >= 8 (or the smallest).
		lo = 1; hi = nv
		for (i = nv; i >= 1; i--) if (X[i] >= 8 && X[i] < X[hi]) lo = i
		g = (Y[hi] / X[hi]) / (Y[lo] / X[lo])
		goal("vmpower", "linear growth of PAPI_read with the number of VMs", sprintf("per-VM cost at %d VMs = %.2fx that at %d VMs; linear fit R^2 %.3f, %.0f ns/VM; memory %.1f KiB/VM", X[hi], g, X[lo], r2, bl, bm), verdict(g <= 1.5))
	} else goal("vmpower", "linear growth of PAPI_read with the number of VMs", "not measured (" nv " guest count(s); a fit needs 3)", "**NOT MEASURED**")
	k = "vmpower|read_2ev_per_vm|64|ours|ns"
	if (has(k)) goal("vmpower", "PAPI_read with 64 VMs <= 1 ms", sprintf("%.0f us", MED[k] / 1000), verdict(MED[k] <= 1e6))
	else goal("vmpower", "PAPI_read with 64 VMs <= 1 ms", "not measured (no run with 64 guests)", "**NOT MEASURED**")
	found = 0
	for (N = 1; N <= 1024; N++) {
		mine = kvget("vmpower|rpc_check|" N "|ours|reader_socket_syscalls")
		if (mine == "") continue
		other = kvget("vmpower|rpc_check|" N "|ours|other_thread_socket_syscalls")
		reads = kvget("vmpower|rpc_check|" N "|ours|reads")
		print "RPC check (`strace -f -yy` of " reads " `PAPI_read` calls with " N " guests, between markers the bench program writes): socket"
		print "system calls (libvirt RPC) by the thread calling `PAPI_read`: " mine "; by any other thread in the same window (libvirt"
		print "work handed to a worker thread would show here): " other "."
		print ""
		goal("vmpower", "no libvirt RPC on the read path", sprintf("%d socket syscalls by the reading thread, %d by other threads, during %d PAPI_read calls (%d guests)", mine, other, reads, N), verdict(mine == 0 && other == 0))
		found = 1
	}
	if (!found) goal("vmpower", "no libvirt RPC on the read path", "not checked", "**NOT MEASURED**")

	# ---------------------------------------------------------------- goals
	print "## Goals from the component issues" > GOALS
	print "" > GOALS
	print "| component | goal | measured | verdict |" > GOALS
	print "| --- | --- | --- | --- |" > GOALS
	for (i = 1; i <= NG; i++) print "| " GC[i] " | " GT[i] " | " GM[i] " | " GV[i] " |" > GOALS
	print "" > GOALS
	close(GOALS)
	print "## Reproducing"
	print ""
	print "In a configured build directory: `make bench` (root, for the VM lab and the powercap mount"
	print "namespace). It builds our libpapi, the peer libpapi (`bench/peer/build-peer.sh`) and the bench"
	print "programs, runs `bench/run-bench.sh` and rewrites this file. Knobs: `PVB_QUICK=1` (smoke run),"
	print "`PVB_GUESTS=\"1 2 4 8 16 32 64\"` (guest counts; empty skips the VM parts), `PVB_ONLY=\"appio steal"
	print "rapl_vm vm parts\"`, `PVB_BUDGET_S` (no new guest level after that many seconds),"
	print "`PVB_GUEST_MEM_MIB`. Raw samples: `<build>/bench/results/`; `make bench-report` rewrites the"
	print "table from them. Benchmarks are not part of the test command and never gate CI."
	print ""
	if (NN > 0) {
		print "## Notes from this run"
		print ""
		for (i = 1; i <= NN; i++) { j = index(NOTE[i], "|"); print "- " substr(NOTE[i], 1, j - 1) ": " substr(NOTE[i], j + 1) }
		print ""
	}
}' "$STATS" >"$tmp.body"
sed -e "/^@@GOALS@@\$/{r $R/goals.md" -e 'd}' "$tmp.body" >"$tmp"
rm -f "$tmp.body"

# The components' own bench targets, verbatim.
for f in "$R"/parts/*.log; do
	[ -e "$f" ] || continue
	{
		echo "## Component bench: \`make $(basename "$f" .log)\`"
		echo ""
		echo "Its own output, as printed:"
		echo ""
		echo '```'
		tail -n 60 "$f"
		echo '```'
		echo ""
	} >>"$tmp"
done
mv "$tmp" "$OUT"
echo "report: wrote $OUT"
