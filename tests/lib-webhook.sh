# tests/lib-webhook.sh - a webhook receiver and webhook-enabled repositories
# for the integration tests.  Source it after tests/lib.sh:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/lib-webhook.sh"
#
#   receiver_start rx              # tests/webhook-receiver.py on 127.0.0.1
#   webhook_repo repo rx           # a repository whose hooks emit to rx
#   ... git -C repo commit ...
#   receiver_wait rx 1             # bounded poll for one 2xx delivery
#   receiver_stop rx
#
# Each receiver NAME lives in $TRASH/NAME/: port, pid, log (one JSON line
# per request, see webhook-receiver.py), script (directives such as "500",
# "429 1", "sleep 5", one per request), token and secret (mode 0600, shared
# by every receiver of the test: $TRASH/secrets/).  Receivers still running
# when the script ends are stopped (lib-bg.sh).  Waits are bounded: RECEIVER_TIMEOUT
# seconds (default 60), never asserted on.

RECEIVER_TIMEOUT=${RECEIVER_TIMEOUT:-60}
. "$SRCDIR/tests/lib-bg.sh"

# The token and the secret the receivers expect; never passed in argv.
webhook_secrets() {
	if ! [ -f "$TRASH/secrets/token" ]; then
		mkdir -p "$TRASH/secrets" &&
		chmod 700 "$TRASH/secrets" &&
		(umask 077 &&
		 python3 -c 'import secrets; print("tok_" + secrets.token_hex(16))' \
			>"$TRASH/secrets/token" &&
		 python3 -c 'import base64, secrets
print("whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())' \
			>"$TRASH/secrets/secret")
	fi
}

# receiver_start NAME [PORT]: start (or restart, on PORT) a receiver.
receiver_start() {
	_rdir=$TRASH/$1
	webhook_secrets || return 1
	mkdir -p "$_rdir" &&
	rm -f "$_rdir/port" &&
	touch "$_rdir/log" "$_rdir/script" || return 1
	python3 "$SRCDIR/tests/webhook-receiver.py" --port "${2:-0}" \
		--port-file "$_rdir/port" --log "$_rdir/log" --script "$_rdir/script" \
		--token-file "$TRASH/secrets/token" \
		--secret-file "$TRASH/secrets/secret" \
		>>"$_rdir/stderr" 2>&1 </dev/null &
	bg_started "$_rdir" $!
	_i=0
	while ! [ -s "$_rdir/port" ]; do
		_i=$((_i + 1))
		if [ $_i -gt $((RECEIVER_TIMEOUT * 10)) ] ||
		   ! kill -0 "$(cat "$_rdir/pid")" 2>/dev/null; then
			echo "receiver $1 did not start:" >&2
			cat "$_rdir/stderr" >&2
			return 1
		fi
		sleep 0.1
	done
}

# receiver_port NAME, receiver_url NAME
receiver_port() { cat "$TRASH/$1/port"; }
receiver_url() { echo "http://127.0.0.1:$(receiver_port "$1")/hook"; }

# receiver_stop NAME: stop it and wait until it is gone (port free again).
receiver_stop() { bg_stop "$TRASH/$1"; }

# receiver_query NAME PYTHON-EXPR: print EXPR evaluated over `recs`, the
# list of recorded requests (dicts), e.g. 'len(ok)' with `ok` the 2xx ones.
receiver_query() {
	python3 - "$TRASH/$1/log" "$2" <<-\EOF
	import json, sys
	recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
	ok = [r for r in recs if 200 <= r["status"] < 300]
	v = eval(sys.argv[2])
	print("\n".join(map(str, v)) if isinstance(v, list) else v)
	EOF
}

# receiver_count NAME: number of 2xx deliveries.
receiver_count() { receiver_query "$1" 'len(ok)'; }

# receiver_wait NAME N: wait (bounded) until NAME answered N requests 2xx.
receiver_wait() {
	_i=0
	while [ "$(receiver_count "$1")" -lt "$2" ]; do
		_i=$((_i + 1))
		if [ $_i -gt $((RECEIVER_TIMEOUT * 10)) ]; then
			echo "receiver $1: $(receiver_count "$1") deliveries, want $2" >&2
			cat "$TRASH/$1/log" >&2
			return 1
		fi
		sleep 0.1
	done
}

# wait_for DESCRIPTION CODE: poll the shell CODE (evaluated afresh each
# time) until it succeeds, for at most RECEIVER_TIMEOUT seconds.
wait_for() {
	_i=0
	until eval "$2"; do
		_i=$((_i + 1))
		if [ $_i -gt $((RECEIVER_TIMEOUT * 10)) ]; then
			echo "timed out waiting for $1" >&2
			return 1
		fi
		sleep 0.1
	done
}

# wait_outbox DIR PENDING [FAILED]: wait until DIR's outbox holds PENDING
# events (and FAILED failed ones).
wait_outbox() {
	wait_for "$2 pending ${3:+and $3 failed }events in $1" \
		"[ \"\$(outbox_count '$1')\" = '$2' ] &&
		 { [ -z '$3' ] || [ \"\$(outbox_count '$1' failed)\" = '$3' ]; }"
}

# wait_records NAME N: wait until receiver NAME recorded N requests or more.
wait_records() {
	wait_for "$2 requests at $1" "[ \"\$(receiver_query '$1' 'len(recs)')\" -ge '$2' ]"
}

# wait_no_sender GITDIR: wait until no background sender of GITDIR runs.
wait_no_sender() {
	wait_for "the sender of $1 to stop" "! sender_running '$1'"
}

# outbox_count DIR [failed]: events pending (or failed) in DIR's outbox.
outbox_count() {
	_ob=$(git -C "$1" rev-parse --git-common-dir)/sovsync/outbox
	case "$_ob" in /*) ;; *) _ob=$1/$_ob ;; esac
	[ -z "$2" ] || _ob=$_ob/failed
	ls "$_ob" 2>/dev/null | grep -c '^[0-9].*\.json$' || true
}

# webhook_hooks DIR: minimal hooks that drive sovsync's webhook plumbing
# (sovsync install writes the real ones).
webhook_hooks() {
	_hooks=$(git -C "$1" rev-parse --git-path hooks)
	case "$_hooks" in /*) ;; *) _hooks=$1/$_hooks ;; esac
	mkdir -p "$_hooks"
	printf '#!/bin/sh\nexec sovsync webhook emit commit\n' >"$_hooks/post-commit"
	printf '#!/bin/sh\nexec sovsync webhook emit merge\n' >"$_hooks/post-merge"
	printf '#!/bin/sh\nexec sovsync webhook ref-transaction "$1"\n' \
		>"$_hooks/reference-transaction"
	chmod +x "$_hooks/post-commit" "$_hooks/post-merge" \
		"$_hooks/reference-transaction"
}

# webhook_repo DIR [RECEIVER]: a repository with one commit, the hooks above,
# the webhook pointed at RECEIVER (if given) with its token and secret files,
# short retry delays for tests.
webhook_repo() {
	test_repo "$1" &&
	webhook_setup "$@"
}

# webhook_setup DIR [RECEIVER]: the same for an existing repository (a clone).
webhook_setup() {
	webhook_secrets &&
	webhook_hooks "$1" &&
	git -C "$1" config sovsync.webhook.tokenFile "$TRASH/secrets/token" &&
	git -C "$1" config sovsync.webhook.secretFile "$TRASH/secrets/secret" &&
	git -C "$1" config sovsync.webhook.retryDelayMs 200 &&
	git -C "$1" config sovsync.webhook.maxRetryDelayMs 1000 &&
	# With 0.2-1 s delays the default 15 attempts last only ~8 s: a slow
	# machine (ASan, valgrind) keeps a receiver down that long, and events
	# would fail where a test only means to delay them.
	git -C "$1" config sovsync.webhook.maxAttempts 1000 &&
	git -C "$1" config sovsync.webhook.lingerMs 20000 &&
	git -C "$1" config sovsync.webhook.timeout 10 &&
	if [ -n "$2" ]; then
		git -C "$1" config sovsync.webhook.url "$(receiver_url "$2")"
	fi
}


# sender_lock GITDIR: the lock a background sender holds while it runs.
sender_lock() { echo "$1/sovsync/webhook-sender.lock"; }

# sender_running GITDIR: whether a background sender of GITDIR runs.
sender_running() {
	! flock -n "$(sender_lock "$1")" true
}

# leaks_secret FILE...: whether any file given contains the token or the secret (or its key part).
leaks_secret() {
	python3 - "$TRASH/secrets/token" "$TRASH/secrets/secret" "$@" <<-\EOF
	import sys
	tok = open(sys.argv[1], "rb").read().strip()
	sec = open(sys.argv[2], "rb").read().strip()
	needles = [tok, sec, sec[len(b"whsec_"):]]
	for path in sys.argv[3:]:
	    data = open(path, "rb").read()
	    if any(n in data for n in needles):
	        print("secret found in " + path)
	        sys.exit(0)
	sys.exit(1)
	EOF
}
