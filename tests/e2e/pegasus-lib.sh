# pegasus-lib.sh: real OpenPegasus servers for the tests/e2e/pegasus_*.sh
# tests (the "pegasus" suite, scripts/pegasus; see tests/PEGASUS.md).
# Sourced after tests/lib.sh.
#
# The server is built once by scripts/pegasus-deps.sh into a cache outside
# the checkout ($CIMHEAD_PEGASUS_PREFIX, else asked of that script).  From
# it, once per cache and per version of the inputs, pg_prepare makes a
# template under <prefix>/templates/<hash>/: the method provider of
# tests/pegasus/Win32ProcessProvider.cpp compiled against the cached tree,
# and a copy of the cached repository with schemas/win32.mof in root/cimv2
# and the provider's registration in root/PG_InterOp (cimmofl, no server
# running).  pg_start copies the template's repository into the test's own
# PEGASUS_HOME, loads the data MOF, and runs cimserver in the foreground in
# a private mount namespace whose /var/tmp (its start file, lock and local
# socket) is a fresh tmpfs, so several servers run side by side.
# Every server, and every process its provider started, is stopped on exit.

: "${PYTHON3:=$(command -v python3)}"
[ -n "$PYTHON3" ] || skip_all "python3 needed"
command -v curl >/dev/null || skip_all "curl needed"
command -v openssl >/dev/null || skip_all "openssl needed"
command -v unshare >/dev/null || skip_all "unshare (util-linux) needed"
command -v nsenter >/dev/null || skip_all "nsenter (util-linux) needed"
[ "$(id -u)" -eq 0 ] || skip_all "root needed (a private /var/tmp per server: unshare -m)"
unshare -m --propagation private true 2>/dev/null ||
    skip_all "unshare -m not permitted here"

CIMHEAD=$top_builddir/cimhead
CIMHEADD=$top_builddir/cimheadd
CIMMOCKD=$top_builddir/cimmockd
[ -x "$CIMHEAD" ] || skip_all "cimhead not built"
PG_SCHEMA=$top_srcdir/schemas/win32.mof
PG_DIR=$top_srcdir/tests/pegasus
PG_DATASET=$top_srcdir/tests/fixtures/openpegasus-dataset.json
# The account the NODE01AUTH captures used; cimuser needs a system user.
PG_USER=root
PG_PASSWORD=wbempass

if [ -z "${CIMHEAD_PEGASUS_PREFIX:-}" ]; then
	_pgd_out=$("$top_srcdir/scripts/pegasus-deps.sh" 2>"$TEST_TMP/pegasus-deps.err")
	case $? in
	0) CIMHEAD_PEGASUS_PREFIX=$(printf '%s\n' "$_pgd_out" | tail -n 1) ;;
	77) skip_all "$(sed -n 's/^pegasus-deps: SKIP: //p' "$TEST_TMP/pegasus-deps.err")" ;;
	*) sed "s/^/# /" "$TEST_TMP/pegasus-deps.err"
	   ok 1 "scripts/pegasus-deps.sh builds OpenPegasus"; done_testing; exit 1 ;;
	esac
fi
PG_PREFIX=$CIMHEAD_PEGASUS_PREFIX
[ -f "$PG_PREFIX/.complete" ] && [ -f "$PG_PREFIX/env.sh" ] ||
    skip_all "no complete OpenPegasus build in $PG_PREFIX"
# shellcheck disable=SC1091
. "$PG_PREFIX/env.sh"
PG_BIN=$PG_PREFIX/home/bin
PG_LIB=$PG_PREFIX/home/lib

PG_SERVERS=""
PG_TEMPLATE_FORMAT=1
PG_CHILD_DIR=$TEST_TMP/children
mkdir -p "$PG_CHILD_DIR"

pg_cleanup() {
	for _s in $PG_SERVERS; do pg_stop "$_s"; done
	# Processes the provider started (setsid, so they outlive the
	# server): each one's pid is in its own file (pg_fake_program).
	for _f in "$PG_CHILD_DIR"/*; do
		[ -f "$_f" ] || continue
		kill -9 "$(cat "$_f")" 2>/dev/null
	done
	cleanup
}
trap pg_cleanup EXIT
# A signal (a reader of our output that went away: SIGPIPE) must clean up
# too: the servers are not our process group's business after we die.
trap 'pg_cleanup; exit 1' INT TERM HUP PIPE

# pg_flags: the compiler flags of the cached build (its -D defines select
# the class layouts a provider must agree with), read from its build log.
pg_flags() {
	_d=$(grep -m1 -o -- ' -c .*-DPEGASUS_PLATFORM_LINUX_X86_64_GNU.*' \
	    "$PG_PREFIX/logs/build.log" | tr ' ' '\n' | grep '^-D' |
	    grep -v -e '_INTERNAL' -e 'PLATFORM_COMPONENT_NAME' -e '\\"' | sort -u | tr '\n' ' ')
	[ -n "$_d" ] || _d="-DPEGASUS_PLATFORM_LINUX_GENERIC_GNU -DPEGASUS_PLATFORM_LINUX_X86_64_GNU -DPEGASUS_HAS_SSL"
	echo "$_d -I$PEGASUS_ROOT/src -fPIC -O2 -Wall"
}

# pg_cimmofl REPODIR NAMESPACE FILE...: compiles MOF straight into a
# repository (no server), in a private /var/tmp: cimmofl takes the
# repository lock there, and another test's server must not hold it.
pg_cimmofl() {
	_r=$1; _ns=$2; shift 2
	unshare -m --propagation private sh -c \
	    'mount -t tmpfs -o size=4m,mode=1777 tmpfs /var/tmp && exec "$@"' sh \
	    "$PG_BIN/cimmofl" "-R$(dirname "$_r")" "-N$(basename "$_r")" "-n$_ns" "$@"
}

# pg_prepare: the template (provider library and loaded repository), made
# once per inputs under a lock; sets PG_TEMPLATE.
pg_prepare() {
	# Bump PG_TEMPLATE_FORMAT when the making below changes.
	_key=$( (echo "format=$PG_TEMPLATE_FORMAT $(pg_flags)"
	    cat "$PG_DIR/Win32ProcessProvider.cpp" "$PG_DIR/Win32ProcessProviderR.mof" \
	    "$PG_SCHEMA" "$PG_PREFIX/.complete") | sha256sum | cut -c1-16)
	PG_TEMPLATE=$PG_PREFIX/templates/$_key
	mkdir -p "$PG_PREFIX/templates"
	(
		flock 8
		[ -f "$PG_TEMPLATE/.complete" ] && exit 0
		rm -rf "$PG_TEMPLATE"
		mkdir -p "$PG_TEMPLATE/lib"
		# shellcheck disable=SC2046
		g++ -shared -o "$PG_TEMPLATE/lib/libcimheadwin32process.so" \
		    $(pg_flags) "$PG_DIR/Win32ProcessProvider.cpp" \
		    -L"$PG_LIB" -lpegprovider -lpegcommon -lpthread \
		    >"$PG_TEMPLATE/provider.log" 2>&1 ||
		    { echo "# provider build failed:"; sed 's/^/# /' "$PG_TEMPLATE/provider.log"; exit 1; }
		cp -a "$PG_PREFIX/home/repository" "$PG_TEMPLATE/repository"
		# OpenPegasus's CIM 2.41 already has CIM_SystemComponent, with
		# references to CIM_System and CIM_ManagedElement, which the
		# mock's Win32 classes do not derive from: there the Win32
		# associations are root classes holding both references
		# (tests/PEGASUS.md).
		awk '/^\[/ && !skip { held = held $0 "\n"; next }
		    /^class CIM_SystemComponent \{/ { skip = 1; held = ""; next }
		    skip { if ($0 ~ /^\};/) skip = 0; next }
		    /: CIM_SystemComponent \{/ {
			sub(/ : CIM_SystemComponent \{/, " {")
			printf "%s%s\n", held, $0
			print "\t[Key] Win32_ComputerSystem REF GroupComponent;"
			held = ""
			next
		    }
		    { printf "%s%s\n", held, $0; held = "" }' "$PG_SCHEMA" >"$PG_TEMPLATE/win32.mof"
		pg_cimmofl "$PG_TEMPLATE/repository" root/cimv2 "$PG_TEMPLATE/win32.mof" \
		    >"$PG_TEMPLATE/mof.log" 2>&1 &&
		pg_cimmofl "$PG_TEMPLATE/repository" root/PG_InterOp \
		    "$PG_DIR/Win32ProcessProviderR.mof" >>"$PG_TEMPLATE/mof.log" 2>&1 ||
		    { echo "# cimmofl failed:"; sed 's/^/# /' "$PG_TEMPLATE/mof.log"; exit 1; }
		date -u +%FT%TZ >"$PG_TEMPLATE/.complete"
	) 8>"$PG_PREFIX/templates/.lock"
}

# free_port: an unused TCP port on 127.0.0.1.
free_port() {
	"$PYTHON3" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pg_cert: a fresh self-signed certificate for 127.0.0.1 (PG_CERT,
# PG_KEY), the CA file cimhead is given with --cacert.
pg_cert() {
	PG_CERT=$TEST_TMP/pg-cert.pem
	PG_KEY=$TEST_TMP/pg-key.pem
	[ -s "$PG_CERT" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -keyout "$PG_KEY" -out "$PG_CERT" >/dev/null 2>&1
}

# pg_start NAME [--data SCENARIO NODE] [--auth] [SETTING=VALUE ...]: a
# server named NAME; sets PGHTTP_<NAME>, PGHTTPS_<NAME> (ports) and
# PGPID_<NAME>.  --data: the instances of that cimmockd scenario node,
# loaded with CreateInstance once it runs (tests/pegasus/createinstances.py,
# as the OpenPegasus captures were).  --auth: enableAuthentication=true and
# the account PG_USER/PG_PASSWORD.
pg_start() {
	_n=$1; shift
	_data=; _node=; _auth=false
	while [ $# -gt 0 ]; do
		case $1 in
		--data) _data=$2; _node=$3; shift 3 ;;
		--auth) _auth=true; shift ;;
		*) break ;;
		esac
	done
	[ -n "${PG_TEMPLATE:-}" ] || pg_prepare || return 1
	pg_cert
	_h=$TEST_TMP/pg-$_n
	rm -rf "$_h"
	mkdir -p "$_h/lib"
	ln -s "$PG_BIN" "$_h/bin"
	for _f in "$PG_LIB"/*.so* "$PG_TEMPLATE"/lib/*.so; do
		ln -s "$_f" "$_h/lib/"
	done
	cp -a "$PG_TEMPLATE/repository" "$_h/repository"
	_hp=$(free_port); _sp=$(free_port)
	while [ "$_sp" = "$_hp" ]; do _sp=$(free_port); done
	# cimserver (daemon=false: in the foreground) in its own mount
	# namespace; unshare and sh exec, so $! is the server itself.
	PEGASUS_HOME=$_h unshare -m --propagation private sh -c \
	    'mount -t tmpfs -o size=16m,mode=1777 tmpfs /var/tmp && exec "$@"' sh \
	    "$PG_BIN/cimserver" daemon=false listenAddress=127.0.0.1 \
	    httpPort="$_hp" httpsPort="$_sp" \
	    enableHttpConnection=true enableHttpsConnection=true \
	    sslCertificateFilePath="$PG_CERT" sslKeyFilePath="$PG_KEY" \
	    repositoryIsDefaultInstanceProvider=true \
	    forceProviderProcesses=false \
	    enableAuthentication="$_auth" "$@" \
	    >"$_h/server.log" 2>&1 &
	_pid=$!
	eval "PGPID_$_n=$_pid PGHTTP_$_n=$_hp PGHTTPS_$_n=$_sp"
	PG_SERVERS="$PG_SERVERS $_n"
	# Ready when it answers HTTP (any status: a 400 for a GET is fine).
	_i=0
	while :; do
		_c=$(command curl -s -o /dev/null --max-time 2 -w '%{http_code}' \
		    "http://127.0.0.1:$_hp/cimom")
		[ "$_c" != 000 ] && break
		if ! kill -0 "$_pid" 2>/dev/null || [ $_i -ge $((300 * SLOW)) ]; then
			echo "# cimserver $_n did not start:"
			sed 's/^/# /' "$_h/server.log"
			return 1
		fi
		sleep 0.1; _i=$((_i + 1))
	done
	if [ "$_auth" = true ]; then
		# cimuser reaches the server over its local socket, inside the
		# server's private /var/tmp.
		PEGASUS_HOME=$_h nsenter -t "$_pid" -m "$PG_BIN/cimuser" -a \
		    -u "$PG_USER" -w "$PG_PASSWORD" >"$_h/cimuser.log" 2>&1 ||
		    { echo "# cimuser failed:"; sed 's/^/# /' "$_h/cimuser.log"; return 1; }
	fi
	if [ -n "$_data" ]; then
		if [ "$_auth" = true ]; then
			set -- --user "$PG_USER" --password-file "$(pg_password_file)"
		else
			set --
		fi
		"$PYTHON3" "$PG_DIR/createinstances.py" "http://127.0.0.1:$_hp/cimom" \
		    "$_data" "$_node" "$PG_SCHEMA" "$@" >"$_h/data.log" 2>&1 ||
		    { echo "# loading $_data $_node failed:"; sed 's/^/# /' "$_h/data.log"; return 1; }
	fi
	return 0
}

# pg_stop NAME: SIGTERM, then SIGKILL after 10 s.
pg_stop() {
	eval "_p=\${PGPID_$1:-}"
	[ -n "$_p" ] || return 0
	kill "$_p" 2>/dev/null
	_i=0
	while kill -0 "$_p" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	kill -9 "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	eval "PGPID_$1="
}

# pg_fake_program NAME: an executable $TEST_TMP/prog/NAME that stands for
# the streaming server: it records its pid for the clean-up and sleeps.
pg_fake_program() {
	mkdir -p "$TEST_TMP/prog"
	cat >"$TEST_TMP/prog/$1" <<EOF
#!/bin/sh
echo \$\$ >"$PG_CHILD_DIR/\$\$"
exec sleep 600
EOF
	chmod 755 "$TEST_TMP/prog/$1"
	echo "$TEST_TMP/prog/$1"
}

# pg_url NAME [https]: the CIM-XML URL of a server.
pg_url() {
	if [ "${2:-}" = https ]; then
		eval "echo https://127.0.0.1:\$PGHTTPS_$1/root/cimv2"
	else
		eval "echo http://127.0.0.1:\$PGHTTP_$1/root/cimv2"
	fi
}

# pg_password_file: PG_PASSWORD in a private file; prints its name.
pg_password_file() {
	printf '%s\n' "$PG_PASSWORD" >"$TEST_TMP/pg-password"
	echo "$TEST_TMP/pg-password"
}

# todo_ok STATUS DESCRIPTION REASON: a TAP "# TODO" test: a known gap,
# reported but not counted as a failure (passes turn up as "ok ... # TODO").
todo_ok() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2 # TODO $3"
	else
		echo "not ok $TAP_N - $2 # TODO $3"
	fi
}

# jq_py EXPR: evaluates a Python expression on the JSON of stdin (as d).
jq_py() {
	"$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if not isinstance(r, (dict, list)) else json.dumps(r, sort_keys=True))' "$1"
}

# bail: ends the test after a failed set-up step (the rest would only
# repeat that failure).
bail() {
	echo "# bailing out: a set-up step failed"
	done_testing
	exit 1
}
