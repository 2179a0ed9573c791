# tests/lib-bg.sh - background servers of the tests (webhook receivers,
# lighttpd), stopped by pid file.  Sourced by lib-webhook.sh and lib-httpd.sh.

# bg_started DIR PID: remember the server whose files live in DIR.
bg_started() {
	echo "$2" >"$1/pid"
	echo "$1" >>"$TRASH/.servers"
}

# bg_stop DIR: stop the server of DIR and wait (bounded) until it is gone.
bg_stop() {
	_pid=$(cat "$1/pid" 2>/dev/null) || return 0
	kill "$_pid" 2>/dev/null || true
	_i=0
	while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 600 ]; do
		_i=$((_i + 1))
		sleep 0.1
	done
	rm -f "$1/pid"
}

# Stop every server still running when the script ends, then clean up.
bg_cleanup() {
	if [ -f "$TRASH/.servers" ]; then
		while read -r _dir; do
			[ -f "$_dir/pid" ] && kill "$(cat "$_dir/pid")" 2>/dev/null
		done <"$TRASH/.servers"
	fi
	test_cleanup
}
trap bg_cleanup EXIT
