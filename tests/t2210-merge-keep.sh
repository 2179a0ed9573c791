#!/bin/sh
# `sovsync merge-keep`, the catch-all driver of the root, on hostile input:
# the inner merge of a criss-cross merge (a larger %L) writes no copy and
# queues nothing, a repository without a work tree leaves the conflict to
# Git, a path that climbs out of the work tree writes nothing outside, an
# unknown policy is Git's conflict; the exit status is never above 1 and
# %A always holds ours or the marked result.  Then a real criss-cross merge
# driven by stock git.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/merge-lib.sh"

# sides: base, ours and theirs files with overlapping edits.
sides() {
	printf "one\ntwo\n" >O && printf "one\ntwo ours\n" >A && printf "one\ntwo theirs\n" >B &&
	cp A ours.orig
}

queue_len() {
	python3 -c 'import json, sys
try:
    print(len(json.load(open(sys.argv[1]))["conflicts"]))
except FileNotFoundError:
    print(0)' "$1/.git/sovsync/conflicts.json"
}

test_expect_success 'setup' '
	test_repo r && mkdir -p r/shared &&
	echo "shared/** merge=sovsync-keep" >r/.gitattributes
'

test_expect_success 'an outer merge: ours kept in %A, theirs as a copy, queued, exit 0' '
	sides &&
	(cd r && sovsync merge-keep ../O ../A ../B shared/n.txt 7) &&
	cmp ours.orig A &&
	test "$(cat r/shared/n.sync-conflict-*.txt)" = "$(printf "one\ntwo theirs")" &&
	test "$(queue_len r)" = 1
'

test_expect_success 'an inner merge (%L above the configured size): markers, exit 1, no copy, not queued' '
	sides && rm -f r/shared/n.sync-conflict-* && rm -f r/.git/sovsync/conflicts.json &&
	(cd r && test_expect_code 1 sovsync merge-keep ../O ../A ../B shared/n.txt 9) &&
	grep "^<<<<<<<<< " A &&
	! ls r/shared/n.sync-conflict-* 2>/dev/null &&
	test "$(queue_len r)" = 0
'

test_expect_success 'an inner merge of a binary file takes the base' '
	printf "\000base" >O && printf "\000ours" >A && printf "\000theirs" >B &&
	(cd r && sovsync merge-keep ../O ../A ../B shared/b.bin 9) &&
	cmp O A && test "$(queue_len r)" = 0
'

test_expect_success 'no work tree: the conflict is left to Git' '
	sides &&
	git init -q --bare bare.git &&
	(cd bare.git && test_expect_code 1 sovsync merge-keep ../O ../A ../B shared/n.txt 7 2>../err) &&
	grep "no work tree" err && cmp ours.orig A
'

test_expect_success 'a path climbing out of the work tree: nothing written outside' '
	sides &&
	(cd r && test_expect_code 1 sovsync merge-keep ../O ../A ../B ../evil.txt 7 2>../err) &&
	! ls evil.sync-conflict-* 2>/dev/null && cmp ours.orig A &&
	(cd r && test_expect_code 1 sovsync merge-keep ../O ../A ../B shared/../../evil.txt 7 2>../err) &&
	! ls evil.sync-conflict-* 2>/dev/null && cmp ours.orig A
'

test_expect_success 'a copy name taken by a symbolic link: the link is skipped, never written through' '
	sides && rm -f r/.git/sovsync/conflicts.json &&
	echo secret >secret &&
	(cd r && sovsync merge-keep ../O ../A ../B shared/l.txt 7 2>../err) &&
	copy=$(cd r && ls shared/l.sync-conflict-*.txt) &&
	rm "r/$copy" && ln -s "$TRASH/secret" "r/$copy" &&
	(cd r && sovsync merge-keep ../O ../A ../B shared/l.txt 7 2>../err) &&
	test "$(cat secret)" = secret &&
	test -h "r/$copy" && test "$(readlink "r/$copy")" = "$TRASH/secret" &&
	# The version went to another name: "-2" beside the link, or a new
	# time stamp when the second merge ran in a later second.
	test "$(ls r/shared/l.sync-conflict-*.txt | wc -l)" = 2
'

test_expect_success 'an unknown policy: Git conflict, exit 1, ours kept' '
	sides &&
	echo "shared/p.txt sovsync-conflict=sometimes" >>r/.gitattributes &&
	(cd r && test_expect_code 1 sovsync merge-keep ../O ../A ../B shared/p.txt 7 2>../err) &&
	grep "sometimes" err && cmp ours.orig A
'

test_expect_success 'a queue that cannot be written: Git conflict, exit 1, ours kept, the copy stays' '
	sides && rm -f r/.git/sovsync/conflicts.json &&
	mkdir r/.git/sovsync/conflicts.json &&
	(cd r && test_expect_code 1 sovsync merge-keep ../O ../A ../B shared/q.txt 7 2>../err) &&
	grep "shared/q.txt: conflict not settled; leaving it to Git" err &&
	cmp ours.orig A &&
	test "$(cat r/shared/q.sync-conflict-*.txt)" = "$(printf "one\ntwo theirs")" &&
	rmdir r/.git/sovsync/conflicts.json
'

test_expect_success 'a criss-cross merge with stock git: one copy, the inner merge queues nothing' '
	git init -q cc && merge_config cc keep && mkdir cc/shared &&
	echo "shared/** merge=sovsync-keep" >cc/.gitattributes &&
	printf "one\ntwo\n" >cc/shared/n.txt &&
	git -C cc add -A && test_tick && git -C cc commit -q -m base &&
	git -C cc checkout -q -b x && printf "one\ntwo x\n" >cc/shared/n.txt &&
	test_tick && git -C cc commit -q -am x &&
	git -C cc checkout -q -b y main && printf "one\ntwo y\n" >cc/shared/n.txt &&
	test_tick && git -C cc commit -q -am y &&
	git -C cc checkout -q -b m1 y && test_tick && git -C cc merge -q --no-edit x 2>/dev/null &&
	git -C cc add -A && git -C cc commit -q -m "m1 copies" &&
	git -C cc checkout -q -b m2 x && test_tick && git -C cc merge -q --no-edit y 2>/dev/null &&
	git -C cc add -A && git -C cc commit -q -m "m2 copies" &&
	printf "one\ntwo m2\n" >cc/shared/n.txt && test_tick && git -C cc commit -q -am m2edit &&
	git -C cc checkout -q m1 &&
	printf "one\ntwo m1\n" >cc/shared/n.txt && test_tick && git -C cc commit -q -am m1edit &&
	test "$(git -C cc merge-base --all m1 m2 | wc -l)" = 2 &&
	rm -f cc/.git/sovsync/conflicts.json &&
	SOVSYNC_TRACE="$TRASH/cc.trace" git -C cc merge --no-edit m2 >out 2>&1 &&
	grep "merge-keep shared/n.txt, marker size 9" cc.trace &&
	grep "two m1" cc/shared/n.txt &&
	test "$(queue_len cc)" = 1 &&
	grep "two m2" cc/shared/n.sync-conflict-*.txt
'

test_done
