/*
 * webevent.c - webhook events: payload, queueing, the hook entry points;
 * see webevent.h.
 */
#include "webevent.h"
#include "error.h"
#include "metrics.h"
#include "fs.h"
#include "hash.h"
#include "outbox.h"
#include "repo.h"
#include "sender.h"
#include "timestamp.h"
#include "trace.h"
#include "version.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "osenv.h"

#include <jansson.h>

/* At most this many changed paths in a payload ("paths_truncated" then). */
#define MAX_PATHS 1000

int sov_webevent_new_id(struct sov_buf *out)
{
	unsigned char raw[16];

	if (sov_os_random(raw, sizeof(raw), 1) < 0)
		return sov_error_errno("cannot get random bytes for an event id");
	sov_buf_addstr(out, "evt_");
	sov_hex_encode(raw, sizeof(raw), out);
	return 0;
}

/* The repository's name: its working tree's (or bare directory's) basename. */
static void repo_name(git_repository *repo, struct sov_buf *out)
{
	const char *dir = git_repository_workdir(repo);
	struct sov_buf tmp = SOV_BUF_INIT;
	const char *base;

	sov_buf_addstr(&tmp, dir ? dir : git_repository_path(repo));
	while (tmp.len > 1 && tmp.ptr[tmp.len - 1] == '/')
		sov_buf_setlen(&tmp, tmp.len - 1);
	if (!dir && tmp.len > 4 && !strcmp(tmp.ptr + tmp.len - 4, "/.git"))
		sov_buf_setlen(&tmp, tmp.len - 4);
	base = strrchr(tmp.ptr, '/');
	sov_buf_addstr(out, base ? base + 1 : tmp.ptr);
	sov_buf_release(&tmp);
}

/* The remote's URL without any "user:password@" (NULL when there is none). */
static json_t *remote_url(git_repository *repo, const char *name)
{
	git_remote *remote = NULL;
	struct sov_buf url = SOV_BUF_INIT;
	const char *u, *scheme_end, *at, *slash;
	json_t *ret;

	if (git_remote_lookup(&remote, repo, name) < 0 || !git_remote_url(remote)) {
		git_remote_free(remote);
		git_error_clear();
		return json_null();
	}
	u = git_remote_url(remote);
	scheme_end = strstr(u, "://");
	if (scheme_end) {
		slash = strchr(scheme_end + 3, '/');
		at = memchr(scheme_end + 3, '@',
			    slash ? (size_t)(slash - scheme_end - 3) : strlen(scheme_end + 3));
		if (at) {
			sov_buf_add(&url, u, (size_t)(scheme_end + 3 - u));
			sov_buf_addstr(&url, at + 1);
		}
	}
	if (!url.len)
		sov_buf_addstr(&url, u);
	ret = json_string(url.ptr);
	sov_buf_release(&url);
	git_remote_free(remote);
	return ret ? ret : json_null();
}

static int lookup_tree(git_repository *repo, const char *hex, git_tree **out)
{
	git_commit *commit = NULL;
	git_oid oid;
	int err;

	*out = NULL;
	if (!hex)
		return 0;
	if (git_oid_fromstr(&oid, hex) < 0)
		return sov_error("'%s' is not a commit id", hex);
	err = git_commit_lookup(&commit, repo, &oid);
	if (!err)
		err = git_commit_tree(out, commit);
	git_commit_free(commit);
	if (err < 0)
		return sov_error_git("commit %s", hex);
	return 0;
}

/* The paths under `root`/ that differ between the two commits. */
static int changed_paths(git_repository *repo, const char *root, const char *before,
			 const char *after, json_t *paths, int *truncated)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_diff_options opts;
	git_diff *diff = NULL;
	char *spec[1];
	int ret = -1;
	size_t i, n;

	*truncated = 0;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (lookup_tree(repo, before, &old_tree) < 0 ||
	    lookup_tree(repo, after, &new_tree) < 0)
		goto out;
	spec[0] = (char *)root;
	opts.pathspec.strings = spec;
	opts.pathspec.count = *root ? 1 : 0;
	if (git_diff_tree_to_tree(&diff, repo, old_tree, new_tree, &opts) < 0) {
		sov_error_git("cannot diff %s..%s", before ? before : "(none)",
			      after ? after : "(none)");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *p = d->new_file.path ? d->new_file.path : d->old_file.path;

		if (json_array_size(paths) >= MAX_PATHS) {
			*truncated = 1;
			break;
		}
		json_array_append_new(paths, json_string(p));
	}
	ret = 0;
out:
	git_diff_free(diff);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return ret;
}

/*
 * The clone's sync health and metrics (metrics.h), for the web app's own
 * dashboard: "sync_health" {status, lastError, consecutiveFailures} and
 * "metrics" {totalSyncs, ...}.  Unreadable metrics read as none recorded,
 * with "metrics_error" saying why.
 */
static void add_metrics(git_repository *repo, json_t *obj)
{
	struct sov_metrics m = SOV_METRICS_INIT;
	int bad = sov_metrics_load(repo, &m) < 0;
	json_t *all = sov_metrics_to_json(&m);

	json_object_set(obj, "sync_health", json_object_get(all, "health"));
	json_object_del(all, "health");
	json_object_set_new(obj, "metrics", all);
	if (bad) {
		/* As `sovsync status` says metricsError: zeros, and why. */
		json_object_set_new(obj, "metrics_error", json_string(sov_error_last()));
		sov_error_clear();
	}
	sov_metrics_release(&m);
}

int sov_webevent_payload(git_repository *repo, const struct sov_webhook_settings *s,
			 const char *event, const char *id, const char *branch,
			 const char *before, const char *after, int64_t now,
			 struct sov_buf *out)
{
	json_t *obj = json_object(), *paths = json_array();
	struct sov_buf t = SOV_BUF_INIT;
	int truncated = 0, ret = -1;
	char *text;

	if (changed_paths(repo, s->root.ptr, before, after, paths, &truncated) < 0) {
		json_decref(paths);
		goto out;
	}
	json_object_set_new(obj, "event", json_string(event));
	json_object_set_new(obj, "id", json_string(id));
	repo_name(repo, &t);
	json_object_set_new(obj, "repository", json_string(t.ptr));
	json_object_set_new(obj, "remote", remote_url(repo, s->remote.ptr));
	json_object_set_new(obj, "branch", branch ? json_string(branch) : json_null());
	json_object_set_new(obj, "before", before ? json_string(before) : json_null());
	json_object_set_new(obj, "after", after ? json_string(after) : json_null());
	json_object_set_new(obj, "root", json_string(s->root.ptr));
	json_object_set_new(obj, "paths", paths);
	json_object_set_new(obj, "paths_truncated", json_boolean(truncated));
	json_object_set_new(obj, "source", json_string(s->source.ptr));
	sov_buf_reset(&t);
	sov_time_format(now, &t);
	json_object_set_new(obj, "timestamp", json_string(t.ptr));
	json_object_set_new(obj, "sovsync_version", json_string(SOV_VERSION));
	add_metrics(repo, obj);
	/* Compact, key order as inserted: the body is stored and resent as is. */
	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text) {
		sov_error("cannot encode the webhook payload (invalid UTF-8 in a path?)");
		goto out;
	}
	sov_buf_addstr(out, text);
	free(text);
	ret = 0;
out:
	json_decref(obj);
	sov_buf_release(&t);
	return ret;
}

/* The branch HEAD is on (shorthand), or NULL when detached/unborn. */
static char *head_branch(git_repository *repo)
{
	git_reference *head = NULL;
	char *name = NULL;

	if (git_repository_head(&head, repo) == 0 && git_reference_is_branch(head))
		name = sov_strdup(git_reference_shorthand(head));
	git_reference_free(head);
	git_error_clear();
	return name;
}

/* Resolve `spec` (a revision) to hex, or leave `out` empty. */
static void resolve_hex(git_repository *repo, const char *spec, char out[GIT_OID_HEXSZ + 1])
{
	git_object *obj = NULL;

	out[0] = '\0';
	if (git_revparse_single(&obj, repo, spec) == 0) {
		git_object *commit = NULL;

		if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0)
			git_oid_tostr(out, GIT_OID_HEXSZ + 1, git_object_id(commit));
		git_object_free(commit);
	}
	git_object_free(obj);
	git_error_clear();
}

static unsigned event_bit(const char *event)
{
	const struct sov_event *e = sov_event_find(event);

	return e ? e->bit : 0;
}

/* Queue one event and start a sender; `s` is loaded, the URL set. */
static int queue_event(git_repository *repo, const struct sov_webhook_settings *s,
		       const char *event, const char *branch, const char *before,
		       const char *after)
{
	struct sov_outbox ob = SOV_OUTBOX_INIT;
	struct sov_buf id = SOV_BUF_INIT, body = SOV_BUF_INIT;
	int64_t now = sov_time_now();
	int ret = -1;

	if (sov_webevent_new_id(&id) < 0 ||
	    sov_webevent_payload(repo, s, event, id.ptr, branch, before, after, now,
				&body) < 0 ||
	    sov_outbox_open(&ob, repo) < 0 ||
	    sov_outbox_enqueue(&ob, id.ptr, event, body.ptr, body.len, now, NULL) < 0)
		goto out;
	sov_trace("webhook: queued %s event %s", event, id.ptr);
	ret = sov_sender_spawn(repo);
out:
	sov_outbox_release(&ob);
	sov_buf_release(&id);
	sov_buf_release(&body);
	return ret;
}

int sov_webevent_emit(struct sov_ctx *ctx, const char *event, const char *before,
		      const char *after)
{
	git_repository *repo = ctx->repo;
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	char after_hex[GIT_OID_HEXSZ + 1], before_hex[GIT_OID_HEXSZ + 1];
	char *branch = NULL;
	unsigned bit = event_bit(event);
	int ret = -1, on;

	if (!bit)
		return sov_error("unknown webhook event '%s' (expected commit, merge, push)",
				 event);
	on = sov_webhook_settings_ctx(&s, ctx);
	if (on <= 0 || !(s.events & bit)) {
		sov_webhook_settings_release(&s);
		return on < 0 ? -1 : 0;
	}
	if (!after) {
		resolve_hex(repo, "HEAD", after_hex);
		after = *after_hex ? after_hex : NULL;
	}
	if (!before && after) {
		char spec[GIT_OID_HEXSZ + 3];

		snprintf(spec, sizeof(spec), "%s^", after);
		resolve_hex(repo, bit == SOV_WEBHOOK_MERGE ? "ORIG_HEAD" : spec, before_hex);
		before = *before_hex ? before_hex : NULL;
	}
	branch = head_branch(repo);
	ret = queue_event(repo, &s, event, branch, before, after);
	free(branch);
	sov_webhook_settings_release(&s);
	return ret;
}

static int is_zero_oid(const char *hex)
{
	return strspn(hex, "0") == strlen(hex);
}

/*
 * Whether the newest reflog entry of `ref` records a push to `new_hex`; if
 * so, `old_hex` receives the value it replaced (empty when none).  The hook
 * itself gets a zero old value when the ref was packed.
 */
static int updated_by_push(git_repository *repo, const char *ref, const char *new_hex,
			   char old_hex[GIT_OID_HEXSZ + 1])
{
	git_reflog *log = NULL;
	const git_reflog_entry *e;
	int yes = 0;

	old_hex[0] = '\0';
	if (git_reflog_read(&log, repo, ref) == 0 && (e = git_reflog_entry_byindex(log, 0))) {
		char hex[GIT_OID_HEXSZ + 1];
		const char *msg = git_reflog_entry_message(e);

		git_oid_tostr(hex, sizeof(hex), git_reflog_entry_id_new(e));
		/* transport.c's update_tracking_ref() writes exactly this. */
		yes = msg && !strcmp(msg, "update by push") && !strcmp(hex, new_hex);
		if (yes && !git_oid_is_zero(git_reflog_entry_id_old(e)))
			git_oid_tostr(old_hex, GIT_OID_HEXSZ + 1, git_reflog_entry_id_old(e));
	}
	git_reflog_free(log);
	git_error_clear();
	return yes;
}

/*
 * Record that a push of `ref` to `new_hex` was announced, and say whether
 * it is new.  Git re-writes the remote-tracking ref (with the same value,
 * and no new reflog entry) on a push that finds nothing to do, so the
 * reflog alone would announce the last real push again.  The last
 * announced value of each ref is kept in "<sovsync dir>/webhook-pushed",
 * lines "<hex> <ref>".  Returns 1 if new, 0 if seen, -1 on error.
 */
static int note_push(git_repository *repo, const char *ref, const char *new_hex)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT, out = SOV_BUF_INIT;
	size_t reflen = strlen(ref);
	int lock, ret = -1, seen = 0;
	char *line, *next;

	lock = sov_repo_lock(repo, "webhook-pushed", 1);
	if (lock < 0)
		return -1;
	if (sov_repo_state_path(repo, "webhook-pushed", &path) < 0 ||
	    (sov_fs_exists(path.ptr) && sov_buf_read_file(&text, path.ptr) < 0))
		goto out;
	for (line = text.ptr; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		/* "<40 hex> <ref>" */
		if (strlen(line) == GIT_OID_HEXSZ + 1 + reflen &&
		    !strcmp(line + GIT_OID_HEXSZ + 1, ref)) {
			seen = !strncmp(line, new_hex, GIT_OID_HEXSZ);
			continue;
		}
		if (*line)
			sov_buf_addf(&out, "%s\n", line);
	}
	sov_buf_addf(&out, "%s %s\n", new_hex, ref);
	if (!seen && sov_fs_write_atomic(path.ptr, out.ptr, out.len, 0600) < 0)
		goto out;
	ret = !seen;
out:
	sov_repo_unlock(lock);
	sov_buf_release(&path);
	sov_buf_release(&text);
	sov_buf_release(&out);
	return ret;
}

int sov_webevent_ref_transaction(struct sov_ctx *ctx, const char *state, FILE *in)
{
	git_repository *repo = ctx->repo;
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	struct sov_buf prefix = SOV_BUF_INIT;
	char line[4096];
	int on = 0, ret = 0;

	if (!strcmp(state, "committed")) {
		on = sov_webhook_settings_ctx(&s, ctx);
		if (on < 0)
			ret = -1;
		if (on > 0 && !(s.events & SOV_WEBHOOK_PUSH))
			on = 0;
		sov_buf_addf(&prefix, "refs/remotes/%s/", s.remote.ptr);
	}
	/* Read everything even when idle: Git writes all lines to the hook. */
	while (fgets(line, sizeof(line), in)) {
		char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
		char prev_hex[GIT_OID_HEXSZ + 1];
		char ref[sizeof(line)];
		const char *branch;
		int r;

		if (on <= 0 || ret < 0)
			continue;
		if (sscanf(line, "%40s %40s %4095s", old_hex, new_hex, ref) != 3)
			continue;
		if (strncmp(ref, prefix.ptr, prefix.len) || is_zero_oid(new_hex))
			continue;
		branch = ref + prefix.len;
		if (!strcmp(branch, "HEAD") || (s.branch.len && strcmp(branch, s.branch.ptr)))
			continue;
		if (!updated_by_push(repo, ref, new_hex, prev_hex))
			continue;
		r = note_push(repo, ref, new_hex);
		if (r <= 0) {
			if (r < 0)
				ret = -1;
			continue;
		}
		sov_trace("webhook: push of %s landed (%s)", branch, new_hex);
		if (!*prev_hex && !is_zero_oid(old_hex))
			memcpy(prev_hex, old_hex, sizeof(prev_hex));
		if (queue_event(repo, &s, "push", branch, *prev_hex ? prev_hex : NULL,
				new_hex) < 0)
			ret = -1;
	}
	sov_buf_release(&prefix);
	sov_webhook_settings_release(&s);
	return ret;
}
