# tests/lib-ui.sh - helpers for the `sovsync ui` tests (t700x), sourced after
# lib.sh and lib-sync.sh.  Servers started with ui_start are stopped when the
# script exits, whatever happened to the tests (lib-sync.sh's list of
# background processes).

# ui_start DIR: `sovsync ui --no-open` (port 0) in DIR, in the background.
# Sets UI_URL (the first line it printed), UI_BASE (http://127.0.0.1:PORT),
# UI_PORT, UI_TOKEN, UI_PID.
ui_start() {
	rm -f "$TRASH/ui.out" "$TRASH/ui.err"
	(cd "$TRASH/$1" && exec sovsync ui --no-open) >"$TRASH/ui.out" 2>"$TRASH/ui.err" &
	UI_PID=$!
	echo $UI_PID >>"$TRASH/.watchers"
	wait_until 30 grep -q '^http://' "$TRASH/ui.out" || return 1
	UI_URL=$(head -n 1 "$TRASH/ui.out")
	UI_BASE=${UI_URL%%/settings/*}
	UI_PORT=${UI_BASE##*:}
	UI_TOKEN=${UI_URL##*token=}
	export UI_URL UI_BASE UI_PORT UI_TOKEN UI_PID
}

# ui_stop: SIGTERM the server and wait until it is gone; its status in
# $TRASH/ui.status.
ui_stop() {
	kill -TERM "$UI_PID" &&
	wait_until 30 gone "$UI_PID"
}

# ui_code ARGS...: curl with a bounded time; prints the status code only,
# the body goes to $TRASH/ui.body.
ui_code() {
	curl -s -o "$TRASH/ui.body" -w '%{http_code}' --max-time 30 "$@"
}
