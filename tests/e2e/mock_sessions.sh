#!/bin/sh
# mock_sessions.sh: the streaming server's session counter, IIS's
# Win32_Perf*Data_W3SVC_WebService CurrentConnections, follows real streams
# over CIM-XML and WS-Man: 0, 1 while a stream is pulled, 0 after the client
# goes away or the stream ends; the raw class at once, the formatted one on
# the next second.  Simulated viewers (extra_streams) count too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"
CIMHEAD="$top_builddir/cimhead"

# 1 MB/s streams of 40 MB titles: a stream lasts until its client leaves
cat >"$TEST_TMP/sc.json" <<'JSON'
{ "nodes": [ { "name": "N1", "bitrate": 8000000, "title_bytes": 40000000 } ] }
JSON
start_mock --scenario "$TEST_TMP/sc.json"; ok $? "cimmockd ready"
P=$(mock_port N1)
C=$(mock_control N1)
S="http://127.0.0.1:$P/vod"
RAW=Win32_PerfRawData_W3SVC_WebService
FMT=Win32_PerfFormattedData_W3SVC_WebService

# cx CLASS / ws CLASS: CurrentConnections of _Total over CIM-XML / WS-Man
cx() {
	"$PYTHON3" "$top_srcdir/tests/e2e/mock_cim.py" "$P" query \
	    "SELECT Name, CurrentConnections FROM $1 WHERE Name = \"_Total\"" |
	    tr ';' '\n' | sed -n 's/^CurrentConnections=//p'
}
ws() {
	"$CIMHEAD" --timeout 5000 --protocol wsman --allow-unencrypted \
	    query "http://127.0.0.1:$P/wsman" \
	    "SELECT Name, CurrentConnections FROM $1 WHERE Name = \"_Total\"" \
	    2>/dev/null | "$PYTHON3" -c 'import json, sys
j = json.load(sys.stdin)
print(" ".join(str(i["properties"]["CurrentConnections"]["value"]) for i in j))'
}
# until FN CLASS WANT: polls FN CLASS for up to 5 s until it gives WANT
until_is() {
	_n=0
	while [ "$($1 "$2")" != "$3" ] && [ $_n -lt $((50 * SLOW)) ]; do
		sleep 0.1; _n=$((_n + 1))
	done
	$1 "$2"
}
all4() {	# all4 WANT: raw and formatted, both protocols
	is "$(until_is cx $RAW "$1")" "$1" "CIM-XML raw: $1 $2"
	is "$(until_is ws $RAW "$1")" "$1" "WS-Man raw: $1 $2"
	is "$(until_is cx $FMT "$1")" "$1" "CIM-XML formatted: $1 $2"
	is "$(until_is ws $FMT "$1")" "$1" "WS-Man formatted: $1 $2"
}

# both rows IIS lists, over both protocols
is "$("$PYTHON3" "$top_srcdir/tests/e2e/mock_cim.py" "$P" ei $FMT |
    sed 's/;.*//' | tr '\n' ' ')" "Name=_Total Name=Default Web Site " \
    "EnumerateInstances: _Total and the site"
"$CIMHEAD" --protocol wsman --allow-unencrypted enum \
    "http://127.0.0.1:$P/wsman" $RAW 2>/dev/null >"$TEST_TMP/e.json"
"$PYTHON3" -c 'import json, sys
j = json.load(open(sys.argv[1]))
p = j[0]["properties"]
sys.exit(0 if len(j) == 2 and p["Frequency_PerfTime"]["value"] == 10000000
    and int(p["Timestamp_Sys100NS"]["value"]) % 156250 == 0 else 1)' \
    "$TEST_TMP/e.json"
ok $? "WS-Man Enumerate: two rows, QPC at 10 MHz, Sys100NS on a tick"

all4 0 "before any stream"

command curl -s --max-time 60 -o /dev/null "$S/movie1" &
cpid=$!
TEST_PIDS="$TEST_PIDS $cpid"
all4 1 "while a stream is pulled"
sessions=$(curl -s "$C" | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["sessions"])')
is "$sessions" 1 "control API: one session"

# the formatted value is held between seconds: a raw 0 can come before it
kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
is "$(until_is cx $RAW 0)" 0 "CIM-XML raw: 0 once the client went away"
all4 0 "after the client went away"

# a stream that ends by itself: 3 MB at 1 MB/s, times the slowdown (a
# loaded make check's queries missed a 1.5 s stream once)
SHORT=$((3000000 * SLOW))
command curl -s --max-time $((20 * SLOW)) -r 0-$((SHORT - 1)) \
    -o "$TEST_TMP/part" "$S/movie2" &
cpid=$!
TEST_PIDS="$TEST_PIDS $cpid"
is "$(until_is cx $RAW 1)" 1 "CIM-XML raw: 1 during a short stream"
wait $cpid
is "$(wc -c <"$TEST_TMP/part" | tr -d ' ')" "$SHORT" "the short stream was whole"
all4 0 "after the stream ended"

# simulated viewers are sessions too
curl -s -X POST -d '{"extra_streams": 3}' "$C/load" >/dev/null
all4 3 "with three simulated viewers"
done_testing
