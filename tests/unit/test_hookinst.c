/* Unit tests for src/manifest/hookinst.c. */
#include "tap.h"
#include "scratch.h"
#include "error.h"
#include "fs.h"
#include "hookinst.h"
#include "osexe.h"
#include "osfs.h"
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/sovsync-hookinst-XXXXXX";
	struct sov_buf s = SOV_BUF_INIT, log = SOV_BUF_INIT, path = SOV_BUF_INIT;
	struct sov_buf data = SOV_BUF_INIT;
	const char *foreign = "#!/bin/sh\nexit 0\n";
	struct stat st;

	ok(mkdtemp(dir) != NULL, "temp dir");

	sov_hookinst_shell_quote("/a b/it's", &s);
	is_str(s.ptr, "'/a b/it'\\''s'", "shell quoting");

	sov_buf_reset(&s);
	sov_hookinst_script(sov_hook_find("pre-commit"), "/opt/sov sync/sovsync", &s);
	ok(strstr(s.ptr, "\n" SOV_HOOK_MARKER "\n") != NULL, "script is marked");
	ok(strstr(s.ptr, "sovsync='/opt/sov sync/sovsync'\n") != NULL, "absolute path, quoted");
	ok(strstr(s.ptr, "\"$chained\" \"$@\" || exit $?") != NULL, "pre hook: chained first, status kept");

	/* The path goes through the os seam's sh form (src/os/osexe.h). */
	sov_buf_reset(&s);
	sov_hookinst_script(sov_hook_find("pre-commit"), "/opt/a\\b/sovsync", &s);
	if (TEST_POSIX)
		ok(strstr(s.ptr, "sovsync='/opt/a\\b/sovsync'\n") != NULL,
		   "a backslash in a POSIX file name is kept (only Windows turns it to /)");
	else
		ok(strstr(s.ptr, "sovsync='/opt/a/b/sovsync'\n") != NULL,
		   "Windows: a backslash is a separator, written / for Git's sh");
	sov_buf_reset(&s);
	{
		const char *self = TEST_POSIX ? "test_hookinst" : "test_hookinst.exe";
		size_t n = strlen(self);

		ok(sov_os_self_exe(&s) == 0 && sov_os_is_absolute(s.ptr) &&
		   s.len >= n && !strcmp(s.ptr + s.len - n, self),
		   "the running program's own absolute path (%s)", s.ptr);
	}
	sov_buf_reset(&s);
	sov_hookinst_script(sov_hook_find("post-rewrite"), "/x/sovsync", &s);
	ok(strstr(s.ptr, "input=$(cat; echo .)") != NULL, "stdin kept for both");
	sov_buf_reset(&s);
	sov_hookinst_script(sov_hook_find("reference-transaction"), "/x/sovsync", &s);
	ok(strstr(s.ptr, "while IFS= read -r line;") != NULL && !strstr(s.ptr, "$("),
	   "reference-transaction: stdin kept, no command substitution (no fork)");
	ok(!strstr(s.ptr, "dirname"), "hook directory without dirname");
	sov_buf_reset(&s);
	sov_hookinst_script(sov_hook_find("post-commit"), "/x/sovsync", &s);
	ok(strstr(s.ptr, "git rev-parse HEAD~1 \"HEAD:$r3\"") != NULL &&
	   strstr(s.ptr, "\"sovsync-precommit-2:fast\"") != NULL &&
	   strstr(s.ptr, "if [ -z \"$skip\" ]; then\n") != NULL,
	   "post-commit: sovsync only when HEAD is not what pre-commit recorded");
	ok(strstr(s.ptr, "\"$chained\" \"$@\"\n\texit $?") != NULL,
	   "post-commit: the chained hook runs either way");
	ok(strstr(s.ptr, "[ -z \"$SOVSYNC_HOOK_PROBE\" ]") != NULL,
	   "post-commit: sovsync doctor's probe always reaches sovsync");
	sov_buf_reset(&s);
	sov_hookinst_script(sov_hook_find("post-merge"), "/x/sovsync", &s);
	ok(!strstr(s.ptr, "rev-parse"), "post-merge: always sovsync");

	/* A foreign hook is chained, then restored. */
	sov_buf_addf(&path, "%s/pre-commit", dir);
	sov_fs_write_atomic(path.ptr, foreign, strlen(foreign), 0755);
	ok(sov_hookinst_install(dir, "/x/sovsync", &log) == 0, "install");
	ok(sov_hookinst_is_ours(path.ptr), "pre-commit is ours now");
	sov_buf_addstr(&path, SOV_HOOK_CHAINED_SUFFIX);
	ok(sov_buf_read_file(&data, path.ptr) == 0 && !strcmp(data.ptr, foreign), "foreign kept");
	sov_buf_setlen(&path, path.len - strlen(SOV_HOOK_CHAINED_SUFFIX));
	if (!TEST_POSIX)
		skip(1, "executable: Windows has no execute bit (Git for Windows' sh runs hooks)");
	else
		ok(stat(path.ptr, &st) == 0 && (st.st_mode & 0111), "executable");

	sov_buf_reset(&log);
	ok(sov_hookinst_install(dir, "/x/sovsync", &log) == 0 && !log.len, "second install: no change");
	sov_buf_reset(&log);
	ok(sov_hookinst_install(dir, "/y/sovsync", &log) == 0 && strstr(log.ptr, "installed"),
	   "a moved binary rewrites the scripts");

	ok(sov_hookinst_uninstall(dir, &log) == 0, "uninstall");
	sov_buf_reset(&data);
	ok(sov_buf_read_file(&data, path.ptr) == 0 && !strcmp(data.ptr, foreign), "foreign restored");
	sov_buf_reset(&path);
	sov_buf_addf(&path, "%s/post-commit", dir);
	ok(!sov_fs_exists(path.ptr), "ours removed");

	/* sov_hookinst_check: in a repository, against Git's hooks directory. */
	{
		struct sov_buf repo = SOV_BUF_INIT, hooks = SOV_BUF_INIT;
		struct sov_buf problems = SOV_BUF_INIT, exe = SOV_BUF_INIT;

		sov_buf_addf(&repo, "%s/repo", dir);
		/* git itself, without a shell (Windows has none). */
		ok(sov_run_git(NULL, dir, "init", "-q", repo.ptr, NULL) == 0, "git init");
		/* An executable whose path needs quoting: it's. */
		sov_buf_addf(&exe, "%s/it's sovsync", dir);
		sov_fs_write_atomic(exe.ptr, foreign, strlen(foreign), 0755);
		sov_buf_addf(&hooks, "%s/.git/hooks", repo.ptr);
		ok(sov_hookinst_install(hooks.ptr, exe.ptr, &log) == 0, "install into the repo");
		sov_buf_reset(&hooks);
		ok(sov_hookinst_check(repo.ptr, &hooks, &problems) == 1 && !problems.len,
		   "check: all in order (quoted path read back)");
		ok(strstr(hooks.ptr, "/repo/.git/hooks") != NULL, "check: the directory Git uses");
		unlink(exe.ptr);
		ok(sov_hookinst_check(repo.ptr, &hooks, &problems) == 0 &&
		   strstr(problems.ptr, "pre-commit: runs ") && strstr(problems.ptr, "it's sovsync"),
		   "check: a binary gone is named");
		sov_buf_reset(&problems);
		sov_buf_reset(&path);
		sov_buf_addf(&path, "%s/.git/hooks/post-merge", repo.ptr);
		sov_fs_write_atomic(path.ptr, foreign, strlen(foreign), 0755);
		sov_fs_write_atomic(exe.ptr, foreign, strlen(foreign), 0755);
		ok(sov_hookinst_check(repo.ptr, &hooks, &problems) == 0 &&
		   !strcmp(problems.ptr, "post-merge: replaced by a script that does not run sovsync\n"),
		   "check: a foreign script, and only that");
		sov_buf_release(&repo);
		sov_buf_release(&hooks);
		sov_buf_release(&problems);
		sov_buf_release(&exe);
	}

	sov_buf_release(&s);
	sov_buf_release(&log);
	sov_buf_release(&path);
	sov_buf_release(&data);
	ok(scratch_remove(dir) == 0, "cleanup");
	return done_testing();
}
