/*
 * cli_ui.c - `sovsync ui`: the browser dashboard and conflict resolver.
 *
 * The server is src/ui/ui.c; this file binds its API to the code behind the
 * other commands: `status --json` (sov_cli_status_json), `conflicts
 * --json` (sov_conflicts_load + sov_conflicts_to_json), `resolve`
 * (sov_cli_resolve) and `sync` (sov_sync_run, sov_sync_describe,
 * sov_sync_log).  Every call opens the repository afresh: requests run on
 * their own threads and a repository handle is not shared between them.
 */
#include "cli.h"
#include "ctx.h"
#include "config.h"
#include "conflicts.h"
#include "docmerge.h"
#include "error.h"
#include "fs.h"
#include "hash.h"
#include "hookrun.h"
#include "json.h"
#include "metrics.h"
#include "resolve.h"
#include "run.h"
#include "sync.h"
#include "timestamp.h"
#include "ui.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Largest version shown as text in the resolver (larger: size and hash). */
#define TEXT_MAX (2 * 1024 * 1024)

struct ui_ctx {
	struct sov_buf workdir;		/* top of the work tree, '/'-terminated */
	pthread_mutex_t change;		/* one resolve or sync at a time */
	volatile sig_atomic_t *stop;
};

/* The self-pipe and flag of the stop signals (signal handlers need them static). */
static volatile sig_atomic_t stop_signal;
static int stop_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	stop_signal = 1;
	if (write(stop_pipe[1], &c, 1) < 0) {
		/* the flag is enough */
	}
	errno = saved;
}

/*
 * Each request opens its own repository context (requests run on threads
 * of their own; a git_repository is not shared between threads).
 */
static git_repository *open_repo(struct ui_ctx *ctx, struct sov_ctx *rc, unsigned groups)
{
	if (sov_ctx_open(rc, ctx->workdir.ptr, SOV_CTX_REPO | groups) < 0)
		return NULL;
	return rc->repo;
}

static int api_status(void *data, json_t **out)
{
	struct ui_ctx *ctx = data;
	struct sov_hookrun h = SOV_HOOKRUN_INIT;
	struct sov_ctx rc = SOV_CTX_INIT;
	int ret = -1;

	if (open_repo(ctx, &rc, 0) && sov_hookrun_open(&h, &rc) == 0) {
		*out = sov_cli_status_json(&h);
		ret = 0;
	}
	sov_hookrun_release(&h);
	sov_ctx_release(&rc);
	return ret;
}

static int api_conflicts(void *data, json_t **out)
{
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_ctx rc = SOV_CTX_INIT;
	git_repository *repo = open_repo(data, &rc, 0);
	int ret = -1;

	if (repo && sov_conflicts_load(repo, &q) == 0) {
		*out = sov_conflicts_to_json(&q);
		ret = 0;
	}
	sov_conflicts_release(&q);
	sov_ctx_release(&rc);
	return ret;
}

static int api_history(void *data, size_t limit, json_t **out)
{
	struct sov_ctx rc = SOV_CTX_INIT;
	git_repository *repo = open_repo(data, &rc, 0);
	int ret = repo ? sov_ui_history_load(repo, limit, out) : -1;

	sov_ctx_release(&rc);
	return ret;
}

/*
 * What the next sync cycle commits: the same `git status` and the same
 * parser (sov_sync_parse_status) as the cycle.
 */
static int api_changes(void *data, json_t **out)
{
	struct ui_ctx *ctx = data;
	struct sov_buf z = SOV_BUF_INIT, lines = SOV_BUF_INIT;
	struct sov_ctx rc = SOV_CTX_INIT;
	git_repository *repo = open_repo(ctx, &rc, SOV_SYNC_SETTINGS);
	json_t *list;
	const char *s, *eol;
	int ret = -1;

	if (!repo ||
	    sov_run_git(&z, ctx->workdir.ptr, "status", "--porcelain=v1", "-z", "--no-renames",
			"--untracked-files=all", "--", rc.set.root.ptr, NULL) < 0)
		goto out;
	sov_sync_parse_status(z.ptr, z.len, &lines);
	list = json_array();
	for (s = lines.ptr; s && (eol = strchr(s, '\n')); s = eol + 1) {
		json_t *path = s[1] == '\t' ? json_stringn(s + 2, (size_t)(eol - s - 2)) : NULL;

		if (path)
			json_array_append_new(list, json_pack("{s:s%, s:o}", "status", s, (size_t)1,
							      "path", path));
	}
	*out = json_pack("{s:s, s:o}", "root", rc.set.root.ptr, "changes", list);
	ret = 0;
out:
	sov_buf_release(&z);
	sov_buf_release(&lines);
	sov_ctx_release(&rc);
	return ret;
}

/* {"id", "time", "author", "summary"} of a commit, or null. */
static json_t *commit_json(git_repository *repo, int has, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct sov_buf when = SOV_BUF_INIT;
	git_commit *c = NULL;
	json_t *out;

	if (!has)
		return json_null();
	git_oid_tostr(hex, sizeof(hex), id);
	if (git_commit_lookup(&c, repo, id) < 0) {
		sov_error_clear();
		return json_pack("{s:s}", "id", hex);
	}
	sov_time_format((int64_t)git_commit_time(c) * 1000000, &when);
	out = json_pack("{s:s, s:s, s:s?, s:s?}", "id", hex, "time", when.ptr,
			"author", git_commit_author(c)->name,
			"summary", git_commit_summary(c));
	sov_buf_release(&when);
	git_commit_free(c);
	return out ? out : json_pack("{s:s}", "id", hex);
}

/*
 * One side's content for the resolver: {"deleted"} for a side that deleted
 * the file, else {"blob", "size", "sha256", "binary", "text"?, "json"?}.
 */
static json_t *side_json(const char *workdir, const char *path, const git_oid *blob)
{
	struct sov_buf data = SOV_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1], sha[SOV_SHA256_HEXLEN + 1];
	json_t *out, *text = NULL, *doc = NULL;
	int binary;

	if (!blob)
		return json_pack("{s:b}", "deleted", 1);
	git_oid_tostr(hex, sizeof(hex), blob);
	if (sov_resolve_version(workdir, path, blob, &data) < 0) {
		out = json_pack("{s:b, s:s, s:s}", "deleted", 0, "blob", hex,
				"error", sov_error_last());
		sov_error_clear();
		return out;
	}
	sov_sha256_hex(data.ptr, data.len, sha);
	binary = sov_doc_is_binary(data.ptr, data.len);
	if (!binary && data.len <= TEXT_MAX) {
		text = json_stringn(data.ptr, data.len);
		if (!text)
			binary = 1;	/* not UTF-8: shown as bytes */
	}
	if (text && strlen(path) > 5 && !strcmp(path + strlen(path) - 5, ".json")) {
		if (sov_json_load(&doc, data.ptr, data.len, path) < 0)
			sov_error_clear();
	}
	out = json_pack("{s:b, s:s, s:I, s:s, s:b, s:o?, s:o?}", "deleted", 0, "blob", hex,
			"size", (json_int_t)data.len, "sha256", sha, "binary", binary,
			"text", text, "json", doc);
	sov_buf_release(&data);
	return out;
}

/*
 * When and by whom a side's version was written, from the queue's
 * "versions" (the commit that wrote that content, which need not be the
 * side's tip commit): {"author", "written_at"}, each null when unknown.
 */
static json_t *writer_json(const struct sov_conflict *c, enum sov_conflict_side side)
{
	const struct sov_conflict_info *i = &c->info[side];
	struct sov_buf when = SOV_BUF_INIT;
	json_t *out;

	if (!sov_conflict_version(c, side) || !i->known)
		return json_pack("{s:n, s:n}", "author", "written_at");
	if (i->has_written_at)
		sov_time_format(i->written_at, &when);
	out = json_pack("{s:s?, s:s?}", "author", i->author,
			"written_at", i->has_written_at ? when.ptr : NULL);
	sov_buf_release(&when);
	return out;
}

/*
 * The pending conflict of `path`, from the queue loaded into `q` (the
 * caller releases it), its path checked; NULL with a message, and
 * *not_found set (when given) if the queue has no entry for `path`.
 */
static const struct sov_conflict *pending_conflict(git_repository *repo,
						   struct sov_conflicts *q, const char *path,
						   int *not_found)
{
	const struct sov_conflict *c;

	if (sov_conflicts_load(repo, q) < 0)
		return NULL;
	if (!(c = sov_conflicts_find(q, path))) {
		if (not_found)
			*not_found = 1;
		sov_error("%s: no pending conflict for this path", path);
		return NULL;
	}
	return sov_fs_check_relpath(c->path) < 0 ? NULL : c;
}

static int api_conflict(void *data, const char *path, json_t **out)
{
	struct ui_ctx *ctx = data;
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_ctx rc = SOV_CTX_INIT;
	struct sov_buf current = SOV_BUF_INIT;
	git_repository *repo = open_repo(ctx, &rc, 0);
	const struct sov_conflict *c;
	json_t *cur = json_null();
	int ret = -1, r;

	if (!repo || !(c = pending_conflict(repo, &q, path, NULL)))
		goto out;
	/* The work tree's file: what "edit then accept" starts from. */
	r = sov_fs_read_under(ctx->workdir.ptr, c->path, &current);
	if (r == 0 && current.len <= TEXT_MAX && !sov_doc_is_binary(current.ptr, current.len) &&
	    (cur = json_stringn(current.ptr, current.len)) == NULL)
		cur = json_null();
	sov_error_clear();
	*out = json_pack("{s:o, s:{s:o, s:o, s:o}, s:{s:o, s:o, s:o}, s:o}",
			 "entry", sov_conflict_to_json(c),
			 "local", "version", side_json(ctx->workdir.ptr, c->path,
						       sov_conflict_version(c, SOV_CONFLICT_OURS)),
			 "written", writer_json(c, SOV_CONFLICT_OURS),
			 "commit", commit_json(repo, c->has_ours_commit, &c->ours_commit),
			 "remote", "version", side_json(ctx->workdir.ptr, c->path,
							sov_conflict_version(c, SOV_CONFLICT_THEIRS)),
			 "written", writer_json(c, SOV_CONFLICT_THEIRS),
			 "commit", commit_json(repo, c->has_theirs_commit, &c->theirs_commit),
			 "current", cur);
	ret = 0;
out:
	sov_buf_release(&current);
	sov_conflicts_release(&q);
	sov_ctx_release(&rc);
	return ret;
}

/* Whether `path` is staged differently from HEAD. */
static int staged_change(const char *workdir, const char *path)
{
	struct sov_buf out = SOV_BUF_INIT;
	int ret = sov_run_git(&out, workdir, "--literal-pathspecs", "diff", "--cached",
			      "--name-only", "--", path, NULL);

	if (ret == 0)
		ret = out.len > 0;
	sov_buf_release(&out);
	return ret;
}

/* Commit the resolution: only `path` (and `extra`), as `git commit <paths>`. */
static int commit_paths(const char *workdir, const char *path, const char *extra,
			const char *choice, struct sov_buf *commit)
{
	struct sov_buf msg = SOV_BUF_INIT;
	int changed = staged_change(workdir, path), ret;

	if (changed < 0)
		return -1;
	if (!changed && !extra)
		return 0;	/* the chosen side is what HEAD holds */
	sov_buf_addf(&msg, "sovsync: resolve %s (%s)", path, choice);
	/* No copy: `extra` NULL ends the argument list there. */
	ret = sov_run_git(NULL, workdir, "--literal-pathspecs", "commit", "-q", "-m", msg.ptr,
			  "--", path, extra, NULL);
	if (ret == 0)
		ret = sov_run_git(commit, workdir, "rev-parse", "HEAD", NULL);
	sov_buf_rtrim(commit);
	sov_buf_release(&msg);
	if (ret < 0)
		sov_error_prefix("%s: resolved and staged, but not committed", path);
	return ret;
}

static int resolve_locked(struct ui_ctx *ctx, git_repository *repo, const char *path,
			  const char *choice, const json_t *content, json_t **out,
			  int *bad_request)
{
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_resolve_outcome done = SOV_RESOLVE_OUTCOME_INIT;
	struct sov_buf commit = SOV_BUF_INIT;
	const struct sov_conflict *c;
	const char *wd = ctx->workdir.ptr;
	enum sov_resolve_choice side;
	char *owned = NULL, *copy = NULL;
	int ret = -1, r;

	if (!(c = pending_conflict(repo, &q, path, bad_request)))
		goto out;
	owned = sov_strdup(c->path);
	/* A "copy" entry's copy: removed by any choice but both, committed too. */
	if (c->kind == SOV_CONFLICT_COPY && c->copy)
		copy = sov_strdup(c->copy);
	if (!strcmp(choice, "local")) {
		side = SOV_RESOLVE_OURS;
	} else if (!strcmp(choice, "remote")) {
		side = SOV_RESOLVE_THEIRS;
	} else if (!strcmp(choice, "both")) {
		/* sov_resolve decides, as for `sovsync resolve --both`: a
		 * modify/delete keeps the file that one side still has. */
		side = SOV_RESOLVE_BOTH;
	} else if (!strcmp(choice, "edit")) {
		if (!json_is_string(content)) {
			*bad_request = 1;
			sov_error("%s: edit needs the new content (\"content\": a string)", path);
			goto out;
		}
		if (c->kind == SOV_CONFLICT_BINARY) {
			*bad_request = 1;
			sov_error("%s: binary document: choose a version", path);
			goto out;
		}
		if (sov_fs_replace_under(wd, c->path, json_string_value(content),
					 json_string_length(content), -1,
					 SOV_FS_MKDIRS | SOV_FS_DURABLE) < 0)
			goto out;
		side = SOV_RESOLVE_EDITED;	/* the markers must be gone, as in the CLI */
	} else {
		*bad_request = 1;
		sov_error("unknown choice '%s' (local, remote, both or edit)", choice);
		goto out;
	}
	sov_conflicts_release(&q);
	/* What `sovsync resolve` does: the same library call, the same count. */
	if (sov_resolve(repo, wd, owned, side, &done) < 0) {
		*bad_request = !strcmp(choice, "edit");
		goto out;
	}
	if (sov_metrics_add_resolved(repo, 1) < 0) {
		sov_warn("resolved, but conflictsResolved not counted: %s", sov_error_last());
		sov_error_clear();
	}
	if (!done.copy.len && copy && (r = staged_change(wd, copy)) <= 0) {
		/* Its removal is not staged (it was never committed): nothing to add. */
		if (r < 0)
			goto out;
		free(copy);
		copy = NULL;
	}
	if (commit_paths(wd, owned, done.copy.len ? done.copy.ptr : copy, choice, &commit) < 0)
		goto out;
	*out = json_pack("{s:s, s:s, s:s?, s:s?}", "resolved", owned, "choice", choice,
			 "copy", done.copy.len ? done.copy.ptr : NULL,
			 "commit", commit.len ? commit.ptr : NULL);
	ret = 0;
out:
	free(owned);
	free(copy);
	sov_conflicts_release(&q);
	sov_resolve_outcome_release(&done);
	sov_buf_release(&commit);
	return ret;
}

static int api_resolve(void *data, const json_t *req, json_t **out, int *bad_request)
{
	struct ui_ctx *ctx = data;
	struct sov_ctx rc = SOV_CTX_INIT;
	const char *path = json_string_value(json_object_get(req, "path"));
	const char *choice = json_string_value(json_object_get(req, "choice"));
	git_repository *repo;
	int ret = -1;

	if (!path || !*path || !choice) {
		*bad_request = 1;
		return sov_error("resolve: expected {\"path\": ..., \"choice\": ...}");
	}
	pthread_mutex_lock(&ctx->change);
	repo = open_repo(ctx, &rc, 0);
	if (repo)
		ret = resolve_locked(ctx, repo, path, choice, json_object_get(req, "content"),
				     out, bad_request);
	sov_ctx_release(&rc);
	pthread_mutex_unlock(&ctx->change);
	return ret;
}

static int api_sync(void *data, json_t **out)
{
	static const char *const names[] = { "ok", "failed", "conflict", "stopped",
					     "rewritten" };
	struct ui_ctx *ctx = data;
	struct sov_sync_opts opts = { 0 };
	struct sov_sync_result res = SOV_SYNC_RESULT_INIT;
	struct sov_buf line = SOV_BUF_INIT;
	struct sov_ctx rc = SOV_CTX_INIT;
	git_repository *repo;
	int ret = -1, started;

	pthread_mutex_lock(&ctx->change);
	repo = open_repo(ctx, &rc, SOV_SYNC_SETTINGS);
	if (!repo)
		goto out;
	opts.network = SOV_SYNC_NET_ALWAYS;
	opts.retry_conflict = 1;
	opts.stop = ctx->stop;
	/* As `sovsync sync`: the outcome is logged and reported, not an HTTP error. */
	started = sov_sync_run(&rc, &opts, &res) == 0;
	sov_error_clear();
	sov_sync_describe(&res, &line);
	if (started && sov_sync_log(repo, line.ptr, SOV_SYNC_LOG_MAX) < 0)
		sov_error_clear();
	*out = json_pack("{s:s, s:b, s:s}", "outcome", names[res.outcome], "started", started,
			 "line", line.ptr);
	ret = 0;
out:
	pthread_mutex_unlock(&ctx->change);
	sov_sync_result_release(&res);
	sov_buf_release(&line);
	sov_ctx_release(&rc);
	return ret;
}

/* Start the desktop's browser on `url`, detached; a missing opener is only a note. */
static void open_browser(const char *url)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		setsid();
		if (fork() != 0)
			_exit(0);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("xdg-open", "xdg-open", url, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static int cmd_ui(int argc, char **argv)
{
	struct ui_ctx ctx = { SOV_BUF_INIT, PTHREAD_MUTEX_INITIALIZER, &stop_signal };
	struct sov_ui_api api = { &ctx, api_status, api_conflicts, api_conflict, api_resolve,
				  api_sync, api_history, api_changes };
	struct sov_buf host = SOV_BUF_INIT;
	struct sov_ctx rc = SOV_CTX_INIT;
	struct sov_ui_server *srv = NULL;
	struct sigaction sa;
	git_repository *repo;
	unsigned port = 0;
	int no_open = 0, i, ret = SOV_EXIT_FAIL;
	const char *wd;

	sov_buf_addstr(&host, "127.0.0.1");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-open")) {
			no_open = 1;
		} else if (!strcmp(argv[i], "--listen") || !strncmp(argv[i], "--listen=", 9)) {
			const char *v = argv[i][8] == '=' ? argv[i] + 9 : argv[++i];

			if (!v)
				return sov_cli_usage_error(&sov_cmd_ui, "--listen needs ADDR:PORT");
			if (sov_ui_parse_listen(v, &host, &port) < 0) {
				sov_buf_release(&host);
				return sov_cli_usage_error(&sov_cmd_ui, "%s", sov_error_last());
			}
		} else {
			sov_buf_release(&host);
			return sov_cli_usage_error(&sov_cmd_ui, "unknown argument '%s'", argv[i]);
		}
	}
	if (sov_ctx_open(&rc, NULL, SOV_CTX_REPO) < 0)
		goto fail;
	/*
	 * The index is the repository's own: the hooks' GIT_INDEX_FILE
	 * juggling (sov_hookrun_open) must not race between request threads.
	 */
	unsetenv("GIT_INDEX_FILE");
	repo = rc.repo;
	if (!(wd = git_repository_workdir(repo))) {
		sov_error("ui needs a working tree (this repository is bare)");
		goto fail;
	}
	sov_buf_addstr(&ctx.workdir, wd);
	/* `resolve` takes paths relative to the current directory: be at the top. */
	if (chdir(wd) < 0) {
		sov_error_errno("%s: cannot change into the work tree", wd);
		goto fail;
	}
	if (!sov_ui_is_loopback(host.ptr))
		sov_warn("ui: listening on %s, not loopback: anyone who reaches it and has "
			 "the token can change this repository", host.ptr);
	if (pipe2(stop_pipe, O_CLOEXEC) < 0) {
		sov_error_errno("pipe");
		goto fail;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (sov_ui_start(&srv, host.ptr, port, &api) < 0)
		goto fail;
	printf("%s\n", sov_ui_url(srv));
	fflush(stdout);
	fprintf(stderr, "sovsync ui: serving %s; stop with Ctrl-C\n",
		git_repository_workdir(repo));
	if (!no_open)
		open_browser(sov_ui_url(srv));
	while (!stop_signal) {
		struct pollfd p = { stop_pipe[0], POLLIN, 0 };
		char c;

		if (poll(&p, 1, -1) > 0 && read(stop_pipe[0], &c, 1) < 0 && errno != EINTR)
			break;
	}
	fprintf(stderr, "sovsync ui: stopping\n");
	sov_ui_stop(srv);
	ret = SOV_EXIT_OK;
	goto out;
fail:
	ret = sov_cli_fail();
out:
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (stop_pipe[0] >= 0) {
		close(stop_pipe[0]);
		close(stop_pipe[1]);
		stop_pipe[0] = stop_pipe[1] = -1;
	}
	sov_buf_release(&host);
	sov_buf_release(&ctx.workdir);
	sov_ctx_release(&rc);
	return ret;
}

const struct sov_cmd sov_cmd_ui = {
	"ui", cmd_ui,
	"Serve the sync dashboard and conflict resolver in the browser",
	"sovsync ui [--listen ADDR:PORT] [--no-open]",
	"Serves two pages for the repository of the current directory: the sync\n"
	"dashboard (/settings/sync: health, the metrics, last push and pull,\n"
	"ahead/behind, pending changes, the webhook queue, the history of sync\n"
	"cycles with a chart of their durations, a \"sync now\" button) and the\n"
	"conflict resolver (/settings/sync/conflicts: local and remote side by\n"
	"side; keep local, keep remote, keep both, or edit then accept).  The\n"
	"pages update every second, so they follow a running 'sovsync watch'.\n"
	"A choice does what 'sovsync resolve' does, then commits the file.  The\n"
	"JSON API the pages use is in docs/FORMATS.md.\n"
	"\n"
	"The first line printed is the URL, with its access token; the browser\n"
	"is opened on it.  Every request needs the token (the page turns it\n"
	"into a cookie); requests for another Host or from another Origin are\n"
	"refused.  Stop with Ctrl-C (SIGINT) or SIGTERM.\n"
	"\n"
	"    --listen ADDR:PORT  address to serve on (default 127.0.0.1:0; port 0\n"
	"                        picks a free one; [::1]:PORT for IPv6).  One\n"
	"                        numeric address (not 0.0.0.0 or ::): requests\n"
	"                        must name it as their Host.  An address other\n"
	"                        than loopback is served with a warning: anyone\n"
	"                        with the token can then change this repository\n"
	"    --no-open           print the URL only; do not start a browser\n"
	"\n"
	"Exit status: 0 stopped by a signal, 1 could not start (not a repository,\n"
	"the address in use), 2 wrong usage.\n",
	0,
};
