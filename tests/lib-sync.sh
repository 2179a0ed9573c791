# tests/lib-sync.sh - helpers for the sync and watch tests (t50xx).
#
# Source after lib.sh.  Watchers started with start_watch are stopped when
# the script exits, whatever happened to the tests.

# jget FILE KEY.PATH: a value of a JSON file (arrays: their length).
jget() {
	perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or die; my $j = decode_json(<$f>);
		for my $k (split /\./, $ARGV[1]) { $j = ref $j eq "HASH" ? $j->{$k} : undef }
		print defined $j ? (ref $j eq "ARRAY" ? scalar(@$j) : $j) : "null", "\n"' "$1" "$2"
}

# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds; fail
# (with a message) after SECONDS.  A bound, never an assertion on time.
wait_until() {
	_wu_secs=$1
	_wu_limit=$(($1 * 10))
	shift
	_wu_i=0
	while ! "$@" >/dev/null 2>&1; do
		_wu_i=$((_wu_i + 1))
		if [ $_wu_i -ge $_wu_limit ]; then
			echo "wait_until: still false after $_wu_secs s: $*" >&2
			return 1
		fi
		sleep 0.1
	done
}

# sync_setup: a bare remote.git and two clones, a and b, sharing one
# commit with shared/seed.
sync_setup() {
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	mkdir -p a/shared &&
	echo seed >a/shared/seed &&
	git -C a add shared &&
	git -C a commit -q -m seed &&
	git -C a push -q origin HEAD:main &&
	git clone -q remote.git b
}

# remote_has PATH [CONTENT]: the remote's main has PATH (with CONTENT).
remote_has() {
	if [ $# -gt 1 ]; then
		test "$(git -C "$TRASH/remote.git" show "main:$1" 2>/dev/null)" = "$2"
	else
		git -C "$TRASH/remote.git" cat-file -e "main:$1" 2>/dev/null
	fi
}

# health DIR: the health status in DIR's metrics.
health() {
	sed -n 's/^ *"status": "\(.*\)".*/\1/p' "$1/.git/sovsync/metrics.json" 2>/dev/null
}

# health_is DIR STATUS
health_is() {
	test "$(health "$1")" = "$2"
}

# sovsync_commits DIR: how many commits made by sovsync are in DIR's HEAD.
sovsync_commits() {
	git -C "$1" log --format=%s | grep -c '^sovsync: '
}

# start_watch DIR [ARGS...]: `sovsync watch` in DIR, in the background;
# its pid in $TRASH/DIR.pid, its standard error in $TRASH/DIR.log.
start_watch() {
	_sw_dir=$1
	shift
	(cd "$TRASH/$_sw_dir" && exec sovsync watch "$@") >"$TRASH/$_sw_dir.log" 2>&1 &
	echo $! >"$TRASH/$_sw_dir.pid"
	echo $! >>"$TRASH/.watchers"
	# Started once it has logged its first line.
	wait_until 30 grep -q "watching" "$TRASH/$_sw_dir.log"
}

# gone PID: the process has exited (a zombie counts as exited).
gone() {
	! kill -0 "$1" 2>/dev/null ||
	test "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" = Z
}

# stop_watch DIR: SIGTERM the watcher of DIR and wait until it is gone.
# Its exit status is then in $TRASH/DIR.status when it was started by the
# same test body.
stop_watch() {
	_sw_pid=$(cat "$TRASH/$1.pid")
	kill -TERM "$_sw_pid" 2>/dev/null || true
	wait_until 30 gone "$_sw_pid" &&
	if wait "$_sw_pid" 2>/dev/null; then
		echo 0 >"$TRASH/$1.status"
	else
		echo $? >"$TRASH/$1.status"
	fi
}

sync_cleanup() {
	if [ -f "$TRASH/.watchers" ]; then
		while read -r _pid; do
			kill -TERM "$_pid" 2>/dev/null
		done <"$TRASH/.watchers"
		sleep 0.2
	fi
	test_cleanup
}
trap sync_cleanup EXIT
# lib.sh turns INT and TERM into an exit (so the EXIT trap runs); do the
# same for a closed pipe (`sh t5001-watch.sh | head`) and a hang-up, or the
# watchers, pulling every second, would outlive the script.
trap 'exit 141' PIPE
trap 'exit 129' HUP

# silent_server LOG: a TCP server on 127.0.0.1 that accepts connections and
# never answers (a stalled remote), in the background; its port in
# $TRASH/hang.port, its pid in $TRASH/hang.pid, its output appended to LOG.
silent_server() {
	python3 - "$TRASH/hang.port" >>"$1" 2>&1 <<-\PY &
	import os, socket, sys
	s = socket.socket()
	s.bind(("127.0.0.1", 0))
	s.listen(16)
	open(sys.argv[1] + ".new", "w").write(str(s.getsockname()[1]))
	os.rename(sys.argv[1] + ".new", sys.argv[1])
	held = []
	while True:
	    c, _ = s.accept()
	    held.append(c)     # read nothing, answer nothing
	PY
	echo $! >"$TRASH/hang.pid" &&
	wait_until 30 test -e "$TRASH/hang.port"
}
