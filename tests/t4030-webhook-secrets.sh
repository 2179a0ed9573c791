#!/bin/sh
# Webhook secrets: token and signing secret from private files or the
# environment, refused when group/other-readable or inside the working tree,
# never in any process's argv, the trace, `webhook list` or the outbox.
# URL policy: https except loopback unless allowInsecure; no user:password.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"

test_expect_success 'setup' '
	receiver_start rx &&
	webhook_repo repo rx &&
	git -C repo commit -q --allow-empty -m first &&
	receiver_wait rx 1
'

test_expect_success 'a group-readable token file is refused with a clear error' '
	cp secrets/token loose-token &&
	chmod 644 loose-token &&
	git -C repo config sovsync.webhook.tokenFile "$TRASH/loose-token" &&
	git -C repo config sovsync.webhook.lingerMs 0 &&
	git -C repo commit -q --allow-empty -m refused &&
	wait_no_sender repo/.git &&
	test "$(outbox_count repo)" = 1 &&
	(cd repo && test_must_fail sovsync webhook flush) 2>err &&
	grep "loose-token (sovsync.webhook.tokenFile): readable by group or others (mode 0644)" err &&
	(cd repo && sovsync webhook list) >list &&
	grep "error=.*loose-token.*readable by group or others" list &&
	test "$(receiver_count rx)" = 1
'

test_expect_success 'a group-readable secret file is refused too' '
	chmod 600 loose-token &&
	cp secrets/secret loose-secret &&
	chmod 640 loose-secret &&
	git -C repo config sovsync.webhook.secretFile "$TRASH/loose-secret" &&
	(cd repo && test_must_fail sovsync webhook flush) 2>err &&
	grep "loose-secret (sovsync.webhook.secretFile): readable by group or others (mode 0640)" err &&
	chmod 600 loose-secret &&
	(cd repo && sovsync webhook flush) &&
	test "$(outbox_count repo)" = 0 &&
	receiver_wait rx 2
'

test_expect_success 'a token file inside the working tree is refused' '
	cp secrets/token repo/token &&
	chmod 600 repo/token &&
	git -C repo config sovsync.webhook.tokenFile "$TRASH/repo/token" &&
	(cd repo && test_must_fail sovsync webhook test) 2>err &&
	grep "repo/token (sovsync.webhook.tokenFile): inside the working tree" err &&
	rm repo/token
'

test_expect_success 'a token file inside .git is fine' '
	cp secrets/token repo/.git/webhook-token &&
	chmod 600 repo/.git/webhook-token &&
	git -C repo config sovsync.webhook.tokenFile "$TRASH/repo/.git/webhook-token" &&
	(cd repo && sovsync webhook test)
'

test_expect_success 'the token and secret can come from the environment' '
	git -C repo config --unset sovsync.webhook.tokenFile &&
	git -C repo config --unset sovsync.webhook.secretFile &&
	git -C repo config sovsync.webhook.lingerMs 20000 &&
	n=$(receiver_count rx) &&
	SOVSYNC_WEBHOOK_TOKEN=$(cat secrets/token) SOVSYNC_WEBHOOK_SECRET=$(cat secrets/secret) \
		git -C repo commit -q --allow-empty -m "from env" &&
	receiver_wait rx $((n + 1)) &&
	test "$(receiver_query rx "ok[-1][\"token_ok\"] and ok[-1][\"signature_ok\"]")" = True
'

test_expect_success 'without the token the receiver refuses (401) and the event fails' '
	git -C repo commit -q --allow-empty -m "no token" &&
	wait_outbox repo 0 1 &&
	(cd repo && sovsync webhook list --failed) | grep "error=HTTP 401" &&
	git -C repo config sovsync.webhook.tokenFile "$TRASH/secrets/token" &&
	git -C repo config sovsync.webhook.secretFile "$TRASH/secrets/secret" &&
	(cd repo && sovsync webhook retry) &&
	wait_outbox repo 0 0
'

test_expect_success 'secrets appear in no argv, trace, list output or outbox file' '
	touch gate &&
	echo "hold $TRASH/gate" >rx/script &&
	SOVSYNC_TRACE=$TRASH/trace git -C repo commit -q --allow-empty -m "watched" &&
	wait_for "the request in flight" "test -s rx/log.arrivals && [ \"\$(tail -n1 rx/log.arrivals)\" = \"\$(cd repo && sovsync webhook list | cut -d\" \" -f2)\" ]" &&
	sender_running repo/.git &&
	for p in /proc/[0-9]*; do
		cat "$p/cmdline" 2>/dev/null >"cmdline.$(basename $p)" || :
	done &&
	! leaks_secret cmdline.* &&
	(cd repo && sovsync webhook list) >list &&
	rm gate &&
	wait_outbox repo 0 &&
	grep "POST commit event" trace &&
	grep "delivered" trace &&
	! leaks_secret trace list &&
	# Copy the bookkeeping while the sender is blocked in its POST: nothing
	# there changes under cp then (a file renamed away mid-copy fails cp).
	touch gate &&
	echo "hold $TRASH/gate" >rx/script &&
	git -C repo commit -q --allow-empty -m "kept" &&
	wait_for "the second request in flight" "test -s rx/log.arrivals && [ \"\$(tail -n1 rx/log.arrivals)\" = \"\$(cd repo && sovsync webhook list | cut -d\" \" -f2)\" ]" &&
	cp -r repo/.git/sovsync outbox-copy &&
	rm gate &&
	! leaks_secret $(find outbox-copy -type f) &&
	wait_outbox repo 0
'

test_expect_success 'the leak check itself finds a secret' '
	cat secrets/token >planted &&
	leaks_secret planted
'

test_expect_success 'http to a non-loopback host needs allowInsecure' '
	git -C repo config sovsync.webhook.url http://example.invalid/hook &&
	(cd repo && test_must_fail sovsync webhook emit commit) 2>err &&
	grep "plain http to example.invalid would expose the token" err &&
	git -C repo config sovsync.webhook.allowInsecure true &&
	git -C repo config sovsync.webhook.lingerMs 0 &&
	(cd repo && sovsync webhook emit commit) &&
	test "$(outbox_count repo)" = 1 &&
	git -C repo config sovsync.webhook.url https://u:pw@example.invalid/hook &&
	(cd repo && test_must_fail sovsync webhook flush) 2>err &&
	grep "must not contain user:password@" err &&
	test_must_fail grep ":pw" err
'

test_expect_success 'a whsec_ secret that is not base64 is refused' '
	git -C repo config sovsync.webhook.url "$(receiver_url rx)" &&
	git -C repo config --unset sovsync.webhook.allowInsecure &&
	(umask 077 && echo "whsec_!!notbase64" >bad-secret) &&
	git -C repo config sovsync.webhook.secretFile "$TRASH/bad-secret" &&
	(cd repo && test_must_fail sovsync webhook flush) 2>err &&
	grep "whsec_ but the rest is not base64" err &&
	test_must_fail grep notbase64 err
'

test_done
