#!/bin/sh
# conform_variants1.sh: runs tests/conform.py variants 1/2 (TAP), which
# starts tests/replay.py and cimhead itself and kills what it started.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PYTHON3:=python3}"
if ! command -v "$PYTHON3" >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not found"
	exit 0
fi
exec "$PYTHON3" "$top_srcdir/tests/conform.py" variants 1/2
