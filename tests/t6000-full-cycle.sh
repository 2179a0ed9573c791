#!/bin/sh
# The full cycle (the design's test:sync) with real parts: a bare remote
# served by git http-backend behind lighttpd on 127.0.0.1, a "local PC"
# clone with sovsync installed (filter, drivers, hooks, webhook), a "web
# app" committing straight into the remote (tests/tools/web-writer.c), and
# a webhook receiver checking the bearer token and the signature.  Then
# the faults: receiver down, receiver answering 500 and 429, web server
# down during a push, and a document conflict in the same pull as a
# memories change.  Every wait is a bounded poll; nothing asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-httpd.sh"
. "$(dirname "$0")/lib-webhook.sh"
. "$(dirname "$0")/lib-cycle.sh"

if ! test_have lighttpd || ! test_have python3; then
	echo "1..0 # SKIP lighttpd and python3 are needed (install/deps.sh)"
	exit 0
fi

# fresh DIR: HEAD's manifest is true and the working tree clean.
fresh() {
	(cd "$1" && sovsync verify) &&
	git -C "$1" status --porcelain >status.out &&
	if test -s status.out; then cat status.out >&2; return 1; fi
}

# all_signed RX: every 2xx delivery had a valid token and signature.
all_signed() {
	test "$(receiver_query "$1" "all(r['token_ok'] and r['signature_ok'] for r in ok)")" = True
}

# once_per_id RX: no event id was delivered twice.
once_per_id() {
	test "$(receiver_query "$1" "len(ok) == len(set(r['id'] for r in ok))")" = True
}

test_expect_success 'setup: remote over HTTP, local PC with sovsync, receiver' '
	cycle_setup &&
	settle pc &&
	test "$(git --git-dir="$CYCLE_REMOTE" rev-parse main)" = "$(git -C pc rev-parse HEAD)" &&
	test "$(events rx push "$(git -C pc rev-parse HEAD)")" = 1 &&
	test "$(stat -c %a secrets/secret)" = 600 &&
	fresh pc
'

test_expect_success 'local memories and a large file: commit and push, commit and push events' '
	mem_add pc/$CYCLE_MEM m-pc-1 "Prefers dark roast coffee" &&
	mem_add pc/$CYCLE_MEM m-pc-2 "Works on sovsync" &&
	test_random_file pc/$CYCLE_BIN 1200000 7 &&
	git -C pc add -A &&
	git -C pc commit -q -m "local: memories and vectors" &&
	head=$(git -C pc rev-parse HEAD) &&
	git -C pc push -q origin main 2>/dev/null &&
	settle pc &&
	test "$(events rx commit "$head")" = 1 &&
	test "$(events rx push "$head")" = 1 &&
	all_signed rx &&
	receiver_query rx "[r[\"body\"][\"paths\"] for r in ok if r[\"event\"] == \"push\"][-1]" >paths &&
	grep $CYCLE_BIN paths && grep $CYCLE_MEM paths &&
	# The remote stores the large file in the filter form, the clone the real bytes.
	remote_show $CYCLE_BIN >stored &&
	! cmp -s stored pc/$CYCLE_BIN &&
	sovsync cat - <stored >real &&
	cmp real pc/$CYCLE_BIN &&
	fresh pc
'

test_expect_success 'the web app adds a memory and edits a document in the remote' '
	web_app_edit m-web-1 "Lives in Lisbon" "line two" "web: memory and notes" >web-head &&
	git --git-dir="$CYCLE_REMOTE" log -1 --format=%B main | grep "^Sovsync-Source: web$"
'

test_expect_success 'meanwhile the PC adds a memory; the pull merges both sides' '
	mem_add pc/$CYCLE_MEM m-pc-3 "Runs on Sundays" &&
	git -C pc commit -q -a -m "local: one more memory" &&
	git -C pc pull -q --no-edit 2>err &&
	printf "m-pc-1\nm-pc-2\nm-pc-3\nm-web-1\n" >expect &&
	mem_ids pc/$CYCLE_MEM >got &&
	test_cmp expect got &&
	grep "edited on the web" pc/$CYCLE_DOC &&
	git -C pc merge-base --is-ancestor "$(cat web-head)" HEAD &&
	# The web app stored the small document as it is: below
	# sovsync.filter.minSize that is its stored form, so the merge keeps
	# the web blob (text on the host) and Git sees no change when it looks.
	git -C pc cat-file blob HEAD:$CYCLE_DOC >stored &&
	cmp stored pc/$CYCLE_DOC &&
	touch pc/$CYCLE_DOC &&
	fresh pc &&
	grep "\"count\": 4" pc/shared/memories/default/index.meta &&
	settle pc &&
	test "$(events rx merge)" -ge 1 &&
	all_signed rx
'

test_expect_success 'the push lands; the remote is consistent too' '
	git -C pc push -q origin main 2>/dev/null &&
	settle pc &&
	test "$(events rx push "$(git -C pc rev-parse HEAD)")" = 1 &&
	git clone -q "$(httpd_url web)/remote.git" check 2>/dev/null &&
	# Cloned before the filter was configured: check the large file out again.
	(cd check && sovsync install >/dev/null && rm $CYCLE_BIN && git checkout -- $CYCLE_BIN) &&
	fresh check &&
	mem_ids check/$CYCLE_MEM >got &&
	test_cmp expect got &&
	cmp check/$CYCLE_BIN pc/$CYCLE_BIN
'

test_expect_success 'receiver down during a commit: the commit returns, the event waits' '
	receiver_port rx >rx-port &&
	receiver_stop rx &&
	mem_add pc/$CYCLE_MEM m-pc-4 "Receiver was down" &&
	git -C pc commit -q -a -m "local: while the receiver is down" &&
	git -C pc rev-parse HEAD >down-head &&
	test "$(outbox_count pc)" -ge 1
'

test_expect_success 'after a restart the event is delivered, exactly once per id' '
	receiver_start rx "$(cat rx-port)" &&
	{ (cd pc && sovsync webhook flush) >/dev/null 2>&1 || true; } &&
	settle pc &&
	test "$(events rx commit "$(cat down-head)")" = 1 &&
	once_per_id rx &&
	all_signed rx
'

test_expect_success 'receiver answers 500, then 429 with Retry-After: waited, then delivered' '
	n=$(receiver_query rx "len(recs)") &&
	printf "500\n429 1\n" >rx/script &&
	git -C pc commit -q --allow-empty -m "local: retried event" &&
	head=$(git -C pc rev-parse HEAD) &&
	wait_records rx $((n + 3)) &&
	settle pc &&
	receiver_query rx "[r[\"status\"] for r in recs[$n:]]" >statuses &&
	printf "500\n429\n200\n" >expect-st &&
	test_cmp expect-st statuses &&
	test "$(receiver_query rx "len(set(r[\"id\"] for r in recs[$n:]))")" = 1 &&
	# Retry-After: 1 is a floor for the wait before the third attempt.
	test "$(receiver_query rx "recs[$n+2][\"received_at\"] - recs[$n+1][\"received_at\"] >= 1.0")" = True &&
	test "$(events rx commit "$head")" = 1 &&
	once_per_id rx
'

test_expect_success 'web server down during a push: it fails, nothing is lost, the next one lands' '
	remote_before=$(git --git-dir="$CYCLE_REMOTE" rev-parse main) &&
	pushes=$(events rx push) &&
	httpd_stop web &&
	test_must_fail git -C pc push -q origin main 2>err &&
	git -C pc rev-parse HEAD >local-head &&
	test "$(git --git-dir="$CYCLE_REMOTE" rev-parse main)" = "$remote_before" &&
	settle pc &&
	test "$(events rx push)" = "$pushes" &&
	httpd_start web "$TRASH/srv" &&
	git -C pc push -q origin main 2>/dev/null &&
	test "$(git --git-dir="$CYCLE_REMOTE" rev-parse main)" = "$(cat local-head)" &&
	settle pc &&
	test "$(events rx push "$(cat local-head)")" = 1 &&
	mem_ids pc/$CYCLE_MEM | grep m-pc-4 &&
	remote_show $CYCLE_MEM >remote-mem.json && mem_ids remote-mem.json | grep m-pc-4 &&
	once_per_id rx &&
	fresh pc
'

test_expect_success 'one pull: a memories change merges, a document conflict is flagged' '
	web_app_edit m-web-2 "Allergic to peanuts" "line two from the web" \
		"web: memory and a conflicting edit" >web-head &&
	mem_add pc/$CYCLE_MEM m-pc-5 "Plays the cello" &&
	notes "line one, edited on the web" "line two from the PC" >pc/$CYCLE_DOC &&
	git -C pc commit -q -a -m "local: memory and a conflicting edit" &&
	git -C pc pull -q --no-edit 2>err &&
	test ! -e pc/.git/MERGE_HEAD &&
	mem_ids pc/$CYCLE_MEM >got &&
	printf "m-pc-1\nm-pc-2\nm-pc-3\nm-pc-4\nm-pc-5\nm-web-1\nm-web-2\n" >expect &&
	test_cmp expect got &&
	grep "^<<<<<<< " pc/$CYCLE_DOC &&
	(cd pc && sovsync conflicts) >table &&
	grep "^$CYCLE_DOC  *text " table &&
	(cd pc && sovsync status) >status &&
	grep "pending conflicts: *1" status
'

test_expect_success 'resolve clears the flag; the resolution is committed and pushed' '
	notes "line one, edited on the web" "line two from the PC and the web" >pc/$CYCLE_DOC &&
	(cd pc && sovsync resolve $CYCLE_DOC) >out &&
	grep Resolved out &&
	(cd pc && sovsync conflicts) >table &&
	grep "No pending conflicts" table &&
	git -C pc commit -q -m "resolve notes" &&
	git -C pc push -q origin main 2>/dev/null &&
	settle pc &&
	fresh pc &&
	remote_show $CYCLE_DOC >stored &&
	sovsync cat - <stored >real &&
	grep "from the PC and the web" real &&
	once_per_id rx &&
	all_signed rx
'

test_done
