#!/bin/sh
# sovsync sync and watch against a remote served over HTTP on loopback
# (git http-backend behind Python's CGI server): the web server stopped for
# a while and restarted loses nothing, health goes to failing and back.
#
# Every wait is a poll with a bound (wait_until); no test asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

BACKEND=$(git --exec-path)/git-http-backend
if ! test_have python3 || ! test -x "$BACKEND"; then
	echo "1..0 # SKIP python3 and git http-backend are needed for the HTTP server"
	exit 0
fi

# server_start: serve $TRASH/srv over HTTP on 127.0.0.1; the port is chosen
# by the first start and kept in $TRASH/port for the restarts.
server_start() {
	python3 - "$TRASH/srv" "$TRASH/port" >>"$TRASH/http.log" 2>&1 <<-\PY &
	import http.server, os, sys
	root, portfile = sys.argv[1], sys.argv[2]
	os.chdir(root)
	# Run as ourselves: as root the handler would switch to "nobody",
	# who cannot enter the trash directory.
	http.server.nobody_uid = os.getuid
	port = int(open(portfile).read()) if os.path.exists(portfile) else 0
	srv = http.server.ThreadingHTTPServer(("127.0.0.1", port),
	                                      http.server.CGIHTTPRequestHandler)
	if not port:
	    open(portfile + ".new", "w").write(str(srv.server_address[1]))
	    os.rename(portfile + ".new", portfile)
	open(portfile + ".up", "w").close()
	srv.serve_forever()
	PY
	echo $! >"$TRASH/server.pid" &&
	wait_until 30 test -e "$TRASH/port.up"
}

server_stop() {
	kill -TERM "$(cat "$TRASH/server.pid")" &&
	wait_until 30 gone "$(cat "$TRASH/server.pid")" &&
	rm -f "$TRASH/port.up"
}

server_cleanup() {
	for _pidfile in "$TRASH/server.pid" "$TRASH/hang.pid"; do
		test -f "$_pidfile" && kill -TERM "$(cat "$_pidfile")" 2>/dev/null
	done
	sync_cleanup
}
trap server_cleanup EXIT

test_expect_success 'setup: a remote over HTTP and two clones of it' '
	mkdir -p srv/cgi-bin &&
	cat >srv/cgi-bin/git <<-EOF &&
	#!/bin/sh
	GIT_PROJECT_ROOT="$TRASH" GIT_HTTP_EXPORT_ALL=1 exec "$BACKEND"
	EOF
	chmod +x srv/cgi-bin/git &&
	git init -q --bare remote.git &&
	git -C remote.git config http.receivepack true &&
	server_start &&
	url="http://127.0.0.1:$(cat port)/cgi-bin/git/remote.git" &&
	git clone -q "$url" a 2>/dev/null &&
	mkdir -p a/shared &&
	echo seed >a/shared/seed &&
	git -C a add shared &&
	git -C a commit -q -m seed &&
	git -C a push -q origin HEAD:main &&
	git clone -q "$url" b &&
	test "$(cat b/shared/seed)" = seed
'

test_expect_success 'sync over HTTP: one side commits and pushes, the other pulls' '
	echo one >a/shared/one.md &&
	(cd a && sovsync sync -q) &&
	remote_has shared/one.md one &&
	(cd b && sovsync sync -q) &&
	test "$(cat b/shared/one.md)" = one
'

test_expect_success 'web server down: the commit stays local, health goes to failing' '
	server_stop &&
	cd a &&
	echo off1 >shared/off1.md &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "git fetch: .*127.0.0.1" "$TRASH/err" &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/off1.md")" &&
	echo off2 >shared/off2.md &&
	test_expect_code 1 sovsync sync 2>/dev/null &&
	test_expect_code 1 sovsync sync 2>/dev/null &&
	test "$(health .)" = failing &&
	! remote_has shared/off1.md
'

test_expect_success 'web server back: everything arrives, health is healthy again' '
	server_start &&
	(cd a && sovsync sync -q) &&
	test "$(health a)" = healthy &&
	remote_has shared/off1.md off1 &&
	remote_has shared/off2.md off2 &&
	(cd b && sovsync sync -q) &&
	test "$(cat b/shared/off2.md)" = off2
'

test_expect_success 'watchers over HTTP ride out a server outage' '
	start_watch a --debounce=0.3 --pull-interval=1 --backoff-max=1 &&
	start_watch b --debounce=0.3 --pull-interval=1 --backoff-max=1 &&
	server_stop &&
	echo wa >a/shared/wa.md &&
	echo wb >b/shared/wb.md &&
	wait_until 60 health_is a failing &&
	wait_until 60 health_is b failing &&
	server_start &&
	wait_until 60 test -f a/shared/wb.md &&
	wait_until 60 test -f b/shared/wa.md &&
	wait_until 60 health_is a healthy &&
	wait_until 60 health_is b healthy &&
	remote_has shared/wa.md wa &&
	remote_has shared/wb.md wb &&
	stop_watch a &&
	stop_watch b
'

test_expect_success 'a server that accepts and never answers: the cycle gives up' '
	silent_server "$TRASH/http.log" &&
	cd a &&
	git remote add stall "http://127.0.0.1:$(cat ../hang.port)/stall.git" &&
	git config sovsync.remote stall &&
	git config sovsync.sync.networkTimeout 1s &&
	echo stalled >shared/stalled.md &&
	# The bound is generous; without the timeout the fetch hangs for good.
	test_expect_code 1 timeout 120 sovsync sync 2>"$TRASH/err" &&
	grep "git fetch" "$TRASH/err" &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/stalled.md")" &&
	kill "$(cat ../hang.pid)" &&
	git config --unset sovsync.remote &&
	sovsync sync -q &&
	remote_has shared/stalled.md stalled
'

test_done
