#!/bin/sh
# The record pre-commit leaves for post-commit (.git/sovsync/precommit) must
# not vouch for a commit it did not prepare.  Found by bench/crash.sh: a
# commit aborted after its pre-commit ran (here an empty message) leaves the
# record; a later commit without a pre-commit run (--no-verify here, a
# killed hook in the bench) whose tree carries that same staged state.json
# plus more changes used to be taken as prepared: HEAD's stale manifest was
# trusted, never refreshed, and carried into every later commit.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

test_expect_success 'setup' '
	sov_setup r
'

test_expect_success 'an aborted commit, then --no-verify: the manifest is refreshed' '
	echo one >r/shared/documents/ingested/one.md &&
	git -C r add -A &&
	test_must_fail git -C r commit -q -m "" 2>/dev/null &&
	test -f r/.git/sovsync/precommit &&
	echo two >r/shared/documents/ingested/two.md &&
	git -C r add -A && test_tick &&
	git -C r commit -q --no-verify -m two 2>/dev/null &&
	sov_fresh r &&
	test "$(git -C r log -1 --format=%s)" = "sovsync: refresh manifest" &&
	test "$(sov_entry r documents/ingested/two.md size)" = 4
'

test_expect_success 'a normal commit is still recognised without a check' '
	echo three >r/shared/documents/ingested/three.md &&
	git -C r add -A && test_tick &&
	SOVSYNC_TRACE=$TRASH/trace git -C r commit -q -m three &&
	grep "hook pre-commit" trace &&
	# post-commit recognises the record in its script: no sovsync started
	! grep "hook post-commit" trace &&
	test "$(git -C r log -1 --format=%s)" = three &&
	sov_fresh r
'

test_done
