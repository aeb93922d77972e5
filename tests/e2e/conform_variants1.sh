#!/bin/sh
# conform_variants1.sh: runs tests/conform.py variants 1/2 (TAP), which
# starts tests/replay.py and cimhead itself and kills what it started.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/e2e/conform-lib.sh"
conform_run variants 1/2
