# tests/lib-wine.sh - the Windows build under Wine, for the t80xx scripts;
# source after lib.sh.  Linux git (and the Linux sovsync of $SOVSYNC_BIN)
# drive and check bin/windows/sovsync.exe run by wine64.
#
#   WIN_EXE          the exe ($SOVSYNC_WIN_EXE, default bin/windows/sovsync.exe)
#   WINE             prerequisite: wine64 and the exe are there; every test
#                    of a t80xx script needs it, and is skipped with the
#                    reason when either is missing (an exe that is there but
#                    does not run fails the tests)
#   win_sovsync ARG...      run the exe under wine64 (its stdout as is)
#   win_cmd ARG...          the command line git is given for the exe
#                           (wine64 <abs>/sovsync.exe ARG...), quoted
# Both stop the exe after $SOVSYNC_WIN_TIMEOUT seconds (default 300): an
# exe that stops answering (a filter that reads or writes in text mode)
# fails its test instead of hanging it.
#   crlf_free FILE          FILE has no carriage return

srcdir=$SRCDIR
. "$SRCDIR/tests/lib-wine-env.sh"

WIN_EXE=${SOVSYNC_WIN_EXE:-$SRCDIR/bin/windows/sovsync.exe}
WIN_TIMEOUT=${SOVSYNC_WIN_TIMEOUT:-300}
export WIN_EXE

win_sovsync() {
	wine_prefix_ready && timeout "$WIN_TIMEOUT" "$WINE64" "$WIN_EXE" "$@"
}

# A single-quoted word for a git config value that git runs with sh.
win_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

win_cmd() {
	_wc="timeout $WIN_TIMEOUT $(win_quote "$WINE64") $(win_quote "$WIN_EXE")"
	for _a in "$@"; do
		case "$_a" in
		%*) _wc="$_wc $_a" ;;
		*) _wc="$_wc $(win_quote "$_a")" ;;
		esac
	done
	printf '%s\n' "$_wc"
}

crlf_free() {
	! grep -q "$(printf '\r')" "$1"
}

test_lazy_prereq WINE 'test -n "$WINE64" && test -f "$WIN_EXE"'

# Say once, on the TAP stream, why everything is skipped.
if ! test_have_prereq WINE; then
	if [ -z "$WINE64" ]; then
		echo "# wine64 not found: the Windows tests are skipped (sh install/deps.sh --windows)"
	elif ! [ -f "$WIN_EXE" ]; then
		echo "# $WIN_EXE not built: the Windows tests are skipped (make windows)"
	fi
fi
