#!/bin/sh
# lib_split.sh: the codecs' server halves (lib/cimxml_server.c,
# lib/wsman_server.c, in libcimheadsrv.a) are linked into cimmockd and
# never into cimhead or cimheadd (issue 12), and the WS-Man codec itself
# carries no Win32 class names (they are lib/win32types.c's data).  Read
# from the built binaries' symbol tables with nm.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

NM=${NM:-nm}
command -v "$NM" >/dev/null 2>&1 || skip_all "no nm"

# The functions a binary defines, one a line.
defined() {
	"$NM" "$1" 2>/dev/null | awk '$2 ~ /^[TtWw]$/ { print $3 }' |
	    sed 's/^_//' >"$TEST_TMP/$(basename "$1").syms"
	cat "$TEST_TMP/$(basename "$1").syms"
}

SERVER="cimxml_decode_request cimxml_encode_response cimxml_encode_error \
wsman_decode_request wsman_encode_batch wsman_encode_fault"

for prog in cimhead cimheadd cimmockd; do
	[ -x "$top_builddir/$prog" ] || skip_all "$prog not built"
done

for prog in cimhead cimheadd; do
	defined "$top_builddir/$prog" >/dev/null
	syms=$TEST_TMP/$prog.syms
	# the absences below mean something only if nm reads the binary
	grep -qx cimxml_decode_response "$syms" &&
	    grep -qx wsman_decode_response "$syms"
	ok $? "$prog: nm lists the client codecs it links"
	for f in $SERVER; do
		grep -qx "$f" "$syms"
		ok $((! $?)) "$prog: $f not linked"
	done
done

defined "$top_builddir/cimmockd" >/dev/null
for f in $SERVER; do
	grep -qx "$f" "$TEST_TMP/cimmockd.syms"
	ok $? "cimmockd: $f linked"
done

# The codec types WinRM items from its caller's table: its object file
# holds no Win32 class name of its own (win32types.o does).
obj=$top_builddir/lib/wsman.o
[ -f "$obj" ]
ok $? "lib/wsman.o built"
grep -aq Win32_ "$obj"
ok $((! $?)) "wsman.o: no Win32 class names"
grep -aq Win32_PerfRawData_PerfOS_Processor "$top_builddir/lib/win32types.o"
ok $? "win32types.o: the Win32 table"

done_testing
