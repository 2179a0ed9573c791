#!/bin/sh
# Cross-build sovsync's Windows (x86_64-w64-mingw32) dependencies from Debian
# bookworm SOURCE packages: zstd, jansson, libgit2 (HTTPS through WinHTTP, no
# SSH; with zlib, http-parser and PCRE2, which Debian's +ds libgit2 source no
# longer bundles) and libcurl (Schannel, HTTP only).  Every library is static.
#
# Usage: install/windows-deps.sh [--prefix | --check]
#   (none)    build what is missing, then print the prefix (include/ lib/ bin/)
#   --prefix  print the prefix the current pins build into, build nothing
#   --check   exit 0 when that prefix is complete, 1 otherwise (says why)
#
# The sources come from Debian's archive through `apt-get source
# --download-only` (a deb-src entry for the same suites is written to
# /etc/apt/sources.list.d/sovsync-deb-src.sources once), each pinned below by
# version and by the SHA-256 of its .dsc and upstream tarball; dpkg-source
# then checks the Debian tarball against the .dsc and applies Debian's
# patches (security backports included).  Each project is built with its own
# build system (CMake, through a MinGW toolchain file; http-parser's Makefile).
#
# SOVSYNC_WIN_OFFLINE=1: never fetch; a source package missing from the
# cache's src/, or not matching its pins, is an error.
#
# The result is cached OUTSIDE the work tree, keyed by the pins, this
# script's version and the cross compiler:
#   ${SOVSYNC_WIN_CACHE:-$HOME/.cache/sovsync/windows}/<key>/
# so a second run (CI's next run, make windows again) only prints the path.
# Nothing here runs at test time.
set -eu

SCRIPT_VERSION=2
WIN_HOST=x86_64-w64-mingw32
# The posix flavour of MinGW-w64's gcc: winpthreads gives sovsync
# <pthread.h>; linked statically, so the exe needs no extra DLL for it.
WIN_CC=${WIN_CC:-$WIN_HOST-gcc-posix}
WIN_CXX=${WIN_CXX:-$WIN_HOST-g++-posix}

# source-package  version  sha256(.dsc)  upstream-tarball  sha256(tarball)
PINS='
zlib 1:1.2.13.dfsg-1 3fa1e6b2fc525062aa88207dda52fed8e045373c809d362fe8a2bfbf7cf515a8 zlib_1.2.13.dfsg.orig.tar.bz2 71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
http-parser 2.9.4-5 3ef34ef3eb1889482a790b5f1db2ed1aa5736da3bd3a04954fe5dfce4c0035f8 http-parser_2.9.4.orig.tar.gz 467b9e30fd0979ee301065e70f637d525c28193449e1b13fbcb1b1fab3ad224f
pcre2 10.42-1 726dafe7a8d07332d4df61edf23f384ddb158b2b263846273d1103b6b9a7c176 pcre2_10.42.orig.tar.gz c33b418e3b936ee3153de2c61cc638e7e4fe3156022a5c77d0711bcbb9d64f1f
libzstd 1.5.4+dfsg2-5 8f602f92b575aa8b5e979196fb6ee82d78f233521dc9636526d3ecba1f63c1b1 libzstd_1.5.4+dfsg2.orig.tar.xz 8cf4bbb65e77ec348d052c8d6230eba66d435bddf64c8b5be2fcb16880c19953
jansson 2.14-2 6296ddd9c0a022bd1b70074aefb171cfcdf5694a04ffd32b35fd66097621af87 jansson_2.14.orig.tar.gz c739578bf6b764aa0752db9a2fdadcfe921c78f1228c7ec0bb47fa804c55d17b
libgit2 1.5.1+ds-1+deb12u1 b4de836d38cb2aca2687420754c5fa955f719934b92a4213d787d0b7dc2abebf libgit2_1.5.1+ds.orig.tar.xz 96369433500bb528f036c16be9921bd437c098b745f1aaeccb91290815518970
curl 7.88.1-10+deb12u15 2744f12e3aef161c0361743fa1b318296b122e566e47f381e4a63320fbcc23f4 curl_7.88.1.orig.tar.gz cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7
'

mode=build
for arg in "$@"; do
	case "$arg" in
	--prefix) mode=prefix ;;
	--check) mode=check ;;
	-h|--help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "windows-deps.sh: unknown option '$arg'" >&2; exit 2 ;;
	esac
done

die() { echo "windows-deps.sh: $*" >&2; exit 1; }
say() { echo "windows-deps.sh: $*" >&2; }

if ! command -v "$WIN_CC" >/dev/null 2>&1; then
	[ "$mode" = prefix ] || die "$WIN_CC: not found (install gcc-mingw-w64-x86-64: sh install/deps.sh --windows)"
	cc_id=none
else
	cc_id=$("$WIN_CC" --version | head -n 1)
fi

cache_root=${SOVSYNC_WIN_CACHE:-${HOME:-/tmp}/.cache/sovsync/windows}
key=$(printf '%s\n%s\n%s\n' "$SCRIPT_VERSION" "$cc_id" "$PINS" | sha256sum | cut -c1-16)
prefix=$cache_root/$key
stamp=$prefix/.complete

case "$mode" in
prefix) echo "$prefix"; exit 0 ;;
check)
	if [ -f "$stamp" ]; then exit 0; fi
	say "missing: $prefix (run sh install/windows-deps.sh)"
	exit 1 ;;
esac

if [ -f "$stamp" ]; then
	echo "$prefix"
	exit 0
fi

for tool in cmake make dpkg-source apt-get sha256sum flock "$WIN_CXX" "$WIN_HOST-ar"; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool: not found (sh install/deps.sh --windows installs it)"
done

if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	SUDO=
fi

mkdir -p "$cache_root"
# One build at a time per cache (make -j, two CI jobs).
exec 9>"$cache_root/.lock"
flock 9
if [ -f "$stamp" ]; then
	echo "$prefix"
	exit 0
fi

start=$(date +%s)
srcdir=$cache_root/src
work=$cache_root/work.$key
rm -rf "$work" "$prefix"
mkdir -p "$srcdir" "$work" "$prefix"

# --- sources -----------------------------------------------------------------

# A deb-src entry for the suites the machine already uses (Debian bookworm),
# in a file of its own, written only when absent or different.
debsrc=/etc/apt/sources.list.d/sovsync-deb-src.sources
debsrc_text='Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'

sha_ok() { # file expected
	[ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

# dsc name for a source package and version: the epoch is not in file names.
dsc_name() { echo "${1}_$(echo "$2" | sed 's/^[0-9]*://').dsc"; }

need_fetch=
echo "$PINS" | while read -r pkg ver dsc_sha orig orig_sha; do
	[ -n "$pkg" ] || continue
	dsc=$(dsc_name "$pkg" "$ver")
	sha_ok "$srcdir/$dsc" "$dsc_sha" && sha_ok "$srcdir/$orig" "$orig_sha" || echo "$pkg=$ver"
done > "$work/to-fetch"

if [ -s "$work/to-fetch" ] && [ -n "${SOVSYNC_WIN_OFFLINE:-}" ]; then
	die "not in $srcdir or not matching the pinned SHA-256, and SOVSYNC_WIN_OFFLINE is set: $(tr '\n' ' ' < "$work/to-fetch")"
fi
if [ -s "$work/to-fetch" ]; then
	if [ "$(printf '%s\n' "$debsrc_text")" != "$(cat "$debsrc" 2>/dev/null)" ]; then
		say "adding deb-src entries: $debsrc"
		printf '%s\n' "$debsrc_text" | $SUDO tee "$debsrc" >/dev/null
		$SUDO apt-get update -qq
	elif ! apt-cache showsrc jansson 2>/dev/null | grep -q '^Package:'; then
		$SUDO apt-get update -qq
	fi
	say "fetching source packages: $(tr '\n' ' ' < "$work/to-fetch")"
	# shellcheck disable=SC2046
	(cd "$srcdir" && apt-get source -qq --download-only $(cat "$work/to-fetch")) >&2 ||
		die "apt-get source failed (is deb.debian.org reachable?)"
fi

echo "$PINS" | while read -r pkg ver dsc_sha orig orig_sha; do
	[ -n "$pkg" ] || continue
	dsc=$(dsc_name "$pkg" "$ver")
	sha_ok "$srcdir/$dsc" "$dsc_sha" || die "$srcdir/$dsc: SHA-256 differs from the pin (want $dsc_sha)"
	sha_ok "$srcdir/$orig" "$orig_sha" || die "$srcdir/$orig: SHA-256 differs from the pin (want $orig_sha)"
	# Unpacks, checks the Debian tarball against the .dsc, applies the patches.
	dpkg-source -q -x "$srcdir/$dsc" "$work/$pkg" >/dev/null 2>"$work/$pkg.unpack.log" ||
		{ cat "$work/$pkg.unpack.log" >&2; die "$dsc: dpkg-source -x failed"; }
done

# --- build -------------------------------------------------------------------

jobs=$(nproc 2>/dev/null || echo 2)
toolchain=$work/mingw.cmake
cat > "$toolchain" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER $WIN_CC)
set(CMAKE_CXX_COMPILER $WIN_CXX)
set(CMAKE_RC_COMPILER $WIN_HOST-windres)
set(CMAKE_AR $(command -v "$WIN_HOST-ar"))
set(CMAKE_RANLIB $(command -v "$WIN_HOST-ranlib"))
set(CMAKE_FIND_ROOT_PATH /usr/$WIN_HOST $prefix)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOF

# cmake_build <name> <source dir> [cmake args...]: configure, build, install
# into the prefix; the log stays in the work dir and is shown on failure.
cmake_build() {
	name=$1 src=$2
	shift 2
	say "building $name"
	log=$work/$name.log
	{
		cmake -S "$src" -B "$work/build-$name" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
			-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
			-DCMAKE_PREFIX_PATH="$prefix" -DBUILD_SHARED_LIBS=OFF "$@" &&
		cmake --build "$work/build-$name" -j "$jobs" $cmake_target &&
		if [ -z "$cmake_target" ]; then cmake --install "$work/build-$name"; fi
	} > "$log" 2>&1 || { tail -n 40 "$log" >&2; die "$name: build failed (log: $log)"; }
}
cmake_target=

# zlib: only the static library (the DLL target wants win32/zlib1.rc, which
# Debian's dfsg tarball drops); installed by hand under the usual names.
cmake_target="--target zlibstatic"
cmake_build zlib "$work/zlib"
cmake_target=
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/bin"
cp "$work/zlib/zlib.h" "$work/build-zlib/zconf.h" "$prefix/include/"
cp "$work/build-zlib/libzlibstatic.a" "$prefix/lib/libz.a"
sed -e "s|^prefix=.*|prefix=$prefix|" "$work/build-zlib/zlib.pc" > "$prefix/lib/pkgconfig/zlib.pc"

# http-parser: its own Makefile's static `package` target.
say "building http-parser"
make -C "$work/http-parser" CC="$WIN_CC" AR="$WIN_HOST-ar" CFLAGS_FAST_EXTRA= \
	package > "$work/http-parser.log" 2>&1 ||
	{ tail -n 40 "$work/http-parser.log" >&2; die "http-parser: build failed"; }
cp "$work/http-parser/http_parser.h" "$prefix/include/"
cp "$work/http-parser/libhttp_parser.a" "$prefix/lib/"

cmake_build pcre2 "$work/pcre2" -DPCRE2_BUILD_PCRE2_8=ON -DPCRE2_BUILD_PCRE2_16=OFF \
	-DPCRE2_BUILD_PCRE2_32=OFF -DPCRE2_SUPPORT_JIT=OFF -DPCRE2_BUILD_PCRE2GREP=OFF \
	-DPCRE2_BUILD_TESTS=OFF -DPCRE2_SUPPORT_LIBBZ2=OFF -DPCRE2_SUPPORT_LIBZ=OFF \
	-DPCRE2_SUPPORT_LIBEDIT=OFF -DPCRE2_SUPPORT_LIBREADLINE=OFF

cmake_build zstd "$work/libzstd/build/cmake" -DZSTD_BUILD_STATIC=ON \
	-DZSTD_BUILD_SHARED=OFF -DZSTD_BUILD_PROGRAMS=OFF -DZSTD_BUILD_TESTS=OFF \
	-DZSTD_BUILD_CONTRIB=OFF -DZSTD_MULTITHREAD_SUPPORT=ON -DZSTD_LEGACY_SUPPORT=OFF

# jansson: C99 printf as in sovsync, so JSON_INTEGER_FORMAT is "lld" for
# both (its CMake file says "I64d" for any WIN32, the msvcrt spelling, which
# MinGW's C99 printf and gcc's format checks do not take).
sed -i 's/^   if (WIN32) # matches both msvc and cygwin$/   if (WIN32 AND NOT MINGW)/' \
	"$work/jansson/CMakeLists.txt"
cmake_build jansson "$work/jansson" -DJANSSON_BUILD_SHARED_LIBS=OFF \
	-DJANSSON_BUILD_DOCS=OFF -DJANSSON_WITHOUT_TESTS=ON -DJANSSON_EXAMPLES=OFF \
	-DCMAKE_C_FLAGS=-D__USE_MINGW_ANSI_STDIO=1
grep -q '^#define JSON_INTEGER_FORMAT "lld"' "$prefix/include/jansson_config.h" ||
	die "jansson: JSON_INTEGER_FORMAT is not \"lld\" (CMakeLists.txt changed?)"

# libgit2: MinGW-w64 ships winhttp.h and libwinhttp.a, so the private copy
# under deps/winhttp (removed from Debian's +ds tarball) is not needed.
sed -i 's/^\tif(MINGW)$/\tif(FALSE) # sovsync: MinGW-w64 has winhttp/' \
	"$work/libgit2/cmake/SelectWinHTTP.cmake"
cmake_build libgit2 "$work/libgit2" -DBUILD_TESTS=OFF -DBUILD_CLI=OFF \
	-DBUILD_EXAMPLES=OFF -DBUILD_FUZZERS=OFF -DUSE_SSH=OFF -DUSE_HTTPS=WinHTTP \
	-DUSE_SHA1=CollisionDetection -DUSE_HTTP_PARSER=system -DREGEX_BACKEND=pcre2 \
	-DUSE_BUNDLED_ZLIB=OFF -DUSE_NTLMCLIENT=OFF -DUSE_GSSAPI=OFF -DUSE_ICONV=OFF \
	-DCMAKE_C_FLAGS=-DPCRE2_STATIC

cmake_build curl "$work/curl" -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF \
	-DCURL_USE_SCHANNEL=ON -DCURL_USE_OPENSSL=OFF -DCURL_USE_MBEDTLS=OFF \
	-DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_DISABLE_LDAP=ON \
	-DCURL_DISABLE_LDAPS=ON -DUSE_LIBIDN2=OFF -DUSE_WIN32_IDN=OFF -DCURL_BROTLI=OFF \
	-DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DUSE_NGTCP2=OFF -DUSE_QUICHE=OFF \
	-DCURL_ZLIB=ON -DHTTP_ONLY=ON -DENABLE_MANUAL=OFF -DCURL_CA_BUNDLE=none \
	-DCURL_CA_PATH=none -DCURL_DISABLE_ALTSVC=ON

# What was built, for `sovsync --version` checks and humans.
echo "$PINS" | awk 'NF { print $1, $2 }' > "$prefix/VERSIONS"
rm -rf "$work"
touch "$stamp"
say "built in $(( $(date +%s) - start )) s: $prefix"
echo "$prefix"
