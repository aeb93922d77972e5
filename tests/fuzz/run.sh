#!/bin/sh
# run.sh: runs libFuzzer targets one after another, each for FUZZ_SECONDS
# (default 60) from its committed seed corpus and regression inputs, one
# process at a time.  The growing corpus lives in fuzz-work/<target>/ under
# the current directory, so the committed one never changes by itself;
# a crash leaves its input as fuzz-work/<target>-crash-* and fails the run.
# FUZZ_SEED (default: fresh from /dev/urandom, printed) is libFuzzer's
# -seed for every target, so a run can be repeated.  Ends with the line
# "N passed, N failed": a target passes when libFuzzer exits 0 (no crash,
# leak, timeout, out-of-memory or sanitizer report).
#
# usage: run.sh TOP_SRCDIR BINDIR TARGET...
set -u
top=$1
bindir=$2
shift 2
secs=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-}
# libFuzzer takes an unsigned 32-bit seed; 0 would mean "pick one".
[ -n "$seed" ] || seed=$(( $(od -An -N4 -tu4 /dev/urandom) % 4294967295 + 1 ))
echo "fuzz: seed $seed, ${secs}s a target (FUZZ_SEED=$seed to repeat)"
fails=0
passes=0

mkdir -p fuzz-work
for t in "$@"; do
	work=fuzz-work/$t
	mkdir -p "$work"
	for d in "$top/tests/fuzz/corpus/$t" "$top/tests/fuzz/regress/$t"; do
		[ -d "$d" ] && find "$d" -type f ! -name '.*' \
		    -exec cp -f {} "$work"/ \;
	done
	dict=
	case $t in
	cimxml_*|xml) dict=-dict=$top/tests/fuzz/cimxml.dict ;;
	wsman) dict=-dict=$top/tests/fuzz/wsman.dict ;;
	xmlscan) dict=-dict=$top/tests/fuzz/xmlscan.dict ;;
	esac
	log=fuzz-work/$t.log
	echo "fuzz: $t for ${secs}s"
	# -timeout: one input taking 10 s is a hang; the RSS cap is
	# far above any honest run of these parsers.
	"$bindir/fuzz_$t" $dict -seed="$seed" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="fuzz-work/$t-" "$work" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	ncorp=$(find "$work" -type f | wc -l)
	if [ $rc -ne 0 ]; then
		echo "fuzz: $t FAILED (exit $rc): execs=${execs:-?}, see $log:"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5
		echo "fuzz: keep the input under tests/fuzz/regress/$t/ with the fix"
		fails=$((fails + 1))
	else
		echo "fuzz: $t ok: execs=${execs:-?} cov=${cov:-?}" \
		    "ft=${ft:-?} corpus=$ncorp"
		passes=$((passes + 1))
	fi
done
echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
