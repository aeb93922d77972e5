#!/bin/bash
# mingw-deps.sh: builds static x86_64-w64-mingw32 copies of the libraries
# cimhead links (OpenSSL, libcurl, libxml2, libevent, jansson, inih) from
# Debian's own source packages, into a prefix outside the tree, and prints
# that prefix on the last line of stdout.
#
# The prefix is $CIMHEAD_MINGW_CACHE (default /var/cache/cimhead-mingw)/<key>,
# where <key> hashes the Debian source versions, the cross gcc version and
# this script: a second run with the same inputs finds <key>/.complete and
# builds nothing.  Progress goes to stderr; each package's build log is kept
# in <key>/logs/.
#
# Needs: root (apt-get source runs as root in CI), dpkg-dev, mingw-w64,
# network access to deb.debian.org.  The deb-src entries live in a private
# apt state directory under the cache, so the system's apt configuration is
# never touched.
set -euo pipefail

HOST=x86_64-w64-mingw32
SUITE=bookworm
PKGS="openssl curl libxml2 libevent jansson libinih"
CACHE=${CIMHEAD_MINGW_CACHE:-/var/cache/cimhead-mingw}
JOBS=${JOBS:-$(nproc)}
SELF=$(readlink -f "$0")
HERE=$(dirname "$SELF")

say() { printf 'mingw-deps: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

for tool in "$HOST-gcc" "$HOST-ar" apt-get dpkg-source make sha256sum curl flock autoreconf; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install mingw-w64 dpkg-dev)"
done

mkdir -p "$CACHE"
CACHE=$(readlink -f "$CACHE")

# One run at a time per cache: a second one (another checkout, CI and a
# developer) waits, then finds the prefix built.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	say "waiting for another mingw-deps run on $CACHE"
	flock 9
fi

# A private apt configuration holding only the deb-src entries: the Sources
# indexes stay under the cache (so a warm run revalidates them cheaply) and
# /etc/apt is left as it was.
APTDIR=$CACHE/apt
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
cat >"$APTDIR/sources.list" <<EOF
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SUITE main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SUITE-updates main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security $SUITE-security main
EOF
APT_OPTS=(
	-o "Dir::Etc::SourceList=$APTDIR/sources.list"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::Lists=$APTDIR/lists"
	-o "Dir::Cache=$APTDIR/cache"
	-o "APT::Sandbox::User=root"
	-o "Debug::NoLocking=1"
)

t0=$(date +%s)
say "updating the deb-src indexes ($SUITE, $SUITE-updates, $SUITE-security)"
apt-get "${APT_OPTS[@]}" -qq update >&2 || die "apt-get update failed"

# The source version of each package: the highest one the indexes list whose
# files the mirror really serves (an index can name an upload the mirror
# does not carry; apt-get source would then fail on a 404).
newest_first() {
	local v out=() i j
	while read -r v; do out+=("$v"); done
	for ((i = 1; i < ${#out[@]}; i++)); do
		for ((j = i; j > 0; j--)); do
			dpkg --compare-versions "${out[j]}" gt "${out[j-1]}" || break
			v=${out[j]}; out[j]=${out[j-1]}; out[j-1]=$v
		done
	done
	[ ${#out[@]} -eq 0 ] || printf '%s\n' "${out[@]}"
}
declare -A VER
for p in $PKGS; do
	for v in $(apt-cache "${APT_OPTS[@]}" showsrc "$p" 2>/dev/null |
	    sed -n "s/^Package: //p; s/^Version: //p" |
	    awk -v p="$p" '$0 == p { want = 1; next } want { print; want = 0 }' |
	    newest_first); do
		uris=$(apt-get "${APT_OPTS[@]}" -qq --print-uris source "$p=$v" 2>/dev/null |
		    sed -n "s/^'\([^']*\)'.*/\1/p")
		ok=${uris:+yes}
		for uri in $uris; do
			curl -sfI --max-time 30 -o /dev/null "$uri" || { ok=; break; }
		done
		if [ -n "$ok" ]; then
			VER[$p]=$v
			break
		fi
		say "$p $v: not (wholly) on the mirror, trying an older upload"
	done
	if [ -z "${VER[$p]:-}" ] && [ "$p" = libinih ]; then
		# inih is one C file behind a stable API: without its source
		# package, scripts/mingw-ini.c (written for cimhead, inih's
		# default settings) stands in, against Debian's ini.h.
		[ -f /usr/include/ini.h ] || die "no libinih source on the mirror and no /usr/include/ini.h (apt-get install libinih-dev)"
		VER[$p]=cimhead-$(cat "$HERE/mingw-ini.c" /usr/include/ini.h | sha256sum | cut -c1-12)
		say "libinih: no source package on the mirror; using scripts/mingw-ini.c"
	fi
	[ -n "${VER[$p]:-}" ] || die "no downloadable source package $p in the $SUITE indexes"
done
gccver=$("$HOST-gcc" -dumpversion)
keysrc=$(for p in $PKGS; do echo "$p=${VER[$p]}"; done
	echo "gcc=$gccver $("$HOST-gcc" --version | head -1)"
	echo "script=$(sha256sum "$SELF" | cut -d' ' -f1)")
key=$HOST-$(printf '%s\n' "$keysrc" | sha256sum | cut -c1-16)
PREFIX=$CACHE/$key

if [ -f "$PREFIX/.complete" ]; then
	say "cached: $PREFIX (built $(cat "$PREFIX/.complete"))"
	echo "$PREFIX"
	exit 0
fi

say "building into $PREFIX"
printf '%s\n' "$keysrc" | sed 's/^/mingw-deps:   /' >&2
rm -rf "$PREFIX"
mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include" "$PREFIX/logs"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mingw-deps.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

export PKG_CONFIG_LIBDIR=$PREFIX/lib/pkgconfig
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
export CFLAGS="-O2"
export CPPFLAGS="-I$PREFIX/include"
export LDFLAGS="-L$PREFIX/lib"
CONF=(--host="$HOST" --prefix="$PREFIX" --libdir="$PREFIX/lib"
	--disable-shared --enable-static --disable-dependency-tracking)

# libxml2, libevent and jansson carry Debian patches to Makefile.am or
# configure.ac, so they are bootstrapped again as debian/rules does
# (dh_autoreconf); their shipped Makefile.in would otherwise call the
# automake version they were made with.
#
# fetch <pkg>: downloads and unpacks the Debian source (patches applied)
# into $WORK/<pkg>-src and prints that directory.
fetch() {
	local p=$1 d=$WORK/dl-$1
	mkdir -p "$d"
	(cd "$d" && apt-get "${APT_OPTS[@]}" -qq --download-only source "$p=${VER[$p]}") \
	    >"$PREFIX/logs/$p.log" 2>&1 || return 1
	dpkg-source --no-check -x "$d"/*.dsc "$WORK/$p-src" >>"$PREFIX/logs/$p.log" 2>&1 || return 1
	rm -rf "$d"
	echo "$WORK/$p-src"
}

build_openssl() {
	cd "$1"
	# Only what libcurl's TLS, NTLM and Digest need: the legacy provider
	# and the rarely used ciphers and protocols cost build minutes.
	./Configure mingw64 no-shared no-tests no-dso no-engine no-module \
	    no-legacy no-aria no-camellia no-idea no-seed no-whirlpool \
	    no-rc5 no-mdc2 no-sm2 no-sm3 no-sm4 no-siphash no-srp no-gost \
	    no-ts no-comp no-srtp no-sctp \
	    --cross-compile-prefix="$HOST-" --prefix="$PREFIX" --libdir=lib -O2
	make -j"$JOBS" build_libs
	make install_dev
}

build_curl() {
	cd "$1"
	./configure "${CONF[@]}" --with-openssl="$PREFIX" --without-zlib \
	    --without-brotli --without-zstd --without-libpsl --without-libidn2 \
	    --without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-libssh2 \
	    --without-libssh --without-librtmp --without-libgsasl --without-ca-bundle \
	    --without-ca-path --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
	    --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smtp \
	    --disable-gopher --disable-mqtt --disable-smb --disable-ftp --disable-manual \
	    --disable-ntlm-wb
	make -j"$JOBS" -C lib
	make -C lib install
	make -C include install
	make install-pkgconfigDATA install-binSCRIPTS
}

build_libxml2() {
	cd "$1"
	autoreconf -fi
	./configure "${CONF[@]}" --without-python --without-iconv --without-zlib \
	    --without-lzma --without-icu --without-http --without-ftp --without-catalog \
	    --without-debug --without-docbook --without-legacy --without-modules
	make -j"$JOBS" libxml2.la
	make install-libLTLIBRARIES install-pkgconfigDATA install-binSCRIPTS
	make -C include install
}

build_libevent() {
	cd "$1"
	autoreconf -fi
	./configure "${CONF[@]}" --disable-openssl --disable-samples \
	    --disable-libevent-regress --disable-debug-mode
	make -j"$JOBS"
	make install
}

build_jansson() {
	cd "$1"
	autoreconf -fi
	./configure "${CONF[@]}"
	make -j"$JOBS" -C src
	make -C src install
	make install-pkgconfigDATA
}

# inih is one C file; Debian builds it with meson.  The defines match
# Debian's build (upstream defaults), so the .pc needs no extra Cflags.
build_libinih() {
	local inihver=${VER[libinih]%%-*}
	[ "$inihver" != cimhead ] || inihver=55
	cd "$1"
	"$HOST-gcc" -O2 -I. -c ini.c -o ini.o
	"$HOST-ar" rcs "$PREFIX/lib/libinih.a" ini.o
	install -m 644 ini.h "$PREFIX/include/ini.h"
	cat >"$PREFIX/lib/pkgconfig/inih.pc" <<EOF
prefix=$PREFIX
includedir=\${prefix}/include
libdir=\${prefix}/lib

Name: inih
Description: simple .INI file parser
Version: $inihver
Libs: -L\${libdir} -linih
Cflags: -I\${includedir}
EOF
}

for p in $PKGS; do
	s=$(date +%s)
	if [ "$p" = libinih ] && [ "${VER[$p]#cimhead-}" != "${VER[$p]}" ]; then
		src=$WORK/libinih-src
		mkdir -p "$src"
		cp "$HERE/mingw-ini.c" "$src/ini.c"
		cp /usr/include/ini.h "$src/ini.h"
	else
		say "[$p ${VER[$p]}] fetching"
		src=$(fetch "$p") || { say "error: fetching $p failed:"; tail -30 "$PREFIX/logs/$p.log" >&2; exit 1; }
	fi
	say "[$p] building"
	# A plain statement, not an if condition: there set -e would be off
	# inside the subshell and a failing step would go unnoticed.
	set +e
	(set -e; "build_$p" "$src") >>"$PREFIX/logs/$p.log" 2>&1
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		say "error: building $p failed; last lines of $PREFIX/logs/$p.log:"
		tail -40 "$PREFIX/logs/$p.log" >&2
		exit 1
	fi
	rm -rf "$src"
	say "[$p] done in $(( $(date +%s) - s ))s"
done

# Static linking against the Windows system libraries: each .pc names what
# its archive needs, so "pkg-config --static" links a complete .exe.
addpriv() {
	local pc=$PREFIX/lib/pkgconfig/$1.pc
	[ -f "$pc" ] || die "$pc missing after the build"
	if grep -q '^Libs.private:' "$pc"; then
		sed -i "s|^Libs.private:.*|& $2|" "$pc"
	else
		echo "Libs.private: $2" >>"$pc"
	fi
}
addcflags() {
	sed -i "s|^Cflags:.*|& $2|" "$PREFIX/lib/pkgconfig/$1.pc"
}
addpriv libcrypto "-lws2_32 -lgdi32 -lcrypt32 -ladvapi32 -luser32 -lbcrypt"
addpriv libcurl "-lws2_32 -lcrypt32 -lbcrypt -ladvapi32"
addcflags libcurl "-DCURL_STATICLIB"
addpriv libxml-2.0 "-lws2_32"
addcflags libxml-2.0 "-DLIBXML_STATIC"
for ev in libevent libevent_core libevent_extra; do
	[ -f "$PREFIX/lib/pkgconfig/$ev.pc" ] && addpriv "$ev" "-lws2_32 -liphlpapi -lshell32 -ladvapi32"
done
grep -q '^Requires.private:.*libssl' "$PREFIX/lib/pkgconfig/libcurl.pc" ||
	sed -i 's|^Libs.private:.*|& -lssl -lcrypto|' "$PREFIX/lib/pkgconfig/libcurl.pc"

# Prove the prefix links: one .exe using every library, statically.
cat >"$WORK/probe.c" <<'EOF'
#include <curl/curl.h>
#include <libxml/parser.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include <jansson.h>
#include <ini.h>
int main(void)
{
	struct event_base *b = event_base_new();
	curl_global_init(CURL_GLOBAL_ALL);
	xmlInitParser();
	json_decref(json_object());
	(void)OPENSSL_init_ssl(0, NULL);
	(void)ini_parse_string("", NULL, NULL);
	event_base_free(b);
	return (0);
}
EOF
mods="libcurl libxml-2.0 libevent libssl libcrypto jansson inih"
# shellcheck disable=SC2046
"$HOST-gcc" -static -o "$WORK/probe.exe" "$WORK/probe.c" \
    $(pkg-config --static --cflags --libs $mods) >"$PREFIX/logs/probe.log" 2>&1 ||
	{ say "error: the probe program does not link:"; tail -40 "$PREFIX/logs/probe.log" >&2; exit 1; }

printf '%s\n' "$keysrc" >"$PREFIX/versions"
date -u +%Y-%m-%dT%H:%M:%SZ >"$PREFIX/.complete"
say "complete: $PREFIX ($(du -sh "$PREFIX" | cut -f1)) in $(( $(date +%s) - t0 ))s"
echo "$PREFIX"
