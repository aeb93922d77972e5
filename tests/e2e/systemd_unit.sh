#!/bin/sh
# systemd_unit.sh: checks the unit make writes from dist/cimheadd.service.in
# the way systemd itself would read it: "systemd-analyze verify" must load it
# without a single warning, the hardening the daemon relies on must be
# present, the offline security review must rate its exposure below 3.0, and
# dist/cimheadd.sysusers must create the user the unit runs as.  cimheadd is
# not installed at test time, so ExecStart is pointed at /bin/true in a copy
# of the unit (tests/e2e/install.sh verifies the installed one).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

UNIT=$top_builddir/dist/cimheadd.service
[ -f "$UNIT" ] || skip_all "$UNIT not made (make all)"
SYSUSERS=$top_srcdir/dist/cimheadd.sysusers
[ -x "${SYSTEMD_ANALYZE:-}" ] || SYSTEMD_ANALYZE=$(command -v systemd-analyze)
[ -n "$SYSTEMD_ANALYZE" ] || skip_all "systemd-analyze not installed"

COPY=$TEST_TMP/cimheadd.service
sed 's|^ExecStart=/[^ ]*/sbin/cimheadd |ExecStart=/bin/true |' "$UNIT" >"$COPY"
grep -q '^ExecStart=/bin/true -f /[^ ]*/cimhead/cimheadd.conf$' "$COPY"
ok $? "ExecStart runs cimheadd in the foreground with its config"

# verify prints warnings but still exits 0 for most of them: demand silence.
# The man page belongs to the daemon, so --man=no.
"$SYSTEMD_ANALYZE" verify --man=no "$COPY" >"$TEST_TMP/verify.out" 2>&1
ok $? "systemd-analyze verify accepts the unit"
is "$(cat "$TEST_TMP/verify.out")" "" "systemd-analyze verify prints no warning"

# The silence above means something only if verify does report problems.
BAD=$TEST_TMP/bad/cimheadd.service
mkdir -p "$TEST_TMP/bad"
sed 's|^NoNewPrivileges=yes|NoNewPrivilege=yes|' "$COPY" >"$BAD"
"$SYSTEMD_ANALYZE" verify --man=no "$BAD" >"$TEST_TMP/bad.out" 2>&1
grep -q "NoNewPrivilege" "$TEST_TMP/bad.out"
ok $? "a misspelt directive would be reported"

# The contract with the daemon and the hardening the brief requires.
for d in Type=notify WatchdogSec=30s 'ExecReload=/bin/kill -HUP $MAINPID' \
    Restart=on-failure User=cimhead DynamicUser=no \
    NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    PrivateDevices=yes ProtectKernelTunables=yes ProtectKernelModules=yes \
    ProtectKernelLogs=yes ProtectControlGroups=yes \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' RestrictNamespaces=yes \
    LockPersonality=yes MemoryDenyWriteExecute=yes \
    SystemCallFilter=@system-service SystemCallArchitectures=native \
    CapabilityBoundingSet= AmbientCapabilities=; do
	grep -qxF -- "$d" "$UNIT"
	ok $? "unit sets $d"
done

if "$SYSTEMD_ANALYZE" security --help 2>/dev/null | grep -q -- '--offline'; then
	"$SYSTEMD_ANALYZE" security --offline=yes "$COPY" >"$TEST_TMP/sec.out" 2>&1
	score=$(sed -n 's/.*Overall exposure level for cimheadd.service: *\([0-9.]*\).*/\1/p' \
	    "$TEST_TMP/sec.out")
	echo "# exposure score: ${score:-none}"
	[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s < 3.0) }'
	ok $? "offline security review: exposure ${score:-?} < 3.0"
	# The same review of an unhardened unit must score high, or the
	# parsing above is not reading what it thinks.
	mkdir -p "$TEST_TMP/plain"
	printf '[Service]\nExecStart=/bin/true\n' >"$TEST_TMP/plain/cimheadd.service"
	"$SYSTEMD_ANALYZE" security --offline=yes "$TEST_TMP/plain/cimheadd.service" \
	    >"$TEST_TMP/plain.out" 2>&1
	plain=$(sed -n 's/.*Overall exposure level for cimheadd.service: *\([0-9.]*\).*/\1/p' \
	    "$TEST_TMP/plain.out")
	[ -n "$plain" ] && awk -v s="$plain" 'BEGIN { exit !(s >= 5.0) }'
	ok $? "an unhardened unit scores ${plain:-?}, above 5.0"
else
	echo "ok $((TAP_N + 1)) # SKIP systemd-analyze has no security --offline"
	echo "ok $((TAP_N + 2)) # SKIP systemd-analyze has no security --offline"
	TAP_N=$((TAP_N + 2))
fi

# The unit's user is the one the sysusers file creates.
user=$(sed -n 's/^User=//p' "$UNIT")
awk -v u="$user" '$1 == "u" && $2 == u { f = 1 } END { exit !f }' "$SYSUSERS"
ok $? "dist/cimheadd.sysusers creates user $user"
SYSUSERS_BIN=$(command -v systemd-sysusers)
if [ -n "$SYSUSERS_BIN" ] &&
    "$SYSUSERS_BIN" --help 2>/dev/null | grep -q -- '--dry-run'; then
	"$SYSUSERS_BIN" --dry-run --root="$TEST_TMP/root" "$SYSUSERS" \
	    >"$TEST_TMP/sysusers.out" 2>&1
	grep -q "Creating user '$user'" "$TEST_TMP/sysusers.out"
	ok $? "systemd-sysusers accepts the sysusers file"
else
	echo "ok $((TAP_N + 1)) # SKIP systemd-sysusers has no --dry-run"
	TAP_N=$((TAP_N + 1))
fi

done_testing
