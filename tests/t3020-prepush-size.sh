#!/bin/sh
# The host's size limit is checked before the push (pre-push hook): a push
# that would carry an object larger than sovsync.maxObjectSize is refused
# with the file, its size and the fix, whatever stored the object (plain,
# the filter, an older commit), and nothing reaches the remote.  A small
# limit (1 MiB) keeps the files small.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

remote_tip() {
	git --git-dir=remote.git rev-parse --verify -q refs/heads/main || echo none
}

test_expect_success 'setup: a clone with sovsync, a bare remote, a 1 MiB limit' '
	git init -q --bare remote.git &&
	git clone -q remote.git r 2>/dev/null &&
	git -C r commit -q --allow-empty -m initial &&
	sovsync install --repo r >/dev/null &&
	sov_driver_fallbacks r &&
	git -C r add -A && test_tick && git -C r commit -q -m layout &&
	git -C r push -q origin HEAD:main &&
	test -x r/.git/hooks/pre-push &&
	git -C r config sovsync.maxObjectSize 1m
'

test_expect_success 'a push under the limit goes through' '
	test_random_file r/shared/small.bin 100000 1 &&
	git -C r add shared && test_tick && git -C r commit -q -m small &&
	git -C r push -q origin HEAD:main &&
	test "$(remote_tip)" = "$(git -C r rev-parse HEAD)"
'

test_expect_success 'a file over the limit: refused before sending, with the file, size and fix' '
	before=$(remote_tip) &&
	test_random_file r/shared/big.dat 1500000 2 &&
	git -C r add shared && test_tick && git -C r commit -q -m big &&
	test_must_fail git -C r push origin HEAD:main 2>err &&
	grep "^sovsync: shared/big.dat: 1.43 MiB (blob [0-9a-f]*) is larger than sovsync.maxObjectSize (1.00 MiB)$" err &&
	grep "git rm --cached" err &&
	grep "sovsync.maxObjectSize if the host" err &&
	test "$(remote_tip)" = "$before" &&
	! git --git-dir=remote.git cat-file -e "$(git -C r rev-parse HEAD:shared/big.dat)" 2>/dev/null
'

test_expect_success 'in an older commit, under the filter, whatever stored it: refused' '
	before=$(remote_tip) &&
	(cd r && sovsync track "shared/*.rnd" >/dev/null) &&
	test_random_file r/shared/noise.rnd 1200000 3 &&
	# Stored whole by a clone whose limit was higher (no chunks): one
	# 1.1 MiB stored form, which this clone'"'"'s 1 MiB limit refuses.
	git -C r config sovsync.maxObjectSize 10m &&
	git -C r add -A && test_tick && git -C r commit -q -m "noise, stored by the filter" &&
	git -C r config sovsync.maxObjectSize 1m &&
	git -C r cat-file blob HEAD:shared/noise.rnd | head -c 8 | od -An -c | grep "S   O   V" &&
	echo later >r/shared/later.txt &&
	git -C r add shared && test_tick && git -C r commit -q -m later &&
	test_must_fail git -C r push origin HEAD:main 2>err &&
	grep "^sovsync: shared/big.dat: " err &&
	grep "^sovsync: shared/noise.rnd: 1.1[0-9] MiB" err &&
	grep "the host refuses objects this large" err &&
	test "$(remote_tip)" = "$before"
'

test_expect_success 'a push to a URL (no remote name) is checked the same way' '
	before=$(remote_tip) &&
	test_must_fail git -C r push "$TRASH/remote.git" HEAD:main 2>err &&
	grep "^sovsync: shared/big.dat: " err &&
	test "$(remote_tip)" = "$before"
'

test_expect_success 'a higher limit lets the same push through' '
	git -C r config sovsync.maxObjectSize 2m &&
	git -C r push -q origin HEAD:main &&
	test "$(remote_tip)" = "$(git -C r rev-parse HEAD)"
'

test_expect_success 'what the remote has already is not counted again; deletions pass' '
	git -C r config sovsync.maxObjectSize 1m &&
	echo more >r/shared/more.txt &&
	git -C r add shared && test_tick && git -C r commit -q -m more &&
	git -C r push -q origin HEAD:main &&
	git -C r push -q origin HEAD:refs/heads/extra &&
	git -C r push -q origin :refs/heads/extra &&
	test_must_fail git --git-dir=remote.git rev-parse -q --verify refs/heads/extra
'

test_expect_success 'a chained pre-push of another tool still runs and gets the refs' '
	sovsync uninstall --repo r >/dev/null &&
	printf "#!/bin/sh\ncat >\"%s/chained.in\"\nexit 0\n" "$TRASH" >r/.git/hooks/pre-push &&
	chmod +x r/.git/hooks/pre-push &&
	sovsync install --repo r >/dev/null &&
	test -x r/.git/hooks/pre-push.sovsync-chained &&
	test_random_file r/shared/big2.dat 1100000 4 &&
	git -C r add shared && test_tick && git -C r commit -q -m big2 &&
	test_must_fail git -C r push origin HEAD:main 2>err &&
	grep "^sovsync: shared/big2.dat: " err &&
	grep " refs/heads/main " chained.in
'

test_expect_success 'a foreign pre-push that refuses still refuses first' '
	printf "#!/bin/sh\necho foreign says no >&2\nexit 3\n" >r/.git/hooks/pre-push.sovsync-chained &&
	test_expect_code 1 git -C r push origin HEAD:main 2>err &&
	grep "foreign says no" err &&
	! grep "^sovsync: shared/big2.dat" err
'

test_expect_success 'an invalid limit is a warning, not a refusal of sovsync'"'"'s making' '
	rm r/.git/hooks/pre-push.sovsync-chained &&
	git -C r reset -q --hard HEAD~1 &&
	echo small >r/shared/s.txt && git -C r add shared && test_tick && git -C r commit -q -m s &&
	git -C r config sovsync.maxObjectSize 0 &&
	git -C r push -q origin HEAD:main 2>err &&
	grep "sovsync.maxObjectSize" err &&
	test "$(remote_tip)" = "$(git -C r rev-parse HEAD)"
'

test_expect_success 'sovsync sync reports the refusal and keeps the commit' '
	git -C r config sovsync.maxObjectSize 1m &&
	test_random_file r/shared/big3.dat 1100000 5 &&
	before=$(remote_tip) &&
	(cd r && test_must_fail sovsync sync) >out 2>err &&
	grep "shared/big3.dat" err &&
	test "$(remote_tip)" = "$before" &&
	git -C r log -1 --format=%s | grep "^sovsync: "
'

test_done
