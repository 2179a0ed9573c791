#!/bin/sh
# The Windows service code (src/os/win32/service.c) under Wine's service
# control manager: tests/win32/test_service.c, built with MinGW-w64 from
# this checkout's sources, is installed, started, queried, stopped (its
# body, waiting in a directory watch as the watcher does, sees the stop
# request with its reason) and uninstalled; a body that fails leaves its
# exit code in the status; run from a console it refuses.  (sovsync.exe
# service ... itself needs the full Windows build: t8100.)  Skipped
# without wine64 or MinGW-w64.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

WINE=${SOVSYNC_WINE64:-$(command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; })}
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
# A prefix of its own: the services it registers die with it.
WINEPREFIX=$TRASH/wine
WINEDEBUG=-all
WINEDLLOVERRIDES='mscoree,mshtml='
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
unset DISPLAY WAYLAND_DISPLAY
test -n "$WINE" && test_set_prereq WINE
command -v "$MINGW_CC" >/dev/null 2>&1 && test_set_prereq MINGW

winpath() {
	printf 'Z:%s' "$1" | tr / '\\'
}

# svc ARG...: the driver under Wine; its standard output without the CRs
# of the C runtime's text mode.
svc() {
	timeout 120 "$WINE" "$TRASH/test_service.exe" "$@" </dev/null >"$TRASH/svc.raw"
	_svc_status=$?
	tr -d '\r' <"$TRASH/svc.raw"
	return $_svc_status
}

# svc_start_anyway NAME: start it; a body failing at once may fail the start.
svc_start_anyway() {
	svc start "$1" 2>err
	return 0
}

# stopped NAME: the SCM says it is stopped.
stopped() {
	svc status "$1" >status.out 2>&1 && grep -q "^state: stopped" status.out
}

wine_cleanup() {
	if [ -n "$WINE" ] && [ -d "$WINEPREFIX" ]; then
		"$(dirname "$WINE")/wineserver" -k 2>/dev/null || :
	fi
	test_cleanup
}
trap wine_cleanup EXIT

test_expect_success MINGW 'the service driver builds from the sources' '
	mkdir inc &&
	gitinc=$(pkg-config --variable=includedir libgit2) &&
	ln -s "$gitinc/git2.h" "$gitinc/git2" inc/ &&
	"$MINGW_CC" -std=gnu11 -O1 -DO_CLOEXEC=0 -Wall -Wextra -Wno-unused-parameter \
		-Wno-format -Werror -I"$SRCDIR/src/os" -I"$SRCDIR/src/os/win32" -I"$SRCDIR/src/util" -Iinc \
		-o test_service.exe "$SRCDIR/tests/win32/test_service.c" \
		"$SRCDIR/src/os/dirwatch.c" "$SRCDIR/src/os/stop.c" \
		"$SRCDIR/src/os/win32/dirwatch.c" "$SRCDIR/src/os/win32/stop.c" \
		"$SRCDIR/src/os/win32/service.c" \
		"$SRCDIR/src/util/buf.c" "$SRCDIR/src/util/error.c" \
		"$SRCDIR/src/os/win32/osfs.c" "$SRCDIR/src/os/win32/oswin.c" \
		"$SRCDIR/src/os/win32/oscompat.c" "$SRCDIR/src/os/osquote.c" &&
	test -f test_service.exe
'

test_expect_success WINE,MINGW 'not installed: status says so and exits 1' '
	test_expect_code 1 svc status sovtest >out &&
	grep "^state: not installed" out
'

test_expect_success WINE,MINGW 'install registers the command line with the SCM' '
	mkdir svc &&
	svc install sovtest "$(winpath "$TRASH/svc")" &&
	svc status sovtest >out &&
	grep "^state: stopped" out &&
	! grep "exit code" out &&
	grep "^command: .*test_service.exe run sovtest Z:.*svc$" out &&
	test_expect_code 1 svc install sovtest "$(winpath "$TRASH/svc")" 2>err &&
	grep "installed already" err
'

test_expect_success WINE,MINGW 'start: the body runs under the SCM' '
	svc start sovtest &&
	wait_until 60 test -f svc/running &&
	svc status sovtest >out &&
	grep "^state: running" out
'

test_expect_success WINE,MINGW 'stop: the control handler raises the stop request' '
	svc stop sovtest &&
	test "$(cat svc/stopped)" = "service stop" &&
	svc status sovtest >out &&
	grep "^state: stopped" out &&
	! grep "exit code" out
'

test_expect_success WINE,MINGW 'a body that fails leaves its exit code' '
	svc uninstall sovtest &&
	svc install sovbad "$(winpath "$TRASH/missing")" &&
	svc_start_anyway sovbad &&
	wait_until 60 stopped sovbad &&
	svc status sovbad >out &&
	grep "^exit code: 3$" out &&
	svc uninstall sovbad
'

test_expect_success WINE,MINGW 'uninstall removes it; run from a console refuses' '
	test_expect_code 1 svc status sovtest >out &&
	grep "^state: not installed" out &&
	test_expect_code 1 svc stop sovtest 2>err &&
	grep "not installed" err &&
	test_expect_code 1 svc run sovtest "$(winpath "$TRASH/svc")" 2>err &&
	grep "not started by the service control manager" err
'

test_done
