/* Unit tests for src/filter/storedform.c. */
#include "tap.h"
#include "scratch.h"
#include "testrepo.h"
#include "error.h"
#include "frame.h"
#include "fs.h"
#include "storedform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/sovsync-storedform-XXXXXX";

static void put(const char *rel, const void *data, size_t len)
{
	struct sov_buf path = SOV_BUF_INIT;

	sov_buf_addf(&path, "%s/%s", dir, rel);
	*strrchr(path.ptr, '/') = '\0';
	sov_fs_mkdirs(path.ptr, 0777);
	path.ptr[strlen(path.ptr)] = '/';
	sov_fs_write_atomic(path.ptr, data, len, -1);
	sov_buf_release(&path);
}

static void put_text(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static git_oid blob_of(git_repository *repo, const git_oid *commit, const char *path)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	git_oid id;

	memset(&id, 0, sizeof(id));
	if (git_commit_lookup(&c, repo, commit) == 0 && git_commit_tree(&t, c) == 0 &&
	    git_tree_entry_bypath(&e, t, path) == 0)
		git_oid_cpy(&id, git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	return id;
}

int main(void)
{
	struct sov_buf raw = SOV_BUF_INIT, stored = SOV_BUF_INIT, real = SOV_BUF_INIT;
	git_repository *repo = NULL;
	git_blob *blob = NULL;
	git_oid c1, c2, a, enc, again;

	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");

	put_text(".gitattributes", "shared/docs/** filter=sovsync\noutside/** filter=sovsync\n");
	put_text("shared/docs/a.md", "written by the web app\n");
	put_text("shared/docs/empty", "");
	put_text("shared/plain.txt", "not filtered\n");
	put_text("outside/x.md", "not under the root\n");
	c1 = commit_all(repo, "web commit", 1700000000);

	ok(sov_storedform_find_raw(repo, "shared", NULL, &c1, 0, &raw) == 0, "find in a root commit");
	is_str(raw.ptr, "shared/docs/a.md\n", "only the non-empty filtered file under the root");

	a = blob_of(repo, &c1, "shared/docs/a.md");
	ok(sov_storedform_encode_blob(repo, &a, 0, &enc) == 0, "encode a blob");
	ok(git_blob_lookup(&blob, repo, &enc) == 0, "the encoded blob exists");
	ok(blob && sov_frame_is_encoded(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)),
	   "it is in stored form");
	if (blob) {
		sov_buf_add(&stored, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		ok(sov_frame_decode_buf(stored.ptr, stored.len, &real) == 0, "it decodes");
		is_str(real.ptr, "written by the web app\n", "to the real content");
	}
	git_blob_free(blob);
	ok(sov_storedform_encode_blob(repo, &enc, 0, &again) == 0 && git_oid_equal(&enc, &again),
	   "encoding the stored form keeps it");

	/* The next commit: a.md now stored encoded, b.md arrives raw. */
	put("shared/docs/a.md", stored.ptr, stored.len);
	put_text("shared/docs/b.md", "also from the web\n");
	c2 = commit_all(repo, "second", 1700000060);
	sov_buf_reset(&raw);
	ok(sov_storedform_find_raw(repo, "shared", &c1, &c2, 0, &raw) == 0, "find what arrived");
	is_str(raw.ptr, "shared/docs/b.md\n", "only the new raw file");
	sov_buf_reset(&raw);
	ok(sov_storedform_find_raw(repo, "shared", &c2, &c2, 0, &raw) == 0, "nothing arrived");
	is_int(raw.len, 0, "nothing listed");

	/* minSize: small plain files are in their form; small frames too, unless strict. */
	sov_buf_reset(&raw);
	ok(sov_storedform_find_raw(repo, "shared", NULL, &c2, 1024, &raw) == 0 && !raw.len,
	   "below minSize nothing is raw");
	ok(sov_storedform_blob_ok(repo, &a, 1024, 0) == 1, "a small plain blob is right");
	ok(sov_storedform_blob_ok(repo, &a, 10, 0) == 0, "a plain blob from minSize up is not");
	ok(sov_storedform_blob_ok(repo, &enc, 1024, 0) == 1, "a small frame is left alone");
	ok(sov_storedform_blob_ok(repo, &enc, 1024, 1) == 0, "strict: it would be stored plain");
	ok(sov_storedform_blob_ok(repo, &enc, 10, 1) == 1, "strict, above minSize: right");
	ok(sov_storedform_encode_blob(repo, &a, 1024, &again) == 0 && git_oid_equal(&a, &again),
	   "encoding below minSize keeps the plain blob");

	ok(sov_storedform_find_raw(repo, "shared", &a, &c2, 0, &raw) < 0, "a blob is no commit");
	ok(strstr(sov_error_last(), "commit") != NULL, "the error names the commit");

	sov_buf_release(&raw);
	sov_buf_release(&stored);
	sov_buf_release(&real);
	git_repository_free(repo);
	if (scratch_remove(dir) < 0)
		printf("# could not remove %s\n", dir);
	git_libgit2_shutdown();
	return done_testing();
}
