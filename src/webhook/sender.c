/*
 * sender.c - delivering the webhook outbox; see sender.h.
 */
#include "sender.h"
#include "ctx.h"
#include "error.h"
#include "outbox.h"
#include "repo.h"
#include "timestamp.h"
#include "timing.h"
#include "trace.h"
#include "webhook.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "osfs.h"

#include "osdetach.h"

/* Record why the head event could not be tried (visible in `list`). */
static void note_error(struct sov_outbox_event *ev, const char *why)
{
	sov_buf_reset(&ev->last_error);
	sov_buf_addstr(&ev->last_error, why);
	sov_outbox_save(ev);
}

/*
 * One attempt at the head event, under the "webhook-send" lock.  Returns 1
 * when the event left the queue (delivered or failed), 0 when it stays for
 * a retry, -1 on a local error.
 */
static int attempt(git_repository *repo, struct sov_outbox *ob,
		   struct sov_webhook_settings *s, struct sov_webhook_client *client,
		   const char *path, struct sov_sender_stats *stats)
{
	struct sov_outbox_event ev = SOV_OUTBOX_EVENT_INIT;
	struct sov_webhook_response res = SOV_WEBHOOK_RESPONSE_INIT;
	enum sov_webhook_outcome outcome;
	int64_t now, delay_ms;
	int lock, ret = -1;

	lock = sov_repo_lock(repo, "webhook-send", 1);
	if (lock < 0)
		return -1;
	/* Someone else may have delivered it while we waited for the lock. */
	if (sov_os_access(path, F_OK) < 0) {
		ret = 1;
		goto out;
	}
	if (sov_outbox_load(path, &ev) < 0)
		goto out;
	if (!s->has_credentials && sov_webhook_load_credentials(s, repo) < 0) {
		note_error(&ev, sov_error_last());
		goto out;
	}
	sov_trace("webhook: POST %s event %s (attempt %lld)", ev.event.ptr, ev.id.ptr,
		  (long long)ev.attempts + 1);
	outcome = sov_webhook_post(s, client, ev.id.ptr, ev.body.ptr, ev.body.len, &res);
	if (outcome == SOV_WEBHOOK_NOT_SENT) {
		/* As for missing credentials: not an attempt; the drain stops. */
		note_error(&ev, res.error.ptr);
		sov_error("%s", res.error.ptr);
		goto out;
	}
	ev.attempts++;
	sov_trace("webhook: event %s: %s", ev.id.ptr,
		  outcome == SOV_WEBHOOK_DELIVERED ? "delivered" : res.error.ptr);
	if (outcome == SOV_WEBHOOK_DELIVERED) {
		if (sov_outbox_remove(&ev) < 0)
			goto out;
		stats->delivered++;
		ret = 1;
		goto out;
	}
	sov_buf_reset(&ev.last_error);
	sov_buf_add(&ev.last_error, res.error.ptr, res.error.len);
	if (outcome == SOV_WEBHOOK_GIVE_UP || ev.attempts >= s->max_attempts) {
		if (sov_outbox_fail(ob, &ev) < 0)
			goto out;
		sov_trace("webhook: event %s failed after %lld attempts", ev.id.ptr,
			  (long long)ev.attempts);
		stats->failed++;
		ret = 1;
		goto out;
	}
	now = sov_time_now();
	delay_ms = sov_webhook_backoff_ms(s, ev.attempts, res.retry_after_ms,
					  sov_timing_random64());
	/*
	 * A delay past what the event file can hold (a maxRetryDelayMs near
	 * INT64_MAX) stops at its last instant: never an overflow, never a
	 * file that cannot be read back.
	 */
	ev.next_attempt = delay_ms > (SOV_OUTBOX_TIME_MAX - now) / 1000 ?
		SOV_OUTBOX_TIME_MAX : now + 1000 * delay_ms;
	if (sov_outbox_save(&ev) < 0)
		goto out;
	ret = 0;
out:
	sov_repo_unlock(lock);
	sov_webhook_response_release(&res);
	sov_outbox_event_release(&ev);
	return ret;
}

/*
 * Settings and secrets are read again at most this often (and after every
 * wait): a sender may wait for hours, or drain for minutes, and a changed
 * URL or a rotated token must apply to it, without reading the config and
 * the secret files for every event.
 */
#define RELOAD_US (1000 * 1000)

/*
 * Work through the queue until it is empty or we must stop.  The outbox is
 * scanned once and the sorted list walked in order, then scanned again for
 * what was queued meanwhile (new events have greater sequence numbers, so
 * they come after the list, as a rescan would put them).  One HTTP client
 * for the whole drain keeps the connection to the receiver open.
 */
static int drain(struct sov_ctx *ctx, enum sov_sender_mode mode,
		 struct sov_sender_stats *stats)
{
	git_repository *repo = ctx->repo;
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	struct sov_webhook_client client = SOV_WEBHOOK_CLIENT_INIT;
	struct sov_outbox ob = SOV_OUTBOX_INIT;
	struct sov_outbox_list list = SOV_OUTBOX_LIST_INIT;
	struct sov_outbox_event head = SOV_OUTBOX_EVENT_INIT;
	int64_t loaded_at = 0;
	size_t next = 0, scans = 0, removed = 0;
	int has_settings = 0, ret = -1;

	if (sov_outbox_open(&ob, repo) < 0)
		return -1;
	for (;;) {
		int64_t now = sov_time_now(), wait_ms;
		const char *path;
		int r;

		if (!has_settings || now - loaded_at >= RELOAD_US) {
			sov_webhook_settings_release(&s);
			/* First the context's; then a fresh snapshot (see RELOAD_US). */
			r = has_settings ? sov_webhook_settings_load(&s, repo) :
				sov_webhook_settings_ctx(&s, ctx);
			if (r <= 0) {
				if (r == 0)
					sov_error("sovsync.webhook.url is not set");
				goto out;
			}
			has_settings = 1;
			loaded_at = now;
		}
		if (next >= list.nr) {
			/* Make what was delivered so far stick before looking again. */
			if (removed && sov_outbox_sync(&ob) < 0)
				goto out;
			removed = 0;
			if (sov_outbox_list(&ob, 0, &list) < 0)
				goto out;
			scans++;
			next = 0;
		}
		stats->left = list.nr - next;
		if (!list.nr)
			break;
		path = list.paths[next];
		if (sov_outbox_load(path, &head) < 0) {
			/* Gone meanwhile (delivered by a flush): on to the next. */
			if (sov_os_access(path, F_OK) < 0) {
				sov_error_clear();
				next++;
				continue;
			}
			/* Unreadable: set it aside rather than block the queue. */
			sov_trace("webhook: %s", sov_error_last());
			if (sov_outbox_set_aside(&ob, path) < 0)
				goto out;
			stats->failed++;
			next++;
			continue;
		}
		wait_ms = (head.next_attempt - now) / 1000;
		if (mode == SOV_SENDER_BACKGROUND && wait_ms > 0) {
			if (wait_ms > s.linger_ms) {
				sov_trace("webhook: next attempt in %lld ms, leaving it "
					  "to the next run", (long long)wait_ms);
				break;
			}
			/* A signal ends it early: the loop looks again. */
			sov_timing_sleep_ms(wait_ms);
			has_settings = 0;
			continue;
		}
		r = attempt(repo, &ob, &s, &client, path, stats);
		if (r < 0)
			goto out;
		if (r == 1) {
			removed++;
			next++;
			stats->left = list.nr - next;
		}
		if (r == 0 && mode == SOV_SENDER_FLUSH)
			break;
	}
	ret = 0;
out:
	if (removed && sov_outbox_sync(&ob) < 0 && ret == 0)
		ret = -1;
	/* A structural figure for the tests: scans and connections per drain. */
	sov_trace("webhook: drain: %zu delivered, %zu failed, %zu outbox scans, "
		  "%zu connections", stats->delivered, stats->failed, scans,
		  client.connections);
	sov_webhook_client_release(&client);
	sov_webhook_settings_release(&s);
	sov_outbox_event_release(&head);
	sov_outbox_list_release(&list);
	sov_outbox_release(&ob);
	return ret;
}

/* Whether the queue holds an event due now (for the post-unlock rescan). */
static int has_due_event(git_repository *repo)
{
	struct sov_outbox ob = SOV_OUTBOX_INIT;
	struct sov_outbox_list list = SOV_OUTBOX_LIST_INIT;
	struct sov_outbox_event ev = SOV_OUTBOX_EVENT_INIT;
	int due = 0;

	if (sov_outbox_open(&ob, repo) == 0 && sov_outbox_list(&ob, 0, &list) == 0 &&
	    list.nr && sov_outbox_load(list.paths[0], &ev) == 0)
		due = ev.next_attempt <= sov_time_now();
	sov_error_clear();
	sov_outbox_event_release(&ev);
	sov_outbox_list_release(&list);
	sov_outbox_release(&ob);
	return due;
}

/*
 * The background loop.  `lock` is the "webhook-sender" lock when the caller
 * already holds it (a freshly spawned sender), else -1.
 */
static int run_background(struct sov_ctx *ctx, struct sov_sender_stats *stats, int lock)
{
	git_repository *repo = ctx->repo;
	int ret = 0;

	for (;;) {
		if (lock < 0)
			lock = sov_repo_lock(repo, "webhook-sender", 0);
		if (lock < 0) {
			sov_trace("webhook: another sender holds the lock; leaving it");
			sov_error_clear();
			stats->busy = 1;
			break;
		}
		ret = drain(ctx, SOV_SENDER_BACKGROUND, stats);
		sov_repo_unlock(lock);
		lock = -1;
		/*
		 * An event queued after our last look whose own sender found
		 * the lock taken is ours to send: look once more, unlocked.
		 */
		if (ret < 0 || !has_due_event(repo))
			break;
	}
	return ret;
}

int sov_sender_run(struct sov_ctx *ctx, enum sov_sender_mode mode,
		   struct sov_sender_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	if (mode == SOV_SENDER_FLUSH)
		return drain(ctx, mode, stats);
	return run_background(ctx, stats, -1);
}

/* Git's per-command variables, which must not steer the detached sender. */
static const char *const git_command_vars[] = {
	"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
	"GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
	"GIT_PREFIX", "GIT_NAMESPACE", "GIT_QUARANTINE_PATH", NULL,
};

/* What the detached sender needs: the repository and the lock, if handed down. */
struct detached {
	const char *gitdir;
	int lock;
};

/* The detached sender (src/os/osdetach.h; POSIX: the forked grandchild). */
static int detached_main(void *arg)
{
	struct detached *d = arg;
	struct sov_sender_stats st;
	struct sov_ctx own = SOV_CTX_INIT;
	int status;

	/* The sender's own entry point: its own context. */
	if (sov_ctx_open(&own, d->gitdir, SOV_CTX_REPO) < 0)
		return -1;
	memset(&st, 0, sizeof(st));
	status = run_background(&own, &st, d->lock);
	sov_ctx_release(&own);
	return status;
}

int sov_sender_spawn(git_repository *repo)
{
	struct sov_buf gitdir = SOV_BUF_INIT;
	const char *argv[] = { "sovsync", "webhook", "sender", "--git-dir", NULL, NULL };
	struct detached d;
	int ret, lock;

	/*
	 * A background sender already running will send our event too (it
	 * rescans the queue before it lets go of its lock): save the start.
	 * Otherwise take the lock here and hand it down: the flock belongs to
	 * the open file, which the child inherits, so the lock is held without
	 * a gap from now until the sender is done, and a caller that sees it
	 * free after we return knows no sender of ours is still to come.
	 */
	lock = sov_repo_lock(repo, "webhook-sender", 0);
	if (lock < 0) {
		sov_error_clear();
		sov_trace("webhook: a sender is running; it will send the event");
		return 0;
	}

	sov_buf_addstr(&gitdir, git_repository_commondir(repo));
	d.gitdir = gitdir.ptr;
	d.lock = lock;
	argv[4] = gitdir.ptr;
	if (!sov_os_detach_calls_fn()) {
		/*
		 * The sender is started as a new program (Windows) and takes
		 * the lock itself; a sender of another event that starts in
		 * between finds it taken and leaves the event to this one.
		 */
		sov_repo_unlock(lock);
		lock = d.lock = -1;
	}
	ret = sov_os_detach("the webhook sender", argv, git_command_vars, detached_main, &d);
	/* Our copy only: the detached sender's keeps the lock. */
	sov_repo_unlock(lock);
	sov_buf_release(&gitdir);
	if (ret < 0)
		return -1;
	sov_trace("webhook: sender started");
	return 0;
}
