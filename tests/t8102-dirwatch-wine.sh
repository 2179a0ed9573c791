#!/bin/sh
# The Windows directory watch and stop request (src/os/win32/dirwatch.c,
# stop.c) under Wine: tests/win32/test_dirwatch.c, built with MinGW-w64
# from this checkout's sources (the os layer, buf.c and error.c only: no
# libraries), runs under wine64 and must pass all of its own TAP checks:
# nested create/modify/rename/delete, a directory that was there before
# the watch began, a UTF-16 name, a watched subtree
# appearing, an overflow of the change buffer turned into a rescan, the
# stop request ending a wait; and the C:/ form of sovsync.exe's path that
# the hooks use.  Skipped without wine64 or MinGW-w64.

. "$(dirname "$0")/lib.sh"

WINE=${WINE:-$(command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; })}
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WINEPREFIX=${SOVSYNC_WINEPREFIX:-$TRASH/wine}
WINEDEBUG=-all
export WINEPREFIX WINEDEBUG
test -n "$WINE" && test_set_prereq WINE
command -v "$MINGW_CC" >/dev/null 2>&1 && test_set_prereq MINGW

wine_cleanup() {
	# Only this prefix's wineserver (it outlives the programs by a few s).
	if [ -n "$WINE" ] && [ -d "$WINEPREFIX" ]; then
		"$(dirname "$WINE")/wineserver" -k 2>/dev/null || wineserver -k 2>/dev/null || :
	fi
	test_cleanup
}
trap wine_cleanup EXIT

# show_run CMD...: run CMD with its output in out and err, shown; its status.
show_run() {
	"$@" >out 2>err
	_sr_status=$?
	cat out err
	return $_sr_status
}

test_expect_success MINGW 'the Windows unit test builds from the sources' '
	mkdir inc &&
	gitinc=$(pkg-config --variable=includedir libgit2) &&
	ln -s "$gitinc/git2.h" "$gitinc/git2" inc/ &&
	"$MINGW_CC" -std=gnu11 -O1 -DO_CLOEXEC=0 -Wall -Wextra -Wno-unused-parameter \
		-Wno-format -Werror -I"$SRCDIR/src/os" -I"$SRCDIR/src/os/win32" -I"$SRCDIR/src/util" -Iinc \
		-o test_dirwatch.exe "$SRCDIR/tests/win32/test_dirwatch.c" \
		"$SRCDIR/src/os/dirwatch.c" "$SRCDIR/src/os/stop.c" \
		"$SRCDIR/src/os/win32/dirwatch.c" "$SRCDIR/src/os/win32/stop.c" \
		"$SRCDIR/src/os/win32/exe.c" \
		"$SRCDIR/src/util/buf.c" "$SRCDIR/src/util/error.c" \
		"$SRCDIR/src/os/win32/osfs.c" "$SRCDIR/src/os/win32/oswin.c" \
		"$SRCDIR/src/os/win32/oscompat.c" "$SRCDIR/src/os/osquote.c" &&
	test -f test_dirwatch.exe
'

test_expect_success WINE,MINGW 'under Wine the directory watch passes its checks' '
	# A UTF-8 locale: Wine maps Windows names to Unix ones through it.
	show_run env LC_ALL=C.UTF-8 timeout 600 "$WINE" test_dirwatch.exe &&
	grep "^1\.\.[0-9]" out &&
	test "$(grep -c "^ok " out)" -ge 23 &&
	! grep "^not ok" out
'

test_done
