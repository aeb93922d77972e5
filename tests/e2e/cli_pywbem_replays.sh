#!/bin/sh
# cli_pywbem_replays.sh: the server replies pywbem records with its cases
# (pywbem/pywbem tests/functiontest/*.yaml, read as a reference), rebuilt
# in tests/fixtures/pywbem-replays.json, served to cimhead one case at a
# time; its exit status, error kind, CIM status, object count and keys
# must be what pywbem makes of the same reply (a result, a CIMError with
# that status, or a parse error).  pywbem_replays.py says how.
. "$top_srcdir/tests/lib.sh"

[ -n "$PYTHON3" ] && [ -x "$PYTHON3" ] || skip_all "python3 not found"

"$PYTHON3" "$top_srcdir/tests/e2e/pywbem_replays.py" \
    "$top_builddir/cimhead" "$top_srcdir/tests/fixtures/pywbem-replays.json"
exit $?
