#!/bin/sh
# The settings come from one table, read once per command through the
# repository context (src/core/ctx.c, src/core/settings.c): the root written as
# shared, shared/ or ./shared is one root for install, the hooks, the
# drivers and the sync; a setting sovsync cannot read stops the commands
# that use it with the key named, and only those.

. "$(dirname "$0")/lib.sh"

# setup DIR ROOT: a repository with origin, sovsync.root = ROOT, installed.
setup() {
	git init -q --bare "$1.git" &&
	git clone -q "$1.git" "$1" 2>/dev/null &&
	git -C "$1" commit -q --allow-empty -m initial &&
	git -C "$1" push -q origin HEAD:main 2>/dev/null &&
	git -C "$1" config sovsync.root "$2" &&
	sovsync install --repo "$1" >/dev/null
}

test_expect_success 'shared, shared/, ./shared and shared//./: one root for install, hooks and sync' '
	setup plain shared &&
	setup slash shared/ &&
	setup dot ./shared &&
	setup odd "shared//./" &&
	for r in slash dot odd; do
		test_cmp plain/.gitattributes $r/.gitattributes || exit 1
	done &&
	for r in plain slash dot odd; do
		mkdir -p $r/shared/documents/ingested $r/shared/memories/alex &&
		echo "a note" >$r/shared/documents/ingested/note.md &&
		echo "{\"results\": []}" >$r/shared/memories/alex/memories.json &&
		test_tick &&
		(cd $r && sovsync sync >../out.$r 2>&1) || { cat out.$r >&2; exit 1; }
		git -C $r show HEAD:shared/state.json >state.$r &&
		python3 -c "import json,sys; print(\"\\n\".join(sorted(json.load(open(sys.argv[1]))[\"files\"])))" state.$r >files.$r &&
		git -C $r ls-tree -r --name-only HEAD >tree.$r &&
		(cd $r && sovsync verify) &&
		(cd $r && sovsync status --json) >status.$r &&
		grep "\"root\": \"shared\"" status.$r || exit 1
	done &&
	grep "^documents/ingested/note.md$" files.plain &&
	for r in slash dot odd; do
		test_cmp files.plain files.$r && test_cmp tree.plain tree.$r || exit 1
	done
'

test_expect_success 'the merge driver of every file kind is the one install wrote, whatever the spelling' '
	for r in plain slash dot odd; do
		git -C $r check-attr merge filter -- shared/state.json \
			shared/memories/alex/memories.json shared/documents/ingested/note.md \
			shared/conversations/c.json >attrs.$r || exit 1
	done &&
	grep "shared/documents/ingested/note.md: merge: sovsync-doc" attrs.plain &&
	for r in slash dot odd; do
		test_cmp attrs.plain attrs.$r || exit 1
	done
'

test_expect_success 'a sovsync.documents.onConflict that is neither flag nor stop stops the sync, key named' '
	git -C plain config sovsync.documents.onConflict sometimes &&
	echo more >>plain/shared/documents/ingested/note.md &&
	(cd plain && test_expect_code 1 sovsync sync 2>../err) &&
	grep "config sovsync.documents.onConflict: .sometimes. is not .flag. or .stop." err &&
	# Nothing was committed meanwhile.
	test -n "$(git -C plain status --porcelain -- shared)" &&
	git -C plain config sovsync.documents.onConflict stop &&
	(cd plain && sovsync sync >/dev/null) &&
	test -z "$(git -C plain status --porcelain -- shared)"
'

test_expect_success 'a bad watch setting stops the watcher only: hooks and sync go on' '
	git -C plain config sovsync.watch.debounce soon &&
	echo again >>plain/shared/documents/ingested/note.md &&
	(cd plain && sovsync sync >/dev/null) &&
	(cd plain && sovsync verify) &&
	(cd plain && test_expect_code 1 timeout 20 sovsync watch 2>../err) &&
	grep "config sovsync.watch.debounce: .soon.: not a duration" err &&
	git -C plain config --unset sovsync.watch.debounce
'

test_expect_success 'a root that names a symbolic link stops sync and hooks alike, the key named' '
	mkdir elsewhere &&
	git -C plain config sovsync.root linked &&
	ln -s ../elsewhere plain/linked &&
	(cd plain && test_expect_code 1 sovsync sync 2>../err) &&
	grep "sovsync.root: linked: a symbolic link" err &&
	(cd plain && test_must_fail sovsync status 2>../err) &&
	grep "sovsync.root" err &&
	test -z "$(ls elsewhere)"
'

test_done
