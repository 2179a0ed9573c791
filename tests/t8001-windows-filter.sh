#!/bin/sh
# The large-file filter across systems: stock Linux git runs the Windows
# sovsync.exe (under wine64) as its filter process in one repository and
# the Linux sovsync in another.  A file cleaned by one and smudged by the
# other comes back byte for byte, and both store the very same blobs (the
# stored form is one format on both systems): binary files, CRLF text,
# empty files, a tens-of-MiB file, names with spaces and non-ASCII letters.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-wine.sh"

# use_filter REPO win|linux: REPO's filter is the Windows or the Linux sovsync.
use_filter() {
	if [ "$2" = win ]; then
		git -C "$1" config filter.sovsync.process "$(win_cmd filter-process)"
	else
		git -C "$1" config filter.sovsync.process "$SOVSYNC_BIN/sovsync filter-process"
	fi &&
	git -C "$1" config filter.sovsync.required true &&
	git -C "$1" config sovsync.filter.minSize 0
}

# clone_with win|linux REMOTE DIR: a clone whose checkout runs that filter.
clone_with() {
	if [ "$1" = win ]; then
		_p=$(win_cmd filter-process)
	else
		_p="$SOVSYNC_BIN/sovsync filter-process"
	fi &&
	git clone -q -c filter.sovsync.process="$_p" -c filter.sovsync.required=true \
		-c sovsync.filter.minSize=0 "$2" "$3"
}

is_stored() {
	test "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89534f5653594e43
}

# same_files DIR: every file of corpus/ is in DIR, byte for byte.
same_files() {
	(cd corpus && find . -type f) | while read -r f; do
		cmp "corpus/$f" "$1/$f" || exit 1
	done
}

test_expect_success WINE 'setup: a corpus of binary, CRLF, empty, large and oddly named files' '
	mkdir -p corpus/sub/dir &&
	: >corpus/empty.bin &&
	printf x >corpus/tiny.bin &&
	awk "BEGIN { for (i = 0; i < 20000; i++) printf \"{\\\"id\\\":\\\"m%07d\\\",\\\"n\\\":%d}\\n\", i, i * 7919 }" \
		>corpus/text.jsonl &&
	awk "BEGIN { for (i = 0; i < 5000; i++) printf \"line %d\\r\\n\", i }" >corpus/crlf.txt &&
	printf "a\\r\\nb\\nc\\rd\\000\\r\\n\\032end" >corpus/mixed.bin &&
	test_random_file corpus/random.bin 3000000 5 &&
	test_random_file noise 12000000 9 &&
	cat corpus/text.jsonl noise corpus/crlf.txt >corpus/sub/dir/large.bin &&
	rm noise &&
	test_random_file "corpus/name with space é.bin" 70000 3 &&
	printf "%s filter=sovsync -text\\n" "*.bin" "*.jsonl" "*.txt" >corpus/.gitattributes &&
	test "$(wc -c <corpus/sub/dir/large.bin)" -gt 10000000
'

test_expect_success WINE 'the Windows exe cleans on git add; every blob is in stored form' '
	git init -q w &&
	use_filter w win &&
	cp -R corpus/. w/ &&
	git -C w add . &&
	test_tick &&
	git -C w commit -q -m corpus &&
	for f in tiny.bin text.jsonl crlf.txt mixed.bin random.bin sub/dir/large.bin \
		"name with space é.bin"; do
		git -C w cat-file blob "HEAD:$f" >stored &&
		is_stored stored || { echo "$f: not stored form"; exit 1; }
	done &&
	test "$(git -C w cat-file -s HEAD:empty.bin)" = 0 &&
	git -C w status --porcelain >st &&
	test ! -s st
'

test_expect_success WINE 'the Linux sovsync cleans the same files to the same blobs' '
	git init -q l &&
	use_filter l linux &&
	cp -R corpus/. l/ &&
	git -C l add . &&
	test_tick &&
	git -C l commit -q -m corpus &&
	git -C w ls-files -s >w.idx &&
	git -C l ls-files -s >l.idx &&
	test_cmp l.idx w.idx &&
	test "$(git -C w rev-parse HEAD^{tree})" = "$(git -C l rev-parse HEAD^{tree})"
'

test_expect_success WINE 'cleaned by Windows, smudged by Linux: byte-identical, status clean' '
	git init -q --bare w.git &&
	git -C w push -q ../w.git HEAD:refs/heads/main &&
	clone_with linux w.git wl &&
	same_files wl &&
	git -C wl status --porcelain >st &&
	test ! -s st
'

test_expect_success WINE 'cleaned by Linux, smudged by Windows: byte-identical, status clean' '
	git init -q --bare l.git &&
	git -C l push -q ../l.git HEAD:refs/heads/main &&
	clone_with win l.git lw &&
	same_files lw &&
	git -C lw status --porcelain >st &&
	test ! -s st
'

test_expect_success WINE 'git hash-object through each filter gives the same ids' '
	for f in crlf.txt mixed.bin "name with space é.bin"; do
		a=$(cd wl && git hash-object --path="$f" "$f") &&
		b=$(cd lw && git hash-object --path="$f" "$f") &&
		c=$(git -C w rev-parse "HEAD:$f") &&
		test "$a" = "$c" && test "$b" = "$c" || { echo "$f: $a $b $c"; exit 1; }
	done
'

test_expect_success WINE 'one-shot clean/smudge through pipes: binary-safe both ways' '
	for f in mixed.bin crlf.txt random.bin; do
		sovsync clean <"corpus/$f" >"lin.$f" &&
		win_sovsync clean <"corpus/$f" >"win.$f" &&
		cmp "lin.$f" "win.$f" &&
		win_sovsync smudge <"lin.$f" >"back.$f" &&
		cmp "corpus/$f" "back.$f" || exit 1
	done
'

test_expect_success WINE 'a modified file is cleaned again by the other system identically' '
	printf "more\\r\\n" >>lw/crlf.txt &&
	printf "more\\r\\n" >>wl/crlf.txt &&
	git -C lw add crlf.txt &&
	git -C wl add crlf.txt &&
	test "$(git -C lw rev-parse :crlf.txt)" = "$(git -C wl rev-parse :crlf.txt)" &&
	git -C lw checkout -q -- . &&
	cmp lw/crlf.txt wl/crlf.txt
'

test_done
