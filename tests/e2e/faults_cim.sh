#!/bin/sh
# faults_cim.sh: the fault matrix's "every CIM error" row (tests/FAULTS.md),
# codes 1..15 (faults_cim2.sh: 16..29 and beyond):
# a node answering every operation with CIM status code C, for C = 1..29
# (DSP0200's and DSP0223's codes) and two codes no standard defines, on
# CIM-XML (ERROR element, or CIMStatusCode trailer) and for some on WS-Man
# (w:InternalError with MSFT_WmiError CIMStatusCode C).  Each one: no
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

cim_round c1:1 c2:2 c3:3 c4:4 c5:5 w1:1 w2:6
cim_round c1:6 c2:7 c3:8 c4:9 c5:10 w1:12 w2:15
cim_round c1:11 c2:12 c3:13 c4:14 c5:15 w1:17 w2:27

kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"
done_testing
