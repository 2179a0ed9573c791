#!/bin/sh
# A file over 4 GiB through the filter: add, commit, delete, checkout and
# clone give back the same bytes.  Slow (minutes, ~10 GB of disk, Git holds
# the file in memory): runs only with SOVSYNC_TEST_LONG=1.  The peak-RSS
# figure of the filter is measured by bench/filter.sh --rss-gib 4.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-filter.sh"

if [ -z "${SOVSYNC_TEST_LONG:-}" ]; then
	test_skip 'a file over 4 GiB round-trips' 'set SOVSYNC_TEST_LONG=1'
	test_done
fi

SIZE=$((4 * 1024 * 1024 * 1024 + 12345))

test_expect_success 'a file over 4 GiB round-trips through add, checkout and clone' '
	test_repo r &&
	cd r &&
	sovsync track "*.bin" &&
	git add .gitattributes &&
	text_file ../part 200000 &&
	test_random_file ../noise 3000000 11 &&
	: >huge.bin &&
	n=0 &&
	while [ "$(wc -c <huge.bin)" -lt $SIZE ]; do
		echo "block $n" >>huge.bin && cat ../part ../noise >>huge.bin && n=$((n + 1))
	done &&
	truncate -s $SIZE huge.bin &&
	sum=$(sha256sum <huge.bin) &&
	git add huge.bin &&
	git commit -q -m huge &&
	git cat-file blob HEAD:huge.bin | head -c 8 >../magic &&
	is_stored ../magic &&
	test -z "$(git status --porcelain)" &&
	rm huge.bin &&
	git checkout -- huge.bin &&
	test "$(wc -c <huge.bin)" = $SIZE &&
	test "$(sha256sum <huge.bin)" = "$sum" &&
	test -z "$(git status --porcelain)" &&
	cd .. &&
	git clone -q r c &&
	test "$(sha256sum <c/huge.bin)" = "$sum" &&
	test -z "$(git -C c status --porcelain)"
'

test_done
