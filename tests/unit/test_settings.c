/* Unit tests for src/core/settings.c and src/core/ctx.c: the typed settings, opened once. */
#include "tap.h"
#include "scratch.h"
#include "buf.h"
#include "ctx.h"
#include "error.h"
#include "settings.h"
#include "fs.h"
#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_duration(void)
{
	int64_t ms = -1;

	ok(sov_duration_parse("2", 1000, &ms) == 0 && ms == 2000, "2 is seconds");
	ok(sov_duration_parse("1.5s", 1000, &ms) == 0 && ms == 1500, "1.5s");
	ok(sov_duration_parse("500ms", 1000, &ms) == 0 && ms == 500, "500ms");
	ok(sov_duration_parse("15m", 1000, &ms) == 0 && ms == 900000, "15m");
	ok(sov_duration_parse("1h", 1000, &ms) == 0 && ms == 3600000, "1h");
	ok(sov_duration_parse("0", 1000, &ms) == 0 && ms == 0, "0");
	ok(sov_duration_parse("5000", 1, &ms) == 0 && ms == 5000, "bare number in ms units");
	ok(sov_duration_parse("2s", 1, &ms) == 0 && ms == 2000, "a unit wins over ms units");
	ok(sov_duration_parse("", 1000, &ms) < 0, "empty refused");
	ok(sov_duration_parse("-1", 1000, &ms) < 0, "negative refused");
	ok(sov_duration_parse("2 days", 1000, &ms) < 0 &&
	   strstr(sov_error_last(), "unknown unit") != NULL, "unknown unit named");
	ok(sov_duration_parse("nan", 1000, &ms) < 0, "nan refused");
	ok(sov_duration_parse("1e300h", 1000, &ms) < 0, "absurd length refused");
}

/* `git config <args>` in <dir>/repo, `args` split at its spaces: git
 * itself, without a shell (Windows has none).  0, or -1. */
static int set_config(const char *dir, const char *args)
{
	struct sov_buf repo = SOV_BUF_INIT, words = SOV_BUF_INIT;
	const char *argv[8] = { "git", "config" };
	int n = 2, ret;

	sov_buf_addf(&repo, "%s/repo", dir);
	sov_buf_addstr(&words, args);
	for (char *p = words.ptr; *p && n < 7; ) {
		argv[n++] = p;
		p += strcspn(p, " ");
		if (*p)
			*p++ = '\0';
	}
	argv[n] = NULL;
	ret = sov_run_git_argv(NULL, repo.ptr, NULL, argv);
	sov_buf_release(&repo);
	sov_buf_release(&words);
	return ret;
}

static void each_key(void *data, const char *key, const char *old_key, const char *type,
		     const char *def)
{
	int *n = data;

	(void)old_key;
	(void)def;
	if (!strncmp(key, "sovsync.", 8) && *type)
		(*n)++;
}

int main(void)
{
	char dir[] = "/tmp/sovsync-settings-XXXXXX";
	struct sov_buf path = SOV_BUF_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	int nkeys = 0;

	git_libgit2_init();
	test_duration();
	ok(mkdtemp(dir) != NULL, "temp dir");
	sov_buf_addf(&path, "%s/home", dir);
	setenv("HOME", path.ptr, 1);
	setenv("XDG_CONFIG_HOME", path.ptr, 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, path.ptr);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, path.ptr);
	ok(sov_fs_mkdirs(path.ptr, 0755) == 0, "a home");
	sov_buf_reset(&path);
	sov_buf_addf(&path, "%s/repo/sub", dir);
	ok(sov_fs_mkdirs(path.ptr, 0755) == 0 &&
	   sov_run_git(NULL, dir, "init", "-q", "repo", NULL) == 0, "a repository");

	/* Defaults, every group. */
	sov_buf_reset(&path);
	sov_buf_addf(&path, "%s/repo/sub", dir);
	ok(sov_ctx_open(&ctx, path.ptr, SOV_CTX_REPO | SOV_SET_ALL) == 0, "open, defaults");
	ok(ctx.repo != NULL, "the repository is the context's");
	is_str(ctx.set.root.ptr, "shared", "root");
	is_str(ctx.set.remote.ptr, "origin", "remote");
	is_str(ctx.set.branch.ptr, "", "branch: the current one");
	is_str(ctx.set.source.ptr, "local", "source");
	is_int(ctx.set.on_conflict, SOV_ON_CONFLICT_FLAG, "onConflict");
	is_int(ctx.set.lock_timeout_ms, 30000, "lockTimeout");
	is_int(ctx.set.network_timeout_ms, 120000, "networkTimeout");
	is_int(ctx.set.debounce_ms, 2000, "debounce");
	is_int(ctx.set.scan_interval_ms, 900000, "scanInterval");
	is_int(ctx.set.pull_interval_ms, 60000, "pullInterval");
	is_int(ctx.set.backoff_max_ms, 300000, "backoffMax");
	is_str(ctx.set.webhook_events.ptr, "commit,merge,push", "webhook events");
	is_int(ctx.set.webhook_allow_insecure, 0, "allowInsecure");
	is_int(ctx.set.webhook_max_attempts, 15, "maxAttempts");
	is_int(ctx.set.webhook_timeout_ms, 30000, "webhook timeout");
	is_int(ctx.set.webhook_connect_timeout_ms, 10000, "connectTimeout");
	is_int(ctx.set.webhook_retry_delay_ms, 5000, "retryDelay");
	is_int(ctx.set.webhook_max_retry_delay_ms, 36000000, "maxRetryDelay");
	is_int(ctx.set.webhook_linger_ms, 900000, "linger");
	sov_ctx_release(&ctx);

	/* Values, older keys, normalisation. */
	ok(set_config(dir, "sovsync.root ./data/") == 0 &&
	   set_config(dir, "sovsync.documents.onConflict stop") == 0 &&
	   set_config(dir, "sovsync.sync.networkTimeout 50ms") == 0 &&
	   set_config(dir, "sovsync.webhook.retryDelayMs 250") == 0 &&
	   set_config(dir, "sovsync.webhook.lingerMs 2s") == 0 &&
	   set_config(dir, "sovsync.webhook.maxRetryDelay 7") == 0 &&
	   set_config(dir, "sovsync.webhook.maxRetryDelayMs 1") == 0 &&
	   set_config(dir, "sovsync.webhook.timeout 5") == 0 &&
	   set_config(dir, "sovsync.webhook.maxAttempts 1k") == 0, "settings");
	ok(sov_ctx_open(&ctx, path.ptr, SOV_CTX_REPO | SOV_SET_ALL) == 0, "open");
	is_str(ctx.set.root.ptr, "data", "'./data/' is the root 'data'");
	is_int(ctx.set.on_conflict, SOV_ON_CONFLICT_STOP, "onConflict stop");
	is_int(ctx.set.network_timeout_ms, 100, "older networkTimeout key, raised to 100 ms");
	is_int(ctx.set.webhook_retry_delay_ms, 250, "retryDelayMs: milliseconds");
	is_int(ctx.set.webhook_linger_ms, 2000, "lingerMs with a unit: the unit");
	is_int(ctx.set.webhook_max_retry_delay_ms, 7000, "the new key wins over the old");
	is_int(ctx.set.webhook_timeout_ms, 5000, "timeout: seconds, as before");
	is_int(ctx.set.webhook_max_attempts, 1024, "Git's int suffixes");
	sov_ctx_release(&ctx);

	/* A bad value stops only the entry points that load its group. */
	ok(set_config(dir, "sovsync.watch.debounce soon") == 0 &&
	   set_config(dir, "sovsync.documents.onConflict sometimes") == 0, "bad values");
	ok(sov_ctx_open(&ctx, path.ptr, SOV_CTX_REPO | SOV_SET_ROOT | SOV_SET_CORE) == 0,
	   "root and core load past a bad watch and doc setting");
	ok(sov_ctx_load(&ctx, SOV_SET_WATCH) < 0 &&
	   strstr(sov_error_last(), "config sovsync.watch.debounce: 'soon'") != NULL,
	   "the watch group names the key (%s)", sov_error_last());
	ok(sov_ctx_load(&ctx, SOV_SET_DOC) < 0 &&
	   strstr(sov_error_last(), "sovsync.documents.onConflict: 'sometimes' is not") != NULL,
	   "onConflict: neither flag nor stop is refused (%s)", sov_error_last());
	sov_ctx_release(&ctx);
	ok(set_config(dir, "--unset sovsync.watch.debounce") == 0 &&
	   set_config(dir, "sovsync.webhook.timeout 0") == 0, "timeout 0");
	ok(sov_ctx_open(&ctx, path.ptr, SOV_SET_WEBHOOK) < 0 &&
	   strstr(sov_error_last(), "sovsync.webhook.timeout: must be more than 0") != NULL,
	   "a zero webhook timeout refused (%s)", sov_error_last());
	sov_ctx_release(&ctx);
	ok(set_config(dir, "sovsync.root ../out") == 0, "root outside");
	ok(sov_ctx_open(&ctx, path.ptr, SOV_SET_ROOT) < 0 &&
	   strstr(sov_error_last(), "sovsync.root") != NULL, "refused (%s)", sov_error_last());
	sov_ctx_release(&ctx);

	/* GIT_INDEX_FILE: hidden from libgit2, still there for git. */
	setenv("GIT_INDEX_FILE", "/nonexistent/index", 1);
	ok(sov_ctx_open(&ctx, path.ptr, SOV_CTX_REPO) == 0, "open with GIT_INDEX_FILE");
	is_str(getenv("GIT_INDEX_FILE"), "/nonexistent/index", "GIT_INDEX_FILE kept");
	sov_ctx_release(&ctx);
	unsetenv("GIT_INDEX_FILE");

	/* Outside a repository. */
	ok(sov_ctx_open(&ctx, dir, 0) == 0 && ctx.repo == NULL, "outside: no repository, no error");
	sov_ctx_release(&ctx);
	ok(sov_ctx_open(&ctx, dir, SOV_CTX_REPO) < 0 &&
	   strstr(sov_error_last(), "not a git repository") != NULL,
	   "outside, a repository required: %s", sov_error_last());
	sov_ctx_release(&ctx);

	sov_settings_each(each_key, &nkeys);
	ok(nkeys >= 20, "the table lists every key (%d)", nkeys);

	ok(scratch_remove(dir) == 0, "cleanup");
	sov_buf_release(&path);
	git_libgit2_shutdown();
	return done_testing();
}
