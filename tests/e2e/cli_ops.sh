#!/bin/sh
# cli_ops.sh: every cimhead operation against recorded OpenPegasus replies;
# exact JSON values; the headers of every request.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"

# enum: the four processes, escapes and UTF-8 byte-exact
start_replay ei-process.response
"$CIMHEAD" enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "enum: exit 0"
is "$(json_get "$OUT" 'len(j)')" 4 "enum: four instances"
is "$(json_get "$OUT" 'j[2]["properties"]["CommandLine"]["value"]')" \
    'cmd.exe /c "echo a && echo b > C:\tmp\log.txt" <nul' \
    "enum: XML escapes decoded, JSON-escaped"
grep -q '"value": "C:\\\\Dienste\\\\Dienst_überwachung.exe -q €"' "$OUT"
ok $? "enum: non-ASCII printed as raw UTF-8"
is "$(json_get "$OUT" 'j[0]["properties"]["CommandLine"]')" \
    '{"type": "string", "value": null}' "enum: NULL property is null"
is "$(json_get "$OUT" 'j[1]["path"]')" '{"Handle": "2345"}' "enum: path keys"
is "$(json_get "$OUT" 'j[1]["properties"]["ProcessId"]')" \
    '{"type": "uint32", "value": 2345}' "enum: uint32 is a number"
grep -q '^CIMMethod: EnumerateInstances' "$REQ/req-1"
ok $? "enum: CIMMethod header"
grep -q '^CIMObject: root%2Fcimv2' "$REQ/req-1"
ok $? "enum: CIMObject header"
grep -q '^POST /cimom HTTP/1.1' "$REQ/req-1"
ok $? "enum: POST to /cimom"

# values: uint64 exact past INT64_MAX, sint64 min, reals, arrays, booleans
start_replay values.response
"$CIMHEAD" enum "$URL" Test_Values >"$OUT" 2>"$ERR"
is "$?" 0 "values: exit 0"
grep -q '"value": 18446744073709551615$' "$OUT"
ok $? "uint64 max printed as the exact number"
is "$(json_get "$OUT" 'str(j[0]["properties"]["Max64"]["value"])')" \
    18446744073709551615 "uint64 max parses back exactly"
is "$(json_get "$OUT" 'str(j[0]["properties"]["Past53"]["value"])')" \
    9007199254740993 "2^53+1 exact"
is "$(json_get "$OUT" 'str(j[0]["properties"]["Min64"]["value"])')" \
    -9223372036854775808 "sint64 min exact"
grep -q '"value": 0.1$' "$OUT"
ok $? "real64 printed as the server wrote it"
is "$(json_get "$OUT" 'j[0]["properties"]["Flag"]["value"]')" false \
    "boolean is a JSON boolean"
is "$(json_get "$OUT" 'j[0]["properties"]["Counters"]["value"]')" \
    '[1, 18446744073709551614]' "uint64 array exact"
is "$(json_get "$OUT" 'j[0]["properties"]["Names"]["value"]')" \
    '["a", "b,c"]' "string array"
is "$(json_get "$OUT" 'j[0]["properties"]["Empty"]["value"]')" "" \
    "empty string stays empty"
is "$(json_get "$OUT" 'j[0]["properties"]["Text"]["value"]')" \
    "$(printf 'tab\there <&> back\\slash \342\202\254 \360\237\216\254')" \
    "control, escaped and 4-byte UTF-8 characters byte-exact"
is "$(json_get "$OUT" 'j[0]["path"]')" \
    '{"Name": "café \"1\"", "Id": 18446744073709551615, "On": true}' \
    "path keys typed: string, numeric, boolean"

# numerals DSP0201 allows but JSON does not: canonical decimal
start_replay numerals.response
"$CIMHEAD" enum "$URL" Test_Numerals >"$OUT" 2>"$ERR"
is "$?" 0 "numerals: exit 0"
is "$(json_get "$OUT" '[j[0]["properties"][k]["value"] for k in ("Hex", "Plus", "Zeros", "MinusZero", "Dot", "Inf")]')" \
    '[31, 7, 7, 0, 0.5, "INF"]' "numerals: hex, +, leading zeros, -0, .5 made JSON; INF a string"
grep -q '"value": 1.5E+3$' "$OUT"
ok $? "numerals: a JSON-valid real kept as written"
is "$(json_get "$OUT" 'j[0]["path"]')" '{"Id": 7}' "numerals: numeric key"

# get: the path comes from the request; keys typed by the documented rule
start_replay gi-process.response
"$CIMHEAD" get "$URL" Win32_Process 'Handle="2345"' >"$OUT" 2>"$ERR"
is "$?" 0 "get: exit 0"
is "$(json_get "$OUT" 'j[0]["path"]')" '{"Handle": "2345"}' \
    "get: path from the request"
is "$(json_get "$OUT" 'j[0]["properties"]["Caption"]["value"]')" \
    vodstream.exe "get: property"
grep -q '^CIMMethod: GetInstance' "$REQ/req-1"
ok $? "get: CIMMethod header"
grep -q '<KEYVALUE VALUETYPE="string"[^>]*>2345</KEYVALUE>' "$REQ/req-1"
ok $? "get: quoted key sent as a string"

start_replay gi-process.response
"$CIMHEAD" get "$URL" Win32_Process Handle=2345 >"$OUT" 2>"$ERR"
grep -q '<KEYVALUE VALUETYPE="numeric"[^>]*>2345</KEYVALUE>' "$REQ/req-1"
ok $? "get: bare digits sent as numeric"

start_replay gi-process.response
"$CIMHEAD" --format text get "$URL" Win32_Process 'Handle="2345"' >"$OUT"
is "$?" 0 "get text: exit 0"
is "$(head -1 "$OUT")" 'root/cimv2:Win32_Process.Handle="2345"' \
    "get text: path line"
grep -q '^  ProcessId (uint32) = 2345$' "$OUT"
ok $? "get text: property line"

# --format table: a header of property names, one row per instance, the
# option after the arguments as before them
start_replay ei-process.response
"$CIMHEAD" enum "$URL" Win32_Process --format table >"$OUT"
is "$?" 0 "enum table: exit 0"
is "$(head -1 "$OUT" | tr -s ' ')" \
    "Handle Caption Name ProcessId CommandLine ExecutablePath" \
    "enum table: the header names the properties"
is "$(wc -l <"$OUT" | tr -d ' ')" 5 "enum table: a header and four rows"
is "$(sed -n 3p "$OUT" | awk '{print $1, $2, $4}')" \
    "2345 vodstream.exe 2345" "enum table: a row"
if grep -q ' $' "$OUT"; then r=1; else r=0; fi
ok $r "enum table: no trailing blanks (a NULL last cell)"
start_replay ein-process.response
"$CIMHEAD" --format table names "$URL" Win32_Process >"$OUT"
is "$(sed -n '1p;3p' "$OUT" | tr -s ' ' | tr '\n' '|')" \
    "CLASS Handle|Win32_Process 2345|" "names table: class and keys"
start_replay im-create-ok.response
"$CIMHEAD" --format table invoke "$URL" Win32_Process Create \
    CommandLine=x >"$OUT"
is "$(tr -s ' ' <"$OUT" | tr '\n' '|')" "ReturnValue ProcessId|0 5000|" \
    "invoke table: the return value and out parameters"
# sparse instances (each its own property) would square the table: past
# 4194304 cells the reply is printed as text
"$PYTHON3" - "$TEST_TMP/sparse.response" <<'PY'
import sys
n = 2100
inst = "".join(
    '<VALUE.NAMEDINSTANCE><INSTANCENAME CLASSNAME="X">'
    '<KEYBINDING NAME="K"><KEYVALUE VALUETYPE="string">%d</KEYVALUE>'
    '</KEYBINDING></INSTANCENAME><INSTANCE CLASSNAME="X">'
    '<PROPERTY NAME="P%d" TYPE="string"><VALUE>v</VALUE></PROPERTY>'
    '</INSTANCE></VALUE.NAMEDINSTANCE>' % (i, i) for i in range(n))
body = ('<?xml version="1.0" encoding="utf-8" ?><CIM CIMVERSION="2.0" '
    'DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLERSP>'
    '<IMETHODRESPONSE NAME="EnumerateInstances"><IRETURNVALUE>' + inst +
    '</IRETURNVALUE></IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>').encode()
head = ("HTTP/1.1 200 OK\r\nContent-Type: application/xml; charset=utf-8\r\n"
    "Content-Length: %d\r\nCIMOperation: MethodResponse\r\n\r\n" % len(body))
open(sys.argv[1], "wb").write(head.encode() + body)
PY
start_replay "$TEST_TMP/sparse.response"
"$CIMHEAD" --format table enum "$URL" X >"$OUT" 2>"$ERR"
is "$?" 0 "sparse table: exit 0"
grep -q '2100 rows by 2100 columns is too big for a table: printed as text' \
    "$ERR"
ok $? "sparse table: refused, saying so"
is "$(grep -c '^  P[0-9]* (string) = "v"$' "$OUT")" 2100 \
    "sparse table: every instance printed as text"

# query, plain and chunked (chunked success has no trailer)
for f in eq-process-caption-dq eq-process-caption-dq-chunked; do
	start_replay $f.response
	"$CIMHEAD" query "$URL" \
	    'SELECT * FROM Win32_Process WHERE Caption = "vodstream.exe"' \
	    >"$OUT" 2>"$ERR"
	is "$?" 0 "query $f: exit 0"
	is "$(json_get "$OUT" '[i["path"]["Handle"] for i in j]')" '["2345"]' \
	    "query $f: the one match"
done
grep -q '^CIMMethod: ExecQuery' "$REQ/req-1"
ok $? "query: CIMMethod header"
grep -q 'Caption = &quot;vodstream.exe&quot;' "$REQ/req-1"
ok $? "query: WQL sent, escaped"

start_replay ei-process-chunked.response
"$CIMHEAD" enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "chunked enum: exit 0"
is "$(json_get "$OUT" 'len(j)')" 4 "chunked enum: four instances"

# names
start_replay ein-process.response
"$CIMHEAD" names "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "names: exit 0"
is "$(json_get "$OUT" '[p["path"]["Handle"] for p in j]')" \
    '["4", "2345", "3120", "4711"]' "names: four paths"
grep -q '^CIMMethod: EnumerateInstanceNames' "$REQ/req-1"
ok $? "names: CIMMethod header"

# invoke: static method, untyped and typed parameters
start_replay im-create-ok.response
"$CIMHEAD" invoke "$URL" Win32_Process Create 'CommandLine=notepad.exe /a' \
    'CurrentDirectory:string=C:\' >"$OUT" 2>"$ERR"
is "$?" 0 "invoke: exit 0"
is "$(json_get "$OUT" 'j')" \
    '{"returnvalue": {"type": "uint32", "value": 0}, "out": {"ProcessId": {"type": "uint32", "value": 5000}}}' \
    "invoke: returnvalue and out parameters"
grep -q '^CIMObject: root%2Fcimv2%3AWin32_Process' "$REQ/req-1"
ok $? "invoke: CIMObject names the class, escaped"
grep -q '<PARAMVALUE NAME="CommandLine" PARAMTYPE="string"><VALUE>notepad.exe /a</VALUE>' "$REQ/req-1"
ok $? "invoke: untyped parameter sent as a string"

start_replay im-create-ok.response
"$CIMHEAD" invoke "$URL" 'Win32_Process.Handle="2345"' Create \
    Flags:uint32=3 >"$OUT" 2>"$ERR"
is "$?" 0 "invoke on an instance: exit 0"
grep -q '<PARAMVALUE NAME="Flags" PARAMTYPE="uint32"><VALUE>3</VALUE>' "$REQ/req-1"
ok $? "invoke: NAME:TYPE=VALUE sets the type"
grep -q '^CIMObject: root%2Fcimv2%3AWin32_Process\.Handle' "$REQ/req-1"
ok $? "invoke on an instance: CIMObject holds the keys"

# empty result: no IRETURNVALUE at all
start_replay ei-empty-class.response
"$CIMHEAD" enum "$URL" CIM_Fan >"$OUT" 2>"$ERR"
is "$?" 0 "empty enum: exit 0"
is "$(json_get "$OUT" 'j')" '[]' "empty enum: []"

# namespace from the URL path, from --namespace, default for / and /cimom
start_replay ei-empty-class.response ei-empty-class.response \
    ei-empty-class.response ei-empty-class.response
"$CIMHEAD" enum "http://127.0.0.1:$PORT/root/other" CIM_Fan >/dev/null 2>&1
"$CIMHEAD" enum "http://127.0.0.1:$PORT/" CIM_Fan >/dev/null 2>&1
"$CIMHEAD" enum "http://127.0.0.1:$PORT/cimom" CIM_Fan >/dev/null 2>&1
"$CIMHEAD" --namespace interop enum "http://127.0.0.1:$PORT" CIM_Fan \
    >/dev/null 2>&1
is "$(sed -n 's/^CIMObject: //p' "$REQ/req-1" | tr -d '\r')" root%2Fother \
    "namespace from the URL path"
is "$(sed -n 's/^CIMObject: //p' "$REQ/req-2" | tr -d '\r')" root%2Fcimv2 \
    "empty path: root/cimv2"
is "$(sed -n 's/^CIMObject: //p' "$REQ/req-3" | tr -d '\r')" root%2Fcimv2 \
    "/cimom path: root/cimv2"
is "$(sed -n 's/^CIMObject: //p' "$REQ/req-4" | tr -d '\r')" interop \
    "--namespace"

# headers every request carries
bad=0
for r in "$TEST_TMP"/req*/req-*; do
	grep -qi '^Expect:' "$r" && bad=1
	grep -q '^CIMProtocolVersion: 1.0' "$r" || bad=1
	grep -q '^CIMOperation: MethodCall' "$r" || bad=1
	grep -q '^TE: trailers' "$r" || bad=1
	grep -q '^Content-Type: application/xml; charset=utf-8' "$r" || bad=1
done
is "$bad" 0 "every request: no Expect, CIMOperation, CIMProtocolVersion, TE, Content-Type"

done_testing
