#!/bin/sh
# dtd_requests.sh: every request kind cimxml_encode_request builds must be
# valid against the DMTF CIM-XML DTD (DSP0203 2.4), checked with xmllint.
. "$top_srcdir/tests/lib.sh"

DTD="$SHARED_DIR/schemas/DSP0203_2.4.0.dtd"
[ -r "$DTD" ] || skip_all "no DTD at $DTD"
[ -n "$XMLLINT" ] && [ -x "$XMLLINT" ] || skip_all "xmllint not found"

"$top_builddir/tests/unit/cimxml_encode_dump" "$TEST_TMP"
ok $? "cimxml_encode_dump wrote the request bodies"

n=0
for f in "$TEST_TMP"/*.xml; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	out=$("$XMLLINT" --noout --nonet --dtdvalid "$DTD" "$f" 2>&1)
	ok $? "$(basename "$f" .xml) validates against the DTD${out:+: $out}"
done
[ "$n" -ge 39 ]
ok $? "one body per request kind ($n)"

is "$(sed -n 's/^CIMObject: //p' "$TEST_TMP/invoke-instance.hdr")" \
    'root%2Fcimv2%3AWin32_Process.Handle%3D%222345%22' \
    "CIMObject of an instance method"
is "$(sed -n 's/^CIMObject: //p' "$TEST_TMP/invoke-multikey.hdr")" \
    'root%2Fcimv2%3ACIM_Thing.Name%3D%22a%20%5C%22q%5C%22%20b%2Cc%3Dd%22%2CId%3D7%2COn%3DTRUE' \
    "CIMObject escapes quote, backslash, '=' and ','"
is "$(sed -n 's/^CIMObject: //p' "$TEST_TMP/invoke-static.hdr")" \
    'root%2Fcimv2%3AWin32_Process' "CIMObject of a static method"

# a body that breaks the DTD must fail, or the checks above prove nothing
sed 's/<LOCALNAMESPACEPATH>/<LOCALNAMESPACEPATH><BOGUS\/>/' \
    "$TEST_TMP/enum.xml" > "$TEST_TMP/broken.xml.bad"
"$XMLLINT" --noout --nonet --dtdvalid "$DTD" "$TEST_TMP/broken.xml.bad" \
    >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "an invalid body is caught by the DTD check"

done_testing
