/*
 * doctor.h - `sovsync doctor`: checks that a clone syncs, each with a cause
 * and a fix.
 *
 * The design's "local test": instead of finding out at the next pull that
 * the hooks never ran or that a push prompts for a password, every piece a
 * sync depends on is tried once, the way Git and the sync cycle use it:
 *
 *   install     install.json present
 *   hooks       the hooks Git runs are sovsync's (hookinst.h), and Git
 *               really runs them: one is started through `git hook run`
 *               with SOVSYNC_HOOK_PROBE set, and must answer
 *   config      filter and driver config as install writes it, each program
 *               it names present and executable
 *   attributes  what `git check-attr` says for a sample path of every line
 *               install and `sovsync track` write (a later line, a nested
 *               .gitattributes or info/attributes may override them)
 *   identity    `git var GIT_COMMITTER_IDENT` / GIT_AUTHOR_IDENT
 *   signing     with commit.gpgSign, one real signature (`git commit-tree
 *               -S` of the empty tree: an unreachable object, nothing else)
 *   remote      `git ls-remote` of <remote> <branch> with the sync's
 *               environment (GIT_TERMINAL_PROMPT=0), stopped after the
 *               timeout: a prompt or a stalled server fails, bounded
 *   webhook     with sovsync.webhook.url, one "test" event POSTed
 *               (webhook.h), the failed events of the outbox
 *   inotify     directories under the root against fs.inotify.max_user_watches
 *   sizes       blobs under the root against sovsync.maxObjectSize
 *   onpull      the last run of sovsync.onPull (onpull.h)
 *   sync        a sync stopped (conflict, rewritten remote, killed merge)
 *
 * Levels: ok, warn (works, but look), fail (a sync will not work as it
 * should).  Nothing here changes the repository beyond the unreachable
 * probe commit and the probe file under <git dir>/sovsync/.
 */
#ifndef SOV_DOCTOR_H
#define SOV_DOCTOR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "hookrun.h"

enum sov_doctor_level {
	SOV_DOCTOR_OK,
	SOV_DOCTOR_WARN,
	SOV_DOCTOR_FAIL,
};

struct sov_doctor_item {
	char *check;			/* "hooks" (owned) */
	enum sov_doctor_level level;
	char *message;			/* what was found (owned) */
	char *fix;			/* what to do, or NULL (owned) */
};

struct sov_doctor {
	struct sov_doctor_item *items;	/* owned */
	size_t n, alloc;
};

#define SOV_DOCTOR_INIT { .items = NULL, .n = 0, .alloc = 0 }

struct sov_doctor_opts {
	/*
	 * Bound of every step that may wait (network, signing, the hook
	 * probe); <= 0: sovsync.networkTimeout, at most 30 s.
	 */
	int64_t timeout_ms;
};


/*
 * Run every check on the repository `h` (opened by the caller).  Returns
 * 0 when the checks ran (see the levels in `out`), -1 when they could not
 * (message set).  Release `out` with sov_doctor_release either way.
 */
int sov_doctor_run(struct sov_hookrun *h, const struct sov_doctor_opts *opts,
		   struct sov_doctor *out);
void sov_doctor_release(struct sov_doctor *d);

/* Append one result (the strings are copied; `fix` may be NULL). */
void sov_doctor_add(struct sov_doctor *d, const char *check, enum sov_doctor_level level,
		    const char *message, const char *fix);

/* The worst level in `d` (SOV_DOCTOR_OK when empty). */
enum sov_doctor_level sov_doctor_worst(const struct sov_doctor *d);

/* "ok", "warn" or "fail". */
const char *sov_doctor_level_name(enum sov_doctor_level level);

/* {"ok": bool, "checks": [{"check", "status", "message", "fix"}]}: new reference. */
json_t *sov_doctor_to_json(const struct sov_doctor *d);

/* Helpers, exposed for the unit tests. */

/*
 * The program a config command runs: its first shell word (single and
 * double quotes, backslashes), looked up in PATH when it has no '/'.
 * 0, or -1 when the command is empty or not one /bin/sh word.
 */
int sov_doctor_program(const char *command, struct sov_buf *out);

/*
 * A path a .gitattributes `pattern` matches, to ask `git check-attr`
 * about: '*' and '**' become "sovsync-doctor", '?' "x", a leading '/'
 * goes.  0, or -1 for patterns no sample is made for (a bracket
 * expression, a directory pattern ending in '/', a negation).
 */
int sov_doctor_attr_sample(const char *pattern, struct sov_buf *out);

/*
 * The directories `sovsync watch` watches under `path` (itself included;
 * 0 when it is not a directory): symbolic links are not followed, so a
 * link back up the tree counts nothing.
 */
size_t sov_doctor_count_dirs(const char *path);

/* `url` with any user:password@ replaced by "***@" (for messages). */
void sov_doctor_redact_url(const char *url, struct sov_buf *out);

#endif
