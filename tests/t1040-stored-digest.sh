#!/bin/sh
# The stored form carries the content's size and SHA-256 in its header
# (format version 3 in frames, 4 for a chunk pointer; docs/FORMATS.md), so
# the manifest of a tracked file costs a header read: the commit hook does
# not decode the content (a chunked file whose chunks are gone still gets
# its true entry).  Its entries equal sha256sum of the checked-out files;
# content stored before the digest (version 1) is hashed as before; a
# damaged header is named; a header that lies about the content is caught
# by `sovsync verify`, which decodes and checks.  Float32 data is stored
# byte-shuffled (docs/FORMATS.md, "Byte shuffle") and checks out exact.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

F=shared/documents/ingested

# stored_blob PATH: the blob id the index holds for PATH.
stored_blob() {
	git rev-parse ":$1"
}

# version_byte REV:PATH: the format version of a stored blob.
version_byte() {
	git cat-file blob "$1" | head -c 9 | tail -c 1 | od -An -tu1 | tr -d ' '
}

# sha FILE: its SHA-256 as the manifest writes it.
sha() {
	echo "sha256:$(sha256sum <"$1" | cut -d" " -f1)"
}

# commit_blob PATH FILE: stage FILE's bytes as PATH's blob (no filter), commit.
commit_blob() {
	blob=$(git hash-object -w --no-filters "$2") &&
	git update-index --add --cacheinfo "100644,$blob,$1" &&
	test_tick &&
	git commit -q -m "$1" 2>../commit.err
}

test_expect_success 'setup: framed and chunked files, manifest true to sha256sum' '
	sov_setup r &&
	cd r &&
	git config sovsync.maxObjectSize 1m &&
	mkdir -p $F &&
	test_random_file $F/chunked.bin 3000000 11 &&
	awk "BEGIN { for (i = 0; i < 60000; i++) printf \"{\\\"id\\\":%d,\\\"m\\\":\\\"line %d\\\"}\\n\", i, i * 7 }" >$F/framed.jsonl &&
	git add $F &&
	test "$(version_byte :$F/framed.jsonl)" = 3 &&
	test "$(version_byte :$F/chunked.bin)" = 4 &&
	test_tick &&
	git commit -q -m files &&
	rm $F/framed.jsonl $F/chunked.bin &&
	git checkout -- $F &&
	for f in framed.jsonl chunked.bin; do
		test "$(sov_entry . documents/ingested/$f hash)" = "$(sha $F/$f)" &&
		test "$(sov_entry . documents/ingested/$f size)" = "$(wc -c <$F/$f | tr -d " ")" ||
		return 1
	done &&
	sovsync verify
'

test_expect_success 'the commit hook reads the header: a pointer whose chunks are gone' '
	cd r &&
	test_random_file $F/big.bin 2500000 12 &&
	cp $F/big.bin ../big.bin &&
	git add $F/big.bin &&
	# Move every chunk blob of the new file out of the object database.
	git cat-file blob :$F/big.bin | tail -c +57 | sed -n "s/^\([0-9a-f]\{40\}\) .*/\1/p" >../chunks &&
	test "$(wc -l <../chunks)" -gt 5 &&
	mkdir -p ../aside &&
	while read id; do
		o=.git/objects/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-) &&
		mv "$o" ../aside/$id || return 1
	done <../chunks &&
	test_must_fail git cat-file -e "$(head -n 1 ../chunks)" &&
	test_tick &&
	SOVSYNC_TRACE=$TRASH/trace git commit -q -m big 2>../commit.err &&
	! test -s ../commit.err &&
	test "$(sov_entry . documents/ingested/big.bin hash)" = "$(sha ../big.bin)" &&
	test "$(sov_entry . documents/ingested/big.bin size)" = 2500000 &&
	grep "from the header of blob $(git rev-parse HEAD:$F/big.bin)" ../trace &&
	# Back in place: everything checks out and verifies.
	while read id; do
		o=.git/objects/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-) &&
		mkdir -p "$(dirname "$o")" && mv ../aside/$id "$o" || return 1
	done <../chunks &&
	sovsync verify
'

test_expect_success 'a framed file: the hook takes size and hash from the header' '
	cd r &&
	awk "BEGIN { for (i = 0; i < 90000; i++) printf \"row %d of the framed file\\n\", i }" >$F/f2.txt &&
	git add $F/f2.txt &&
	test "$(version_byte :$F/f2.txt)" = 3 &&
	test_tick &&
	SOVSYNC_TRACE=$TRASH/trace2 git commit -q -m f2 &&
	grep "from the header of blob $(git rev-parse HEAD:$F/f2.txt)" ../trace2 &&
	! grep "hashing the content of blob $(git rev-parse HEAD:$F/f2.txt)" ../trace2 &&
	test "$(sov_entry . documents/ingested/f2.txt hash)" = "$(sha $F/f2.txt)"
'

test_expect_success 'a version 1 stored form (no digest) is hashed from its content' '
	cd r &&
	git cat-file blob HEAD:$F/f2.txt >../v3 &&
	{ head -c 8 ../v3 && printf "\001" && head -c 16 ../v3 | tail -c 7 && tail -c +57 ../v3; } >../v1 &&
	test "$(head -c 9 ../v1 | tail -c 1 | od -An -tu1 | tr -d " ")" = 1 &&
	commit_blob $F/old.txt ../v1 &&
	! test -s ../commit.err &&
	test "$(sov_entry . documents/ingested/old.txt hash)" = "$(sha $F/f2.txt)" &&
	rm -f $F/old.txt && git checkout -- $F/old.txt &&
	cmp $F/old.txt $F/f2.txt &&
	sovsync verify
'

test_expect_success 'a header cut inside the digest, a newer version: named, the commit goes on' '
	cd r &&
	head -c 30 ../v3 >../cut &&
	commit_blob $F/cut.txt ../cut &&
	grep "sovsync: pre-commit hook: $F/cut.txt: blob $(stored_blob $F/cut.txt): corrupt: truncated inside the header" ../commit.err &&
	test "$(git log -1 --format=%s)" = $F/cut.txt &&
	git rm -q --cached $F/cut.txt && rm -f $F/cut.txt &&
	{ head -c 8 ../v3 && printf "\011" && tail -c +10 ../v3; } >../v9 &&
	commit_blob $F/v9.txt ../v9 &&
	grep "$F/v9.txt: blob $(stored_blob $F/v9.txt): stored with sovsync format version 9; this sovsync reads versions 1 to 4 (upgrade sovsync)" ../commit.err &&
	git rm -q --cached $F/v9.txt && rm -f $F/v9.txt &&
	test_tick && git commit -q -m "drop the damaged ones"
'

test_expect_success 'a header that lies about the content: sovsync verify catches it' '
	cd r &&
	# Flip one bit of the SHA-256 in the header: every frame is intact.
	perl -e "local \$/; my \$s = <STDIN>; substr(\$s, 30, 1) ^= chr(1); print \$s" <../v3 >../lie &&
	commit_blob $F/lie.txt ../lie &&
	lie=$(sov_entry . documents/ingested/lie.txt hash) &&
	test "$lie" != "$(sha $F/f2.txt)" &&
	test_must_fail sovsync verify 2>../verify.err &&
	grep "$F/lie.txt: blob $(stored_blob $F/lie.txt): corrupt: content is $(sha $F/f2.txt) but the header says $lie" ../verify.err &&
	git rm -q --cached $F/lie.txt && rm -f $F/lie.txt &&
	test_tick && git commit -q -m "drop the lie" &&
	sovsync verify
'

test_expect_success 'a lying stored form given to plain git add: the commit takes its header, verify names it' '
	cd r &&
	# From minSize up the clean filter passes a stored form through as it
	# is (FORMATS.md, "Idempotence"): the lie needs no --no-filters.
	cp ../lie $F/lie2.txt &&
	git add $F/lie2.txt &&
	test "$(git cat-file blob :$F/lie2.txt | cmp - ../lie && echo same)" = same &&
	test_tick &&
	git commit -q -m lie2 2>../commit.err &&
	! test -s ../commit.err &&
	lie=$(sov_entry . documents/ingested/lie2.txt hash) &&
	test "$lie" != "$(sha $F/f2.txt)" &&
	test_must_fail sovsync verify 2>../verify.err &&
	grep "$F/lie2.txt: blob $(stored_blob $F/lie2.txt): corrupt: content is $(sha $F/f2.txt) but the header says $lie" ../verify.err &&
	git rm -q $F/lie2.txt &&
	test_tick && git commit -q -m "drop lie2" &&
	sovsync verify
'

test_expect_success 'float32 data is stored byte-shuffled and checks out byte for byte' '
	cd r &&
	# 3 bytes of a header, then float32 values (embeddings-like), and an
	# odd length: the values sit at phase 3, the tail is not a whole value.
	# One file in frames, one above maxObjectSize (1m here): chunk blobs.
	for n in 270001 700001; do
		perl -e "srand(5); print \"abc\"; for (1 .. \$ARGV[0]) { print pack(\"f<\", (rand() - 0.5) / 20) } print \"xy\"" $n >$F/vec$n.f32 || return 1
	done &&
	test "$(wc -c <$F/vec700001.f32)" = 2800009 &&
	git add $F/vec270001.f32 $F/vec700001.f32 &&
	test "$(version_byte :$F/vec270001.f32)" = 3 &&
	git cat-file blob :$F/vec270001.f32 >../vec.stored &&
	test "$(grep -c "SH4" ../vec.stored)" -ge 1 &&
	test "$(wc -c <../vec.stored)" -lt 950000 &&
	test "$(version_byte :$F/vec700001.f32)" = 4 &&
	# Each chunk blob starts with the marker: a skippable frame, "SH4", and
	# the phase in that chunk (the first chunk: 3, after "abc").
	git cat-file blob :$F/vec700001.f32 | tail -c +57 | sed -n "s/^\([0-9a-f]\{40\}\) .*/\1/p" >../vchunks &&
	test "$(wc -l <../vchunks)" -gt 5 &&
	for id in $(cat ../vchunks); do
		git cat-file blob $id | head -c 12 | od -An -tx1 | tr -d " \n" >../marker &&
		grep -q "^5e2a4d18040000005348340[0-3]$" ../marker || return 1
	done &&
	test "$(git cat-file blob $(head -n 1 ../vchunks) | head -c 12 | tail -c 1 | od -An -tu1 | tr -d " ")" = 3 &&
	test_tick &&
	git commit -q -m vectors &&
	for n in 270001 700001; do
		cp $F/vec$n.f32 ../vec.orig &&
		rm $F/vec$n.f32 &&
		git checkout -- $F/vec$n.f32 &&
		cmp $F/vec$n.f32 ../vec.orig &&
		test "$(sov_entry . documents/ingested/vec$n.f32 hash)" = "$(sha ../vec.orig)" ||
		return 1
	done &&
	test -z "$(git status --porcelain -- $F/vec270001.f32 $F/vec700001.f32)" &&
	sovsync verify
'

test_done
