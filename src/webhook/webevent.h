/*
 * webevent.h - webhook events: the payload of an event, its id, queueing it
 * in the outbox (outbox.h) and starting the background sender (sender.h);
 * the two entry points the Git hooks call.
 *
 * The top of the webhook layers: it uses the transport's settings
 * (webhook.h), the outbox and the sender; nothing below calls it.  Payload
 * format: docs/FORMATS.md ("Webhook").
 */
#ifndef SOV_WEBEVENT_H
#define SOV_WEBEVENT_H

#include <stdint.h>
#include <stdio.h>

#include <git2.h>

#include "buf.h"
#include "webhook.h"

/* Append a new unique event id, "evt_" and 32 hex digits from getrandom(). */
int sov_webevent_new_id(struct sov_buf *out);

/*
 * Append the JSON body of an event (format in docs/FORMATS.md).  `before`
 * and `after` are commit ids in hex or NULL; the changed paths under
 * sovsync.root are those between the two trees.  `branch` may be NULL.
 */
int sov_webevent_payload(git_repository *repo, const struct sov_webhook_settings *s,
			 const char *event, const char *id, const char *branch,
			 const char *before, const char *after, int64_t now,
			 struct sov_buf *out);

/*
 * Hook entry point (`ctx` borrowed: the hook's context, whose settings
 * give the webhook's): queue `event` ("commit", "merge" or "push") and start a
 * detached sender; never waits on the network.  NULL `after` means HEAD;
 * NULL `before` means HEAD's first parent for commit, ORIG_HEAD for merge.
 * A no-op returning 0 when sovsync.webhook.url is unset or the event is not
 * in sovsync.webhook.events.  Returns 0 or -1.
 */
int sov_webevent_emit(struct sov_ctx *ctx, const char *event, const char *before,
		      const char *after);

/*
 * The reference-transaction hook body: in state "committed", reads the
 * "<old> <new> <ref>" lines from `in` and emits one `push` event for each
 * refs/remotes/<sovsync.remote>/<branch> update whose newest reflog entry
 * is Git's "update by push" (a fetch writes other messages).  Other states
 * only drain `in`.  Returns 0 or -1.
 */
int sov_webevent_ref_transaction(struct sov_ctx *ctx, const char *state, FILE *in);

#endif
