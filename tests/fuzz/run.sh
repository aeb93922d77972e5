#!/bin/sh
# run.sh: runs libFuzzer targets one after another, each for FUZZ_SECONDS
# (default 60) from its committed seed corpus and regression inputs, one
# process at a time.  The growing corpus lives in fuzz-work/<target>/ under
# the current directory, so the committed one never changes by itself;
# a crash leaves its input as fuzz-work/<target>-crash-* and fails the run.
#
# usage: run.sh TOP_SRCDIR BINDIR TARGET...
set -u
top=$1
bindir=$2
shift 2
secs=${FUZZ_SECONDS:-60}
fails=0

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
	esac
	log=fuzz-work/$t.log
	echo "fuzz: $t for ${secs}s"
	# -timeout: one input taking 10 s is a hang; the RSS cap is
	# far above any honest run of these parsers.
	"$bindir/fuzz_$t" $dict -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="fuzz-work/$t-" "$work" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	ncorp=$(find "$work" -type f | wc -l)
	if [ $rc -ne 0 ]; then
		echo "fuzz: $t FAILED (exit $rc), see $log:"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5
		fails=$((fails + 1))
	else
		echo "fuzz: $t ok: execs=${execs:-?} cov=${cov:-?}" \
		    "ft=${ft:-?} corpus=$ncorp"
	fi
done
[ $fails -eq 0 ]
