#!/bin/sh
# sovsync sync with the document merge driver (merge-drivers/doc.c): a
# flagged document conflict does not stop the sync; onConflict = stop makes
# the cycle abort the merge and flag it.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"
. "$(dirname "$0")/lib-docmerge.sh"

# edit CLONE LINE2: replace the second line of $DOC in CLONE.
edit() {
	printf "one\n%s\nthree\nfour\nfive\n" "$2" >"$1/$DOC"
}

test_expect_success 'a document conflict is flagged and the sync completes' '
	doc_setup flag &&
	edit b "two by b" &&
	(cd b && sovsync sync -q) &&
	edit a "two by a" &&
	(cd a && sovsync sync >../out) &&
	grep "^ok .*committed 1 file .*merged pushed" out &&
	grep "\"path\": \"$DOC\"" a/.git/sovsync/conflicts.json &&
	grep "^<<<<<<< " a/$DOC &&
	test ! -e a/.git/sovsync/sync-conflict.json &&
	git -C remote.git log -1 --format=%s main | grep "^Merge" &&
	test "$(health a)" = healthy
'

test_expect_success 'onConflict = stop: merge aborted, flagged, exit 3, then settled' '
	doc_setup stop &&
	git -C a config sovsync.documents.onConflict stop &&
	edit b "two by b" &&
	(cd b && sovsync sync -q) &&
	edit a "two by a" &&
	(cd a && test_expect_code 3 sovsync sync 2>../err) &&
	grep "stopped on conflicts in $DOC; merge aborted" err &&
	test ! -e a/.git/MERGE_HEAD &&
	test -z "$(git -C a status --porcelain)" &&
	grep "two by a" a/$DOC &&
	grep "\"$DOC\"" a/.git/sovsync/sync-conflict.json &&
	git -C a config sovsync.documents.onConflict flag &&
	(cd a && sovsync sync -q) &&
	test ! -e a/.git/sovsync/sync-conflict.json &&
	grep "\"path\": \"$DOC\"" a/.git/sovsync/conflicts.json
'

test_done
