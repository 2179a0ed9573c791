/* Unit tests for src/webhook/outbox.c: the durable webhook queue. */
#include "tap.h"
#include "scratch.h"
#include "error.h"
#include "fs.h"
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int main(void)
{
	char dir[] = "/tmp/sovsync-outbox-XXXXXX";
	struct sov_outbox ob = SOV_OUTBOX_INIT;
	struct sov_outbox_list list = SOV_OUTBOX_LIST_INIT;
	struct sov_outbox_event ev = SOV_OUTBOX_EVENT_INIT, ev2 = SOV_OUTBOX_EVENT_INIT;
	struct sov_buf tmp = SOV_BUF_INIT;
	git_repository *repo = NULL;
	size_t pending = 9, failed = 9, n = 0;
	const char body[] = "{\"event\":\"commit\",\"x\":\"\\u00e9\"}";

	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	ok(sov_outbox_open(&ob, repo) == 0, "open the outbox");
	ok(strstr(ob.dir.ptr, "/.git/sovsync/outbox") != NULL, "outbox under .git/sovsync");
	ok(sov_outbox_count(repo, &pending, &failed) == 0 && !pending && !failed,
	   "empty at first");

	ok(sov_outbox_enqueue(&ob, "evt_a", "commit", body, strlen(body), 1000000, &ev) == 0,
	   "enqueue a");
	is_str(base(ev.path.ptr), "00000000000000000001-evt_a.json", "file name: seq and id");
	ok(sov_outbox_enqueue(&ob, "evt_b", "merge", "{}", 2, 2000000, NULL) == 0, "enqueue b");
	ok(sov_outbox_enqueue(&ob, "evt_c", "push", "{}", 2, 3000000, NULL) == 0, "enqueue c");
	ok(sov_outbox_enqueue(&ob, "../x", "push", "{}", 2, 3000000, NULL) < 0,
	   "an id with a slash is refused: %s", sov_error_last());

	/* A temporary file of an interrupted atomic write is not an event. */
	sov_buf_addf(&tmp, "%s/.00000000000000000009-evt_z.json.sovsync-1-2.tmp", ob.dir.ptr);
	ok(sov_fs_write_atomic(tmp.ptr, "x", 1, 0600) == 0, "a stray temporary");

	ok(sov_outbox_list(&ob, 0, &list) == 0 && list.nr == 3, "three pending");
	ok(list.nr == 3 && strstr(list.paths[0], "evt_a") && strstr(list.paths[1], "evt_b") &&
	   strstr(list.paths[2], "evt_c"), "listed in queue order");

	ok(sov_outbox_load(list.paths[0], &ev2) == 0, "load a");
	is_str(ev2.body.ptr, body, "body stored byte for byte");
	is_str(ev2.id.ptr, "evt_a", "id");
	is_str(ev2.event.ptr, "commit", "event");
	is_int(ev2.seq, 1, "seq");
	is_int(ev2.attempts, 0, "no attempt yet");
	is_int(ev2.next_attempt, 1000000, "due at enqueue time");

	/* The schedule survives a restart: it lives in the file. */
	ev2.attempts = 3;
	ev2.next_attempt = 5000000;
	sov_buf_addstr(&ev2.last_error, "HTTP 503");
	ok(sov_outbox_save(&ev2) == 0, "save the state");
	ok(sov_outbox_load(list.paths[0], &ev) == 0, "reload");
	is_int(ev.attempts, 3, "attempts kept");
	is_int(ev.next_attempt, 5000000, "next attempt kept");
	is_str(ev.last_error.ptr, "HTTP 503", "last error kept");

	ok(sov_outbox_fail(&ob, &ev) == 0, "give up on a");
	ok(strstr(ev.path.ptr, "/outbox/failed/00000000000000000001-evt_a.json") != NULL,
	   "moved to failed/ under its name");
	ok(sov_outbox_count(repo, &pending, &failed) == 0 && pending == 2 && failed == 1,
	   "2 pending, 1 failed");

	ok(sov_outbox_load(list.paths[1], &ev2) == 0 && sov_outbox_remove(&ev2) == 0,
	   "remove b (delivered)");
	ok(sov_outbox_remove(&ev2) == 0, "removing twice is fine");
	ok(sov_outbox_sync(&ob) == 0, "the removals made durable in one fsync");

	ok(sov_outbox_requeue(&ob, "evt_nope", 7000000, &n) < 0, "requeue of an unknown id fails");
	ok(sov_outbox_requeue(&ob, NULL, 7000000, &n) == 0 && n == 1, "requeue all failed");
	ok(sov_outbox_list(&ob, 0, &list) == 0 && list.nr == 2 && strstr(list.paths[0], "evt_a"),
	   "a is back, ahead of c");
	ok(sov_outbox_load(list.paths[0], &ev) == 0 && ev.attempts == 0 &&
	   ev.next_attempt == 7000000 && !ev.last_error.len, "with a fresh schedule");

	/* Sequence numbers keep growing after the queue drains. */
	ok(sov_outbox_remove(&ev) == 0, "remove a");
	ok(sov_outbox_load(list.paths[1], &ev) == 0 && sov_outbox_remove(&ev) == 0, "remove c");
	ok(sov_outbox_enqueue(&ob, "evt_d", "commit", "{}", 2, 1, &ev) == 0, "enqueue d");
	is_str(base(ev.path.ptr), "00000000000000000004-evt_d.json", "seq 4, not reused");

	/* A damaged file is reported with its name. */
	ok(sov_fs_write_atomic(ev.path.ptr, "{\"version\":1}", 13, 0600) == 0, "damage d");
	ok(sov_outbox_load(ev.path.ptr, &ev2) < 0 && strstr(sov_error_last(), "evt_d.json"),
	   "damaged event names its file: %s", sov_error_last());

	/* A vanished outbox directory is an error that names it. */
	ok(scratch_remove(ob.dir.ptr) == 0 && sov_outbox_sync(&ob) < 0 &&
	   strstr(sov_error_last(), "outbox"), "sync of a missing outbox: %s", sov_error_last());

	sov_outbox_event_release(&ev);
	sov_outbox_event_release(&ev2);
	sov_outbox_list_release(&list);
	sov_outbox_release(&ob);
	sov_buf_release(&tmp);
	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
