#!/bin/sh
# Plain `git pull` in a repository set up by sovsync, with diverged
# histories: it merges (the drivers run) instead of stopping with "Need to
# specify how to reconcile divergent branches", as VS Code's Sync button
# does.  A pull.rebase the user set is respected, and gives the same
# memories.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

M=shared/memories/default/memories.json

# A new user's Git: lib.sh sets pull.rebase for the other scripts.
git config --global --unset pull.rebase

# memories DIR ID TEXT...: DIR's memories.json gets one memory per ID TEXT pair.
memories() {
	dir=$1 && shift &&
	{
		printf '{"results": [\n' &&
		sep= &&
		while [ $# -gt 0 ]; do
			printf '%s{"id": "%s", "memory": "%s", "created_at": "2026-12-01T10:00:0%s+00:00"}\n' \
				"$sep" "$1" "$2" "${#1}" &&
			sep=, && shift 2
		done &&
		printf ']}\n'
	} >"$dir/$M"
}

ids() {
	git -C "$1" show "HEAD:$M" | grep -o '"id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort | tr '\n' ' '
}

test_expect_success 'setup: a remote and two clones set up by sovsync' '
	sov_setup seed &&
	memories seed m0 zero &&
	git -C seed add -A && git -C seed commit -q -m m0 &&
	git clone -q --bare seed remote.git &&
	git clone -q remote.git a && sovsync install --repo a >/dev/null &&
	git clone -q remote.git b && sovsync install --repo b >/dev/null &&
	test "$(git -C a config pull.rebase)" = false
'

test_expect_success 'diverged: plain git pull merges, both memories kept' '
	memories a m0 zero m1 "from a" &&
	git -C a commit -q -am "a: m1" &&
	git -C a push -q origin HEAD &&
	memories b m0 zero m2 "from b" &&
	git -C b commit -q -am "b: m2" &&
	git -C b pull -q 2>err &&
	! grep "divergent" err &&
	test "$(git -C b rev-list --count --merges HEAD)" -ge 1 &&
	test "$(ids b)" = "m0 m1 m2 " &&
	sov_fresh b
'

test_expect_success 'a pull.rebase the user set stands, and rebases to the same memories' '
	git config --global pull.rebase true &&
	git clone -q remote.git c && sovsync install --repo c >out &&
	! grep "pull.rebase" out &&
	test_must_fail git -C c config --local pull.rebase &&
	test "$(git -C c config pull.rebase)" = true &&
	git -C b push -q origin HEAD &&
	memories c m0 zero m1 "from a" m3 "from c" &&
	git -C c commit -q -am "c: m3" &&
	git -C c pull -q &&
	test "$(git -C c rev-list --count --merges HEAD)" = "$(git -C remote.git rev-list --count --merges HEAD)" &&
	test "$(ids c)" = "m0 m1 m2 m3 " &&
	sov_fresh c &&
	git config --global --unset pull.rebase
'

test_expect_success 'uninstall takes pull.rebase back' '
	sovsync uninstall --repo a >/dev/null &&
	test_must_fail git -C a config --local pull.rebase
'

test_done
