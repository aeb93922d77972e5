#!/bin/sh
# cleartext_auth.sh: credentials never go over plain http unless asked for
# (issue 17, item 8).  cimhead with -u on an http:// CIM-XML URL exits 2
# before any traffic and names --allow-unencrypted; with the option it
# sends them, with a warning.  cimheadd -n refuses a cimxml node with
# credentials on http:// naming the node, and accepts it with
# allow-unencrypted = yes, warning, naming the node.  Node names outside
# what cimheadd.conf(5) allows are refused by -n too (item 2).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
D="$top_builddir/cimheadd"
[ -x "$D" ] || skip_all "cimheadd not built"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"
printf 'wbempass\n' >"$TEST_TMP/pw"

nreq() { ls "$REQ" | wc -l | tr -d ' '; }

# ---- cimhead -------------------------------------------------------------
start_replay auth-ok.response auth-ok.response
"$CIMHEAD" --timeout 3000 -u root --password-file "$TEST_TMP/pw" enum \
    "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 2 "cimhead -u over plain http: exit 2"
grep -q 'in the clear' "$ERR"; ok $? "... says why"
grep -q -- '--allow-unencrypted' "$ERR"; ok $? "... names --allow-unencrypted"
is "$(nreq)" 0 "... nothing sent"
CIMHEAD_PASSWORD=wbempass "$CIMHEAD" --timeout 3000 --auth any -u root enum \
    "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 2 "CIMHEAD_PASSWORD and --auth any: refused the same"
is "$(nreq)" 0 "... nothing sent"

"$CIMHEAD" --timeout 3000 --allow-unencrypted -u root --password-file \
    "$TEST_TMP/pw" enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "--allow-unencrypted: exit 0"
grep -q 'warning: wbem: CIM-XML with credentials over plain http' "$ERR"
ok $? "--allow-unencrypted: a warning"
is "$(nreq)" 1 "--allow-unencrypted: the request went out"
grep -q '^Authorization: Basic ' "$REQ"/req-* 2>/dev/null
ok $? "--allow-unencrypted, --auth basic (the default): Basic sent"

"$CIMHEAD" --timeout 3000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "no -u over plain http: not refused"

# ---- cimheadd -n ------------------------------------------------------------
printf 'vod\nwbempass\n' >"$TEST_TMP/n.cred"
conf() {	# conf NAME [EXTRA-LINE]
	printf '[cimheadd]\nlisten = 127.0.0.1:0\nadmin-listen = 127.0.0.1:0\n'
	printf '[node %s]\nurl = http://127.0.0.1:1/cimom\n' "$1"
	printf 'credentials = %s\n' "$TEST_TMP/n.cred"
	[ -n "${2:-}" ] && printf '%s\n' "$2"
}
conf vod1 >"$TEST_TMP/c.conf"
"$D" -n -f "$TEST_TMP/c.conf" >"$OUT" 2>"$ERR"
is "$?" 1 "cimheadd -n: cimxml credentials over plain http refused"
grep -q 'c.conf:4: node vod1: credentials over plain http are refused' "$ERR"
ok $? "... with file:line, naming the node"
conf vod1 'allow-unencrypted = yes' >"$TEST_TMP/c.conf"
"$D" -n -f "$TEST_TMP/c.conf" >"$OUT" 2>"$ERR"
is "$?" 0 "cimheadd -n: accepted with allow-unencrypted = yes"
grep -q 'node vod1: credentials over plain http (allow-unencrypted)' "$ERR"
ok $? "... with a warning naming the node"
sed 's|http://|https://|' "$TEST_TMP/c.conf" | sed '/allow-unencrypted/d' \
    >"$TEST_TMP/s.conf"
"$D" -n -f "$TEST_TMP/s.conf" >"$OUT" 2>"$ERR"
is "$?" 0 "cimheadd -n: https with credentials needs nothing"

# node names (item 2): -n took caf\xe9
for name in "$(printf 'caf\351')" 'a\b' '..' '-x' "$(printf 'a\033b')"; do
	conf "$name" 'allow-unencrypted = yes' >"$TEST_TMP/c.conf"
	"$D" -n -f "$TEST_TMP/c.conf" >"$OUT" 2>"$ERR"
	is "$?" 1 "cimheadd -n: node name $(printf '%s' "$name" | od -An -c |
	    tr -s ' ') refused"
	grep -q 'bad node name' "$ERR"; ok $? "... as a bad node name"
	if LC_ALL=C grep -q "$(printf '[\001-\010\016-\037\177-\377]')" "$ERR"
	then r=1; else r=0; fi
	ok $r "... shown without raw control or non-ASCII bytes"
done

done_testing
