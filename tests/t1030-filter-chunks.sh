#!/bin/sh
# Files of any size under a host's object limit (sovsync.maxObjectSize):
# a tracked file whose stored form is larger becomes a small pointer blob
# listing chunk blobs, kept by refs/sovsync/chunks.  A remote whose
# pre-receive hook refuses any object over the limit accepts the push, a
# fresh `sovsync clone` gets the file byte for byte, a 1 KiB overwrite in
# the middle pushes under 1% of the file, `git gc --prune=now` on both
# sides loses nothing, two PCs' chunks merge, and a clean killed midway
# leaves nothing behind that a commit needs.  (The 1 GiB figures, peak RSS
# included, are in bench/filter.sh --only-big.)

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-filter.sh"

LIMIT=1048576
# Every clone of the script stores with the same limit (a clone with
# another limit stores a file between the two in the other form).
SIZE=$((32 * 1024 * 1024))
F=shared/documents/ingested/big.bin

# limited_remote DIR: a bare repository whose pre-receive hook refuses any
# object over $LIMIT bytes among those a push brings.  Each ref it is
# asked to update is appended to DIR/received, in the order it arrives.
limited_remote() {
	git init -q --bare "$1" &&
	cat >"$1/hooks/pre-receive" <<-EOF &&
	#!/bin/sh
	z=0000000000000000000000000000000000000000
	while read old new ref; do
		echo "\$ref" >>received
		[ "\$new" = \$z ] && continue
		git rev-list --objects "\$new" --not --all | cut -d" " -f1 |
		git cat-file --batch-check="%(objectsize) %(objectname)" >"\$\$.sizes"
		while read size name; do
			if [ "\$size" -gt $LIMIT ]; then
				echo "object \$name is \$size bytes, over $LIMIT" >&2
				rm -f "\$\$.sizes"
				exit 1
			fi
		done <"\$\$.sizes"
		rm -f "\$\$.sizes"
	done
	exit 0
	EOF
	chmod +x "$1/hooks/pre-receive"
}

# largest_object REPO: the size of its largest object.
largest_object() {
	git -C "$1" cat-file --batch-all-objects --batch-check="%(objectsize)" | sort -n | tail -n 1
}

# pointer_version REPO REV:PATH: the format version byte of a stored blob.
pointer_version() {
	git -C "$1" cat-file blob "$2" | head -c 9 | tail -c 1 | od -An -tu1 | tr -d ' '
}

test_expect_success 'setup: a remote refusing objects over 1 MiB, a PC with a 32 MiB file' '
	limited_remote remote.git &&
	git clone -q remote.git pc1 2>/dev/null &&
	git -C pc1 commit -q --allow-empty -m initial &&
	sovsync install --repo pc1 >out &&
	git config --global sovsync.maxObjectSize 1m &&
	test_random_file big.orig $SIZE 7 &&
	cp big.orig "pc1/$F" &&
	git -C pc1 push -q origin HEAD:main
'

test_expect_success 'install adds the fetch refspec of the chunks' '
	grep "remote.origin.fetch +refs/sovsync/\*:refs/sovsync/remotes/origin/\*" out &&
	git -C pc1 config --get-all remote.origin.fetch >specs &&
	grep -x "+refs/sovsync/\*:refs/sovsync/remotes/origin/\*" specs
'

test_expect_success 'the remote refuses a blob over the limit (plain git)' '
	git init -q plain &&
	cp big.orig plain/big.bin &&
	git -C plain add big.bin &&
	git -C plain commit -q -m big &&
	test_must_fail git -C plain push ../remote.git HEAD:refs/heads/plain 2>err &&
	grep "over $LIMIT" err
'

test_expect_success 'a file above maxObjectSize is a pointer to chunk blobs, none over the limit' '
	test_random_file pc1/shared/documents/ingested/small.bin 200000 8 &&
	git -C pc1 add -A &&
	git -C pc1 commit -q -m "large file" &&
	test "$(pointer_version pc1 HEAD:$F)" = 4 &&
	test "$(pointer_version pc1 HEAD:shared/documents/ingested/small.bin)" = 3 &&
	test "$(git -C pc1 cat-file -s HEAD:$F)" -lt 100000 &&
	test "$(largest_object pc1)" -le $LIMIT &&
	git -C pc1 rev-parse --verify -q refs/sovsync/chunks &&
	test -z "$(git -C pc1 status --porcelain)" &&
	rm "pc1/$F" &&
	git -C pc1 checkout -- "$F" &&
	cmp "pc1/$F" big.orig
'

test_expect_success 'chunk blobs of compressible text are loose objects without deflate' '
	test_repo tx &&
	(cd tx && sovsync track "*.jsonl" >/dev/null) &&
	text_file tx/t.jsonl 200000 &&
	git -C tx add t.jsonl &&
	test "$(pointer_version tx :t.jsonl)" = 4 &&
	git -C tx cat-file blob :t.jsonl | tail -c +57 | grep -v "^end " | cut -d" " -f1 >ids &&
	test "$(wc -l <ids)" -gt 10 &&
	while read id; do
		stored_blocks "tx/.git/objects/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-)" || exit 1
	done <ids &&
	git -C tx fsck --no-dangling 2>&1 >/dev/null | { ! grep .; } &&
	rm tx/t.jsonl &&
	git -C tx checkout -- t.jsonl &&
	text_file t.orig 200000 &&
	cmp t.orig tx/t.jsonl
'

test_expect_success 'the manifest hashes the real content of the chunked file' '
	sum=$(sha256sum <big.orig | cut -d" " -f1) &&
	grep "$sum" pc1/shared/state.json
'

test_expect_success 'the limited remote accepts the push; the chunks went first' '
	rm -f remote.git/received &&
	git -C pc1 push origin HEAD:main 2>err &&
	printf "refs/sovsync/chunks\nrefs/heads/main\n" >expect &&
	test_cmp expect remote.git/received &&
	git -C remote.git rev-parse --verify -q refs/sovsync/chunks &&
	test "$(largest_object remote.git)" -le $LIMIT
'

test_expect_success 'a fresh sovsync clone gets the file byte for byte' '
	sovsync clone remote.git pc2 >out &&
	cmp "pc2/$F" big.orig &&
	test -z "$(git -C pc2 status --porcelain)" &&
	git -C pc2 rev-parse --verify -q refs/sovsync/remotes/origin/chunks
'

test_expect_success 'a 1 KiB overwrite in the middle pushes under 1% of the file' '
	git ls-remote remote.git >before &&
	test_random_file patch 1024 9 &&
	dd if=patch of="pc1/$F" bs=1024 seek=$((SIZE / 2048)) conv=notrunc 2>/dev/null &&
	cp "pc1/$F" big.v2 &&
	git -C pc1 commit -q -a -m "1 KiB edit" &&
	{ echo HEAD && echo refs/sovsync/chunks &&
	  cut -f1 before | sed "s/^/^/"; } >revs &&
	(cd pc1 && git pack-objects --revs --thin --stdout -q <../revs) >pack &&
	size=$(wc -c <pack) &&
	echo "pack $size bytes for a $SIZE byte file" &&
	test "$size" -le $((SIZE / 100)) &&
	git -C pc1 push -q origin HEAD:main &&
	git -C pc2 pull -q &&
	cmp "pc2/$F" big.v2
'

test_expect_success 'git gc --prune=now on both sides, then a fresh clone still checks it out' '
	git -C remote.git gc -q --prune=now &&
	git -C pc1 gc -q --prune=now &&
	git -C pc2 gc -q --prune=now &&
	rm "pc1/$F" "pc2/$F" &&
	git -C pc1 checkout -- "$F" &&
	git -C pc2 checkout -- "$F" &&
	cmp "pc1/$F" big.v2 &&
	cmp "pc2/$F" big.v2 &&
	git -C pc1 checkout -q HEAD~1 -- "$F" &&
	cmp "pc1/$F" big.orig &&
	git -C pc1 checkout -q HEAD -- "$F" &&
	sovsync clone remote.git pc3 >out &&
	cmp "pc3/$F" big.v2 &&
	git -C pc3 checkout -q HEAD~1 -- "$F" &&
	cmp "pc3/$F" big.orig
'

test_expect_success 'two PCs add chunks at once: the ref merges and keeps both' '
	test_random_file a.bin $((3 * 1024 * 1024)) 11 &&
	test_random_file b.bin $((3 * 1024 * 1024)) 12 &&
	cp a.bin pc1/shared/documents/ingested/a.bin &&
	cp b.bin pc2/shared/documents/ingested/b.bin &&
	git -C pc1 add -A && git -C pc1 commit -q -m a &&
	git -C pc2 add -A && git -C pc2 commit -q -m b &&
	git -C pc1 push -q origin HEAD:main &&
	test_must_fail git -C pc2 push -q origin HEAD:main 2>err &&
	git -C remote.git rev-list --parents -n 1 refs/sovsync/chunks >tip &&
	test $(wc -w <tip) = 3 &&
	git -C pc2 pull -q --no-rebase &&
	git -C pc2 push -q origin HEAD:main &&
	git -C remote.git gc -q --prune=now &&
	sovsync clone remote.git pc4 >out &&
	cmp pc4/shared/documents/ingested/a.bin a.bin &&
	cmp pc4/shared/documents/ingested/b.bin b.bin &&
	cmp "pc4/$F" big.v2
'

test_expect_success 'a chunk missing: smudge names the fetch command that brings it' '
	test_must_fail git clone -q --no-local remote.git pc5 2>err &&
	grep "chunk [0-9a-f]* of this file is not in the repository" err &&
	grep "git fetch origin .+refs/sovsync/\*:refs/sovsync/remotes/origin/\*." err &&
	git -C pc5 fetch -q origin "+refs/sovsync/*:refs/sovsync/remotes/origin/*" &&
	git -C pc5 reset -q --hard &&
	cmp "pc5/$F" big.v2 &&
	test -z "$(git -C pc5 status --porcelain)"
'

test_expect_success 'install in a plain git clone: a warning names the fetch, then it checks out' '
	GIT_CONFIG_GLOBAL=/dev/null git clone -q --no-local remote.git pc6 &&
	sovsync install --repo pc6 >out 2>err &&
	grep "$F: chunk [0-9a-f]* of this file is not in the repository; fetch the chunks with: git fetch origin" err &&
	git -C pc6 fetch -q origin &&
	git -C pc6 rev-parse --verify -q refs/sovsync/remotes/origin/chunks &&
	sovsync install --repo pc6 >out 2>err &&
	grep "^checked out $F in its real form" out &&
	cmp "pc6/$F" big.v2 &&
	test -z "$(git -C pc6 status --porcelain)"
'

test_expect_success 'a clean killed mid-file: nothing kept, the next add and gc are fine' '
	git -C pc1 rev-parse refs/sovsync/chunks >ref.before &&
	test_random_file c.bin $((8 * 1024 * 1024)) 13 &&
	loose=$(git -C pc1 count-objects | cut -d" " -f1) &&
	mkfifo fifo &&
	(cd pc1 && { sovsync clean <../fifo >../clean.out 2>../clean.err & echo $! >../clean.pid; }) &&
	exec 9>fifo &&
	head -c $((6 * 1024 * 1024)) c.bin >&9 &&
	n=0 &&
	while [ $n -lt 300 ] &&
	      [ "$(git -C pc1 count-objects | cut -d" " -f1)" -lt $((loose + 5)) ]; do
		sleep 0.1; n=$((n + 1))
	done &&
	test "$(git -C pc1 count-objects | cut -d" " -f1)" -ge $((loose + 5)) &&
	kill -9 $(cat clean.pid) &&
	exec 9>&- &&
	test "$(git -C pc1 rev-parse refs/sovsync/chunks)" = "$(cat ref.before)" &&
	cp c.bin pc1/shared/documents/ingested/c.bin &&
	git -C pc1 add -A && git -C pc1 commit -q -m c &&
	git -C pc1 gc -q --prune=now &&
	rm pc1/shared/documents/ingested/c.bin &&
	git -C pc1 checkout -- shared/documents/ingested/c.bin &&
	cmp pc1/shared/documents/ingested/c.bin c.bin
'

test_expect_success 'a remote refusing the chunks stops the branch push' '
	git init -q --bare nochunks.git &&
	printf "#!/bin/sh\nwhile read o n r; do case \$r in refs/sovsync/*) echo no chunks here >&2; exit 1;; esac; done\n" \
		>nochunks.git/hooks/pre-receive &&
	chmod +x nochunks.git/hooks/pre-receive &&
	test_must_fail git -C pc1 push ../nochunks.git HEAD:main 2>err &&
	grep "cannot push the chunks" err &&
	test_must_fail git -C nochunks.git rev-parse --verify -q refs/heads/main
'

test_expect_success 'a remote whose chunk ref was rewritten: clones keep theirs, pushes restore it' '
	tree=$(git -C remote.git hash-object -w -t tree /dev/null) &&
	bad=$(git -C remote.git commit-tree -m rewritten $tree) &&
	git -C remote.git update-ref refs/sovsync/chunks $bad &&
	git -C remote.git gc -q --prune=now &&
	first=$(git -C pc1 cat-file blob HEAD:$F | tail -c +57 | head -c 40) &&
	test_must_fail git -C remote.git cat-file -e $first &&
	git -C pc3 fetch -q origin &&
	test "$(git -C pc3 rev-parse refs/sovsync/remotes/origin/chunks)" = $bad &&
	git -C pc3 gc -q --prune=now &&
	rm "pc3/$F" &&
	git -C pc3 checkout -- "$F" &&
	cmp "pc3/$F" big.orig &&
	git -C pc3 checkout -q HEAD -- "$F" &&
	cmp "pc3/$F" big.v2 &&
	echo pc2 >pc2/shared/documents/pc2.txt &&
	git -C pc2 add -A && git -C pc2 commit -q -m pc2 &&
	git -C pc2 push -q origin HEAD:main &&
	git -C pc1 pull -q --no-rebase &&
	git -C pc1 push -q origin HEAD:main &&
	git -C remote.git merge-base --is-ancestor $bad refs/sovsync/chunks &&
	git -C remote.git gc -q --prune=now &&
	sovsync clone "file://$TRASH/remote.git" pc8 >out &&
	cmp "pc8/$F" big.v2 &&
	cmp pc8/shared/documents/ingested/a.bin a.bin &&
	cmp pc8/shared/documents/ingested/b.bin b.bin &&
	cmp pc8/shared/documents/ingested/c.bin c.bin
'

test_expect_success 'uninstall removes the fetch refspec install added' '
	sovsync uninstall --repo pc1 >out &&
	test_must_fail git -C pc1 config --get-all remote.origin.fetch "refs/sovsync"
'

test_done
