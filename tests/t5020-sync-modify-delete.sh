#!/bin/sh
# sovsync sync and modify/delete conflicts: one clone deletes a synced file,
# the other edits it.  Git calls no merge driver for that; the cycle keeps
# the edit, queues the conflict, commits the merge (hooks included) and
# pushes; `sovsync resolve` then keeps the file or applies the deletion.  A
# modify/delete mixed with a conflict nobody can settle or with one of a
# file no sovsync driver owns, one under onConflict = stop, and one whose
# merge commit fails are aborted and flagged as before.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"
. "$(dirname "$0")/lib-docmerge.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

X=shared/documents/ingested/x.md

# md_setup DIR: in the new directory DIR (cd there), a bare remote and two
# clones, a and b, with sovsync installed, sharing $X (three lines).
md_setup() {
	mkdir "$1" &&
	cd "$1" &&
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	sovsync install --repo a >/dev/null &&
	mkdir -p a/shared/documents/ingested &&
	printf "one\ntwo\nthree\n" >a/$X &&
	echo "notes" >a/NOTES &&
	git -C a add -A &&
	test_tick &&
	git -C a commit -q -m layout &&
	git -C a push -q origin main &&
	git clone -q remote.git b 2>/dev/null &&
	sovsync install --repo b >/dev/null &&
	# Checked out before the filter was configured: check out again.
	rm b/$X &&
	git -C b checkout -- $X &&
	for c in a b; do
		git -C $c config sovsync.source clone-$c || return 1
	done
}

# deleted_here DIR: md_setup DIR; b edits $X and syncs, then a deletes it
# and syncs (output in out and err).
deleted_here() {
	md_setup "$1" &&
	echo "four by b" >>b/$X &&
	(cd b && sovsync sync -q) &&
	rm a/$X &&
	(cd a && sovsync sync >../out 2>../err)
}

# entry DIR KEY: KEY of the queue entry for $X in DIR (None when absent).
entry() {
	json_get "$1/.git/sovsync/conflicts.json" \
		"([e for e in d['conflicts'] if e['path'] == '$X'] or [{}])[0].get('$2')"
}

# The helpers below run in the directory md_setup made (each test body
# starts there: bodies run in subshells from $TRASH).

# in_remote PATH: the remote's main has PATH.
in_remote() {
	git -C remote.git cat-file -e "main:$1" 2>/dev/null
}

# remote_doc PATH: the real content of PATH in the remote's main (the
# remote stores documents in the filter's form).
remote_doc() {
	git -C remote.git show "main:$1" | sovsync cat -
}

# pending DIR KEY: KEY of $X's entry in pending_conflicts of DIR's HEAD.
pending() {
	git -C "$1" show HEAD:shared/state.json >pending.json &&
	json_get pending.json \
		"([e for e in d['pending_conflicts'] if e['path'] == '${X#shared/}'] or [{}])[0].get('$2')"
}

# merged DIR: the remote's main is DIR's HEAD, a merge commit.
merged() {
	test "$(git -C remote.git rev-parse main)" = "$(git -C "$1" rev-parse HEAD)" &&
	git -C "$1" rev-parse -q --verify HEAD^2 >/dev/null
}

test_expect_success 'deleted on the remote, edited here: the edit is kept and pushed' '
	md_setup t1 &&
	rm a/$X &&
	(cd a && sovsync sync -q) &&
	! in_remote $X &&
	echo "four by b" >>b/$X &&
	(cd b && sovsync sync >../out 2>../err) &&
	grep "^ok .*merged (kept 1 edited file deleted on one side, flagged) pushed" out &&
	grep "$X: deleted on the remote, edited here" err &&
	merged b &&
	printf "one\ntwo\nthree\nfour by b\n" >expect &&
	remote_doc $X >got &&
	test_cmp expect got &&
	test ! -e b/.git/MERGE_HEAD &&
	test ! -e b/.git/sovsync/sync-conflict.json &&
	sov_fresh b &&
	test "$(entry b kind)" = modify/delete &&
	test "$(entry b deleted_by)" = theirs &&
	test "$(entry b theirs)" = None &&
	test "$(entry b ours)" = "$(git -C b rev-parse HEAD^1:$X)" &&
	test "$(entry b base)" = "$(git -C b rev-parse HEAD~2:$X)" &&
	test "$(entry b ours_commit)" = "$(git -C b rev-parse HEAD^1)" &&
	test "$(entry b theirs_commit)" = "$(git -C b rev-parse HEAD^2)" &&
	test "$(entry b source)" = clone-b &&
	test "$(pending b deleted_by)" = theirs &&
	test "$(pending b kind)" = modify/delete &&
	git -C b log -1 --format=%B >msg &&
	grep "^  $X (deleted by them)$" msg &&
	! grep "^#" msg &&
	test "$(health b)" = healthy
'

test_expect_success 'conflicts lists it with the side that deleted' '
	cd t1 &&
	(cd b && sovsync conflicts) >table &&
	head -n 1 table | grep "^PATH  *KIND  *DETECTED AT  *SOURCE$" &&
	grep "^$X  *modify/delete (deleted by theirs)  *20[0-9-]*T[0-9:.]*Z  *clone-b$" table &&
	(cd b && sovsync conflicts --json) >json &&
	test "$(json_get json "d[0][\"deleted_by\"]")" = theirs
'

test_expect_success 'the deleting clone gets the kept edit back on its next sync' '
	cd t1 &&
	(cd a && sovsync sync -q) &&
	test "$(git -C a rev-parse HEAD)" = "$(git -C remote.git rev-parse main)" &&
	grep "four by b" a/$X &&
	sov_fresh a
'

test_expect_success 'resolve --theirs applies the deletion; the next sync pushes it' '
	cd t1 &&
	(cd b/shared && sovsync resolve --theirs documents/ingested/x.md) >out &&
	grep "by deleting it with theirs" out &&
	test ! -e b/$X &&
	git -C b diff --cached --name-status >staged &&
	printf "D\t$X\n" >expect &&
	test_cmp expect staged &&
	(cd b && sovsync sync -q) &&
	! in_remote $X &&
	test "$(json_get b/.git/sovsync/conflicts.json "len(d[\"conflicts\"])")" = 0 &&
	test "$(pending b kind)" = None &&
	sov_fresh b
'

test_expect_success 'deleted here, edited on the remote: the edit comes back and is pushed' '
	deleted_here t2 &&
	grep "^ok .*merged (kept 1 edited file deleted on one side, flagged) pushed" out &&
	grep "$X: deleted here, edited on the remote" err &&
	merged a &&
	printf "one\ntwo\nthree\nfour by b\n" >expect &&
	test_cmp expect a/$X &&
	remote_doc $X >got &&
	test_cmp expect got &&
	sov_fresh a &&
	test "$(entry a deleted_by)" = ours &&
	test "$(entry a ours)" = None &&
	test "$(entry a theirs)" = "$(git -C a rev-parse HEAD^2:$X)" &&
	test "$(entry a ours_commit)" = "$(git -C a rev-parse HEAD^1)" &&
	test "$(entry a theirs_commit)" = "$(git -C a rev-parse HEAD^2)" &&
	(cd a && sovsync conflicts) | grep "modify/delete (deleted by ours)"
'

test_expect_success 'resolve --theirs keeps the edit; resolve without a side takes the tree' '
	cd t2 &&
	(cd a && sovsync resolve --theirs $X) >out &&
	grep "with theirs" out && ! grep deleting out &&
	test_cmp expect a/$X &&
	test "$(json_get a/.git/sovsync/conflicts.json "len(d[\"conflicts\"])")" = 0 &&
	# Once more the other way round; b settles it by deleting the file
	# itself and running resolve with no side.
	rm a/$X &&
	(cd a && sovsync sync -q) &&
	echo "four by b" >>b/$X &&
	(cd b && sovsync sync -q) &&
	test "$(entry b deleted_by)" = theirs &&
	rm b/$X &&
	(cd b && sovsync resolve $X) >out &&
	grep "by deleting it\.$" out &&
	(cd b && sovsync sync -q) &&
	! in_remote $X &&
	sov_fresh b
'

test_expect_success 'resolve --ours on a clone that deleted applies its deletion' '
	deleted_here t3 &&
	test -e a/$X &&
	(cd a && sovsync resolve --ours $X) >out &&
	grep "by deleting it with ours" out &&
	(cd a && sovsync sync -q) &&
	! in_remote $X &&
	sov_fresh a
'

test_expect_success 'resolve on the side that kept the file keeps the edits made since' '
	deleted_here t3b &&
	echo "five by a" >>a/$X &&
	(cd a && sovsync sync -q) &&
	echo "not committed yet" >>a/$X &&
	(cd a && sovsync resolve --theirs $X) >out &&
	grep "with theirs" out && ! grep deleting out &&
	printf "one\ntwo\nthree\nfour by b\nfive by a\nnot committed yet\n" >expect &&
	test_cmp expect a/$X &&
	git -C a diff --quiet -- $X
'

test_expect_success 'resolve takes a name with brackets literally: a file it would match stays' '
	X="shared/documents/ingested/notes[1].md" &&
	S=shared/documents/ingested/notes1.md &&
	md_setup t3c &&
	echo sibling >a/$S &&
	git -C a add -A && git -C a commit -q -m sibling && git -C a push -q origin main &&
	(cd b && sovsync sync -q) &&
	echo "four by b" >>"b/$X" &&
	(cd b && sovsync sync -q) &&
	rm "a/$X" &&
	(cd a && sovsync sync -q) &&
	test "$(entry a deleted_by)" = ours &&
	echo "edited, not committed" >>a/$S &&
	(cd a && sovsync resolve --ours "$X") >out &&
	grep "by deleting it with ours" out &&
	test ! -e "a/$X" &&
	grep "edited, not committed" a/$S &&
	git -C a diff --cached --name-only >staged &&
	! grep -F notes1.md staged
'

test_expect_success 'a memories file deleted on one side and edited on the other (JSON driver)' '
	md_setup t4 &&
	M=shared/memories/bob/memories.json &&
	mkdir -p a/shared/memories/bob &&
	printf "{\"results\": [{\"id\": \"m1\", \"memory\": \"Likes tea\"}]}\n" >a/$M &&
	(cd a && sovsync sync -q) &&
	(cd b && sovsync sync -q) &&
	rm -r a/shared/memories/bob &&
	(cd a && sovsync sync -q) &&
	sed -i "s/Likes tea/Likes green tea/" b/$M &&
	(cd b && sovsync sync -q 2>/dev/null) &&
	merged b &&
	in_remote $M &&
	remote_doc $M | grep "Likes green tea" &&
	json_get b/.git/sovsync/conflicts.json "[e[\"path\"] for e in d[\"conflicts\"]]" >paths &&
	grep "shared/memories/bob/memories.json" paths &&
	sov_fresh b
'

test_expect_success 'mixed with a conflict no driver settles: aborted and flagged; settled once it is gone' '
	md_setup t5 &&
	rm a/$X &&
	echo "notes by a" >a/NOTES &&
	git -C a commit -q -am "notes by a" &&
	(cd a && sovsync sync -q) &&
	echo "four by b" >>b/$X &&
	echo "notes by b" >b/NOTES &&
	git -C b commit -q -am "notes by b" &&
	head=$(git -C b rev-parse HEAD) &&
	(cd b && test_expect_code 3 sovsync sync 2>../err) &&
	grep "stopped on conflicts in NOTES $X; merge aborted" err &&
	test "$(git -C b rev-parse HEAD)" = "$head" &&
	test ! -e b/.git/MERGE_HEAD &&
	test -z "$(git -C b status --porcelain)" &&
	grep "four by b" b/$X &&
	grep "\"$X\"" b/.git/sovsync/sync-conflict.json &&
	grep "\"NOTES\"" b/.git/sovsync/sync-conflict.json &&
	test ! -e b/.git/sovsync/conflicts.json &&
	! in_remote $X &&
	# The user settles NOTES; the modify/delete alone no longer stops the sync.
	echo "notes by a" >b/NOTES &&
	git -C b commit -q -am "notes as a has them" &&
	(cd b && sovsync sync -q 2>/dev/null) &&
	merged b &&
	test ! -e b/.git/sovsync/sync-conflict.json &&
	test "$(entry b deleted_by)" = theirs &&
	sov_fresh b
'

test_expect_success 'mixed with a modify/delete of a file no sovsync driver owns: aborted, then settled' '
	md_setup t6 &&
	git -C a rm -q NOTES &&
	rm a/$X &&
	git -C a commit -q -am "no notes, no x" &&
	(cd a && sovsync sync -q) &&
	echo "notes by b" >b/NOTES &&
	git -C b commit -q -am "notes by b" &&
	echo "four by b" >>b/$X &&
	(cd b && test_expect_code 3 sovsync sync 2>../err) &&
	grep "stopped on conflicts in NOTES $X; merge aborted" err &&
	test ! -e b/.git/MERGE_HEAD &&
	test ! -e b/.git/sovsync/conflicts.json &&
	git -C b rm -q NOTES &&
	git -C b commit -q -m "no notes either" &&
	(cd b && sovsync sync -q 2>/dev/null) &&
	merged b &&
	! in_remote NOTES &&
	test "$(entry b deleted_by)" = theirs &&
	sov_fresh b
'

test_expect_success 'the merge commit fails (signing broken): aborted, the entry taken back' '
	md_setup t8 &&
	rm a/$X &&
	(cd a && sovsync sync -q) &&
	echo "four by b" >>b/$X &&
	git -C b commit -q -am "four by b" &&
	head=$(git -C b rev-parse HEAD) &&
	# An older entry of the same path (a text conflict still waiting) must
	# come back when the settling commit fails, not vanish.
	blob=$(git -C b rev-parse HEAD:$X) &&
	printf "{\"version\": 1, \"conflicts\": [{\"path\": \"%s\", \"kind\": \"text\", \"base\": null, \"ours\": \"%s\", \"theirs\": \"%s\", \"detected_at\": \"2026-11-26T12:00:00Z\", \"source\": \"earlier\"}]}\n" \
		"$X" "$blob" "$blob" >b/.git/sovsync/conflicts.json &&
	git -C b config commit.gpgSign true &&
	git -C b config gpg.program false &&
	(cd b && test_expect_code 3 sovsync sync 2>../err) &&
	grep "git commit" err &&
	grep "stopped on conflicts in $X; merge aborted" err &&
	! grep "the edit is kept" err &&
	test "$(git -C b rev-parse HEAD)" = "$head" &&
	test ! -e b/.git/MERGE_HEAD &&
	test -z "$(git -C b status --porcelain)" &&
	test "$(entry b kind)" = text &&
	test "$(entry b source)" = earlier &&
	git -C b config --unset commit.gpgSign &&
	(cd b && sovsync sync -q 2>/dev/null) &&
	merged b &&
	test "$(entry b deleted_by)" = theirs
'

test_expect_success 'onConflict = stop: a document modify/delete is aborted and flagged' '
	md_setup t7 &&
	git -C b config sovsync.documents.onConflict stop &&
	rm a/$X &&
	(cd a && sovsync sync -q) &&
	echo "four by b" >>b/$X &&
	(cd b && test_expect_code 3 sovsync sync 2>../err) &&
	grep "stopped on conflicts in $X; merge aborted" err &&
	test ! -e b/.git/MERGE_HEAD &&
	test -z "$(git -C b status --porcelain)" &&
	test ! -e b/.git/sovsync/conflicts.json &&
	git -C b config sovsync.documents.onConflict flag &&
	(cd b && sovsync sync -q 2>/dev/null) &&
	merged b &&
	test "$(entry b deleted_by)" = theirs &&
	sov_fresh b
'

test_done
