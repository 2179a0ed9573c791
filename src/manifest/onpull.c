/*
 * onpull.c - run sovsync.onPull after a pull; see onpull.h.
 */
#include "onpull.h"
#include "ctx.h"
#include "buf.h"
#include "error.h"
#include "json.h"
#include "repo.h"
#include "run.h"
#include "sync.h"
#include "timestamp.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

#define RECORD_FILE "onpull.json"
/* What a record keeps of the command's output. */
#define OUTPUT_MAX 400

/*
 * sovsync.onPull (empty: not set) and its timeout, through the settings
 * table, from the entry point's config snapshot (loaded into the context
 * once; nothing reopens the config).
 */
static int load_settings(struct sov_ctx *ctx, struct sov_buf *command, int64_t *timeout_ms)
{
	if (sov_ctx_load(ctx, SOV_SET_ONPULL) < 0)
		return -1;
	sov_buf_addstr(command, ctx->set.on_pull.ptr);
	*timeout_ms = ctx->set.on_pull_timeout_ms;
	return 0;
}

/* The first `max` bytes of `text`, cut at a line end, without trailing space. */
static void excerpt(const char *text, size_t max, struct sov_buf *out)
{
	size_t n = strlen(text);

	while (*text == '\n' || *text == '\r')
		text++, n--;
	if (n > max)
		n = max;
	sov_buf_add(out, text, n);
	sov_buf_rtrim(out);
}

static void record(git_repository *repo, const char *trigger, const char *command,
		   const char *old_hex, const char *new_hex, size_t paths, int status,
		   const char *error, const char *output, int64_t duration_us)
{
	struct sov_buf path = SOV_BUF_INIT, when = SOV_BUF_INIT;
	json_t *rec;

	sov_time_format(sov_time_now(), &when);
	rec = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:o, s:s?, s:s, s:I}",
			"version", 1, "ranAt", when.ptr, "trigger", trigger,
			"command", command, "old", old_hex, "new", new_hex,
			"paths", (json_int_t)paths, "ok", !error,
			"exitCode", status >= 0 ? json_integer(status) : json_null(),
			"error", error, "output", output,
			"durationMs", (json_int_t)(duration_us / 1000));
	if (sov_repo_state_path(repo, RECORD_FILE, &path) < 0 ||
	    sov_json_write_file(path.ptr, rec) < 0) {
		sov_warn("onPull: %s", sov_error_last());
		sov_error_clear();
	}
	json_decref(rec);
	sov_buf_release(&path);
	sov_buf_release(&when);
}

int sov_onpull_run(struct sov_ctx *ctx, const char *root, const git_oid *old,
		   const git_oid *new_commit, const char *trigger)
{
	git_repository *repo = ctx->repo;
	struct sov_buf command = SOV_BUF_INIT, paths = SOV_BUF_INIT, out = SOV_BUF_INIT;
	struct sov_buf err = SOV_BUF_INIT, why = SOV_BUF_INIT, shown = SOV_BUF_INIT;
	struct sov_buf env_old = SOV_BUF_INIT, env_new = SOV_BUF_INIT;
	struct sov_buf env_root = SOV_BUF_INIT, env_trigger = SOV_BUF_INIT;
	struct sov_buf log = SOV_BUF_INIT;
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	const char *workdir = git_repository_workdir(repo);
	int64_t timeout_ms, t0;
	size_t n = 0;
	const char *p;
	int status, ret = -1;

	if (load_settings(ctx, &command, &timeout_ms) < 0)
		goto out;
	ret = 0;
	if (!command.len || !workdir || git_oid_equal(old, new_commit))
		goto out;
	if (getenv(SOV_ONPULL_RUNNING_ENV) && *getenv(SOV_ONPULL_RUNNING_ENV)) {
		sov_trace("onPull (%s): inside sovsync.onPull itself; not run again", trigger);
		goto out;
	}
	git_oid_tostr(old_hex, sizeof(old_hex), old);
	git_oid_tostr(new_hex, sizeof(new_hex), new_commit);
	{
		const char *argv[] = { "git", "diff", "--name-only", "--no-renames",
				       "--no-ext-diff", old_hex, new_hex, "--", root, NULL };

		if (sov_run_git_argv(&paths, workdir, NULL, argv) < 0) {
			ret = -1;
			sov_error_prefix("onPull: cannot list what changed");
			goto out;
		}
	}
	for (p = paths.ptr; (p = strchr(p, '\n')); p++)
		n++;
	if (!n)
		goto out;

	sov_buf_addf(&env_old, "SOVSYNC_OLD_COMMIT=%s", old_hex);
	sov_buf_addf(&env_new, "SOVSYNC_NEW_COMMIT=%s", new_hex);
	sov_buf_addf(&env_root, "SOVSYNC_ROOT=%s", root);
	sov_buf_addf(&env_trigger, "SOVSYNC_TRIGGER=%s", trigger);
	t0 = sov_time_now();
	{
		const char *argv[] = { "/bin/sh", "-c", command.ptr, "sovsync-onpull", NULL };
		const char *env[] = { env_old.ptr, env_new.ptr, env_root.ptr, env_trigger.ptr,
				      SOV_ONPULL_RUNNING_ENV "=1", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
				      "GIT_PREFIX", SOV_ONPULL_IN_SYNC_ENV, NULL };
		struct sov_run run = { 0 };

		run.argv = argv;
		run.dir = workdir;
		run.env = env;
		run.in = paths.ptr;
		run.in_len = paths.len;
		run.out = &out;
		run.err = &err;
		run.timeout_ms = timeout_ms;
		sov_trace("onPull (%s): %zu paths, %s..%.7s", trigger, n, old_hex, new_hex);
		status = sov_run(&run);
	}
	excerpt(err.len ? err.ptr : out.ptr, OUTPUT_MAX, &shown);
	if (status < 0) {
		sov_buf_addf(&why, "%s", sov_error_last());
		sov_error_clear();
	} else if (status > 0) {
		sov_buf_addf(&why, "exited %d", status);
		if (shown.len)
			sov_buf_addf(&why, ": %.*s", (int)strcspn(shown.ptr, "\n"), shown.ptr);
	}
	record(repo, trigger, command.ptr, old_hex, new_hex, n, status,
	       why.len ? why.ptr : NULL, shown.ptr, sov_time_now() - t0);
	sov_buf_addf(&log, "onPull (%s, %zu path%s, %.7s..%.7s) %s", trigger, n,
		     n == 1 ? "" : "s", old_hex, new_hex, why.len ? "failed: " : "ok");
	sov_buf_addstr(&log, why.ptr);
	if (sov_sync_log(repo, log.ptr, SOV_SYNC_LOG_MAX) < 0)
		sov_error_clear();
	if (why.len) {
		sov_error("onPull: '%s' %s", command.ptr, why.ptr);
		ret = -1;
	} else {
		ret = 1;
	}
out:
	sov_buf_release(&command);
	sov_buf_release(&paths);
	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&why);
	sov_buf_release(&shown);
	sov_buf_release(&env_old);
	sov_buf_release(&env_new);
	sov_buf_release(&env_root);
	sov_buf_release(&env_trigger);
	sov_buf_release(&log);
	return ret;
}

void sov_onpull_after_hook(struct sov_ctx *ctx, const char *root, const char *trigger)
{
	git_repository *repo = ctx->repo;
	const char *in_sync = getenv(SOV_ONPULL_IN_SYNC_ENV);
	git_oid old, head;

	if (in_sync && *in_sync)
		return;	/* the cycle runs it once, for the whole cycle */
	if (git_reference_name_to_id(&old, repo, "ORIG_HEAD") < 0 ||
	    git_reference_name_to_id(&head, repo, "HEAD") < 0) {
		git_error_clear();
		return;
	}
	if (sov_onpull_run(ctx, root, &old, &head, trigger) < 0) {
		sov_warn("%s", sov_error_last());
		sov_error_clear();
	}
}

json_t *sov_onpull_status(struct sov_ctx *ctx, int *failed)
{
	git_repository *repo = ctx->repo;
	struct sov_buf command = SOV_BUF_INIT, path = SOV_BUF_INIT;
	json_t *last = NULL;
	int64_t timeout_ms;

	*failed = 0;
	if (load_settings(ctx, &command, &timeout_ms) < 0)
		sov_error_clear();
	if (sov_repo_state_path(repo, RECORD_FILE, &path) == 0 && sov_os_access(path.ptr, F_OK) == 0 &&
	    sov_json_load_file(&last, path.ptr) < 0) {
		last = json_pack("{s:b, s:s}", "ok", 0, "error", sov_error_last());
	}
	sov_error_clear();
	*failed = last && !json_is_true(json_object_get(last, "ok"));
	sov_buf_release(&path);
	{
		json_t *out = json_pack("{s:s?, s:o?}", "command", command.len ? command.ptr : NULL,
					"last", last);

		sov_buf_release(&command);
		return out;
	}
}
