#!/bin/sh
# ha_pair.sh: an active/passive pair of cimheadd behind keepalived, as the
# README's "A highly available pair" sets it up, in network namespaces the
# test creates (names carry its PID; a trap deletes them, and so every
# process left in them, even on failure):
#
#	lan: bridge br0 10.N.M.1, cimmockd (the nodes), the viewers' curl
#	ha_a: eth0 10.N.M.2, cimheadd A, keepalived (priority 150)
#	ha_b: eth0 10.N.M.3, cimheadd B, keepalived (priority 100)
#	the virtual address 10.N.M.100 on the MASTER's eth0
#
# keepalived (VRRP, unicast peers) tracks GET /readyz and its notify
# scripts switch recovery on for MASTER and off for BACKUP and FAULT
# through the admin API.  The test checks: viewers through the virtual
# address get 302; each death of the streaming process, while both
# head-ends probe the node every second, gets exactly one
# Win32_Process.Create (the mock counts them), before and after a
# failover; the master's cimheadd killed (SIGKILL), the address moves to
# B and viewers get 302 again within a bounded gap, all of a series after
# it.  Needs root, iproute2 and keepalived (Debian's package); skips
# without them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces, VRRP)"
command -v ip >/dev/null || skip_all "ip (iproute2) not found"
KEEPALIVED=$(command -v keepalived || echo /usr/sbin/keepalived)
[ -x "$KEEPALIVED" ] || skip_all "keepalived not found (apt-get install keepalived)"

NSL=ha_lan_$$ NSA=ha_a_$$ NSB=ha_b_$$
# A /24 of 10/8 from the PID: two runs at once do not share one.
NET=10.$((200 + $$ % 50)).$(($$ / 50 % 250))
VIP=$NET.100
ha_cleanup() {
	for ns in $NSA $NSB $NSL; do
		# only our own namespaces: every process in them is ours
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$p" 2>/dev/null
		done
	done
	cleanup
	for ns in $NSA $NSB $NSL; do ip netns del "$ns" 2>/dev/null; done
}
trap ha_cleanup EXIT INT TERM
if ! ip netns add "$NSL" 2>/dev/null; then
	trap cleanup EXIT INT TERM
	skip_all "cannot create network namespaces here"
fi
ip netns add "$NSA" && ip netns add "$NSB" ||
    { echo "not ok 1 - ip netns add"; exit 1; }
inl() { ip netns exec "$NSL" "$@"; }
ina() { ip netns exec "$NSA" "$@"; }
inb() { ip netns exec "$NSB" "$@"; }
inl ip link set lo up && ina ip link set lo up && inb ip link set lo up &&
inl ip link add br0 type bridge && inl ip addr add "$NET.1/24" dev br0 &&
inl ip link set br0 up &&
ip link add eth0 netns "$NSA" type veth peer name pa netns "$NSL" &&
ip link add eth0 netns "$NSB" type veth peer name pb netns "$NSL" &&
inl ip link set pa master br0 && inl ip link set pb master br0 &&
inl ip link set pa up && inl ip link set pb up &&
ina ip addr add "$NET.2/24" dev eth0 && ina ip link set eth0 up &&
inb ip addr add "$NET.3/24" dev eth0 && inb ip link set eth0 up
ok $? "namespaces $NSL, $NSA, $NSB on $NET.0/24"

# The nodes, in the lan namespace.
printf '{ "nodes": [ { "name": "n1", "addr": "%s", "start_delay_ms": 500 },
  { "name": "n2", "addr": "%s" } ] }\n' "$NET.1" "$NET.1" \
    >"$TEST_TMP/scenario.json"
MOCK_READY=$TEST_TMP/ready
inl "$CIMMOCKD" --schema "$MOCK_SCHEMA" --addr "$NET.1" \
    --scenario "$TEST_TMP/scenario.json" --ready-file "$MOCK_READY" \
    --log-level warn >"$TEST_TMP/mock.out" 2>"$TEST_TMP/mock.err" &
TEST_PIDS="$TEST_PIDS $!"
wait_for_file "$MOCK_READY" 10 ||
    { echo "not ok 2 - cimmockd"; cat "$TEST_TMP/mock.err"; exit 1; }
NODES="n1 n2"
lcurl() { inl curl -s --max-time 5 "$@"; }
creates() { lcurl "$(mock_control n1)" | "$PYTHON3" -c \
    'import json, sys; print(json.load(sys.stdin)["creates"])'; }
creates_is() { [ "$(creates)" = "$1" ]; }
mock_proc() { lcurl "$(mock_control n1)" | "$PYTHON3" -c \
    'import json, sys; print(json.load(sys.stdin)["process"])'; }

# The head-ends: the same config in each namespace (fixed ports: each
# namespace has its own).  Every second each probes the nodes.
for h in a b; do
	{
		echo "[cimheadd]"
		echo "listen = 0.0.0.0:8080"
		echo "admin-listen = 127.0.0.1:8081"
		echo "query-timeout = 1s"
		echo "ready-window = 3s"
		echo "idle-check = 1s"
		echo "probe-max-age = 1s"
		echo "recheck = 200ms"
		echo "recheck-max = 1s"
		echo "restart-grace = 2s"
		echo "restart-backoff = 500ms"
		echo "recovery = off"
		for n in $NODES; do
			p=$(mock_port "$n")
			echo "[node $n]"
			echo "url = http://$NET.1:$p/cimom"
			echo "process = vodstream.exe"
			printf 'command = %s\n' "$CMDLINE"
			echo "stream-url = http://{host}:$p/vod/{title}"
		done
	} >"$TEST_TMP/$h.conf"
done
start_head() {
	ip netns exec "$1" "$CIMHEADD" -f "$TEST_TMP/$2.conf" \
	    2>>"$TEST_TMP/$2.log" &
	eval "PID_$2=$!"
	TEST_PIDS="$TEST_PIDS $!"
}
start_head "$NSA" a
start_head "$NSB" b
ready_in() { ip netns exec "$1" curl -sf -o /dev/null --max-time 2 \
    http://127.0.0.1:8081/readyz; }
wait_for 15 ready_in "$NSA"; ok $? "cimheadd A ready"
wait_for 15 ready_in "$NSB"; ok $? "cimheadd B ready"

# keepalived, as in the README: dist/cimheadd-vrrp.sh tracks /readyz and
# hands recovery to the master.
VRRP=$top_srcdir/dist/cimheadd-vrrp.sh
for h in a b; do
	if [ $h = a ]; then me=$NET.2 peer=$NET.3 prio=150; else
	    me=$NET.3 peer=$NET.2 prio=100; fi
	cat >"$TEST_TMP/keepalived-$h.conf" <<EOF
global_defs {
	router_id cimhead_$h
	script_user root
}
vrrp_script chk_cimheadd {
	script "/usr/bin/env CIMHEADD_VRRP_STATE=$TEST_TMP/vrrp-$h $VRRP check"
	interval 1
	fall 2
	rise 1
}
vrrp_instance cimhead {
	state BACKUP
	interface eth0
	virtual_router_id 61
	priority $prio
	advert_int 1
	unicast_src_ip $me
	unicast_peer {
		$peer
	}
	virtual_ipaddress {
		$VIP/24 dev eth0
	}
	track_script {
		chk_cimheadd
	}
	notify_master "/usr/bin/env CIMHEADD_VRRP_STATE=$TEST_TMP/vrrp-$h $VRRP notify MASTER"
	notify_backup "/usr/bin/env CIMHEADD_VRRP_STATE=$TEST_TMP/vrrp-$h $VRRP notify BACKUP"
	notify_fault "/usr/bin/env CIMHEADD_VRRP_STATE=$TEST_TMP/vrrp-$h $VRRP notify FAULT"
	notify_stop "/usr/bin/env CIMHEADD_VRRP_STATE=$TEST_TMP/vrrp-$h $VRRP notify STOP"
}
EOF
	ns=$NSA; [ $h = b ] && ns=$NSB
	ip netns exec "$ns" "$KEEPALIVED" -n -l -D -f "$TEST_TMP/keepalived-$h.conf" \
	    -p "$TEST_TMP/ka-$h.pid" -r "$TEST_TMP/ka-$h-vrrp.pid" \
	    -c "$TEST_TMP/ka-$h-chk.pid" >"$TEST_TMP/keepalived-$h.log" 2>&1 &
	eval "KA_$h=$!"
	TEST_PIDS="$TEST_PIDS $!"
done

has_vip() { ip netns exec "$1" ip -o addr show dev eth0 | grep -q " $VIP/"; }
rec() { ip netns exec "$1" curl -s --max-time 2 \
    http://127.0.0.1:8081/api/v1/recovery | "$PYTHON3" -c \
    'import json, sys; print(json.load(sys.stdin)["recovery"])' 2>/dev/null; }
rec_is() { [ "$(rec "$1")" = "$2" ]; }
wait_for 20 has_vip "$NSA"; ok $? "A is MASTER: $VIP on its eth0"
has_vip "$NSB"; ok $((!$?)) "B does not hold the address"
wait_for 10 rec_is "$NSA" on; ok $? "notify_master: recovery on in A"
wait_for 10 rec_is "$NSB" off; ok $? "notify_backup: recovery off in B"
# A cimheadd that restarts comes up with the config's recovery (off):
# the track script puts the master's back within an interval or two.
ip netns exec "$NSA" curl -s -o /dev/null -X POST \
    http://127.0.0.1:8081/api/v1/recovery/off
wait_for 10 rec_is "$NSA" on; ok $? "recovery off by hand on the master: the track script turns it on again"

# vwatch: one viewer through the virtual address; prints the status
vwatch() { inl curl -s -o /dev/null --max-time 2 -w '%{http_code}' \
    "http://$VIP:8080/watch/$1"; }
good=0
for i in 1 2 3 4 5; do [ "$(vwatch t$i)" = 302 ] && good=$((good + 1)); done
is "$good" 5 "viewers through $VIP: 302"

# deaths D: kill n1's streaming process D times; each gets one Create.
# Both head-ends probe it every second; only the master may restart.
deaths() {
	for i in $(seq "$1"); do
		c0=$(creates)
		lcurl -X POST -d '{}' "$(mock_control n1)/kill" >/dev/null
		wait_for 15 creates_is $((c0 + 1))
		ok $? "$2 death $i: restarted (Create $((c0 + 1)))"
		wait_for 10 eval '[ "$(mock_proc)" = running ]'
		sleep 3	# the test: the window another Create would fall in
		is "$(creates)" $((c0 + 1)) "$2 death $i: exactly one Create"
	done
}
deaths 2 "A master, B backup:"
grep -q "node n1: restarting" "$TEST_TMP/b.log"
ok $((!$?)) "B (backup) restarted nothing"

# The master's cimheadd dies: its track script fails, B takes over.
# Viewers go on asking meanwhile; the gap is bounded and after it all of
# a series succeed.
kill -9 "$PID_a"
t0=$(ms)
ok=0 first=
while [ $(($(ms) - t0)) -lt $((20000 * SLOW)) ]; do
	if [ "$(vwatch f)" = 302 ] && has_vip "$NSB"; then
		first=$(($(ms) - t0))
		break
	fi
	sleep 0.2
done
[ -n "$first" ]; ok $? "failover: viewers get 302 through $VIP from B after ${first:-never} ms"
[ -n "$first" ] && [ "$first" -le $((10000 * SLOW)) ]
ok $? "the gap is at most 10 s"
has_vip "$NSA"; ok $((!$?)) "A gave the address up"
good=0
for i in $(seq 20); do [ "$(vwatch s$i)" = 302 ] && good=$((good + 1)); done
is "$good" 20 "after the failover: 20 of 20 viewers get 302"
wait_for 10 rec_is "$NSB" on; ok $? "notify_master: recovery on in B"
deaths 2 "B master, A dead:"

# A comes back (higher priority, it preempts): recovery moves back.
start_head "$NSA" a
wait_for 20 has_vip "$NSA"; ok $? "A back and MASTER again"
wait_for 10 rec_is "$NSA" on; ok $? "recovery on in A"
wait_for 10 rec_is "$NSB" off; ok $? "recovery off in B again"
good=0
for i in $(seq 10); do [ "$(vwatch b$i)" = 302 ] && good=$((good + 1)); done
is "$good" 10 "viewers through $VIP: 302 from A again"
deaths 2 "A master again, B backup:"

kill -0 "$PID_b"; ok $? "cimheadd B still running"
done_testing
