#!/bin/sh
# dashboard.sh: renders web/dashboard.html in headless Chromium against a
# stand-in admin API (tests/e2e/dashboard_helper.py) and checks what an
# administrator would see: every node's card with its state, numbers and
# sparklines; a full node (up, no room) shown as full with its reason;
# bar colours from the configured thresholds; sessions streaming and the
# time of the last state change; the cluster header; the event timeline,
# polled with since= and never doubled; hostile strings shown as text,
# never markup; a visible "connection lost" state when the API fails; the
# bearer token sent when given; a screenshot at 1280x800 that is not
# blank; and, against the real cimheadd with 50 nodes, the compact table
# view with the header and the timeline.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PAGE=$top_srcdir/web/dashboard.html
FIX=$top_srcdir/tests/fixtures/web
HELPER=$top_srcdir/tests/e2e/dashboard_helper.py
: "${PYTHON3:=python3}"
: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser || command -v google-chrome)}"

[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || skip_all "chromium not installed"
command -v "$PYTHON3" >/dev/null 2>&1 || skip_all "python3 not installed"

# Times on the page are local: pin the zone so they can be checked.
TZ=UTC
export TZ
# Chromium writes to HOME and XDG dirs; keep everything inside TEST_TMP.
HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home XDG_CACHE_HOME=$TEST_TMP/home
export HOME XDG_CONFIG_HOME XDG_CACHE_HOME
mkdir -p "$HOME"

# serve MODE FIXTURE [EVENTS]: starts the stand-in API; sets PORT and PORTFILE.
serve() {
	PORTFILE=$TEST_TMP/port.$1.$$.${RUNS:=0}
	RUNS=$((RUNS + 1))
	"$PYTHON3" "$HELPER" serve "$PAGE" "$2" "$1" "$PORTFILE" ${3:+"$3"} &
	TEST_PIDS="$TEST_PIDS $!"
	SERVER=$!
	wait_for_file "$PORTFILE" 10 || { echo "# server did not start"; return 1; }
	PORT=$(cat "$PORTFILE")
}

stop() {
	kill "$SERVER" 2>/dev/null
	wait "$SERVER" 2>/dev/null
}

# browse OUT PATH [FLAGS...]: loads the page for 5 s of virtual time.
# timeout(1) kills the whole process group, so no renderer outlives a run.
browse() {
	_out=$1 _path=$2
	shift 2
	timeout -k 3 25 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$TEST_TMP/profile.XXXXXX")" \
	    --virtual-time-budget=5000 --enable-logging=stderr --v=0 \
	    "$@" "http://127.0.0.1:$PORT/$_path" >"$_out" 2>"$_out.err"
}

has() {	# has FILE FIXED-STRING DESCRIPTION
	grep -qF -- "$2" "$1"
	ok $? "$3"
}

hasnt() {
	! grep -qF -- "$2" "$1"
	ok $? "$3"
}

# A browser that cannot render a blank page here says nothing about ours.
browse_blank() {
	timeout -k 3 25 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --no-first-run --user-data-dir="$(mktemp -d "$TEST_TMP/profile.XXXXXX")" \
	    --dump-dom about:blank 2>"$TEST_TMP/blank.err" | grep -q '<body>'
}
browse_blank || skip_all "chromium cannot run here: $(tail -1 "$TEST_TMP/blank.err")"

# ---- the page itself
"$PYTHON3" "$HELPER" csp "$PAGE"
ok $? "CSP hashes match the inline script and style"
size=$(wc -c <"$PAGE")
[ "$size" -lt 32768 ]
ok $? "page is small ($size bytes)"
! grep -Eiq '(src|href)="(https?:)?//' "$PAGE"
ok $? "page loads no external resources"

# ---- (a) the rendered DOM for five nodes of unequal capacity
serve ok "$FIX/nodes.json" "$FIX/events.json" || skip_all "cannot start the test server"
DOM=$TEST_TMP/ok.html
browse "$DOM" "" --dump-dom
ok $? "chromium renders the page"
for n in vod-1 vod-2 vod-3 vod-4 vod-5; do
	has "$DOM" ">$n</h2>" "card for $n"
done
for s in up full down draining suspect; do
	has "$DOM" "<span class=\"badge\">$s</span>" "state badge $s"
	has "$DOM" "<li class=\"count $s\">1 $s</li>" "header counts 1 $s"
done
has "$DOM" '<li class="count total">5 nodes</li>' "header counts 5 nodes"
# A node up but without room is full, not green, and says which limit.
has "$DOM" '<article class="card full"' "the full node's card is marked full"
has "$DOM" '<p class="why">net 80.4% &gt;= 80% after one more</p>' "the full node says which limit"
has "$DOM" '<p class="why">room for 38 more (net limits)</p>' "an eligible node gives its room"
has "$DOM" '<p class="why">draining</p>' "a drained node says so"
# Colours follow the thresholds (cpu 90, mem 60, net 80), not fixed 70/90.
has "$DOM" '<div class="fill hi" style="width: 64%;">' "mem 64 over its threshold 60 is hi"
has "$DOM" '<div class="fill hi" style="width: 81.2%;">' "net 81.2 over its threshold 80 is hi"
has "$DOM" '<div class="fill mid" style="width: 50%;">' "mem 50 past 80% of 60 is mid"
has "$DOM" '<div class="fill" style="width: 37.5%;">' "cpu 37.5 under 80% of 90 is neither"
has "$DOM" '<div class="mark" style="left: 60%;">' "the mem threshold is marked on the bar"
# Sessions streaming now (of capacity) and the time of the state change.
for v in '21 / 59' '40 / 40' '5' '31'; do
	has "$DOM" "<dd>$v</dd>" "sessions $v"
done
has "$DOM" '<dd title="answers again">20:50:00 (16 min)</dd>' "vod-1 up since 20:50:00, with its why"
# The cluster header.
has "$DOM" '<li>viewers/s <b>12.3</b></li>' "header: viewers per second"
has "$DOM" '<li class="warn">503 <b>3.3%</b></li>' "header: the 503 rate, marked"
has "$DOM" '<li>decision p50/p95 <b>3 ms / 41 ms</b></li>' "header: decision latency"
has "$DOM" '<li>sessions <b>57 / 140</b></li>' "header: sessions against capacity"
has "$DOM" '<li>eligible <b>1 / 5</b></li>' "header: eligible nodes"
# The timeline: every event once, newest first, though every poll's reply
# repeats them all.
n=$(grep -o '<li class="ev ' "$DOM" | wc -l)
is "$n" 7 "timeline: the 7 events, each once"
grep -o '<li class="ev [^"]*"><time[^>]*>[^<]*</time><span class="node">[^<]*</span><span class="kind">[^<]*</span><span class="text">[^<]*' "$DOM" |
    sed 's/<[^>]*>/|/g' >"$TEST_TMP/timeline"
head -1 "$TEST_TMP/timeline" | grep -q '|21:05:40||vod-2||state||recovering -&gt; down'
ok $? "timeline: the newest first, with its time, node, kind and text"
tail -1 "$TEST_TMP/timeline" | grep -q '|20:50:00||vod-1||state||down -&gt; up: answers again'
ok $? "timeline: the oldest last"
has "$DOM" '<span class="node">cluster</span><span class="kind">reload</span>' "a reload is the cluster's"
n=$(grep -o '<li class="ev [a-z-]* warn">' "$DOM" | wc -l)
is "$n" 2 "the failed restart and the down are marked"
is "$(cat "$PORTFILE.since")" 0 "events asked once (since=0): events_last says when there are more"
has "$DOM" 'policy <b>least-load</b>' "header shows the policy"
has "$DOM" 'class="status live"' "status shows live"
for v in 37.5% 64.0% 81.2% 12.0% 33.3% 4.8% 91.6% 77.0% 96.4%; do
	has "$DOM" "<span class=\"val\">$v</span>" "utilisation $v"
done
has "$DOM" 'style="width: 81.2%;"' "bar width follows the value"
has "$DOM" '<div class="fill hi" style="width: 96.4%;">' "a saturated resource is marked hi"
for v in '420 ms' '2.3 s'; do
	has "$DOM" "<dd class=\"\">$v</dd>" "sample age $v"
done
has "$DOM" '<dd class="stale-age">1 min</dd>' "an old sample is flagged stale"
has "$DOM" '<dd>3</dd>' "restarts 3"
has "$DOM" '<dd class="p-missing">missing</dd>' "missing process shown"
has "$DOM" 'Last error: connect 10.0.0.12:5986: Connection refused' \
    "last error of the down node"
n=$(grep -o '<span class="val">—</span>' "$DOM" | wc -l)
is "$n" 3 "null utilisations of the down node show a dash"
has "$DOM" '<dd class="">—</dd>' "null sample age shows a dash"
# vod-1, 3, 4, 5 have 60 history samples: one M and 59 L; vod-2 has 42 before
# its gap.
n=$(grep -oE 'd="M[^"]*"' "$DOM" | awk -F'L' 'NF == 60' | wc -l)
is "$n" 12 "full sparklines for cpu, mem, net of four nodes"
n=$(grep -oE 'd="M[^"]*"' "$DOM" | awk -F'L' 'NF == 42' | wc -l)
is "$n" 3 "sparklines of vod-2 stop where its samples stop"
hasnt "$DOM.err" 'CONSOLE' "no console messages"
hits=$(cat "$PORTFILE.hits" 2>/dev/null || echo 0)
[ "$hits" -ge 4 ]
ok $? "default interval polls about every second ($hits in 5 s)"

# ---- (b) the screenshot at 1280x800
PNG=$TEST_TMP/shot.png
browse "$TEST_TMP/shot.log" "" --screenshot="$PNG" --window-size=1280,800
[ -s "$PNG" ]
ok $? "screenshot written"
# Badge colours: up, down, draining, suspect, full (--s-* in the page's CSS).
stats=$("$PYTHON3" "$HELPER" png "$PNG" 1e7b34 c62828 6b3fb3 9a5b00 c2410c 2>&1)
set -- $stats
is "$1x$2" "1280x800" "screenshot is 1280x800"
[ "${3:-0}" -ge 200 ]
ok $? "screenshot is not blank (${3:-0} colours)"
n=$(echo "$stats" | grep -c ' present$')
is "$n" 5 "badge colours for up, down, draining, suspect, full are drawn"
stop

# ---- the compact view, asked for with ?view=table
serve ok "$FIX/nodes.json" "$FIX/events.json"
DOM=$TEST_TMP/table.html
browse "$DOM" "?view=table" --dump-dom
has "$DOM" '<div class="grid" id="grid" hidden="">' "?view=table: no cards"
has "$DOM" '<div class="table-wrap" id="tablewrap">' "the table is shown"
n=$(grep -o '<tr class="[a-z]*"><td>vod-[0-9]</td>' "$DOM" | wc -l)
is "$n" 5 "one row per node"
has "$DOM" '<tr class="full"><td>vod-5</td><td><span class="badge">full</span></td><td class="wrap">net 80.4% &gt;= 80% after one more</td>' \
    "the full node's row: status and why"
has "$DOM" '<td class="num u-hi">64.0%</td>' "table colours follow the thresholds"
has "$DOM" '<button id="view" type="button">Cards</button>' "the button offers the cards back"
stop

# ---- hostile strings from the API stay text
serve ok "$FIX/nodes-hostile.json" "$FIX/events-hostile.json"
DOM=$TEST_TMP/hostile.html
browse "$DOM" "" --dump-dom
has "$DOM" '<h2 id="node-1">&lt;img src=x onerror=alert(1)&gt;</h2>' \
    "hostile node name shown escaped"
has "$DOM" 'Last error: &lt;script&gt;alert(2)&lt;/script&gt;' \
    "hostile last error shown escaped"
has "$DOM" 'policy <b>&lt;b&gt;evil-policy&lt;/b&gt;</b>' "hostile policy shown escaped"
n=$(sed '/^<script>/,/^<\/script>/d' "$DOM" | grep -ciE '<(img|svg onload|script|i>|u>)')
is "$n" 0 "no element created from API strings"
has "$DOM" '<span class="badge">unknown</span>' "unknown state shown as unknown"
has "$DOM" '<div class="fill hi" style="width: 100%;">' "value above 100 is clamped in the bar"
has "$DOM" '>vod-ok</h2>' "a good node next to a hostile one still renders"
has "$DOM" '<p class="why">&lt;img src=x onerror=alert(7)&gt;</p>' "hostile why shown escaped"
has "$DOM" '<span class="node">&lt;img src=x onerror=alert(5)&gt;</span>' "hostile event node shown escaped"
has "$DOM" '<span class="text">&lt;script&gt;alert(6)&lt;/script&gt;</span>' "hostile event text shown escaped"
n=$(grep -o '<li class="ev ' "$DOM" | wc -l)
is "$n" 2 "an event without a numeric seq is dropped"
grep -qx 3 "$PORTFILE.since"
ok $? "later polls ask only for what is newer (since=3)"
has "$DOM" 'viewers/s <b>—</b>' "a hostile header value shows a dash"
hasnt "$DOM.err" 'CONSOLE' "no console messages with hostile data"
stop

# ---- no nodes configured: said in words, not a blank page
serve ok "$FIX/nodes-empty.json"
DOM=$TEST_TMP/empty.html
browse "$DOM" "" --dump-dom
has "$DOM" '<p class="empty" id="empty">No nodes configured.</p>' "an empty cluster is said so"
has "$DOM" '<li class="count total">0 nodes</li>' "header counts 0 nodes"
stop

# ---- (c) the API fails: the page says so and is never blank
serve fail "$FIX/nodes.json"
DOM=$TEST_TMP/fail.html
browse "$DOM" "" --dump-dom
has "$DOM" '<p class="status lost" id="status" role="status" aria-live="polite">Connection lost (HTTP 500) · retrying</p>' \
    "HTTP 500 shows connection lost"
has "$DOM" '<p class="empty" id="empty">No data yet: the admin API did not answer (HTTP 500).</p>' "no data yet is explained"
stop

serve fail-after "$FIX/nodes.json"
DOM=$TEST_TMP/failafter.html
browse "$DOM" "" --dump-dom
grep -q 'class="status lost"[^>]*>Connection lost (HTTP 500) · last update [0-9:]* · retrying<' "$DOM"
ok $? "failure after success shows connection lost with the last update"
has "$DOM" '>vod-3</h2>' "the last known cards stay on the page"
has "$DOM" '<main id="main" class="stale">' "the last known cards are dimmed"
stop

# ---- bearer token
serve auth:s3cr3t "$FIX/nodes.json"
DOM=$TEST_TMP/auth.html
browse "$DOM" "?token=s3cr3t&interval=2500" --dump-dom
has "$DOM" '>vod-2</h2>' "?token= is sent as Authorization: Bearer"
hits=$(cat "$PORTFILE.hits" 2>/dev/null || echo 0)
[ "$hits" -ge 1 ] && [ "$hits" -le 3 ]
ok $? "?interval=2500 polls less often ($hits in 5 s)"
DOM=$TEST_TMP/noauth.html
browse "$DOM" "" --dump-dom
has "$DOM" '<form id="auth">' "401 reveals the token form"
has "$DOM" 'Not authorised (token required)' "401 is reported as such"
stop

# ---- (d) the real cimheadd with 50 nodes: the compact view
# One cimmockd serves the 50 nodes (a scenario node with a count), each on
# a port of its own; one is loaded past max-cpu (full), one drained.
if [ -x "$top_builddir/cimheadd" ] && [ -x "$top_builddir/cimmockd" ]; then
	. "$top_srcdir/tests/e2e/mock_lib.sh"
	. "$top_srcdir/tests/e2e/daemon-lib.sh"
	start_cluster '{ "nodes": [ { "name": "vod", "count": 50 } ] }'
	write_conf "$TEST_TMP/c50.conf" "max-cpu = 50"
	start_daemon "$TEST_TMP/c50.conf"
	wait_for 20 all_sampled; ok $? "cimheadd sampled its 50 nodes"
	node_ctl vod07 load '{"base_cpu": 90}' >/dev/null
	# A load is a rate over the node's counters: probe until it shows.
	probed_full() {
		admin_post vod07 probe >/dev/null
		sleep 0.3
		field_is vod07 eligible False
	}
	wait_for 10 probed_full; ok $? "vod07 is full"
	is "$(admin_post vod03 drain)" 200 "vod03 drained"
	watch one.mp4 >/dev/null
	PORT=${ADMIN##*:}
	DOM=$TEST_TMP/fifty.html
	browse "$DOM" "" --dump-dom
	ok $? "chromium renders the real page"
	has "$DOM" '<div class="grid" id="grid" hidden="">' "50 nodes: no cards"
	has "$DOM" '<div class="table-wrap" id="tablewrap">' "50 nodes: the compact table"
	n=$(grep -o '<tr class="[a-z]*"><td>vod[0-9][0-9]</td>' "$DOM" | wc -l)
	is "$n" 50 "one row per node"
	grep -q '<tr class="full"><td>vod07</td><td><span class="badge">full</span></td><td class="wrap">cpu [0-9.]*% &gt;= 50% after one more</td>' "$DOM"
	ok $? "vod07's row: full, and which limit"
	has "$DOM" '<tr class="draining"><td>vod03</td>' "vod03's row: draining"
	n=$(grep -o '<tr class="up"><td>vod' "$DOM" | wc -l)
	is "$n" 48 "48 rows up"
	has "$DOM" '<li class="count total">50 nodes</li>' "the summary counts 50 nodes"
	has "$DOM" 'eligible <b>48 / 50</b>' "the header: 48 of 50 eligible"
	grep -q '<li>viewers/s <b>[0-9.]*</b></li>' "$DOM"
	ok $? "the header: viewers per second"
	grep -q 'decision p50/p95 <b>[0-9]* ms / [0-9]* ms</b>' "$DOM"
	ok $? "the header: the decision latency of the viewer"
	has "$DOM" '<span class="node">vod03</span><span class="kind">admin</span><span class="text">admin drain: draining</span>' \
	    "the timeline: the admin action"
	has "$DOM" '<span class="node">vod03</span><span class="kind">state</span><span class="text">up -&gt; draining: admin drain</span>' \
	    "the timeline: the state change it made"
	hasnt "$DOM.err" 'CONSOLE' "no console messages"
	PNG=$TEST_TMP/fifty.png
	browse "$TEST_TMP/fifty.log" "" --screenshot="$PNG" --window-size=1280,800
	stats=$("$PYTHON3" "$HELPER" png "$PNG" c2410c 6b3fb3 2>&1)
	set -- $stats
	[ "${3:-0}" -ge 100 ]; ok $? "the 50-node screenshot is not blank (${3:-0} colours)"
	n=$(echo "$stats" | grep -c ' present$')
	is "$n" 2 "the full and the draining rows are coloured in the first screen"
	stop_daemon
fi

done_testing
