#!/bin/sh
# Secrets, the parts t4030 does not watch: the environment of every sovsync
# process while the webhook sender has a request in flight (hooks, the
# detached sender), `sovsync status` and `status --json`, every tracked file
# in every commit, and everything under .git/sovsync/ (logs, outbox,
# metrics), with SOVSYNC_TRACE on.  Token and secret come from private
# files, so no process needs them in its environment.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"

test_expect_success 'setup: an installed repository with webhook secrets' '
	receiver_start rx &&
	test_repo repo &&
	sovsync install --repo repo >/dev/null &&
	webhook_setup repo rx &&
	git -C repo add -A && git -C repo commit -q -m layout &&
	receiver_wait rx 1
'

test_expect_success 'no secret in any sovsync environment, status, tracked file or log' '
	touch gate &&
	echo "hold $TRASH/gate" >rx/script &&
	echo memo >repo/shared/documents/ingested/memo.md &&
	git -C repo add -A &&
	SOVSYNC_TRACE=$TRASH/trace git -C repo commit -q -m watched &&
	wait_for "the request in flight" "test \$(wc -l <rx/log.arrivals) -ge 2" &&
	sender_running repo/.git &&
	n=0 &&
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/exe" 2>/dev/null)" in
		"$SOVSYNC_BIN"/sovsync|*/bin/sovsync) ;;
		*) continue ;;
		esac &&
		cat "$p/environ" >"environ.$(basename $p)" 2>/dev/null &&
		cat "$p/cmdline" >"cmdline.$(basename $p)" 2>/dev/null &&
		n=$((n + 1)) || :
	done &&
	test $n -ge 1 &&
	! leaks_secret environ.* cmdline.* &&
	(cd repo && sovsync status && sovsync status --json) >status 2>&1 &&
	grep "webhook" status &&
	rm gate &&
	wait_outbox repo 0 &&
	git -C repo log --all -p --binary >history &&
	git -C repo ls-files -z | (cd repo && xargs -0 cat) >tracked &&
	find repo/.git/sovsync -type f >files &&
	! leaks_secret status trace history tracked $(cat files)
'

test_done
