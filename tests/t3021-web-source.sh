#!/bin/sh
# Web commits keep their identity.  The web app commits straight into the
# remote (plumbing, no filter, no hooks, no manifest).  After the PC pulls
# and pushes, a small document it wrote is still the same plain blob on
# the remote, and its manifest entry says `web` (or the commit's
# Sovsync-Source trailer), with the web commit's time, not the PC's.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

DOCS=shared/documents/ingested

# web_commit PATH FILE MESSAGE: commit FILE's bytes as PATH on the remote's
# main, the way an API commit does (no filter, no hooks, state.json untouched).
web_commit() {
	blob=$(git --git-dir=remote.git hash-object -w --stdin <"$2") &&
	GIT_INDEX_FILE="$TRASH/web.index" git --git-dir=remote.git read-tree main &&
	GIT_INDEX_FILE="$TRASH/web.index" git --git-dir=remote.git update-index --add \
		--cacheinfo "100644,$blob,$1" &&
	tree=$(GIT_INDEX_FILE="$TRASH/web.index" git --git-dir=remote.git write-tree) &&
	commit=$(printf "%s\n" "$3" | GIT_AUTHOR_NAME=web GIT_COMMITTER_NAME=web \
		git --git-dir=remote.git commit-tree "$tree" -p main) &&
	git --git-dir=remote.git update-ref refs/heads/main "$commit" &&
	rm -f "$TRASH/web.index"
}

remote_blob() {
	git --git-dir=remote.git rev-parse "main:$1"
}

# doc_20k FILE SEED: a 20 kB markdown document.
doc_20k() {
	awk -v s="$2" 'BEGIN { print "# Report " s; for (i = 0; i < 480; i++)
		printf "Line %d of the report %s, some words to read.\n", i, s }' >"$1" &&
	test "$(wc -c <"$1")" -gt 19000
}

test_expect_success 'setup: a PC with sovsync and a bare remote' '
	git init -q --bare remote.git &&
	git clone -q remote.git pc 2>/dev/null &&
	git -C pc commit -q --allow-empty -m initial &&
	sovsync install --repo pc >/dev/null &&
	sov_driver_fallbacks pc &&
	git -C pc add -A && test_tick && git -C pc commit -q -m layout &&
	git -C pc push -q origin HEAD:main
'

test_expect_success 'a 20 kB web document: same plain blob on the remote after pull and push; source web' '
	doc_20k web.md 1 &&
	test_tick && web_commit $DOCS/web.md web.md "web: upload web.md" &&
	web_time=$test_tick_time &&
	blob=$(remote_blob $DOCS/web.md) &&
	test_tick && git -C pc pull -q --ff-only 2>err &&
	git -C pc push -q origin HEAD:main &&
	test "$(remote_blob $DOCS/web.md)" = "$blob" &&
	git --git-dir=remote.git cat-file blob "$blob" >got && cmp web.md got &&
	test "$(sov_entry pc documents/ingested/web.md source)" = web &&
	test "$(sov_entry pc documents/ingested/web.md last_modified)" = \
	     "$(date -u -d "@$web_time" +%Y-%m-%dT%H:%M:%SZ)" &&
	git --git-dir=remote.git show main:shared/state.json >state &&
	grep "\"source\": \"web\"" state &&
	sov_fresh pc
'

test_expect_success 'through sovsync sync with a local commit (a merge): the same' '
	doc_20k web2.md 2 &&
	test_tick && web_commit $DOCS/web2.md web2.md "web: upload web2.md" &&
	blob=$(remote_blob $DOCS/web2.md) &&
	echo "local note" >pc/shared/documents/local.md &&
	test_tick && (cd pc && sovsync sync --quiet) &&
	test "$(remote_blob $DOCS/web2.md)" = "$blob" &&
	test -n "$(git -C pc log --merges -1 --format=%H)" &&
	test "$(sov_entry pc documents/ingested/web2.md source)" = web &&
	test "$(sov_entry pc documents/local.md source)" = local &&
	test "$(sov_entry pc documents/ingested/web.md source)" = web &&
	sov_fresh pc
'

test_expect_success 'the commit'"'"'s Sovsync-Source trailer names the source' '
	doc_20k phone.md 3 &&
	test_tick && web_commit $DOCS/phone.md phone.md "$(printf "web: from the phone\n\nSovsync-Source: phone-app")" &&
	test_tick && git -C pc pull -q --no-rebase --no-edit 2>err &&
	test "$(sov_entry pc documents/ingested/phone.md source)" = phone-app &&
	sov_fresh pc
'

test_expect_success 'a web edit of a file the PC wrote: the new content is the web'"'"'s' '
	test "$(sov_entry pc documents/local.md source)" = local &&
	git -C pc push -q origin HEAD:main &&
	printf "local note\nedited on the web\n" >edited.md &&
	test_tick && web_commit shared/documents/local.md edited.md "web: edit local.md" &&
	test_tick && git -C pc pull -q --ff-only 2>err &&
	test "$(sov_entry pc documents/local.md source)" = web &&
	cmp edited.md pc/shared/documents/local.md
'

test_expect_success 'a pull that stops on a conflict, concluded by git commit: web too' '
	git -C pc push -q origin HEAD:main &&
	echo base >pc/notes.txt && git -C pc add notes.txt && test_tick &&
	git -C pc commit -q -m notes && git -C pc push -q origin HEAD:main &&
	echo "from the web" >web-notes.txt && doc_20k conflict.md 5 &&
	test_tick && web_commit notes.txt web-notes.txt "web: notes" &&
	test_tick && web_commit $DOCS/conflict.md conflict.md "web: another document" &&
	echo "from the pc" >pc/notes.txt && git -C pc commit -q -a -m "pc: notes" &&
	test_tick && test_must_fail git -C pc pull -q --no-rebase --no-edit 2>err &&
	echo resolved >pc/notes.txt && git -C pc add notes.txt &&
	test_tick && git -C pc commit -q --no-edit &&
	test "$(git -C pc log -1 --format=%s)" != "sovsync: refresh manifest" &&
	test "$(sov_entry pc documents/ingested/conflict.md source)" = web &&
	test "$(git -C pc rev-parse HEAD:$DOCS/conflict.md)" = "$(remote_blob $DOCS/conflict.md)" &&
	sov_fresh pc
'

test_expect_success 'a local commit made without the hooks stays local' '
	echo "no hooks" >pc/shared/documents/nohooks.md &&
	git -C pc add shared && test_tick && git -C pc commit -q --no-verify -m "no hooks" &&
	test "$(sov_entry pc documents/nohooks.md source)" = local &&
	sov_fresh pc
'

test_expect_success 'above minSize the follow-up stores it in frames, still source web' '
	git -C pc push -q origin HEAD:main &&
	awk "BEGIN { for (i = 0; i < 40000; i++) printf \"line %d of a long document\\n\", i }" >big.md &&
	test "$(wc -c <big.md)" -gt 1048576 &&
	test_tick && web_commit $DOCS/big.md big.md "web: a larger document" &&
	raw=$(remote_blob $DOCS/big.md) &&
	test_tick && git -C pc pull -q --ff-only 2>err &&
	test "$(git -C pc rev-parse HEAD:$DOCS/big.md)" != "$raw" &&
	git -C pc cat-file blob HEAD:$DOCS/big.md | head -c 8 | od -An -c | grep "S   O   V" &&
	test "$(git -C pc rev-parse HEAD:$DOCS/web.md)" = "$(remote_blob $DOCS/web.md)" &&
	test "$(sov_entry pc documents/ingested/big.md source)" = web &&
	cmp big.md pc/$DOCS/big.md &&
	sov_fresh pc
'

# The filter itself refuses the value, so Git must not need it: no racy
# index entry that would make Git clean a filtered file again.
test_expect_success 'an invalid minSize: the hooks warn and still keep the manifest' '
	sleep 1 && git -C pc update-index -q --refresh &&
	git -C pc config sovsync.filter.minSize -1 &&
	echo "not filtered" >pc/shared/plain.txt &&
	git -C pc add shared/plain.txt && test_tick && git -C pc commit -q -m plain 2>err &&
	grep "sovsync.filter.minSize" err &&
	git -C pc config --unset sovsync.filter.minSize &&
	test "$(sov_entry pc plain.txt source)" = local &&
	sov_fresh pc
'

test_done
