#!/bin/sh
# Disk full and read-only file systems during the writes sovsync does:
# .gitattributes (track), the webhook outbox (emit), .git/sovsync/
# bookkeeping and shared/state.json (the pre-commit manifest).  Each must
# fail with the file and the cause, leave the previous file intact and no
# temporary file behind, and work again once there is room.  Needs a small
# tmpfs, so root (mount(2)); skipped otherwise.

. "$(dirname "$0")/lib.sh"

MNT=$TRASH/mnt
if ! mkdir -p "$MNT" || ! mount -t tmpfs -o size=4m tmpfs "$MNT" 2>/dev/null; then
	test_skip 'disk full and read-only writes' 'cannot mount a tmpfs (needs root)'
	test_done
fi
trap 'umount "$MNT" 2>/dev/null; test_cleanup' EXIT

R=$MNT/r

fill_disk() {
	dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null || :
}

# snapshot / unchanged: the files sovsync may write, byte for byte.
snapshot() {
	rm -rf "$TRASH/snap" && mkdir "$TRASH/snap" &&
	cp "$R/.gitattributes" "$R/shared/state.json" "$TRASH/snap/" &&
	ls -A "$R/.git/sovsync" "$R/.git/sovsync/outbox" >"$TRASH/snap/list"
}
unchanged() {
	cmp "$R/.gitattributes" "$TRASH/snap/.gitattributes" &&
	cmp "$R/shared/state.json" "$TRASH/snap/state.json" &&
	ls -A "$R/.git/sovsync" "$R/.git/sovsync/outbox" >list &&
	test_cmp "$TRASH/snap/list" list &&
	! find "$R" -name "*.tmp" | grep .
}

test_expect_success 'setup: a repository on a 4 MiB tmpfs' '
	test_repo "$R" &&
	sovsync install --repo "$R" >/dev/null &&
	git -C "$R" add -A && test_tick && git -C "$R" commit -q -m layout &&
	git -C "$R" config sovsync.webhook.url http://127.0.0.1:9/ &&
	git -C "$R" config sovsync.webhook.lingerMs 0 &&
	git -C "$R" config sovsync.webhook.maxAttempts 100 &&
	echo x >"$R/shared/documents/ingested/a.md" &&
	git -C "$R" add -A &&
	mkdir -p "$R/.git/sovsync/outbox"
'

test_expect_success 'disk full: track names .gitattributes, which stays intact' '
	snapshot && fill_disk &&
	(cd "$R" && test_expect_code 1 sovsync track "*.iso" >"$TRASH/out" 2>"$TRASH/err") &&
	grep "^sovsync: .gitattributes: .*No space left on device" err &&
	! grep Tracking out &&
	unchanged
'

test_expect_success 'disk full: webhook emit fails clearly, queues nothing partial' '
	(cd "$R" && test_expect_code 1 sovsync webhook emit commit 2>"$TRASH/err") &&
	grep "^sovsync: .*/.git/sovsync/outbox.*: .*No space left on device" err &&
	! ls "$R/.git/sovsync/outbox" | grep "json$"
'

test_expect_success 'disk full: the pre-commit manifest keeps state.json whole' '
	(cd "$R" && sovsync hook pre-commit 2>"$TRASH/err") &&
	grep "shared/state.json: .*No space left on device" err &&
	cmp "$R/shared/state.json" snap/state.json &&
	! find "$R" -name "*.tmp" | grep .
'

test_expect_success 'with room again everything works' '
	rm "$MNT/fill" &&
	(cd "$R" && sovsync track "*.iso" >/dev/null && sovsync webhook emit commit) &&
	grep "^\*\.iso filter=sovsync" "$R/.gitattributes" &&
	(cd "$R" && sovsync webhook list) >list &&
	test "$(grep -c " commit " list)" = 1 &&
	test_tick && git -C "$R" commit -q -m a &&
	(cd "$R" && sovsync verify)
'

test_expect_success 'disk full: a memories change keeps index.meta, sync_manifest.json, state.json whole' '
	M=$R/shared/memories &&
	mkdir -p "$TRASH/mem" &&
	cp "$M/default/index.meta" "$M/sync_manifest.json" "$R/shared/state.json" "$TRASH/mem/" &&
	printf "{\"results\": [{\"id\": \"1\", \"memory\": \"Likes tea\"}]}\n" \
		>"$M/default/memories.json" &&
	git -C "$R" add -A && fill_disk &&
	(cd "$R" && sovsync hook pre-commit 2>"$TRASH/err") &&
	grep "shared/memories/default/index.meta: .*No space left on device" err &&
	cmp "$M/default/index.meta" mem/index.meta &&
	cmp "$M/sync_manifest.json" mem/sync_manifest.json &&
	cmp "$R/shared/state.json" mem/state.json &&
	! find "$R" -name "*.tmp" | grep . &&
	rm "$MNT/fill" &&
	test_tick && git -C "$R" commit -q -m tea &&
	grep "\"count\": 1" "$M/default/index.meta" &&
	(cd "$R" && sovsync verify)
'

test_expect_success 'disk full: install into a new repository exits 1, .git/config whole' '
	F=$MNT/fresh &&
	test_repo "$F" &&
	cp "$F/.git/config" config.before &&
	fill_disk &&
	test_expect_code 1 sovsync install --repo "$F" >out 2>err &&
	grep "^sovsync: $F/.git/config: cannot set filter.sovsync.process: .*No space left on device" err &&
	grep "^sovsync: $F/.git/sovsync/install.json: .*No space left on device" err &&
	cmp "$F/.git/config" config.before &&
	! test -e "$F/.gitattributes" &&
	! find "$F" -name "*.tmp" -o -name "*.lock" | grep . &&
	rm "$MNT/fill" &&
	sovsync install --repo "$F" >/dev/null &&
	git -C "$F" config filter.sovsync.required &&
	rm -rf "$F"
'

test_expect_success 'read-only: track, emit and the manifest fail clearly, change nothing' '
	snapshot &&
	mount -o remount,ro "$MNT" &&
	(cd "$R" && test_expect_code 1 sovsync track "*.img" >/dev/null 2>"$TRASH/err1") &&
	grep "^sovsync: .gitattributes: .*Read-only file system" err1 &&
	(cd "$R" && test_expect_code 1 sovsync webhook emit commit 2>"$TRASH/err2") &&
	grep "^sovsync: .*/.git/sovsync/outbox.*Read-only file system" err2 &&
	(cd "$R" && sovsync hook pre-commit 2>"$TRASH/err3") &&
	grep "Read-only file system" err3 &&
	(cd "$R" && sovsync status >/dev/null) &&
	unchanged &&
	mount -o remount,rw "$MNT"
'

test_done
