#!/bin/sh
# install.sh: "make install DESTDIR=..." from this build, then what an
# operator relies on: the daemon in sbin, the mock off PATH in libexec, the
# unit, sysusers and tmpfiles entries in systemd's directories, the example
# configuration at the one path the unit, the daemon's default -f and the
# manuals name ($sysconfdir/cimhead/cimheadd.conf), never written over an
# edited one, and "systemd-analyze verify" of the installed unit inside the
# installed tree (--root), so its ExecStart must name the installed daemon.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v make >/dev/null || skip_all "make not installed"
[ -f "$top_builddir/Makefile" ] || skip_all "no configured build in $top_builddir"
[ -x "${SYSTEMD_ANALYZE:-}" ] || SYSTEMD_ANALYZE=$(command -v systemd-analyze)

# The test's own make, not the one running make check (no jobserver).
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top_builddir" "$@"; }
# var NAME: a variable of the build's Makefile, expanded.
var() {
	printf 'print-var:\n\t@echo $(%s)\n' "$1" |
	    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s -C "$top_builddir" -f Makefile -f - print-var
}
sbindir=$(var sbindir); bindir=$(var bindir)
pkglibexecdir=$(var pkglibexecdir); sysconfdir=$(var sysconfdir)
unitdir=$(var systemdsystemunitdir); sysusersdir=$(var sysusersdir)
tmpfilesdir=$(var tmpfilesdir); mandir=$(var mandir)
pkgdatadir=$(var pkgdatadir)
echo "# sbindir=$sbindir sysconfdir=$sysconfdir unitdir=$unitdir"
[ "$unitdir" != no ] || skip_all "configured --with-systemdsystemunitdir=no"

R=$TEST_TMP/root
mk install DESTDIR="$R" >"$TEST_TMP/install.out" 2>&1
ok $? "make install DESTDIR=... succeeds"
[ $TAP_FAILED -eq 0 ] || { tail -20 "$TEST_TMP/install.out"; done_testing; exit 1; }

conf=$sysconfdir/cimhead/cimheadd.conf
for f in "$sbindir/cimheadd" "$bindir/cimhead" "$pkglibexecdir/cimmockd"; do
	[ -x "$R$f" ]
	ok $? "installed $f"
done
[ ! -e "$R$sbindir/cimmockd" ] && [ ! -e "$R$bindir/cimmockd" ]
ok $? "the mock is a test tool: not in sbin or bin"
for f in "$conf" "$unitdir/cimheadd.service" "$sysusersdir/cimhead.conf" \
    "$tmpfilesdir/cimhead.conf" "$pkgdatadir/win32.mof" \
    "$mandir/man8/cimheadd.8" "$mandir/man5/cimheadd.conf.5" \
    "$mandir/man1/cimhead.1" "$mandir/man8/cimmockd.8"; do
	[ -f "$R$f" ]
	ok $? "installed $f"
done

# One configuration path: the unit's -f, the daemon's default, the example's
# own files.
U=$R$unitdir/cimheadd.service
is "$(sed -n 's/^ExecStart=//p' "$U")" "$sbindir/cimheadd -f $conf" \
    "the unit runs the installed daemon with $conf"
grep -q '@[a-z]*@' "$U"
ok $((! $?)) "no @variable@ is left in the unit"
"$R$sbindir/cimheadd" --help >"$TEST_TMP/help.out" 2>&1
grep -qF "(default $conf)" "$TEST_TMP/help.out"
ok $? "the daemon's default configuration is $conf"
grep -qE '(^|[^[:alnum:]_.-])/etc/cimhead/' "$R$conf" && [ "$sysconfdir" != /etc ]
ok $((! $?)) "the example names its files under $sysconfdir/cimhead"
# The example is complete but for the operator's secrets: -n reports only
# the four credential files it names, at their installed place.
"$R$sbindir/cimheadd" -n -f "$R$conf" >"$TEST_TMP/n.out" 2>&1
is "$(grep -o "$sysconfdir/cimhead/[a-z0-9]*\.cred" "$TEST_TMP/n.out" | tr '\n' ' ')" \
    "$sysconfdir/cimhead/vod1.cred $sysconfdir/cimhead/vod2.cred $sysconfdir/cimhead/vod3.cred $sysconfdir/cimhead/vod4.cred " \
    "cimheadd -n on the example: only its credential files are missing"
is "$(grep -v -e '\.cred' -e ': not loaded: 4 errors, 0 warnings$' "$TEST_TMP/n.out" | wc -l | tr -d ' ')" 0 \
    "cimheadd -n on the example: nothing else is wrong (then its count)"
is "$(sed -n 's/^d \([^ ]*\) .*/\1/p' "$R$tmpfilesdir/cimhead.conf")" \
    "$sysconfdir/cimhead" "the tmpfiles entry makes the configuration directory"

# systemd-analyze verify with the installed tree as the root: the targets
# the unit orders after and /bin/kill (ExecReload) come from the host, the
# rest, ExecStart's daemon included, only from the install.
# A unit directory systemd does not search (distcheck's, under its prefix)
# is verified from /etc/systemd/system in the same root.
if [ -n "$SYSTEMD_ANALYZE" ]; then
	mkdir -p "$R/lib/systemd/system" "$R/bin"
	cp /bin/kill "$R/bin/kill"
	for f in /lib/systemd/system/*.target /lib/systemd/system/*.slice; do
		[ -e "$R/lib/systemd/system/${f##*/}" ] || cp -P "$f" "$R/lib/systemd/system/"
	done
	case $unitdir in
	/lib/systemd/system|/usr/lib/systemd/system|/etc/systemd/system) VU=$U ;;
	*)	mkdir -p "$R/etc/systemd/system"
		VU=$R/etc/systemd/system/cimheadd.service
		cp "$U" "$VU" ;;
	esac
	"$SYSTEMD_ANALYZE" verify --man=no --root="$R" "$VU" >"$TEST_TMP/verify.out" 2>&1
	ok $? "systemd-analyze verify --root accepts the installed unit"
	cat "$TEST_TMP/verify.out" | sed 's/^/# /'
	is "$(cat "$TEST_TMP/verify.out")" "" "systemd-analyze verify prints no warning"
	# The same check fails when ExecStart names a daemon the install
	# does not have (the unit once said /usr/sbin whatever the prefix).
	mv "$R$sbindir/cimheadd" "$TEST_TMP/cimheadd.moved"
	"$SYSTEMD_ANALYZE" verify --man=no --root="$R" "$VU" >"$TEST_TMP/bad.out" 2>&1
	st=$?
	grep -q "$sbindir/cimheadd is not executable" "$TEST_TMP/bad.out" && [ $st -ne 0 ]
	ok $? "verify fails when the installed tree has no $sbindir/cimheadd"
	mv "$TEST_TMP/cimheadd.moved" "$R$sbindir/cimheadd"
else
	for i in 1 2 3; do
		echo "ok $((TAP_N + 1)) # SKIP systemd-analyze not installed"
		TAP_N=$((TAP_N + 1))
	done
fi

# sysusers then tmpfiles, as at boot or in the package's postinst: the
# directory ends up root:cimhead 0750 in the installed tree.
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
	mkdir -p "$R/etc"
	systemd-sysusers --root="$R" "$R$sysusersdir/cimhead.conf" \
	    >"$TEST_TMP/sysusers.out" 2>&1 &&
	systemd-tmpfiles --root="$R" --create "$R$tmpfilesdir/cimhead.conf" \
	    >"$TEST_TMP/tmpfiles.out" 2>&1
	ok $? "systemd-sysusers and systemd-tmpfiles --root accept the entries"
	gid=$(awk -F: '$1 == "cimhead" { print $3 }' "$R/etc/group")
	is "$(stat -c '%a %u %g' "$R$sysconfdir/cimhead")" "750 0 ${gid:-none}" \
	    "$sysconfdir/cimhead is root:cimhead 0750"
else
	for i in 1 2; do
		echo "ok $((TAP_N + 1)) # SKIP systemd-sysusers or systemd-tmpfiles missing"
		TAP_N=$((TAP_N + 1))
	done
fi

# An edited configuration survives a second install and an uninstall; an
# unedited example goes with the uninstall.
echo "# edited" >>"$R$conf"
mk install DESTDIR="$R" >"$TEST_TMP/install2.out" 2>&1
tail -n 1 "$R$conf" | grep -qx '# edited'
ok $? "make install keeps an existing $conf"
mk uninstall DESTDIR="$R" >"$TEST_TMP/uninstall.out" 2>&1
ok $? "make uninstall succeeds"
[ -f "$R$conf" ] && [ ! -e "$R$sbindir/cimheadd" ] && [ ! -e "$U" ] &&
    [ ! -e "$R$sysusersdir/cimhead.conf" ] && [ ! -e "$R$tmpfilesdir/cimhead.conf" ]
ok $? "make uninstall removes the files but the edited configuration"
R2=$TEST_TMP/root2
mk install DESTDIR="$R2" >/dev/null 2>&1 && mk uninstall DESTDIR="$R2" >/dev/null 2>&1
is "$(find "$R2" -type f | wc -l)" 0 "install then uninstall leaves no file"

done_testing
