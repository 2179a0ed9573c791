#!/bin/sh
# A remote that accepts the connection and never answers: every fetch and
# push of a cycle is bounded by sovsync.networkTimeout.  The stalled git is
# stopped together with every process it started (here a fake ssh that
# connected to a silent server on 127.0.0.1), leaves no lock behind, the
# cycle fails and is logged, and the watcher backs off and keeps running.
#
# Every wait is a poll with a bound (wait_until); no test asserts on time.
# The outer `timeout` only keeps a broken build from hanging the suite.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

if ! test_have python3; then
	echo "1..0 # SKIP python3 is needed for the silent server"
	exit 0
fi

WATCH_OPTS="--debounce=0.3 --pull-interval=1 --backoff-max=1"

stall_cleanup() {
	test -f "$TRASH/hang.pid" && kill -TERM "$(cat "$TRASH/hang.pid")" 2>/dev/null
	sync_cleanup
}
trap stall_cleanup EXIT

# no_fake_ssh_left: every fake ssh started so far has exited.
no_fake_ssh_left() {
	test -s "$TRASH/ssh.pids" &&
	while read -r _pid; do
		gone "$_pid" || return 1
	done <"$TRASH/ssh.pids"
}

# no_lock_left DIR: no *.lock file anywhere in DIR's .git but sovsync's
# own flock files (which are never removed and carry no meaning on disk).
no_lock_left() {
	find "$1/.git" -name "*.lock" ! -path "*/.git/sovsync/*" >"$TRASH/locks" &&
	cat "$TRASH/locks" &&
	test ! -s "$TRASH/locks"
}

# stalled_pushes_logged N: the watcher of b has logged N failed pushes.
stalled_pushes_logged() {
	test "$(grep -c "failed .*git push: no answer" "$TRASH/b.log")" -ge "$1"
}

test_expect_success 'setup: a silent server, a fake ssh talking to it, two clones' '
	silent_server "$TRASH/hang.log" &&
	# An ssh that connects, then waits for an answer that never comes.
	cat >fake-ssh <<-EOF &&
	#!/bin/sh
	echo \$\$ >>"$TRASH/ssh.pids"
	exec python3 -c "import socket; s = socket.create_connection((\"127.0.0.1\", $(cat hang.port))); s.recv(1)"
	EOF
	chmod +x fake-ssh &&
	sync_setup &&
	for r in a b; do
		git -C $r config core.sshCommand "$TRASH/fake-ssh" &&
		git -C $r config ssh.variant ssh &&
		git -C $r config sovsync.networkTimeout 2s || return 1
	done
'

test_expect_success 'fetch from a remote that never answers: fails, commit kept, nothing left' '
	cd a &&
	git remote add stall "ssh://127.0.0.1/stall.git" &&
	git config sovsync.remote stall &&
	echo stalled >shared/stalled.md &&
	test_expect_code 1 timeout 100 sovsync sync 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	grep "git fetch: no answer for 2.0 s" "$TRASH/err" &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/stalled.md")" &&
	wait_until 10 no_fake_ssh_left &&
	no_lock_left . &&
	grep " failed .*no answer" .git/sovsync/log &&
	health_is . degraded &&
	git config --unset sovsync.remote &&
	sovsync sync -q &&
	remote_has shared/stalled.md stalled &&
	health_is . healthy
'

test_expect_success 'push to a remote that never answers: fails, commit kept, no lock' '
	cd a &&
	git config remote.origin.pushurl "ssh://127.0.0.1/stall.git" &&
	echo pushed-later >shared/later.md &&
	test_expect_code 1 timeout 100 sovsync sync 2>"$TRASH/err" &&
	grep "git push: no answer for 2.0 s" "$TRASH/err" &&
	wait_until 10 no_fake_ssh_left &&
	no_lock_left . &&
	! remote_has shared/later.md &&
	git config --unset remote.origin.pushurl &&
	sovsync sync -q &&
	remote_has shared/later.md pushed-later
'

test_expect_success 'watch: a stalled cycle fails, is logged, backs off; the watcher lives on' '
	cd b &&
	git config remote.origin.pushurl "ssh://127.0.0.1/stall.git" &&
	start_watch b $WATCH_OPTS &&
	echo from-b >shared/from-b.md &&
	wait_until 100 grep -q "failed .*git push: no answer.*; retry in" "$TRASH/b.log" &&
	wait_until 100 stalled_pushes_logged 3 &&
	kill -0 "$(cat "$TRASH/b.pid")" &&
	health_is . failing &&
	git config --unset remote.origin.pushurl &&
	wait_until 100 remote_has shared/from-b.md from-b &&
	wait_until 100 health_is . healthy &&
	kill -0 "$(cat "$TRASH/b.pid")" &&
	stop_watch b &&
	wait_until 10 no_fake_ssh_left &&
	no_lock_left .
'

test_expect_success 'networkTimeout 0 is no limit: a remote silent for 1 s is waited for' '
	# A live remote that says nothing for a while before it answers.
	cat >"$TRASH/slow-ssh" <<-\EOF &&
	#!/bin/sh
	for a; do last=$a; done
	sleep 1
	exec sh -c "$last"
	EOF
	chmod +x "$TRASH/slow-ssh" &&
	cd a &&
	git config core.sshCommand "$TRASH/slow-ssh" &&
	git remote add slow "ssh://127.0.0.1$TRASH/remote.git" &&
	git config sovsync.remote slow &&
	git config sovsync.networkTimeout 0 &&
	echo patient >shared/patient.md &&
	timeout 100 sovsync sync 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	! grep "no answer" "$TRASH/err" &&
	remote_has shared/patient.md patient &&
	test "$(git rev-parse HEAD)" = "$(git rev-parse slow/main)" &&
	grep " ok .*pushed" .git/sovsync/log | tail -1 | grep -v failed &&
	# Not a value that slipped through: a negative one is refused.
	git config sovsync.networkTimeout -1 &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "sovsync.networkTimeout" "$TRASH/err" &&
	git config sovsync.networkTimeout 2s &&
	git config core.sshCommand "$TRASH/fake-ssh" &&
	git config --unset sovsync.remote
'

test_done
