#!/bin/sh
# cli_usage.sh: usage errors exit 2 before any network traffic; there is no
# way to put a password on the command line.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"
U=http://127.0.0.1:9/root/cimv2

usage_is_2() {	# usage_is_2 DESCRIPTION ARGS...
	_d=$1
	shift
	"$CIMHEAD" "$@" >"$OUT" 2>"$ERR"
	is "$?" 2 "$_d"
}

"$CIMHEAD" --help >"$OUT" 2>"$ERR"
is "$?" 0 "--help: exit 0"
grep -q '^usage: cimhead' "$OUT"
ok $? "--help: usage on stdout"
"$CIMHEAD" --version >"$OUT" 2>"$ERR"
is "$?" 0 "--version: exit 0"
grep -q '^cimhead [0-9]' "$OUT"
ok $? "--version: prints the version"

usage_is_2 "no arguments"
usage_is_2 "unknown operation" frob "$U" X
usage_is_2 "unknown option" --frob enum "$U" X
usage_is_2 "enum without a class" enum "$U"
usage_is_2 "query with two queries" query "$U" a b
usage_is_2 "get without a class" get "$U"
usage_is_2 "invoke without a method" invoke "$U" Win32_Process
usage_is_2 "bad URL scheme" enum ftp://127.0.0.1/root/cimv2 X
usage_is_2 "URL with a password" enum http://root:pw@127.0.0.1/root/cimv2 X
usage_is_2 "bad --timeout" --timeout 0 enum "$U" X
usage_is_2 "non-numeric --timeout" --timeout 5s enum "$U" X
usage_is_2 "bad --format" --format xml enum "$U" X
usage_is_2 "bad --protocol" --protocol soap enum "$U" X
usage_is_2 "bad --auth" --auth kerberos enum "$U" X
usage_is_2 "bad key" get "$U" Win32_Process Handle
usage_is_2 "bad parameter type" invoke "$U" Win32_Process Create N:int=3
usage_is_2 "parameter value not of its type" invoke "$U" Win32_Process \
    Create N:uint32=abc
usage_is_2 "control character in a key" get "$U" Win32_Process \
    "$(printf 'Handle="a\001b"')"
usage_is_2 "-u without a password" -u root enum "$U" X
usage_is_2 "missing password file" -u root --password-file \
    "$TEST_TMP/nonexistent" enum "$U" X

# Secret files: the one rule of lib/secret.c, before any traffic.  A FIFO
# would block a plain open until a writer came: refused at once.
mkfifo "$TEST_TMP/fifo"
bounded 10 "$CIMHEAD" -u root --password-file "$TEST_TMP/fifo" enum "$U" X \
    >"$OUT" 2>"$ERR"
is $? 2 "password file a FIFO: refused at once"
grep -q 'not a regular file' "$ERR"
ok $? "... as not a regular file"
printf 'pw\n' >"$TEST_TMP/pw"
chmod 600 "$TEST_TMP/pw"
ln -s "$TEST_TMP/pw" "$TEST_TMP/pwlink"
usage_is_2 "password file a symbolic link: refused" -u root \
    --password-file "$TEST_TMP/pwlink" enum "$U" X
grep -q 'symbolic link' "$ERR"
ok $? "... saying so"
chmod 620 "$TEST_TMP/pw"
usage_is_2 "password file writable by its group: refused" -u root \
    --password-file "$TEST_TMP/pw" enum "$U" X
grep -q 'writable by its group' "$ERR"
ok $? "... saying so"
chmod 600 "$TEST_TMP/pw"
bounded 10 "$CIMHEAD" status -a 127.0.0.1:9 -t "$TEST_TMP/fifo" \
    >"$OUT" 2>"$ERR"
is $? 2 "token file a FIFO: refused at once"
grep -q 'not a regular file' "$ERR"
ok $? "... as not a regular file"
printf 'admin-token-0123456789\n' >"$TEST_TMP/tok"
chmod 620 "$TEST_TMP/tok"
usage_is_2 "token file writable by its group: refused" status \
    -a 127.0.0.1:9 -t "$TEST_TMP/tok"

# The admin address: hostport_split's rule, a usage error.
for _a in nohost "[::1" "[::1]" ":8081" "127.0.0.1:" "127.0.0.1:0" \
    "127.0.0.1:65536" "127.0.0.1:x"; do
	usage_is_2 "status -a '$_a': usage error" status -a "$_a"
done
grep -q 'bad admin address' "$ERR"
ok $? "... saying so"

# one grammar: an option for the other kind of command is refused by name
usage_is_2 "-a on a WBEM operation" enum "$U" X -a 127.0.0.1:8081
grep -q -- '-a is for the control commands' "$ERR"
ok $? "... naming the option"
usage_is_2 "--token-file on a WBEM operation" --token-file "$TEST_TMP/tok" \
    enum "$U" X
usage_is_2 "--insecure on a control command" status --insecure \
    -a 127.0.0.1:9
grep -q -- '--insecure is for the WBEM operations' "$ERR"
ok $? "... naming the option"

usage_is_2 "-p refused" -p hunter2 enum "$U" X
grep -q 'password-file' "$ERR"
ok $? "-p: the message points to --password-file"
usage_is_2 "--password refused" --password=hunter2 enum "$U" X
grep -q 'CIMHEAD_PASSWORD' "$ERR"
ok $? "--password: the message points to CIMHEAD_PASSWORD"
if grep -q hunter2 "$OUT" "$ERR"; then r=1; else r=0; fi
ok $r "--password: the value is not echoed"
usage_is_2 "--password as a separate word" --password hunter2 enum "$U" X
usage_is_2 "ambiguous --passw=..." --passw=hunter2 enum "$U" X
if grep -q hunter2 "$OUT" "$ERR"; then r=1; else r=0; fi
ok $r "ambiguous option: its value is not echoed"
usage_is_2 "option without its value" enum "$U" X --timeout
grep -q 'needs a value' "$ERR"
ok $? "option without its value: says so"

# WS-Management over plain http without --allow-unencrypted: a clear
# refusal before any traffic (credentials would travel in the clear)
start_replay hang
"$CIMHEAD" --timeout 2000 --protocol wsman enum "http://127.0.0.1:$PORT/wsman" \
    Win32_Process >"$OUT" 2>"$ERR"
rc=$?
is "$rc" 2 "wsman over plain http: exit 2"
grep -q 'in the clear' "$ERR"
ok $? "wsman over plain http: says why"
is "$(ls "$REQ" | wc -l | tr -d ' ')" 0 "wsman over plain http: nothing sent"

done_testing
