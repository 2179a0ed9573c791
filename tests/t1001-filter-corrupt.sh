#!/bin/sh
# Damaged stored content: smudge fails with "sovsync: <path>: corrupt ...",
# checkout fails (the filter is required) and no garbage is written, through
# filter-process and through the one-shot smudge.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-filter.sh"

# store_as PATH FILE: commit FILE's bytes, unfiltered, as the blob of PATH.
store_as() {
	id=$(git hash-object -w --no-filters "$2") &&
	git update-index --cacheinfo 100644,"$id","$1" &&
	test_tick &&
	git commit -q -m "damaged $1"
}

# checkout_fails_with FILE PATTERN: with FILE's bytes as the blob of f.bin,
# checking f.bin out fails, stderr matches PATTERN, and no f.bin is written.
checkout_fails_with() {
	store_as f.bin "$1" &&
	rm -f f.bin &&
	test_must_fail git checkout -- f.bin 2>err &&
	grep "$2" err &&
	test ! -e f.bin
}

# flip_byte FILE OFFSET
flip_byte() {
	perl -e 'my ($f, $o) = @ARGV; open(my $h, "+<", $f) or die; binmode $h;
		seek($h, $o, 0); read($h, my $c, 1); seek($h, $o, 0);
		print $h chr(ord($c) ^ 0x55); close $h' "$1" "$2"
}

test_expect_success 'setup' '
	test_repo r &&
	cd r &&
	sovsync track "*.bin" &&
	text_file f.bin 50000 &&
	git add . &&
	git commit -q -m good &&
	git cat-file blob HEAD:f.bin >../good &&
	test "$(wc -c <../good)" -gt 100000
'

test_expect_success 'a flipped byte inside a chunk fails the checkout' '
	cd r &&
	cp ../good bad &&
	flip_byte bad 60000 &&
	checkout_fails_with bad "^sovsync: f.bin: corrupt: chunk [0-9]* at byte [0-9]*"
'

test_expect_success 'a truncated blob fails the checkout' '
	cd r &&
	head -c 70000 ../good >bad &&
	checkout_fails_with bad "^sovsync: f.bin: corrupt: truncated"
'

test_expect_success 'a blob cut at a chunk boundary (no end record) fails' '
	cd r &&
	size=$(wc -c <../good) &&
	head -c $((size - 20)) ../good >bad &&
	checkout_fails_with bad "^sovsync: f.bin: corrupt: truncated"
'

test_expect_success 'bytes after the end record fail the checkout' '
	cd r &&
	{ cat ../good && printf junk; } >bad &&
	checkout_fails_with bad "^sovsync: f.bin: corrupt: .* after the end record"
'

test_expect_success 'a damaged end record fails the checkout' '
	cd r &&
	cp ../good bad &&
	flip_byte bad $(( $(wc -c <../good) - 10 )) &&
	checkout_fails_with bad "^sovsync: f.bin: corrupt: end record"
'

test_expect_success 'an unknown format version is named, not misread' '
	cd r &&
	cp ../good bad &&
	printf "\\011" | dd of=bad bs=1 seek=8 conv=notrunc 2>/dev/null &&
	checkout_fails_with bad "^sovsync: f.bin: stored with sovsync format version 9"
'

test_expect_success 'filter-process serves the next file after a failed one' '
	cd r &&
	cp ../good bad &&
	flip_byte bad 60000 &&
	id=$(git hash-object -w --no-filters bad) &&
	git update-index --add --cacheinfo 100644,"$id",a.bin &&
	git update-index --add --cacheinfo 100644,$(git hash-object -w --no-filters ../good),b.bin &&
	git commit -q -m two &&
	rm -f a.bin b.bin f.bin &&
	# Not required: Git goes on after a failed file (and keeps the
	# stored form of it), so the same process must serve b.bin.
	SOVSYNC_TRACE=$TRASH/trace git -c filter.sovsync.required=false checkout -- . 2>err &&
	grep "^sovsync: a.bin: corrupt" err &&
	test $(grep -c "run filter-process" ../trace) = 1 &&
	text_file want 50000 &&
	cmp want b.bin &&
	is_stored a.bin
'

test_expect_success 'the one-shot smudge fails the same way' '
	cd r &&
	cp ../good bad &&
	flip_byte bad 60000 &&
	test_must_fail sovsync smudge f.bin <bad >out 2>err &&
	grep "^sovsync: f.bin: corrupt: chunk" err &&
	use_oneshot_filters &&
	checkout_fails_with bad "^sovsync: f.bin: corrupt"
'

test_expect_success 'sovsync cat refuses damaged content too' '
	cd r &&
	head -c 70000 ../good >bad &&
	test_must_fail sovsync cat bad >out 2>err &&
	grep "^sovsync: bad: corrupt: truncated" err
'

test_done
