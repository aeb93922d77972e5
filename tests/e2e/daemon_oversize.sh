#!/bin/sh
# daemon_oversize.sh: a node whose replies are over the response cap (a
# 32 MiB chunked reply against the daemon's cap) leaves service with an
# error that names the cap, gets no viewers, changes no other node's state,
# and comes back when the fault clears.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"

start_cluster '{ "nodes": [ { "name": "good" }, { "name": "big" } ] }'
node_ctl big fault '{"kind": "oversize", "mbytes": 32}' >/dev/null
write_conf "$TEST_TMP/c.conf" "suspect-after = 2
recheck = 300ms"
start_daemon "$TEST_TMP/c.conf"

wrong=0
i=0
while [ $i -lt 4 ]; do
	r=$(watch "o$i.mp4")
	[ "$(node_of "${r#* }")" = good ] || wrong=$((wrong + 1))
	i=$((i + 1))
done
is "$wrong" 0 "every viewer went to the good node"
wait_field big state down 10; ok $? "oversized replies: that node goes down"
field big last_error | grep -qi "larger than"; ok $? "its last error names the cap ($(field big last_error))"
is "$(field good state)" up "the good node stays up"

node_ctl big clear >/dev/null
wait_field big state up 15; ok $? "the fault cleared: the node returns"
kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"

done_testing
