#!/bin/sh
# sovsync sync with files above sovsync.maxObjectSize: the cycle's push
# takes the chunks first (pre-push), the cycle's fetch brings them (the
# refspec install adds), so a remote refusing objects over the limit gets
# everything, and two PCs adding chunked files in the same round both end
# with both files, byte for byte, even after `git gc --prune=now`.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

LIMIT=1048576
D=shared/documents/ingested

test_expect_success 'setup: a remote refusing objects over 1 MiB, two installed PCs' '
	git init -q --bare remote.git &&
	cat >remote.git/hooks/pre-receive <<-EOF &&
	#!/bin/sh
	while read old new ref; do
		case \$new in 0000000000000000000000000000000000000000) continue ;; esac
		git rev-list --objects "\$new" --not --all | cut -d" " -f1 |
		git cat-file --batch-check="%(objectsize)" | while read size; do
			[ "\$size" -le $LIMIT ] || { echo "object of \$size bytes refused" >&2; exit 1; }
		done || exit 1
	done
	EOF
	chmod +x remote.git/hooks/pre-receive &&
	git config --global sovsync.maxObjectSize 1m &&
	git clone -q remote.git a 2>/dev/null &&
	git -C a commit -q --allow-empty -m initial &&
	sovsync install --repo a >/dev/null &&
	git -C a add -A && git -C a commit -q -m layout &&
	git -C a push -q origin HEAD:main &&
	git clone -q remote.git b &&
	sovsync install --repo b >/dev/null
'

test_expect_success 'sync pushes a 6 MiB file to the limited remote as chunks' '
	test_random_file one.bin $((6 * 1024 * 1024)) 21 &&
	cp one.bin a/$D/one.bin &&
	(cd a && sovsync sync >"$TRASH/out") &&
	git -C remote.git rev-parse --verify -q refs/sovsync/chunks &&
	git -C remote.git cat-file -e main:$D/one.bin
'

test_expect_success 'the other PC syncs it in, byte for byte' '
	(cd b && sovsync sync >"$TRASH/out") &&
	cmp b/$D/one.bin one.bin &&
	git -C b rev-parse --verify -q refs/sovsync/remotes/origin/chunks
'

test_expect_success 'both PCs add a chunked file in the same round; both end with both' '
	test_random_file two.bin $((3 * 1024 * 1024)) 22 &&
	test_random_file three.bin $((3 * 1024 * 1024)) 23 &&
	cp two.bin a/$D/two.bin &&
	cp three.bin b/$D/three.bin &&
	(cd a && sovsync sync >"$TRASH/out") &&
	(cd b && sovsync sync >"$TRASH/out") &&
	(cd a && sovsync sync >"$TRASH/out") &&
	test -n "$(git -C remote.git rev-list --merges refs/sovsync/chunks)" &&
	git -C remote.git gc -q --prune=now &&
	git -C a gc -q --prune=now &&
	git -C b gc -q --prune=now &&
	for pc in a b; do
		rm $pc/$D/*.bin &&
		git -C $pc checkout -- $D &&
		cmp $pc/$D/one.bin one.bin &&
		cmp $pc/$D/two.bin two.bin &&
		cmp $pc/$D/three.bin three.bin || exit 1
	done
'

test_done
