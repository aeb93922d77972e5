#!/bin/sh
# dashboard.sh: renders web/dashboard.html in headless Chromium against a
# stand-in admin API (tests/e2e/dashboard_helper.py) and checks what an
# administrator would see: every node's card with its state, numbers and
# sparklines; hostile strings shown as text, never markup; a visible
# "connection lost" state when the API fails; the bearer token sent when
# given; and a screenshot at 1280x800 that is not blank.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PAGE=$top_srcdir/web/dashboard.html
FIX=$top_srcdir/tests/fixtures/web
HELPER=$top_srcdir/tests/e2e/dashboard_helper.py
: "${PYTHON3:=python3}"
: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser || command -v google-chrome)}"

[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || skip_all "chromium not installed"
command -v "$PYTHON3" >/dev/null 2>&1 || skip_all "python3 not installed"

# Chromium writes to HOME and XDG dirs; keep everything inside TEST_TMP.
HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home XDG_CACHE_HOME=$TEST_TMP/home
export HOME XDG_CONFIG_HOME XDG_CACHE_HOME
mkdir -p "$HOME"

# serve MODE FIXTURE: starts the stand-in API; sets PORT and PORTFILE.
serve() {
	PORTFILE=$TEST_TMP/port.$1.$$.${RUNS:=0}
	RUNS=$((RUNS + 1))
	"$PYTHON3" "$HELPER" serve "$PAGE" "$2" "$1" "$PORTFILE" &
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
[ "$size" -lt 25600 ]
ok $? "page is small ($size bytes)"
! grep -Eiq '(src|href)="(https?:)?//' "$PAGE"
ok $? "page loads no external resources"

# ---- (a) the rendered DOM for four nodes of unequal capacity
serve ok "$FIX/nodes.json" || skip_all "cannot start the test server"
DOM=$TEST_TMP/ok.html
browse "$DOM" "" --dump-dom
ok $? "chromium renders the page"
for n in vod-1 vod-2 vod-3 vod-4; do
	has "$DOM" ">$n</h2>" "card for $n"
done
for s in up down draining suspect; do
	has "$DOM" "<span class=\"badge\">$s</span>" "state badge $s"
	has "$DOM" "<li class=\"count $s\">1 $s</li>" "header counts 1 $s"
done
has "$DOM" '<li class="count total">4 nodes</li>' "header counts 4 nodes"
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
for v in 1234 310 87 902; do
	has "$DOM" "<dd>$v</dd>" "streams dispatched $v"
done
has "$DOM" '<dd>3</dd>' "restarts 3"
has "$DOM" '<dd class="p-missing">missing</dd>' "missing process shown"
has "$DOM" 'Last error: connect 10.0.0.12:5986: Connection refused' \
    "last error of the down node"
n=$(grep -o '<span class="val">—</span>' "$DOM" | wc -l)
is "$n" 3 "null utilisations of the down node show a dash"
has "$DOM" '<dd class="">—</dd>' "null sample age shows a dash"
# vod-1, 3, 4 have 60 history samples: one M and 59 L; vod-2 has 42 before
# its gap.
n=$(grep -oE 'd="M[^"]*"' "$DOM" | awk -F'L' 'NF == 60' | wc -l)
is "$n" 9 "full sparklines for cpu, mem, net of three nodes"
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
# Badge colours: up, down, draining, suspect (see --s-* in the page's CSS).
stats=$("$PYTHON3" "$HELPER" png "$PNG" 1e7b34 c62828 6b3fb3 9a5b00 2>&1)
set -- $stats
is "$1x$2" "1280x800" "screenshot is 1280x800"
[ "${3:-0}" -ge 200 ]
ok $? "screenshot is not blank (${3:-0} colours)"
n=$(echo "$stats" | grep -c ' present$')
is "$n" 4 "badge colours for up, down, draining, suspect are drawn"
stop

# ---- hostile strings from the API stay text
serve ok "$FIX/nodes-hostile.json"
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

done_testing
