#!/bin/sh
# diff.sovsync.textconv (sovsync cat): git diff, git log -p and git show print
# the real content of tracked large files.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-filter.sh"

test_expect_success 'setup: two versions of a tracked text file' '
	test_repo r &&
	cd r &&
	sovsync track "*.jsonl" &&
	git add .gitattributes &&
	text_file m.jsonl 5000 &&
	git add m.jsonl && test_tick && git commit -q -m v1 &&
	sed "2500s/.*/{\"id\":\"changed\"}/" m.jsonl >tmp && mv tmp m.jsonl
'

test_expect_success 'git diff shows the changed line, not binary' '
	cd r &&
	git diff >out &&
	! grep "^Binary files" out &&
	grep "^+{\"id\":\"changed\"}$" out &&
	grep "^-{\"id\":\"m0002499\"" out
'

test_expect_success 'git log -p and git show print content' '
	cd r &&
	git commit -q -a -m v2 &&
	git log -p -1 >out &&
	grep "^+{\"id\":\"changed\"}$" out &&
	git show HEAD >out &&
	grep "^+{\"id\":\"changed\"}$" out &&
	git show HEAD~1 >out &&
	grep "^+{\"id\":\"m0000000\"" out
'

test_expect_success 'sovsync cat prints stored and plain content' '
	cd r &&
	git cat-file blob HEAD:m.jsonl >stored &&
	is_stored stored &&
	sovsync cat stored >out &&
	cmp m.jsonl out &&
	sovsync cat - <m.jsonl >out &&
	cmp m.jsonl out &&
	test_expect_code 1 sovsync cat missing 2>err &&
	grep "^sovsync: missing: cannot open" err
'

test_done
