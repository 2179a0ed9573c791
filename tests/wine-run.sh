#!/bin/sh
# tests/wine-run.sh PROGRAM.exe [ARG...]: run a Windows program under wine64
# for the Windows tests (make test-windows), without a display or a dialog.
#
# The Wine prefix is sovsync's own (default build/wine of this checkout, or
# $SOVSYNC_WINEPREFIX), made once with `wineboot -i` under a lock and a
# time limit; Mono and Gecko are never offered (WINEDLLOVERRIDES), Wine's
# debug channels are off.  wine64 comes from $SOVSYNC_WINE64, else PATH,
# else Debian's /usr/lib/wine/wine64.  Exits 127 when there is no wine64.
# PROGRAM's exit status is this script's.
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$srcdir/tests/lib-wine-env.sh"

if [ -z "$WINE64" ]; then
	echo "wine-run.sh: wine64 not found (sh install/deps.sh --windows)" >&2
	exit 127
fi
wine_prefix_ready || exit 1
exec "$WINE64" "$@"
