#!/bin/sh
# sovsync sync: one cycle against a bare remote over file://.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

test_expect_success 'setup: a bare remote and two clones' '
	sync_setup &&
	test "$(git -C b log --format=%s)" = seed
'

test_expect_success 'new, modified and deleted files go into one commit' '
	cd a &&
	mkdir -p shared/docs/deep &&
	echo one >shared/docs/one.md &&
	echo two >shared/docs/deep/two.md &&
	echo changed >shared/seed &&
	sovsync sync >"$TRASH/out" &&
	grep "^ok .*committed 3 files" "$TRASH/out" &&
	git log --no-merges -1 --format=%s >"$TRASH/subject" &&
	echo "sovsync: 3 files from local" >"$TRASH/expect" &&
	test_cmp "$TRASH/expect" "$TRASH/subject" &&
	git log --no-merges -1 --format=%b | sed "/^\$/d" >"$TRASH/body" &&
	printf "A\tshared/docs/deep/two.md\nA\tshared/docs/one.md\nM\tshared/seed\n" >"$TRASH/expect" &&
	test_cmp "$TRASH/expect" "$TRASH/body" &&
	rm shared/docs/one.md &&
	sovsync sync >"$TRASH/out" &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "D\tshared/docs/one.md")" &&
	remote_has shared/docs/deep/two.md two &&
	! remote_has shared/docs/one.md &&
	test -z "$(git status --porcelain)"
'

test_expect_success 'the other clone gets the changes; sovsync.source names the batch' '
	cd b &&
	git config sovsync.source laptop &&
	sovsync sync &&
	test "$(cat shared/docs/deep/two.md)" = two &&
	test ! -e shared/docs/one.md &&
	echo from-b >shared/b.md &&
	sovsync sync &&
	test "$(git log --no-merges -1 --format=%s)" = "sovsync: 1 file from laptop"
'

test_expect_success 'files outside the root and editor scratch files stay out' '
	cd a &&
	echo notes >outside.txt &&
	echo x >shared/.one.md.swp &&
	echo x >shared/backup~ &&
	echo x >shared/4913 &&
	echo y >shared/real.md &&
	sovsync sync &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/real.md")" &&
	git status --porcelain >"$TRASH/st" &&
	grep "?? outside.txt" "$TRASH/st" &&
	grep "?? shared/.one.md.swp" "$TRASH/st" &&
	rm shared/.one.md.swp shared/backup~ shared/4913
'

test_expect_success 'what the user staged outside the root stays staged and out' '
	cd a &&
	git add outside.txt &&
	echo z >shared/z.md &&
	sovsync sync &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/z.md")" &&
	git diff --cached --name-only >"$TRASH/staged" &&
	echo outside.txt >"$TRASH/expect" &&
	test_cmp "$TRASH/expect" "$TRASH/staged" &&
	git diff --cached --quiet -- shared &&
	git reset -q
'

test_expect_success '--dry-run lists the batch and changes nothing' '
	cd a &&
	echo dry >shared/dry.md &&
	rm shared/z.md &&
	head=$(git rev-parse HEAD) &&
	sovsync sync --dry-run >"$TRASH/out" &&
	grep "^sovsync: 2 files from local" "$TRASH/out" &&
	grep "^A	shared/dry.md" "$TRASH/out" &&
	grep "^D	shared/z.md" "$TRASH/out" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	git diff --cached --quiet &&
	sovsync sync -q >"$TRASH/out" &&
	test ! -s "$TRASH/out" &&
	test "$(git rev-parse HEAD)" != "$head"
'

test_expect_success 'nothing to do: no commit, exit 0, still counted' '
	cd a &&
	head=$(git rev-parse HEAD) &&
	sovsync sync >"$TRASH/out" &&
	grep "up to date" "$TRASH/out" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	grep "\"successfulSyncs\"" .git/sovsync/metrics.json &&
	test "$(health .)" = healthy
'

test_expect_success 'the commit goes through git commit: hooks apply' '
	cd a &&
	cat >.git/hooks/commit-msg <<-\EOF &&
	#!/bin/sh
	printf "\nHooked-by: commit-msg\n" >>"$1"
	EOF
	chmod +x .git/hooks/commit-msg &&
	echo h >shared/hooked.md &&
	sovsync sync &&
	git log -1 --format=%B | grep "^Hooked-by: commit-msg" &&
	rm .git/hooks/commit-msg
'

test_expect_success 'a push rejected because the remote moved is merged and retried' '
	echo b1 >b/shared/b1.md &&
	(cd b && sovsync sync) &&
	# While a merges b1, b pushes again: the first push from a is rejected.
	cat >a/.git/hooks/post-merge <<-EOF &&
	#!/bin/sh
	test -e "$TRASH/moved" && exit 0
	touch "$TRASH/moved"
	unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
	cd "$TRASH/b" && echo b2 >shared/b2.md && sovsync sync -q
	EOF
	chmod +x a/.git/hooks/post-merge &&
	echo a1 >a/shared/a1.md &&
	(cd a && sovsync sync >../out) &&
	test -e moved &&
	grep "2 push attempts" "$TRASH/out" &&
	remote_has shared/a1.md a1 &&
	remote_has shared/b2.md b2 &&
	test -f a/shared/b2.md &&
	rm a/.git/hooks/post-merge
'

test_expect_success 'remote unavailable: local commit kept, failing, then healthy' '
	mv remote.git remote.away &&
	cd a &&
	echo offline1 >shared/off1.md &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "git fetch" "$TRASH/err" &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/off1.md")" &&
	test "$(health .)" = degraded &&
	echo offline2 >shared/off2.md &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	test "$(health .)" = failing &&
	grep "\"consecutiveFailures\": 3" .git/sovsync/metrics.json &&
	grep "\"lastError\": \"git fetch" .git/sovsync/metrics.json &&
	mv ../remote.away ../remote.git &&
	sovsync sync &&
	test "$(health .)" = healthy &&
	remote_has shared/off1.md offline1 &&
	remote_has shared/off2.md offline2 &&
	grep " failed " .git/sovsync/log
'

test_expect_success 'a held index.lock is waited out, never removed' '
	cd a &&
	: >.git/index.lock &&
	echo locked >shared/locked.md &&
	{ (sovsync sync >../sync.out 2>../sync.err; echo $? >../sync.rc) & } &&
	wait_until 30 grep -q "waiting for .*index.lock" ../sync.err &&
	test -e .git/index.lock &&
	test ! -e ../sync.rc &&
	rm .git/index.lock &&
	wait_until 60 test -e ../sync.rc &&
	test "$(cat ../sync.rc)" = 0 &&
	remote_has shared/locked.md locked
'

test_expect_success 'an index.lock held past sovsync.sync.lockTimeout: fail, lock kept' '
	cd a &&
	: >.git/index.lock &&
	echo locked2 >shared/locked2.md &&
	head=$(git rev-parse HEAD) &&
	git config sovsync.sync.lockTimeout 300ms &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "index.lock: held by another git process" "$TRASH/err" &&
	test -e .git/index.lock &&
	test "$(git rev-parse HEAD)" = "$head" &&
	rm .git/index.lock &&
	git config --unset sovsync.sync.lockTimeout &&
	sovsync sync &&
	remote_has shared/locked2.md locked2
'

test_expect_success 'a conflict outside the synced files: merge aborted, flagged, exit 3' '
	(cd b && sovsync sync -q && echo b >README && git add README &&
	 git commit -q -m "b readme" && git push -q origin main) &&
	cd a &&
	echo a >README && git add README && git commit -q -m "a readme" &&
	echo mine >shared/mine.md &&
	test_expect_code 3 sovsync sync 2>"$TRASH/err" &&
	grep "stopped on conflicts in README; merge aborted" "$TRASH/err" &&
	test ! -e .git/MERGE_HEAD &&
	test -z "$(git status --porcelain --untracked-files=no)" &&
	test "$(cat README)" = a &&
	test "$(git log --no-merges -1 --format=%s)" = "sovsync: 1 file from local" &&
	grep "\"README\"" .git/sovsync/sync-conflict.json &&
	grep "\"lastError\": \"merge of origin/main stopped" .git/sovsync/metrics.json &&
	grep " conflict " .git/sovsync/log
'

test_expect_success 'later cycles keep committing, and a resolved merge clears the flag' '
	cd a &&
	echo more >shared/more.md &&
	test_expect_code 3 sovsync sync 2>"$TRASH/err" &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/more.md")" &&
	test ! -e .git/MERGE_HEAD &&
	test_must_fail git merge -q origin/main >/dev/null 2>&1 &&
	echo resolved >README && git add README && git commit -q --no-edit &&
	sovsync sync &&
	test ! -e .git/sovsync/sync-conflict.json &&
	remote_has shared/more.md more &&
	remote_has README resolved &&
	test "$(health .)" = healthy
'

test_expect_success 'a merge in progress by the user is left alone' '
	cd a &&
	git fetch -q &&
	(cd ../b && sovsync sync -q && echo b2 >README && git commit -q -am b2 && git push -q) &&
	echo a2 >README && git commit -q -am a2 &&
	git fetch -q && test_must_fail git merge -q origin/main >/dev/null 2>&1 &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "merge, rebase or similar is in progress" "$TRASH/err" &&
	test -e .git/MERGE_HEAD &&
	git merge --abort
'

test_expect_success 'detached HEAD and a branch other than sovsync.branch are refused' '
	cd b &&
	git checkout -q --detach &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "HEAD is detached" "$TRASH/err" &&
	git checkout -q main &&
	git config sovsync.branch other &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "on branch .main. but sovsync.branch is .other." "$TRASH/err" &&
	git config --unset sovsync.branch
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 sovsync sync --bogus 2>"$TRASH/err" &&
	grep "usage: sovsync sync" "$TRASH/err" &&
	sovsync sync --help >"$TRASH/out" &&
	grep "Exit status" "$TRASH/out"
'

test_done
