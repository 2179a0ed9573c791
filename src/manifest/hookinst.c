/*
 * hookinst.c - write, chain and remove hook scripts; see hookinst.h.
 */
#include "hookinst.h"
#include "error.h"
#include "fs.h"
#include "osexe.h"
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "osfs.h"
#include <unistd.h>

int sov_hookinst_dir(const char *workdir, struct sov_buf *out)
{
	sov_buf_reset(out);
	if (sov_run_git(out, workdir, "rev-parse", "--path-format=absolute",
			"--git-path", "hooks", NULL) < 0)
		return -1;
	sov_buf_rtrim(out);
	return 0;
}

void sov_hookinst_shell_quote(const char *s, struct sov_buf *out)
{
	sov_buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sov_buf_addstr(out, "'\\''");
		else
			sov_buf_addch(out, *s);
	}
	sov_buf_addch(out, '\'');
}

void sov_hookinst_script(const struct sov_hook *hook, const char *exe, struct sov_buf *out)
{
	struct sov_buf q = SOV_BUF_INIT, sh_exe = SOV_BUF_INIT;
	const char *name = hook->name;
	int is_pre = hook->is_pre;
	const char *feed = hook->input != SOV_HOOK_INPUT_NONE ?
		"printf '%s' \"$input\" | " : "";

	/* Git for Windows' sh wants C:/x/sovsync.exe, not C:\x\sovsync.exe. */
	sov_os_sh_path(exe, &sh_exe);
	sov_hookinst_shell_quote(sh_exe.ptr, &q);
	sov_buf_addf(out,
		"#!/bin/sh\n"
		SOV_HOOK_MARKER "\n"
		"# Written by 'sovsync install'; 'sovsync uninstall' removes it and puts\n"
		"# back the hook that was here before (kept as %s" SOV_HOOK_CHAINED_SUFFIX
		", run below).\n"
		"sovsync=%s\n"
		"chained=\"${0%%/*}/%s" SOV_HOOK_CHAINED_SUFFIX "\"\n",
		name, q.ptr, name);
	/*
	 * Every fork counts: Git runs reference-transaction twice per commit
	 * and these scripts on every commit.  Git names a hook by a path with
	 * a slash, so stripping the last component of $0 with the shell does
	 * what `dirname` would, without a process.
	 * reference-transaction gets a line or two: read them with the shell's
	 * own `read`, which costs a system call per byte but no fork and exec
	 * of cat (about 6 ms here); post-rewrite can get thousands of lines,
	 * so cat reads those.  Both keep the input byte for byte, including a
	 * last line without a newline.
	 */
	if (hook->input == SOV_HOOK_INPUT_LINES)
		sov_buf_addstr(out,
			"input=\n"
			"while IFS= read -r line; do input=\"$input$line\n\"; done\n"
			"input=\"$input$line\"\n");
	else if (hook->input == SOV_HOOK_INPUT_ALL)
		sov_buf_addstr(out, "input=$(cat; echo .)\ninput=${input%.}\n");
	if (is_pre)
		sov_buf_addf(out,
			"if [ -x \"$chained\" ]; then\n"
			"\t%s\"$chained\" \"$@\" || exit $?\n"
			"fi\n", feed);
	/*
	 * sovsync's part never decides the outcome, its status is ignored;
	 * but for pre-push, which refuses a push the host would refuse.
	 * reference-transaction runs twice for every ref update; sovsync only
	 * cares about remote-tracking refs moving (a push landed), so the
	 * script does not even start it for anything else.
	 */
	/*
	 * post-commit after a commit pre-commit prepared: HEAD's first parent
	 * and the tree of the root are what pre-commit recorded (hookrun.c),
	 * so HEAD holds the manifest it staged.  One `git rev-parse` says so
	 * for a fraction of a sovsync start.  Anything else (no record, the
	 * record of another working tree or hooks directory, a root commit,
	 * an index to fix, a webhook event to queue: "slow"; `sovsync doctor`
	 * probing whether Git runs the hook) starts sovsync, which checks in
	 * full.  The state directory is the hooks directory's
	 * sibling; with core.hooksPath elsewhere the record is not found.
	 */
	if (hook->skip_if_recorded)
		sov_buf_addf(out,
			"state=\"${0%%/*}/../sovsync\"\n"
			"skip=\n"
			"if [ -z \"$SOVSYNC_HOOK_PROBE\" ] && [ -f \"$state/precommit\" ] &&\n"
			"\t[ ! -e \"$state/fix-index\" ] &&\n"
			"\t{ IFS= read -r r1 && IFS= read -r r2 && IFS= read -r r3 &&\n"
			"\t  IFS= read -r r4 && IFS= read -r r5 && IFS= read -r r6 &&\n"
			"\t  IFS= read -r r7; } <\"$state/precommit\" &&\n"
			"\t[ \"$r1:$r7\" = \"sovsync-precommit-2:fast\" ] && [ \"$r2\" = \"%s/\" ] &&\n"
			"\t[ \"$(git rev-parse HEAD~1 \"HEAD:$r3\" 2>/dev/null)\" = \"$r4\n$r5\" ]; then\n"
			"\tskip=1\n"
			"fi\n"
			"if [ -z \"$skip\" ]; then\n", sov_os_sh_pwd());
	if (hook->only_when)
		sov_buf_addf(out, "case \"$1:$input\" in %s)\n", hook->only_when);
	sov_buf_addf(out,
		"if [ -x \"$sovsync\" ]; then\n"
		"\t%s\"$sovsync\" hook %s \"$@\" || %s\n"
		"else\n"
		"\techo \"sovsync: $sovsync not found; %s hook skipped\" >&2\n"
		"fi\n", feed, name, hook->may_refuse ? "exit $?" : ":", name);
	if (hook->only_when)
		sov_buf_addstr(out, ";; esac\n");
	if (hook->skip_if_recorded)
		sov_buf_addstr(out, "fi\n");
	if (!is_pre)
		sov_buf_addf(out,
			"if [ -x \"$chained\" ]; then\n"
			"\t%s\"$chained\" \"$@\"\n"
			"\texit $?\n"
			"fi\n", feed);
	sov_buf_addstr(out, "exit 0\n");
	sov_buf_release(&q);
	sov_buf_release(&sh_exe);
}

int sov_hookinst_is_ours(const char *path)
{
	struct sov_buf data = SOV_BUF_INIT;
	int ret = 0;

	if (sov_buf_read_file(&data, path) == 0)
		ret = strstr(data.ptr, "\n" SOV_HOOK_MARKER "\n") != NULL;
	sov_error_clear();
	sov_buf_release(&data);
	return ret;
}

/* Whether the file at `path` holds exactly `want`. */
static int file_equals(const char *path, const struct sov_buf *want)
{
	struct sov_buf have = SOV_BUF_INIT;
	int ret = sov_buf_read_file(&have, path) == 0 && have.len == want->len &&
		!memcmp(have.ptr, want->ptr, want->len);

	sov_error_clear();
	sov_buf_release(&have);
	return ret;
}

/* "<dir>/<hook>" and the chained hook's "<dir>/<hook>.sovsync-chained". */
static void hook_paths(const char *dir, const struct sov_hook *hook, struct sov_buf *path,
		       struct sov_buf *chained)
{
	sov_buf_reset(path);
	sov_buf_addf(path, "%s/%s", dir, hook->name);
	sov_buf_reset(chained);
	sov_buf_addf(chained, "%s" SOV_HOOK_CHAINED_SUFFIX, path->ptr);
}

int sov_hookinst_install(const char *dir, const char *exe, struct sov_buf *log)
{
	struct sov_buf path = SOV_BUF_INIT, chained = SOV_BUF_INIT, script = SOV_BUF_INIT;
	const struct sov_hook *hook;
	int ret = -1;

	if (sov_fs_mkdirs(dir, 0777) < 0)
		return -1;
	for (hook = sov_hooks; hook->name; hook++) {
		hook_paths(dir, hook, &path, &chained);
		sov_buf_reset(&script);
		sov_hookinst_script(hook, exe, &script);

		if (sov_fs_exists(path.ptr) && !sov_hookinst_is_ours(path.ptr)) {
			if (sov_fs_exists(chained.ptr)) {
				sov_error("%s: cannot chain: %s exists already", path.ptr,
					  chained.ptr);
				goto out;
			}
			if (sov_os_replace(path.ptr, chained.ptr) < 0) {
				sov_error_errno("%s: cannot rename to %s", path.ptr, chained.ptr);
				goto out;
			}
			sov_buf_addf(log, "kept %s as %s (chained)\n", path.ptr, chained.ptr);
		} else if (file_equals(path.ptr, &script)) {
			continue;
		}
		if (sov_fs_write_atomic(path.ptr, script.ptr, script.len, 0755) < 0)
			goto out;
		sov_buf_addf(log, "installed %s\n", path.ptr);
	}
	ret = 0;
out:
	sov_buf_release(&path);
	sov_buf_release(&chained);
	sov_buf_release(&script);
	return ret;
}

int sov_hookinst_uninstall(const char *dir, struct sov_buf *log)
{
	struct sov_buf path = SOV_BUF_INIT, chained = SOV_BUF_INIT;
	const struct sov_hook *hook;
	int ret = -1;

	for (hook = sov_hooks; hook->name; hook++) {
		hook_paths(dir, hook, &path, &chained);
		if (sov_fs_exists(path.ptr)) {
			if (!sov_hookinst_is_ours(path.ptr))
				continue;	/* replaced by someone else since: theirs now */
			if (sov_os_unlink(path.ptr) < 0) {
				sov_error_errno("%s: cannot remove", path.ptr);
				goto out;
			}
			sov_buf_addf(log, "removed %s\n", path.ptr);
		}
		if (sov_fs_exists(chained.ptr)) {
			if (sov_os_replace(chained.ptr, path.ptr) < 0) {
				sov_error_errno("%s: cannot restore", chained.ptr);
				goto out;
			}
			sov_buf_addf(log, "restored %s\n", path.ptr);
		}
	}
	ret = 0;
out:
	sov_buf_release(&path);
	sov_buf_release(&chained);
	return ret;
}

/*
 * The sovsync our script at `path` runs: the value of its "sovsync=" line,
 * single-quoted as sov_hookinst_shell_quote() writes it.
 */
static int script_exe(const char *path, struct sov_buf *out)
{
	struct sov_buf data = SOV_BUF_INIT;
	const char *p;
	int ret = -1;

	if (sov_buf_read_file(&data, path) < 0) {
		sov_error_clear();
		goto out;
	}
	p = strstr(data.ptr, "\nsovsync='");
	if (!p)
		goto out;
	for (p += 10; *p && *p != '\n'; p++) {
		if (*p != '\'')
			sov_buf_addch(out, *p);
		else if (!strncmp(p, "'\\''", 4))
			sov_buf_addch(out, '\''), p += 3;
	}
	ret = 0;
out:
	sov_buf_release(&data);
	return ret;
}

int sov_hookinst_script_exe(const char *path, struct sov_buf *out)
{
	sov_buf_reset(out);
	if (script_exe(path, out) < 0 || !out->len)
		return sov_error("%s: no sovsync path in the script", path);
	return 0;
}

static void check_one(const char *dir, const char *name, struct sov_buf *problems)
{
	struct sov_buf path = SOV_BUF_INIT, legacy = SOV_BUF_INIT, exe = SOV_BUF_INIT;
	const char *ours;
	struct sov_os_stat st;

	sov_buf_addf(&path, "%s/%s", dir, name);
	sov_buf_addf(&legacy, "%s.legacy", path.ptr);
	ours = path.ptr;
	if (sov_os_stat(path.ptr, &st) < 0 || st.type != SOV_OS_REG) {
		sov_buf_addf(problems, "%s: missing from %s\n", name, dir);
		goto out;
	}
	if (sov_os_access(path.ptr, X_OK) < 0) {
		sov_buf_addf(problems, "%s: not executable (Git skips it)\n", name);
		goto out;
	}
	if (!sov_hookinst_is_ours(path.ptr)) {
		if (!sov_hookinst_is_ours(legacy.ptr) || sov_os_access(legacy.ptr, X_OK) < 0) {
			sov_buf_addf(problems, "%s: replaced by a script that does not run sovsync\n",
				     name);
			goto out;
		}
		ours = legacy.ptr;
	}
	if (script_exe(ours, &exe) < 0 || !exe.len) {
		sov_buf_addf(problems, "%s: no sovsync path in the script\n", name);
		goto out;
	}
	if (sov_os_access(exe.ptr, X_OK) < 0)
		sov_buf_addf(problems, "%s: runs %s, which is missing or not executable\n", name,
			     exe.ptr);
out:
	sov_buf_release(&path);
	sov_buf_release(&legacy);
	sov_buf_release(&exe);
}

int sov_hookinst_check(const char *workdir, struct sov_buf *dir, struct sov_buf *problems)
{
	const struct sov_hook *hook;
	size_t start = problems->len;

	if (sov_hookinst_dir(workdir, dir) < 0)
		return -1;
	for (hook = sov_hooks; hook->name; hook++)
		check_one(dir->ptr, hook->name, problems);
	return problems->len == start;
}
