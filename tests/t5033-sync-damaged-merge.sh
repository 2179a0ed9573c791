#!/bin/sh
# A merge that dies midway: the remote brings a file under filter=sovsync
# whose stored bytes are damaged, so Git's checkout stops at it (the filter
# is required) with the work tree half written and no merge state.  The
# cycle reports the path, the blob and the commit, puts the work tree back
# to HEAD, and no cycle commits the leftovers as local edits or deletions.
#
# Every wait is a poll with a bound (wait_until); no test asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"
. "$(dirname "$0")/lib-filter.sh"

WATCH_OPTS="--debounce=0.3 --pull-interval=1 --backoff-max=1"

# flip_bytes FILE OFFSET: damage FILE in place.
flip_bytes() {
	perl -e 'my ($f, $o) = @ARGV; open(my $h, "+<", $f) or die; binmode $h;
		seek($h, $o, 0); read($h, my $c, 4); seek($h, $o, 0);
		print $h join("", map { chr(ord($_) ^ 0x55) } split(//, $c)); close $h' "$1" "$2"
}

# tree_of DIR: the paths and blobs of DIR's HEAD.
tree_of() {
	git -C "$1" ls-tree -r HEAD
}

test_expect_success 'setup: two clones, a large file under the filter' '
	filter_config_global &&
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	(
		cd a &&
		mkdir -p shared/data &&
		echo "shared/**/*.bin filter=sovsync diff=sovsync -text" >.gitattributes &&
		echo seed >shared/seed &&
		echo before >shared/a-changed.md &&
		text_file shared/data/f.bin 20000 &&
		git add . &&
		git commit -q -m seed &&
		git push -q origin HEAD:main
	) &&
	git clone -q remote.git b &&
	cmp a/shared/data/f.bin b/shared/data/f.bin
'

test_expect_success 'the remote gets a commit with a damaged stored blob' '
	cd a &&
	git cat-file blob HEAD:shared/data/f.bin >"$TRASH/bad" &&
	flip_bytes "$TRASH/bad" 300 &&
	id=$(git hash-object -w --no-filters "$TRASH/bad") &&
	echo $id >"$TRASH/bad.id" &&
	git update-index --cacheinfo 100644,$id,shared/data/f.bin &&
	git rm -q shared/seed &&
	mkdir -p shared/new/deeper &&
	echo new >shared/new/deeper/new.md &&
	# Sorted before the damaged file: written before Git stops.
	echo early >shared/a-early.md &&
	echo changed >shared/a-changed.md &&
	git add shared/new shared/a-early.md shared/a-changed.md &&
	git commit -q -m "damaged" &&
	git rev-parse HEAD >"$TRASH/bad.commit" &&
	git push -q origin HEAD:main
'

test_expect_success 'sync: the merge dies, path and commit reported, work tree back at HEAD' '
	cd b &&
	echo mine >README.local &&
	echo local >shared/local.md &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	grep "merge of origin/main died midway: shared/data/f.bin" "$TRASH/err" &&
	grep "damaged blob $(cat "$TRASH/bad.id"), from commit $(cat "$TRASH/bad.commit")" "$TRASH/err" &&
	grep "work tree put back to HEAD (4 paths)" "$TRASH/err" &&
	test ! -e shared/a-early.md &&
	test "$(cat shared/a-changed.md)" = before &&
	test "$(git log -1 --format=%b)" = "$(printf "A\tshared/local.md")" &&
	git status --porcelain >"$TRASH/st" &&
	echo "?? README.local" >"$TRASH/expect" &&
	test_cmp "$TRASH/expect" "$TRASH/st" &&
	test "$(cat shared/seed)" = seed &&
	git diff --quiet HEAD -- shared &&
	git cat-file blob HEAD:shared/data/f.bin | sovsync smudge >"$TRASH/head.bin" &&
	cmp "$TRASH/head.bin" shared/data/f.bin &&
	test ! -e shared/new/deeper/new.md &&
	grep "failed .*died midway" .git/sovsync/log &&
	! health_is . healthy
'

test_expect_success 'the next cycle commits nothing of the leftovers and pushes nothing' '
	cd b &&
	tree_of . >"$TRASH/before" &&
	head=$(git rev-parse HEAD) &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "died midway: shared/data/f.bin" "$TRASH/err" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	tree_of . >"$TRASH/after" &&
	test_cmp "$TRASH/before" "$TRASH/after" &&
	test -z "$(git status --porcelain -- shared)" &&
	remote_has shared/new/deeper/new.md new &&
	! remote_has shared/local.md
'

test_expect_success 'the watcher: cycles fail and back off, nothing committed, still alive' '
	cd b &&
	head=$(git rev-parse HEAD) &&
	start_watch b $WATCH_OPTS &&
	wait_until 60 sh -c "test \$(grep -c \"died midway\" \"$TRASH/b.log\") -ge 3" &&
	kill -0 "$(cat "$TRASH/b.pid")" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	test -z "$(git status --porcelain -- shared)" &&
	grep "retry in" "$TRASH/b.log" &&
	stop_watch b
'

test_expect_success 'once the remote repairs the file, the next sync merges everything' '
	(
		cd a &&
		id=$(git rev-parse HEAD~1:shared/data/f.bin) &&
		git update-index --cacheinfo 100644,$id,shared/data/f.bin &&
		git commit -q -m "repaired" &&
		git push -q origin HEAD:main
	) &&
	cd b &&
	sovsync sync &&
	test -f shared/new/deeper/new.md &&
	test ! -e shared/seed &&
	remote_has shared/local.md local &&
	test -z "$(git status --porcelain -- shared)"
'

test_done
