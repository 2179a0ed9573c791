#!/bin/sh
# The manifest stays true to every kind of commit: plain, -a, -- paths,
# --amend, --no-verify, merge, rebase, cherry-pick; the tree stays clean.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

conv() {
	printf '{"id": "%s", "title": "%s"}\n' "$2" "$3" >"$1/shared/conversations/$2.json"
}

test_expect_success 'install and commit the layout: manifest true, tree clean' '
	sov_setup r &&
	sov_fresh r &&
	test "$(sov_count_followups r)" = 0 &&
	test "$(sov_entry r memories/default/memories.json size)" = 20
'

test_expect_success 'plain commit of a new file' '
	conv r a "first" && git -C r add shared && test_tick &&
	git -C r commit -q -m a &&
	sov_fresh r &&
	sha=$(sha256sum r/shared/conversations/a.json | cut -d" " -f1) &&
	test "$(sov_entry r conversations/a.json hash)" = "sha256:$sha" &&
	test "$(sov_entry r conversations/a.json size)" = "$(wc -c <r/shared/conversations/a.json)" &&
	test "$(sov_entry r conversations/a.json source)" = local
'

test_expect_success 'last_modified is the commit date of the last change' '
	t_a=$(sov_entry r conversations/a.json last_modified) &&
	test "$t_a" = "$(git -C r log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)" &&
	conv r b "second" && git -C r add shared &&
	GIT_COMMITTER_DATE="@1700009999 +0000" git -C r commit -q -m b &&
	sov_fresh r &&
	test "$(sov_entry r conversations/a.json last_modified)" = "$t_a" &&
	test "$(sov_entry r conversations/b.json last_modified)" = 2023-11-15T00:59:59Z
'

test_expect_success 'commit -a' '
	conv r a "changed" && test_tick &&
	git -C r commit -q -a -m a2 &&
	sov_fresh r
'

test_expect_success 'commit -- paths leaves the real index in step' '
	conv r a "only" && conv r b "only too" && test_tick &&
	git -C r commit -q -m only -- shared/conversations/a.json &&
	(cd r && sovsync verify) &&
	git -C r status --porcelain >st &&
	echo " M shared/conversations/b.json" >expect &&
	test_cmp expect st &&
	git -C r commit -q -a -m b2 && sov_fresh r
'

test_expect_success 'commit --amend' '
	conv r c "amended in" && git -C r add shared && test_tick &&
	git -C r commit -q --amend -m "b2 and c" &&
	sov_fresh r &&
	test "$(sov_entry r conversations/c.json size)" != absent
'

test_expect_success 'deleting a file drops its entry' '
	git -C r rm -q shared/conversations/c.json && test_tick &&
	git -C r commit -q -m "rm c" &&
	sov_fresh r &&
	test "$(sov_entry r conversations/c.json size)" = absent
'

test_expect_success 'memories: index.meta and sync_manifest.json follow' '
	mkdir -p r/shared/memories/alex &&
	printf "{\"results\": [{\"id\": \"1\", \"memory\": \"Name is Alex\"}, {\"id\": \"2\", \"memory\": \"Likes tea\"}]}\n" \
		>r/shared/memories/alex/memories.json &&
	git -C r add shared && test_tick &&
	git -C r commit -q -m alex &&
	sov_fresh r &&
	sha=$(sha256sum r/shared/memories/alex/memories.json | cut -d" " -f1) &&
	grep "\"count\": 2" r/shared/memories/alex/index.meta &&
	grep "\"hash\": \"sha256:$sha\"" r/shared/memories/alex/index.meta &&
	grep "\"alex\"" r/shared/memories/sync_manifest.json &&
	test "$(sov_entry r memories/alex/index.meta size)" = "$(wc -c <r/shared/memories/alex/index.meta)"
'

test_expect_success 'commit --no-verify is repaired by one follow-up commit' '
	conv r d "no hooks" && git -C r add shared && test_tick &&
	git -C r commit -q --no-verify -m nv 2>err &&
	sov_fresh r &&
	test "$(git -C r log -1 --format=%s)" = "sovsync: refresh manifest" &&
	test "$(git -C r log -1 --skip=1 --format=%s)" = nv &&
	test "$(sov_count_followups r)" = 1 &&
	grep "refreshed in follow-up commit" err &&
	test "$(sov_entry r conversations/d.json last_modified)" = \
		"$(git -C r log -1 --skip=1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)"
'

test_expect_success 'merge commit' '
	git -C r checkout -q -b side &&
	conv r s "side" && git -C r add shared && test_tick && git -C r commit -q -m s &&
	git -C r checkout -q main &&
	conv r m "main" && git -C r add shared && test_tick && git -C r commit -q -m m &&
	test_tick && git -C r merge -q --no-ff -m merge side 2>err &&
	sov_fresh r &&
	test "$(sov_entry r conversations/s.json size)" != absent &&
	test "$(sov_entry r conversations/m.json size)" != absent
'

test_expect_success 'rebase: replayed commits get one follow-up at the end' '
	n=$(sov_count_followups r) &&
	git -C r checkout -q -b feat HEAD~3 &&
	conv r f1 one && git -C r add shared && test_tick && git -C r commit -q -m f1 &&
	conv r f2 two && git -C r add shared && test_tick && git -C r commit -q -m f2 &&
	test_tick && git -C r rebase -q main 2>err &&
	sov_fresh r &&
	for f in f1 f2 s m; do test "$(sov_entry r conversations/$f.json size)" != absent; done &&
	test "$(sov_count_followups r)" -le $((n + 1))
'

test_expect_success 'cherry-pick' '
	git -C r checkout -q -b picked main~3 &&
	f2=$(git -C r log -1 --format=%H --grep="^f2\$" feat) &&
	test_tick && git -C r cherry-pick "$f2" >out 2>&1 &&
	sov_fresh r &&
	test "$(sov_entry r conversations/f2.json size)" != absent
'

test_expect_success 'verify reports a stale manifest and fails' '
	conv r x "sneaked in" &&
	git -C r add shared/conversations/x.json &&
	tree=$(git -C r write-tree) &&
	c=$(echo sneak | git -C r commit-tree $tree -p HEAD) &&
	test_expect_code 1 sh -c "cd r && sovsync verify $c >../out" &&
	grep "missing: conversations/x.json" out &&
	git -C r reset -q --hard
'

test_expect_success 'pending_conflicts come from the conflict queue' '
	git -C r checkout -q main &&
	cat >r/.git/sovsync/conflicts.json <<-JSON &&
	{"version": 1, "conflicts": [{"path": "shared/documents/ingested/a.md", "kind": "text",
	  "base": null, "ours": "1111111111111111111111111111111111111111",
	  "theirs": "2222222222222222222222222222222222222222", "ours_commit": null,
	  "theirs_commit": null, "detected_at": "2026-02-08T17:30:00Z", "source": "local"}]}
	JSON
	conv r q "queue" && git -C r add shared && test_tick && git -C r commit -q -m q &&
	sov_fresh r &&
	git -C r show HEAD:shared/state.json >state &&
	grep "\"path\": \"documents/ingested/a.md\"" state &&
	rm r/.git/sovsync/conflicts.json &&
	conv r q "queue emptied" && git -C r add shared && test_tick && git -C r commit -q -m q2 &&
	git -C r show HEAD:shared/state.json >state &&
	! grep "ingested/a.md" state
'

test_expect_success 'a merge brings the conflicts queued during it into the manifest' '
	git -C r checkout -q -b outside &&
	echo notes >r/NOTES && git -C r add NOTES && test_tick && git -C r commit -q -m notes &&
	git -C r checkout -q main &&
	cat >r/.git/sovsync/conflicts.json <<-JSON &&
	{"version": 1, "conflicts": [{"path": "shared/documents/ingested/b.md", "kind": "binary",
	  "base": null, "ours": "1111111111111111111111111111111111111111",
	  "theirs": "2222222222222222222222222222222222222222", "ours_commit": null,
	  "theirs_commit": null, "detected_at": "2026-02-08T17:30:00Z", "source": "local"}]}
	JSON
	test_tick && git -C r merge -q --no-ff -m "merge outside" outside 2>err &&
	sov_fresh r &&
	git -C r show HEAD:shared/state.json >state &&
	grep "\"path\": \"documents/ingested/b.md\"" state &&
	rm r/.git/sovsync/conflicts.json
'

test_expect_success 'a commit run like a GUI client: env -i, no tty' '
	conv r g "gui" && git -C r add shared &&
	(cd r && env -i PATH=/usr/bin:/bin GIT_CONFIG_NOSYSTEM=1 \
		git -c user.name=Gui -c user.email=gui@example.com commit -q -m gui \
		</dev/null >../gui.out 2>&1) &&
	sov_fresh r &&
	test "$(sov_entry r conversations/g.json size)" != absent &&
	test "$(git -C r log -1 --format=%s)" = gui &&
	! grep sovsync gui.out
'

test_expect_success 'a file stored by the filter is described by its real content' '
	test_repo rf &&
	sovsync install --repo rf >/dev/null &&
	git -C rf config sovsync.filter.minSize 100k &&
	git -C rf add -A && test_tick && git -C rf commit -q -m layout &&
	test_random_file rf/shared/documents/ingested/report.pdf 300000 5 &&
	git -C rf add shared && test_tick && git -C rf commit -q -m pdf &&
	git -C rf cat-file blob HEAD:shared/documents/ingested/report.pdf | head -c 8 |
		od -An -c | grep "S   O   V" &&
	sov_fresh rf &&
	sha=$(sha256sum rf/shared/documents/ingested/report.pdf | cut -d" " -f1) &&
	test "$(sov_entry rf documents/ingested/report.pdf hash)" = "sha256:$sha" &&
	test "$(sov_entry rf documents/ingested/report.pdf size)" = 300000
'

# The hooks' hot path (issue 18): pre-commit reads and restages the index file
# itself, post-commit does not start sovsync for a commit pre-commit prepared.
# Every form of the index must still end in the same commit and index.

# index_true DIR: the index holds HEAD's tree (its cache tree too) and the
# working tree is clean.
index_true() {
	sov_fresh "$1" &&
	test "$(git -C "$1" write-tree)" = "$(git -C "$1" rev-parse HEAD^{tree})" &&
	git -C "$1" ls-files -s | sed "s/ 0	/ /" >ix.out &&
	git -C "$1" ls-tree -r --full-tree HEAD | sed "s/ blob / /;s/	/ /" >tree.out &&
	test_cmp tree.out ix.out &&
	git -C "$1" diff-index --quiet --cached HEAD &&
	git -C "$1" diff-files --quiet
}

test_expect_success 'a commit runs sovsync once, and no git process reads the whole index' '
	sov_setup ri &&
	conv ri h1 "hot path" && git -C ri add shared && test_tick &&
	SOVSYNC_TRACE=$PWD/hot.trace GIT_TRACE=$PWD/git.trace git -C ri commit -q -m h1 &&
	test "$(grep -c "hook pre-commit" hot.trace)" = 1 &&
	! grep "hook post-commit" hot.trace &&
	! grep -e "built-in: git update-index" -e "built-in: git ls-files" git.trace &&
	grep "built-in: git rev-parse .HEAD~1. HEAD:shared$" git.trace &&
	index_true ri &&
	test "$(sov_count_followups ri)" = 0 &&
	test "$(sov_entry ri conversations/h1.json size)" != absent
'

test_expect_success 'the next commit trusts the one post-commit recognised' '
	conv ri h2 "next" && git -C ri add shared && test_tick &&
	SOVSYNC_TRACE=$PWD/next.trace git -C ri commit -q -m h2 &&
	grep "holds the manifest pre-commit staged" next.trace &&
	index_true ri && test "$(sov_count_followups ri)" = 0
'

test_expect_success 'commit -a, commit -- paths and --amend restage the index they commit' '
	conv ri h1 "edited" && test_tick && git -C ri commit -q -a -m a &&
	index_true ri &&
	conv ri h1 "only this" && conv ri h2 "not this" && test_tick &&
	git -C ri commit -q -m only -- shared/conversations/h1.json &&
	(cd ri && sovsync verify) &&
	git -C ri status --porcelain >st &&
	echo " M shared/conversations/h2.json" >expect && test_cmp expect st &&
	git -C ri add shared && test_tick && git -C ri commit -q --amend -m amended &&
	index_true ri && test "$(sov_count_followups ri)" = 0
'

# index_form DIR NAME: commit a change under shared/ and one outside it.
index_form() {
	n=$(sov_count_followups "$1") &&
	conv "$1" "$2" "$2" && echo "$2" >"$1/outside-$2" &&
	git -C "$1" add -A && test_tick && git -C "$1" commit -q -m "$2" &&
	index_true "$1" && test "$(sov_count_followups "$1")" = "$n" &&
	test "$(sov_entry "$1" "conversations/$2.json" size)" != absent
}

test_expect_success 'index version 4 (prefix-compressed paths)' '
	git -C ri update-index --index-version 4 &&
	index_form ri v4a && index_form ri v4b &&
	test "$(od -An -tu1 -j7 -N1 ri/.git/index | tr -d " ")" = 4
'

test_expect_success 'a split index (left to git update-index)' '
	git -C ri update-index --index-version 2 &&
	git -C ri config core.splitIndex true && git -C ri update-index --split-index &&
	index_form ri split1 && index_form ri split2 &&
	ls ri/.git/sharedindex.* &&
	git -C ri config core.splitIndex false && git -C ri update-index --no-split-index
'

test_expect_success 'an untracked cache and the offset tables of threaded reading' '
	git -C ri config core.untrackedCache true && git -C ri update-index --untracked-cache &&
	git -C ri config index.recordEndOfIndexEntries true &&
	git -C ri config index.recordOffsetTable true &&
	index_form ri ext1 && index_form ri ext2 &&
	git -C ri config core.untrackedCache false && git -C ri update-index --no-untracked-cache &&
	git -C ri config --unset index.recordEndOfIndexEntries &&
	git -C ri config --unset index.recordOffsetTable &&
	index_form ri ext3
'

test_expect_success 'state.json assume-unchanged (left to Git: one follow-up, as before), or executable' '
	git -C ri update-index --assume-unchanged shared/state.json &&
	n=$(sov_count_followups ri) &&
	conv ri au1 au1 && git -C ri add shared && test_tick &&
	git -C ri commit -q -m au1 2>err &&
	(cd ri && sovsync verify) &&
	test "$(sov_count_followups ri)" -le $((n + 1)) &&
	git -C ri update-index --no-assume-unchanged shared/state.json &&
	git -C ri reset -q --hard &&
	chmod +x ri/shared/state.json && git -C ri add shared/state.json &&
	index_form ri x1 &&
	test "$(git -C ri ls-files -s shared/state.json | cut -c1-6)" = 100755 &&
	chmod -x ri/shared/state.json && git -C ri add shared/state.json &&
	index_form ri x2
'

test_expect_success 'state.json under an ident attribute: staged as the manifest wrote it' '
	mkdir -p ri/.git/info &&
	echo "shared/state.json ident" >>ri/.git/info/attributes &&
	index_form ri attr1 &&
	git -C ri cat-file blob HEAD:shared/state.json >blob &&
	test_cmp ri/shared/state.json blob &&
	rm ri/.git/info/attributes &&
	index_form ri attr2
'

test_expect_success 'a commit in a linked worktree (its own index, the shared record)' '
	git -C ri worktree add -q ../wt -b wt-branch &&
	n=$(sov_count_followups wt) &&
	conv wt w1 "from the worktree" && git -C wt add shared && test_tick &&
	SOVSYNC_TRACE=$PWD/wt.trace git -C wt commit -q -m w1 &&
	! grep "hook post-commit" wt.trace &&
	index_true wt && test "$(sov_count_followups wt)" = "$n" &&
	index_true ri
'

test_expect_success 'the record of an aborted commit does not cover a --no-verify one with more' '
	n=$(sov_count_followups ri) &&
	conv ri ab1 "aborted" && git -C ri add shared &&
	test_must_fail git -C ri commit -q -m "" 2>err &&
	grep -i "empty commit message" err &&
	conv ri ab2 "more" && git -C ri add shared && test_tick &&
	git -C ri commit -q --no-verify -m nv2 2>err &&
	grep "refreshed in follow-up commit" err &&
	test "$(sov_count_followups ri)" = $((n + 1)) &&
	index_true ri &&
	test "$(sov_entry ri conversations/ab2.json size)" != absent
'

test_expect_success 'a held index.lock: the commit fails as without sovsync' '
	conv ri lk "locked" && git -C ri add shared &&
	: >ri/.git/index.lock &&
	test_must_fail git -C ri commit -q -m lk 2>err &&
	grep "index.lock" err &&
	rm ri/.git/index.lock &&
	test_tick && git -C ri commit -q -m lk &&
	index_true ri
'

test_expect_success 'an edit right after the commit is seen (the index time is kept)' '
	conv ri rc "racy 1" && git -C ri add shared && git -C ri commit -q -m rc &&
	conv ri rc "racy 2" &&
	test_must_fail git -C ri diff --quiet &&
	git -C ri status --porcelain >st &&
	echo " M shared/conversations/rc.json" >expect && test_cmp expect st &&
	perl -0pi -e "s/\"version\": 1/\"version\": 9/" ri/shared/state.json &&
	git -C ri status --porcelain >st &&
	grep " M shared/state.json" st &&
	git -C ri checkout -q -- shared && index_true ri
'

test_expect_success 'a damaged index: Git says so, no manifest is staged from it' '
	cp ri/.git/index index.bak &&
	printf "DIRC\0\0\0\2\0\0\377\377" >ri/.git/index &&
	conv ri dm "damaged" &&
	test_must_fail git -C ri commit -q -a -m dm 2>err &&
	cp index.bak ri/.git/index &&
	git -C ri add shared && test_tick && git -C ri commit -q -m dm &&
	index_true ri
'

test_done
