#!/bin/sh
# sovsync.exe watch under Wine: the Windows watcher (ReadDirectoryChangesW,
# src/os/win32/dirwatch.c) sees a file written on Wine's drive by a Windows
# program (cmd.exe) in a directory that was there before it started, and
# one written by Linux into a new directory of the same tree, commits them
# and pushes; `sovsync.exe service` installs, starts, stops and removes
# the watcher as a service in Wine's service control manager.  Windows git
# is not there: the git.exe that the watcher runs is tests/win32/gitproxy.c,
# which hands each command to Linux git (tests/win32/gitproxy.py), because
# Wine gives a Windows parent no exit status of a Linux child.  Skipped (with the reason) without wine64,
# bin/windows/sovsync.exe (make windows), MinGW-w64 or python3.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

WINE64=${SOVSYNC_WINE64:-$(command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; })}
WIN_EXE=${SOVSYNC_WIN_EXE:-$SRCDIR/bin/windows/sovsync.exe}
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WINEPREFIX=${SOVSYNC_WINEPREFIX:-$TRASH/wine}
WINEDEBUG=-all
WINEDLLOVERRIDES='mscoree,mshtml='
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
unset DISPLAY WAYLAND_DISPLAY
# Wine maps Windows names to Unix ones through the locale: UTF-8.
LC_ALL=C.UTF-8
export LC_ALL
test -n "$WINE64" && test_set_prereq WINE64
test -f "$WIN_EXE" && test_set_prereq WINEXE
command -v "$MINGW_CC" >/dev/null 2>&1 && test_set_prereq MINGW
if ! test_have_prereq WINE64; then
	echo "# wine64 not found: skipped (sh install/deps.sh --windows)"
elif ! test_have_prereq WINEXE; then
	echo "# $WIN_EXE not built: skipped (make windows)"
fi
PREREQ=WINE64,WINEXE,MINGW,PYTHON3

# Windows form of a Linux path: Wine's Z: drive is /.
winpath() {
	printf 'Z:%s' "$1" | tr / '\\'
}

# start_win_watch DIR ARGS...: sovsync.exe watch in DIR, in the background
# (its pid in $TRASH/DIR.pid, its standard error in $TRASH/DIR.log).
start_win_watch() {
	_sw_dir=$1
	shift
	(cd "$TRASH/$_sw_dir" && exec "$WINE64" "$WIN_EXE" watch "$@") </dev/null \
		>"$TRASH/$_sw_dir.log" 2>&1 &
	echo $! >"$TRASH/$_sw_dir.pid"
}

# win_sovsync ARG...: sovsync.exe under Wine, its output without CRs.
win_sovsync() {
	timeout 120 "$WINE64" "$WIN_EXE" "$@" </dev/null >"$TRASH/win.raw"
	_ws_status=$?
	tr -d '\r' <"$TRASH/win.raw"
	return $_ws_status
}

wine_cleanup() {
	[ -f "$TRASH/proxy.pid" ] && kill "$(cat "$TRASH/proxy.pid")" 2>/dev/null
	[ -f "$TRASH/a.pid" ] && kill "$(cat "$TRASH/a.pid")" 2>/dev/null
	if [ -n "$WINE64" ] && [ -d "$WINEPREFIX" ]; then
		# This prefix's wineserver only: it ends the Windows processes.
		"$(dirname "$WINE64")/wineserver" -k 2>/dev/null || :
	fi
	sync_cleanup
}
trap wine_cleanup EXIT

test_expect_success $PREREQ 'setup: the git proxy, a remote and a clone' '
	mkdir wbin &&
	"$MINGW_CC" -O1 -o wbin/git.exe "$SRCDIR/tests/win32/gitproxy.c" -lws2_32 &&
	{ python3 "$SRCDIR/tests/win32/gitproxy.py" "$TRASH/proxy.port" </dev/null \
		>proxy.out 2>&1 & echo $! >proxy.pid; } &&
	wait_until 30 test -f proxy.port &&
	sync_setup
'

SOVSYNC_GITPROXY_PORT=$(cat "$TRASH/proxy.port" 2>/dev/null)
WINEPATH=$(winpath "$TRASH/wbin")
export SOVSYNC_GITPROXY_PORT WINEPATH

test_expect_success $PREREQ 'the proxy runs Linux git for a Windows program' '
	(cd a && timeout 120 "$WINE64" "$TRASH/wbin/git.exe" rev-parse --show-toplevel \
		</dev/null >../top) &&
	test "$(cat top)" = "$TRASH/a"
'

# Long pull and scan intervals: after the first cycle only the directory
# watch can start one.
test_expect_success $PREREQ 'sovsync.exe watch starts on the clone' '
	start_win_watch a --debounce=0.3 --pull-interval=1h --scan-interval=1h &&
	wait_until 120 grep -q "ok .* up to date" a/.git/sovsync/log &&
	grep "watching Z:/.*/a/shared (1 directories" a/.git/sovsync/log
'

test_expect_success $PREREQ 'a file written by a Windows program on Wine drive is committed' '
	timeout 120 "$WINE64" cmd /c "echo from-wine> $(winpath "$TRASH/a/shared/wine.md")" \
		</dev/null &&
	test -f a/shared/wine.md &&
	wait_until 120 remote_has shared/wine.md &&
	git -C a log --format=%s -- shared/wine.md >subjects &&
	grep "^sovsync: " subjects
'

test_expect_success $PREREQ 'a file the Linux side writes in a new directory is committed' '
	mkdir -p a/shared/deeper/still &&
	echo from-linux >a/shared/deeper/still/linux.md &&
	wait_until 120 remote_has shared/deeper/still/linux.md from-linux
'

# The service runs in Wine's service control manager, whose environment
# has no path to the git proxy: its cycles fail (and back off), which is
# enough to see it start, log to the repository and stop on STOP.
test_expect_success $PREREQ 'sovsync.exe service: install, start, status, stop, uninstall' '
	(cd b && win_sovsync service install) >out &&
	grep "^installed service sovsync: .*sovsync.exe watch --service \"Z:/.*/b\"" out &&
	(cd b && win_sovsync service status) >out &&
	grep "^state: stopped" out &&
	grep "^command: .*sovsync.exe watch --service Z:/.*/b$" out &&
	(cd b && win_sovsync service start) &&
	wait_until 120 grep -q "watching Z:/.*/b/shared" b/.git/sovsync/log &&
	(cd b && win_sovsync service status) >out &&
	grep "^state: running" out &&
	(cd b && win_sovsync service stop) &&
	grep "stopped (service stop)" b/.git/sovsync/log &&
	(cd b && win_sovsync service uninstall) &&
	(cd b && test_expect_code 1 win_sovsync service status) >out &&
	grep "^state: not installed" out
'

test_done
