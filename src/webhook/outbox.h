/*
 * outbox.h - the durable queue of webhook events.
 *
 * One file per event in "<common git dir>/sovsync/outbox/", named
 * "<20-digit zero-padded sequence>-<event id>.json" so that the byte order
 * of the names is the delivery order.  Given-up events move, under the same
 * name, to "outbox/failed/".  An event file holds the exact request body plus
 * the delivery state (attempt count, next attempt instant, last error), so a
 * sender that restarts after a crash or a reboot resumes the schedule where
 * it stopped.  The format is in docs/FORMATS.md.
 *
 * Invariants:
 * - every event file is written atomically (temporary file + rename), so a
 *   reader sees the old or the new content, never a torn file; names that
 *   do not start with a digit (temporaries) are not events;
 * - a new event's sequence number is one more than every number handed out
 *   before ("<sovsync dir>/outbox.seq", under the "outbox" lock) and every
 *   event file present, so numbers only grow, even after the queue drains;
 * - an event is removed only after a 2xx answer (at least once delivery),
 *   and keeps its id on every attempt.
 */
#ifndef SOV_OUTBOX_H
#define SOV_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "buf.h"

/*
 * The latest instant an event file holds (9999-12-31T23:59:59Z: its
 * timestamps have four-digit years); later attempts are scheduled here.
 */
#define SOV_OUTBOX_TIME_MAX 253402300799000000LL

struct sov_outbox {
	struct sov_buf dir;		/* ".../sovsync/outbox" */
	struct sov_buf failed_dir;	/* ".../sovsync/outbox/failed" */
	git_repository *repo;		/* borrowed */
};

#define SOV_OUTBOX_INIT { .dir = SOV_BUF_INIT, .failed_dir = SOV_BUF_INIT, .repo = NULL }

/* One queued event, as stored in its file. */
struct sov_outbox_event {
	struct sov_buf path;		/* the event's file */
	uint64_t seq;
	struct sov_buf id;		/* unique, the receiver's idempotency key */
	struct sov_buf event;		/* "commit", "merge", "push", "test" */
	struct sov_buf body;		/* the exact request body */
	int64_t created_at;		/* instants, microseconds */
	int64_t next_attempt;
	int64_t attempts;		/* attempts made so far */
	struct sov_buf last_error;	/* empty: none */
};

#define SOV_OUTBOX_EVENT_INIT { .path = SOV_BUF_INIT, .id = SOV_BUF_INIT, \
	.event = SOV_BUF_INIT, .body = SOV_BUF_INIT, .last_error = SOV_BUF_INIT }

void sov_outbox_event_release(struct sov_outbox_event *ev);

/* Paths of event files, sorted (delivery order).  Owned strings. */
struct sov_outbox_list {
	char **paths;
	size_t nr, alloc;
};

#define SOV_OUTBOX_LIST_INIT { .paths = NULL, .nr = 0, .alloc = 0 }

void sov_outbox_list_release(struct sov_outbox_list *list);

/*
 * Find (and create, mode 0700) the outbox directories of `repo`, which the
 * outbox borrows.  Returns 0 or -1.  Release with sov_outbox_release().
 */
int sov_outbox_open(struct sov_outbox *ob, git_repository *repo);
void sov_outbox_release(struct sov_outbox *ob);

/*
 * Append an event: take the next sequence number and write its file
 * atomically, due at `now`.  `body` is stored byte for byte.  When `out` is
 * not NULL it receives the stored event.  Returns 0 or -1.
 */
int sov_outbox_enqueue(struct sov_outbox *ob, const char *id, const char *event,
		       const char *body, size_t body_len, int64_t now,
		       struct sov_outbox_event *out);

/*
 * The pending (failed = 0) or failed (failed = 1) events, in order: one
 * scan of the directory.  A sender walks such a list rather than scanning
 * again for every event (which made draining quadratic).
 */
int sov_outbox_list(struct sov_outbox *ob, int failed, struct sov_outbox_list *out);

/* Read one event file into `ev` (released first).  Returns 0 or -1. */
int sov_outbox_load(const char *path, struct sov_outbox_event *ev);

/*
 * Parse the text of an event file (`path` names it in errors) into `ev`
 * (released first; ev->path is left empty).  Returns 0 or -1.
 */
int sov_outbox_parse(struct sov_outbox_event *ev, const void *data, size_t len,
		     const char *path);

/* Append the canonical text of the event file (what save writes). */
void sov_outbox_format(const struct sov_outbox_event *ev, struct sov_buf *out);

/* Rewrite the event's file atomically with its current state. */
int sov_outbox_save(const struct sov_outbox_event *ev);

/*
 * Delete a delivered event.  A file already gone is not an error.  The
 * removal is not fsynced one by one: a crash may bring delivered events
 * back, and they are sent again under the same id (at least once; the
 * receiver dedups by webhook-id).  sov_outbox_sync() makes a batch of
 * removals durable at once.
 */
int sov_outbox_remove(const struct sov_outbox_event *ev);

/* fsync the outbox directory (its removals and renames).  0 or -1. */
int sov_outbox_sync(struct sov_outbox *ob);

/* Save the event's state and move it into failed/ (ev->path follows). */
int sov_outbox_fail(struct sov_outbox *ob, struct sov_outbox_event *ev);

/*
 * Move an event file that cannot be read (damaged) into failed/ as it is,
 * so that it no longer blocks the queue.  Returns 0 or -1.
 */
int sov_outbox_set_aside(struct sov_outbox *ob, const char *path);

/*
 * Move failed events back into the queue with a fresh schedule (attempts 0,
 * due at `now`): all of them when `id` is NULL, else the one with that id.
 * They keep their sequence numbers, hence their place in the order.  Sets
 * *count to the number moved.  Returns 0, or -1 (also when `id` names no
 * failed event).
 */
int sov_outbox_requeue(struct sov_outbox *ob, const char *id, int64_t now, size_t *count);

/* Count pending and failed events (for `sovsync status`).  0 or -1. */
int sov_outbox_count(git_repository *repo, size_t *pending, size_t *failed);

#endif
