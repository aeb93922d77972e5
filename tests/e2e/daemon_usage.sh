#!/bin/sh
# daemon_usage.sh: cimheadd's command line: --help, --version, bad options
# and arguments give exit 2 with the usage on stderr; --service (Windows
# only) and --log-file.
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

# --service is for the Windows service control manager only.
"$D" --service install -f /dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 2 "--service install on this system: exit 2"
grep -q -- '--service install: Windows only' "$TEST_TMP/err"
ok $? "--service: says it is Windows only"
"$D" --service >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 2 "--service without an action: exit 2"
grep -q '^usage: cimheadd' "$TEST_TMP/err"; ok $? "--service alone: usage"

# --log-file: every line there, time-stamped; SIGTERM's drain logged too.
printf '[cimheadd]\nlisten = 127.0.0.1:0\nadmin-listen = 127.0.0.1:0\n[node a]\nurl = http://127.0.0.1:1/cimom\n' \
    >"$TEST_TMP/c.conf"
"$D" -f "$TEST_TMP/c.conf" -P "$TEST_TMP/ports" --log-file "$TEST_TMP/log" \
    2>"$TEST_TMP/err" &
pid=$!
TEST_PIDS="$TEST_PIDS $pid"
wait_for_file "$TEST_TMP/ports" 10
ok $? "--log-file: the daemon starts"
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "--log-file: SIGTERM, exit 0"
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z cimheadd: info: listening for viewers on 127' \
    "$TEST_TMP/log"
ok $? "--log-file: time-stamped lines in the file"
grep -q 'info: SIGTERM: drain, then stop' "$TEST_TMP/log"
ok $? "--log-file: the stop request and its source"
is "$(wc -c <"$TEST_TMP/err" | tr -d ' ')" 0 "--log-file: nothing on stderr"

done_testing
