/*
 * sender.h - delivering the webhook outbox, in order, one sender at a time.
 *
 * Two flock locks in "<common dir>/sovsync/" keep delivery serial:
 * - "webhook-sender": held for its whole life by the one background sender
 *   of a repository; a second one started meanwhile exits at once (the
 *   holder rescans the queue after releasing the lock, so the newcomer's
 *   event is never stranded);
 * - "webhook-send": held around each attempt and the update of the event
 *   file, by the background sender and by `sovsync webhook flush` alike,
 *   so two processes never deliver the same event concurrently and the
 *   queue head is always delivered (or given up) before the next event.
 * Locks die with their process: a sender killed mid-flight leaves its event
 * in the queue (delivered again later: at least once, same id).
 *
 * Layering: the sender uses the transport (webhook.h) and the outbox
 * (outbox.h); the events module (webevent.h) queues events and calls
 * sov_sender_spawn().  Neither the transport nor the outbox calls back up.
 */
#ifndef SOV_SENDER_H
#define SOV_SENDER_H

#include <stddef.h>

#include <git2.h>

#include "ctx.h"

enum sov_sender_mode {
	/* Detached: honour the schedule, sleep until the head is due (at most
	 * sovsync.webhook.lingerMs), stop when the queue is empty. */
	SOV_SENDER_BACKGROUND,
	/* Foreground flush: try every event now, in order; stop at the first
	 * one that must be retried later. */
	SOV_SENDER_FLUSH,
};

struct sov_sender_stats {
	size_t delivered;
	size_t failed;		/* moved to outbox/failed/ */
	size_t left;		/* still queued when the sender stopped */
	int busy;		/* another background sender held the lock */
};

/*
 * Deliver the queue of `ctx`'s repository (`ctx` borrowed: the entry
 * point's context; its settings are the first the sender uses, reread from
 * a fresh snapshot every second after that).  Returns 0 (see `stats` for what happened),
 * or -1 when the sender could not work at all (settings, credentials, an
 * unreadable outbox); the reason is also stored in the head event's
 * last_error so that `sovsync webhook list` shows it.
 */
int sov_sender_run(struct sov_ctx *ctx, enum sov_sender_mode mode,
		   struct sov_sender_stats *stats);

/*
 * Unless a background sender of `repo` is already running (it will see the
 * new event), fork a fully detached background sender (new session,
 * adopted by init, stdio on /dev/null, inherited pipes closed, Git's
 * per-command variables removed) and return without waiting for it.  The
 * secrets are read by the sender itself, from the environment or the files.
 * `sovsync webhook sender --git-dir <dir>` runs the same sender as a
 * command.  Returns 0 or -1.
 */
int sov_sender_spawn(git_repository *repo);

#endif
