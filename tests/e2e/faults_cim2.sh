#!/bin/sh
# faults_cim2.sh: the fault matrix's "every CIM error" row (tests/FAULTS.md),
# codes 16..29 and codes no standard defines (faults_cim.sh: 1..15):
# a node answering every operation with CIM status code C, for C = 1..29
# (DSP0200's and DSP0223's codes) and two codes no standard defines, on
# CIM-XML (ERROR element, or CIMStatusCode trailer) and for some on WS-Man
# (w:InternalError with MSFT_WmiError CIMStatusCode C; one past 999 reads
# as 1, CIM_ERR_FAILED).  Each one: no
# sample, so no viewer; the node leaves service; the API has kind "cim" and
# the code; the counter rises; cleared, it serves again.  Several nodes
# take a code each at once to keep the run short.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
. "$top_srcdir/tests/e2e/faults-lib.sh"

start_cluster '{ "nodes": [ { "name": "good1" }, { "name": "good2" },
  { "name": "c1" }, { "name": "c2" }, { "name": "c3" }, { "name": "c4" },
  { "name": "c5" }, { "name": "w1" }, { "name": "w2" } ] }'
NODEWSMAN_w1=1
NODEWSMAN_w2=1
fault_conf "$TEST_TMP/c.conf"
start_daemon "$TEST_TMP/c.conf"
for n in $NODES; do wait_field "$n" state up 10 || echo "# $n not up"; done

cim_round c1:16 c2:17 c3:18 c4:19 c5:20 w1:2 w2:3
cim_round c1:21 c2:22 c3:23 c4:24 c5:25 w1:28 w2:1000:1
cim_round c1:26 c2:27 c3:28 c4:29 c5:30 w1:29 w2:5
cim_round c1:1000 c2:65535

kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"
done_testing
