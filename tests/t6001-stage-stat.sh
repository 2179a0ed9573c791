#!/bin/sh
# The files a follow-up commit stores are staged as committed, whatever the
# stat info of their index entries says.  `git update-index <path>` re-reads
# a file through the clean filter only when its stat info changed or is
# racy; a document the web app stored unfiltered is checked out by the pull
# and never rewritten, only its stored form changes in the follow-up.  When
# the pull happened to write the index in a later second than the file
# (t6000 test 4 failed that way, 1 run in 8 where the issue was seen), the
# index kept the unfiltered blob: `git status` showed the document staged
# and modified (MM).
# Here that timing is made certain, two ways: the pull runs without hooks,
# the entry gets settled stat info from a second in the past, then the hook
# runs; or a real pull checks out, after the document, a file whose smudge
# filter takes over a second (as git-lfs fetching a large file would).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

# settle_stat DIR PATH: PATH's index entry keeps its blob and gets the stat
# info of the file, dated 10 s back, so that Git trusts it (not racy, not
# re-read through the filter).  The filter is switched off for the refresh
# only: the unfiltered blob matches the file byte for byte.
settle_stat() {
	touch -d "@$(($(date +%s) - 10))" "$1/$2" &&
	attrs=$(git -C "$1" rev-parse --git-path info/attributes) &&
	! test -e "$1/$attrs" &&
	mkdir -p "$(dirname "$1/$attrs")" &&
	printf "%s -filter\n" "$2" >"$1/$attrs" &&
	git -C "$1" update-index -q --refresh &&
	rm "$1/$attrs" &&
	test -z "$(git -C "$1" diff-files --name-only -- "$2")"
}

# new_case NAME: a remote NAME.git with the layout, a local clone NAME with
# sovsync and a web clone NAME-web without; each case has its own, so that
# none depends on what the one before left.  Every document is stored in
# frames (minSize 0): the re-storing of a small web document is the case.
new_case() {
	git clone -q --bare seed "$1.git" &&
	git clone -q "$1.git" "$1" &&
	git -C "$1" config sovsync.filter.minSize 0 &&
	sovsync install --repo "$1" >/dev/null &&
	sov_fresh "$1" &&
	git clone -q "$1.git" "$1-web"
}

# web_raw_doc NAME TEXT: NAME-web commits shared/documents/ingested/NAME.md
# unfiltered (no sovsync there, as with the web app) and pushes it.
web_raw_doc() {
	printf "%s\n" "$2" >"$1-web/shared/documents/ingested/$1.md" &&
	git -C "$1-web" add shared && test_tick &&
	git -C "$1-web" commit -q -m "web: $1.md" &&
	git -C "$1-web" push -q origin main
}

# staged_as_head DIR PATH: the index holds HEAD's blob of PATH.
staged_as_head() {
	test "$(git -C "$1" rev-parse ":$2")" = "$(git -C "$1" rev-parse "HEAD:$2")"
}

# A hooks directory with nothing in it: pulls that run no sovsync hook.
mkdir -p "$TRASH/no-hooks"

test_expect_success 'setup: the layout committed with sovsync' '
	sov_setup seed &&
	sov_fresh seed
'

test_expect_success 'fast-forward: the unfiltered document is staged in its stored form' '
	new_case ff &&
	web_raw_doc ff "written by the web app" &&
	doc=shared/documents/ingested/ff.md &&
	raw=$(git -C ff-web rev-parse HEAD:$doc) &&
	git -C ff -c core.hooksPath="$TRASH/no-hooks" pull -q --ff-only &&
	test "$(git -C ff rev-parse :$doc)" = "$raw" &&
	settle_stat ff $doc &&
	(cd ff && .git/hooks/post-merge 0) 2>err &&
	grep "refreshed in follow-up commit" err &&
	test "$(git -C ff rev-parse HEAD:$doc)" != "$raw" &&
	staged_as_head ff $doc &&
	git -C ff diff --cached --quiet &&
	test -z "$(git -C ff diff-files --name-only)" &&
	touch ff/$doc && sov_fresh ff
'

test_expect_success 'merge commit: the same, and the manifest files staged as committed' '
	new_case merge &&
	web_raw_doc merge "also from the web" &&
	doc=shared/documents/ingested/merge.md &&
	raw=$(git -C merge-web rev-parse HEAD:$doc) &&
	printf "{\"id\": \"l1\"}\n" >merge/shared/conversations/l1.json &&
	git -C merge add shared && test_tick && git -C merge commit -q -m "local: l1" &&
	test_tick &&
	git -C merge -c core.hooksPath="$TRASH/no-hooks" pull -q --no-rebase --no-edit &&
	git -C merge rev-parse -q --verify HEAD^2 &&
	settle_stat merge $doc &&
	(cd merge && .git/hooks/post-merge 0) 2>err &&
	grep "refreshed in follow-up commit" err &&
	test "$(git -C merge rev-parse HEAD:$doc)" != "$raw" &&
	staged_as_head merge $doc &&
	staged_as_head merge shared/state.json &&
	git -C merge diff --cached --quiet &&
	touch merge/$doc && sov_fresh merge
'

test_expect_success 'rebase: post-rewrite stages the stored form as well' '
	new_case rebase &&
	web_raw_doc rebase "third from the web" &&
	doc=shared/documents/ingested/rebase.md &&
	printf "{\"id\": \"l2\"}\n" >rebase/shared/conversations/l2.json &&
	git -C rebase add shared && test_tick && git -C rebase commit -q -m "local: l2" &&
	test_tick &&
	git -C rebase -c core.hooksPath="$TRASH/no-hooks" pull -q --rebase &&
	settle_stat rebase $doc &&
	(cd rebase && .git/hooks/post-rewrite rebase </dev/null) 2>err &&
	grep "refreshed in follow-up commit" err &&
	staged_as_head rebase $doc &&
	git -C rebase diff --cached --quiet &&
	touch rebase/$doc && sov_fresh rebase
'

test_expect_success 'a document edited before the follow-up stays an unstaged edit' '
	new_case edit &&
	web_raw_doc edit "fourth from the web" &&
	doc=shared/documents/ingested/edit.md &&
	git -C edit -c core.hooksPath="$TRASH/no-hooks" pull -q --ff-only &&
	settle_stat edit $doc &&
	# An editor saves between the checkout and the hook: the follow-up
	# stores the blob HEAD holds, and the edit is left for the next commit.
	printf "edited locally\n" >edit/$doc &&
	(cd edit && .git/hooks/post-merge 0) 2>err &&
	grep "refreshed in follow-up commit" err &&
	staged_as_head edit $doc &&
	git -C edit diff --cached --quiet &&
	git -C edit status --porcelain >st &&
	echo " M $doc" >expect &&
	test_cmp expect st
'

test_expect_success 'a real pull whose checkout outlasts a second (a slow smudge, as git-lfs)' '
	new_case lfs &&
	# A file checked out after the document takes over a second to smudge,
	# so the pull writes the index in a later second than the document.
	git -C lfs config filter.slow.smudge "sleep 1.1; cat" &&
	git -C lfs config filter.slow.clean cat &&
	echo "*.slow filter=slow" >"lfs/$(git -C lfs rev-parse --git-path info/attributes)" &&
	echo "large" >lfs-web/shared/zz.slow &&
	web_raw_doc lfs "sixth from the web" &&
	doc=shared/documents/ingested/lfs.md &&
	test_tick &&
	git -C lfs pull -q --ff-only 2>err &&
	test "$(git -C lfs log -1 --format=%s)" = "sovsync: refresh manifest" &&
	staged_as_head lfs $doc &&
	git -C lfs diff --cached --quiet &&
	touch lfs/$doc && sov_fresh lfs
'

test_expect_success 'killed between the two index writes: the index holds the stored form' '
	new_case kill &&
	web_raw_doc kill "fifth from the web" &&
	doc=shared/documents/ingested/kill.md &&
	git -C kill -c core.hooksPath="$TRASH/no-hooks" pull -q --ff-only &&
	settle_stat kill $doc &&
	# A git that dies of SIGKILL when asked to refresh stat info: the
	# follow-up is committed and its blobs staged, the stat info not.
	mkdir -p killgit &&
	printf "#!/bin/sh\nfor a; do [ \"\$a\" = --refresh ] && kill -9 \$\$; done\nexec \"%s\" \"\$@\"\n" \
		"$(command -v git)" >killgit/git &&
	chmod +x killgit/git &&
	(cd kill && PATH="$TRASH/killgit:$PATH" .git/hooks/post-merge 0) 2>err &&
	grep "post-merge hook: git add: killed by signal 9" err &&
	test "$(git -C kill log -1 --format=%s)" = "sovsync: refresh manifest" &&
	staged_as_head kill $doc &&
	git -C kill diff --cached --quiet &&
	touch kill/$doc && sov_fresh kill
'

test_done
