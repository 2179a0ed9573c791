#!/bin/sh
# Every commit sovsync makes is signed when the user signs: the follow-up
# commit (made with git commit-tree, which reads gpg.format and
# user.signingKey but not commit.gpgSign) and the commits of a sync cycle.
# A remote whose pre-receive hook refuses unsigned commits (a branch
# protection) accepts every push.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

if ! test_have ssh-keygen; then
	test_skip 'signed commits' 'ssh-keygen missing'
	test_done
	exit 0
fi

# is_signed DIR REV: REV carries a signature that verifies with the key.
is_signed() {
	git -C "$1" cat-file -p "$2" | grep -q "^gpgsig " &&
	git -C "$1" -c gpg.ssh.allowedSignersFile="$TRASH/allowed" verify-commit "$2" 2>/dev/null
}

test_expect_success 'setup: an ssh signing key, commits signed, a remote that wants them' '
	ssh-keygen -q -t ed25519 -N "" -C test -f "$TRASH/key" &&
	echo "$GIT_COMMITTER_EMAIL $(cat "$TRASH/key.pub")" >"$TRASH/allowed" &&
	echo "$GIT_AUTHOR_EMAIL $(cat "$TRASH/key.pub")" >>"$TRASH/allowed" &&
	git config --global gpg.format ssh &&
	git config --global user.signingKey "$TRASH/key.pub" &&
	git config --global commit.gpgSign true &&
	sov_setup r &&
	is_signed r HEAD &&
	git init -q --bare remote.git &&
	cat >remote.git/hooks/pre-receive <<-\EOF &&
	#!/bin/sh
	z=0000000000000000000000000000000000000000
	while read old new ref; do
		test "$new" = $z && continue
		if test "$old" = $z; then range=$new; else range=$old..$new; fi
		for c in $(git rev-list "$range"); do
			git cat-file -p "$c" | grep -q "^gpgsig " || {
				echo "refused: $c is not signed" >&2; exit 1; }
		done
	done
	EOF
	chmod +x remote.git/hooks/pre-receive &&
	git -C r remote add origin ../remote.git &&
	git -C r push -q origin HEAD:main
'

test_expect_success 'the follow-up commit is signed' '
	echo note >r/shared/note.md &&
	git -C r add shared/note.md &&
	git -C r commit -q --no-verify -m "no hooks" 2>err &&
	grep "refreshed in follow-up commit" err &&
	test "$(git -C r log -1 --format=%s)" = "sovsync: refresh manifest" &&
	is_signed r HEAD &&
	is_signed r HEAD~1 &&
	sov_fresh r &&
	git -C r push -q origin HEAD:main
'

test_expect_success 'a sync that merges a web commit: every new commit signed, the push accepted' '
	git clone -q remote.git web &&
	echo "from the web" >web/shared/web.md &&
	git -C web add shared/web.md &&
	git -C web -c commit.gpgSign=true commit -q -m "web edit" &&
	git -C web push -q origin HEAD:main &&
	echo local >r/shared/local.md &&
	(cd r && sovsync sync) >out 2>err &&
	grep "pushed" out &&
	for c in $(git -C r rev-list origin/main~2..HEAD); do
		is_signed r $c || exit 1
	done &&
	test "$(git -C remote.git rev-parse main)" = "$(git -C r rev-parse HEAD)"
'

test_expect_success 'without commit.gpgSign nothing is signed' '
	git config --global --unset commit.gpgSign &&
	echo more >r/shared/note.md &&
	git -C r commit -q --no-verify -am "no hooks again" 2>err &&
	grep "refreshed in follow-up commit" err &&
	! git -C r cat-file -p HEAD | grep -q "^gpgsig "
'

test_done
