#!/bin/sh
# tests/wine-unit.sh TEST.exe: one unit test of the Windows build under
# wine64 (make test-windows runs it through prove --exec), with a git.exe on
# its PATH.  Wine has no Git for Windows, and gives a Windows parent no exit
# status of a Linux child: the git.exe is tests/win32/gitproxy.c (built by
# mk/windows.mk as build/windows/wbin/git.exe), which hands each command to
# Linux git through tests/win32/gitproxy.py, started here for this test on
# 127.0.0.1 and stopped after it.  Without python3 or that git.exe the test
# runs without them (its git checks then fail, saying so).
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
wbin=$srcdir/build/windows/wbin
proxy=
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-wineunit-XXXXXX") || exit 1
trap '[ -n "$proxy" ] && kill "$proxy" 2>/dev/null; rm -rf "$tmp"' EXIT

if [ -f "$wbin/git.exe" ] && command -v python3 >/dev/null 2>&1; then
	python3 "$srcdir/tests/win32/gitproxy.py" "$tmp/port" </dev/null \
		>"$tmp/proxy.out" 2>&1 &
	proxy=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	SOVSYNC_GITPROXY_PORT=$(cat "$tmp/port" 2>/dev/null)
	WINEPATH="Z:$(printf '%s' "$wbin" | tr / '\\')"
	export SOVSYNC_GITPROXY_PORT WINEPATH
else
	echo "# wine-unit.sh: no git.exe proxy (python3 or $wbin/git.exe missing)" >&2
fi
status=0
sh "$srcdir/tests/wine-run.sh" "$@" || status=$?
exit $status
