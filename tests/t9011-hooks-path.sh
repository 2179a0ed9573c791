#!/bin/sh
# core.hooksPath outside the repository's git directory (issue 13, item 9):
# a global hooks directory, husky's .husky or any path other repositories
# share.  install refuses to put sovsync's hooks there unless told so with
# --hooks-path, and a sovsync hook that runs in a repository where sovsync
# is not installed does nothing at all: no manifest, no follow-up commit,
# no bookkeeping, no message.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

# plain DIR: a repository with synced-looking content and no sovsync.
plain() {
	test_repo "$1" &&
	mkdir -p "$1/shared/conversations" &&
	echo "{\"id\": 1}" >"$1/shared/conversations/c.json" &&
	git -C "$1" add -A && test_tick && git -C "$1" commit -q -m base
}

test_expect_success 'an absolute core.hooksPath outside .git: install refuses, writes nothing there' '
	mkdir global-hooks &&
	test_repo a &&
	git -C a config core.hooksPath "$TRASH/global-hooks" &&
	test_must_fail sovsync install --repo a >out 2>err &&
	grep "^sovsync: $TRASH/global-hooks: core.hooksPath points outside" err &&
	grep -- "--hooks-path" err &&
	test -z "$(ls -A global-hooks)" &&
	test ! -e a/.gitattributes && test ! -e a/.git/sovsync/install.json
'

test_expect_success 'a relative core.hooksPath in the work tree (.githooks) is refused; inside .git is fine' '
	test_repo b &&
	git -C b config core.hooksPath .githooks &&
	test_must_fail sovsync install --repo b 2>err &&
	grep "^sovsync: .*/b/.githooks: core.hooksPath points outside" err &&
	test ! -e b/.githooks &&
	test_repo c &&
	git -C c config core.hooksPath .git/my-hooks &&
	sovsync install --repo c >/dev/null &&
	grep -q "sovsync-hook" c/.git/my-hooks/pre-commit &&
	test_repo d &&
	git -C d config core.hooksPath "$TRASH/d/.git/other-hooks" &&
	sovsync install --repo d >/dev/null &&
	grep -q "sovsync-hook" d/.git/other-hooks/post-commit
'

test_expect_success '--hooks-path installs into the shared directory on purpose' '
	sovsync install --repo a --hooks-path >out &&
	grep "installed $TRASH/global-hooks/pre-commit" out &&
	grep -q "sovsync-hook" global-hooks/post-commit &&
	sovsync install --repo a --hooks-path >out &&
	grep "nothing to change" out &&
	git -C a add -A && test_tick && git -C a commit -q -m layout &&
	echo "{}" >a/shared/conversations/x.json &&
	git -C a add -A && test_tick && git -C a commit -q -m x &&
	sov_fresh a
'

test_expect_success 'a sovsync hook in a repository without sovsync does nothing at all' '
	sov_setup e &&
	plain other &&
	git -C other config core.hooksPath "$TRASH/e/.git/hooks" &&
	echo "{\"id\": 2}" >other/shared/conversations/d.json &&
	git -C other add -A && test_tick &&
	git -C other commit -q -m second 2>err &&
	! test -s err &&
	git -C other show --name-only --format= HEAD >names &&
	echo shared/conversations/d.json >expect &&
	test_cmp expect names &&
	test ! -e other/shared/state.json &&
	test ! -e other/.git/sovsync &&
	test "$(sov_count_followups other)" = 0
'

test_expect_success 'also through a merge and a rebase in that repository' '
	git -C other checkout -q -b side HEAD~1 &&
	echo "{\"id\": 3}" >other/shared/conversations/e.json &&
	git -C other add -A && test_tick && git -C other commit -q -m side &&
	git -C other checkout -q main &&
	test_tick && git -C other merge -q --no-ff -m merge side 2>err &&
	! test -s err &&
	git -C other checkout -q side &&
	test_tick && git -C other rebase -q main 2>err &&
	! test -s err &&
	test "$(sov_count_followups other)" = 0 &&
	test ! -e other/shared/state.json &&
	test ! -e other/.git/sovsync &&
	sov_fresh e
'

test_done
