/*
 * webhook.h - the webhook transport: settings, secrets, URL policy,
 * Standard Webhooks signing, one HTTP attempt and its classification, the
 * retry delay, redaction of what a receiver answers.
 *
 * Layers (each uses only those below it, none calls back up):
 *   webevent.h  payload, queueing, the hook entry points; starts the sender
 *   sender.h    delivers the outbox in order, through this module
 *   webhook.h   this transport;  outbox.h  the durable queue
 * A Git hook never waits on the network: sov_webevent_emit() builds the
 * payload, appends it to the durable outbox (outbox.h) and starts a detached
 * sender (sender.h), then returns.  The sender POSTs each event with libcurl
 * in queue order, retrying 408/429/5xx and network errors with exponential
 * backoff and full jitter (at least Retry-After), and moves an event that
 * cannot be delivered to outbox/failed/.
 *
 * Secrets: the bearer token comes from $SOVSYNC_WEBHOOK_TOKEN or the file
 * named by sovsync.webhook.tokenFile, the signing secret from
 * $SOVSYNC_WEBHOOK_SECRET or sovsync.webhook.secretFile.  Such a file must
 * not be readable by group or others and must not lie in the working tree
 * (a tracked file would publish it).  Secrets are never taken from argv and
 * never traced, logged or printed; settings_release() wipes them.
 *
 * Payload and headers: docs/FORMATS.md ("Webhook").  Signature: Standard
 * Webhooks, "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body)),
 * where a "whsec_" secret's key is the base64-decoded rest.
 */
#ifndef SOV_WEBHOOK_H
#define SOV_WEBHOOK_H

#include <stdint.h>
#include <stdio.h>

#include <git2.h>

#include "buf.h"
#include "ctx.h"
#include "events.h"
#include "settings.h"

/* The event bits are the event table's (events.h). */
#define SOV_WEBHOOK_COMMIT SOV_EVENT_COMMIT
#define SOV_WEBHOOK_MERGE SOV_EVENT_MERGE
#define SOV_WEBHOOK_PUSH SOV_EVENT_PUSH

struct sov_webhook_settings {
	struct sov_buf url;		/* empty: webhooks are off */
	unsigned events;		/* SOV_WEBHOOK_* mask */
	int allow_insecure;		/* plain http to a non-loopback host */
	/*
	 * 0 when libcurl, which checks the URL, could not be loaded: the
	 * events are still queued, and sov_webhook_post() checks the URL
	 * before it sends anything.
	 */
	int url_checked;
	int64_t connect_timeout_ms;
	int64_t timeout_ms;		/* whole request */
	int64_t max_attempts;		/* then the event is failed */
	int64_t retry_delay_ms;		/* backoff base */
	int64_t max_retry_delay_ms;	/* backoff cap */
	int64_t linger_ms;		/* a background sender waits at most this */
	struct sov_buf root;		/* sovsync.root */
	struct sov_buf remote;		/* sovsync.remote */
	struct sov_buf branch;		/* sovsync.branch, empty: any */
	struct sov_buf source;		/* sovsync.source */
	/* Loaded by sov_webhook_load_credentials() only.  Secret. */
	int has_credentials;
	struct sov_buf token;		/* empty: no Authorization header */
	struct sov_buf key;		/* HMAC key, empty: no signature */
};

#define SOV_WEBHOOK_SETTINGS_INIT { .url = SOV_BUF_INIT, .root = SOV_BUF_INIT, \
	.remote = SOV_BUF_INIT, .branch = SOV_BUF_INIT, .source = SOV_BUF_INIT, \
	.token = SOV_BUF_INIT, .key = SOV_BUF_INIT }

/* The settings groups the webhook reads (settings.h). */
#define SOV_WEBHOOK_GROUPS (SOV_SET_ROOT | SOV_SET_CORE | SOV_SET_WEBHOOK)

/*
 * Fill `s` (not the secrets) from settings already loaded, with the groups
 * SOV_WEBHOOK_GROUPS.  Returns 1 when a URL is set, 0 when webhooks are
 * off, -1 on an invalid setting (or groups not loaded).  A URL that cannot
 * be checked because libcurl is missing is not an error here (see
 * url_checked): what would send the event fails instead, and it stays
 * queued.
 */
int sov_webhook_settings_from(struct sov_webhook_settings *s, const struct sov_settings *set);

/*
 * The same from an entry point's context (borrowed): the groups are loaded
 * into ctx->set from its config snapshot when not loaded yet.  What every
 * caller with a context uses.
 */
int sov_webhook_settings_ctx(struct sov_webhook_settings *s, struct sov_ctx *ctx);

/*
 * The same from a fresh config snapshot of `repo`: only for a long-lived
 * process that must see edits made while it runs (the background sender
 * rereads its settings every second) and for tests.
 */
int sov_webhook_settings_load(struct sov_webhook_settings *s, git_repository *repo);

/* Read the token and the secret (see above).  0 or -1 (message, no secret). */
int sov_webhook_load_credentials(struct sov_webhook_settings *s, git_repository *repo);

/* Wipe the secrets and free everything. */
void sov_webhook_settings_release(struct sov_webhook_settings *s);


/*
 * Whether `url` may be used: http or https only, no user:password@, and
 * https unless the host is a loopback address or `allow_insecure`.  0 or -1.
 */
int sov_webhook_check_url(const char *url, int allow_insecure);

/* The HMAC key of a secret: "whsec_<base64>" decoded, else the bytes as given. */
int sov_webhook_secret_key(const char *secret, size_t len, struct sov_buf *key);

/* Append "v1,<base64 HMAC-SHA256 of id.timestamp.body>". */
void sov_webhook_sign(const void *key, size_t key_len, const char *id,
		      int64_t timestamp, const void *body, size_t body_len,
		      struct sov_buf *out);

/*
 * The delay before attempt `attempts` + 1 after `attempts` failures: full
 * jitter, a uniform draw in [0, min(cap, base * 2^(attempts-1))] taken from
 * `random`, but never less than `retry_after_ms` (>= 0 when the server
 * sent Retry-After).  Milliseconds.
 */
int64_t sov_webhook_backoff_ms(const struct sov_webhook_settings *s, int64_t attempts,
			       int64_t retry_after_ms, uint64_t random);

enum sov_webhook_outcome {
	SOV_WEBHOOK_DELIVERED,		/* 2xx */
	SOV_WEBHOOK_RETRY,		/* 408, 429, 5xx, network error */
	SOV_WEBHOOK_GIVE_UP,		/* any other answer, 3xx included */
	/*
	 * Nothing was sent, for a local reason: libcurl could not be loaded,
	 * or the URL, not checked when the event was queued, fails its check
	 * now.  The event stays, and this is not an attempt.
	 */
	SOV_WEBHOOK_NOT_SENT,
};

/* What an HTTP status means for the event. */
enum sov_webhook_outcome sov_webhook_classify(long status);

struct sov_webhook_response {
	long status;			/* 0: no answer */
	int64_t retry_after_ms;		/* -1: none */
	struct sov_buf error;		/* why it was not delivered (redacted) */
};

#define SOV_WEBHOOK_RESPONSE_INIT { .status = 0, .retry_after_ms = -1, .error = SOV_BUF_INIT }

/*
 * An HTTP client kept across requests: one libcurl easy handle, whose
 * connection cache keeps the connection to the receiver open (HTTP
 * keep-alive), so that draining a queue costs one TCP (and TLS) handshake,
 * not one per event.  Owned by the caller, who releases it with
 * sov_webhook_client_release().
 */
struct sov_webhook_client {
	void *curl;			/* CURL *, made on first use */
	size_t connections;		/* connections opened so far */
};

#define SOV_WEBHOOK_CLIENT_INIT { .curl = NULL, .connections = 0 }

void sov_webhook_client_release(struct sov_webhook_client *c);

/*
 * One POST of `body` with the event's headers (credentials must be loaded),
 * through `client` (NULL: a handle of its own, closed afterwards).  Returns
 * the outcome; the details are in `res` (reset first).  res->error holds at
 * most the first line (200 bytes) of the answer, passed through
 * sov_webhook_redact(); a larger answer is read and dropped, bounded by
 * the timeout.
 */
enum sov_webhook_outcome sov_webhook_post(const struct sov_webhook_settings *s,
					  struct sov_webhook_client *client,
					  const char *id, const char *body,
					  size_t body_len,
					  struct sov_webhook_response *res);

/*
 * Mask in `text` whatever could be a credential of a request, before an
 * answer or an error is stored (outbox last_error) or printed (`webhook
 * list`, `webhook test`, the trace).  Each masked span becomes
 * "[redacted]":
 * - any run of 8 or more characters (or a whole shorter secret) of the
 *   token, the signing key (the raw secret), its base64 form (the rest of
 *   a "whsec_" secret) and `signature` (NULL: none), wherever it appears,
 *   also split by line breaks, white space or quotes, or written with JSON
 *   (\/, \uXXXX) or URL (%XX) escapes; a shorter run that ends the text
 *   (a secret cut off there);
 * - the rest of the line after "Authorization", the word after "Bearer "
 *   or "Basic " (any case);
 * - URL userinfo ("scheme://user:password@") and the value of a query
 *   parameter whose name holds token, secret, key, pass, sig, auth, code,
 *   session or credential ("?token=...", "&api_key=...").
 * Secrets not loaded (empty) are only caught by the patterns.
 */
void sov_webhook_redact(const struct sov_webhook_settings *s, const char *signature,
			struct sov_buf *text);

void sov_webhook_response_release(struct sov_webhook_response *res);

#endif
