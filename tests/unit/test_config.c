/* Unit tests for src/core/config.c: settings read through libgit2's config. */
#include "tap.h"
#include "scratch.h"
#include "buf.h"
#include "config.h"
#include "error.h"
#include "fs.h"
#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_root(void)
{
	static const struct { const char *in, *want; } good[] = {
		{ "shared", "shared" }, { "shared/", "shared" }, { "./shared", "shared" },
		{ "shared//", "shared" }, { "./shared/./", "shared" }, { "a//b/", "a/b" },
		{ ".hidden", ".hidden" }, { "a/...", "a/..." },
	};
	static const char *const bad[] = {
		"", ".", "./", "..", "../x", "shared/../../x", "a/..", "/abs", "/",
		"sha red", "sha*red", "a?", "[ab]", "back\\slash", "#x", "./!x", "q\"",
	};
	struct sov_buf out = SOV_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ok(sov_config_normalize_root(good[i].in, &out) == 0, "root '%s' accepted",
		   good[i].in);
		is_str(out.ptr, good[i].want, "root '%s' normalised", good[i].in);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok(sov_config_normalize_root(bad[i], &out) < 0, "root '%s' refused", bad[i]);
		ok(strstr(sov_error_last(), "sovsync.root") != NULL, "(%s)", sov_error_last());
	}
	sov_buf_release(&out);
}

int main(void)
{
	char dir[] = "/tmp/sovsync-config-XXXXXX";
	struct sov_buf cmd = SOV_BUF_INIT, val = SOV_BUF_INIT, sub = SOV_BUF_INIT;
	struct sov_config *cfg = NULL;
	int64_t n;
	int b;

	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	/* An isolated global config, like Git's own test suite. */
	sov_buf_addf(&cmd, "%s/home", dir);
	setenv("HOME", cmd.ptr, 1);
	setenv("XDG_CONFIG_HOME", cmd.ptr, 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, cmd.ptr);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, cmd.ptr);

	/* git itself, without a shell (Windows has none). */
	ok(sov_fs_mkdirs(cmd.ptr, 0755) == 0, "a home");
	sov_buf_reset(&cmd);
	sov_buf_addf(&cmd, "%s/repo", dir);
	ok(sov_fs_mkdirs(cmd.ptr, 0755) == 0 &&
	   sov_run_git(NULL, dir, "init", "-q", "repo", NULL) == 0 &&
	   sov_run_git(NULL, cmd.ptr, "config", "sovsync.root", "data", NULL) == 0 &&
	   sov_run_git(NULL, cmd.ptr, "config", "sovsync.watch.debounce", "5", NULL) == 0 &&
	   sov_run_git(NULL, cmd.ptr, "config", "sovsync.flag", "yes", NULL) == 0 &&
	   sov_run_git(NULL, cmd.ptr, "config", "sovsync.bad", "maybe", NULL) == 0 &&
	   sov_run_git(NULL, cmd.ptr, "config", "-f", "../home/.gitconfig",
		       "sovsync.global", "fromhome", NULL) == 0 &&
	   sov_run_git(NULL, cmd.ptr, "config", "-f", "../home/.gitconfig",
		       "sovsync.root", "overridden", NULL) == 0,
	   "set up a repository with git");
	sov_buf_addstr(&cmd, "/sub");
	ok(sov_fs_mkdirs(cmd.ptr, 0755) == 0, "and a subdirectory");

	sov_buf_addf(&sub, "%s/repo/sub", dir);
	ok(sov_config_open(&cfg, sub.ptr) == 0, "open from a subdirectory");
	ok(cfg && sov_config_repo(cfg) != NULL, "the repository is found");

	is_int(sov_config_get_string(cfg, "sovsync.root", "shared", &val), 1, "set string");
	is_str(val.ptr, "data", "repository config wins over global");
	ok(sov_config_root(cfg, &val) == 0, "the root, not there yet");
	is_str(val.ptr, "data", "is the setting");
	sov_buf_reset(&val);
	sov_buf_addf(&val, "%s/repo/data", dir);
	if (!TEST_POSIX) {
		skip(3, "the root a link out of the repository: Windows (Wine) makes no links");
	} else {
		ok(symlink("/tmp", val.ptr) == 0, "the root made a link out of the repository");
		ok(sov_config_root(cfg, &val) < 0, "is refused");
		ok(strstr(sov_error_last(), "sovsync.root: data: a symbolic link (to /tmp)") != NULL,
		   "(%s)", sov_error_last());
	}
	sov_buf_reset(&val);
	sov_buf_addf(&val, "%s/repo/data", dir);
	unlink(val.ptr);
	is_int(sov_config_get_string(cfg, "sovsync.global", NULL, &val), 1, "global");
	is_str(val.ptr, "fromhome", "global config applies");
	is_int(sov_config_get_string(cfg, "sovsync.branch", "main", &val), 0, "unset");
	is_str(val.ptr, "main", "default used when unset");

	is_int(sov_config_get_int(cfg, "sovsync.watch.debounce", 2, &n), 1, "int set");
	is_int(n, 5, "int value");
	is_int(sov_config_get_int(cfg, "sovsync.watch.scanInterval", 900, &n), 0, "int unset");
	is_int(n, 900, "int default");

	is_int(sov_config_get_bool(cfg, "sovsync.flag", 0, &b), 1, "bool set");
	is_int(b, 1, "'yes' is true");
	is_int(sov_config_get_bool(cfg, "sovsync.bad", 0, &b), -1, "invalid bool fails");
	ok(strstr(sov_error_last(), "sovsync.bad") != NULL, "the error names the key");
	is_int(sov_config_get_int(cfg, "sovsync.root", 0, &n), -1, "non-number int fails");
	sov_config_free(cfg);
	cfg = NULL;

	/* GIT_DIR from the environment, as hooks and drivers get it. */
	sov_buf_reset(&val);
	sov_buf_addf(&val, "%s/repo/.git", dir);
	setenv("GIT_DIR", val.ptr, 1);
	if (chdir("/") == 0 && sov_config_open(&cfg, NULL) == 0) {
		ok(sov_config_repo(cfg) != NULL, "GIT_DIR locates the repository");
		is_int(sov_config_get_string(cfg, "sovsync.root", NULL, &val), 1, "via GIT_DIR");
		is_str(val.ptr, "data", "repository settings via GIT_DIR");
		sov_config_free(cfg);
	} else {
		ok(0, "open via GIT_DIR: %s", sov_error_last());
	}
	unsetenv("GIT_DIR");

	/* Outside any repository: global settings only, no error. */
	ok(sov_config_open(&cfg, dir) == 0, "open outside a repository");
	ok(cfg && sov_config_repo(cfg) == NULL, "no repository there");
	if (cfg) {
		is_int(sov_config_get_string(cfg, "sovsync.global", NULL, &val), 1, "global");
		is_str(val.ptr, "fromhome", "global settings still apply");
		sov_config_free(cfg);
	}

	ok(scratch_remove(dir) == 0, "cleanup");
	sov_buf_release(&cmd);
	sov_buf_release(&val);
	sov_buf_release(&sub);
	test_root();
	git_libgit2_shutdown();
	return done_testing();
}
