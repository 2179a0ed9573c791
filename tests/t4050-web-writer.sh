#!/bin/sh
# The web app writer test tool: commits straight into a bare repository
# (no working tree, no hooks), optimistic concurrency like the contents API,
# and the result reaches a clone through a pull over HTTP.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-httpd.sh"
. "$(dirname "$0")/lib-webhook.sh"

test_expect_success 'setup' '
	test -x "$WEB_WRITER" &&
	git init -q --bare srv/remote.git &&
	test_repo seed &&
	git -C seed push -q "$TRASH/srv/remote.git" main &&
	git clone -q "file://$TRASH/srv/remote.git" repo
'

test_expect_success 'the writer commits files into a bare repository' '
	echo "{\"results\": []}" >mem.json &&
	printf "doc\n" >doc.md &&
	parent=$(git --git-dir=srv/remote.git rev-parse main) &&
	web_writer --message "add memories" srv/remote.git \
		shared/memories/alex/memories.json=mem.json \
		shared/documents/ingested/a.md=doc.md >new &&
	test "$(cat new)" = "$(git --git-dir=srv/remote.git rev-parse main)" &&
	test "$(git --git-dir=srv/remote.git rev-parse main^)" = "$parent" &&
	git --git-dir=srv/remote.git show main:shared/memories/alex/memories.json >got &&
	test_cmp mem.json got &&
	git --git-dir=srv/remote.git log -1 --format=%an%n%B main >log &&
	grep "^sovsync web$" log &&
	grep "^add memories$" log &&
	grep "^Sovsync-Source: web$" log
'

test_expect_success 'edits keep the other files, --delete removes one, stdin works' '
	echo "doc v2" | web_writer --source laptop-web srv/remote.git \
		shared/documents/ingested/a.md=- &&
	git --git-dir=srv/remote.git show main:shared/documents/ingested/a.md >got &&
	echo "doc v2" >expect && test_cmp expect got &&
	git --git-dir=srv/remote.git cat-file -e main:shared/memories/alex/memories.json &&
	git --git-dir=srv/remote.git log -1 --format=%B main | grep "Sovsync-Source: laptop-web" &&
	web_writer --delete shared/documents/ingested/a.md srv/remote.git &&
	test_must_fail git --git-dir=srv/remote.git cat-file -e main:shared/documents/ingested/a.md
'

test_expect_success 'an unchanged tree makes no commit' '
	before=$(git --git-dir=srv/remote.git rev-parse main) &&
	web_writer srv/remote.git shared/memories/alex/memories.json=mem.json 2>err &&
	grep unchanged err &&
	test "$(git --git-dir=srv/remote.git rev-parse main)" = "$before"
'

test_expect_success '--expect refuses a stale parent' '
	stale=$(git --git-dir=srv/remote.git rev-parse main^) &&
	echo x >x &&
	test_must_fail web_writer --expect "$stale" srv/remote.git x=x 2>err &&
	grep conflict err &&
	web_writer --expect "$(git --git-dir=srv/remote.git rev-parse main)" srv/remote.git x=x
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 web_writer &&
	test_expect_code 2 web_writer srv/remote.git &&
	test_expect_code 2 web_writer srv/remote.git noequals
'

if ! test_have lighttpd; then
	test_skip 'a clone pulls web commits over HTTP' 'lighttpd missing'
	test_done
fi

test_expect_success 'a clone pulls the web commits over HTTP, with a merge event' '
	receiver_start rx &&
	httpd_serve srv/remote.git &&
	httpd_start web "$TRASH/srv" &&
	git -C repo remote set-url origin "$(httpd_url web)/remote.git" &&
	webhook_setup repo rx &&
	git -C repo pull -q &&
	test "$(git -C repo rev-parse HEAD)" = "$(git --git-dir=srv/remote.git rev-parse main)" &&
	test_cmp mem.json repo/shared/memories/alex/memories.json &&
	receiver_wait rx 1 &&
	test "$(receiver_query rx "ok[0][\"event\"]")" = merge &&
	receiver_query rx "ok[0][\"body\"][\"paths\"]" >paths &&
	grep shared/memories/alex/memories.json paths
'

test_done
