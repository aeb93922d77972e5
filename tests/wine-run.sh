#!/bin/sh
# wine-run.sh: make check's LOG_COMPILER in the Windows cross build.  Runs
# one test .exe under wine and hands its TAP to the driver with the CRs of
# the Windows text-mode stdout taken off (the driver's plan and result
# patterns end at LF).  The wine prefix is made once per build directory,
# under a lock, because make check -j starts several tests at once and
# wineboot on a fresh prefix takes tens of seconds.
set -u
: "${WINE:=wine}"
: "${WINEPREFIX:?WINEPREFIX must be set (Makefile.am sets it)}"
: "${WINEDEBUG:=-all}"
export WINEPREFIX WINEDEBUG
# wine shows a file's Unix mode as its DACL: files the tests create must
# start private to their owner, as they do in a Windows profile's TEMP,
# for the credential-permission checks to mean the same as on Windows.
umask 077

if [ ! -f "$WINEPREFIX/system.reg" ]; then
	mkdir -p "$(dirname "$WINEPREFIX")"
	(
		flock 9
		[ -f "$WINEPREFIX/system.reg" ] ||
		    "$WINE" wineboot --init >/dev/null 2>&1
	) 9>"$WINEPREFIX.lock"
fi

# The exit status is the test program's, not tr's.
st=$(mktemp "${TMPDIR:-/tmp}/wine-run.XXXXXX") || exit 99
{ "$WINE" "$@"; echo $? >"$st"; } | tr -d '\r'
rc=$(cat "$st")
rm -f "$st"
exit "${rc:-99}"
