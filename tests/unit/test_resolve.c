/* Unit tests for src/merge/resolve.c: settling an entry of the conflict queue. */
#include "tap.h"
#include "scratch.h"
#include "conflicts.h"
#include "error.h"
#include "fs.h"
#include "resolve.h"
#include "run.h"
#include "timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void norm(const char *in, const char *want)
{
	struct sov_buf b = SOV_BUF_INIT;

	sov_buf_addstr(&b, in);
	sov_resolve_normalize(&b);
	is_str(b.ptr, want, "normalize '%s'", in);
	sov_buf_release(&b);
}

static git_oid blob(git_repository *repo, const char *text)
{
	git_oid id;

	git_blob_create_from_buffer(&id, repo, text, strlen(text));
	return id;
}

static void entry(struct sov_conflict *c, const char *path, enum sov_conflict_kind kind,
		  git_oid ours, git_oid theirs)
{
	memset(c, 0, sizeof(*c));
	c->path = (char *)path;
	c->kind = kind;
	c->ours = ours;
	c->theirs = theirs;
	c->detected_at = sov_time_now();
	c->source = "local";
}

static int file_is(const char *dir, const char *rel, const char *want)
{
	struct sov_buf b = SOV_BUF_INIT;
	int r = sov_fs_read_under(dir, rel, &b) == 0 && !strcmp(b.ptr, want);

	sov_buf_release(&b);
	return r;
}

/* What `git ls-files -s` says about `path` ("" when untracked). */
static void staged(const char *dir, const char *path, struct sov_buf *out)
{
	sov_buf_reset(out);
	sov_run_git(out, dir, "ls-files", "-s", "--", path, NULL);
}

int main(void)
{
	char dir[] = "/tmp/sovsync-resolve-XXXXXX";
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_resolve_outcome done = SOV_RESOLVE_OUTCOME_INIT;
	struct sov_buf p = SOV_BUF_INIT, workdir = SOV_BUF_INIT, out = SOV_BUF_INIT;
	struct sov_conflict c;
	git_repository *repo = NULL;
	git_oid ours, theirs;
	const char *wd;

	git_libgit2_init();
	norm("a/./b/../c", "/a/c");
	norm("../../x", "/x");
	norm("//a//b/", "/a/b");
	norm(".", "");

	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	wd = git_repository_workdir(repo);
	sov_buf_addstr(&workdir, wd);

	ok(sov_resolve_worktree_path(wd, dir, "shared/a.md", &p) == 0, "worktree path");
	is_str(p.ptr, "shared/a.md", "relative to the top");
	sov_buf_reset(&out);
	sov_buf_addf(&out, "%s/shared", dir);
	sov_resolve_worktree_path(wd, out.ptr, "../shared/./a.md", &p);
	is_str(p.ptr, "shared/a.md", "relative to a subdirectory, with . and ..");
	sov_resolve_worktree_path(wd, dir, "/etc/passwd", &p);
	is_str(p.ptr, "", "an absolute path outside the work tree");
	sov_resolve_worktree_path(wd, dir, "../x", &p);
	is_str(p.ptr, "", "a relative path climbing out");

	ours = blob(repo, "ours\n");
	theirs = blob(repo, "theirs\n");

	/* Text entry: the file still has markers. */
	{
		const char *marked = "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n";

		sov_fs_replace_under(wd, "shared/a.md", marked, strlen(marked), -1,
				     SOV_FS_MKDIRS);
	}
	entry(&c, "shared/a.md", SOV_CONFLICT_TEXT, ours, theirs);
	ok(sov_conflicts_add(repo, &c) == 0, "queue a text conflict");
	ok(sov_resolve(repo, dir, "nope.md", SOV_RESOLVE_EDITED, &done) < 0 &&
	   strstr(sov_error_last(), "no pending conflict"), "unknown path: %s",
	   sov_error_last());
	ok(sov_resolve(repo, dir, "shared/a.md", SOV_RESOLVE_EDITED, &done) < 0 &&
	   strstr(sov_error_last(), "lines 1, 3, 5"), "markers left: refused: %s",
	   sov_error_last());
	sov_conflicts_load(repo, &q);
	ok(q.nr == 1, "refused: the entry stays queued");
	sov_fs_replace_under(wd, "shared/a.md", "settled\n", 8, -1, 0);
	ok(sov_resolve(repo, dir, "shared/a.md", SOV_RESOLVE_EDITED, &done) == 0,
	   "edited: resolved");
	is_str(done.path.ptr, "shared/a.md", "outcome names the path");
	staged(dir, "shared/a.md", &out);
	ok(strstr(out.ptr, "shared/a.md") != NULL, "edited file staged");
	sov_conflicts_load(repo, &q);
	ok(q.nr == 0, "the entry left the queue");

	/* --theirs writes the recorded version, --ours ours. */
	ok(sov_conflicts_add(repo, &c) == 0, "queue it again");
	ok(sov_resolve(repo, dir, "shared/a.md", SOV_RESOLVE_THEIRS, &done) == 0 &&
	   file_is(wd, "shared/a.md", "theirs\n"), "theirs written");
	c.kind = SOV_CONFLICT_BINARY;
	ok(sov_conflicts_add(repo, &c) == 0, "queue a binary conflict");
	ok(sov_resolve(repo, dir, "shared/a.md", SOV_RESOLVE_EDITED, &done) < 0 &&
	   strstr(sov_error_last(), "binary"), "binary without a side refused");
	ok(sov_resolve(repo, dir, "shared/a.md", SOV_RESOLVE_OURS, &done) == 0 &&
	   file_is(wd, "shared/a.md", "ours\n"), "ours written");

	/* modify/delete: theirs deleted it. */
	entry(&c, "shared/b.md", SOV_CONFLICT_MODIFY_DELETE, ours, theirs);
	c.deleted_by = SOV_CONFLICT_THEIRS;
	ok(sov_conflicts_add(repo, &c) == 0, "queue a modify/delete");
	ok(sov_resolve(repo, dir, "shared/b.md", SOV_RESOLVE_OURS, &done) == 0 &&
	   !done.deleted && file_is(wd, "shared/b.md", "ours\n"),
	   "keeping side, file gone: the recorded version comes back");
	ok(sov_conflicts_add(repo, &c) == 0, "queue it again");
	ok(sov_resolve(repo, dir, "shared/b.md", SOV_RESOLVE_THEIRS, &done) == 0 &&
	   done.deleted && sov_fs_check_under(wd, "shared/b.md", SOV_FS_ANY) == 0,
	   "deleting side: the file is removed");
	staged(dir, "shared/b.md", &out);
	is_str(out.ptr, "", "and its deletion staged");

	/* A hostile queue: a path climbing out of the work tree. */
	entry(&c, "../outside", SOV_CONFLICT_TEXT, ours, theirs);
	ok(sov_conflicts_add(repo, &c) == 0, "queue a path with ..");
	ok(sov_resolve(repo, dir, "../outside", SOV_RESOLVE_THEIRS, &done) < 0,
	   "refused: %s", sov_error_last());

	sov_resolve_outcome_release(&done);
	sov_conflicts_release(&q);
	sov_buf_release(&p);
	sov_buf_release(&out);
	sov_buf_release(&workdir);
	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
