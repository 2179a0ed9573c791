#!/bin/sh
# What a user does by hand between two cycles must not open a hole in the
# cycle's checks: a `git pull` that fetched a leaked secret before the
# remote was rewritten without it (the rewrite is still caught: the record
# of the synced tip follows a fetch made by hand), and a directory under the
# root moved elsewhere and linked back (never committed as a link, which
# would delete its files on the remote).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

SECRET="API_KEY=sk-live-9876543210"

test_expect_success 'setup: two clones in sync' '
	sync_setup &&
	mkdir -p a/shared/docs &&
	echo one >a/shared/docs/one.md &&
	echo two >a/shared/docs/two.md &&
	(cd a && sovsync sync -q) &&
	(cd b && sovsync sync -q) &&
	git -C a rev-parse HEAD >base.id
'

test_expect_success 'a secret pulled by hand, then rewritten away: sync stops, the secret stays out' '
	echo "$SECRET" >a/shared/leak.env &&
	(cd a && sovsync sync -q) &&
	git -C b pull -q --no-rebase origin main &&
	test -f b/shared/leak.env &&
	git clone -q remote.git admin &&
	(
		cd admin &&
		git reset -q --hard "$(cat "$TRASH/base.id")" &&
		echo after >shared/after.md &&
		git add shared/after.md &&
		git commit -q -m "rewritten without the secret" &&
		git push -q --force origin HEAD:main
	) &&
	echo local >b/shared/local.md &&
	test_expect_code 4 sh -c "cd b && sovsync sync" 2>err &&
	grep "origin/main was rewritten" err &&
	! git -C remote.git log -p main | grep -q "$SECRET"
'

test_expect_success 'accept-rewrite replays only the local commit: the secret does not come back' '
	(cd b && sovsync sync -q --accept-rewrite) &&
	! git -C remote.git log -p main | grep -q "$SECRET" &&
	git -C remote.git cat-file -e main:shared/local.md &&
	git -C remote.git cat-file -e main:shared/after.md
'

test_expect_success 'a directory under the root linked to elsewhere: not committed, nothing pushed' '
	(cd b && sovsync sync -q) &&
	before=$(git -C remote.git rev-parse main) &&
	mkdir elsewhere &&
	mv b/shared/docs elsewhere/ &&
	ln -s "$TRASH/elsewhere/docs" b/shared/docs &&
	test_expect_code 1 sh -c "cd b && sovsync sync" 2>err &&
	grep "not committing shared/docs/one.md: shared/docs: a symbolic link (to $TRASH/elsewhere/docs)" err &&
	test "$(git -C remote.git rev-parse main)" = "$before" &&
	git -C remote.git cat-file -e main:shared/docs/one.md &&
	test -z "$(git -C b diff --cached --name-only)" &&
	test "$(cat elsewhere/docs/one.md)" = one
'

test_expect_success 'the same one level down, with a new file beside it' '
	rm b/shared/docs &&
	mv elsewhere/docs b/shared/docs &&
	mkdir -p b/shared/docs/sub elsewhere2 &&
	echo deep >b/shared/docs/sub/deep.md &&
	(cd b && sovsync sync -q) &&
	mv b/shared/docs/sub elsewhere2/ &&
	ln -s "$TRASH/elsewhere2/sub" b/shared/docs/sub &&
	echo new >b/shared/new.md &&
	test_expect_code 1 sh -c "cd b && sovsync sync" 2>err &&
	grep "shared/docs/sub: a symbolic link" err &&
	git -C remote.git cat-file -e main:shared/docs/sub/deep.md &&
	! git -C remote.git cat-file -e main:shared/new.md
'

test_expect_success 'a plain git commit of the linked directory: the pre-commit hook says what it deletes' '
	sovsync install --repo b >/dev/null &&
	git -C b add -A &&
	git -C b commit -q -m "by hand" 2>err &&
	grep "^sovsync: shared/docs/sub: a directory in HEAD is committed as a symbolic link: every file under it is deleted" err &&
	git -C b ls-files --error-unmatch shared/docs/sub &&
	test "$(cat elsewhere2/sub/deep.md)" = deep
'

test_done
