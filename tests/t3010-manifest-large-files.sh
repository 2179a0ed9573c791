#!/bin/sh
# The manifest hashes large files streaming: committing a 1 GiB file under
# the synced root (tracked by the large-file filter; or a 256 MiB file stored
# plain, which `git add` writes straight into a pack) keeps the peak RSS of the commit, hooks included,
# under 64 MiB.  /usr/bin/time reports the largest RSS of git and every
# process it waited for (the hook script and sovsync).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

if ! [ -x /usr/bin/time ]; then
	test_skip 'peak RSS of a 1 GiB commit' '/usr/bin/time missing (apt package time)'
	test_done
fi

LIMIT_KIB=65536
GIB=1073741824

# peak_rss FILE CMD...: run CMD, write its peak RSS (KiB) to FILE.
peak_rss() {
	out=$1 && shift &&
	/usr/bin/time -f %M -o "$out" "$@" &&
	echo "peak RSS $(cat "$out") KiB: $*" >&2
}

test_expect_success 'a 1 GiB tracked file is committed in bounded memory' '
	sov_setup r &&
	cd r &&
	sovsync track "*.bin" >/dev/null &&
	mkdir -p "shared/big dir" &&
	truncate -s $GIB "shared/big dir/zero.bin" &&
	# An old mtime: the index entry is not racy, so git commit itself does
	# not read the file again.
	touch -d 2020-01-01 "shared/big dir/zero.bin" &&
	git add .gitattributes "shared/big dir/zero.bin" &&
	test_tick &&
	peak_rss ../rss git commit -q -m big &&
	test "$(cat ../rss)" -le $LIMIT_KIB &&
	cd .. &&
	sov_fresh r &&
	test "$(sov_entry r "big dir/zero.bin" size)" = $GIB &&
	sum=$(head -c $GIB /dev/zero | sha256sum | cut -d" " -f1) &&
	test "$(sov_entry r "big dir/zero.bin" hash)" = "sha256:$sum"
'

test_expect_success 'sovsync verify of that commit stays in bounded memory too' '
	cd r &&
	peak_rss ../rss sovsync verify &&
	test "$(cat ../rss)" -le $LIMIT_KIB
'

test_expect_success 'a 256 MiB plain file (packed by git add) is hashed in bounded memory' '
	cd r &&
	# Not zeros: a repeated block of noise, which Git stores plain.
	test_random_file ../block 1048576 7 &&
	i=0 && while [ $i -lt 256 ]; do cat ../block; i=$((i + 1)); done >shared/plain.dat &&
	touch -d 2020-01-01 shared/plain.dat &&
	# Files over core.bigFileThreshold (512 MiB by default) go straight
	# into a pack; a lower threshold gets the same with a smaller file.
	git -c core.bigFileThreshold=16m add shared/plain.dat &&
	test "$(git count-objects -v | sed -n "s/^in-pack: //p")" -ge 1 &&
	test_tick &&
	peak_rss ../rss git commit -q -m plain &&
	test "$(cat ../rss)" -le $LIMIT_KIB &&
	cd .. &&
	sov_fresh r &&
	sum=$(sha256sum <r/shared/plain.dat | cut -d" " -f1) &&
	test "$(sov_entry r plain.dat hash)" = "sha256:$sum" &&
	test "$(sov_entry r plain.dat size)" = $((GIB / 4))
'

test_expect_success 'a damaged stored form: the hook names the file, the commit goes on' '
	cd r &&
	{ printf "\211SOVSYNC\001"; head -c 40 /dev/zero; } >shared/bad.bin &&
	blob=$(git hash-object -w --no-filters shared/bad.bin) &&
	git update-index --add --cacheinfo 100644,$blob,shared/bad.bin &&
	test_tick &&
	git commit -q -m bad 2>err &&
	grep "sovsync: pre-commit hook: shared/bad.bin: blob $blob: corrupt" err &&
	test "$(git log -1 --format=%s)" = bad
'

test_done
