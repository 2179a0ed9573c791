/*
 * sync.c - one sync cycle through the git command; see sync.h.
 */
#include "sync.h"
#include "conflicts.h"
#include "error.h"
#include "fs.h"
#include "hookrun.h"
#include "json.h"
#include "keepboth.h"
#include "metrics.h"
#include "moddel.h"
#include "onpull.h"
#include "repo.h"
#include "run.h"
#include "synctip.h"
#include "timestamp.h"
#include "timing.h"
#include "trace.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "osfs.h"
#include "oslock.h"

#define CONFLICT_FILE "sync-conflict.json"
#define MERGE_MARK_FILE "merge-in-progress.json"
#define MAX_BODY_PATHS 1000
#define LOCK_POLL_MS 100

/*
 * Editors' and office programs' scratch files, matched against a path's
 * last component, case-insensitively (Word writes "~WRL0001.TMP").  The
 * one list, expanded twice: the fnmatch patterns of
 * sov_sync_is_scratch_name(), and the pathspecs that keep the same files
 * out of `git status` and `git add`.  Git matches "**" + "/" at any depth
 * and "*" never across a "/", so both match the last component alone.
 *
 *   vim: swap files and its write test; Emacs: backups, locks, autosaves;
 *   Kate; LibreOffice's lock files; Microsoft Office's owner files;
 *   GLib's atomic-save temporaries; any "*.tmp" written, then renamed.
 */
#define SCRATCH_LIST(X) \
	X("*.swp") X("*.swo") X("*.swx") X("4913") \
	X("*~") X(".#*") X("#*#") \
	X("*.kate-swp") \
	X(".~lock.*#") \
	X("~$*") \
	X(".goutputstream-*") \
	X("*.tmp")
#define SCRATCH_PATTERN(p) p,
#define SCRATCH_PATHSPEC(p) ":(exclude,glob,icase)**/" p,

static const char *const scratch_patterns[] = { SCRATCH_LIST(SCRATCH_PATTERN) NULL };
static const char *const scratch_pathspecs[] = { SCRATCH_LIST(SCRATCH_PATHSPEC) NULL };

/*
 * fnmatch(3) with FNM_CASEFOLD for the patterns above, which hold '*' and
 * plain characters only (the C library of Windows has no fnmatch): '*'
 * matches any run of characters, anything else itself in either case.
 */
static int glob_icase(const char *pat, const char *name)
{
	const char *star = NULL, *resume = NULL;

	while (*name) {
		if (*pat == '*') {
			star = ++pat;
			resume = name;
		} else if (*pat && tolower((unsigned char)*pat) ==
				   tolower((unsigned char)*name)) {
			pat++;
			name++;
		} else if (star) {
			pat = star;
			name = ++resume;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

int sov_sync_is_scratch_name(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *const *p;

	if (slash)
		name = slash + 1;
	for (p = scratch_patterns; *p; p++)
		if (glob_icase(*p, name))
			return 1;
	return 0;
}

void sov_sync_result_release(struct sov_sync_result *res)
{
	sov_buf_release(&res->changes);
	sov_buf_release(&res->error);
	sov_buf_release(&res->recovered);
	*res = (struct sov_sync_result)SOV_SYNC_RESULT_INIT;
}

/* ---- pure helpers ------------------------------------------------------ */

void sov_sync_commit_message(const char *source, const char *changes,
			     size_t max_paths, struct sov_buf *out)
{
	const char *p;
	size_t n = 0, shown = 0;

	for (p = changes; *p; p++)
		if (*p == '\n')
			n++;
	sov_buf_addf(out, "sovsync: %zu file%s from %s\n\n", n, n == 1 ? "" : "s",
		     source);
	for (p = changes; *p && shown < max_paths; shown++) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);

		sov_buf_add(out, p, len);
		p += len;
	}
	if (n > shown)
		sov_buf_addf(out, "... and %zu more\n", n - shown);
}

size_t sov_sync_parse_status(const char *z, size_t len, struct sov_buf *changes)
{
	const char *p = z, *end = z + len;
	size_t n = 0;

	/* Records are "XY path\0"; X: index, Y: work tree, "??": untracked. */
	while (p < end) {
		size_t rec = strnlen(p, (size_t)(end - p));
		char x, y, letter;

		if (rec > 3 && !(p[0] == '?' && sov_sync_is_scratch_name(p + 3))) {
			x = p[0];
			y = p[1];
			if (x == '?' || x == 'A' || (x == ' ' && y == 'A'))
				letter = 'A';
			else if (x == 'D' || y == 'D')
				letter = 'D';
			else
				letter = 'M';
			sov_buf_addf(changes, "%c\t%s\n", letter, p + 3);
			n++;
		}
		p += rec + 1;
	}
	return n;
}

/* ---- running git ------------------------------------------------------- */

struct cycle {
	git_repository *repo;
	const struct sov_sync_opts *opts;
	struct sov_ctx *ctx;
	const struct sov_settings *cfg;	/* ctx->set */
	struct sov_sync_result *res;
	const char *workdir;
	struct sov_buf index_lock;	/* <git dir>/index.lock */
	struct sov_buf tracking;	/* refs/remotes/<remote>/<branch> */
	struct sov_buf upstream;	/* <remote>/<branch>, for git merge */
	struct sov_buf branch;		/* the branch synced */
	struct sov_buf low_speed_time;	/* GIT_HTTP_LOW_SPEED_TIME=<s> */
	int64_t deadline_ms;		/* for taking the sync lock */
	int warned_lock;
	int attributes;			/* .gitattributes synced with the root */
	/* HEAD before the first merge of the cycle, for sovsync.onPull (onpull.h). */
	git_oid before_merge;
	int has_before_merge;
};

/*
 * Run git in the work tree.  The environment makes it safe unattended:
 * no credential prompt, no editor, English messages (we read a few),
 * and an HTTP transfer that stalls for network_timeout seconds aborts
 * instead of hanging the daemon.
 */
static int run_git_timed(struct cycle *c, struct sov_argv *args, const struct sov_buf *in,
			 struct sov_buf *out, struct sov_buf *err, int64_t idle_timeout_ms)
{
	const char *env[] = {
		/* The hooks leave sovsync.onPull to the cycle (onpull.h). */
		SOV_ONPULL_IN_SYNC_ENV "=1",
		"GIT_TERMINAL_PROMPT=0", "GIT_MERGE_AUTOEDIT=no", "LC_ALL=C",
		"LANGUAGE", "GIT_HTTP_LOW_SPEED_LIMIT=1", c->low_speed_time.ptr,
		NULL,
	};
	struct sov_run run = { 0 };

	/* sovsync.networkTimeout=0: no limit of ours on HTTP either. */
	if (!c->cfg->network_timeout_ms)
		env[5] = NULL;

	run.argv = args->v;
	run.dir = c->workdir;
	run.env = env;
	run.in = in ? in->ptr : NULL;
	run.in_len = in ? in->len : 0;
	run.out = out;
	run.err = err;
	run.idle_timeout_ms = idle_timeout_ms;
	if (out)
		sov_buf_reset(out);
	sov_buf_reset(err);
	if (sov_trace_enabled())
		sov_trace("sync: git %s %s", args->v[1], args->n > 2 ? args->v[2] : "");
	return sov_run(&run);
}

static int run_git(struct cycle *c, struct sov_argv *args, const struct sov_buf *in,
	       struct sov_buf *out, struct sov_buf *err)
{
	return run_git_timed(c, args, in, out, err, 0);
}

/*
 * Drop Git's progress report from captured stderr.  Progress is redrawn
 * with "\r" and may share its line with an error that cut it short
 * ("Receiving objects:  12% (1/8)\rerror: RPC failed; ..."), so each
 * piece between "\r" and "\n" is judged alone: "...: 12% (1/8)", the
 * closing "..., done." and "Total n (delta m)" go; what is left is what
 * went wrong.
 */
void sov_sync_strip_progress(struct sov_buf *err)
{
	struct sov_buf kept = SOV_BUF_INIT;
	const char *p = err->ptr;

	while (*p) {
		size_t len = strcspn(p, "\r\n"), n = len;
		const char *body = p;

		while (n && p[n - 1] == ' ')
			n--;
		if (!strncmp(body, "remote: ", 8))
			body += 8;
		if (n && !memmem(p, n, "% (", 3) &&
		    !(n >= 5 && !memcmp(p + n - 5, "done.", 5)) &&
		    strncmp(body, "Total ", 6)) {
			sov_buf_add(&kept, p, n);
			sov_buf_addch(&kept, '\n');
		}
		p += len + (p[len] ? 1 : 0);
	}
	sov_buf_reset(err);
	sov_buf_add(err, kept.ptr, kept.len);
	sov_buf_release(&kept);
}

/*
 * A git command that talks to the remote (fetch, push; `args` carries
 * --progress): stopped, with every process it started, when it shows no
 * sign of life for sovsync.networkTimeout (run.h).  Progress is dropped
 * from `err`.
 */
static int run_git_network(struct cycle *c, struct sov_argv *args, struct sov_buf *out,
			   struct sov_buf *err)
{
	int status = run_git_timed(c, args, NULL, out, err, c->cfg->network_timeout_ms);

	sov_sync_strip_progress(err);
	return status;
}

/* "git <cmd>: <stderr lines joined by "; ">" as the current error. */
static int run_failed(struct sov_argv *args, int status, struct sov_buf *err)
{
	struct sov_buf msg = SOV_BUF_INIT;
	const char *p = err->ptr;

	if (status < 0)
		return -1;	/* could not start: message already set */
	while (*p && msg.len < 400) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		/* Hints explain Git's UI, not what went wrong. */
		if (len && strncmp(p, "hint:", 5)) {
			if (msg.len)
				sov_buf_addstr(&msg, "; ");
			sov_buf_add(&msg, p, len);
		}
		p += len + (eol ? 1 : 0);
	}
	sov_error("git %s: %s", args->v[1], msg.len ? msg.ptr : "failed");
	sov_buf_release(&msg);
	return -1;
}

static int stop_requested(struct cycle *c)
{
	return c->opts->stop && *c->opts->stop;
}

/*
 * Refuse to go on while the user is in the middle of a merge, rebase,
 * cherry-pick, revert or bisect: staging the root would mark their
 * conflicted files resolved, and committing would finish their merge.
 */
static int check_no_operation(struct cycle *c)
{
	if (git_repository_state(c->repo) != GIT_REPOSITORY_STATE_NONE)
		return sov_error("%s: a merge, rebase or similar is in progress; "
				 "finish or abort it, then sync again", c->workdir);
	return 0;
}

/*
 * Wait while another process holds the index lock, up to `deadline`.
 * The lock is never removed: a live Git (or an editor's Git integration)
 * owns it, and deleting it would let two writers corrupt the index.
 */
static int wait_index_unlocked(struct cycle *c, int64_t deadline)
{
	struct sov_os_stat st;

	while (sov_os_lstat(c->index_lock.ptr, &st) == 0) {
		int64_t now = sov_timing_clock_ms();

		if (now >= deadline || stop_requested(c)) {
			int64_t age = (int64_t)time(NULL) - st.mtime;
			return sov_error("%s: held by another git process for %lld s; "
					 "waited %lld s and left it alone (if no git is running, "
					 "remove it yourself)",
					 c->index_lock.ptr, (long long)age,
					 (long long)(c->cfg->lock_timeout_ms / 1000));
		}
		if (!c->warned_lock) {
			sov_warn("waiting for %s (another git process is using the index)",
				 c->index_lock.ptr);
			c->warned_lock = 1;
		}
		sov_timing_sleep_ms(LOCK_POLL_MS);
	}
	return 0;
}

/*
 * Run a git command that writes the index.  If it lost the race for
 * index.lock against another process, wait and run it again.  Each
 * command gets the whole lock timeout: a slow fetch or push earlier in
 * the cycle must not use up the wait of the merge that follows it.
 */
static int run_git_index(struct cycle *c, struct sov_argv *args, const struct sov_buf *in,
		     struct sov_buf *out, struct sov_buf *err)
{
	int64_t deadline = sov_timing_clock_ms() + c->cfg->lock_timeout_ms;
	int status;

	for (;;) {
		if (wait_index_unlocked(c, deadline) < 0)
			return -1;
		status = run_git(c, args, in, out, err);
		if (status == 0)
			return 0;
		if (!strstr(err->ptr, "index.lock") || !strstr(err->ptr, "exists") ||
		    sov_timing_clock_ms() >= deadline)
			return run_failed(args, status, err);
		/* Taken and released between our look and git's: try again soon. */
		sov_timing_sleep_ms(LOCK_POLL_MS);
	}
}

static void push_scratch_excludes(struct sov_argv *args)
{
	const char *const *p;

	for (p = scratch_pathspecs; *p; p++)
		sov_argv_push(args, *p);
}

/* ---- refs -------------------------------------------------------------- */

/* 1 and the id if `ref` exists, 0 if not. */
static int ref_id(git_repository *repo, const char *ref, git_oid *oid)
{
	return git_reference_name_to_id(oid, repo, ref) == 0;
}

/* The branch to sync: sovsync.branch, which must be checked out. */
static int resolve_branch(struct cycle *c)
{
	git_reference *head = NULL;
	const char *target;
	int ret = 0;

	if (git_reference_lookup(&head, c->repo, "HEAD") < 0)
		return sov_error_git("%s: cannot read HEAD", c->workdir);
	target = git_reference_symbolic_target(head);
	if (!target || strncmp(target, "refs/heads/", 11)) {
		ret = sov_error("%s: HEAD is detached; check out the branch to sync",
				c->workdir);
	} else if (c->cfg->branch.len && strcmp(target + 11, c->cfg->branch.ptr)) {
		ret = sov_error("%s: on branch '%s' but sovsync.branch is '%s'; not syncing",
				c->workdir, target + 11, c->cfg->branch.ptr);
	} else {
		sov_buf_addstr(&c->branch, target + 11);
	}
	git_reference_free(head);
	return ret;
}

/* ---- the conflict flag -------------------------------------------------- */

static int flag_conflict(struct cycle *c, const char *paths)
{
	struct sov_buf path = SOV_BUF_INIT, when = SOV_BUF_INIT;
	char ours[GIT_OID_HEXSZ + 1] = "", theirs[GIT_OID_HEXSZ + 1] = "";
	json_t *obj, *list = json_array();
	const char *p;
	git_oid oid;
	int ret = -1;

	for (p = paths; *p; p += strlen(p) + 1)
		json_array_append_new(list, json_string(p));
	if (ref_id(c->repo, "HEAD", &oid))
		git_oid_tostr(ours, sizeof(ours), &oid);
	if (ref_id(c->repo, c->tracking.ptr, &oid))
		git_oid_tostr(theirs, sizeof(theirs), &oid);
	sov_time_format(sov_time_now(), &when);
	obj = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:s}",
			"version", 1, "detected_at", when.ptr,
			"remote", c->cfg->remote.ptr, "branch", c->branch.ptr,
			"ours_commit", ours, "theirs_commit", theirs,
			"paths", list, "message", c->res->error.ptr);
	if (sov_repo_state_path(c->repo, CONFLICT_FILE, &path) == 0)
		ret = sov_json_write_file(path.ptr, obj);
	json_decref(obj);
	sov_buf_release(&path);
	sov_buf_release(&when);
	return ret;
}

static void clear_conflict_flag(struct cycle *c)
{
	struct sov_buf path = SOV_BUF_INIT;

	if (sov_repo_state_path(c->repo, CONFLICT_FILE, &path) == 0 &&
	    sov_os_unlink(path.ptr) < 0 && errno != ENOENT)
		sov_warn("%s: cannot remove: %s", path.ptr, strerror(errno));
	sov_buf_release(&path);
}

static int string_is(json_t *obj, const char *key, const char *want)
{
	const char *v = json_string_value(json_object_get(obj, key));
	return v && !strcmp(v, want);
}

/*
 * Whether the flagged conflict is still exactly the one flagged: neither
 * side moved.  Merging again would fail the same way, and each attempt
 * rewrites the work tree: its events would wake the watcher again and
 * again, and a user merging by hand meanwhile would race with it.
 */
static int conflict_still_stands(struct cycle *c, const git_oid *ours,
				 const git_oid *theirs)
{
	struct sov_buf path = SOV_BUF_INIT;
	char ours_hex[GIT_OID_HEXSZ + 1], theirs_hex[GIT_OID_HEXSZ + 1];
	json_t *flag = NULL;
	const char *msg;
	int stands = 0;

	if (sov_repo_state_path(c->repo, CONFLICT_FILE, &path) < 0 ||
	    !sov_fs_exists(path.ptr) || sov_json_load_file(&flag, path.ptr) < 0) {
		sov_error_clear();
		goto out;
	}
	git_oid_tostr(ours_hex, sizeof(ours_hex), ours);
	git_oid_tostr(theirs_hex, sizeof(theirs_hex), theirs);
	msg = json_string_value(json_object_get(flag, "message"));
	stands = msg && string_is(flag, "ours_commit", ours_hex) &&
		 string_is(flag, "theirs_commit", theirs_hex);
	if (stands)
		sov_buf_addstr(&c->res->error, msg);
out:
	json_decref(flag);
	sov_buf_release(&path);
	return stands;
}

/* ---- a rewritten remote (synctip.h) ------------------------------------------ */

/* The recorded tip of <remote>/<branch>: 1 and `oid`, 0 none, -1 error. */
static int synced_tip(struct cycle *c, git_oid *oid)
{
	return sov_synctip_get(c->repo, c->cfg->remote.ptr, c->branch.ptr, oid);
}

static int record_synced_tip(struct cycle *c, const git_oid *oid)
{
	return sov_synctip_record(c->repo, c->cfg->remote.ptr, c->branch.ptr, oid);
}

static int git_read(struct cycle *c, struct sov_argv *args, struct sov_buf *out);

/*
 * --accept-rewrite: take the rewritten remote and replay on it only the
 * local commits made since the last sync (synced..HEAD), with `git rebase
 * --onto`, so nothing of the history the remote dropped comes back.  A
 * rebase that stops is aborted: HEAD is back where it was.  0 or -1.
 */
static int replay_onto_rewrite(struct cycle *c, const git_oid *synced, const git_oid *tip)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT, err = SOV_BUF_INIT, count = SOV_BUF_INIT;
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	int status, ret = -1;

	git_oid_tostr(old_hex, sizeof(old_hex), synced);
	git_oid_tostr(new_hex, sizeof(new_hex), tip);
	if (check_no_operation(c) < 0)
		return -1;
	/*
	 * The rebase keeps its own settings out: no autostash (the tree is
	 * committed), no autosquash of "fixup!" subjects, no other branch
	 * moved (update-refs).
	 */
	sov_argv_pushl(&args, "git", "-c", "rebase.autoSquash=false", "-c",
		   "rebase.updateRefs=false", "rebase", "--quiet", "--no-autostash",
		   "--onto", new_hex, old_hex, NULL);
	status = run_git(c, &args, NULL, &out, &err);
	if (status != 0) {
		struct sov_buf msg = SOV_BUF_INIT;

		sov_buf_addstr(&msg, err.ptr);
		sov_buf_addstr(&msg, out.ptr);
		if (git_repository_state(c->repo) != GIT_REPOSITORY_STATE_NONE) {
			sov_argv_release(&args);
			sov_argv_pushl(&args, "git", "rebase", "--abort", NULL);
			if (run_git_index(c, &args, NULL, NULL, &err) < 0)
				sov_warn("cannot abort the rebase: %s", sov_error_last());
		}
		/* Named "git rebase" in the message, not "git -c". */
		sov_argv_release(&args);
		sov_argv_pushl(&args, "git", "rebase", NULL);
		run_failed(&args, status, &msg);
		sov_error_prefix("replaying the local commits since %.12s onto the "
				 "rewritten %s (%.12s) failed; nothing changed (to do it by "
				 "hand: git rebase --onto %s %s)", old_hex, c->upstream.ptr,
				 new_hex, new_hex, old_hex);
		sov_buf_release(&msg);
		goto out;
	}
	sov_argv_release(&args);
	ret = 0;
	sov_buf_addf(&count, "%s..HEAD", new_hex);
	sov_argv_pushl(&args, "git", "rev-list", "--count", "--no-merges", count.ptr, NULL);
	if (git_read(c, &args, &out) == 0)
		sov_buf_rtrim(&out);
	else
		sov_buf_reset(&out);
	sov_warn("%s was rewritten (%.12s no longer contains %.12s): took it, and "
		 "replayed %s local commit(s) made since the last sync on top",
		 c->upstream.ptr, new_hex, old_hex, out.len ? out.ptr : "the");
	c->res->replayed = 1;
out:
	sov_argv_release(&args);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&count);
	return ret;
}

/*
 * Before the fetch: a clone that has no record yet (synced by an older
 * sovsync, or never) takes <remote>/<branch> as the last fetch left it, the
 * best account of what was synced, so a rewrite pushed since is caught by
 * this very cycle; a record the tracking ref has moved on from (a fetch by
 * hand) is moved on with it.  0 or -1.
 */
static int seed_synced_tip(struct cycle *c)
{
	git_oid tip, synced;
	int has = synced_tip(c, &synced);

	if (has < 0)
		return -1;
	if (!ref_id(c->repo, c->tracking.ptr, &tip))
		return 0;
	/*
	 * A `git fetch` or `git pull` run by hand since the last cycle moved
	 * <remote>/<branch> on from the recorded tip: what it brought is
	 * synced too, and a rewrite that drops it must be caught.  Moved
	 * anywhere else (a rewrite fetched by hand), the record stands and
	 * check_rewrite() flags it.
	 */
	if (has && (git_oid_equal(&tip, &synced) ||
		    git_graph_descendant_of(c->repo, &tip, &synced) != 1)) {
		sov_error_clear();
		return 0;
	}
	return record_synced_tip(c, &tip);
}

/*
 * After a fetch: does <remote>/<branch> still contain the tip synced last?
 * Returns 0 yes (or nothing to compare: recorded now), 1 rewritten and
 * flagged (the cycle stops before merging), -1 on failure.  With
 * accept_rewrite, a rewrite is taken (replay_onto_rewrite) and 0 returned.
 */
static int check_rewrite(struct cycle *c)
{
	git_oid tip, synced;
	int has_synced, contains = 0;

	if (!ref_id(c->repo, c->tracking.ptr, &tip))
		return 0;	/* the remote has no such branch (yet) */
	has_synced = synced_tip(c, &synced);
	if (has_synced < 0)
		return -1;
	if (has_synced) {
		git_oid head;

		/* A synced commit gone from this clone cannot be vouched for. */
		contains = git_oid_equal(&synced, &tip) ||
			   git_graph_descendant_of(c->repo, &tip, &synced) == 1;
		/*
		 * This clone made the rewrite itself (the user rewrote the
		 * branch and force-pushed it): HEAD has the new tip and not the
		 * old history, so nothing of it can come back.  HEAD with both
		 * (a `git pull` merged the rewrite into the old history) is no
		 * such case: pushing it would restore what was removed.
		 */
		if (!contains && ref_id(c->repo, "HEAD", &head) &&
		    (git_oid_equal(&head, &tip) ||
		     git_graph_descendant_of(c->repo, &head, &tip) == 1) &&
		    !git_oid_equal(&head, &synced) &&
		    git_graph_descendant_of(c->repo, &head, &synced) == 0) {
			sov_trace("sync: %s was rewritten, and HEAD is on the new history "
				  "already: taken", c->upstream.ptr);
			contains = 1;
		}
		sov_error_clear();
	}
	if (has_synced && !contains) {
		if (!c->opts->accept_rewrite) {
			char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];

			git_oid_tostr(old_hex, sizeof(old_hex), &synced);
			git_oid_tostr(new_hex, sizeof(new_hex), &tip);
			sov_buf_reset(&c->res->error);
			sov_buf_addf(&c->res->error, "%s was rewritten: its tip %.12s no "
				     "longer contains %.12s, the commit last synced; not "
				     "merging or pushing (that would bring the removed "
				     "history back). Check the remote, then run 'sovsync "
				     "sync --accept-rewrite' to take it and replay the local "
				     "commits made since", c->upstream.ptr, new_hex, old_hex);
			if (sov_synctip_flag_rewrite(c->repo, c->cfg->remote.ptr,
						     c->branch.ptr, &synced, &tip,
						     c->res->error.ptr) < 0)
				sov_warn("%s", sov_error_last());
			return 1;
		}
		if (replay_onto_rewrite(c, &synced, &tip) < 0)
			return -1;
	}
	if (sov_synctip_clear_flag(c->repo) < 0)
		sov_warn("%s", sov_error_last());
	return record_synced_tip(c, &tip);
}

/* ---- the steps ---------------------------------------------------------- */

/*
 * Run a read-only git command (`args` is released), capturing its standard
 * output.  Returns 0, or -1 with the error.
 */
static int git_read(struct cycle *c, struct sov_argv *args, struct sov_buf *out)
{
	struct sov_buf err = SOV_BUF_INIT;
	int status = run_git(c, args, NULL, out, &err);
	int ret = status == 0 ? 0 : run_failed(args, status, &err);

	sov_argv_release(args);
	sov_buf_release(&err);
	return ret;
}

/*
 * The tracked files with a scratch name among `git status -z` records, as
 * NUL-terminated ":(top,literal)<path>" pathspecs for `git add`.
 */
static void tracked_scratch_paths(const char *z, size_t len, struct sov_buf *out)
{
	const char *p = z, *end = z + len;

	while (p < end) {
		size_t rec = strnlen(p, (size_t)(end - p));

		if (rec > 3 && p[0] != '?' && sov_sync_is_scratch_name(p + 3)) {
			sov_buf_addf(out, ":(top,literal)%s", p + 3);
			sov_buf_addch(out, '\0');
		}
		p += rec + 1;
	}
}

/*
 * Refuse `git status -z` records whose directory is, or passes through, a
 * symbolic link: a directory under the root moved elsewhere and linked
 * back.  Git tracks no file beyond a link, so staging it would commit the
 * link and delete every file of that directory on the remote.  A link in
 * place of a file is tracked as a link and fine.  0, or -1 naming the link.
 */
static int check_no_linked_dirs(struct cycle *c, const char *z, size_t len)
{
	struct sov_buf dir = SOV_BUF_INIT;
	const char *p = z, *end = z + len, *slash;
	int ret = 0;

	for (; p < end && !ret; p += strnlen(p, (size_t)(end - p)) + 1) {
		size_t n;

		if (strnlen(p, (size_t)(end - p)) <= 3 || !(slash = strrchr(p + 3, '/')))
			continue;
		n = (size_t)(slash - (p + 3));
		/* Sorted output: the files of one directory come together. */
		if (n == dir.len && dir.len && !memcmp(dir.ptr, p + 3, n))
			continue;
		sov_buf_reset(&dir);
		sov_buf_add(&dir, p + 3, n);
		if (sov_fs_check_under(c->workdir, dir.ptr, SOV_FS_DIR) < 0)
			ret = sov_error_prefix("not committing %s", p + 3);
	}
	sov_buf_release(&dir);
	return ret;
}

/*
 * The top-level .gitattributes, where `sovsync install` and `sovsync track`
 * write the filter and driver lines: committed with the root, so that every
 * clone tracks the same file and a merge never stops on an untracked copy of
 * it (two clones adding identical content merge cleanly).  A user's own
 * lines in it are synced too.
 */
#define ATTRIBUTES ".gitattributes"
#define ATTRIBUTES_SPEC ":(top,literal)" ATTRIBUTES
#define ATTRIBUTES_EXCLUDE ":(top,literal,exclude)" ATTRIBUTES

/*
 * Set c->attributes: whether this cycle syncs .gitattributes, a regular
 * file, or one tracked and deleted (the deletion is committed).  Neither
 * staged nor committed when untracked and absent: a pathspec that matches
 * nothing fails `git add` and `git commit --only`.  A symbolic link (or any
 * other type) is never followed nor committed; Git reads no attributes
 * through one either.
 */
static int check_attributes(struct cycle *c)
{
	git_index *idx = NULL;
	int r = sov_fs_check_under(c->workdir, ATTRIBUTES, SOV_FS_FILE);

	c->attributes = r > 0;
	if (r < 0) {
		sov_warn("not committing %s: %s", ATTRIBUTES, sov_error_last());
		sov_error_clear();
		return 0;
	}
	if (r > 0)
		return 0;
	if (git_repository_index(&idx, c->repo) < 0 || git_index_read(idx, 0) < 0) {
		git_index_free(idx);
		return sov_error("%s: cannot read the index: %s", c->workdir,
				 git_error_last() ? git_error_last()->message : "unknown error");
	}
	c->attributes = git_index_get_bypath(idx, ATTRIBUTES, 0) != NULL;
	git_index_free(idx);
	return 0;
}

/* The paths a sync cycle commits: the root, and .gitattributes (above). */
static void push_scope(struct cycle *c, struct sov_argv *args)
{
	sov_argv_push(args, c->cfg->root.ptr);
	if (c->attributes)
		sov_argv_push(args, ATTRIBUTES_SPEC);
}

/*
 * What `git status` reports under the root, as change lines; the tracked
 * files with a scratch name, as pathspecs, into `tracked_scratch` (may be
 * NULL).
 */
static int list_changes(struct cycle *c, struct sov_buf *changes, size_t *n,
			struct sov_buf *tracked_scratch)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT;
	int ret;

	/*
	 * status only refreshes the index when it can: no lock wait needed.
	 * No scratch exclusions here: a tracked file of such a name is synced
	 * as any other (ignoring is for untracked files, as in Git), and
	 * sov_sync_parse_status leaves out the untracked ones.
	 */
	sov_argv_pushl(&args, "git", "status", "--porcelain=v1", "-z", "--no-renames",
		   "--untracked-files=all", "--", NULL);
	push_scope(c, &args);
	ret = git_read(c, &args, &out);
	if (ret == 0)
		ret = check_no_linked_dirs(c, out.ptr, out.len);
	if (ret == 0)
		*n = sov_sync_parse_status(out.ptr, out.len, changes);
	if (ret == 0 && tracked_scratch)
		tracked_scratch_paths(out.ptr, out.len, tracked_scratch);
	sov_buf_release(&out);
	return ret;
}

/* The staged changes under the root, from `git diff --cached`. */
static int staged_changes(struct cycle *c, struct sov_buf *changes, size_t *n)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT;
	const char *p, *end, *path;
	int ret;

	sov_argv_pushl(&args, "git", "diff", "--cached", "--name-status", "--no-renames",
		   "-z", "--", NULL);
	push_scope(c, &args);
	ret = git_read(c, &args, &out);
	/* Records are "<letter>\0<path>\0". */
	*n = 0;
	for (p = out.ptr, end = out.ptr + out.len; ret == 0 && p < end; (*n)++) {
		path = p + strlen(p) + 1;
		if (path >= end)
			break;
		sov_buf_addf(changes, "%c\t%s\n", p[0], path);
		p = path + strlen(path) + 1;
	}
	sov_buf_release(&out);
	return ret;
}

/* Whether anything outside the root is staged (the user's own work). */
static int staged_outside_root(struct cycle *c, int *outside)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT, exclude = SOV_BUF_INIT;
	int ret;

	sov_buf_addf(&exclude, ":(top,exclude)%s", c->cfg->root.ptr);
	sov_argv_pushl(&args, "git", "diff", "--cached", "--name-only", "-z", "--",
		   ":(top)", exclude.ptr, NULL);
	if (c->attributes)
		sov_argv_push(&args, ATTRIBUTES_EXCLUDE);
	ret = git_read(c, &args, &out);
	*outside = out.len > 0;
	sov_buf_release(&out);
	sov_buf_release(&exclude);
	return ret;
}

static int step_commit(struct cycle *c)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT, err = SOV_BUF_INIT, msg = SOV_BUF_INIT;
	struct sov_buf tracked_scratch = SOV_BUF_INIT;
	size_t n = 0;
	int outside = 0, ret = -1;
	git_oid oid;

	if (check_attributes(c) < 0 ||
	    list_changes(c, &c->res->changes, &n, &tracked_scratch) < 0)
		goto out;
	if (c->opts->dry_run || n == 0) {
		ret = 0;
		goto out;
	}

	/* Staging during the user's merge would mark their conflicts resolved. */
	if (check_no_operation(c) < 0)
		goto out;
	/*
	 * New files but scratch files, then the changes of tracked files with
	 * a scratch name (committed by hand, by the web app, or by an older
	 * sovsync): they are synced as any other file, not frozen.
	 */
	sov_argv_pushl(&args, "git", "add", "--all", "--", NULL);
	push_scope(c, &args);
	push_scratch_excludes(&args);
	if (run_git_index(c, &args, NULL, NULL, &err) < 0)
		goto out;
	if (tracked_scratch.len) {
		sov_argv_release(&args);
		sov_argv_pushl(&args, "git", "add", "--update", "--pathspec-from-file=-",
			   "--pathspec-file-nul", NULL);
		if (run_git_index(c, &args, &tracked_scratch, NULL, &err) < 0)
			goto out;
	}

	/* The filter may make a touched file identical: then nothing to commit. */
	sov_buf_reset(&c->res->changes);
	if (staged_changes(c, &c->res->changes, &n) < 0)
		goto out;
	if (n == 0) {
		ret = 0;
		goto out;
	}
	if (staged_outside_root(c, &outside) < 0)
		goto out;
	/* A merge the user started since the cycle began is not ours to commit. */
	if (check_no_operation(c) < 0)
		goto out;

	sov_sync_commit_message(c->cfg->source.ptr, c->res->changes.ptr,
				MAX_BODY_PATHS, &msg);
	sov_argv_release(&args);
	sov_argv_pushl(&args, "git", "commit", "--quiet", "--cleanup=whitespace", "--file=-", NULL);
	if (outside) {
		/*
		 * Leave what the user staged elsewhere out of our commit:
		 * commit only the root (Git's --only mode).
		 */
		sov_argv_push(&args, "--");
		push_scope(c, &args);
	}
	if (run_git_index(c, &args, &msg, &out, &err) < 0)
		goto out;
	c->res->files = n;
	if (ref_id(c->repo, "HEAD", &oid))
		git_oid_tostr(c->res->commit, sizeof(c->res->commit), &oid);
	ret = 0;
out:
	sov_argv_release(&args);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&msg);
	sov_buf_release(&tracked_scratch);
	return ret;
}

static int step_fetch(struct cycle *c)
{
	struct sov_argv args = { 0 };
	struct sov_buf err = SOV_BUF_INIT;
	int status;

	/*
	 * The remote's configured refspecs update <remote>/<branch>; unlike
	 * `git fetch <remote> <branch>`, a branch not pushed yet is no error.
	 */
	/* --progress: its output is the sign of life the timeout watches. */
	sov_argv_pushl(&args, "git", "fetch", "--quiet", "--progress", "--no-tags",
		   "--no-write-fetch-head", c->cfg->remote.ptr, NULL);
	status = run_git_network(c, &args, NULL, &err);
	if (status != 0)
		run_failed(&args, status, &err);
	sov_argv_release(&args);
	sov_buf_release(&err);
	if (status != 0)
		return -1;
	c->res->fetched = 1;
	return 0;
}

/* The unmerged paths, NUL-separated, as `git diff` lists them mid-merge. */
static void unmerged_paths(struct cycle *c, struct sov_buf *paths)
{
	struct sov_argv args = { 0 };

	sov_argv_pushl(&args, "git", "diff", "--name-only", "--diff-filter=U", "-z", NULL);
	if (git_read(c, &args, paths) < 0)
		sov_buf_reset(paths);
	sov_buf_addch(paths, '\0');	/* the list ends with an empty name */
}

/* Queue a settled modify/delete (conflicts.h) for the user's review. */
static int queue_kept_edit(struct cycle *c, const struct sov_moddel_path *p,
			   enum sov_conflict_side deleted_by, int64_t when)
{
	struct sov_conflict e;
	int ret;

	memset(&e, 0, sizeof(e));
	e.path = p->path;
	e.kind = SOV_CONFLICT_MODIFY_DELETE;
	e.deleted_by = deleted_by;
	e.has_base = 1;
	e.base = p->oid[1];
	if (deleted_by == SOV_CONFLICT_THEIRS)
		e.ours = p->oid[2];
	else
		e.theirs = p->oid[3];
	/* The two commits: HEAD, and the one being merged (MERGE_HEAD). */
	e.has_ours_commit = ref_id(c->repo, "HEAD", &e.ours_commit);
	e.has_theirs_commit = ref_id(c->repo, "MERGE_HEAD", &e.theirs_commit);
	e.detected_at = when;
	e.source = c->cfg->source.ptr;
	/* The kept version as a person sees it (keepboth.h). */
	sov_keepboth_describe(c->repo, &e);
	ret = sov_conflicts_add(c->repo, &e);
	sov_conflict_info_release(&e.info[0]);
	sov_conflict_info_release(&e.info[1]);
	return ret;
}

/*
 * The merge message: Git's (MERGE_MSG, whose "# Conflicts:" comment lines
 * the commit strips), then which edits were kept, so history says why the
 * deleted files are still there.
 */
static int kept_edits_message(struct cycle *c, const struct sov_buf *kept,
			      struct sov_buf *msg)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret;

	sov_buf_addf(&path, "%sMERGE_MSG", git_repository_path(c->repo));
	ret = sov_buf_read_file(msg, path.ptr);
	sov_buf_release(&path);
	if (ret < 0)
		return -1;
	sov_buf_addf(msg, "\nsovsync kept the edited side of files deleted on the "
		     "other side\n(flagged for review: sovsync conflicts):\n%s", kept->ptr);
	return 0;
}

/*
 * The merge stopped on conflicts.  If every unmerged path is a
 * modify/delete of a file a sovsync driver owns (moddel.h), settle them:
 * stage the edited side's blob (Git left it in the work tree and in that
 * side's index stage), queue each conflict, and conclude the merge with
 * `git commit`, whose hooks write the manifest (the queue included, as
 * pending_conflicts).  The queue is written first for that reason.
 *
 * Returns 1 settled and committed, 0 when the merge is not ours to settle
 * (nothing changed), -1 on failure: the merge is left for the caller to
 * abort and the entries queued here are taken back (an entry they replaced,
 * such as an older text conflict of the same path, is put back).
 */
static int settle_modify_delete(struct cycle *c, const char *unmerged)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT, err = SOV_BUF_INIT, index_info = SOV_BUF_INIT;
	struct sov_buf kept = SOV_BUF_INIT, msg = SOV_BUF_INIT;
	struct sov_moddel_list list = SOV_MODDEL_LIST_INIT;
	struct sov_conflicts before = SOV_CONFLICTS_INIT;
	enum sov_conflict_side deleted_by;
	int64_t now = sov_time_now();
	const char *why, *p;
	size_t i, queued = 0;
	int ret = -1;

	sov_argv_pushl(&args, "git", "ls-files", "--unmerged", "-z", NULL);
	if (git_read(c, &args, &out) < 0 ||
	    sov_moddel_parse_unmerged(out.ptr, out.len, &list) < 0)
		goto out;
	sov_argv_pushl(&args, "git", "check-attr", "-z", "merge", "--", NULL);
	for (p = unmerged; *p; p += strlen(p) + 1)
		sov_argv_push(&args, p);
	if (git_read(c, &args, &out) < 0 ||
	    sov_moddel_check_attrs(&list, out.ptr, out.len, c->cfg->on_conflict) < 0)
		goto out;
	if (!sov_moddel_all_settle(&list, &why)) {
		sov_trace("sync: %s is not a modify/delete a sovsync driver owns: "
			  "the merge is not settled", why ? why : "(none)");
		ret = 0;
		goto out;
	}

	/* What the queue held, to put back if the commit fails. */
	if (sov_conflicts_load(c->repo, &before) < 0)
		goto out;
	for (i = 0; i < list.nr; i++) {
		const struct sov_moddel_path *mp = &list.items[i];
		unsigned kept_stage;
		char hex[GIT_OID_HEXSZ + 1];

		sov_moddel_is_modify_delete(mp, &deleted_by);
		kept_stage = deleted_by == SOV_CONFLICT_THEIRS ? 2 : 3;
		if (queue_kept_edit(c, mp, deleted_by, now) < 0)
			goto out;
		queued = i + 1;
		git_oid_tostr(hex, sizeof(hex), &mp->oid[kept_stage]);
		/* A stage-0 entry replaces the path's unmerged stages. */
		sov_buf_addf(&index_info, "%o %s\t%s", mp->mode[kept_stage], hex, mp->path);
		sov_buf_addch(&index_info, '\0');
		sov_buf_addf(&kept, "  %s (deleted by %s)\n", mp->path,
			     deleted_by == SOV_CONFLICT_OURS ? "us" : "them");
	}

	sov_argv_release(&args);
	sov_argv_pushl(&args, "git", "update-index", "-z", "--index-info", NULL);
	if (run_git_index(c, &args, &index_info, NULL, &err) < 0 ||
	    kept_edits_message(c, &kept, &msg) < 0)
		goto out;
	/*
	 * A commit with MERGE_HEAD present concludes the merge: two parents,
	 * and the commit hooks run (pre-commit writes the manifest).
	 */
	sov_argv_release(&args);
	sov_argv_pushl(&args, "git", "commit", "--quiet", "--cleanup=strip", "--file=-", NULL);
	if (run_git_index(c, &args, &msg, &out, &err) < 0)
		goto out;
	c->res->kept_edits += list.nr;
	ret = 1;
	/* Said once the merge is committed, so it is never said wrongly. */
	for (i = 0; i < list.nr; i++) {
		sov_moddel_is_modify_delete(&list.items[i], &deleted_by);
		sov_warn("%s: deleted %s, edited %s: the edit is kept and flagged "
			 "for review (see 'sovsync conflicts')", list.items[i].path,
			 deleted_by == SOV_CONFLICT_OURS ? "here" : "on the remote",
			 deleted_by == SOV_CONFLICT_OURS ? "on the remote" : "here");
	}
out:
	for (i = 0; ret < 0 && i < queued; i++) {
		const struct sov_conflict *old = sov_conflicts_find(&before, list.items[i].path);

		if ((old ? sov_conflicts_add(c->repo, old) :
			   sov_conflicts_remove(c->repo, list.items[i].path)) < 0)
			sov_warn("%s", sov_error_last());
	}
	sov_conflicts_release(&before);
	sov_argv_release(&args);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&index_info);
	sov_buf_release(&kept);
	sov_buf_release(&msg);
	sov_moddel_list_release(&list);
	return ret;
}

/* ---- a merge that died midway -------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Git refused the merge before touching the work tree: what differs from
 * HEAD there is the user's, never to be undone.
 */
static int merge_refused(const char *err)
{
	static const char *const refusals[] = {
		"would be overwritten", "not concluded your merge", "Merging is not possible",
		"unmerged files", "refusing to merge", "not something we can merge",
		"index.lock", "Not possible to fast-forward", NULL,
	};
	const char *const *r;

	for (r = refusals; *r; r++)
		if (strstr(err, *r))
			return 1;
	return 0;
}

/*
 * The path Git names in "fatal: <path>: smudge filter <driver> failed"
 * (the checkout of a damaged stored file), into `path`; 0 if none.
 */
static int smudge_failed_path(const char *err, struct sov_buf *path)
{
	const char *p, *line;

	for (p = err; (p = strstr(p, ": smudge filter ")) != NULL; p++) {
		for (line = p; line > err && line[-1] != '\n'; line--)
			;
		if (!strncmp(line, "fatal: ", 7) || !strncmp(line, "error: ", 7)) {
			sov_buf_reset(path);
			sov_buf_add(path, line + 7, (size_t)(p - line - 7));
			return 1;
		}
	}
	return 0;
}

/*
 * `git merge` died while it was writing the work tree (a stored blob that
 * does not decode: the filter is required, so Git stops at that file),
 * leaving files of <remote>/<branch> half checked out without a merge
 * state to abort.  Committed by the next cycle, they would look like local
 * edits and deletions.  Put every path the merge may have written (those
 * that differ between HEAD and `theirs`) back to HEAD, in the index and the
 * work tree; a file it created is removed.  Paths the merge would not
 * touch are left alone, so nothing of the user's is undone.  Returns the
 * number of paths restored, or -1.
 */
static int restore_after_dead_merge(struct cycle *c, const git_oid *theirs)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT, status = SOV_BUF_INIT, specs = SOV_BUF_INIT;
	struct sov_buf err = SOV_BUF_INIT, file = SOV_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	const char **touched = NULL, *p, *end;
	size_t n = 0, alloc = 0;
	int restored = 0, ret = -1;

	git_oid_tostr(hex, sizeof(hex), theirs);
	sov_argv_pushl(&args, "git", "diff", "--name-only", "--no-renames", "-z", "HEAD",
		   hex, NULL);
	if (git_read(c, &args, &out) < 0)
		goto out;
	for (p = out.ptr, end = out.ptr + out.len; p < end; p += strlen(p) + 1) {
		SOV_ALLOC_GROW(touched, n + 1, alloc);
		touched[n++] = p;
	}
	if (n)	/* qsort(NULL, 0) is undefined (UBSan) */
		qsort(touched, n, sizeof(*touched), cmp_str);

	sov_argv_pushl(&args, "git", "status", "--porcelain=v1", "-z", "--no-renames",
		   "--untracked-files=all", NULL);
	if (git_read(c, &args, &status) < 0)
		goto out;
	for (p = status.ptr, end = status.ptr + status.len; p < end; p += strlen(p) + 1) {
		const char *path = p + 3;

		if (strlen(p) <= 3 || !n || !bsearch(&path, touched, n, sizeof(*touched), cmp_str))
			continue;
		restored++;
		if (p[0] == '?') {
			/* Created by the merge: not in HEAD, not in the index. */
			sov_buf_reset(&file);
			sov_buf_addf(&file, "%s%s", c->workdir, path);
			if (sov_os_unlink(file.ptr) < 0 && errno != ENOENT) {
				sov_error_errno("%s: cannot remove what the failed merge wrote",
						file.ptr);
				goto out;
			}
			continue;
		}
		sov_buf_addf(&specs, ":(top,literal)%s", path);
		sov_buf_addch(&specs, '\0');
	}
	if (specs.len) {
		/* In HEAD: its version back; not in HEAD: removed, as tracked. */
		sov_argv_pushl(&args, "git", "restore", "--source=HEAD", "--staged", "--worktree",
			   "--pathspec-from-file=-", "--pathspec-file-nul",
			   NULL);
		if (run_git_index(c, &args, &specs, NULL, &err) < 0)
			goto out;
	}
	ret = restored;
out:
	sov_argv_release(&args);
	free(touched);
	sov_buf_release(&out);
	sov_buf_release(&status);
	sov_buf_release(&specs);
	sov_buf_release(&err);
	sov_buf_release(&file);
	return ret;
}

/*
 * A cycle killed (kill -9, power loss) while its `git merge` writes the
 * work tree leaves files of the merged commit behind with no merge state;
 * the next cycle must not commit them as local edits.  So the cycle
 * records "<HEAD> is merging <commit> in <work tree>" in
 * .git/sovsync/merge-in-progress.json (shared by the worktrees of a clone)
 * before it runs `git merge`, and removes it once the merge has ended
 * (merged, stopped with a merge state, refused, or died and put back).
 */
static int merge_mark(struct cycle *c, const git_oid *ours, const git_oid *theirs)
{
	struct sov_buf path = SOV_BUF_INIT, when = SOV_BUF_INIT;
	char ours_hex[GIT_OID_HEXSZ + 1], theirs_hex[GIT_OID_HEXSZ + 1];
	json_t *obj;
	int ret = -1;

	git_oid_tostr(ours_hex, sizeof(ours_hex), ours);
	git_oid_tostr(theirs_hex, sizeof(theirs_hex), theirs);
	sov_time_format(sov_time_now(), &when);
	obj = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "version", 1, "started_at",
			when.ptr, "worktree", c->workdir, "upstream", c->upstream.ptr,
			"head", ours_hex, "merging", theirs_hex);
	if (!obj)
		sov_error("cannot build the merge marker");
	else if (sov_repo_state_path(c->repo, MERGE_MARK_FILE, &path) == 0)
		ret = sov_json_write_file(path.ptr, obj);
	json_decref(obj);
	sov_buf_release(&path);
	sov_buf_release(&when);
	return ret;
}

static void merge_unmark(struct cycle *c)
{
	struct sov_buf path = SOV_BUF_INIT;

	if (sov_repo_state_path(c->repo, MERGE_MARK_FILE, &path) == 0 &&
	    sov_os_unlink(path.ptr) < 0 && errno != ENOENT)
		sov_warn("%s: cannot remove: %s", path.ptr, strerror(errno));
	sov_buf_release(&path);
}

/* The commit named by `key` in the marker, into `oid`: 0, or -1. */
static int mark_oid(json_t *mark, const char *key, git_oid *oid)
{
	const char *hex = json_string_value(json_object_get(mark, key));

	return hex && strlen(hex) == GIT_OID_HEXSZ && git_oid_fromstr(oid, hex) == 0 ? 0 : -1;
}

/*
 * At the start of a cycle, before anything is staged: a marker left by a
 * cycle killed during its merge.  With no merge state (check_no_operation
 * has passed) and HEAD still the marker's, put the paths that differ
 * between HEAD and the merged commit back to HEAD where they are dirty
 * (restore_after_dead_merge); nothing else in the work tree is touched.
 * If HEAD moved meanwhile (the user committed, or the merge had finished),
 * the leftovers can no longer be told from the user's work: touch nothing,
 * drop the marker and say so.  The note goes to res->recovered (the log
 * line) and standard error.  Returns 0, or -1 (marker kept).
 */
static int recover_killed_merge(struct cycle *c)
{
	struct sov_buf path = SOV_BUF_INIT, *note = &c->res->recovered;
	json_t *mark = NULL;
	git_oid head, was, theirs;
	char was_hex[GIT_OID_HEXSZ + 1], hex[GIT_OID_HEXSZ + 1];
	const char *upstream, *worktree;
	int restored, ret = -1;

	if (sov_repo_state_path(c->repo, MERGE_MARK_FILE, &path) < 0)
		goto out;
	if (!sov_fs_exists(path.ptr)) {
		ret = 0;
		goto out;
	}
	if (sov_json_load_file(&mark, path.ptr) < 0 || mark_oid(mark, "head", &was) < 0 ||
	    mark_oid(mark, "merging", &theirs) < 0) {
		sov_error_clear();
		sov_error("%s: unreadable record of a merge killed midway; check "
			  "'git status' for its leftovers, then remove the file", path.ptr);
		goto out;
	}
	worktree = json_string_value(json_object_get(mark, "worktree"));
	if (worktree && strcmp(worktree, c->workdir) != 0) {
		ret = 0;	/* another worktree's merge: its own cycle sees to it */
		goto out;
	}
	upstream = json_string_value(json_object_get(mark, "upstream"));
	if (!upstream)
		upstream = "the remote";
	git_oid_tostr(was_hex, sizeof(was_hex), &was);
	git_oid_tostr(hex, sizeof(hex), &theirs);
	sov_buf_reset(note);
	if (!ref_id(c->repo, "HEAD", &head) || !git_oid_equal(&head, &was)) {
		sov_buf_addf(note, "a merge of %s (commit %.7s) was killed midway, but HEAD "
			     "has moved since (was %.7s): work tree left as it is, record "
			     "dropped", upstream, hex, was_hex);
		sov_warn("%s", note->ptr);
		if (!c->opts->dry_run)
			merge_unmark(c);
		ret = 0;
		goto out;
	}
	if (c->opts->dry_run) {
		sov_buf_addf(note, "a merge of %s (commit %.7s) was killed midway: the next "
			     "sync puts its leftovers back to HEAD", upstream,
			     hex);
		sov_warn("%s", note->ptr);
		ret = 0;
		goto out;
	}
	/* Nothing undone while a git (the killed one's lock) holds the index. */
	restored = wait_index_unlocked(c, sov_timing_clock_ms() + c->cfg->lock_timeout_ms);
	if (restored == 0)
		restored = restore_after_dead_merge(c, &theirs);
	if (restored < 0) {
		sov_buf_reset(note);
		sov_error_prefix("%s: a merge of %s (commit %.7s) was killed midway; its "
				 "leftovers could not be put back to HEAD, nothing committed",
				 c->workdir, upstream, hex);
		goto out;
	}
	sov_buf_addf(note, "a merge of %s (commit %.7s) was killed midway: work tree put "
		     "back to HEAD (%d path%s), none of it committed", upstream,
		     hex, restored, restored == 1 ? "" : "s");
	sov_warn("%s", note->ptr);
	merge_unmark(c);
	ret = 0;
out:
	json_decref(mark);
	sov_buf_release(&path);
	return ret;
}

/*
 * The merge failed with no merge state to abort and HEAD unmoved, after
 * Git had started on the work tree (merge_refused says it had not).  Put
 * the work tree back (restore_after_dead_merge) and set the error: the
 * damaged path with its blob and the commit that brought it, when Git's
 * stderr (`raw_err`) names one, then `git_err`, the failure as reported.
 * Always returns -1.
 */
static int merge_died(struct cycle *c, const git_oid *theirs, const char *raw_err,
		      const char *git_err)
{
	struct sov_argv args = { 0 };
	struct sov_buf path = SOV_BUF_INIT, spec = SOV_BUF_INIT, commit = SOV_BUF_INIT;
	struct sov_buf blob = SOV_BUF_INIT, msg = SOV_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	int restored;

	sov_buf_addstr(&msg, git_err);
	git_oid_tostr(hex, sizeof(hex), theirs);
	restored = restore_after_dead_merge(c, theirs);
	if (restored < 0)
		sov_warn("%s", sov_error_last());
	else
		merge_unmark(c);	/* else the next cycle tries again */

	sov_buf_reset(&c->res->error);
	if (smudge_failed_path(raw_err, &path)) {
		/* The commit of <remote>/<branch> that last wrote the path. */
		sov_buf_addf(&spec, "%s:%s", hex, path.ptr);
		sov_argv_pushl(&args, "git", "rev-parse", "--verify", "--quiet", spec.ptr, NULL);
		if (git_read(c, &args, &blob) == 0)
			sov_buf_rtrim(&blob);
		sov_argv_pushl(&args, "git", "log", "-1", "--format=%H", hex, "--", path.ptr, NULL);
		if (git_read(c, &args, &commit) == 0)
			sov_buf_rtrim(&commit);
		sov_error_clear();
		sov_buf_addf(&c->res->error, "merge of %s died midway: %s: the stored "
			     "content does not decode (damaged blob %s, from commit %s)",
			     c->upstream.ptr, path.ptr, blob.len ? blob.ptr : "?",
			     commit.len ? commit.ptr : "?");
	} else {
		sov_buf_addf(&c->res->error, "merge of %s died midway", c->upstream.ptr);
	}
	if (restored >= 0)
		sov_buf_addf(&c->res->error, "; work tree put back to HEAD (%d path%s), "
			     "none of the merge committed; %s", restored,
			     restored == 1 ? "" : "s", msg.ptr);
	else
		sov_buf_addf(&c->res->error, "; the work tree could NOT be put back to "
			     "HEAD: check 'git status' before the next sync; %s", msg.ptr);
	sov_error("%s", c->res->error.ptr);
	sov_argv_release(&args);
	sov_buf_release(&path);
	sov_buf_release(&spec);
	sov_buf_release(&commit);
	sov_buf_release(&blob);
	sov_buf_release(&msg);
	return -1;
}

/*
 * After a failed `git merge` from `ours`: 1 if it died while writing the
 * work tree (no merge state, HEAD unmoved, not one of Git's refusals to
 * start), 0 otherwise.
 */
static int merge_died_midway(struct cycle *c, const git_oid *ours, const char *err)
{
	git_oid now;

	return git_repository_state(c->repo) == GIT_REPOSITORY_STATE_NONE &&
	       ref_id(c->repo, "HEAD", &now) && git_oid_equal(&now, ours) &&
	       !merge_refused(err);
}

/*
 * Merge <remote>/<branch>.  Returns 0 merged (or nothing to merge), 1 when
 * the merge stopped on conflicts and was aborted, -1 on failure.
 */
static int step_merge(struct cycle *c)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT, err = SOV_BUF_INIT, paths = SOV_BUF_INIT;
	git_oid theirs, ours;
	int merged_already = 0, have_ours, ret = -1, r;
	const char *p;

	if (!ref_id(c->repo, c->tracking.ptr, &theirs))
		return 0;	/* the remote has no such branch yet */
	memset(&ours, 0, sizeof(ours));	/* an unborn HEAD: the null id */
	have_ours = ref_id(c->repo, "HEAD", &ours);
	if (have_ours)
		merged_already = git_oid_equal(&ours, &theirs) ||
				 git_graph_descendant_of(c->repo, &ours, &theirs) == 1;
	if (merged_already) {
		clear_conflict_flag(c);
		return 0;
	}
	if (!c->opts->retry_conflict && conflict_still_stands(c, &ours, &theirs))
		return 1;
	/* The user may have started a merge since the cycle began. */
	if (check_no_operation(c) < 0)
		return -1;

	/*
	 * --ff --commit --no-squash override merge.ff and
	 * branch.<name>.mergeOptions: a user's "ff only" would make every
	 * cycle fail, and "--no-commit" or "--squash" would leave a merge
	 * half done that no later cycle may touch.
	 */
	sov_argv_pushl(&args, "git", "merge", "--quiet", "--no-edit", "--no-progress",
		   "--ff", "--commit", "--no-squash", c->upstream.ptr, NULL);
	/*
	 * Into an unborn branch: no HEAD to put back to, no marker.  A marker
	 * that cannot be written (a full disk) does not stop the merge, which
	 * is as safe as it was before markers: only a kill during it could
	 * not be put back.
	 */
	if (have_ours && merge_mark(c, &ours, &theirs) < 0) {
		sov_warn("%s; merging without it (a cycle killed midway would not be put "
			 "back)", sov_error_last());
		sov_error_clear();
	}
	r = run_git_index(c, &args, NULL, &out, &err);
	if (have_ours && (r == 0 || !merge_died_midway(c, &ours, err.ptr)))
		merge_unmark(c);	/* merge_died removes it once put back */
	if (r == 0) {
		c->res->merged = 1;
		clear_conflict_flag(c);
		ret = 0;
		goto out;
	}
	/*
	 * Abort only a merge this command left behind: its own conflict
	 * report says so.  A merge started by someone else meanwhile makes
	 * ours fail with "MERGE_HEAD exists", and is not ours to undo.
	 */
	if (git_repository_state(c->repo) != GIT_REPOSITORY_STATE_MERGE ||
	    (!strstr(out.ptr, "Automatic merge failed") &&
	     !strstr(err.ptr, "Automatic merge failed"))) {
		/*
		 * No merge state: refused before starting (nothing to undo),
		 * or died while writing the work tree (undo that).
		 */
		if (have_ours && merge_died_midway(c, &ours, err.ptr)) {
			struct sov_buf why = SOV_BUF_INIT;

			sov_buf_addstr(&why, sov_error_last());
			merge_died(c, &theirs, err.ptr, why.ptr);
			sov_buf_release(&why);
		}
		goto out;
	}

	unmerged_paths(c, &paths);
	if (!paths.ptr[0]) {
		/* No unmerged path: someone resolved it meanwhile; hands off. */
		sov_error("%s: the merge of %s changed under us; left as it is",
			  c->workdir, c->upstream.ptr);
		goto out;
	}
	/* Modify/delete of synced files only: keep the edits, go on. */
	switch (settle_modify_delete(c, paths.ptr)) {
	case 1:
		c->res->merged = 1;
		clear_conflict_flag(c);
		ret = 0;
		goto out;
	case -1:
		sov_warn("%s", sov_error_last());
		break;
	}

	/* Stopped on conflicts the drivers could not settle: undo, flag. */
	sov_buf_addf(&c->res->error, "merge of %s stopped on conflicts in",
		     c->upstream.ptr);
	for (p = paths.ptr; *p; p += strlen(p) + 1)
		sov_buf_addf(&c->res->error, " %s", p);
	sov_buf_addstr(&c->res->error, "; merge aborted, local commits kept");

	sov_argv_release(&args);
	sov_argv_pushl(&args, "git", "merge", "--abort", NULL);
	if (run_git_index(c, &args, NULL, NULL, &err) < 0) {
		sov_error_prefix("%s; cannot abort the merge, repository left mid-merge",
				 c->res->error.ptr);
		goto out;
	}
	if (flag_conflict(c, paths.ptr) < 0)
		sov_warn("%s", sov_error_last());
	ret = 1;
out:
	sov_argv_release(&args);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&paths);
	return ret;
}

/*
 * Push HEAD to <remote>/<branch>.  Returns 0 pushed (or nothing to push),
 * 1 when rejected because the remote moved, -1 on failure.
 */
static int step_push(struct cycle *c)
{
	struct sov_argv args = { 0 };
	struct sov_buf out = SOV_BUF_INIT, err = SOV_BUF_INIT, spec = SOV_BUF_INIT;
	git_oid head, theirs;
	const char *p;
	int status, ret = 0;

	if (!ref_id(c->repo, "HEAD", &head))
		return 0;	/* nothing committed at all yet */
	if (ref_id(c->repo, c->tracking.ptr, &theirs) && git_oid_equal(&head, &theirs))
		return 0;

	/* Hooks bypassed: never push a manifest they did not keep true. */
	if (sov_hookrun_check_push(c->ctx) < 0)
		return -1;

	sov_buf_addf(&spec, "HEAD:refs/heads/%s", c->branch.ptr);
	sov_argv_pushl(&args, "git", "push", "--porcelain", "--quiet", "--progress",
		   c->cfg->remote.ptr, spec.ptr, NULL);
	c->res->push_attempts++;
	status = run_git_network(c, &args, &out, &err);
	if (status == 0) {
		c->res->pushed = 1;
		/* What we pushed is now the remote's tip, synced. */
		if (record_synced_tip(c, &head) < 0)
			sov_warn("%s", sov_error_last());
		goto out;
	}
	/* --porcelain: "!\t<src>:<dst>\t[rejected] (fetch first)" on stdout. */
	for (p = out.ptr; (p = strstr(p, "!\t")) != NULL; p += 2) {
		if ((p == out.ptr || p[-1] == '\n') && strstr(p, "\t[rejected]")) {
			ret = 1;
			goto out;
		}
	}
	ret = run_failed(&args, status, &err);
out:
	sov_argv_release(&args);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&spec);
	return ret;
}

/* 1 if HEAD has commits <remote>/<branch> lacks (or it does not exist). */
static int is_ahead(struct cycle *c)
{
	git_oid head, theirs;

	if (!ref_id(c->repo, "HEAD", &head))
		return 0;
	return !ref_id(c->repo, c->tracking.ptr, &theirs) || !git_oid_equal(&head, &theirs);
}

static enum sov_sync_outcome fail(struct cycle *c)
{
	sov_buf_reset(&c->res->error);
	sov_buf_addstr(&c->res->error, sov_error_last());
	return SOV_SYNC_FAILED;
}

static enum sov_sync_outcome cycle_steps(struct cycle *c)
{
	int attempt, r;

	if (recover_killed_merge(c) < 0)
		return fail(c);
	if (step_commit(c) < 0)
		return fail(c);
	if (c->opts->dry_run || c->opts->network == SOV_SYNC_NET_NEVER)
		return SOV_SYNC_OK;
	if (c->opts->network == SOV_SYNC_NET_IF_CHANGED && !c->res->files && !is_ahead(c)) {
		c->res->is_idle = 1;
		return SOV_SYNC_OK;
	}
	if (seed_synced_tip(c) < 0)
		return fail(c);
	c->has_before_merge = ref_id(c->repo, "HEAD", &c->before_merge);
	for (attempt = 0; attempt < SOV_SYNC_PUSH_ATTEMPTS; attempt++) {
		if (stop_requested(c))
			return SOV_SYNC_STOPPED;
		if (step_fetch(c) < 0)
			return fail(c);
		r = check_rewrite(c);
		if (r < 0)
			return fail(c);
		if (r > 0)
			return SOV_SYNC_REWRITTEN;
		if (stop_requested(c))
			return SOV_SYNC_STOPPED;
		r = step_merge(c);
		if (r < 0)
			return fail(c);
		if (r > 0)
			return SOV_SYNC_CONFLICT;
		if (stop_requested(c))
			return SOV_SYNC_STOPPED;
		r = step_push(c);
		if (r < 0)
			return fail(c);
		if (r == 0)
			return SOV_SYNC_OK;
		sov_trace("sync: push rejected, the remote moved; merging again");
	}
	sov_error("push to %s rejected %d times: the remote keeps moving; will retry",
		  c->upstream.ptr, SOV_SYNC_PUSH_ATTEMPTS);
	return fail(c);
}

static int start(struct cycle *c)
{
	const char *gitdir = git_repository_path(c->repo);

	c->workdir = git_repository_workdir(c->repo);
	if (!c->workdir)
		return sov_error("%s: a bare repository has no files to sync", gitdir);
	if (check_no_operation(c) < 0 || resolve_branch(c) < 0)
		return -1;
	sov_buf_addf(&c->index_lock, "%sindex.lock", gitdir);
	sov_buf_addf(&c->tracking, "refs/remotes/%s/%s", c->cfg->remote.ptr,
		     c->branch.ptr);
	sov_buf_addf(&c->upstream, "%s/%s", c->cfg->remote.ptr, c->branch.ptr);
	sov_buf_addf(&c->low_speed_time, "GIT_HTTP_LOW_SPEED_TIME=%lld",
		     (long long)(c->cfg->network_timeout_ms < 1000 ? 1 :
				 c->cfg->network_timeout_ms / 1000));
	return 0;
}

/* Take the per-repository sync lock, polling up to the deadline. */
static int lock_cycle(struct cycle *c)
{
	int fd;

	int warned = 0;

	while ((fd = sov_repo_lock(c->repo, "sync", 0)) < 0) {
		/* Only a lock held by another cycle is worth waiting for. */
		if (sov_error_code() != SOV_ELOCKED)
			return -1;
		if (sov_timing_clock_ms() >= c->deadline_ms || stop_requested(c))
			return sov_error_prefix("another sync is running");
		/* Say why we are quiet: the wait may last the whole timeout. */
		if (!warned) {
			sov_warn("waiting for another sync to finish (%s)", sov_error_last());
			warned = 1;
		}
		sov_timing_sleep_ms(LOCK_POLL_MS);
	}
	return fd;
}

/* sovsync.onPull for the cycle's merge: HEAD before it -> HEAD now. */
static void run_onpull(struct cycle *c)
{
	git_oid head;

	if (ref_id(c->repo, "HEAD", &head) &&
	    sov_onpull_run(c->ctx, c->cfg->root.ptr, &c->before_merge, &head, "sync") < 0) {
		sov_warn("%s", sov_error_last());
		sov_error_clear();
	}
}

int sov_sync_run(struct sov_ctx *ctx, const struct sov_sync_opts *opts,
		 struct sov_sync_result *res)
{
	struct cycle c = { 0 };
	int64_t t0 = sov_time_now();
	int lock = -1, ret = 0;

	sov_sync_result_release(res);
	c.ctx = ctx;
	c.repo = ctx->repo;
	c.opts = opts;
	c.cfg = &ctx->set;
	c.res = res;
	c.deadline_ms = sov_timing_clock_ms() + c.cfg->lock_timeout_ms;
	sov_buf_init(&c.index_lock, 0);
	sov_buf_init(&c.tracking, 0);
	sov_buf_init(&c.upstream, 0);
	sov_buf_init(&c.branch, 0);
	sov_buf_init(&c.low_speed_time, 0);

	/*
	 * Checked again once the lock is ours: waiting for another cycle
	 * leaves the user time to start a merge, which this one must not
	 * stage into.
	 */
	if (start(&c) < 0 || (lock = lock_cycle(&c)) < 0 ||
	    check_no_operation(&c) < 0) {
		res->outcome = fail(&c);
		ret = -1;
	} else {
		res->outcome = cycle_steps(&c);
	}
	sov_repo_unlock(lock);
	res->duration_us = sov_time_now() - t0;
	/* What the merge brought, for the local stack; never fails the cycle. */
	if (ret == 0 && !opts->dry_run && (res->merged || res->replayed) &&
	    c.has_before_merge)
		run_onpull(&c);

	if (ret == 0 && !opts->dry_run && !res->is_idle &&
	    res->outcome != SOV_SYNC_STOPPED &&
	    opts->network != SOV_SYNC_NET_NEVER &&
	    sov_metrics_record_sync(c.repo, res->outcome == SOV_SYNC_OK,
				    res->files || res->merged || res->pushed || res->replayed,
				    res->duration_us, res->error.ptr) < 0)
		sov_warn("%s", sov_error_last());
	if (ret < 0)
		sov_error("%s", res->error.ptr);

	sov_buf_release(&c.index_lock);
	sov_buf_release(&c.tracking);
	sov_buf_release(&c.upstream);
	sov_buf_release(&c.branch);
	sov_buf_release(&c.low_speed_time);
	return ret;
}

/* ---- reporting ----------------------------------------------------------- */

void sov_sync_describe(const struct sov_sync_result *res, struct sov_buf *out)
{
	static const char *const names[] = { "ok", "failed", "conflict", "stopped",
					     "rewritten" };

	sov_buf_addf(out, "%s %.3fs", names[res->outcome],
		     (double)res->duration_us / 1e6);
	if (res->recovered.len)
		sov_buf_addf(out, " (%s)", res->recovered.ptr);
	if (res->files)
		sov_buf_addf(out, " committed %zu file%s (%.7s)", res->files,
			     res->files == 1 ? "" : "s", res->commit);
	if (res->replayed)
		sov_buf_addstr(out, " replayed local commits onto the rewritten remote,");
	if (res->merged)
		sov_buf_addstr(out, " merged");
	if (res->kept_edits)
		sov_buf_addf(out, " (kept %zu edited file%s deleted on one side, flagged)",
			     res->kept_edits, res->kept_edits == 1 ? "" : "s");
	if (res->pushed)
		sov_buf_addstr(out, " pushed");
	if (res->push_attempts > 1)
		sov_buf_addf(out, " (%d push attempts)", res->push_attempts);
	if (res->outcome == SOV_SYNC_OK && !res->files && !res->merged && !res->pushed)
		sov_buf_addstr(out, res->fetched ? " up to date" : " nothing to do");
	if (res->error.len)
		sov_buf_addf(out, ": %s", res->error.ptr);
}

int sov_sync_log(git_repository *repo, const char *line, int64_t max_bytes)
{
	struct sov_buf path = SOV_BUF_INIT, old = SOV_BUF_INIT, rec = SOV_BUF_INIT;
	struct sov_os_stat st;
	int fd, ret = -1;

	if (sov_repo_state_path(repo, "log", &path) < 0)
		goto out;
	if (sov_os_stat(path.ptr, &st) == 0 && st.size >= (uint64_t)max_bytes) {
		sov_buf_addf(&old, "%s.1", path.ptr);
		if (sov_os_replace(path.ptr, old.ptr) < 0 && errno != ENOENT) {
			sov_error_errno("%s: cannot rotate", path.ptr);
			goto out;
		}
	}
	sov_time_format(sov_time_now(), &rec);
	sov_buf_addf(&rec, " %s\n", line);
	fd = sov_os_open(path.ptr, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd < 0) {
		sov_error_errno("%s: cannot open", path.ptr);
		goto out;
	}
	/*
	 * One write(2) with O_APPEND: concurrent cycles never mix lines.  A
	 * full disk can still take the start of the line and refuse the rest;
	 * cut that piece off again, or the next line would be glued to it.
	 * The lock keeps another cycle's line out of the cut.
	 */
	if (sov_os_lock_fd(fd, 1, path.ptr) < 0) {
		close(fd);
		goto out;
	}
	if (sov_os_fstat(fd, &st) < 0) {
		sov_error_errno("%s: cannot stat", path.ptr);
		close(fd);
		goto out;
	}
	ret = sov_fs_write_all(fd, rec.ptr, rec.len, path.ptr);
	if (ret < 0 && ftruncate(fd, (off_t)st.size) < 0)
		sov_trace("%s: cannot cut off a partial line: %s", path.ptr, strerror(errno));
	if (close(fd) < 0 && ret == 0)
		ret = sov_error_errno("%s: cannot close", path.ptr);
out:
	sov_buf_release(&path);
	sov_buf_release(&old);
	sov_buf_release(&rec);
	return ret;
}
