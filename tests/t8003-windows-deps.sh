#!/bin/sh
# install/windows-deps.sh, the Windows build's dependencies: the cache is
# keyed by the pins (a changed pin or script version is a new key, never a
# stale reuse), a complete cache is reused without building or fetching, an
# incomplete one is reported, and a source package that is missing or does
# not match its pinned SHA-256 stops the build before anything is built
# (offline here: nothing is downloaded at test time).

. "$(dirname "$0")/lib.sh"

DEPS=$SRCDIR/install/windows-deps.sh
test_lazy_prereq MINGW 'command -v x86_64-w64-mingw32-gcc-posix'

test_expect_success MINGW 'the cache key changes with a pin and with the script version' '
	SOVSYNC_WIN_CACHE=$TRASH/c sh "$DEPS" --prefix >p1 &&
	SOVSYNC_WIN_CACHE=$TRASH/c sh "$DEPS" --prefix >p2 &&
	test_cmp p1 p2 &&
	grep "^$TRASH/c/[0-9a-f]\{16\}\$" p1 &&
	sed "s/^jansson 2.14-2 /jansson 2.14-3 /" "$DEPS" >pin.sh &&
	! cmp -s "$DEPS" pin.sh &&
	SOVSYNC_WIN_CACHE=$TRASH/c sh pin.sh --prefix >p3 &&
	! cmp -s p1 p3 &&
	sed "s/^SCRIPT_VERSION=\([0-9]*\)\$/SCRIPT_VERSION=\1.1/" "$DEPS" >ver.sh &&
	! cmp -s "$DEPS" ver.sh &&
	SOVSYNC_WIN_CACHE=$TRASH/c sh ver.sh --prefix >p4 &&
	! cmp -s p1 p4
'

test_expect_success MINGW 'an empty cache: --check fails and names the prefix' '
	test_expect_code 1 env SOVSYNC_WIN_CACHE=$TRASH/c sh "$DEPS" --check 2>err &&
	grep "missing: $(cat p1)" err
'

test_expect_success MINGW 'a complete cache is reused: no fetch, no build, its prefix printed' '
	mkdir -p "$(cat p1)" &&
	touch "$(cat p1)/.complete" &&
	SOVSYNC_WIN_CACHE=$TRASH/c SOVSYNC_WIN_OFFLINE=1 \
		sh "$DEPS" >out 2>err &&
	test_cmp p1 out &&
	test ! -s err &&
	test ! -d c/src &&
	SOVSYNC_WIN_CACHE=$TRASH/c sh "$DEPS" --check
'

test_expect_success MINGW 'sources missing or not matching their pins stop it before any build' '
	mkdir -p d/src &&
	echo "not the real one" >d/src/jansson_2.14-2.dsc &&
	echo "not the real one" >d/src/jansson_2.14.orig.tar.gz &&
	test_expect_code 1 env SOVSYNC_WIN_CACHE=$TRASH/d SOVSYNC_WIN_OFFLINE=1 \
		sh "$DEPS" >out 2>err &&
	cat err &&
	grep "not matching the pinned SHA-256" err &&
	grep "jansson=2.14-2" err &&
	grep "libgit2=1.5.1+ds-1+deb12u1" err &&
	test ! -s out &&
	! ls d/*/.complete 2>/dev/null &&
	! ls -d d/*/lib 2>/dev/null
'

test_done
