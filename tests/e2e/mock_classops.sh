#!/bin/sh
# mock_classops.sh: cimmockd's CreateClass, ModifyClass, DeleteClass,
# SetQualifier and DeleteQualifier, driven by cimhead: the repository's
# changes kept in memory and OpenPegasus's error codes (pegasus_cli.sh runs
# the same sequence against the real OpenPegasus); and an InvokeMethod
# NULL parameter taken as not given.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

start_mock ||
    { echo "not ok 1 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..1; exit 1; }
U="http://127.0.0.1:$(mock_port NODE01)/root/cimv2"
OUT="$TEST_TMP/out"
CIMHEAD="$top_builddir/cimhead"
ch() {	# ch OP ARGS...: cimhead OP URL ARGS..., JSON into $OUT
	_op=$1; shift
	"$CIMHEAD" "$_op" "$U" "$@" >"$OUT" 2>/dev/null
}
json_get() {	# json_get FILE EXPR: EXPR of the JSON in FILE (j), as JSON
	"$PYTHON3" -c 'import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
sys.stdout.write(v if isinstance(v, str) else json.dumps(v))' "$1" "$2"
}
code() { json_get "$OUT" 'j["error"]["code"]'; }

ch createclass VOD_PgBase Name:string
is "$?" 0 "createclass: a base class"
ch createclass VOD_PgTitle:VOD_PgBase Bitrate:uint32=4000 'Tags:string[]'
is "$?" 0 "createclass: a subclass with a default and a NULL array"
ch getclass VOD_PgTitle
is "$?/$(json_get "$OUT" '[j["superclass"], sorted(j["properties"]), j["properties"]["Bitrate"]["default"], j["properties"]["Tags"]["type"]]')" \
    '0/["VOD_PgBase", ["Bitrate", "Tags"], "4000", "string"]' \
    "getclass: the class as created (as sent: no inherited property)"
ch classnames VOD_PgBase
is "$?/$(json_get "$OUT" '[c["classname"] for c in j]')" '0/["VOD_PgTitle"]' \
    "classnames of a created class: its subclass"
ch classnames
N=$(json_get "$OUT" '[c["classname"] for c in j]')
case $N in *'"VOD_PgBase"'*) ! echo "$N" | grep -q VOD_PgTitle && \
    echo "$N" | grep -q '"Win32_Process"';; *) false;; esac
ok $? "classnames: the created top class beside the schema's, not its subclass"
ch classes --deep VOD_PgBase
is "$?/$(json_get "$OUT" '[c["name"] for c in j]')" '0/["VOD_PgTitle"]' \
    "classes --deep of a created class: the subclass as sent"
ch createclass VOD_PgTitle Name:string
is "$?/$(code)" 1/11 "createclass of an existing class: CIM_ERR_ALREADY_EXISTS"
ch createclass Win32_Process Name:string
is "$?/$(code)" 1/11 "createclass of a schema class: CIM_ERR_ALREADY_EXISTS"
ch createclass VOD_PgOrphan:VOD_PgNowhere Name:string
is "$?/$(code)" 1/10 "createclass under a missing superclass: CIM_ERR_INVALID_SUPERCLASS"
ch modifyclass VOD_PgTitle:VOD_PgBase Rating:uint8=3
is "$?" 0 "modifyclass exits 0"
ch getclass VOD_PgTitle
is "$?/$(json_get "$OUT" '[sorted(j["properties"]), j["properties"]["Rating"]["default"]]')" \
    '0/[["Rating"], "3"]' "getclass: the class as modified"
ch modifyclass VOD_PgNone Name:string
is "$?/$(code)" 1/6 "modifyclass of a missing class: CIM_ERR_NOT_FOUND"
ch modifyclass VOD_PgTitle:VOD_PgNowhere Name:string
is "$?/$(code)" 1/10 "modifyclass under a missing superclass: CIM_ERR_INVALID_SUPERCLASS"
ch deleteclass VOD_PgBase
is "$?/$(code)" 1/8 "deleteclass of a class with a subclass: CIM_ERR_CLASS_HAS_CHILDREN"
ch deleteclass Win32_Process
is "$?/$(code)" 1/9 "deleteclass of a class with instances: CIM_ERR_CLASS_HAS_INSTANCES"
ch deleteclass VOD_PgTitle
is "$?" 0 "deleteclass of the subclass"
ch deleteclass VOD_PgBase
is "$?" 0 "deleteclass of the base, then"
ch getclass VOD_PgTitle
is "$?/$(code)" 1/6 "getclass of a deleted class: CIM_ERR_NOT_FOUND"
ch deleteclass VOD_PgTitle
is "$?/$(code)" 1/6 "deleteclass of a missing class: CIM_ERR_NOT_FOUND"

ch setqualifier VodRating:string=PG
is "$?" 0 "setqualifier exits 0"
ch qualifiers VodRating
is "$?/$(json_get "$OUT" '[j[0]["name"], j[0]["type"], j[0]["value"]]')" \
    '0/["VodRating", "string", "PG"]' "qualifiers: the declaration set"
ch qualifiers
json_get "$OUT" '[q["name"] for q in j]' | grep -q '"VodRating"' && \
    json_get "$OUT" '[q["name"] for q in j]' | grep -q '"Key"'
ok $? "qualifiers: the built-in declarations and the one set"
ch setqualifier VodRating:string=R
is "$?/$(code)" 1/7 "setqualifier of a declared qualifier: CIM_ERR_NOT_SUPPORTED, as OpenPegasus"
ch deletequalifier VodRating
is "$?" 0 "deletequalifier exits 0"
ch qualifiers VodRating
is "$?/$(code)" 1/6 "qualifiers of a deleted declaration: CIM_ERR_NOT_FOUND"
ch deletequalifier VodRating
is "$?/$(code)" 1/6 "deletequalifier of a missing one: CIM_ERR_NOT_FOUND"

# an InvokeMethod NULL parameter: as not given (the mock's Create starts
# the program wherever CurrentDirectory is NULL)
ch invoke Win32_Process Create CommandLine=vodstream.exe CurrentDirectory
is "$?/$(json_get "$OUT" 'j["returnvalue"]["value"]')" 0/0 \
    "invoke with a NULL CurrentDirectory: Create returns 0"

done_testing
