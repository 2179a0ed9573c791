/*
 * Unit tests for src/merge/docdriver.c: what merge-doc decides (merged, flagged,
 * left to Git, kept ours, base for an inner merge) and what it writes.
 */
#include "tap.h"
#include "scratch.h"
#include "conflicts.h"
#include "docdriver.h"
#include "error.h"
#include "frame.h"
#include "fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/sovsync-docdriver-XXXXXX";
static char a_file[256];
static git_repository *repo;

static void set(struct sov_buf b[3], const char *base, size_t nb, const char *ours,
		size_t no, const char *theirs, size_t nt)
{
	sov_buf_reset(&b[0]);
	sov_buf_add(&b[0], base, nb);
	sov_buf_reset(&b[1]);
	sov_buf_add(&b[1], ours, no);
	sov_buf_reset(&b[2]);
	sov_buf_add(&b[2], theirs, nt);
}

#define SET3(b, x, y, z) set(b, x, sizeof(x) - 1, y, sizeof(y) - 1, z, sizeof(z) - 1)

/* %A as Git writes it (ours), then the driver's decision. */
static int merge(const struct sov_buf sides[3], const char *path, unsigned marker,
		 int encoded, const struct sov_docdriver_settings *s,
		 struct sov_docdriver_result *res)
{
	struct sov_ctx ctx = SOV_CTX_INIT;
	int ret;

	sov_fs_write_atomic(a_file, sides[1].ptr, sides[1].len, 0644);
	/* A fresh context each time, as each driver run opens its own. */
	ret = sov_ctx_open(&ctx, dir, SOV_CTX_REPO);
	if (ret == 0)
		ret = sov_docdriver_merge(&ctx, a_file, path, marker, sides, sides, encoded, s,
					  res);
	sov_ctx_release(&ctx);
	return ret;
}

static void read_a(struct sov_buf *out)
{
	sov_buf_reset(out);
	sov_buf_read_file(out, a_file);
}

static int queued(const char *path, struct sov_conflict *copy)
{
	struct sov_conflicts q = { 0 };
	const struct sov_conflict *c;
	int found = 0;

	if (sov_conflicts_load(repo, &q) < 0)
		return -1;
	c = sov_conflicts_find(&q, path);
	if (c) {
		found = 1;
		if (copy) {
			copy->kind = c->kind;
			copy->has_base = c->has_base;
			copy->ours = c->ours;
			copy->theirs = c->theirs;
		}
	}
	sov_conflicts_release(&q);
	return found;
}

int main(void)
{
	struct sov_docdriver_settings s = SOV_DOCDRIVER_SETTINGS_INIT;
	struct sov_docdriver_result res;
	struct sov_buf sides[3] = { SOV_BUF_INIT, SOV_BUF_INIT, SOV_BUF_INIT };
	struct sov_buf a = SOV_BUF_INIT, plain = SOV_BUF_INIT;
	struct sov_conflict c = { 0 };
	struct sov_buf statedir = SOV_BUF_INIT;
	git_oid id;
	git_odb *odb = NULL;

	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "scratch directory");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	snprintf(a_file, sizeof(a_file), "%s/.merge_file_A", dir);
	sov_buf_addstr(&s.source, "laptop");

	SET3(sides, "1\n2\n3\n", "1 ours\n2\n3\n", "1\n2\n3 theirs\n");
	ok(merge(sides, "doc.md", 7, 0, &s, &res) == 0 && res.outcome == SOV_DOCDRIVER_MERGED,
	   "clean text merge: merged");
	read_a(&a);
	is_str(a.ptr, "1 ours\n2\n3 theirs\n", "ours file holds both edits");
	is_int(queued("doc.md", NULL), 0, "nothing queued");

	SET3(sides, "1\n2\n3\n", "1 ours\n2\n3\n", "1 theirs\n2\n3\n");
	ok(merge(sides, "doc.md", 7, 0, &s, &res) == 0 && res.outcome == SOV_DOCDRIVER_FLAGGED &&
	   res.kind == SOV_CONFLICT_TEXT, "same lines, onConflict=flag: flagged");
	read_a(&a);
	ok(strstr(a.ptr, "<<<<<<< ours\n1 ours\n=======\n1 theirs\n>>>>>>> theirs\n") != NULL,
	   "ours file holds the markers");
	is_int(queued("doc.md", &c), 1, "the conflict is queued");
	git_odb_hash(&id, sides[2].ptr, sides[2].len, GIT_OBJECT_BLOB);
	ok(c.kind == SOV_CONFLICT_TEXT && c.has_base && git_oid_equal(&c.theirs, &id),
	   "queued as text, with the base and theirs' blob");

	s.stop_on_conflict = 1;
	ok(merge(sides, "stop.md", 7, 0, &s, &res) == 0 &&
	   res.outcome == SOV_DOCDRIVER_CONFLICT, "onConflict=stop: left to Git");
	read_a(&a);
	ok(strstr(a.ptr, "<<<<<<< ours") != NULL, "with the markers in the ours file");
	is_int(queued("stop.md", NULL), 0, "and nothing queued");
	s.stop_on_conflict = 0;

	/* Binary: ours kept byte for byte, theirs stored and queued. */
	SET3(sides, "\0base", "\0ours", "\0theirs");
	ok(merge(sides, "img.bin", 7, 0, &s, &res) == 0 &&
	   res.outcome == SOV_DOCDRIVER_FLAGGED && res.kind == SOV_CONFLICT_BINARY,
	   "binary: flagged as binary");
	read_a(&a);
	ok(a.len == 5 && !memcmp(a.ptr, "\0ours", 5), "ours file keeps ours untouched");
	git_odb_hash(&id, "\0theirs", 7, GIT_OBJECT_BLOB);
	ok(git_repository_odb(&odb, repo) == 0 && git_odb_exists(odb, &id),
	   "theirs is stored, for resolve --theirs");
	git_odb_free(odb);
	is_int(queued("img.bin", &c), 1, "queued");
	ok(c.kind == SOV_CONFLICT_BINARY, "as binary");

	/* Inner merges (%L above the path's marker size): never queued. */
	ok(merge(sides, "inner.bin", 9, 0, &s, &res) == 0 &&
	   res.outcome == SOV_DOCDRIVER_MERGED, "inner binary merge: merged");
	read_a(&a);
	ok(a.len == 5 && !memcmp(a.ptr, "\0base", 5), "to the base, as Git's binary merge");
	SET3(sides, "1\n", "1 ours\n", "1 theirs\n");
	ok(merge(sides, "inner.md", 9, 0, &s, &res) == 0 &&
	   res.outcome == SOV_DOCDRIVER_CONFLICT, "inner text conflict: left to Git");
	read_a(&a);
	ok(strstr(a.ptr, "<<<<<<<<< ours") != NULL, "with markers of the inner size");
	is_int(queued("inner.md", NULL), 0, "not queued");

	/*
	 * Ours came in the filter's stored form: the result is stored as the
	 * clean filter of this clone would store it.  The settings are the
	 * repository's of the current directory, as in a driver Git runs.
	 */
	ok(chdir(dir) == 0, "in the repository");
	SET3(sides, "1\n2\n3\n", "1 ours\n2\n3\n", "1\n2\n3 theirs\n");
	ok(merge(sides, "enc.md", 7, 1, &s, &res) == 0 && res.outcome == SOV_DOCDRIVER_MERGED,
	   "encoded ours: merged");
	read_a(&a);
	is_str(a.ptr, "1 ours\n2\n3 theirs\n", "below sovsync.filter.minSize: stored plain");
	{
		git_config *cfg = NULL;

		ok(git_repository_config(&cfg, repo) == 0 &&
		   git_config_set_int64(cfg, "sovsync.filter.minSize", 0) == 0, "minSize 0");
		git_config_free(cfg);
	}
	ok(merge(sides, "enc.md", 7, 1, &s, &res) == 0 && res.outcome == SOV_DOCDRIVER_MERGED,
	   "encoded ours, minSize 0: merged");
	read_a(&a);
	ok(sov_frame_is_encoded(a.ptr, a.len) &&
	   sov_frame_decode_buf(a.ptr, a.len, &plain) == 0 &&
	   !strcmp(plain.ptr, "1 ours\n2\n3 theirs\n"), "ours file is stored encoded");

	/* Hostile: the queue cannot be written (its directory is a file). */
	SET3(sides, "1\n", "1 ours\n", "1 theirs\n");
	sov_buf_addf(&statedir, "%s/.git/sovsync", dir);
	scratch_remove(statedir.ptr);
	ok(sov_fs_write_atomic(statedir.ptr, "x", 1, 0644) == 0, "sovsync dir replaced by a file");
	sov_error_clear();
	ok(merge(sides, "unq.md", 7, 0, &s, &res) == 0 &&
	   res.outcome == SOV_DOCDRIVER_UNQUEUED, "queue unwritable: unqueued");
	ok(strstr(sov_error_last(), "sovsync") != NULL, "with a message naming the file (%s)",
	   sov_error_last());
	read_a(&a);
	ok(strstr(a.ptr, "<<<<<<< ours") != NULL, "ours file still holds the marked result");
	unlink(statedir.ptr);

	/* Hostile: %A cannot be replaced (its directory is gone). */
	snprintf(a_file, sizeof(a_file), "%s/gone/.merge_file_A", dir);
	{
		struct sov_ctx ctx = SOV_CTX_INIT;

		ok(sov_ctx_open(&ctx, dir, SOV_CTX_REPO) == 0 &&
		   sov_docdriver_merge(&ctx, a_file, "gone.md", 7, sides, sides, 0, &s, &res) < 0,
		   "ours file unwritable: -1");
		ok(!strncmp(sov_error_last(), "gone.md: ", 9), "naming the path (%s)",
		   sov_error_last());
		sov_ctx_release(&ctx);
	}

	sov_docdriver_settings_release(&s);
	for (int i = 0; i < 3; i++)
		sov_buf_release(&sides[i]);
	sov_buf_release(&a);
	sov_buf_release(&plain);
	sov_buf_release(&statedir);
	git_repository_free(repo);
	/* Out of it first: Windows removes no process's current directory. */
	ok(chdir("..") == 0 && scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
