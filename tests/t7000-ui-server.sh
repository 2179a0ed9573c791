#!/bin/sh
# `sovsync ui` as an HTTP server, driven by curl: the URL on the first line,
# loopback only, the token (query once, then the cookie), Host and Origin
# checks, paths outside the assets, POST-only state changes, the JSON API
# in the shapes of status --json and conflicts --json, a clean stop.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"
. "$(dirname "$0")/lib-docmerge.sh"
. "$(dirname "$0")/lib-ui.sh"

# cookie: the Cookie header of the running server.
cookie() {
	echo "Cookie: sovsync_ui_$UI_PORT=$UI_TOKEN"
}

test_expect_success 'set-up: a repository with a flagged conflict' '
	doc_setup srv &&
	printf "one\ntwo\nthree from b\nfour\nfive\n" >b/$DOC &&
	(cd b && sovsync sync -q) &&
	printf "one\ntwo\nthree from a\nfour\nfive\n" >a/$DOC &&
	(cd a && sovsync sync -q) &&
	(cd a && sovsync conflicts --json) >q &&
	test "$(json_get q "len(d)")" = 1
'

test_expect_success 'wrong usage exits 2' '
	cd srv/a &&
	test_expect_code 2 sovsync ui --bogus 2>err &&
	grep "unknown argument" err &&
	test_expect_code 2 sovsync ui --listen localhost:80 2>err &&
	grep "not a numeric IP" err &&
	test_expect_code 2 sovsync ui --listen 127.0.0.1:99999 2>err &&
	test_expect_code 2 sovsync ui --listen 2>err
'

# libmicrohttpd is loaded when the server starts (src/os/osdl.h).
test_expect_success CC 'without libmicrohttpd: exit 1 naming the file, nothing served' '
	(cd srv/a && without_library libmicrohttpd test_expect_code 1 sovsync ui --no-open \
		--listen 127.0.0.1:0) >out 2>err &&
	cat err &&
	grep "^sovsync: cannot serve the dashboard: cannot load libmicrohttpd.so" err &&
	grep "not-installed.so" err &&
	! test -s out
'

test_expect_success 'outside a repository: exit 1 with the cause' '
	mkdir nowhere &&
	(cd nowhere && GIT_CEILING_DIRECTORIES=$TRASH test_expect_code 1 sovsync ui --no-open) 2>err &&
	grep "^sovsync: .*repository" err
'

test_expect_success 'the first line is the URL on 127.0.0.1 with its token' '
	ui_start srv/a &&
	echo "$UI_URL" | grep "^http://127\.0\.0\.1:[1-9][0-9]*/settings/sync?token=[0-9a-f]\{64\}$" &&
	echo "$UI_BASE" >"$TRASH/base" && echo "$UI_TOKEN" >"$TRASH/token" &&
	echo "$UI_PID" >"$TRASH/pid"
'

# The later tests use the server started above.
UI_BASE=$(cat "$TRASH/base" 2>/dev/null)
UI_TOKEN=$(cat "$TRASH/token" 2>/dev/null)
UI_PID=$(cat "$TRASH/pid" 2>/dev/null)
UI_PORT=${UI_BASE##*:}

test_expect_success 'it listens on loopback only' '
	hexport=$(printf "%04X" "$UI_PORT") &&
	grep -i ":$hexport 00000000:0000 0A" /proc/net/tcp >listen &&
	test "$(wc -l <listen)" = 1 &&
	grep -i "^ *[0-9]*: 0100007F:$hexport " listen
'

test_expect_success 'no token, a wrong one, a prefix of it: 401 and nothing else' '
	for p in /settings/sync /settings/sync/conflicts /api/status /api/conflicts \
		 /api/history /assets/dashboard.js /; do
		test "$(ui_code "$UI_BASE$p")" = 401 &&
		test "$(cat ui.body)" = unauthorized || return 1
		test "$(ui_code "$UI_BASE$p?token=0$UI_TOKEN")" = 401 || return 1
		test "$(ui_code -H "Cookie: sovsync_ui_$UI_PORT=${UI_TOKEN%?}" "$UI_BASE$p")" = 401 || return 1
	done &&
	test "$(ui_code -X POST -H "Content-Type: application/json" -d "{}" "$UI_BASE/api/sync")" = 401 &&
	test "$(ui_code -H "Cookie: sovsync_ui_1=$UI_TOKEN" "$UI_BASE/api/status")" = 401 &&
	! grep -q totalSyncs ui.body
'

test_expect_success 'the token in the URL becomes an HttpOnly SameSite=Strict cookie' '
	curl -s -D hdr -o /dev/null --max-time 30 "$UI_BASE/settings/sync?token=$UI_TOKEN" &&
	grep "^HTTP/1.1 303" hdr &&
	grep -i "^Location: /settings/sync" hdr &&
	! grep -i "^Location:.*token" hdr &&
	grep -i "^Set-Cookie: sovsync_ui_$UI_PORT=$UI_TOKEN; HttpOnly; SameSite=Strict; Path=/" hdr &&
	test "$(ui_code -H "$(cookie)" "$UI_BASE/settings/sync")" = 200 &&
	grep "<title>Sync dashboard" ui.body &&
	test "$(ui_code -H "$(cookie)" "$UI_BASE/settings/sync/conflicts")" = 200 &&
	grep "<title>Conflicts" ui.body
'

test_expect_success 'a foreign Host or Origin is refused (DNS rebinding, CSRF)' '
	for h in "evil.example:$UI_PORT" "127.0.0.1:1" "127.0.0.1" "localhost.evil:$UI_PORT" ""; do
		test "$(ui_code -H "$(cookie)" -H "Host: $h" "$UI_BASE/api/status")" = 403 || return 1
	done &&
	test "$(ui_code -H "$(cookie)" -H "Host: localhost:$UI_PORT" "$UI_BASE/api/status")" = 200 &&
	for o in http://evil.example "http://127.0.0.1:1" null "https://127.0.0.1:$UI_PORT"; do
		test "$(ui_code -H "$(cookie)" -H "Origin: $o" -X POST \
			-H "Content-Type: application/json" -d "{}" "$UI_BASE/api/sync")" = 403 ||
		return 1
	done &&
	test "$(ui_code -H "$(cookie)" -H "Origin: http://evil.example" \
		"$UI_BASE/api/status")" = 403 &&
	test "$(ui_code -H "$(cookie)" -H "Origin: http://127.0.0.1:$UI_PORT" \
		"$UI_BASE/api/status")" = 200
'

test_expect_success 'paths with .. (plain or encoded) and unknown paths are refused' '
	for p in /assets/../../../../etc/passwd /../etc/passwd /assets/%2e%2e/%2e%2e/etc/passwd \
		 /assets/..%2f..%2fetc%2fpasswd /assets/.. "/assets/..\\..\\x" //etc/passwd \
		 /./settings/sync; do
		code=$(ui_code --path-as-is -H "$(cookie)" "$UI_BASE$p") &&
		test "$code" = 400 || { echo "$p: $code"; return 1; }
		! grep -q "root:" ui.body || return 1
	done &&
	for p in /etc/passwd /assets/ /assets/x.js /settings /api/nothing /api/status/x \
		 /assets/dashboard.html/x; do
		test "$(ui_code -H "$(cookie)" "$UI_BASE$p")" = 404 || { echo "$p"; return 1; }
	done
'

test_expect_success 'state changes only by POST with a JSON body' '
	test "$(ui_code -H "$(cookie)" "$UI_BASE/api/sync")" = 405 &&
	test "$(ui_code -H "$(cookie)" "$UI_BASE/api/resolve?path=$DOC&choice=remote")" = 405 &&
	test "$(ui_code -H "$(cookie)" -X POST "$UI_BASE/api/status")" = 405 &&
	test "$(ui_code -H "$(cookie)" -X PUT "$UI_BASE/api/sync")" = 405 &&
	test "$(ui_code -H "$(cookie)" -X POST -H "Content-Type: text/plain" \
		-d "{\"path\": \"$DOC\", \"choice\": \"remote\"}" "$UI_BASE/api/resolve")" = 415 &&
	test "$(ui_code -H "$(cookie)" -X POST \
		-d "path=$DOC&choice=remote" "$UI_BASE/api/resolve")" = 415 &&
	(cd srv/a && sovsync conflicts --json) >q &&
	test "$(json_get q "len(d)")" = 1
'

test_expect_success 'the API answers in the shapes of status --json and conflicts --json' '
	test "$(ui_code -H "$(cookie)" "$UI_BASE/api/status")" = 200 &&
	mv ui.body api-status &&
	(cd srv/a && sovsync status --json) >cli-status &&
	test "$(json_get api-status "sorted(d.keys())")" = "$(json_get cli-status "sorted(d.keys())")" &&
	test "$(json_get api-status "d[\"totalSyncs\"]")" = "$(json_get cli-status "d[\"totalSyncs\"]")" &&
	test "$(ui_code -H "$(cookie)" "$UI_BASE/api/conflicts")" = 200 &&
	(cd srv/a && sovsync conflicts --json) >cli-q &&
	test_cmp cli-q ui.body &&
	test "$(ui_code -H "$(cookie)" "$UI_BASE/api/history")" = 200 &&
	test "$(json_get ui.body "[e[\"result\"] for e in d] == [\"ok\"]")" = True &&
	test "$(ui_code -H "$(cookie)" "$UI_BASE/api/conflict?path=$DOC")" = 200 &&
	test "$(json_get ui.body "d[\"local\"][\"version\"][\"text\"]")" = "$(printf "one\ntwo\nthree from a\nfour\nfive")" &&
	test "$(json_get ui.body "d[\"remote\"][\"version\"][\"text\"]")" = "$(printf "one\ntwo\nthree from b\nfour\nfive")" &&
	test "$(ui_code -H "$(cookie)" "$UI_BASE/api/changes")" = 200 &&
	test "$(json_get ui.body "d[\"changes\"]")" = "[]"
'

test_expect_success 'hostile requests: bad JSON, a path outside the queue, a huge body' '
	post() {
		ui_code -H "$(cookie)" -X POST -H "Content-Type: application/json" "$@" \
			"$UI_BASE/api/resolve"
	} &&
	test "$(post -d "{nope")" = 400 &&
	test "$(post -d "[1]")" = 400 &&
	test "$(post -d "{\"path\": \"../../etc/passwd\", \"choice\": \"remote\"}")" = 400 &&
	grep "no pending conflict" ui.body &&
	test "$(post -d "{\"path\": \"$DOC\", \"choice\": \"nonsense\"}")" = 400 &&
	test "$(post -d "{\"path\": \"$DOC\", \"choice\": \"edit\"}")" = 400 &&
	test "$(post -d "{\"path\": \"$DOC\", \"choice\": \"edit\", \"content\": \"<<<<<<< x\\n=======\\n>>>>>>> y\\n\"}")" = 400 &&
	grep "conflict markers remain" ui.body &&
	head -c 17000000 /dev/zero | tr "\\0" " " >big &&
	test "$(post --data-binary @big)" = 413 &&
	(cd srv/a && sovsync conflicts --json) >q &&
	test "$(json_get q "len(d)")" = 1 &&
	printf "garbage line\n2026-11-26T13:00:50Z watch started\n\377\376\n" >>srv/a/.git/sovsync/log &&
	test "$(ui_code -H "$(cookie)" "$UI_BASE/api/history")" = 200 &&
	test "$(json_get ui.body "len(d)")" = 1
'

test_expect_success 'edit then accept: resolve with the edited text, committed' '
	post() {
		ui_code -H "$(cookie)" -X POST -H "Content-Type: application/json" "$@" \
			"$UI_BASE/api/resolve"
	} &&
	test "$(post -d "{\"path\": \"$DOC\", \"choice\": \"edit\", \"content\": \"one\\ntwo\\nthree from both\\nfour\\nfive\\n\"}")" = 200 &&
	test "$(json_get ui.body "d[\"resolved\"]")" = "$DOC" &&
	cd srv/a &&
	printf "one\ntwo\nthree from both\nfour\nfive\n" >expect &&
	test_cmp expect $DOC &&
	git cat-file blob HEAD:$DOC >committed &&
	test_cmp expect committed &&
	test "$(git log -1 --format=%s)" = "sovsync: resolve $DOC (edit)" &&
	sovsync conflicts --json >q &&
	test "$(json_get q "len(d)")" = 0 &&
	sovsync status --json >st &&
	test "$(json_get st "d[\"conflictsResolved\"]")" = 1
'

test_expect_success 'sync now: one cycle, logged like sovsync sync' '
	post() {
		ui_code -H "$(cookie)" -X POST -H "Content-Type: application/json" -d "{}" \
			"$UI_BASE/api/sync"
	} &&
	test "$(post)" = 200 &&
	test "$(json_get ui.body "d[\"outcome\"]")" = ok &&
	json_get ui.body "d[\"line\"]" | grep "pushed" &&
	git -C srv/remote.git cat-file blob main:$DOC | grep "three from both" &&
	tail -n 1 srv/a/.git/sovsync/log | grep " ok .*pushed"
'

test_expect_success 'SIGTERM and SIGINT stop it cleanly (exit 0)' '
	kill -TERM "$UI_PID" &&
	wait_until 30 gone "$UI_PID" &&
	grep "stopping" ui.err &&
	{ (cd srv/a && exec sovsync ui --no-open --listen 127.0.0.1:0) >out2 2>err2 & } &&
	pid=$! &&
	wait_until 30 grep -q "^http://" out2 &&
	kill -INT $pid &&
	if wait $pid; then rc=0; else rc=$?; fi &&
	test $rc = 0 &&
	grep "stopping" err2
'

test_expect_success 'without --no-open the browser is started on the URL (xdg-open)' '
	mkdir -p fakebin &&
	printf "#!/bin/sh\necho \"\$@\" >\"%s/opened\"\n" "$TRASH" >fakebin/xdg-open &&
	chmod +x fakebin/xdg-open &&
	{ (cd srv/a && PATH="$TRASH/fakebin:$PATH" exec sovsync ui) >out3 2>err3 & } &&
	pid=$! &&
	wait_until 30 test -s opened &&
	head -n 1 out3 >url &&
	test_cmp url opened &&
	kill -TERM $pid &&
	wait_until 30 gone $pid
'

test_expect_success 'keep both: the remote version beside the local one' '
	doc_setup both &&
	printf "one\ntwo\nthree from b\nfour\nfive\n" >b/$DOC &&
	(cd b && sovsync sync -q) &&
	printf "one\ntwo\nthree from a\nfour\nfive\n" >a/$DOC &&
	(cd a && sovsync sync -q) &&
	cd .. &&
	ui_start both/a &&
	test "$(ui_code -H "Cookie: sovsync_ui_$UI_PORT=$UI_TOKEN" -X POST \
		-H "Content-Type: application/json" \
		-d "{\"path\": \"$DOC\", \"choice\": \"both\"}" "$UI_BASE/api/resolve")" = 200 &&
	copy=$(json_get ui.body "d[\"copy\"]") &&
	case "$copy" in shared/documents/ingested/a.sync-conflict-*.md) ;; *) false ;; esac &&
	cd both/a &&
	grep "three from a" $DOC && ! grep "<<<<<<<" $DOC &&
	grep "three from b" $copy &&
	test -z "$(git status --porcelain)" &&
	git show --name-only --format= HEAD >files &&
	grep "^$DOC$" files && grep "^$copy$" files &&
	ui_stop
'

# md_flagged DIR: doc_setup DIR; b deletes $DOC, a edits it and syncs:
# a holds a modify/delete entry (deleted by theirs), the edit kept.
md_flagged() {
	doc_setup "$1" &&
	echo keep >a/shared/keep &&
	(cd a && sovsync sync -q) &&
	(cd b && sovsync sync -q) &&
	git -C b rm -q $DOC &&
	(cd b && sovsync sync -q) &&
	printf "one\ntwo\nedited by a\nfour\nfive\n" >a/$DOC &&
	(cd a && sovsync sync -q) &&
	(cd a && sovsync conflicts --json) >q &&
	test "$(json_get q "[c[\"kind\"] for c in d] == [\"modify/delete\"]")" = True
}

test_expect_success 'modify/delete: keep remote (the deletion) is applied and committed' '
	md_flagged md &&
	cd .. &&
	ui_start md/a &&
	C="Cookie: sovsync_ui_$UI_PORT=$UI_TOKEN" &&
	test "$(ui_code -H "$C" "$UI_BASE/api/conflict?path=$DOC")" = 200 &&
	test "$(json_get ui.body "d[\"remote\"][\"version\"][\"deleted\"]")" = True &&
	test "$(json_get ui.body "d[\"local\"][\"version\"][\"text\"]")" = "$(printf "one\ntwo\nedited by a\nfour\nfive")" &&
	test "$(ui_code -H "$C" -X POST -H "Content-Type: application/json" \
		-d "{\"path\": \"$DOC\", \"choice\": \"remote\"}" "$UI_BASE/api/resolve")" = 200 &&
	ui_stop &&
	cd md/a &&
	test ! -e $DOC &&
	test_must_fail git cat-file -e HEAD:$DOC &&
	test "$(git log -1 --format=%s)" = "sovsync: resolve $DOC (remote)" &&
	test -z "$(git status --porcelain)" &&
	sovsync conflicts --json >q &&
	test "$(json_get q "len(d)")" = 0
'


test_expect_success 'modify/delete: keep both keeps the file, as sovsync resolve --both' '
	md_flagged mdcli &&
	(cd a && sovsync resolve --both -- $DOC) &&
	cd .. &&
	md_flagged mdboth &&
	cd .. &&
	ui_start mdboth/a &&
	test "$(ui_code -H "$(cookie)" -X POST -H "Content-Type: application/json" \
		-d "{\"path\": \"$DOC\", \"choice\": \"both\"}" "$UI_BASE/api/resolve")" = 200 &&
	test "$(json_get ui.body "d[\"copy\"]")" = None &&
	ui_stop &&
	cd mdboth/a &&
	printf "one\ntwo\nedited by a\nfour\nfive\n" >expect &&
	test_cmp expect $DOC &&
	git cat-file -e HEAD:$DOC &&
	test -z "$(git status --porcelain -- shared)" &&
	test -z "$(git ls-files -u)" &&
	sovsync conflicts --json >q &&
	test "$(json_get q "len(d)")" = 0 &&
	test "$(git rev-parse HEAD:$DOC)" = "$(git -C ../../mdcli/a rev-parse :$DOC)" &&
	test_cmp ../../mdcli/a/$DOC $DOC &&
	! ls shared/documents/ingested/*sync-conflict* 2>/dev/null
'

test_expect_success 'each side says when and by whom its version was written' '
	doc_setup who &&
	printf "one\ntwo\nthree from b\nfour\nfive\n" >b/$DOC &&
	git -C b add $DOC &&
	test_tick &&
	GIT_AUTHOR_NAME="Bea Writer" GIT_AUTHOR_EMAIL=bea@example.com \
		git -C b commit -q -m "b writes the document" &&
	echo later >b/shared/later.md &&
	(cd b && sovsync sync -q) &&
	printf "one\ntwo\nthree from a\nfour\nfive\n" >a/$DOC &&
	(cd a && sovsync sync -q) &&
	(cd a && sovsync conflicts --json) >q &&
	json_get q "d[0][\"versions\"][\"theirs\"][\"author\"]" | grep "^Bea Writer <" &&
	cd .. &&
	ui_start who/a &&
	test "$(ui_code -H "Cookie: sovsync_ui_$UI_PORT=$UI_TOKEN" \
		"$UI_BASE/api/conflict?path=$DOC")" = 200 &&
	ui_stop &&
	mv ui.body who/c.json &&
	cd who &&
	test "$(json_get c.json "d[\"remote\"][\"written\"][\"author\"]")" = "Bea Writer <bea@example.com>" &&
	test "$(json_get c.json "d[\"remote\"][\"written\"][\"written_at\"]")" = \
	     "$(json_get q "d[0][\"versions\"][\"theirs\"][\"written_at\"]")" &&
	test "$(json_get c.json "d[\"local\"][\"written\"][\"author\"]")" = \
	     "$(json_get q "d[0][\"versions\"][\"ours\"][\"author\"]")" &&
	test "$(json_get c.json "d[\"remote\"][\"commit\"][\"id\"]")" = "$(git -C b rev-parse HEAD)" &&
	test "$(json_get c.json "d[\"remote\"][\"commit\"][\"author\"]")" != "Bea Writer"
'

test_expect_success 'an entry without versions (an older queue): written unknown, the commit still shown' '
	q=who/a/.git/sovsync/conflicts.json &&
	cp $q q.saved &&
	test_when_finished "cp q.saved $q" &&
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
for c in d[\"conflicts\"]:
    del c[\"versions\"]
json.dump(d, open(sys.argv[1], \"w\"))" $q &&
	ui_start who/a &&
	test "$(ui_code -H "Cookie: sovsync_ui_$UI_PORT=$UI_TOKEN" \
		"$UI_BASE/api/conflict?path=$DOC")" = 200 &&
	ui_stop &&
	test "$(json_get ui.body "[d[s][\"written\"][k] for s in (\"local\", \"remote\")
		for k in (\"author\", \"written_at\")]")" = "[None, None, None, None]" &&
	test "$(json_get ui.body "d[\"remote\"][\"commit\"][\"id\"]")" = "$(git -C who/b rev-parse HEAD)"
'

test_expect_success 'keep local: the local version at the path, committed, the queue empty' '
	ui_start who/a &&
	test "$(ui_code -H "Cookie: sovsync_ui_$UI_PORT=$UI_TOKEN" -X POST \
		-H "Content-Type: application/json" \
		-d "{\"path\": \"$DOC\", \"choice\": \"local\"}" "$UI_BASE/api/resolve")" = 200 &&
	test "$(json_get ui.body "d[\"choice\"]")" = local &&
	test "$(json_get ui.body "d[\"copy\"]")" = None &&
	ui_stop &&
	cd who/a &&
	printf "one\ntwo\nthree from a\nfour\nfive\n" >expect &&
	test_cmp expect $DOC &&
	git cat-file blob HEAD:$DOC >committed &&
	test_cmp expect committed &&
	test -z "$(git status --porcelain -- shared)" &&
	sovsync conflicts --json >q &&
	test "$(json_get q "len(d)")" = 0 &&
	test "$(json_get .git/sovsync/conflicts.json "len(d[\"conflicts\"])")" = 0 &&
	sovsync status --json >st &&
	test "$(json_get st "d[\"conflictsResolved\"]")" = 1 &&
	test -z "$(ls shared/documents/ingested | grep sync-conflict)"
'

# copy_conflict DIR: clones DIR/a and DIR/b (sovsync installed) that both
# changed shared/notes.txt; b's sync kept both (a "copy" entry), $copy.
copy_conflict() {
	mkdir "$1" &&
	git init -q --bare "$1/remote.git" &&
	git clone -q "$1/remote.git" "$1/a" 2>/dev/null &&
	sovsync install --repo "$1/a" >/dev/null &&
	printf "line 1\nline 2\n" >"$1/a/shared/notes.txt" &&
	(cd "$1/a" && sovsync sync -q) &&
	git clone -q "$1/remote.git" "$1/b" 2>/dev/null &&
	sovsync install --repo "$1/b" >/dev/null &&
	echo "from a" >>"$1/a/shared/notes.txt" &&
	(cd "$1/a" && sovsync sync -q) &&
	echo "from b" >>"$1/b/shared/notes.txt" &&
	(cd "$1/b" && sovsync sync -q 2>/dev/null) &&
	(cd "$1/b" && sovsync conflicts --json) >"$1/q" &&
	test "$(json_get "$1/q" "[c[\"kind\"] for c in d] == [\"copy\"]")" = True &&
	copy=$(json_get "$1/q" "d[0][\"copy\"]") &&
	git -C "$1/b" cat-file -e "HEAD:$copy"
}

# ui_resolve DIR PATH CHOICE: POST /api/resolve to a server started in DIR.
ui_resolve() {
	ui_start "$1" &&
	test "$(ui_code -H "Cookie: sovsync_ui_$UI_PORT=$UI_TOKEN" -X POST \
		-H "Content-Type: application/json" \
		-d "{\"path\": \"$2\", \"choice\": \"$3\"}" "$UI_BASE/api/resolve")" = 200 &&
	ui_stop
}

test_expect_success 'a copy entry: keep local removes the conflict copy, committed with the path' '
	copy_conflict cp &&
	ui_resolve cp/b shared/notes.txt local &&
	cd cp/b &&
	test ! -e $copy &&
	test_must_fail git cat-file -e HEAD:$copy &&
	test "$(git log -1 --format=%s)" = "sovsync: resolve shared/notes.txt (local)" &&
	test -z "$(git status --porcelain -- shared)" &&
	printf "line 1\nline 2\nfrom b\n" >expect &&
	git cat-file blob HEAD:shared/notes.txt >committed &&
	test_cmp expect committed
'

test_expect_success 'a copy entry whose copy was already deleted and committed: keep remote' '
	copy_conflict cp2 &&
	git -C cp2/b rm -q $copy &&
	git -C cp2/b commit -q -m "no copy" &&
	ui_resolve cp2/b shared/notes.txt remote &&
	cd cp2/b &&
	test "$(git log -1 --format=%s)" = "sovsync: resolve shared/notes.txt (remote)" &&
	test -z "$(git status --porcelain -- shared)" &&
	printf "line 1\nline 2\nfrom a\n" >expect &&
	git cat-file blob HEAD:shared/notes.txt >committed &&
	test_cmp expect committed &&
	sovsync conflicts --json >q &&
	test "$(json_get q "len(d)")" = 0
'

test_done
