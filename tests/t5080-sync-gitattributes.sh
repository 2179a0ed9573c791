#!/bin/sh
# sovsync sync commits the top-level .gitattributes with the root: the
# lines `sovsync install` and `sovsync track` write reach every clone, and
# a pull never stops on an untracked copy of the file another clone
# committed.  A symbolic link is never committed; two different files stop
# the merge as any other conflict, nothing lost.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

# two_clones DIR: in the new directory DIR (and cd there), remote.git and
# two clones a and b sharing shared/seed, both with `sovsync install` run.
two_clones() {
	mkdir "$1" &&
	cd "$1" &&
	sync_setup &&
	(cd a && sovsync install >/dev/null) &&
	(cd b && sovsync install >/dev/null) &&
	test -f a/.gitattributes &&
	test_must_fail git -C a ls-files --error-unmatch .gitattributes 2>/dev/null
}

# in_remote DIR PATH: the remote's main has PATH.
in_remote() {
	git -C "$1/remote.git" cat-file -e "main:$2"
}

test_expect_success 'both clones installed: each sync exits 0, one identical tracked file' '
	two_clones both &&
	echo from-a >a/shared/a.md &&
	echo from-b >b/shared/b.md &&
	(cd a && sovsync sync -q) &&
	(cd b && sovsync sync -q) &&
	(cd a && sovsync sync -q) &&
	in_remote . shared/a.md && in_remote . shared/b.md &&
	git -C remote.git show main:.gitattributes >remote-attrs &&
	test_cmp remote-attrs a/.gitattributes &&
	test_cmp remote-attrs b/.gitattributes &&
	git -C a ls-files --error-unmatch .gitattributes &&
	git -C b ls-files --error-unmatch .gitattributes &&
	test "$(cat a/shared/b.md)" = from-b &&
	test -z "$(git -C a status --porcelain)" &&
	test -z "$(git -C b status --porcelain)" &&
	test -z "$(git -C a ls-files -u)" && test -z "$(git -C b ls-files -u)"
'

test_expect_success 'A committed .gitattributes by hand (git add -A) and pushed first' '
	two_clones hand &&
	echo from-a >a/shared/a.md &&
	git -C a add -A &&
	git -C a commit -q -m "commit all" &&
	git -C a push -q origin HEAD:main &&
	echo from-b >b/shared/b.md &&
	(cd b && sovsync sync) >out 2>err &&
	! grep "would be overwritten" err &&
	in_remote . shared/a.md && in_remote . shared/b.md &&
	git -C remote.git show main:.gitattributes >remote-attrs &&
	test_cmp remote-attrs b/.gitattributes &&
	test "$(cat b/shared/a.md)" = from-a &&
	test -z "$(git -C b status --porcelain)"
'

test_expect_success 'a cycle where only .gitattributes changed (sovsync track) commits it' '
	two_clones track &&
	(cd a && sovsync sync -q) &&
	(cd b && sovsync sync -q) &&
	in_remote . .gitattributes &&
	(cd a && sovsync track "*.bin" >/dev/null) &&
	(cd a && sovsync sync) >out &&
	grep "^ok .*committed 1 file" out &&
	git -C remote.git show main:.gitattributes | grep "^\*\.bin " &&
	(cd b && sovsync sync -q) &&
	grep "^\*\.bin " b/.gitattributes &&
	test -z "$(git -C b status --porcelain)"
'

test_expect_success 'what the user staged elsewhere stays out; .gitattributes goes in' '
	cd track &&
	echo "# mine" >>a/.gitattributes &&
	echo own >a/own.txt &&
	git -C a add own.txt &&
	(cd a && sovsync sync -q) &&
	git -C remote.git show main:.gitattributes | grep "^# mine" &&
	! in_remote . own.txt &&
	git -C a diff --cached --name-only >staged &&
	echo own.txt >expect &&
	test_cmp expect staged
'

test_expect_success 'a .gitattributes that is a symbolic link is never followed nor committed' '
	two_clones link &&
	echo "secret" >outside &&
	rm a/.gitattributes &&
	ln -s ../outside a/.gitattributes &&
	echo from-a >a/shared/a.md &&
	(cd a && sovsync sync) >out 2>err &&
	grep "not committing .gitattributes" err &&
	in_remote . shared/a.md &&
	! in_remote . .gitattributes &&
	test -h a/.gitattributes &&
	test "$(cat outside)" = secret
'

test_expect_success 'a directory named .gitattributes: nothing in it committed, the root synced' '
	two_clones dir &&
	rm a/.gitattributes &&
	mkdir a/.gitattributes &&
	echo inside >a/.gitattributes/x &&
	echo from-a >a/shared/a.md &&
	(cd a && sovsync sync) >out 2>err &&
	grep "not committing .gitattributes" err &&
	in_remote . shared/a.md &&
	! in_remote . .gitattributes/x &&
	test "$(cat a/.gitattributes/x)" = inside
'

test_expect_success 'different .gitattributes in two clones: flagged (exit 3), nothing lost' '
	two_clones differ &&
	echo "*.x binary" >>a/.gitattributes &&
	echo "*.y binary" >>b/.gitattributes &&
	cp b/.gitattributes b-attrs &&
	echo from-a >a/shared/a.md &&
	echo from-b >b/shared/b.md &&
	(cd a && sovsync sync -q) &&
	git -C remote.git show main:.gitattributes >a-attrs &&
	test_cmp a-attrs a/.gitattributes &&
	(cd b && test_expect_code 3 sovsync sync) 2>err &&
	grep "stopped on conflicts in .gitattributes; merge aborted" err &&
	grep "\"\.gitattributes\"" b/.git/sovsync/sync-conflict.json &&
	git -C b show HEAD:.gitattributes >b-committed &&
	test_cmp b-attrs b-committed &&
	test_cmp b-attrs b/.gitattributes &&
	git -C b cat-file -e HEAD:shared/b.md &&
	test -z "$(git -C b ls-files -u)" &&
	test ! -e b/.git/MERGE_HEAD &&
	git -C remote.git show main:.gitattributes >still &&
	test_cmp a-attrs still
'

test_done
