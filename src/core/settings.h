/*
 * settings.h - the sovsync.* settings, typed and normalised, from one table.
 *
 * Every setting is one row of the table in settings.c: its key, the older
 * key still read where the new one is not set, its type, its default, the
 * field of struct sov_settings it fills and the group it belongs to.  An
 * entry point loads the groups it needs (sov_ctx_open, ctx.h), so a bad
 * value of a setting it does not use never stops it (a typo in
 * sovsync.watch.debounce does not stop the commit hooks).
 *
 * Types and their one parser each:
 *   root      sov_config_root(): "shared", "shared/" and "./shared" are
 *             one root; refused values name the key (config.h)
 *   string    as written
 *   enum      sovsync.documents.onConflict: flag or stop, anything else
 *             refused (the sync and the document driver agree)
 *   duration  sov_duration_parse(): a number with an optional unit ms, s,
 *             m or h; a bare number is seconds.  An older key whose name
 *             ends in "Ms" held integer milliseconds and is still read as
 *             such.  One naming scheme: a duration's key names what it is
 *             (retryDelay), never its unit (retryDelayMs)
 *   int       Git's integer syntax, k/m/g suffixes included (sizes, counts)
 *   bool      Git's boolean syntax
 *
 * Adding a setting: one field in struct sov_settings below, one row in the
 * table in settings.c (key, older key or NULL, type, default, field, group;
 * a new group only for a new kind of entry point), and its line in
 * docs/FORMATS.md.  Nothing else reads git config for a sovsync.* key.
 *
 * Ownership: the struct owns its buffers; sov_settings_release frees them.
 */
#ifndef SOV_SETTINGS_H
#define SOV_SETTINGS_H

#include <stdint.h>

#include "buf.h"
#include "config.h"

/* sovsync.documents.onConflict */
enum sov_on_conflict {
	SOV_ON_CONFLICT_FLAG,	/* queue the conflict, the merge goes on (default) */
	SOV_ON_CONFLICT_STOP,	/* Git's usual stop */
};

/* What an entry point needs; or-ed together. */
enum sov_settings_group {
	SOV_SET_ROOT = 1 << 0,		/* root (checked: no link on its way) */
	SOV_SET_CORE = 1 << 1,		/* remote, branch, source */
	SOV_SET_DOC = 1 << 2,		/* onConflict */
	SOV_SET_SYNC = 1 << 3,		/* sync cycle timeouts */
	SOV_SET_WATCH = 1 << 4,		/* watcher timers */
	SOV_SET_WEBHOOK = 1 << 5,	/* webhook delivery */
	SOV_SET_ONPULL = 1 << 6,	/* the command run after a pull */
	SOV_SET_FILTER = 1 << 7,	/* stored forms and the host's object limit */
	SOV_SET_ALL = (1 << 8) - 1,
};

struct sov_settings {
	unsigned loaded;		/* groups loaded so far */

	/* SOV_SET_ROOT */
	struct sov_buf root;		/* sovsync.root, "shared"; normalised */
	/* SOV_SET_CORE */
	struct sov_buf remote;		/* sovsync.remote, "origin" */
	struct sov_buf branch;		/* sovsync.branch; empty: the current branch */
	struct sov_buf source;		/* sovsync.source, "local" */
	/* SOV_SET_DOC */
	enum sov_on_conflict on_conflict; /* sovsync.documents.onConflict, flag */
	/* SOV_SET_SYNC */
	int64_t lock_timeout_ms;	/* sovsync.sync.lockTimeout, 30 s */
	/*
	 * sovsync.networkTimeout (older: sovsync.sync.networkTimeout), 120 s:
	 * a fetch or push silent this long is stopped (run.h).  0: no limit;
	 * else at least 100 ms.
	 */
	int64_t network_timeout_ms;
	/* SOV_SET_WATCH */
	int64_t debounce_ms;		/* sovsync.watch.debounce, 2 s */
	int64_t scan_interval_ms;	/* sovsync.watch.scanInterval, 900 s */
	int64_t pull_interval_ms;	/* sovsync.watch.pullInterval, 60 s */
	int64_t backoff_max_ms;		/* sovsync.watch.backoffMax, 300 s */
	/* SOV_SET_WEBHOOK (webhook.h) */
	struct sov_buf webhook_url;	/* sovsync.webhook.url, "" */
	struct sov_buf webhook_events;	/* sovsync.webhook.events, "commit,merge,push" */
	int webhook_allow_insecure;	/* sovsync.webhook.allowInsecure, false */
	int64_t webhook_max_attempts;	/* sovsync.webhook.maxAttempts, 15, >= 1 */
	int64_t webhook_timeout_ms;	/* sovsync.webhook.timeout, 30 s, > 0 */
	int64_t webhook_connect_timeout_ms; /* sovsync.webhook.connectTimeout, 10 s, > 0 */
	int64_t webhook_retry_delay_ms;	/* sovsync.webhook.retryDelay (older retryDelayMs), 5 s */
	int64_t webhook_max_retry_delay_ms; /* sovsync.webhook.maxRetryDelay (maxRetryDelayMs), 10 h */
	int64_t webhook_linger_ms;	/* sovsync.webhook.linger (lingerMs), 15 m */
	/* Files of the secrets (the environment goes first; webhook.c checks them). */
	struct sov_buf webhook_token_file;	/* sovsync.webhook.tokenFile, "" */
	struct sov_buf webhook_secret_file;	/* sovsync.webhook.secretFile, "" */
	/* SOV_SET_ONPULL (onpull.h) */
	struct sov_buf on_pull;		/* sovsync.onPull, "": nothing runs */
	int64_t on_pull_timeout_ms;	/* sovsync.onPullTimeout, 60 s; 0 no limit */
	/* SOV_SET_FILTER (filter.h, chunkstore.h, pushcheck.h) */
	/*
	 * sovsync.filter.minSize, 1 MiB: content below it is stored plain by
	 * the clean filter; 0 stores everything in frames; at most 64 MiB
	 * (the filter holds that much in memory before it knows the form).
	 */
	int64_t filter_min_size;
	/*
	 * sovsync.maxObjectSize, 95 MiB: the largest object a push may carry
	 * (the host's limit; GitHub refuses files over 100 MB); larger stored
	 * forms are chunked.  More than 0.
	 */
	int64_t max_object_size;
};

/* The defaults of the two sizes above, for callers that fall back. */
#define SOV_SETTINGS_MIN_SIZE_DEF (1024 * 1024)
#define SOV_SETTINGS_MIN_SIZE_MAX (64 * 1024 * 1024)
#define SOV_SETTINGS_MAX_OBJECT_SIZE_DEF (95 * 1024 * 1024)

#define SOV_SETTINGS_INIT { .root = SOV_BUF_INIT, .remote = SOV_BUF_INIT, \
			    .branch = SOV_BUF_INIT, .source = SOV_BUF_INIT, \
			    .webhook_url = SOV_BUF_INIT, .webhook_events = SOV_BUF_INIT, \
			    .webhook_token_file = SOV_BUF_INIT, \
			    .webhook_secret_file = SOV_BUF_INIT, \
			    .on_pull = SOV_BUF_INIT }

/*
 * Load the rows of `groups` not loaded yet from `cfg`.  Returns 0, or -1
 * with a message naming the key and the value (the groups read before the
 * bad row stay loaded).
 */
int sov_settings_load(struct sov_settings *s, struct sov_config *cfg, unsigned groups);
void sov_settings_release(struct sov_settings *s);

/*
 * Parse a duration: a decimal number and an optional unit "ms", "s", "m"
 * or "h"; without a unit the number counts `unit_ms` milliseconds (1000
 * for the settings and the command-line options, 1 for the older *Ms
 * keys).  "2", "1.5s", "500ms", "15m".  0, or -1 (negative, not a number,
 * unknown unit, longer than 1e15 ms).
 */
int sov_duration_parse(const char *text, int64_t unit_ms, int64_t *ms);

/*
 * For listings (docs, tests): call `fn` with each row's key, older key
 * (or NULL), type name and default, in table order.
 */
void sov_settings_each(void (*fn)(void *data, const char *key, const char *old_key,
				  const char *type, const char *def), void *data);

#endif
