#!/bin/sh
# make install / uninstall stage the program, the git-sovsync link and the
# man pages under DESTDIR and PREFIX.

. "$(dirname "$0")/lib.sh"

if [ "$SOVSYNC_BIN" != "$SRCDIR/bin" ]; then
	test_skip 'make install stages the program' 'testing a non-default build'
	test_done
fi

test_expect_success 'make install DESTDIR=... PREFIX=/usr stages everything' '
	make -s -C "$SRCDIR" install DESTDIR="$TRASH/stage" PREFIX=/usr >out 2>&1 &&
	test -x stage/usr/bin/sovsync &&
	test -L stage/usr/bin/git-sovsync &&
	test "$(readlink stage/usr/bin/git-sovsync)" = sovsync &&
	test -f stage/usr/share/man/man1/git-sovsync.1 &&
	stage/usr/bin/sovsync --version | grep "^sovsync "
'

test_expect_success 'the installed git-sovsync works through git' '
	test_repo repo &&
	PATH="$TRASH/stage/usr/bin:/usr/bin:/bin" git -C repo sovsync version --short >out &&
	grep "^sovsync " out
'

test_expect_success 'make uninstall removes exactly what install added' '
	mkdir -p stage/usr/bin/keep &&
	make -s -C "$SRCDIR" uninstall DESTDIR="$TRASH/stage" PREFIX=/usr >out 2>&1 &&
	test ! -e stage/usr/bin/sovsync &&
	test ! -e stage/usr/bin/git-sovsync &&
	test ! -e stage/usr/share/man/man1/git-sovsync.1 &&
	test -d stage/usr/bin/keep
'

test_done
