#!/bin/sh
# `sovsync conflicts` and `sovsync resolve` over conflicts flagged by the
# document merge driver in real pulls.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docmerge.sh"

# flagged DIR: doc_setup DIR, then a flagged text conflict on $DOC in b.
flagged() {
	doc_setup "$1" &&
	doc_conflict &&
	git -C b pull -q --no-edit 2>/dev/null
}

resolved_count() {
	json_get "$1/.git/sovsync/metrics.json" "d[\"conflictsResolved\"]"
}

test_expect_success 'conflicts lists the queue as a table and as JSON' '
	doc_setup t1 &&
	(cd b && sovsync conflicts) >empty &&
	grep "No pending conflicts" empty &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "d")" = "[]" &&
	doc_conflict &&
	git -C b pull -q --no-edit &&
	(cd b/shared && sovsync conflicts) >table &&
	head -n 1 table | grep "^PATH  *KIND  *DETECTED AT  *SOURCE$" &&
	grep "^$DOC  *text  *20[0-9-]*T[0-9:.]*Z  *clone-b$" table &&
	test "$(wc -l <table)" = 2 &&
	test_expect_code 2 sovsync conflicts --bogus
'

test_expect_success 'resolve refuses while markers remain, naming the lines' '
	flagged t2 &&
	cd b &&
	test_must_fail sovsync resolve $DOC 2>err &&
	grep "markers remain on lines 3, 5, 7" err &&
	sovsync conflicts --json >json &&
	test "$(json_get json "len(d)")" = 1 &&
	printf "one\ntwo\nthree from a and b\nfour\n<<<<<<<< eight is not a marker of size 7\nfive\n" >$DOC &&
	sovsync resolve $DOC >out &&
	grep "Resolved" out &&
	sovsync conflicts --json >json &&
	test "$(json_get json "len(d)")" = 0 &&
	git diff --cached --name-only >staged &&
	echo $DOC >expect &&
	test_cmp expect staged &&
	test "$(resolved_count .)" = 1 &&
	test_must_fail sovsync resolve $DOC 2>err &&
	grep "no pending conflict" err
'

test_expect_success 'resolve --ours and --theirs write that version and stage it' '
	flagged t3 &&
	cd b &&
	sovsync resolve --theirs $DOC &&
	git cat-file blob HEAD^2:$DOC >expect &&
	test_cmp expect $DOC &&
	test -z "$(git diff --name-only)" &&
	git commit -q -m resolved &&
	test "$(git rev-parse HEAD:$DOC)" = "$(git rev-parse HEAD~1^2:$DOC)" &&
	cd .. &&
	rm -rf b && git clone -q remote.git b &&
	git -C b config merge.sovsync-doc.driver "sovsync merge-doc %O %A %B %P %L" &&
	git -C b reset -q --hard HEAD~1 &&
	doc_commit b $DOC printf "one\ntwo\nthree from b\nfour\nfive\n" &&
	git -C b pull -q --no-edit &&
	(cd b && sovsync resolve --ours -- $DOC) &&
	git -C b cat-file blob HEAD^1:$DOC >expect &&
	test_cmp expect b/$DOC &&
	test "$(resolved_count b)" = 1
'

test_expect_success 'paths are taken relative to the current directory, or the top' '
	flagged t4 &&
	cd b/shared/documents &&
	test_must_fail sovsync resolve --theirs a.md 2>../../../err &&
	grep "a.md: no pending conflict" ../../../err &&
	sovsync resolve --theirs ingested/a.md &&
	cd "$TRASH" &&
	flagged t4b &&
	cd b/shared &&
	sovsync resolve --ours $DOC &&
	cd .. &&
	sovsync conflicts --json >../json &&
	test "$(json_get ../json "len(d)")" = 0 &&
	git cat-file blob HEAD^1:$DOC >../expect &&
	test_cmp ../expect $DOC
'

test_expect_success 'a binary conflict: resolve needs a side, --theirs is byte-exact' '
	doc_setup t5 &&
	BIN=shared/documents/ingested/pic.bin &&
	test_random_file a/$BIN 5000 1 &&
	git -C a add . && git -C a commit -q -m pic && git -C a push -q origin main &&
	git -C b pull -q --no-edit &&
	test_random_file a/$BIN 80000 2 &&
	git -C a commit -q -a -m "pic from a" && git -C a push -q origin main &&
	test_random_file b/$BIN 7000 3 &&
	cp b/$BIN ours.bin &&
	git -C b commit -q -a -m "pic from b" &&
	git -C b pull -q --no-edit &&
	cmp ours.bin b/$BIN &&
	cd b &&
	test_must_fail sovsync resolve $BIN 2>../err &&
	grep "binary document: choose a version with --ours, --theirs or --both" ../err &&
	sovsync resolve --theirs $BIN &&
	cmp ../a/$BIN $BIN &&
	git commit -q -m "take theirs" &&
	test -z "$(git status --porcelain)" &&
	test "$(resolved_count .)" = 1
'

test_expect_success 'resolve --theirs goes through the path filters (smudge)' '
	doc_setup t6 &&
	for c in a b; do
		git -C $c config filter.rot13.clean "tr a-zA-Z n-za-mN-ZA-M" &&
		git -C $c config filter.rot13.smudge "tr a-zA-Z n-za-mN-ZA-M" || exit 1
	done &&
	echo "shared/documents/ingested/secret.md filter=rot13" >>a/.gitattributes &&
	doc_commit a shared/documents/ingested/secret.md echo "hello base" &&
	git -C a push -q origin main && git -C b pull -q &&
	doc_commit a shared/documents/ingested/secret.md echo "hello from a" &&
	git -C a push -q origin main &&
	doc_commit b shared/documents/ingested/secret.md echo "hello from b" &&
	git -C b pull -q --no-edit &&
	git -C b cat-file blob HEAD^2:shared/documents/ingested/secret.md >clean &&
	grep "uryyb sebz n" clean &&
	(cd b && sovsync resolve --theirs shared/documents/ingested/secret.md) &&
	echo "hello from a" >expect &&
	test_cmp expect b/shared/documents/ingested/secret.md
'

test_expect_success 'resolve: usage errors and outside a repository' '
	flagged t7 &&
	cd b &&
	test_expect_code 2 sovsync resolve &&
	test_expect_code 2 sovsync resolve --ours --theirs $DOC &&
	test_expect_code 2 sovsync resolve --bogus $DOC &&
	test_expect_code 2 sovsync resolve $DOC other &&
	sovsync resolve --help | grep "^Exit status: 0 resolved, 1 not resolved" &&
	sovsync conflicts --help | grep "^Exit status: 0 listed" &&
	mkdir "$TRASH/t7/nowhere" &&
	cd "$TRASH/t7/nowhere" &&
	GIT_CEILING_DIRECTORIES="$TRASH/t7" test_expect_code 1 sovsync conflicts 2>err &&
	grep "not in a git repository" err
'

test_expect_success 'a damaged queue is reported, not silently dropped' '
	flagged t8 &&
	cd b &&
	echo "{" >.git/sovsync/conflicts.json &&
	test_expect_code 1 sovsync conflicts 2>err &&
	grep "conflicts.json: invalid JSON" err
'

test_expect_success 'resolve never writes or reads through a directory that is a symlink' '
	flagged t9 &&
	mkdir outside &&
	mv b/shared/documents/ingested b/shared/documents/real &&
	ln -s "$TRASH/t9/outside" b/shared/documents/ingested &&
	cd b &&
	test_must_fail sovsync resolve --theirs $DOC 2>err &&
	grep "^sovsync: shared/documents/ingested: a symbolic link (to $TRASH/t9/outside)" err &&
	test_must_fail sovsync resolve --ours $DOC 2>err &&
	grep "^sovsync: shared/documents/ingested: a symbolic link" err &&
	cp shared/documents/real/a.md ../outside/a.md &&
	test_must_fail sovsync resolve $DOC 2>err &&
	grep "^sovsync: shared/documents/ingested: a symbolic link" err &&
	rm ../outside/a.md &&
	test -z "$(ls -A ../outside)" &&
	sovsync conflicts --json >json &&
	test "$(json_get json "len(d)")" = 1
'

test_expect_success 'a directory swapped for a symlink while resolve reads the version: nothing written outside' '
	flagged t10 &&
	mkdir outside &&
	git -C b config filter.swap.smudge "mv $TRASH/t10/b/shared/documents/ingested $TRASH/t10/b/shared/documents/real && ln -s $TRASH/t10/outside $TRASH/t10/b/shared/documents/ingested && cat" &&
	echo "$DOC filter=swap" >>b/.gitattributes &&
	cd b &&
	test_must_fail sovsync resolve --theirs $DOC 2>err &&
	test -L shared/documents/ingested &&
	grep "^sovsync: shared/documents/ingested: a symbolic link (to $TRASH/t10/outside)" err &&
	test -z "$(ls -A ../outside)" &&
	sovsync conflicts --json >json &&
	test "$(json_get json "len(d)")" = 1
'

test_done
