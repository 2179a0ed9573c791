#!/bin/sh
# The document merge driver (sovsync merge-doc) under real `git pull`s
# between two clones of a bare remote: clean merges, flagged conflicts,
# onConflict=stop, binary documents, both pull orders, rebase, and the
# driver's own exit contract.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docmerge.sh"

test_expect_success 'non-overlapping edits merge cleanly, nothing queued' '
	doc_setup t1 &&
	doc_commit a $DOC printf "one from a\ntwo\nthree\nfour\nfive\n" &&
	git -C a push -q origin main &&
	doc_commit b $DOC printf "one\ntwo\nthree\nfour\nfive from b\n" &&
	git -C b pull -q --no-edit &&
	printf "one from a\ntwo\nthree\nfour\nfive from b\n" >expect &&
	test_cmp expect b/$DOC &&
	git -C b rev-parse -q --verify HEAD^2 &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "len(d)")" = 0
'

test_expect_success 'both pull orders of a clean merge give the same bytes' '
	doc_setup t2 &&
	doc_commit a $DOC printf "one from a\ntwo\nthree\nfour\nfive\n" &&
	doc_commit b $DOC printf "one\ntwo\nthree\nfour\nfive from b\n" &&
	git clone -q remote.git c &&
	git -C c config merge.sovsync-doc.driver "sovsync merge-doc %O %A %B %P %L" &&
	git -C a push -q origin main &&
	git -C b pull -q --no-edit &&
	git -C c fetch -q ../b main &&
	git -C c reset -q --hard FETCH_HEAD^2 &&
	git -C c fetch -q ../b main &&
	git -C c merge -q --no-edit FETCH_HEAD^1 &&
	cmp b/$DOC c/$DOC
'

test_expect_success 'a conflicting edit: the pull completes with markers, flagged' '
	doc_setup t3 &&
	doc_conflict &&
	ours=$(git -C b rev-parse HEAD) &&
	git -C b fetch -q &&
	theirs=$(git -C b rev-parse origin/main) &&
	git -C b pull --no-edit >out 2>err &&
	grep "flagged for review" err &&
	test "$(git -C b rev-parse HEAD^1)" = "$ours" &&
	test "$(git -C b rev-parse HEAD^2)" = "$theirs" &&
	test -z "$(git -C b status --porcelain)" &&
	cat >expect <<-\EOT &&
	one
	two
	<<<<<<< ours
	three from b
	=======
	three from a
	>>>>>>> theirs
	four
	five
	EOT
	test_cmp expect b/$DOC &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "len(d)")" = 1 &&
	test "$(json_get json "d[0][\"path\"]")" = $DOC &&
	test "$(json_get json "d[0][\"kind\"]")" = text &&
	test "$(json_get json "d[0][\"ours\"]")" = "$(git -C b rev-parse HEAD^1:$DOC)" &&
	test "$(json_get json "d[0][\"theirs\"]")" = "$(git -C b rev-parse HEAD^2:$DOC)" &&
	test "$(json_get json "d[0][\"base\"]")" = "$(git -C b rev-parse HEAD~1~1:$DOC)" &&
	test "$(json_get json "d[0][\"ours_commit\"]")" = "$ours" &&
	test "$(json_get json "d[0][\"theirs_commit\"]")" = "$theirs" &&
	test "$(json_get json "d[0][\"source\"]")" = clone-b &&
	json_get json "d[0][\"detected_at\"]" >when &&
	grep -E "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$" when
'

test_expect_success 'the other pull order flags the same conflict from the other side' '
	doc_setup t4 &&
	doc_commit b $DOC printf "one\ntwo\nthree from b\nfour\nfive\n" &&
	git -C b push -q origin main &&
	doc_commit a $DOC printf "one\ntwo\nthree from a\nfour\nfive\n" &&
	git -C a pull -q --no-edit &&
	grep "^three from a$" a/$DOC &&
	grep "^three from b$" a/$DOC &&
	grep "^<<<<<<< ours$" a/$DOC &&
	(cd a && sovsync conflicts --json) >json &&
	test "$(json_get json "d[0][\"source\"]")" = clone-a &&
	test "$(json_get json "d[0][\"theirs\"]")" = "$(git -C a rev-parse HEAD^2:$DOC)"
'

test_expect_success 'other files of the same pull still merge' '
	doc_setup t5 &&
	doc_commit a notes.txt printf "1\n2\n3\n4\n5\n" &&
	git -C a push -q origin main &&
	git -C b pull -q &&
	doc_commit a shared/documents/ingested/other.md echo "only a" &&
	doc_commit a notes.txt printf "1\n2\n3\n4\n5 from a\n" &&
	doc_conflict &&
	doc_commit b notes.txt printf "1 from b\n2\n3\n4\n5\n" &&
	git -C b pull -q --no-edit &&
	test "$(cat b/shared/documents/ingested/other.md)" = "only a" &&
	printf "1 from b\n2\n3\n4\n5 from a\n" >expect &&
	test_cmp expect b/notes.txt &&
	grep "^=======$" b/$DOC &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "len(d)")" = 1 &&
	test "$(json_get json "d[0][\"path\"]")" = $DOC
'

test_expect_success 'onConflict=stop keeps Git behaviour: the pull stops' '
	doc_setup t6 &&
	git -C b config sovsync.documents.onConflict stop &&
	doc_conflict &&
	test_must_fail git -C b pull --no-edit >out 2>&1 &&
	grep "CONFLICT (content)" out &&
	git -C b ls-files -u -- $DOC >unmerged &&
	test "$(wc -l <unmerged)" = 3 &&
	grep "^<<<<<<< ours$" b/$DOC &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "len(d)")" = 0
'

test_expect_success 'a binary document conflict keeps ours and records theirs' '
	doc_setup t7 &&
	test_random_file a/shared/documents/ingested/pic.bin 5000 1 &&
	git -C a add . && git -C a commit -q -m pic && git -C a push -q origin main &&
	git -C b pull -q --no-edit &&
	test_random_file a/shared/documents/ingested/pic.bin 6000 2 &&
	git -C a commit -q -a -m "pic from a" && git -C a push -q origin main &&
	test_random_file b/shared/documents/ingested/pic.bin 7000 3 &&
	cp b/shared/documents/ingested/pic.bin ours.bin &&
	git -C b commit -q -a -m "pic from b" &&
	git -C b pull --no-edit >out 2>&1 &&
	cmp ours.bin b/shared/documents/ingested/pic.bin &&
	! grep -a "<<<<<<<" b/shared/documents/ingested/pic.bin &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "d[0][\"kind\"]")" = binary &&
	test "$(json_get json "d[0][\"theirs\"]")" = \
		"$(git -C b rev-parse HEAD^2:shared/documents/ingested/pic.bin)" &&
	git -C b cat-file blob HEAD^2:shared/documents/ingested/pic.bin >theirs.bin &&
	cmp a/shared/documents/ingested/pic.bin theirs.bin
'

test_expect_success 'add/add conflict without a base: base is null' '
	doc_setup t8 &&
	doc_commit a shared/documents/ingested/new.md echo "new from a" &&
	git -C a push -q origin main &&
	doc_commit b shared/documents/ingested/new.md echo "new from b" &&
	git -C b pull -q --no-edit &&
	grep "^<<<<<<< ours$" b/shared/documents/ingested/new.md &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "d[0][\"base\"]")" = None
'

test_expect_success 'pull --rebase: flagged, sides known from the rebase' '
	doc_setup t9 &&
	doc_conflict &&
	local_commit=$(git -C b rev-parse HEAD) &&
	git -C b fetch -q &&
	upstream=$(git -C b rev-parse origin/main) &&
	git -C b pull -q --rebase &&
	test "$(git -C b rev-parse HEAD^)" = "$upstream" &&
	grep "^<<<<<<< ours$" b/$DOC &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "d[0][\"ours_commit\"]")" = "$upstream" &&
	test "$(json_get json "d[0][\"theirs_commit\"]")" = "$local_commit"
'

test_expect_success 'merge.conflictStyle=diff3 shows the base' '
	doc_setup t10 &&
	git -C b config merge.conflictStyle diff3 &&
	doc_conflict &&
	git -C b pull -q --no-edit &&
	grep "^||||||| base$" b/$DOC &&
	grep "^three$" b/$DOC
'

test_expect_success 'a newer conflict on the same path replaces the entry' '
	doc_setup t11 &&
	doc_conflict &&
	git -C b pull -q --no-edit &&
	doc_commit a $DOC printf "one\ntwo\nthree again from a\nfour\nfive\n" &&
	git -C a pull -q --no-edit && git -C a push -q origin main &&
	(cd b && printf "one\ntwo\nthree again from b\nfour\nfive\n" >$DOC &&
	 git commit -q -a -m again && git pull -q --no-edit) &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "len(d)")" = 1 &&
	test "$(json_get json "d[0][\"theirs_commit\"]")" = "$(git -C b rev-parse HEAD^2)"
'

test_expect_success 'the text merge writes what git merge-file writes' '
	test_repo same &&
	cd same &&
	awk "BEGIN { for (i = 1; i <= 300; i++) print \"line \" i }" >O &&
	awk "{ print (NR % 7 == 0 || NR == 150) ? \$0 \" ours\" : \$0 }" O >A &&
	awk "{ print (NR % 11 == 0 || NR == 150) ? \$0 \" theirs\" : \$0 }" O >B &&
	{ git merge-file -p -L ours -L base -L theirs A O B >expect || true; } &&
	grep "^<<<<<<< ours$" expect &&
	sovsync merge-doc O A B doc.md 7 &&
	test_cmp expect A
'

test_expect_success 'driver contract: failures exit 1 and leave ours' '
	test_repo contract &&
	cd contract &&
	printf "base\n" >O && printf "ours\n" >A && printf "theirs\n" >B &&
	cp A A.orig &&
	test_expect_code 1 sovsync merge-doc O A B &&
	test_expect_code 1 sovsync merge-doc O A B doc.md x &&
	test_expect_code 1 sovsync merge-doc O A missing doc.md 7 &&
	git config sovsync.documents.onConflict sometimes &&
	test_expect_code 1 sovsync merge-doc O A B doc.md 7 2>err &&
	grep "onConflict" err &&
	cmp A.orig A &&
	git config --unset sovsync.documents.onConflict &&
	sovsync merge-doc O A B doc.md 7 &&
	grep "^<<<<<<< ours$" A
'

test_expect_success 'an inner (criss-cross) merge is not queued; binary takes the base' '
	test_repo inner &&
	cd inner &&
	printf "base\n" >O && printf "ours\n" >A && printf "theirs\n" >B &&
	test_expect_code 1 sovsync merge-doc O A B doc.md 9 &&
	grep "^<<<<<<<<< ours$" A &&
	printf "base\0\n" >O && printf "ours\0\n" >A && printf "theirs\0\n" >B &&
	sovsync merge-doc O A B pic.bin 9 &&
	cmp O A &&
	sovsync conflicts --json >json &&
	test "$(json_get json "len(d)")" = 0
'

test_expect_success 'a real criss-cross merge: the inner conflict is not queued' '
	doc_setup t12 &&
	cd b &&
	git checkout -q -b x &&
	printf "one\ntwo\nthree x\nfour\nfive\n" >$DOC && git commit -q -a -m x0 &&
	git checkout -q -b y main &&
	printf "one\ntwo\nthree y\nfour\nfive\n" >$DOC && git commit -q -a -m y0 &&
	git config sovsync.documents.onConflict stop &&
	test_must_fail git merge -q x >/dev/null 2>&1 &&
	printf "one\ntwo\nM\nfour\nfive y\n" >$DOC && git commit -q -a -m y1 &&
	git checkout -q x &&
	test_must_fail git merge -q y~1 >/dev/null 2>&1 &&
	printf "one x\ntwo\nM\nfour\nfive\n" >$DOC && git commit -q -a -m x1 &&
	git config --unset sovsync.documents.onConflict &&
	test "$(git merge-base --all x y | wc -l)" = 2 &&
	SOVSYNC_TRACE="$TRASH/t12/trace" git merge -q --no-edit y &&
	grep "merge-doc $DOC, marker size 9" ../trace &&
	printf "one x\ntwo\nM\nfour\nfive y\n" >../expect &&
	test_cmp ../expect $DOC &&
	sovsync conflicts --json >../json &&
	test "$(json_get ../json "len(d)")" = 0
'

test_expect_success 'merge-doc is plumbing with a full help text' '
	sovsync merge-doc --help >help &&
	grep "^usage: sovsync merge-doc" help &&
	grep "onConflict" help &&
	sovsync --help >main &&
	! grep "merge-doc" main &&
	sovsync help --all >all &&
	grep "merge-doc" all
'

test_expect_success 'a document stored in frames (minSize 0): merged as text, conflict ids are the stored blobs' '
	mkdir tf && cd tf &&
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	git -C a config filter.sovsync.process "$SOVSYNC_BIN/sovsync filter-process" &&
	git -C a config filter.sovsync.required true &&
	git -C a config sovsync.filter.minSize 0 &&
	mkdir -p a/shared/documents/ingested &&
	echo "shared/documents/** merge=sovsync-doc filter=sovsync -text" >a/.gitattributes &&
	printf "one\ntwo\nthree\nfour\nfive\n" >a/$DOC &&
	git -C a add . && git -C a commit -q -m base && git -C a push -q origin main &&
	git clone -q -n remote.git b &&
	for c in a b; do
		git -C $c config filter.sovsync.process "$SOVSYNC_BIN/sovsync filter-process" &&
		git -C $c config filter.sovsync.required true &&
		git -C $c config sovsync.filter.minSize 0 &&
		git -C $c config merge.sovsync-doc.driver "sovsync merge-doc %O %A %B %P %L" || exit 1
	done &&
	git -C b checkout -q main &&
	git -C b cat-file blob HEAD:$DOC | head -c 8 | od -An -c | grep "S   O   V" &&
	doc_conflict &&
	git -C b pull -q --no-edit 2>err &&
	grep "flagged for review" err &&
	test -z "$(git -C b status --porcelain)" &&
	grep "^<<<<<<< ours" b/$DOC && grep "^three from a" b/$DOC && grep "^three from b" b/$DOC &&
	git -C b cat-file blob HEAD:$DOC | head -c 8 | od -An -c | grep "S   O   V" &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "d[0][\"kind\"]")" = text &&
	test "$(json_get json "d[0][\"theirs\"]")" = "$(git -C b rev-parse HEAD^2:$DOC)" &&
	(cd b && sovsync resolve --theirs $DOC) &&
	printf "one\ntwo\nthree from a\nfour\nfive\n" >expect &&
	test_cmp expect b/$DOC
'

test_done
