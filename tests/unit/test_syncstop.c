/* Unit tests for src/sync/syncstop.c: the flags of a stopped sync, read back. */
#include "tap.h"
#include "scratch.h"
#include "buf.h"
#include "error.h"
#include "repo.h"
#include "syncstop.h"
#include "child.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_flag(git_repository *repo, const char *name, const char *text)
{
	struct sov_buf path = SOV_BUF_INIT;
	FILE *f;

	sov_repo_state_path(repo, name, &path);
	f = fopen(path.ptr, "w");
	fputs(text, f);
	fclose(f);
	sov_buf_release(&path);
}

static void remove_flag(git_repository *repo, const char *name)
{
	struct sov_buf path = SOV_BUF_INIT;

	sov_repo_state_path(repo, name, &path);
	unlink(path.ptr);
	sov_buf_release(&path);
}

static const char *get(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The other process of the lock check: exit status 0 when the flags of
 * the repository `dir` say nothing stands still. */
static int child_load(const char *dir)
{
	git_repository *r2 = NULL;
	json_t *s2 = NULL;
	int ret;

	git_libgit2_init();
	if (git_repository_open(&r2, dir) < 0) {
		ret = 2;
	} else {
		sov_syncstop_load(r2, &s2);
		ret = s2 == NULL ? 0 : 1;
	}
	/* Everything released: the sanitized build checks the child for leaks too. */
	json_decref(s2);
	git_repository_free(r2);
	git_libgit2_shutdown();
	return ret;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/sovsync-syncstop-XXXXXX";
	struct sov_buf text = SOV_BUF_INIT;
	git_repository *repo = NULL;
	json_t *stop = NULL;
	int lock;

	if (argc == 3 && !strcmp(argv[1], CHILD_FLAG))
		return child_load(argv[2]);
	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");

	is_int(sov_syncstop_load(repo, &stop), 0, "no flag");
	ok(stop == NULL, "nothing stands still");

	write_flag(repo, "sync-conflict.json",
		   "{\"version\": 1, \"detected_at\": \"2026-12-03T10:00:00Z\", \"remote\": \"up\","
		   " \"branch\": \"trunk\", \"paths\": [\"README\", \"x y\"],"
		   " \"message\": \"merge of up/trunk stopped on conflicts in README x y\"}");
	is_int(sov_syncstop_load(repo, &stop), 0, "a conflict flag");
	is_str(get(stop, "reason"), "conflict", "reason");
	is_str(get(stop, "since"), "2026-12-03T10:00:00Z", "since");
	is_int((int)json_array_size(json_object_get(stop, "paths")), 2, "paths");
	ok(strstr(get(stop, "nextStep"), "git merge up/trunk, settle the conflicts in README x y"),
	   "the next step names the remote branch and the paths: %s", get(stop, "nextStep"));
	json_decref(stop);

	write_flag(repo, "sync-conflict.json", "[1, 2");
	is_int(sov_syncstop_load(repo, &stop), 0, "a damaged conflict flag");
	is_str(get(stop, "reason"), "conflict", "still a conflict");
	ok(strstr(get(stop, "message"), "sync-conflict.json") != NULL, "the message names the file");
	json_decref(stop);

	write_flag(repo, "sync-conflict.json", "{\"paths\": 7}");
	is_int(sov_syncstop_load(repo, &stop), 0, "paths of the wrong type");
	is_int((int)json_array_size(json_object_get(stop, "paths")), 0, "read as none");
	json_decref(stop);

	write_flag(repo, "remote-rewritten.json", "{\"message\": \"rewritten\"}");
	is_int(sov_syncstop_load(repo, &stop), 0, "rewritten and conflict both flagged");
	is_str(get(stop, "reason"), "remote-rewritten", "the rewrite comes first");
	ok(strstr(get(stop, "nextStep"), "--accept-rewrite") != NULL, "next step");
	json_decref(stop);
	remove_flag(repo, "remote-rewritten.json");
	remove_flag(repo, "sync-conflict.json");

	sov_buf_addf(&text, "{\"worktree\": \"%s\", \"head\": \"x\", \"merging\": \"y\"}",
		     git_repository_workdir(repo));
	write_flag(repo, "merge-in-progress.json", text.ptr);
	is_int(sov_syncstop_load(repo, &stop), 0, "a merge marker, no cycle running");
	is_str(get(stop, "reason"), "killed-merge", "a killed merge");
	json_decref(stop);
	lock = sov_repo_lock(repo, "sync", 0);
	ok(lock >= 0, "a cycle runs (holds the sync lock)");
	{
		/* Another process (this program again, see child_load()): flock
		 * locks are per open file, not per process. */
		const char *args[] = { CHILD_FLAG, dir, NULL };
		intptr_t pid = child_start(args);

		ok(pid >= 0 && child_wait(pid) == 0, "its marker is no news");
	}
	sov_repo_unlock(lock);
	write_flag(repo, "merge-in-progress.json",
		   "{\"worktree\": \"/elsewhere/\", \"head\": \"x\", \"merging\": \"y\"}");
	is_int(sov_syncstop_load(repo, &stop), 0, "another worktree's marker");
	ok(stop == NULL, "is that worktree's business");

	sov_buf_release(&text);
	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
