#!/bin/sh
# sovsync track / untrack: .gitattributes editing like git lfs track, and
# --renormalize re-staging committed files whose filter changed.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-filter.sh"

test_expect_success 'track appends one line per new pattern at the top level' '
	test_repo r &&
	cd r &&
	mkdir -p sub/dir &&
	printf "*.txt text\n# a comment\n" >.gitattributes &&
	cd sub/dir &&
	sovsync track "*.bin" "data/*.jsonl" >out &&
	grep "^Tracking \"\*.bin\"$" out &&
	cd ../.. &&
	cat >expect <<-\EOF &&
	*.txt text
	# a comment
	*.bin filter=sovsync diff=sovsync -text
	data/*.jsonl filter=sovsync diff=sovsync -text
	EOF
	test_cmp expect .gitattributes &&
	test "$(git check-attr filter -- x.bin)" = "x.bin: filter: sovsync" &&
	test "$(git check-attr diff -- data/y.jsonl)" = "data/y.jsonl: diff: sovsync"
'

test_expect_success 'tracking a tracked pattern changes nothing' '
	cd r &&
	cp .gitattributes before &&
	sovsync track "*.bin" >out &&
	grep "already tracked" out &&
	test_cmp before .gitattributes
'

test_expect_success 'track without patterns lists the tracked patterns' '
	cd r &&
	sovsync track >out &&
	cat >expect <<-\EOF &&
	Listing tracked patterns
	    *.bin
	    data/*.jsonl
	EOF
	test_cmp expect out
'

test_expect_success 'untrack removes only the sovsync line of that pattern' '
	cd r &&
	echo "*.bin -diff" >>.gitattributes &&
	sovsync untrack "*.bin" >out &&
	grep "^Untracking \"\*.bin\"$" out &&
	cat >expect <<-\EOF &&
	*.txt text
	# a comment
	data/*.jsonl filter=sovsync diff=sovsync -text
	*.bin -diff
	EOF
	test_cmp expect .gitattributes &&
	sovsync untrack "*.nope" >out &&
	grep "was not tracked" out
'

test_expect_success 'patterns that cannot be written are refused' '
	cd r &&
	cp .gitattributes before &&
	test_expect_code 1 sovsync track "a b.bin" 2>err &&
	grep "^sovsync: .*spaces" err &&
	test_expect_code 1 sovsync track "#x" 2>err &&
	test_expect_code 2 sovsync untrack 2>err &&
	grep "^usage: sovsync untrack" err &&
	test_expect_code 2 sovsync track --bogus 2>err &&
	test_cmp before .gitattributes
'

test_expect_success 'track --renormalize re-stages committed files in stored form' '
	test_repo n &&
	cd n &&
	text_file a.bin 3000 &&
	mkdir d && text_file d/b.bin 2000 &&
	echo small >c.txt &&
	git add . && git commit -q -m raw &&
	raw=$(git rev-parse :a.bin) &&
	sovsync track --renormalize "*.bin" >../out 2>../err &&
	test ! -s ../err &&
	git diff --cached --name-only >../staged &&
	printf "a.bin\nd/b.bin\n" >../expect &&
	test_cmp ../expect ../staged &&
	git cat-file blob :a.bin >../stored &&
	is_stored ../stored &&
	test "$(git rev-parse :c.txt)" = "$(git rev-parse HEAD:c.txt)" &&
	git add .gitattributes && git commit -q -m tracked &&
	git status --porcelain >../st &&
	test ! -s ../st &&
	rm a.bin d/b.bin && git checkout -- . &&
	text_file ../want 3000 && cmp ../want a.bin
'

test_expect_success 'untrack --renormalize stores them as plain files again' '
	cd n &&
	sovsync untrack --renormalize "*.bin" >out &&
	git cat-file blob :a.bin >../plain &&
	text_file ../want 3000 &&
	cmp ../want ../plain
'

test_expect_success 'track --renormalize without patterns re-stages every tracked file' '
	cd n &&
	git commit -q -a -m untracked &&
	echo "*.bin filter=sovsync diff=sovsync -text" >.gitattributes &&
	sovsync track --renormalize >out &&
	grep "^    \*.bin$" out &&
	git diff --cached --name-only >staged &&
	printf "a.bin\nd/b.bin\n" >expect &&
	test_cmp expect staged
'

test_expect_success 'track --renormalize of an already tracked pattern re-stages files stored plain' '
	test_repo p &&
	cd p &&
	mkdir "sub dir" &&
	text_file "sub dir/a b.bin" 2000 &&
	text_file top.bin 100 &&
	: >empty.bin &&
	ln -s top.bin link.bin &&
	git add . && git commit -q -m plain &&
	# The pattern arrives already tracked (another clone pushed it), the
	# files are still stored plain in HEAD.
	echo "*.bin filter=sovsync diff=sovsync -text" >.gitattributes &&
	git add .gitattributes && git commit -q -m attrs &&
	sovsync track --renormalize "*.bin" >../out 2>../err &&
	grep "already tracked" ../out &&
	test ! -s ../err &&
	git diff --cached --name-only >../staged &&
	printf "sub dir/a b.bin\ntop.bin\n" >../expect &&
	test_cmp ../expect ../staged &&
	git cat-file blob ":sub dir/a b.bin" >../stored &&
	is_stored ../stored &&
	test "$(git rev-parse :link.bin)" = "$(git rev-parse HEAD:link.bin)" &&
	git commit -q -m stored &&
	git status --porcelain >../st &&
	test ! -s ../st &&
	sovsync track --renormalize "*.bin" >../out &&
	test -z "$(git diff --cached --name-only)"
'

test_expect_success 'untrack --renormalize of a pattern no longer tracked re-stages files stored encoded' '
	cd p &&
	: >.gitattributes &&
	git add .gitattributes && git commit -q -m "no attrs" &&
	sovsync untrack --renormalize "*.bin" >../out &&
	grep "was not tracked" ../out &&
	git diff --cached --name-only >../staged &&
	printf "sub dir/a b.bin\ntop.bin\n" >../expect &&
	test_cmp ../expect ../staged &&
	text_file ../want 2000 &&
	git cat-file blob ":sub dir/a b.bin" >../plain &&
	cmp ../want ../plain
'

test_expect_success 'track --renormalize with a tracked file deleted in the work tree: the others are re-stored' '
	test_repo del &&
	cd del &&
	text_file a.bin 300 && text_file b.bin 400 && text_file c.bin 500 &&
	git add . && git commit -q -m plain &&
	rm b.bin &&
	sovsync track --renormalize "*.bin" >../out 2>../err &&
	grep "^sovsync: b.bin: deleted in the work tree, left as it is$" ../err &&
	git diff --cached --name-only >../staged &&
	printf "a.bin\nc.bin\n" >../expect &&
	test_cmp ../expect ../staged &&
	git cat-file blob :c.bin >../stored &&
	is_stored ../stored &&
	git status --porcelain >../st &&
	grep "^ D b.bin$" ../st &&
	! grep "^ M" ../st
'

if test_have script; then
test_expect_success 'renormalize shows progress in bytes on a terminal' '
	test_repo t &&
	cd t &&
	text_file a.bin 8000 && text_file b.bin 9000 &&
	git add . && git commit -q -m raw &&
	GIT_PROGRESS_DELAY=0 script -qec "sovsync track --renormalize \"*.bin\"" /dev/null >../tty &&
	grep "Renormalizing files: 100% ([0-9]*/[0-9]* KiB), done" ../tty &&
	git diff --cached --name-only >../staged &&
	test "$(wc -l <../staged)" = 2
'
else
	test_skip 'renormalize shows progress in bytes on a terminal' 'script(1) missing'
fi

test_expect_success 'track outside a repository fails clearly' '
	mkdir nowhere &&
	cd nowhere &&
	GIT_CEILING_DIRECTORIES=$TRASH test_expect_code 1 sovsync track "*.bin" 2>err &&
	grep "^sovsync: not in a Git working tree" err
'

test_done
