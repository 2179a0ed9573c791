#!/bin/sh
# sovsync sync: the user's merge settings cannot break or stall a cycle.
#
# merge.ff = only (a common recommendation) would make every cycle fail
# once both sides have changed; branch.<name>.mergeOptions = --no-commit
# or --squash would leave the cycle's merge half done, which later cycles
# must refuse to touch.  The cycle's merge overrides them all.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

# diverge N: b and a each change a file; b's change is on the remote.
diverge() {
	echo "b$1" >b/shared/b$1.md &&
	(cd b && sovsync sync -q) &&
	echo "a$1" >a/shared/a$1.md
}

test_expect_success 'setup: a bare remote and two clones' '
	sync_setup
'

test_expect_success 'merge.ff = only: diverged sides are still merged' '
	git -C a config merge.ff only &&
	diverge 1 &&
	(cd a && sovsync sync >"$TRASH/out") &&
	grep "^ok .*merged pushed" out &&
	remote_has shared/a1.md a1 &&
	test -f a/shared/b1.md &&
	git -C a config --unset merge.ff
'

for opt in --no-commit --squash; do
	test_expect_success "branch.main.mergeOptions = $opt: the merge is committed" '
		git -C a config branch.main.mergeOptions '"$opt"' &&
		diverge "'"$opt"'" &&
		(cd a && sovsync sync >"$TRASH/out") &&
		grep "^ok .*merged pushed" out &&
		test ! -e a/.git/MERGE_HEAD &&
		test -z "$(git -C a status --porcelain)" &&
		git -C a rev-parse -q --verify HEAD^2 >/dev/null &&
		remote_has "shared/a'"$opt"'.md" "a'"$opt"'" &&
		git -C a config --unset branch.main.mergeOptions
	'
done

test_done
