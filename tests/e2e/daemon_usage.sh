#!/bin/sh
# daemon_usage.sh: cimheadd's command line: --help, --version, bad options
# and arguments give exit 2 with the usage on stderr.
. "$top_srcdir/tests/lib.sh"
D="$top_builddir/cimheadd"
[ -x "$D" ] || skip_all "cimheadd not built"

"$D" --help >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 0 "--help: exit 0"
grep -q '^usage: cimheadd' "$TEST_TMP/out"; ok $? "--help: usage on stdout"
grep -q 'cimheadd.conf(5)' "$TEST_TMP/out"; ok $? "--help: points at the manuals"
"$D" -h >/dev/null 2>&1; is "$?" 0 "-h: exit 0"

"$D" --version >"$TEST_TMP/out" 2>&1
is "$?" 0 "--version: exit 0"
grep -q '^cimheadd [0-9]' "$TEST_TMP/out"; ok $? "--version: name and version"

"$D" -x >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 2 "unknown option: exit 2"
grep -q '^usage: cimheadd' "$TEST_TMP/err"; ok $? "unknown option: usage on stderr"
is "$(wc -c <"$TEST_TMP/out" | tr -d ' ')" 0 "unknown option: nothing on stdout"
"$D" -n -f /dev/null extra >/dev/null 2>&1
is "$?" 2 "stray argument: exit 2"

done_testing
