#!/bin/sh
# wetest_requests.sh: OpenPegasus's own protocol test suite (wetest static
# ErrorXml, in $SHARED_DIR) says how the server judges damaged requests.
# cimmockd's decoder must agree, CIMError token and PGErrorDetail alike, on
# the cases listed here.  Not listed: CreateInstance/qualifier checks (no
# such operation in the mock), the pre-2.14 protocol-version rule (the
# 2.14 captures win), and tag-mismatch wording from Pegasus's streaming
# parser (still request-not-valid here, with libxml2's message).
. "$top_srcdir/tests/lib.sh"

DIR="$SHARED_DIR/fixtures/openpegasus-wetest/static/ErrorXml"
[ -d "$DIR" ] || skip_all "no wetest suite at $DIR"

CASES="BadAttributeName01 BadBooleanValue01 BadCharacterReference01
BadCharacterReference02 BadCharacterReference04 BadCharacterReference05
BadCharacterReference07 BadDtdVersion01 BadDtdVersion02 BadDtdVersion03
BadEntityReference01 BadEntityReference02 BadEntityReference03
BadMethodName01 BadOpeningElement01 GoodCharacterReference01
GoodCharacterReference02 GoodCharacterReference03 GoodCharacterReference04
GoodEntityReference01 IllegalValueClassName01 MissingBooleanValue01
MissingClassName01 MissingParamValueName01 TooManyKeyBindings01"

for c in $CASES; do
	rsp="$DIR/${c}rspgood.xml"
	status=$(sed -n '1s/^HTTP\/1\.1 \([0-9]*\).*/\1/p' "$rsp" | tr -d '\r')
	got=$("$top_builddir/tests/unit/cimxml_judge" "$DIR/$c.xml")
	if [ -z "$status" ]; then
		# a 200: the request was sound (what follows is the provider's)
		case "$got" in OK*) r=0 ;; *) r=1 ;; esac
		ok $r "$c: accepted ($got)"
		continue
	fi
	tok=$(sed -n 's/^CIMError: //p' "$rsp" | tr -d '\r')
	det=$(sed -n 's/^PGErrorDetail: //p' "$rsp" | tr -d '\r')
	det=$(printf '%s' "$det" | sed 's/%20/ /g; s/%22/"/g; s/%3A/:/g; s/%2C/,/g; s/%2F/\//g; s/%3D/=/g; s/%25/%/g')
	is "$got" "REFUSED $tok $status: $det" "$c"
done

done_testing
