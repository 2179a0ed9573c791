#!/bin/sh
# Draining the webhook outbox: one scan of the outbox and one connection
# per drained batch (SOVSYNC_TRACE "webhook: drain:" line; no timing is
# asserted), order and at-least-once kept, also across a kill -9.  What a
# receiver answers is never stored or printed with the request's
# credentials: echoed headers, JSON, a token cut across lines, URL userinfo
# and ?token=, a huge body; a receiver that never answers costs the
# timeout, then the sender goes on with the next event.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"

# leaks_part FILE...: whether a file holds 8 or more characters in a row of
# the token or the secret (raw, or the base64 key part).
leaks_part() {
	python3 - "$TRASH/secrets/token" "$TRASH/secrets/secret" "$@" <<-\EOF
	import sys
	tok = open(sys.argv[1]).read().strip()
	sec = open(sys.argv[2]).read().strip()
	parts = set()
	for s in (tok[len("tok_"):], sec[len("whsec_"):]):
	    parts.update(s[i:i + 8] for i in range(len(s) - 7))
	for path in sys.argv[3:]:
	    data = open(path, encoding="latin-1").read()
	    hit = [p for p in parts if p in data]
	    if hit:
	        print("%s: holds %s" % (path, hit[0]))
	        sys.exit(0)
	sys.exit(1)
	EOF
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# queue REPO N: N commit events that stay queued, all due now: while the
# commits run, the sender lock is held, so no hook starts a sender.
queue() {
	mkdir -p "$1/.git/sovsync" &&
	git -C "$1" config sovsync.webhook.url "$(receiver_url rx)" &&
	flock "$(sender_lock "$1/.git")" sh -c '
		for i in $(seq 1 "$2"); do
			git -C "$1" commit -q --allow-empty -m "queued $i" || exit 1
		done' - "$1" "$2" &&
	test "$(outbox_count "$1")" = "$2"
}

test_expect_success 'setup' '
	receiver_start rx &&
	webhook_repo repo
'

test_expect_success 'a flush of 40 events scans the outbox once and opens one connection' '
	queue repo 40 &&
	(cd repo && sovsync webhook list) | cut -d" " -f2 >queued &&
	(cd repo && SOVSYNC_TRACE=$TRASH/trace sovsync webhook flush) >out &&
	grep "40 delivered, 0 failed, 0 still queued" out &&
	test "$(outbox_count repo)" = 0 &&
	grep "webhook: drain: 40 delivered, 0 failed, 2 outbox scans, 1 connections" trace &&
	receiver_query rx "[r[\"id\"] for r in ok]" >sent &&
	test_cmp queued sent
'

test_expect_success 'a background sender drains a queue in one batch, in order' '
	queue repo 25 &&
	(cd repo && sovsync webhook list) | cut -d" " -f2 >queued &&
	(cd repo && SOVSYNC_TRACE=$TRASH/trace2 sovsync webhook sender --git-dir .git) &&
	test "$(outbox_count repo)" = 0 &&
	grep "webhook: drain: 25 delivered, 0 failed, [12] outbox scans, 1 connections" trace2 &&
	receiver_query rx "[r[\"id\"] for r in ok][-25:]" >sent &&
	test_cmp queued sent
'

test_expect_success 'a flush killed mid-drain loses nothing and keeps the order (kill -9)' '
	queue repo 12 &&
	(cd repo && sovsync webhook list) | cut -d" " -f2 >queued &&
	n=$(receiver_count rx) &&
	touch gate &&
	printf "200\n200\n200\n200\n200\nhold %s\n" "$TRASH/gate" >rx/script &&
	{ (cd repo && exec sovsync webhook flush >/dev/null 2>&1) & } &&
	pid=$! &&
	wait_for "the sixth request in flight" "[ \$(wc -l <rx/log.arrivals) -ge \$((n + 6)) ]" &&
	kill -9 $pid &&
	{ wait $pid || :; } &&
	rm gate &&
	(cd repo && sovsync webhook flush) &&
	test "$(outbox_count repo)" = 0 &&
	receiver_query rx "[r[\"id\"] for r in recs][$n:]" >sent &&
	# At least once, in order: every event arrived, each after the one
	# before; only the one in flight at the kill may come twice.
	python3 -c "import sys
q = open(sys.argv[1]).read().split()
s = open(sys.argv[2]).read().split()
dedup = [x for i, x in enumerate(s) if x not in s[:i]]
assert dedup == q, (dedup, q)
assert len(s) - len(q) <= 1, s" queued sent
'

test_expect_success 'setup: answers that echo the credentials' '
	git -C repo config sovsync.webhook.lingerMs 20000 &&
	git -C repo config sovsync.webhook.retryDelayMs 200 &&
	git -C repo config sovsync.webhook.maxAttempts 1
'

for style in headers json split url bare; do
	test_expect_success "an answer echoing the credentials ($style) is stored redacted" '
		echo "echo 500 '$style'" >rx/script &&
		nf=$(outbox_count repo failed) &&
		git -C repo commit -q --allow-empty -m "echo '$style'" &&
		wait_outbox repo 0 $((nf + 1)) &&
		(cd repo && sovsync webhook list --failed) >list &&
		grep "error=HTTP 500" list &&
		! leaks_part list repo/.git/sovsync/outbox/failed/* &&
		! leaks_secret list repo/.git/sovsync/outbox/failed/*
	'
done

test_expect_success 'the echo in a failed file is redacted, not dropped' '
	(cd repo && sovsync webhook list --failed) >list &&
	grep "error=HTTP 500: .*\[redacted\]" list &&
	grep "https://\[redacted\]@example.com/x?token=\[redacted\]" list
'

test_expect_success 'a failed event stored by an older sovsync is printed redacted' '
	f=$(ls repo/.git/sovsync/outbox/failed/* | head -n1) &&
	python3 -c "import json, sys
ev = json.load(open(sys.argv[1]))
ev[\"last_error\"] = \"HTTP 500: Authorization: Bearer \" + open(sys.argv[2]).read().strip()
json.dump(ev, open(sys.argv[1], \"w\"))" "$f" secrets/token &&
	leaks_secret "$f" &&
	(cd repo && sovsync webhook list --failed) >list &&
	! leaks_part list
'

test_expect_success 'a huge answer (8 MiB) is read and dropped; little is stored' '
	echo "big 500 8388608" >rx/script &&
	nf=$(outbox_count repo failed) &&
	git -C repo commit -q --allow-empty -m "huge answer" &&
	wait_outbox repo 0 $((nf + 1)) &&
	f=$(ls -t repo/.git/sovsync/outbox/failed/* | head -n1) &&
	test $(wc -c <"$f") -lt 4096 &&
	(cd repo && sovsync webhook list --failed) >list &&
	test $(wc -c <list) -lt $((1024 * (nf + 1))) &&
	! leaks_part list "$f"
'

test_expect_success 'a receiver that never answers costs the timeout; the next event goes on' '
	git -C repo config sovsync.webhook.timeout 1 &&
	git -C repo config sovsync.webhook.maxAttempts 2 &&
	touch gate &&
	printf "hold %s\nhold %s\n" "$TRASH/gate" "$TRASH/gate" >rx/script &&
	nf=$(outbox_count repo failed) &&
	n=$(receiver_count rx) &&
	git -C repo commit -q --allow-empty -m "never answered" &&
	git -C repo commit -q --allow-empty -m "answered" &&
	wait_outbox repo 0 $((nf + 1)) &&
	receiver_wait rx $((n + 1)) &&
	rm gate &&
	(cd repo && sovsync webhook list --failed) >list &&
	grep "attempts=2 .*error=.*[Tt]imeout\|attempts=2 .*error=.*timed out" list &&
	test "$(receiver_query rx "ok[-1][\"body\"][\"event\"]")" = commit
'

test_done
