#!/bin/sh
# Disk full and read-only files during the writes to .git/sovsync/ that
# t9002 does not reach: the conflict queue (conflicts.json: the document
# merge driver under `git pull`, `sovsync resolve`), the sync metrics
# (metrics.json), the sync log and sync-conflict.json (`sovsync sync`),
# install.json (`sovsync install`), the post-commit record (trusted), the
# push record (webhook-pushed, reference-transaction hook under `git push`)
# and an outbox event rewritten by the sender (`sovsync webhook flush`).
#
# .git/sovsync of the clone b is a tmpfs of its own, filled or remounted
# read-only, while the rest of the repository stays writable: Git's own
# writes (objects, index, its temporary files for the merge driver) must
# succeed for the real commands to reach sovsync's writes, as on a disk that
# fills up while Git runs.  Each time: Git's exit status as Git expects (a
# hook never fails the Git command; a merge driver that cannot queue leaves
# Git a plain conflict with the merged text; a command exits 1, or reports
# and keeps its result where the work is already done), a message naming
# the file and the cause, and every file under .git/sovsync byte for byte
# as before, with no temporary file left.  Root only (mount(2)); skipped
# otherwise.  As root, permission bits do not stop writes, so "cannot
# write" is tested with a read-only mount (EROFS), not with chmod (EACCES).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docmerge.sh"

B=$TRASH/b
S=$B/.git/sovsync

if ! mkdir -p "$TRASH/probe" || ! mount -t tmpfs -o size=64k tmpfs "$TRASH/probe" 2>/dev/null; then
	test_skip 'disk full and read-only .git/sovsync' 'cannot mount a tmpfs (needs root)'
	test_done
fi
umount "$TRASH/probe"
trap 'umount "$S" 2>/dev/null; test_cleanup' EXIT

fill() {
	dd if=/dev/zero of="$S/zz-fill" bs=4k 2>/dev/null || :
}
room() {
	rm -f "$S/zz-fill"
}

# snapshot / unchanged: every file under .git/sovsync (the lock files are
# empty and may be created: an inode needs no block) byte for byte as
# before, no temporary file left.  The log is appended to in place, and a
# line that fits in its last page still lands on a full disk: it must keep
# its old bytes as a prefix and end with a whole line.
snapshot() {
	rm -rf "$TRASH/snap" && mkdir "$TRASH/snap" &&
	(cd "$S" && find . -type f ! -name "*.lock" ! -name zz-fill | LC_ALL=C sort) >"$TRASH/snap.list" &&
	(cd "$S" && tar cf - -T "$TRASH/snap.list") | (cd "$TRASH/snap" && tar xf -)
}
unchanged() {
	(cd "$S" && find . -type f ! -name "*.lock" ! -name zz-fill | LC_ALL=C sort) >"$TRASH/now.list" &&
	test_cmp "$TRASH/snap.list" "$TRASH/now.list" &&
	while read -r f; do
		if [ "$f" = ./log ]; then
			cmp -n "$(wc -c <"$TRASH/snap/log")" "$TRASH/snap/log" "$S/log" &&
			test "$(tail -c 1 "$S/log" | od -An -c | tr -d " ")" = "\n" || return 1
		else
			cmp "$TRASH/snap/$f" "$S/$f" || return 1
		fi
	done <"$TRASH/snap.list" &&
	! find "$S" -name "*.tmp" | grep .
}

# edit_doc CLONE LINE3: commit a version of $DOC with line 3 changed.
edit_doc() {
	doc_commit "$1" "$DOC" printf "one\ntwo\n%s\nfour\nfive\n" "$2"
}

# pad_log: pad .git/sovsync/log with a comment line so that it ends 20
# bytes before a page boundary: the next record then straddles two pages,
# and a full tmpfs takes its first 20 bytes and refuses the rest.
pad_log() {
	_size=$(wc -c <"$S/log") &&
	_pad=$(( (4076 - _size % 4096 + 4096) % 4096 )) &&
	if [ $_pad -gt 0 ]; then
		perl -e 'print "#" x ($ARGV[0] - 1), "\n"' $_pad >>"$S/log"
	fi &&
	test $(( $(wc -c <"$S/log") % 4096 )) = 4076
}

# wait_sender: until no detached webhook sender is at work in b (it holds
# webhook-sender.lock from before it is spawned); a bound, not a timing.
wait_sender() {
	_i=0
	while ! flock -n "$S/webhook-sender.lock" true; do
		_i=$((_i + 1))
		[ $_i -lt 600 ] || return 1
		sleep 0.1
	done
}

test_expect_success 'setup: two installed clones; b has a queued conflict, metrics, a log, an event' '
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	(cd a && sovsync install >/dev/null) &&
	mkdir -p a/shared/documents/ingested &&
	printf "one\ntwo\nthree\nfour\nfive\n" >a/$DOC &&
	git -C a add -A && test_tick && git -C a commit -q -m layout &&
	git -C a push -q origin main &&
	git clone -q remote.git "$B" &&
	mkdir "$S" && mount -t tmpfs -o size=256k,mode=0700 tmpfs "$S" &&
	(cd "$B" && sovsync install >/dev/null) &&
	test -z "$(git -C "$B" status --porcelain)" &&
	git -C a config sovsync.source clone-a &&
	git -C "$B" config sovsync.source clone-b &&
	test -f "$S/install.json" &&
	edit_doc a "three from a" && git -C a push -q origin main &&
	edit_doc "$B" "three from b" &&
	git -C "$B" pull -q --no-edit 2>err &&
	grep "conflict flagged" err &&
	test "$(json_get "$S/conflicts.json" "len(d[\"conflicts\"])")" = 1 &&
	echo note >"$B/shared/note" &&
	(cd "$B" && sovsync sync -q) &&
	test -s "$S/metrics.json" && test -s "$S/log" && test -s "$S/trusted" &&
	git -C "$B" config sovsync.webhook.url http://127.0.0.1:9/ &&
	git -C "$B" config sovsync.webhook.lingerMs 0 &&
	git -C "$B" config sovsync.webhook.maxAttempts 100 &&
	(cd "$B" && sovsync webhook emit commit) &&
	wait_sender &&
	ls "$S/outbox" | grep "json$"
'

test_expect_success 'disk full: sync commits and pushes, reports metrics and log, keeps both' '
	pad_log &&
	snapshot && fill &&
	echo more >"$B/shared/note" &&
	(cd "$B" && sovsync sync 2>"$TRASH/err") &&
	grep "^sovsync: .*/.git/sovsync/metrics.json: .*No space left on device" err &&
	grep "^sovsync: .*/.git/sovsync/log: .*No space left on device" err &&
	test "$(git -C "$TRASH/remote.git" show main:shared/note)" = more &&
	cmp "$TRASH/snap/log" "$S/log" &&
	unchanged
'

test_expect_success 'disk full: git commit succeeds; the hooks name what they could not record' '
	echo again >"$B/shared/note" && git -C "$B" add -A &&
	test_tick && git -C "$B" commit -q -m again 2>err &&
	grep "sovsync: pre-commit hook: .*/.git/sovsync/precommit: .*No space left on device" err &&
	test "$(git -C "$B" show HEAD:shared/note)" = again &&
	unchanged
'

test_expect_success 'disk full: git commit --only succeeds; the index fix-up cannot be noted' '
	# pre-commit notes the manifest for post-commit to put into the real
	# index (fix-index); without it the index keeps the old manifest until
	# the next commit recomputes it (checked with room again, below).
	echo only >"$B/shared/note3" && git -C "$B" add shared/note3 &&
	test_tick && git -C "$B" commit -q -o -m only shared/note3 2>err &&
	grep "sovsync: pre-commit hook: .*/.git/sovsync/precommit: .*No space left on device" err &&
	test "$(git -C "$B" show HEAD:shared/note3)" = only &&
	! test -e "$S/fix-index" &&
	unchanged
'

test_expect_success 'disk full: git push succeeds; the push record stays intact' '
	git -C "$B" push -q origin main 2>err &&
	test "$(git -C "$TRASH/remote.git" rev-parse main)" = "$(git -C "$B" rev-parse HEAD)" &&
	grep "reference-transaction hook: .*/.git/sovsync/.*No space left on device" err &&
	unchanged
'

test_expect_success 'disk full: install exits 1 naming install.json, which stays intact' '
	git -C "$B" config core.hooksPath .githooks &&
	(cd "$B" && test_expect_code 1 sovsync install --hooks-path >"$TRASH/out" 2>"$TRASH/err") &&
	grep "^sovsync: .*/.git/sovsync/install.json: .*No space left on device" err &&
	unchanged &&
	git -C "$B" config --unset core.hooksPath && rm -rf "$B/.githooks"
'

test_expect_success 'disk full: git pull leaves a plain conflict with the merged text, queue intact' '
	git -C a pull -q --no-edit &&
	edit_doc a "three from a again" && git -C a push -q origin main &&
	edit_doc "$B" "three from b again" &&
	snapshot &&
	test_expect_code 1 git -C "$B" pull -q --no-edit >out 2>err &&
	grep "^sovsync: .*/.git/sovsync/conflicts.json: .*No space left on device" err &&
	grep "conflict not queued; leaving it to Git" err &&
	git -C "$B" ls-files -u -- "$DOC" | grep . &&
	grep "^three from b again$" "$B/$DOC" && grep "^three from a again$" "$B/$DOC" &&
	grep "^<<<<<<< " "$B/$DOC" &&
	unchanged &&
	git -C "$B" merge --abort
'

test_expect_success 'disk full: resolve exits 1 naming conflicts.json; the entry stays queued' '
	(cd "$B" && test_expect_code 1 sovsync resolve --theirs "$DOC" >"$TRASH/out" 2>"$TRASH/err") &&
	grep "^sovsync: .*/.git/sovsync/conflicts.json: .*No space left on device" err &&
	! grep Resolved out &&
	unchanged &&
	git -C "$B" reset -q --hard
'

test_expect_success 'disk full: a sync stopped by a conflict cannot flag it, says so, exit 3' '
	git -C "$B" config sovsync.documents.onConflict stop &&
	room &&
	(cd "$B" && test_expect_code 3 sovsync sync 2>/dev/null) &&
	test -s "$S/sync-conflict.json" &&
	snapshot && fill &&
	(cd "$B" && test_expect_code 3 sovsync sync 2>"$TRASH/err") &&
	grep "^sovsync: .*/.git/sovsync/sync-conflict.json: .*No space left on device" err &&
	test -z "$(git -C "$B" ls-files -u)" &&
	unchanged &&
	git -C "$B" config --unset sovsync.documents.onConflict
'

test_expect_success 'disk full: webhook flush exits 1 naming the event file, which stays intact' '
	ls "$S/outbox" | grep "json$" >events &&
	test -s events &&
	(cd "$B" && test_expect_code 1 sovsync webhook flush >"$TRASH/out" 2>"$TRASH/err") &&
	grep "^sovsync: .*/.git/sovsync/outbox/.*\.json: .*No space left on device" err &&
	unchanged
'

test_expect_success 'read-only: commit and push succeed; sync, install, resolve, flush exit 1; nothing changes' '
	room && snapshot &&
	mount -o remount,ro "$S" &&
	echo ro >"$B/shared/note2" && git -C "$B" add -A &&
	test_tick && git -C "$B" commit -q -m ro 2>err1 &&
	grep "Read-only file system" err1 &&
	git -C "$B" push -q origin HEAD:ro 2>err2 &&
	(cd "$B" && test_expect_code 1 sovsync sync 2>"$TRASH/err3") &&
	grep "^sovsync: .*/.git/sovsync/sync.lock: cannot open lock: Read-only file system" err3 &&
	! grep "waiting for another sync" err3 &&
	git -C "$B" config core.hooksPath .githooks &&
	(cd "$B" && test_expect_code 1 sovsync install --hooks-path >/dev/null 2>"$TRASH/err4") &&
	grep "^sovsync: .*/.git/sovsync/install.json: .*Read-only file system" err4 &&
	git -C "$B" config --unset core.hooksPath && rm -rf "$B/.githooks" &&
	(cd "$B" && test_expect_code 1 sovsync resolve --theirs "$DOC" 2>"$TRASH/err5") &&
	grep "^sovsync: .*/.git/sovsync/conflicts.lock: .*Read-only file system" err5 &&
	(cd "$B" && test_expect_code 1 sovsync webhook flush >/dev/null 2>"$TRASH/err6") &&
	grep "^sovsync: .*/.git/sovsync/.*Read-only file system" err6 &&
	git -C "$B" reset -q --hard &&
	unchanged &&
	mount -o remount,rw "$S"
'

test_expect_success 'read-only: git pull leaves a plain conflict with the merged text' '
	mount -o remount,ro "$S" &&
	test_expect_code 1 git -C "$B" pull -q --no-edit >out 2>err &&
	grep "^sovsync: .*/.git/sovsync/conflicts.lock: .*Read-only file system" err &&
	grep "conflict not queued; leaving it to Git" err &&
	grep "^<<<<<<< " "$B/$DOC" &&
	git -C "$B" merge --abort &&
	unchanged &&
	mount -o remount,rw "$S"
'

test_expect_success 'with room again: resolve, sync, install and the log work' '
	git -C "$B" config --unset sovsync.webhook.url &&
	(cd "$B" && sovsync resolve --theirs "$DOC" >"$TRASH/out") &&
	grep Resolved out &&
	test "$(json_get "$S/conflicts.json" "len(d[\"conflicts\"])")" = 0 &&
	test_tick && git -C "$B" commit -q -m resolved &&
	(cd "$B" && sovsync sync) &&
	test "$(json_get "$S/conflicts.json" "len(d[\"conflicts\"])")" = 1 &&
	test "$(json_get "$S/metrics.json" "d[\"conflictsResolved\"]")" = 1 &&
	(cd "$B" && sovsync install >/dev/null) &&
	(cd "$B" && sovsync verify) &&
	test -z "$(git -C "$B" status --porcelain)" &&
	# The log kept whole lines: no fragment of the refused line.
	test "$(tail -n 1 "$S/log" | cut -c1-2)" = 20 &&
	! grep -v "^#*$" "$S/log" | grep -v "^20[0-9][0-9]-" 
'

test_done
