# tests/lib-wine-env.sh - Wine's environment for the Windows tests, sourced
# by tests/wine-run.sh and tests/lib-wine.sh (after setting $srcdir).
#
# Sets and exports WINE64 (empty when there is none), WINEPREFIX, WINEDEBUG,
# WINEDLLOVERRIDES; unsets DISPLAY and WAYLAND_DISPLAY so that no window can
# open.  wine_prefix_ready makes the prefix once (wineboot -i, bounded).

WINE64=${SOVSYNC_WINE64:-}
if [ -z "$WINE64" ]; then
	WINE64=$(command -v wine64 2>/dev/null || true)
fi
if [ -z "$WINE64" ]; then
	for _w in /usr/lib/wine/wine64 /usr/lib64/wine/wine64; do
		if [ -x "$_w" ]; then WINE64=$_w; break; fi
	done
fi
WINEPREFIX=${SOVSYNC_WINEPREFIX:-$srcdir/build/wine}
WINEDEBUG=-all
# No Mono (mscoree) or Gecko (mshtml) install prompt.
WINEDLLOVERRIDES='mscoree,mshtml='
export WINE64 WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
unset DISPLAY WAYLAND_DISPLAY

# wine_prefix_ready: make $WINEPREFIX once (several tests may ask at the
# same time: a lock; a wineboot that hangs is stopped after 300 s).
wine_prefix_ready() {
	[ -f "$WINEPREFIX/.sovsync-ready" ] && return 0
	mkdir -p "$(dirname "$WINEPREFIX")" || return 1
	(
		flock 8 || exit 1
		[ -f "$WINEPREFIX/.sovsync-ready" ] && exit 0
		echo "wine: making the prefix $WINEPREFIX (wineboot -i)" >&2
		timeout 300 "$WINE64" wineboot -i >/dev/null 2>&1 || {
			echo "wine: wineboot -i failed or timed out in $WINEPREFIX" >&2
			exit 1
		}
		# wineboot returns before the prefix is written out: wait for
		# its wineserver to finish (bounded too).
		_ws=$(dirname "$WINE64")/wineserver
		[ -x "$_ws" ] || _ws=wineserver
		timeout 120 "$_ws" -w 2>/dev/null || true
		touch "$WINEPREFIX/.sovsync-ready"
	) 8>"$WINEPREFIX.lock"
}
