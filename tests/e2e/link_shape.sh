#!/bin/sh
# link_shape.sh: the layout's promises checked on the built objects (issue
# 12): the library uses nothing above it, nothing calls into the daemon's
# entry file, the daemon's modules form no cycle, and no global name is
# defined by two programs.  tests/linkshape.py does the work with nm.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
if ! command -v nm >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1
then
	echo "1..0 # SKIP nm or python3 missing"
	exit 0
fi
exec python3 "$top_srcdir/tests/linkshape.py" "$top_builddir"
