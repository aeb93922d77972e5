#!/bin/sh
# conform_values.sh: a pretty-printed reply, as OpenPegasus's own test
# suite writes them (<VALUE>\n1\n</VALUE>): numbers, booleans and numeric
# keys are read without the XML whitespace around them, strings keep it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
FIX="$top_srcdir/tests/fixtures/conform"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"

start_replay pretty-values.response
"$CIMHEAD" enum "$URL" Test_Pretty >"$OUT" 2>"$ERR"
is "$?" 0 "pretty-printed values: exit 0"
grep -q '"value": 9007199254740993$' "$OUT"
ok $? "uint64 2^53+1 inside whitespace: exact JSON number"
is "$(json_get "$OUT" 'str(j[0]["properties"]["Neg"]["value"])')" \
    -9223372036854775808 "sint64 min inside CR LF and spaces"
grep -q '"value": 1.2345000000000001e-08$' "$OUT"
ok $? "real64 as the server wrote it, without the whitespace"
is "$(json_get "$OUT" 'j[0]["properties"]["Flag"]["value"]')" false \
    "boolean inside newlines"
is "$(json_get "$OUT" 'j[0]["properties"]["Counts"]["value"]')" \
    '[1, 4294967295]' "array members inside whitespace"
is "$(json_get "$OUT" 'j[0]["properties"]["Text"]["value"]')" \
    "$(printf '\n kept as sent \n')" "string value keeps its whitespace"
is "$(json_get "$OUT" 'j[0]["path"]')" \
    "{\"Name\": \"\\n padded key \\n\", \"Id\": 18446744073709551615, \"On\": true}" \
    "keys: string kept, numeric and boolean trimmed"

done_testing
