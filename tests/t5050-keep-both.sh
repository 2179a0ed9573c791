#!/bin/sh
# No conflict under the synced root stops a sync (issue 15 item 2): a file no
# sovsync driver owns (plain text, unknown JSON, binary) that both clones
# changed keeps both versions, ours at the path and theirs as a conflict
# copy next to it, committed and pushed with the merge; the conflict is
# queued with both contents.  Driven by stock `git pull` and by `sovsync
# sync`.  Paths outside the root keep Git's behaviour.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"
. "$(dirname "$0")/lib-docmerge.sh"

M=shared/memories/default/memories.json
C=shared/conversations/c1.json
N=shared/notes.txt
SQ="'"

mem() { printf '{"id": "%s", "memory": "%s", "created_at": "2026-12-01T10:00:00+00:00", "updated_at": "%s"}' "$1" "$2" "$3"; }
msg() { printf '{"role": "user", "content": "%s"}' "$1"; }

# conv DIR MSG...: DIR's conversation c1 holds the messages MSG... in order.
conv() {
	dir=$1 && shift && list= && sep= &&
	for m in "$@"; do list="$list$sep$(msg "$m")" && sep=", "; done &&
	printf '{"id": "c1", "title": "T", "messages": [%s]}\n' "$list" >"$dir/$C"
}

# memories DIR TEXT UPDATED: one memory, m1, with TEXT.
memories() {
	printf '{"results": [%s, %s]}\n' "$(mem m1 "$2" "$3")" "$(mem m2 "second" "2026-12-01T10:00:00+00:00")" >"$1/$M"
}

# setup DIR: in the new directory DIR (cd there), a bare remote and two
# clones a and b (users Alice and Web) with sovsync installed, sharing a
# conversation, a memory and notes.
setup() {
	mkdir "$1" && cd "$1" &&
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	sovsync install --repo a >/dev/null &&
	conv a hello &&
	memories a "Name is Alex" "2026-12-01T10:00:00+00:00" &&
	printf "line 1\nline 2\n" >a/$N &&
	echo "outside" >a/OUTSIDE &&
	A add -A && test_tick && A commit -q -m layout &&
	A push -q origin main &&
	git clone -q remote.git b 2>/dev/null &&
	sovsync install --repo b >/dev/null &&
	A config sovsync.source clone-a &&
	B config sovsync.source web
}

# A and B: git in clone a as Alice, in clone b as Web (lib.sh exports the
# author, so the config alone would not do).
A() { GIT_AUTHOR_NAME=Alice GIT_COMMITTER_NAME=Alice git -C a "$@"; }
B() { GIT_AUTHOR_NAME=Web GIT_COMMITTER_NAME=Web git -C b "$@"; }

# diverge: both clones append to the conversation and to the notes, and
# edit the memory (b later); a commits and pushes first, b commits.
diverge() {
	conv a hello "from a" &&
	printf "line 1\nline 2\nfrom a\n" >a/$N &&
	memories a "Name is Alex A" "2026-12-02T10:00:00+00:00" &&
	A add -A && test_tick && A commit -q -m "a: edits" && A push -q origin main &&
	conv b hello "from b" &&
	printf "line 1\nline 2\nfrom b\n" >b/$N &&
	memories b "Name is Alex B" "2026-12-03T10:00:00+00:00" &&
	B add -A && test_tick && B commit -q -m "b: edits"
}

# the copy of $N in DIR ("" when none)
copy_of() {
	(cd "$1" && ls shared/notes.sync-conflict-*.txt 2>/dev/null)
}

# converged: a and b and the remote hold the same commit; both versions of
# the notes are on disk in both clones; the messages in order; the memory
# merged (the later edit); nothing left uncommitted.
converged() {
	test "$(A rev-parse HEAD)" = "$(git -C remote.git rev-parse main)" &&
	test "$(B rev-parse HEAD)" = "$(git -C remote.git rev-parse main)" &&
	for d in a b; do
		grep -q "from a" $d/$N $d/$(copy_of $d) &&
		grep -q "from b" $d/$N $d/$(copy_of $d) &&
		test "$(git -C $d status --porcelain)" = "" &&
		json_get $d/$C "[m['content'] for m in d['messages']]" >msgs.$d &&
		json_get $d/$M "[m['memory'] for m in d['results']]" >mems.$d || return 1
	done &&
	grep -q "'hello', 'from [ab]', 'from [ab]'" msgs.a && test_cmp msgs.a msgs.b &&
	test "$(cat mems.a)" = "['Name is Alex B', 'second']" && test_cmp mems.a mems.b
}

# queued_both DIR: `sovsync conflicts --json` in DIR lists the notes with
# both versions' decoded contents (ours from b, theirs from a) and authors.
queued_both() {
	(cd "$1" && sovsync conflicts --json) >"q.$1.json" &&
	test "$(json_get "q.$1.json" "[e[\"path\"] for e in d]")" = "[$SQ$N$SQ]" &&
	test "$(json_get "q.$1.json" "d[0][\"versions\"][\"ours\"][\"content\"]")" = "$(printf "line 1\nline 2\nfrom b")" &&
	test "$(json_get "q.$1.json" "d[0][\"versions\"][\"theirs\"][\"content\"]")" = "$(printf "line 1\nline 2\nfrom a")" &&
	json_get "q.$1.json" "d[0][\"versions\"][\"theirs\"][\"author\"]" | grep -q "^Alice <" &&
	json_get "q.$1.json" "d[0][\"versions\"][\"ours\"][\"author\"]" | grep -q "^Web <"
}

test_expect_success 'install: the catch-all line comes first, the specific ones after it' '
	test_repo r0 && sovsync install --repo r0 >/dev/null &&
	test "$(head -n 1 r0/.gitattributes)" = "shared/** merge=sovsync-keep" &&
	git -C r0 check-attr merge -- shared/notes.txt shared/state.json >attrs &&
	grep "notes.txt: merge: sovsync-keep" attrs &&
	grep "state.json: merge: sovsync-state" attrs &&
	sovsync install --repo r0 >/dev/null &&
	test "$(grep -c "merge=sovsync-keep" r0/.gitattributes)" = 1 &&
	sovsync uninstall --repo r0 >/dev/null &&
	! test -e r0/.gitattributes
'

test_expect_success 'plain git pull in each clone: exit 0, both notes kept, all merged and pushed' '
	setup pull &&
	diverge &&
	B pull -q --no-rebase 2>err.b &&
	grep "shared/notes.txt: conflict: both versions kept" err.b &&
	! grep "unstaged edit" err.b &&
	B push -q origin main &&
	A pull -q --no-rebase &&
	converged &&
	test "$(cat b/$N)" = "$(printf "line 1\nline 2\nfrom b")" &&
	test "$(cat b/$(copy_of b))" = "$(printf "line 1\nline 2\nfrom a")" &&
	copy_of b | grep "^shared/notes.sync-conflict-[0-9]\{8\}-[0-9]\{6\}-Alice.txt$" &&
	git -C remote.git cat-file -e "main:$(copy_of b)"
'

test_expect_success 'the conflict is queued with both contents, authors and the choice' '
	cd pull &&
	(cd b && sovsync conflicts --json) >q.json &&
	test "$(json_get q.json "d[0][\"kind\"]")" = copy &&
	test "$(json_get q.json "d[0][\"choice\"]")" = both &&
	test "$(json_get q.json "d[0][\"copy\"]")" = "$(copy_of b)" &&
	test "$(json_get q.json "d[0][\"versions\"][\"ours\"][\"content\"]")" = "$(printf "line 1\nline 2\nfrom b")" &&
	test "$(json_get q.json "d[0][\"versions\"][\"theirs\"][\"content\"]")" = "$(printf "line 1\nline 2\nfrom a")" &&
	json_get q.json "d[0][\"versions\"][\"theirs\"][\"author\"]" | grep "^Alice <" &&
	json_get q.json "d[0][\"versions\"][\"ours\"][\"author\"]" | grep "^Web <" &&
	(cd b && sovsync conflicts) >table &&
	grep "shared/notes.txt  *copy" table &&
	B show HEAD:shared/state.json >state &&
	test "$(json_get state "d[\"pending_conflicts\"][0][\"versions\"][\"theirs\"][\"content\"]")" = "$(printf "line 1\nline 2\nfrom a")"
'

test_expect_success 'conflicts --verbose shows the card: choice, copy, both sides' '
	cd pull &&
	(cd b && sovsync conflicts --verbose) >card &&
	grep "^shared/notes.txt  copy" card &&
	grep "^  choice: both (ours at the path, theirs in shared/notes.sync-conflict-" card &&
	grep "^  ours:   Web <.*, 21 bytes$" card &&
	grep "^  theirs: Alice <.*, 21 bytes$" card &&
	grep "^    | from a$" card && grep "^    | from b$" card
'

test_expect_success 'resolve --both keeps the copy, leaves the queue' '
	cd pull &&
	copy=$(copy_of b) &&
	(cd b/shared && sovsync resolve --both notes.txt) >out &&
	grep "keeping both: theirs is .$copy." out &&
	test -f b/$copy && grep "from b" b/$N &&
	(cd b && sovsync conflicts) | grep "No pending conflicts" &&
	test "$(B status --porcelain)" = ""
'

test_expect_success 'git pull --rebase: both kept, the copy committed' '
	setup rebase &&
	diverge &&
	B pull -q --rebase 2>err.b &&
	grep "shared/notes.txt: conflict: both versions kept" err.b &&
	test "$(B status --porcelain)" = "" &&
	copy=$(copy_of b) &&
	B cat-file -e "HEAD:$copy" &&
	test "$(B rev-list --merges --count HEAD)" = 0 &&
	(cd b && sovsync verify) &&
	grep "from a" b/$N && grep "from b" b/$copy
'

test_expect_success 'sovsync sync in each clone: the same end' '
	setup sync &&
	diverge &&
	(cd a && GIT_AUTHOR_NAME=Alice sovsync sync -q) &&
	(cd b && GIT_AUTHOR_NAME=Web sovsync sync -q 2>../err.b) &&
	(cd a && GIT_AUTHOR_NAME=Alice sovsync sync -q) &&
	converged && git -C remote.git cat-file -e "main:$(copy_of b)" &&
	test "$(json_get b/.git/sovsync/conflicts.json "d[\"conflicts\"][0][\"kind\"]")" = copy &&
	queued_both b
'

test_expect_success 'sovsync sync with the edits not yet committed in either clone: the same end' '
	setup sync-uncommitted &&
	conv a hello "from a" &&
	printf "line 1\nline 2\nfrom a\n" >a/$N &&
	memories a "Name is Alex A" "2026-12-02T10:00:00+00:00" &&
	conv b hello "from b" &&
	printf "line 1\nline 2\nfrom b\n" >b/$N &&
	memories b "Name is Alex B" "2026-12-03T10:00:00+00:00" &&
	(cd a && GIT_AUTHOR_NAME=Alice sovsync sync -q) &&
	(cd b && GIT_AUTHOR_NAME=Web sovsync sync -q) &&
	(cd a && GIT_AUTHOR_NAME=Alice sovsync sync -q) &&
	converged && git -C remote.git cat-file -e "main:$(copy_of b)" &&
	queued_both b
'

test_expect_success 'binary and unknown JSON under the root: both kept' '
	setup bin &&
	printf "\000\001old" >a/shared/blob.bin &&
	echo "{\"k\": 1}" >a/shared/other.json &&
	A add -A && A commit -q -m bin && A push -q origin main &&
	B pull -q --no-rebase &&
	printf "\000\001from a" >a/shared/blob.bin && echo "{\"k\": 2}" >a/shared/other.json &&
	A commit -q -am "a: bin" && A push -q origin main &&
	printf "\000\001from b" >b/shared/blob.bin && echo "{\"k\": 3}" >b/shared/other.json &&
	B commit -q -am "b: bin" &&
	B pull -q --no-rebase 2>err &&
	printf "\000\001from b" >want.b && cmp want.b b/shared/blob.bin &&
	printf "\000\001from a" >want.a && cmp want.a b/shared/blob.sync-conflict-*-Alice.bin &&
	grep "\"k\": 2" b/shared/other.sync-conflict-*-Alice.json &&
	grep "\"k\": 3" b/shared/other.json &&
	test "$(B status --porcelain)" = "" &&
	(cd b && sovsync conflicts --json) >q.json &&
	test "$(json_get q.json "[e[\"versions\"][\"ours\"][\"binary\"] for e in d]")" = "[True, False]"
'

test_expect_success 'resolve --theirs and the edited file drop the copy' '
	cd bin &&
	(cd b && sovsync resolve --theirs shared/other.json) &&
	grep "\"k\": 2" b/shared/other.json &&
	! ls b/shared/other.sync-conflict-* 2>/dev/null &&
	B status --porcelain >st &&
	grep "^M  shared/other.json" st && grep "^D  shared/other.sync-conflict-.*-Alice.json" st &&
	(cd b && sovsync resolve shared/blob.bin) &&
	! ls b/shared/blob.sync-conflict-* 2>/dev/null &&
	printf "\000\001from b" >want.b && cmp want.b b/shared/blob.bin &&
	B commit -q -m resolved && B push -q origin main
'

test_expect_success 'hostile queue: a copy that is a symbolic link, a copy path out of the tree' '
	cd bin &&
	A pull -q --no-rebase &&
	echo "a two" >a/shared/two.txt && A add -A && A commit -q -m "a: two" && A push -q origin main &&
	B pull -q --no-rebase &&
	echo "a edit" >>a/shared/two.txt && A commit -q -am "a: two edit" && A push -q origin main &&
	echo "b edit" >>b/shared/two.txt && B commit -q -am "b: two edit" &&
	B pull -q --no-rebase &&
	copy=$(cd b && ls shared/two.sync-conflict-*.txt) &&
	echo secret >secret &&
	B rm -q --cached "$copy" && rm "b/$copy" && ln -s "$TRASH/bin/secret" "b/$copy" &&
	(cd b && test_must_fail sovsync resolve --both shared/two.txt 2>../err) &&
	grep "link" err && test "$(cat secret)" = secret &&
	cp b/.git/sovsync/conflicts.json q.saved &&
	sed "s|\"copy\": \"shared/|\"copy\": \"../|" q.saved >b/.git/sovsync/conflicts.json &&
	(cd b && test_must_fail sovsync resolve --both shared/two.txt 2>../err) &&
	grep "\.\." err &&
	(cd b && test_must_fail sovsync resolve --ours shared/two.txt 2>../err) &&
	cp q.saved b/.git/sovsync/conflicts.json &&
	(cd b && sovsync resolve --ours shared/two.txt) &&
	! test -e "b/$copy" && ! test -L "b/$copy" && test "$(cat secret)" = secret &&
	B commit -q -m "resolved two" && B push -q origin main
'

test_expect_success 'policy newest (sovsync-conflict=newest): the later version kept whole' '
	cd bin &&
	B reset -q --hard origin/main && A pull -q --no-rebase &&
	echo "{\"theme\": \"base\"}" >a/shared/settings.json &&
	echo "shared/settings.json sovsync-conflict=newest" >>a/.gitattributes &&
	A add -A && A commit -q -m "a: settings" && A push -q origin main &&
	B pull -q --no-rebase &&
	echo "{\"theme\": \"b\"}" >b/shared/settings.json && test_tick && B commit -q -am "b: theme" &&
	echo "{\"theme\": \"a\"}" >a/shared/settings.json && test_tick && A commit -q -am "a: theme" &&
	A push -q origin main &&
	B pull -q --no-rebase 2>err &&
	grep "settings.json: conflict: kept theirs, the newer" err &&
	grep "\"a\"" b/shared/settings.json &&
	! ls b/shared/settings.sync-conflict-* 2>/dev/null &&
	(cd b && sovsync conflicts --json) >q.json &&
	test "$(json_get q.json "[(e[\"kind\"], e[\"choice\"]) for e in d if e[\"path\"] == \"shared/settings.json\"]")" = "[(${SQ}newest${SQ}, ${SQ}theirs${SQ})]" &&
	(cd b && sovsync resolve --both shared/settings.json) &&
	grep "\"b\"" b/shared/settings.sync-conflict-*-Web.json
'

test_expect_success 'add/add under the root: both kept' '
	cd bin &&
	A pull -q --no-rebase && B pull -q --no-rebase &&
	echo "a version" >a/shared/new.txt && A add -A && A commit -q -m "a: new" &&
	A push -q origin main &&
	echo "b version" >b/shared/new.txt && B add -A && B commit -q -m "b: new" &&
	B pull -q --no-rebase &&
	test "$(cat b/shared/new.txt)" = "b version" &&
	test "$(cat b/shared/new.sync-conflict-*-Alice.txt)" = "a version"
'

test_expect_success 'outside the root: Git stops on the conflict as before' '
	cd bin &&
	B push -q origin main && A pull -q --no-rebase &&
	echo "a" >a/OUTSIDE && A commit -q -am "a: outside" && A push -q origin main &&
	echo "b" >b/OUTSIDE && B commit -q -am "b: outside" &&
	test_must_fail B pull -q --no-rebase &&
	B ls-files -u -- OUTSIDE | grep -q " 3	OUTSIDE" &&
	B merge --abort
'

test_expect_success 'modify/delete under the root: sovsync sync keeps the edit, queues it' '
	setup md &&
	A rm -q $N && A commit -q -m "a: rm notes" && A push -q origin main &&
	echo "edit" >>b/$N && B commit -q -am "b: edit notes" &&
	(cd b && sovsync sync -q) &&
	grep "edit" b/$N &&
	test "$(json_get b/.git/sovsync/conflicts.json "d[\"conflicts\"][0][\"kind\"]")" = modify/delete &&
	json_get b/.git/sovsync/conflicts.json "d[\"conflicts\"][0][\"versions\"][\"ours\"][\"content\"]" | grep "^edit$" &&
	test "$(json_get b/.git/sovsync/conflicts.json "d[\"conflicts\"][0][\"versions\"][\"theirs\"]")" = None &&
	git -C remote.git cat-file -e main:$N
'

test_expect_success 'rename on one side, edit on the other: the copy follows the new name' '
	setup ren &&
	A mv $N shared/notes2.txt &&
	printf "line 1\nline 2\nfrom a\n" >a/shared/notes2.txt &&
	A add -A && A commit -q -m "a: rename, edit" && A push -q origin main &&
	printf "line 1\nline 2\nfrom b\n" >b/$N && B commit -q -am "b: edit" &&
	B pull -q --no-rebase 2>err &&
	! test -e b/$N &&
	grep "from b" b/shared/notes2.txt &&
	grep "from a" b/shared/notes2.sync-conflict-*-Alice.txt &&
	test "$(B status --porcelain)" = ""
'

test_expect_success 'rename/rename under the root: Git stops (plain pull), sync aborts and flags; nothing lost' '
	setup rr &&
	A mv $N shared/by-a.txt && A commit -q -m "a: rename" && A push -q origin main &&
	B mv $N shared/by-b.txt && B commit -q -m "b: rename" &&
	head=$(B rev-parse HEAD) &&
	test_must_fail B pull -q --no-rebase &&
	B ls-files -u >unmerged && test -s unmerged &&
	B merge --abort &&
	test "$(B rev-parse HEAD)" = "$head" &&
	(cd b && test_expect_code 3 sovsync sync -q) &&
	test "$(B rev-parse HEAD)" = "$head" &&
	test -e b/.git/sovsync/sync-conflict.json &&
	grep "line 2" b/shared/by-b.txt
'

test_expect_success 'a large binary conflict: both kept byte for byte, the queue stays small' '
	setup big &&
	test_random_file a/shared/big.bin 9000000 1 &&
	A add -A && A commit -q -m "a: big" && A push -q origin main &&
	B pull -q --no-rebase &&
	test_random_file a/shared/big.bin 9000000 2 && cp a/shared/big.bin big.a &&
	A commit -q -am "a: big 2" && A push -q origin main &&
	test_random_file b/shared/big.bin 9000001 3 && cp b/shared/big.bin big.b &&
	B commit -q -am "b: big 3" &&
	B pull -q --no-rebase &&
	cmp big.b b/shared/big.bin && cmp big.a b/shared/big.sync-conflict-*-Alice.bin &&
	test "$(wc -c <b/.git/sovsync/conflicts.json)" -lt 60000 &&
	(cd b && sovsync conflicts --json) >q.json &&
	test "$(json_get q.json "[(e[\"versions\"][\"theirs\"][\"size\"], e[\"versions\"][\"theirs\"][\"content\"]) for e in d if e[\"path\"] == \"shared/big.bin\"]")" = "[(9000000, None)]" &&
	test "$(B status --porcelain)" = ""
'

test_expect_success 'a document conflict (stored encoded) is queued with decoded contents' '
	setup doc &&
	git -C a config sovsync.filter.minSize 0 &&
	git -C b config sovsync.filter.minSize 0 &&
	D=shared/documents/ingested/d.md &&
	mkdir -p a/shared/documents/ingested &&
	printf "one\ntwo\n" >a/$D && A add -A && A commit -q -m doc && A push -q origin main &&
	B pull -q --no-rebase &&
	printf "one\ntwo by a\n" >a/$D && A commit -q -am "a: doc" && A push -q origin main &&
	printf "one\ntwo by b\n" >b/$D && B commit -q -am "b: doc" &&
	B cat-file -p HEAD:$D | head -c 8 | grep -q SOVSYNC &&
	B pull -q --no-rebase &&
	(cd b && sovsync conflicts --json) >q.json &&
	test "$(json_get q.json "d[0][\"kind\"]")" = text &&
	test "$(json_get q.json "d[0][\"versions\"][\"theirs\"][\"content\"]")" = "$(printf "one\ntwo by a")" &&
	test "$(json_get q.json "d[0][\"versions\"][\"ours\"][\"content\"]")" = "$(printf "one\ntwo by b")" &&
	json_get q.json "d[0][\"versions\"][\"theirs\"][\"author\"]" | grep "^Alice <"
'

test_done
