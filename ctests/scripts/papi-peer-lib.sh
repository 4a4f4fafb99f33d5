# PAPI's own test programs as a peer check: shared by test_papi_peer*.sh
# (sourced, not a test).  Builds PAPI's ctests and the stock components'
# tests from the PAPI tree our libpapi is built from, once; finds our
# libpapi and the distribution's copy of the same soname; runs one program
# against one of them with a time limit and classifies the outcome.
#
# Needs from the runner: PV_BUILDDIR, PV_PAPI_LIBDIR.  Sets PEER_* below.

PEER_SRC=$PV_PAPI_LIBDIR                  # PAPI's src/ in our build tree
PEER_TIMEOUT=${PV_PEER_TIMEOUT:-120}      # seconds per program run
# Stock components whose tests we run (those our libpapi carries).
PEER_COMPONENTS="sde perf_event perf_event_uncore sysdetect"
# Programs that need ptrace(2): they trace a forked child (PTRACE_TRACEME,
# then PAPI_attach to it).  Whether that works depends on the kernel and
# the sandbox, not on libpapi (this machine refuses PTRACE_TRACEME with
# EINVAL, so they could only skip), a run under a debugger cannot trace
# them, and a timed-out run can leave a stopped tracee behind.  attach_target
# (their child) and burn (a CPU burner) are helpers, not tests; PAPI's own
# run_tests_exclude.txt skips them too.
PEER_EXCLUDE="attach2 attach3 attach_validate multiattach multiattach2 zero_attach attach_target burn"

peer_die() {
	echo "papi-peer: $*" >&2
	exit 1
}

# Our libpapi (the real file), its soname, and the distribution's copy of
# that soname (a file some Debian package owns).  No version is written
# here: it comes from the build.
peer_find_libs() {
	local f
	PEER_OURS=
	for f in "$PEER_SRC"/libpapi.so.*.*; do
		[ -f "$f" ] && [ ! -L "$f" ] && PEER_OURS=$f
	done
	[ -n "$PEER_OURS" ] || peer_die "no libpapi.so.* built in $PEER_SRC"
	PEER_SONAME=$(readelf -d "$PEER_OURS" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ -n "$PEER_SONAME" ] || peer_die "$PEER_OURS has no SONAME"
	PEER_DIST=
	for f in $(ldconfig -p | awk -v s="$PEER_SONAME" '$1 == s && /x86-64|64bit/ { print $NF }'); do
		f=$(readlink -f "$f")
		if dpkg -S "$f" >/dev/null 2>&1; then
			PEER_DIST=$f
			break
		fi
	done
	[ -n "$PEER_DIST" ] || peer_die "no distribution library with soname $PEER_SONAME (ldconfig -p, owned by a package): install libpapi (scripts/install-deps.sh)"
}

# ELF files under DIR... that carry an RPATH or RUNPATH.
peer_rpath_files() {
	find "$@" -maxdepth 1 -type f \( -perm -u+x -o -name '*.so*' \) 2>/dev/null |
		while read -r f; do
			readelf -d "$f" 2>/dev/null | grep -qE '\((RPATH|RUNPATH)\)' && echo "$f"
		done
}

# Builds testlib, the ctests and the components' tests into our PAPI tree,
# once (stamp in the tree: a fresh copy of the tree builds again).  PAPI's
# configure gives every program a RUNPATH to our install prefix (so that
# installed tools load our libpapi); here it is removed, or a libpapi
# installed there would stand in for the distribution's.
peer_build() {
	local stamp=$PEER_SRC/ctests/.pv-peer-built log=$PV_BUILDDIR/papi-peer-build.log c t0
	exec 9>"$PEER_SRC/ctests/.pv-peer-lock"
	flock 9
	if [ -f "$stamp" ]; then
		flock -u 9
		return 0
	fi
	t0=$(date +%s)
	echo "papi-peer: building PAPI's ctests and component tests in $PEER_SRC (log: $log)"
	{
		make -C "$PEER_SRC" testlib &&
		make -C "$PEER_SRC/validation_tests" flops_testcode.o instructions_testcode.o busy_work.o display_error.o
	} >"$log" 2>&1 || { tail -n 20 "$log"; peer_die "cannot build PAPI's test library"; }
	# -k: a program that does not build here (a missing compiler) is
	# left out, the others run.
	make -k -j"$(nproc)" -C "$PEER_SRC/ctests" >>"$log" 2>&1
	for c in $PEER_COMPONENTS; do
		[ -d "$PEER_SRC/components/$c/tests" ] && make -k -C "$PEER_SRC/components/$c/tests" >>"$log" 2>&1
	done
	peer_rpath_files "$PEER_SRC/ctests" $(for c in $PEER_COMPONENTS; do echo "$PEER_SRC/components/$c/tests" "$PEER_SRC/components/$c/tests/lib"; done) |
		while read -r f; do chrpath -d "$f" >/dev/null || exit 1; done || peer_die "chrpath -d failed"
	touch "$stamp"
	flock -u 9
	echo "papi-peer: built in $(( $(date +%s) - t0 ))s"
}

# The test programs: "DIR NAME" lines, ctests first, excluded ones left out.
peer_programs() {
	local d c f
	for d in "$PEER_SRC/ctests" $(for c in $PEER_COMPONENTS; do echo "$PEER_SRC/components/$c/tests"; done); do
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			[ -f "$f" ] && [ -x "$f" ] || continue
			case "$f" in *.c|*.h|*.so|*.cu|*.F90|*.f|*.cpp) continue ;; esac
			head -c 4 "$f" | grep -q ELF || continue
			case " $PEER_EXCLUDE " in *" ${f##*/} "*) continue ;; esac
			echo "$d ${f##*/}"
		done
	done
}

# The library path a side needs: ours puts our PAPI tree first; the
# distribution's gets only the test programs' own libraries (sde's tests
# link libraries of their own in tests/lib), so libpapi comes from the
# system.
peer_ldpath() { # SIDE DIR
	local extra=
	[ -d "$2/lib" ] && extra=$2/lib
	if [ "$1" = ours ]; then
		echo "$PEER_SRC${extra:+:$extra}"
	else
		echo "$extra"
	fi
}

# The libpapi a program loads on a side (resolved by ldd), as a real path.
peer_loaded_lib() {
	local lp p
	lp=$(peer_ldpath "$1" "$2")
	p=$(
		unset LD_LIBRARY_PATH
		[ -n "$lp" ] && export LD_LIBRARY_PATH=$lp
		ldd "$2/$3" 2>/dev/null | awk -v s="$PEER_SONAME" '$1 == s { print $3 }'
	)
	[ -n "$p" ] && readlink -f "$p"
}

# Runs DIR/NAME on SIDE in a fresh working directory WD, output to LOG;
# prints the outcome: PASSED, SKIPPED, FAILED, crash(SIGNAME) or timeout.
peer_run() { # SIDE DIR NAME WD LOG
	local side=$1 dir=$2 name=$3 wd=$4 log=$5 lp rc
	lp=$(peer_ldpath "$side" "$dir")
	mkdir -p "$wd"
	(
		cd "$wd" || exit 125
		ulimit -c 0
		unset LD_LIBRARY_PATH
		[ -n "$lp" ] && export LD_LIBRARY_PATH=$lp
		export PATH="$dir:$PATH"
		exec timeout -k 5 "$PEER_TIMEOUT" "$dir/$name" TESTS_QUIET
	) >"$log" 2>&1 </dev/null
	rc=$?
	peer_classify "$rc" "$log"
}

peer_classify() { # EXIT-STATUS LOG
	if [ "$1" -eq 124 ] || [ "$1" -eq 137 ]; then
		echo timeout
	elif [ "$1" -gt 128 ]; then
		echo "crash(SIG$(kill -l $(( $1 - 128 )) 2>/dev/null || echo $(( $1 - 128 ))))"
	elif [ "$1" -ne 0 ] || grep -q 'FAILED' "$2"; then
		echo FAILED
	elif grep -q 'SKIPPED' "$2"; then
		echo SKIPPED
	else
		echo PASSED
	fi
}

# PASSED 3 > SKIPPED 2 > FAILED 1 > crash, timeout 0.
peer_rank() {
	case "$1" in
	PASSED) echo 3 ;;
	SKIPPED) echo 2 ;;
	FAILED) echo 1 ;;
	*) echo 0 ;;
	esac
}
