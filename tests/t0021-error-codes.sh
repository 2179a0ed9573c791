#!/bin/sh
# Typed error codes (src/util/error.h): callers that must tell one failure from
# another branch on the code, never on the message text or a left-over
# errno.  The visible cases: a lock that another process holds (ELOCKED)
# versus a lock file that cannot be opened at all.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

test_expect_success 'setup' '
	sync_setup &&
	mkdir -p a/.git/sovsync
'

test_expect_success 'watch: a lock another process holds is "another watch"' '
	test_expect_code 1 flock a/.git/sovsync/watch.lock \
		sh -c "cd a && exec sovsync watch" 2>err &&
	grep "another sovsync watch is running here" err
'

test_expect_success 'watch: a lock file that cannot be opened is that, not "another watch"' '
	rm -f a/.git/sovsync/watch.lock &&
	mkdir a/.git/sovsync/watch.lock &&
	test_when_finished "rmdir a/.git/sovsync/watch.lock" &&
	test_expect_code 1 sh -c "cd a && exec sovsync watch" 2>err &&
	grep "watch.lock: cannot open lock: Is a directory" err &&
	! grep "another sovsync watch" err
'

test_expect_success 'watch: a dangling link as the lock file is not "another watch" either' '
	ln -s "$TRASH/nowhere/watch.lock" a/.git/sovsync/watch.lock &&
	test_when_finished "rm -f a/.git/sovsync/watch.lock" &&
	test_expect_code 1 sh -c "cd a && exec sovsync watch" 2>err &&
	grep "watch.lock: cannot open lock: No such file or directory" err &&
	! grep "another sovsync watch" err &&
	! test -e nowhere
'

test_expect_success 'sync: an unopenable lock fails at once, without waiting for "another sync"' '
	mkdir a/.git/sovsync/sync.lock &&
	test_when_finished "rmdir a/.git/sovsync/sync.lock" &&
	test_expect_code 1 sh -c "cd a && exec sovsync sync" 2>err &&
	grep "sync.lock: cannot open lock: Is a directory" err &&
	! grep "waiting for another sync" err &&
	! grep "another sync is running" err
'

test_expect_success 'sync: a held lock is waited for, then named' '
	git -C a config sovsync.sync.lockTimeout 1s &&
	test_expect_code 1 flock a/.git/sovsync/sync.lock \
		sh -c "cd a && exec sovsync sync" 2>err &&
	grep "waiting for another sync to finish" err &&
	grep "another sync is running" err
'

test_done
