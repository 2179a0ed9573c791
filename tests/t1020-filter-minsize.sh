#!/bin/sh
# sovsync.filter.minSize: content below it is stored as it is (plain text
# on the host), from it up in frames; crossing the threshold is a normal
# content change.  Hostile input: a small file that begins with the stored
# form's magic must come back byte for byte.  Repositories whose small
# files are stored in frames (before minSize) keep checking out.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-filter.sh"

# lib-filter stores everything in frames; here the setting is under test.
git config --global --unset sovsync.filter.minSize

# blob_is_file_in REPO REV:PATH FILE: the blob is FILE byte for byte (plain).
blob_is_file_in() {
	git -C "$1" cat-file blob "$2" >blob.out && cmp blob.out "$3"
}

# blob_is_stored_in REPO REV:PATH: the blob is in frames.
blob_is_stored_in() {
	git -C "$1" cat-file blob "$2" >blob.out && is_stored blob.out
}

blob_is_file() { blob_is_file_in r "$@"; }
blob_is_stored() { blob_is_stored_in r "$@"; }

test_expect_success 'setup' '
	test_repo r &&
	echo "docs/** filter=sovsync diff=sovsync -text" >r/.gitattributes &&
	mkdir r/docs &&
	git -C r add .gitattributes && git -C r commit -q -m attrs
'

test_expect_success 'default: a small document is stored as it is' '
	printf "# Notes\n\nwritten by hand\n" >r/docs/note.md &&
	text_file r/docs/data.json 200 &&
	git -C r add docs && git -C r commit -q -m small &&
	blob_is_file HEAD:docs/note.md r/docs/note.md &&
	blob_is_file HEAD:docs/data.json r/docs/data.json &&
	test -z "$(git -C r status --porcelain)"
'

test_expect_success 'default: 1 MiB and more is stored in frames' '
	test_random_file r/docs/big.bin 1048576 7 &&
	test_random_file r/docs/below.bin 1048575 8 &&
	git -C r add docs && git -C r commit -q -m big &&
	blob_is_stored HEAD:docs/big.bin &&
	blob_is_file HEAD:docs/below.bin r/docs/below.bin
'

test_expect_success 'crossing the threshold either way is a content change' '
	test_repo g &&
	echo "docs/** filter=sovsync diff=sovsync -text" >g/.gitattributes &&
	mkdir g/docs && git -C g config sovsync.filter.minSize 2k &&
	text_file g/docs/grow.txt 10 && cp g/docs/grow.txt small.txt &&
	git -C g add .gitattributes docs && git -C g commit -q -m "grow: small" &&
	blob_is_file_in g HEAD:docs/grow.txt small.txt &&
	text_file g/docs/grow.txt 100 && cp g/docs/grow.txt large.txt &&
	git -C g commit -q -a -m "grow: large" &&
	blob_is_stored_in g HEAD:docs/grow.txt &&
	text_file g/docs/grow.txt 5 && cp g/docs/grow.txt again.txt &&
	git -C g commit -q -a -m "grow: small again" &&
	blob_is_file_in g HEAD:docs/grow.txt again.txt &&
	test -z "$(git -C g status --porcelain)" &&
	git -C g checkout -q HEAD~1 && cmp large.txt g/docs/grow.txt &&
	git -C g checkout -q HEAD~1 && cmp small.txt g/docs/grow.txt &&
	git -C g checkout -q main && cmp again.txt g/docs/grow.txt &&
	git -C g diff HEAD~2 HEAD -- docs/grow.txt >d &&
	grep "^-{\"id\":\"m0000009\"" d
'

test_expect_success 'hostile: a small file beginning with the magic round-trips exactly' '
	printf "\211SOVSYNC but only text follows\n" >r/docs/fake.txt &&
	printf "\211SOVSYNC" >r/docs/magic-only &&
	printf "\211SOVS" >r/docs/prefix &&
	cp r/docs/fake.txt fake.txt && cp r/docs/magic-only magic-only && cp r/docs/prefix prefix &&
	git -C r add docs && git -C r commit -q -m hostile &&
	blob_is_stored HEAD:docs/fake.txt &&
	blob_is_stored HEAD:docs/magic-only &&
	blob_is_file HEAD:docs/prefix prefix &&
	rm r/docs/fake.txt r/docs/magic-only r/docs/prefix &&
	git -C r checkout -q -- docs &&
	cmp fake.txt r/docs/fake.txt &&
	cmp magic-only r/docs/magic-only &&
	cmp prefix r/docs/prefix &&
	test -z "$(git -C r status --porcelain)" &&
	git clone -q r clone &&
	cmp fake.txt clone/docs/fake.txt &&
	test -z "$(git -C clone status --porcelain)"
'

test_expect_success 'a valid stored form given to clean is kept (idempotent)' '
	git -C r config sovsync.filter.minSize 0 &&
	printf "tiny" >r/docs/tiny && git -C r add docs/tiny &&
	git -C r config --unset sovsync.filter.minSize &&
	git -C r cat-file blob :docs/tiny >tiny.stored && is_stored tiny.stored &&
	sovsync clean <tiny.stored >again && cmp tiny.stored again &&
	git -C r commit -q -m tiny && printf tiny >tiny.plain && cmp r/docs/tiny tiny.plain
'

test_expect_success 'one-shot filters follow the same rule' '
	printf "plain\n" >in.txt &&
	sovsync clean in.txt <in.txt >out.txt && cmp in.txt out.txt &&
	printf "\211SOVSYNC!" >m.in &&
	sovsync clean <m.in >m.out && is_stored m.out &&
	sovsync smudge <m.out >m.back && cmp m.in m.back
'

test_expect_success 'an invalid minSize fails the add, naming the setting' '
	git -C r config sovsync.filter.minSize -5 &&
	echo more >>r/docs/note.md &&
	test_must_fail git -C r add docs/note.md 2>err &&
	grep "sovsync.filter.minSize" err &&
	git -C r config sovsync.filter.minSize 1g &&
	test_must_fail git -C r add docs/note.md 2>err &&
	grep "sovsync.filter.minSize" err &&
	git -C r config --unset sovsync.filter.minSize &&
	git -C r checkout -q -- docs/note.md
'

test_expect_success 'an invalid minSize does not keep what is stored from being read' '
	printf "%s\n" "stored in frames, read under a bad setting" >plain.txt &&
	git -C r config sovsync.filter.minSize 0 &&
	(cd r && sovsync clean <../plain.txt) >stored.bin &&
	head -c 8 stored.bin | grep -q SOVSYNC &&
	git -C r config sovsync.filter.minSize -5 &&
	(cd r && sovsync smudge <../stored.bin) >out.txt && test_cmp plain.txt out.txt &&
	(cd r && sovsync cat ../stored.bin) >out.txt && test_cmp plain.txt out.txt &&
	(cd r && test_must_fail sovsync clean <../plain.txt 2>../err) &&
	grep "sovsync.filter.minSize" err &&
	git -C r config --unset sovsync.filter.minSize
'

test_expect_success 'small files stored in frames before minSize keep checking out' '
	test_repo old &&
	echo "docs/** filter=sovsync diff=sovsync -text" >old/.gitattributes &&
	mkdir old/docs && printf "an old small note\n" >old/docs/old.md &&
	cp old/docs/old.md old.md &&
	git -C old config sovsync.filter.minSize 0 &&
	git -C old add . && git -C old commit -q -m "before minSize" &&
	git -C old config --unset sovsync.filter.minSize &&
	git -C old cat-file blob HEAD:docs/old.md >b && is_stored b &&
	git clone -q old old2 &&
	cmp old.md old2/docs/old.md &&
	git -C old2 cat-file blob HEAD:docs/old.md >b && is_stored b
'

test_expect_success 'their next edit stores them plain; the diff shows the edit' '
	echo "edited" >>old2/docs/old.md &&
	git -C old2 commit -q -a -m edit &&
	git -C old2 cat-file blob HEAD:docs/old.md >b && cmp b old2/docs/old.md &&
	git -C old2 diff HEAD~1 HEAD -- docs/old.md >d &&
	grep "^+edited" d && ! grep "^-an old small note" d
'

test_expect_success 'track --renormalize stores them plain at once' '
	git clone -q old old3 &&
	(cd old3 && sovsync track --renormalize >/dev/null) &&
	git -C old3 diff --cached --name-only >staged &&
	echo docs/old.md >expect && test_cmp expect staged &&
	git -C old3 cat-file blob :docs/old.md >b && cmp b old.md
'

test_done
