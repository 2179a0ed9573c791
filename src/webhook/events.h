/*
 * events.h - the webhook events, one row each.
 *
 * An event's name (as sovsync.webhook.events lists it and as the payload's
 * "event" field carries it), its bit in an event mask, the hook that
 * queues it and the revision its "before" defaults to.  The mask values
 * are those of SOV_WEBHOOK_COMMIT, _MERGE and _PUSH (webhook.h), which
 * webhook.c is to take from here (left to the webhook split; see
 * docs/ARCHITECTURE.md).  Adding an event: a row here, its hook's call of
 * sov_webhook_emit, and its line in docs/FORMATS.md.
 */
#ifndef SOV_EVENTS_H
#define SOV_EVENTS_H

#include "buf.h"

#define SOV_EVENT_COMMIT 1u
#define SOV_EVENT_MERGE 2u
#define SOV_EVENT_PUSH 4u

struct sov_event {
	const char *name;	/* "commit" */
	unsigned bit;		/* SOV_EVENT_* */
	const char *hook;	/* the hook that queues it (hooktab.h) */
	/*
	 * What "before" is when the hook gives none: "^" the first parent of
	 * "after", or a revision ("ORIG_HEAD": what the merge started from).
	 * NULL: the hook always gives it (push: the old value of the ref).
	 */
	const char *before;
};

/* The events in listing order; the last row's name is NULL. */
extern const struct sov_event sov_events[];

/* The row of `name`, or NULL. */
const struct sov_event *sov_event_find(const char *name);

/*
 * Parse an event list ("commit,merge push": commas and/or white space)
 * into a mask.  0, or -1 naming the unknown event and the known ones.
 */
int sov_events_parse(const char *text, unsigned *mask);

/* Append the names, "commit, merge, push", for messages and help. */
void sov_events_names(struct sov_buf *out);

#endif
