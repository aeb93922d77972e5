#!/bin/sh
# conform_keepalive.sh: three operations over one kept-alive connection,
# as cimheadd sends them to a node: each request carries its own Basic
# Authorization (OpenPegasus remembers no connection).  A second
# connection would be closed unanswered, so three answers prove one.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
KEEP="$top_builddir/tests/unit/conform_keepalive"
[ -x "$KEEP" ] || skip_all "conform_keepalive not built"

start_replay ei-process.response,ei-process.response,ei-process.response \
    close
"$KEEP" "http://127.0.0.1:$PORT/cimom" 3 >"$TEST_TMP/out" 2>&1
is "$?" 0 "three operations answered"
is "$(grep -c '^ok 4 instance(s)$' "$TEST_TMP/out")" 3 \
    "three replies of four instances, over one connection"
n=0; a=0
for r in "$REQ"/req-*; do
	n=$((n + 1))
	grep -q '^Authorization: Basic cm9vdDp3YmVtcGFzcw==' "$r" &&
	    a=$((a + 1))
done
is "$a/$n" "3/3" "Authorization on every request of the kept-alive connection"

done_testing
