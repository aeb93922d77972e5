#!/bin/sh
# daemon_conf.sh: the config of issue 16, item 6, end to end.  A real
# Windows command line of 8 KiB passes cimheadd -n and reaches the node
# when a restart is due; a 100 KiB line is an error naming the bound;
# cimheadd -n prints every error (a bad node name hides none) and every
# warning labelled, past 64 KiB of report, then a line counting them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"

# args N: N bytes of arguments after the program
args() {
	"$PYTHON3" -c 'import sys
n = int(sys.argv[1]); s = ""
i = 0
while len(s) < n:
    s += " --opt%d=D:\\vod\\cache%d" % (i, i); i += 1
print(s[:n])' "$1"
}

start_cluster '{ "nodes": [ { "name": "n1" }, { "name": "n2" } ] }'
LONG="$CMDLINE$(args 8192)"
NODECONF_n1="command = $LONG"
write_conf "$TEST_TMP/c.conf" "freshness = 0
restart-grace = 2s"
# write_conf put the short command first: the later key wins.
"$CIMHEADD" -n -f "$TEST_TMP/c.conf" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 0 "cimheadd -n: an 8 KiB command line is valid"
grep -q ': ok (2 nodes)' "$TEST_TMP/out"; ok $? "... and says ok"
is "$(wc -c <"$TEST_TMP/err" | tr -d ' ')" 0 "... with nothing to report"

start_daemon "$TEST_TMP/c.conf"
wait_field n1 state up 5; ok $? "the daemon runs with it"
node_ctl n1 kill >/dev/null
watch after-kill.mp4 >/dev/null
wait_field n1 process running 10
ok $? "the 8 KiB command line restarted the process (Win32_Process.Create)"
r=$(field n1 restarts)
is "$r" 1 "one restart"
stop_daemon

# 100 KiB: past the bound, an error; the lines after it are still read.
NODECONF_n1="command = $CMDLINE$(args 102400)
weight = heavy"
write_conf "$TEST_TMP/big.conf" ""
"$CIMHEADD" -n -f "$TEST_TMP/big.conf" >/dev/null 2>"$TEST_TMP/err"
is "$?" 1 "a 100 KiB line: exit 1"
grep -q "big.conf:[0-9]*: line of 102[0-9]* bytes: longer than 65536" "$TEST_TMP/err"
ok $? "... an error naming the bound ($(head -c 120 "$TEST_TMP/err"))"
grep -q "big.conf:[0-9]*: weight: \"heavy\"" "$TEST_TMP/err"
ok $? "... and the error on the line after it"

# Every error, every warning labelled.
cat >"$TEST_TMP/bad.conf" <<'CONF'
[cimheadd]
policy = nope
junk
[node -x]
url = ftp://x
[node ok]
url = https://127.0.0.1:1/cimom
insecure = yes
process = p
CONF
"$CIMHEADD" -n -f "$TEST_TMP/bad.conf" >/dev/null 2>"$TEST_TMP/err"
is "$?" 1 "a bad file: exit 1"
sed 's/^/# /' "$TEST_TMP/err"
B=$TEST_TMP/bad.conf
grep -q "^$B:2: policy" "$TEST_TMP/err" && grep -q "^$B:3: syntax error" "$TEST_TMP/err" &&
    grep -q "^$B:4: bad node name" "$TEST_TMP/err" &&
    grep -q "^$B:5: url: \"ftp://x\"" "$TEST_TMP/err"
ok $? "every error, a bad node name and its keys' too"
grep -q "^$B:6: warning: node ok: TLS verification is off" "$TEST_TMP/err" &&
    grep -q "^$B:6: warning: node ok: no command" "$TEST_TMP/err"
ok $? "warnings labelled, those after the errors too"
is "$(grep -c ': warning: ' "$TEST_TMP/err")" 2 "two warnings"
tail -n 1 "$TEST_TMP/err" | grep -q "^$B: not loaded: 4 errors, 2 warnings$"
ok $? "a last line counts them"

# A report past 64 KiB is printed whole.
{
	echo "[cimheadd]"
	i=0
	while [ $i -lt 3000 ]; do echo "junk line $i"; i=$((i + 1)); done
} >"$TEST_TMP/many.conf"
"$CIMHEADD" -n -f "$TEST_TMP/many.conf" >/dev/null 2>"$TEST_TMP/err"
n=$(grep -c 'syntax error' "$TEST_TMP/err")
bytes=$(wc -c <"$TEST_TMP/err" | tr -d ' ')
is "$n" 3000 "3,000 bad lines: 3,000 errors printed ($bytes bytes)"
[ "$bytes" -gt 65536 ]; ok $? "past 64 KiB of report"
grep -q "many.conf:3001: syntax error" "$TEST_TMP/err"; ok $? "the last one too"

# The node limit is named.
{
	i=0
	while [ $i -le 1024 ]; do
		echo "[node n$i]"; echo "url = https://127.0.0.1:1/cimom"
		i=$((i + 1))
	done
} >"$TEST_TMP/nodes.conf"
"$CIMHEADD" -n -f "$TEST_TMP/nodes.conf" >/dev/null 2>"$TEST_TMP/err"
grep -q "nodes.conf:2049: too many nodes: at most 1024" "$TEST_TMP/err"
ok $? "node 1,025: an error naming the limit"

# In the daemon's log a warning is labelled once, by its level.
printf '[cimheadd]\nlisten = 127.0.0.1:0\nadmin-listen = 127.0.0.1:0\nidle-check = 0\n[node w]\nurl = https://127.0.0.1:1/cimom\ninsecure = yes\n' \
    >"$TEST_TMP/warn.conf"
: >"$TEST_TMP/daemon.log"
start_daemon "$TEST_TMP/warn.conf"
stop_daemon
grep -q "cimheadd: warning: $TEST_TMP/warn.conf:5: node w: TLS verification is off" \
    "$TEST_TMP/daemon.log"
ok $? "the daemon logs a config warning at warning level, file:line first"
is "$(grep -c 'warning: .*warning:' "$TEST_TMP/daemon.log")" 0 "labelled once"

done_testing
