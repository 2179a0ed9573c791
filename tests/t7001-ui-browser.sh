#!/bin/sh
# `sovsync ui` in a real browser: headless chromium (Debian's, driven by
# puppeteer-core from tests/browser/, installed by install/deps.sh) opens
# the dashboard of a repository with a real sync history, sees the metrics
# and the history chart, resolves a document conflict with "Keep remote",
# and the file, the queue and `sovsync conflicts` agree afterwards.
# Screenshots go to $SOVSYNC_TEST_OUTPUT/t7001-ui-browser/ (default
# build/test-output/).  Skipped only when chromium cannot start.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"
. "$(dirname "$0")/lib-docmerge.sh"
. "$(dirname "$0")/lib-ui.sh"

JSON=shared/documents/ingested/c.json
BIN=shared/documents/ingested/bin.dat
OUT=${SOVSYNC_TEST_OUTPUT:-$SRCDIR/build/test-output}/t7001-ui-browser
DRIVER=$SRCDIR/tests/browser/ui-test.js

test_expect_success 'puppeteer-core is installed (install/deps.sh)' '
	test_have node &&
	test -f "$SRCDIR/tests/browser/node_modules/puppeteer-core/package.json"
'

# Chromium that cannot start is the only reason to skip (the driver exits
# 77 then, with the reason); any other failure of the probe fails below.
probe=$(cd "$SRCDIR/tests/browser" && node "$DRIVER" --probe 2>&1)
if [ $? = 77 ]; then
	test_skip 'the dashboard in chromium' "$probe"
	test_done
fi

test_expect_success 'a repository with a sync history and a flagged conflict' '
	doc_setup ui &&
	printf "{\n  \"title\": \"base\",\n  \"n\": 1\n}\n" >a/$JSON &&
	printf "bin\000base\n" >a/$BIN &&
	for i in 1 2 3; do
		echo "note $i" >a/shared/documents/n$i.md &&
		(cd a && sovsync sync -q) || return 1
	done &&
	git -C a remote set-url origin "$TRASH/ui/nowhere.git" &&
	echo "note 4" >a/shared/documents/n4.md &&
	(cd a && test_expect_code 1 sovsync sync -q 2>/dev/null) &&
	git -C a remote set-url origin "$TRASH/ui/remote.git" &&
	(cd b && sovsync sync -q) &&
	printf "one\ntwo\nthree from b\nfour\nfive\n" >b/$DOC &&
	git -C b add $DOC &&
	GIT_AUTHOR_NAME="Bea Writer" GIT_AUTHOR_EMAIL=bea@example.com \
		git -C b commit -q -m "b writes the document" &&
	printf "{\n  \"title\": \"B\",\n  \"n\": 1\n}\n" >b/$JSON &&
	printf "bin\000from b\n" >b/$BIN &&
	(cd b && sovsync sync -q) &&
	printf "one\ntwo\nthree from a\nfour\nfive\n" >a/$DOC &&
	printf "{\n  \"title\": \"A\",\n  \"n\": 1,\n  \"extra\": 2\n}\n" >a/$JSON &&
	printf "bin\000from a, longer\n" >a/$BIN &&
	(cd a && sovsync sync -q) &&
	(cd a && sovsync conflicts --json) >q &&
	test "$(json_get q "sorted([c[\"path\"], c[\"kind\"]] for c in d) == [
		[\"$DOC\", \"text\"], [\"$BIN\", \"binary\"], [\"$JSON\", \"text\"]]")" = True &&
	(cd a && sovsync status --json) >st &&
	test "$(json_get st "d[\"totalSyncs\"]")" = 5 &&
	test "$(json_get st "d[\"failedSyncs\"]")" = 1
'

test_expect_success 'chromium: metrics, chart, keep remote' '
	ui_start ui/a &&
	rm -rf "$OUT" && mkdir -p "$OUT" &&
	{
		(cd "$SRCDIR/tests/browser" &&
		 node "$DRIVER" "$UI_URL" "$OUT" "$DOC" 5 5) >browser.out 2>&1 ||
		{ cat browser.out; false; }
	} &&
	cat browser.out &&
	grep "^metric failedSyncs=1$" browser.out &&
	grep "^metric conflictsResolved=0$" browser.out &&
	grep "^history rows 5$" browser.out &&
	grep "^chart failed points 1$" browser.out &&
	grep "^card gone$" browser.out &&
	grep "^meta remote: written .* · by Bea Writer · in $(git -C ui/b rev-parse --short=7 HEAD)" browser.out &&
	grep "^meta local: written .* · by A U Thor · in " browser.out &&
	grep "^json keys local: extra=2 title=\"A\"$" browser.out &&
	grep "^json keys remote: extra=(absent) title=\"B\"$" browser.out &&
	sha_a=$(git -C ui/a cat-file blob "$(git -C ui/a rev-parse HEAD~1:$BIN)" | sha256sum) &&
	sha_b=$(git -C ui/b cat-file blob "HEAD:$BIN" | sha256sum) &&
	grep "^binary local: .*${sha_a%% *}" browser.out &&
	grep "^binary remote: .*${sha_b%% *}" browser.out &&
	grep "^sync now: ok .*pushed" browser.out &&
	grep "^after sync now: totalSyncs 6$" browser.out &&
	test -s "$OUT/dashboard.png" && test -s "$OUT/conflicts.png" &&
	ui_stop
'

test_expect_success 'the file, the queue and sovsync conflicts agree' '
	cd ui/a &&
	git cat-file blob "$(git -C ../b rev-parse HEAD:$DOC)" >expect &&
	test_cmp expect $DOC &&
	grep "three from b" $DOC &&
	sovsync conflicts --json >q &&
	test "$(json_get q "sorted(c[\"path\"] for c in d) == [\"$BIN\", \"$JSON\"]")" = True &&
	test "$(json_get .git/sovsync/conflicts.json "sorted(c[\"path\"] for c in d[\"conflicts\"]) == [\"$BIN\", \"$JSON\"]")" = True &&
	sovsync conflicts >table &&
	! grep "$DOC" table &&
	grep "$JSON" table &&
	test "$(git log -1 --format=%s)" = "sovsync: resolve $DOC (remote)" &&
	test -z "$(git status --porcelain -- $DOC)" &&
	sovsync status --json >st &&
	test "$(json_get st "d[\"conflictsResolved\"]")" = 1
'

test_expect_success 'the open dashboard follows a running sovsync watch' '
	start_watch ui/a --debounce=200ms &&
	ui_start ui/a &&
	{
		(cd "$SRCDIR/tests/browser" &&
		 node "$DRIVER" --live "$UI_URL" "$TRASH/ui/a/shared/documents/live.md") >live.out 2>&1 ||
		{ cat live.out; false; }
	} &&
	cat live.out &&
	grep "^live: totalSyncs .*page loads 1 -> 1$" live.out &&
	ui_stop &&
	stop_watch ui/a &&
	git -C ui/a log -1 --format=%B | grep "live.md"
'

test_done
