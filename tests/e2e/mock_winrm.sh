#!/bin/sh
# mock_winrm.sh: clients not written by us against cimmockd's /wsman:
# python3-winrm (Protocol.send_message: Enumerate + Pull, Invoke, a fault,
# a wrong password) and the wsl shell tools (wslid, wslenum) over Basic.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
PYWINRM=
for py in "$PYTHON3" /usr/bin/python3; do
	if [ -n "$py" ] && "$py" -c 'import winrm.protocol' 2>/dev/null; then
		PYWINRM=$py
		break
	fi
done
WSLID=$(command -v wslid)
[ -n "$PYWINRM" ] || [ -n "$WSLID" ] || skip_all "neither python3-winrm nor wsl"

cat >"$TEST_TMP/sc.json" <<'JSON'
{ "nodes": [ { "name": "WIN1", "dialect": "windows",
  "auth": { "user": "vod", "password": "s3cret" },
  "processes": [ {"pid": 101, "name": "a.exe"}, {"pid": 102, "name": "b.exe"},
    {"pid": 103, "name": "c.exe"}, {"pid": 104, "name": "d.exe"},
    {"pid": 105, "name": "e.exe"}, {"pid": 106, "name": "f.exe"},
    {"pid": 107, "name": "g.exe"}, {"pid": 108, "name": "h.exe"},
    {"pid": 109, "name": "i.exe"}, {"pid": 110, "name": "j.exe"},
    {"pid": 111, "name": "k.exe"} ] } ] }
JSON
start_mock --scenario "$TEST_TMP/sc.json"; ok $? "cimmockd ready"
P=$(mock_port WIN1); C=$(mock_control WIN1)
field() { echo "$1" | sed -n "s/^$2=//p" | head -1; }
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # SKIP $1"; }

if [ -n "$PYWINRM" ]; then
	curl -s -X POST "$C/kill" >/dev/null
	r=$(timeout 25 "$PYWINRM" "$top_srcdir/tests/e2e/mock_winrm.py" \
	    "http://127.0.0.1:$P/wsman" vod s3cret 2>"$TEST_TMP/py.err")
	ok $? "pywinrm: ran ($(tail -1 "$TEST_TMP/py.err"))"
	n=$(field "$r" enum_items)
	is "$n" 11 "pywinrm: Enumerate+Pull items"
	is "$(field "$r" enum_pulls)" 2 \
	    "pywinrm: Pulls of 4 to the EndOfSequence"
	is "$(field "$r" enum_has_stream)" False "pywinrm: the killed process is missing"
	is "$(field "$r" create_rc)" 0 "pywinrm: Create_OUTPUT ReturnValue 0"
	ok "$([ "$(field "$r" create_pid)" -gt 0 ] 2>/dev/null; echo $?)" \
	    "pywinrm: Create_OUTPUT ProcessId"
	is "$(field "$r" fault)" True "pywinrm: fault subcode and WSManFault code parsed"
	is "$(field "$r" badpw)" InvalidCredentialsError "pywinrm: 401 on a wrong password"
	echo "$r" | grep -q '^relates=wrong'; is $? 1 "pywinrm: RelatesTo every MessageID"
else
	for i in 1 2 3 4 5 6 7 8 9; do skip "python3-winrm not installed"; done
fi

# wsl reads ~/.wsl-config and its environment; plain http, Basic auth
if [ -n "$WSLID" ]; then
	mkdir -p "$TEST_TMP/home"
	(cd "$TEST_TMP/home" && HOME="$TEST_TMP/home" WSENDPOINT="127.0.0.1:$P" \
	    WSUSER=vod WSPASS=s3cret WSNOSSL=true WSAUTOMATED=1 \
	    OUTPREFIX="$TEST_TMP/home" timeout 20 wslid check) \
	    >"$TEST_TMP/wsl.out" 2>&1
	ok $? "wslid: exit 0"
	grep -q '<wsmid:ProductVendor>' "$TEST_TMP/home/response.xml"
	ok $? "wslid: IdentifyResponse"
	if command -v uuidgen >/dev/null; then
		(cd "$TEST_TMP/home" && HOME="$TEST_TMP/home" \
		    WSENDPOINT="127.0.0.1:$P" WSUSER=vod WSPASS=s3cret \
		    WSNOSSL=true WSAUTOMATED=1 OUTPREFIX="$TEST_TMP/home" \
		    WSDEFAULTSCHEMA=schemas.dmtf.org \
		    timeout 20 wslenum Win32_OperatingSystem) \
		    >"$TEST_TMP/wsl.out" 2>&1
		ok $? "wslenum: exit 0"
		grep -q '<p:Win32_OperatingSystem ' "$TEST_TMP/home/response.xml"
		ok $? "wslenum: Win32_OperatingSystem items"
	else
		skip "wslenum needs uuidgen (uuid-runtime)"
		skip "wslenum needs uuidgen (uuid-runtime)"
	fi
else
	for i in 1 2 3 4; do skip "wsl not installed"; done
fi
done_testing
