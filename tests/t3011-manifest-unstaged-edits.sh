#!/bin/sh
# An edit of a file the hooks write (shared/state.json, sync_manifest.json,
# index.meta) that is in the working tree but not staged is the user's: no
# hook overwrites it or commits it, under any kind of commit.  The commit
# gets the manifest refreshed from what is staged; the working copy keeps
# the edit, with only the members the manifest changed brought up to date,
# so `git diff` shows just the edit.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

conv() {
	printf '{"id": "%s", "title": "%s"}\n' "$2" "$3" >"$1/shared/conversations/$2.json"
}

# note DIR TEXT: add a member of the user's own to the working copy of state.json.
note() {
	perl -0pi -e 's/^\{/{\n  "note": "'"$2"'",/' "$1/shared/state.json"
}

# only_note_differs DIR TEXT: the unstaged diff of state.json is the note alone.
only_note_differs() {
	git -C "$1" diff -U0 shared/state.json | grep "^[-+] " >diff.out &&
	echo "+  \"note\": \"$2\"," >diff.expect &&
	test_cmp diff.expect diff.out
}

# fresh_but DIR: HEAD's manifest is true; the only change left is state.json's.
fresh_but() {
	(cd "$1" && sovsync verify) &&
	git -C "$1" status --porcelain >st.out &&
	echo " M shared/state.json" >st.expect &&
	test_cmp st.expect st.out
}

test_expect_success 'plain commit: an unstaged edit of state.json is kept, not committed' '
	sov_setup r &&
	note r "mine" &&
	conv r a "first" && git -C r add shared/conversations && test_tick &&
	git -C r commit -q -m a 2>err &&
	grep "sovsync: shared/state.json: your unstaged edit is kept" err &&
	fresh_but r &&
	! git -C r show HEAD:shared/state.json | grep "\"note\"" &&
	grep "\"note\": \"mine\"" r/shared/state.json &&
	only_note_differs r mine
'

test_expect_success 'commit -- paths: the edit stays, the real index gets HEAD'"'"'s manifest' '
	conv r a "changed" && test_tick &&
	git -C r commit -q -m a2 -- shared/conversations/a.json 2>err &&
	fresh_but r &&
	test "$(git -C r rev-parse :shared/state.json)" = \
		"$(git -C r rev-parse HEAD:shared/state.json)" &&
	only_note_differs r mine
'

test_expect_success 'commit --no-verify: the follow-up commit neither takes nor loses the edit' '
	conv r c "third" && git -C r add shared/conversations && test_tick &&
	git -C r commit -q --no-verify -m c 2>err &&
	test "$(git -C r log -1 --format=%s)" = "sovsync: refresh manifest" &&
	fresh_but r &&
	! git -C r show HEAD:shared/state.json | grep "\"note\"" &&
	only_note_differs r mine
'

test_expect_success 'an edit that is not JSON (half written) is kept byte for byte' '
	git -C r checkout -- shared/state.json &&
	printf "{\"version\": 1, \"files\": {" >r/shared/state.json &&
	cp r/shared/state.json half &&
	conv r d "fourth" && git -C r add shared/conversations && test_tick &&
	git -C r commit -q -m d &&
	fresh_but r &&
	cmp half r/shared/state.json &&
	test "$(sov_entry r conversations/d.json size)" != absent
'

test_expect_success 'a deletion of state.json that is not staged stays a deletion' '
	rm r/shared/state.json &&
	conv r e "fifth" && git -C r add shared/conversations && test_tick &&
	git -C r commit -q -m e &&
	(cd r && sovsync verify) &&
	test ! -e r/shared/state.json &&
	test "$(git -C r status --porcelain)" = " D shared/state.json" &&
	git -C r checkout -- shared/state.json
'

test_expect_success 'state.json replaced by a symlink: not written through' '
	echo "{}" >elsewhere.json &&
	rm r/shared/state.json && ln -s "$TRASH/elsewhere.json" r/shared/state.json &&
	conv r f "sixth" && git -C r add shared/conversations && test_tick &&
	git -C r commit -q -m f &&
	(cd r && sovsync verify) &&
	test -h r/shared/state.json &&
	test "$(cat elsewhere.json)" = "{}" &&
	rm r/shared/state.json && git -C r checkout -- shared/state.json &&
	sov_fresh r
'

test_expect_success 'an unstaged edit of index.meta keeps its own member; count and hash follow' '
	mkdir -p r/shared/memories/alex &&
	printf "{\"results\": [{\"id\": \"1\", \"memory\": \"Name is Alex\"}]}\n" \
		>r/shared/memories/alex/memories.json &&
	git -C r add shared && test_tick && git -C r commit -q -m alex &&
	sov_fresh r &&
	perl -0pi -e "s/^\\{/{\\n  \"label\": \"mine\",/" r/shared/memories/alex/index.meta &&
	printf "{\"results\": [{\"id\": \"1\", \"memory\": \"Name is Alex\"}, {\"id\": \"2\", \"memory\": \"Tea\"}]}\n" \
		>r/shared/memories/alex/memories.json &&
	git -C r add shared/memories/alex/memories.json && test_tick &&
	git -C r commit -q -m tea &&
	(cd r && sovsync verify) &&
	git -C r show HEAD:shared/memories/alex/index.meta >meta &&
	grep "\"count\": 2" meta && ! grep label meta &&
	grep "\"label\": \"mine\"" r/shared/memories/alex/index.meta &&
	grep "\"count\": 2" r/shared/memories/alex/index.meta &&
	test "$(git -C r status --porcelain)" = " M shared/memories/alex/index.meta"
'

test_expect_success 'merge: pre-merge-commit and the post-merge follow-up keep the edit' '
	git -C r checkout -q -- shared &&
	git -C r checkout -q -b outside &&
	echo notes >r/NOTES && git -C r add NOTES && test_tick && git -C r commit -q -m notes &&
	git -C r checkout -q main &&
	note r "during the merge" &&
	# A conflict queued during the merge changes pending_conflicts.
	cat >r/.git/sovsync/conflicts.json <<-JSON &&
	{"version": 1, "conflicts": [{"path": "shared/documents/ingested/b.md", "kind": "binary",
	  "base": null, "ours": "1111111111111111111111111111111111111111",
	  "theirs": "2222222222222222222222222222222222222222", "ours_commit": null,
	  "theirs_commit": null, "detected_at": "2026-02-08T17:30:00Z", "source": "local"}]}
	JSON
	test_tick && git -C r merge -q --no-ff -m "merge outside" outside 2>err &&
	fresh_but r &&
	git -C r show HEAD:shared/state.json >state &&
	grep "\"path\": \"documents/ingested/b.md\"" state &&
	! grep "\"note\"" state &&
	only_note_differs r "during the merge"
'

test_done
