#!/bin/sh
# Push detection: Git has no post-push hook; the reference-transaction hook
# sees refs/remotes/<remote>/<branch> move with the reflog message "update by
# push".  A real push (file:// and HTTP through git http-backend behind
# lighttpd) sends exactly one push event; a fetch or a pull sends none.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-httpd.sh"
. "$(dirname "$0")/lib-webhook.sh"

# count_events RX EVENT: 2xx deliveries of that event.
count_events() {
	receiver_query "$1" "len([r for r in ok if r[\"event\"] == \"$2\"])"
}

# settle DIR: wait until DIR's outbox is empty and its sender has stopped.
settle() {
	wait_outbox "$1" 0 0 && wait_no_sender "$1/.git"
}

test_expect_success 'setup: a bare remote and a clone with the hooks' '
	receiver_start rx &&
	git init -q --bare srv/remote.git &&
	test_repo seed &&
	git -C seed push -q "$TRASH/srv/remote.git" main &&
	git clone -q "file://$TRASH/srv/remote.git" repo &&
	webhook_setup repo rx &&
	git clone -q "file://$TRASH/srv/remote.git" other
'

test_expect_success 'a push over file:// sends exactly one push event' '
	before=$(git -C repo rev-parse origin/main) &&
	mkdir -p repo/shared &&
	echo "{}" >repo/shared/state.json &&
	git -C repo add . &&
	git -C repo commit -q -m "local change" &&
	git -C repo push -q origin main &&
	settle repo &&
	test "$(count_events rx push)" = 1 &&
	test "$(count_events rx commit)" = 1 &&
	test "$(receiver_query rx "[r[\"body\"][\"branch\"] for r in ok if r[\"event\"] == \"push\"]")" = main &&
	test "$(receiver_query rx "[r[\"body\"][\"before\"] for r in ok if r[\"event\"] == \"push\"]")" = "$before" &&
	test "$(receiver_query rx "[r[\"body\"][\"after\"] for r in ok if r[\"event\"] == \"push\"]")" = "$(git -C repo rev-parse HEAD)" &&
	test "$(receiver_query rx "[r[\"body\"][\"paths\"] for r in ok if r[\"event\"] == \"push\"][0]")" = "shared/state.json" &&
	test "$(receiver_query rx "all(r[\"signature_ok\"] for r in ok)")" = True
'

test_expect_success 'a push with nothing new sends nothing' '
	git -C repo push -q origin main &&
	settle repo &&
	test "$(count_events rx push)" = 1
'

test_expect_success 'a fetch that moves origin/main sends nothing' '
	git -C other pull -q &&
	git -C other commit -q --allow-empty -m "from elsewhere" &&
	git -C other push -q origin main &&
	n=$(receiver_count rx) &&
	git -C repo fetch -q origin &&
	test "$(git -C repo rev-parse origin/main)" = "$(git -C other rev-parse HEAD)" &&
	settle repo &&
	test "$(receiver_count rx)" = "$n"
'

test_expect_success 'a pull sends a merge event, no push event' '
	git -C other commit -q --allow-empty -m "more from elsewhere" &&
	git -C other push -q origin main &&
	git -C repo pull -q &&
	settle repo &&
	test "$(count_events rx push)" = 1 &&
	test "$(count_events rx merge)" = 1
'

test_expect_success 'a push to another remote or branch sends nothing' '
	git init -q --bare srv/mirror.git &&
	git -C repo remote add mirror "file://$TRASH/srv/mirror.git" &&
	git -C repo push -q mirror main &&
	git -C repo checkout -q -b topic &&
	git -C repo commit -q --allow-empty -m topic &&
	git -C repo config sovsync.branch main &&
	git -C repo push -q origin topic &&
	settle repo &&
	test "$(git -C repo reflog -1 --format=%gs origin/topic)" = "update by push" &&
	test "$(count_events rx push)" = 1 &&
	git -C repo config --unset sovsync.branch &&
	git -C repo checkout -q main
'

if ! test_have lighttpd; then
	test_skip 'a push over HTTP sends exactly one push event' 'lighttpd missing'
	test_done
fi

test_expect_success 'a push over HTTP (git http-backend, lighttpd) sends one push event' '
	httpd_serve srv/remote.git &&
	httpd_start web "$TRASH/srv" &&
	git clone -q "$(httpd_url web)/remote.git" hrepo &&
	webhook_setup hrepo rx &&
	n=$(count_events rx push) &&
	git -C hrepo commit -q --allow-empty -m "over http" &&
	git -C hrepo push -q origin main &&
	settle hrepo &&
	test "$(count_events rx push)" = $((n + 1)) &&
	test "$(receiver_query rx "[r[\"body\"][\"after\"] for r in ok if r[\"event\"] == \"push\"][-1]")" = "$(git -C hrepo rev-parse HEAD)" &&
	test "$(git --git-dir=srv/remote.git rev-parse main)" = "$(git -C hrepo rev-parse HEAD)"
'

test_expect_success 'a fetch over HTTP sends nothing' '
	git -C other pull -q &&
	git -C other commit -q --allow-empty -m "again elsewhere" &&
	git -C other push -q origin main &&
	n=$(receiver_count rx) &&
	git -C hrepo fetch -q &&
	settle hrepo &&
	test "$(receiver_count rx)" = "$n"
'

test_expect_success 'web server down: the push fails, no push event; the next push sends one' '
	git -C hrepo pull -q &&
	settle hrepo &&
	n=$(count_events rx push) &&
	git -C hrepo commit -q --allow-empty -m "while the server is down" &&
	httpd_stop web &&
	test_must_fail git -C hrepo push -q origin main 2>err &&
	settle hrepo &&
	test "$(count_events rx push)" = "$n" &&
	httpd_start web "$TRASH/srv" &&
	git -C hrepo push -q origin main &&
	settle hrepo &&
	test "$(count_events rx push)" = $((n + 1)) &&
	test "$(git --git-dir=srv/remote.git rev-parse main)" = "$(git -C hrepo rev-parse HEAD)"
'

test_done
