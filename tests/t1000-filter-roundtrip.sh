#!/bin/sh
# The large-file filter through stock git: byte-exact round trips (add,
# commit, checkout, clone) for empty, tiny, text, random, already-compressed
# and tens-of-MiB files; deterministic and idempotent clean; pass-through of
# files committed before tracking; clean status after checkout and clone.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-filter.sh"

test_expect_success 'setup: a corpus of tracked files committed and pushed' '
	test_repo r &&
	cd r &&
	sovsync track "*.bin" "*.jsonl" >out &&
	grep "Tracking \"\*.bin\"" out &&
	: >empty.bin &&
	printf x >tiny.bin &&
	text_file text.jsonl 20000 &&
	test_random_file random.bin 3000000 5 &&
	gzip -9 -n -c text.jsonl >compressed.bin &&
	{ text_file big.part 300000 && cat big.part && test_random_file - 8000000 9 &&
	  cat big.part; } >large.bin &&
	rm big.part &&
	test "$(wc -c <large.bin)" -gt 20000000 &&
	mkdir ../orig && cp *.bin *.jsonl ../orig/ &&
	git add . &&
	test_tick &&
	git commit -q -m corpus &&
	git init -q --bare ../remote.git &&
	git push -q ../remote.git main
'

test_expect_success 'blobs are stored in sovsync form, text compressed' '
	cd r &&
	test "$(git cat-file -s HEAD:empty.bin)" = 0 &&
	for f in tiny.bin text.jsonl random.bin compressed.bin large.bin; do
		git cat-file blob HEAD:$f >../stored &&
		is_stored ../stored || exit 1
	done &&
	test "$(git cat-file -s HEAD:text.jsonl)" -lt $(( $(wc -c <text.jsonl) / 3 ))
'

test_expect_success 'large stored forms are loose objects without deflate' '
	cd r &&
	for f in text.jsonl random.bin compressed.bin large.bin; do
		obj=$(loose_path HEAD:$f) &&
		test -f "$obj" &&
		stored_blocks "$obj" || { echo "$f: $obj" >&2; exit 1; }
	done &&
	git fsck --no-dangling 2>&1 >/dev/null | { ! grep .; }
'

test_expect_success 'small stored forms and other objects keep Git compression' '
	cd r &&
	obj=$(loose_path HEAD:tiny.bin) &&
	test_must_fail stored_blocks "$obj" 2>/dev/null &&
	obj=$(loose_path HEAD:.gitattributes) &&
	test_must_fail stored_blocks "$obj" 2>/dev/null
'

test_expect_success 'git status is clean right after commit' '
	cd r &&
	git status --porcelain >../st &&
	test ! -s ../st
'

test_expect_success 'delete and checkout restores every file byte for byte' '
	cd r &&
	rm *.bin *.jsonl &&
	git checkout -- . &&
	for f in ../orig/*; do cmp "$f" "$(basename "$f")" || exit 1; done &&
	git status --porcelain >../st &&
	test ! -s ../st
'

test_expect_success 'a fresh clone has the real content and a clean status' '
	git clone -q remote.git c &&
	cd c &&
	for f in ../orig/*; do cmp "$f" "$(basename "$f")" || exit 1; done &&
	git status --porcelain >../st &&
	test ! -s ../st
'

test_expect_success 'clean is deterministic: same blobs for any thread count' '
	cd r &&
	for f in text.jsonl random.bin large.bin; do
		want=$(git rev-parse HEAD:$f) &&
		one=$(SOVSYNC_FILTER_THREADS=1 git hash-object $f) &&
		two=$(SOVSYNC_FILTER_THREADS=2 git hash-object $f) &&
		five=$(SOVSYNC_FILTER_THREADS=5 git hash-object $f) &&
		test "$one" = "$want" && test "$two" = "$want" &&
		test "$five" = "$want" || exit 1
	done
'

test_expect_success 'clean is idempotent: stored content cleans to itself' '
	cd r &&
	git cat-file blob HEAD:large.bin >stored.bin &&
	test "$(git hash-object stored.bin)" = "$(git rev-parse HEAD:large.bin)" &&
	sovsync clean <stored.bin >again &&
	cmp stored.bin again &&
	rm stored.bin again
'

test_expect_success 'the one-shot clean and smudge store the same blobs' '
	use_oneshot_filters &&
	git clone -q remote.git one &&
	cd one &&
	for f in ../orig/*; do
		b=$(basename "$f") &&
		cmp "$f" "$b" &&
		test "$(git hash-object "$b")" = "$(git rev-parse HEAD:"$b")" || exit 1
	done &&
	git status --porcelain >../st &&
	test ! -s ../st
'

test_expect_success 'files committed before tracking pass through smudge' '
	test_repo p &&
	cd p &&
	text_file old.bin 1000 &&
	cp old.bin ../old.orig &&
	git add old.bin &&
	git commit -q -m raw &&
	sovsync track "*.bin" &&
	git add .gitattributes &&
	git commit -q -m track &&
	git cat-file blob HEAD:old.bin >raw &&
	cmp raw ../old.orig &&
	rm old.bin &&
	git checkout -- old.bin &&
	cmp old.bin ../old.orig
'

test_expect_success 'a new version commits and checks out both versions' '
	cd r &&
	cp text.jsonl ../v1 &&
	head -c 1024 random.bin >>text.jsonl &&
	cp text.jsonl ../v2 &&
	git commit -q -a -m v2 &&
	git checkout -q HEAD~1 &&
	cmp text.jsonl ../v1 &&
	git checkout -q main &&
	cmp text.jsonl ../v2
'

test_expect_success 'a stored form already packed is not written loose again' '
	cd r &&
	git gc -q &&
	obj=$(loose_path HEAD:large.bin) &&
	test ! -f "$obj" &&
	touch -d "2001-01-01 00:00:00" large.bin &&
	git add large.bin &&
	test ! -f "$obj" &&
	git status --porcelain >../st &&
	test ! -s ../st
'

test_expect_success 'GIT_OBJECT_DIRECTORY elsewhere: the object goes there, as Git puts it' '
	cd r &&
	mkdir ../alt &&
	text_file other.bin 30000 &&
	GIT_OBJECT_DIRECTORY=$PWD/../alt GIT_ALTERNATE_OBJECT_DIRECTORIES=$PWD/.git/objects \
		git add other.bin &&
	id=$(git ls-files -s other.bin | cut -d" " -f2) &&
	sub=$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-) &&
	test -f ../alt/$sub &&
	test ! -f .git/objects/$sub &&
	git reset -q other.bin
'

test_expect_success 'core.sharedRepository (also as git -c): Git writes the object itself' '
	cd r &&
	git config core.sharedRepository group &&
	git add other.bin &&
	test_must_fail stored_blocks "$(loose_path :other.bin)" 2>/dev/null &&
	git reset -q other.bin &&
	git config --unset core.sharedRepository &&
	text_file other.bin 31000 &&
	git -c core.sharedRepository=0660 add other.bin &&
	test_must_fail stored_blocks "$(loose_path :other.bin)" 2>/dev/null &&
	git reset -q other.bin &&
	# The same through GIT_CONFIG_COUNT / GIT_CONFIG_KEY_<n>, which Git
	# reads and libgit2 does not.
	text_file other.bin 31500 &&
	GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=x \
	GIT_CONFIG_KEY_1=core.sharedRepository GIT_CONFIG_VALUE_1=group git add other.bin &&
	test_must_fail stored_blocks "$(loose_path :other.bin)" 2>/dev/null &&
	git reset -q other.bin &&
	text_file other.bin 32000 &&
	git add other.bin &&
	stored_blocks "$(loose_path :other.bin)" &&
	git reset -q other.bin && rm other.bin
'

test_done
